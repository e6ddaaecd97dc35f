"""Public names of upstream mpi4py 4.1's ``futures`` and ``util`` modules, present here (figure printed)."""

from __future__ import annotations

import importlib

UPSTREAM = {
    "mpi4py.futures": [
        "Future", "Executor", "wait", "FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED", "as_completed",
        "CancelledError", "TimeoutError", "InvalidStateError", "BrokenExecutor", "ThreadPoolExecutor",
        "ProcessPoolExecutor", "MPIPoolExecutor", "MPICommExecutor", "get_comm_workers", "collect", "compose",
    ],
    "mpi4py.util.pkl5": ["Pickle", "pickle", "Request", "Message", "Comm", "Intracomm", "Intercomm"],
    "mpi4py.util.dtlib": ["from_numpy_dtype", "to_numpy_dtype"],
    "mpi4py.util.pool": ["Pool", "ThreadPool", "AsyncResult", "ApplyResult", "MapResult"],
    "mpi4py.util.sync": ["Sequential", "Counter", "Mutex", "RMutex", "Condition", "Semaphore"],
}
METHODS = {
    ("mpi4py.futures", "MPIPoolExecutor"): ["submit", "map", "starmap", "shutdown", "bootup", "num_workers"],
    ("mpi4py.util.pkl5", "Comm"): ["send", "bsend", "ssend", "isend", "ibsend", "issend", "recv", "irecv", "sendrecv",
                                  "mprobe", "improbe", "probe", "iprobe"],
    ("mpi4py.util.pkl5", "Intracomm"): ["bcast", "gather", "scatter", "allgather", "alltoall"],
    ("mpi4py.util.pkl5", "Request"): ["Free", "free", "cancel", "get_status", "test", "wait", "get_status_all",
                                     "testall", "waitall"],
    ("mpi4py.util.pkl5", "Message"): ["free", "recv", "irecv", "probe", "iprobe"],
    ("mpi4py.util.pool", "Pool"): ["apply", "apply_async", "map", "map_async", "imap", "imap_unordered", "starmap",
                                  "starmap_async", "close", "terminate", "join"],
    ("mpi4py.util.sync", "Counter"): ["next", "free"],
    ("mpi4py.util.sync", "Mutex"): ["acquire", "release", "locked", "free"],
    ("mpi4py.util.sync", "Condition"): ["acquire", "release", "wait", "wait_for", "notify", "notify_all", "free"],
    ("mpi4py.util.sync", "Semaphore"): ["acquire", "release", "free"],
    ("mpi4py.util.sync", "Sequential"): ["begin", "end"],
}


def test_futures_and_util_public_names() -> None:
    expected = [(m, n) for m, names in UPSTREAM.items() for n in names]
    expected += [(m, f"{c}.{a}") for (m, c), attrs in METHODS.items() for a in attrs]
    missing = []
    for module_name, name in expected:
        obj: object = importlib.import_module(module_name)
        for part in name.split("."):
            if not hasattr(obj, part):
                missing.append(f"{module_name}.{name}")
                break
            obj = getattr(obj, part)
    print(f"\nfutures/util parity: {len(expected) - len(missing)}/{len(expected)} upstream public names present")
    assert not missing, missing
