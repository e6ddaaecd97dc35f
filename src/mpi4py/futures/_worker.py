"""Worker side of the executors: a loop serving one master over a communicator.

Messages are pickled tuples exchanged with tag ``TAG`` on a private communicator:

* master -> worker: ``("open", settings, init_blob)``, ``("task", task_id, (fn, args, kwargs))``,
  ``("close",)`` (end of one pool, stay available) and ``("exit",)`` (leave the loop);
* worker -> master: ``("ready", error)`` after ``open`` and ``("done", task_id, ok, value, tb)``.
"""

from __future__ import annotations

import os
import pickle
import runpy
import sys
import time
import traceback
import types
from typing import Any

from .. import MPI

TAG = 0x5F5F
DEFAULT_BACKOFF = 0.001

# The intracommunicator of all workers of the pool this process serves (see get_comm_workers).
_comm_workers: MPI.Intracomm | None = None
_imported_main: set[str] = set()


def backoff_from_env(value: float | None = None) -> float:
    """Polling interval: the argument, else MPI4PY_FUTURES_BACKOFF, else 1 ms."""
    if value is None:
        text = os.environ.get("MPI4PY_FUTURES_BACKOFF", "")
        try:
            value = float(text) if text else DEFAULT_BACKOFF
        except ValueError:
            raise ValueError(f"MPI4PY_FUTURES_BACKOFF={text!r} is not a number of seconds") from None
    if value < 0:
        raise ValueError(f"backoff must be >= 0 seconds, got {value!r}")
    return float(value)


def poll_recv(comm: MPI.Comm, source: int, backoff: float) -> Any:
    """Receive one message from ``source``, sleeping ``backoff`` between probes (no busy wait)."""
    delay = 0.0
    while not comm.iprobe(source, TAG):
        time.sleep(delay)
        delay = min(backoff, delay + backoff / 16 + 1e-6)
    return comm.recv(None, source, TAG)


def import_main(spec: tuple[str, str] | None) -> None:
    """Make the master's ``__main__`` importable here, as ``__mp_main__`` (guarded code does not run)."""
    if spec is None:
        return
    kind, name = spec
    key = f"{kind}:{name}"
    if key in _imported_main:
        return
    if kind == "path":
        module = types.ModuleType("__mp_main__")
        module.__file__ = name
        sys.modules["__mp_main__"] = module
        with open(name, "rb") as handle:
            code = compile(handle.read(), name, "exec")
        exec(code, module.__dict__)
    elif kind == "module":
        namespace = runpy.run_module(name, run_name="__mp_main__", alter_sys=False)
        module = types.ModuleType("__mp_main__")
        module.__dict__.update(namespace)
        sys.modules["__mp_main__"] = module
    else:
        raise ValueError(f"unknown main spec kind {kind!r}")
    sys.modules["__main__"] = module
    _imported_main.add(key)


def apply_settings(settings: dict[str, Any]) -> None:
    for entry in reversed(settings.get("path") or []):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    if settings.get("wdir"):
        os.chdir(settings["wdir"])
    env = settings.get("env") or {}
    os.environ.update({str(k): str(v) for k, v in env.items()})
    import_main(settings.get("main"))


def _error_payload(exc: BaseException) -> tuple[BaseException, str]:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        exc = RuntimeError(f"{type(exc).__name__}: {exc} (the original exception cannot be pickled)")
    return exc, text


def _open(comm: MPI.Comm, root: int, settings: dict[str, Any], init_blob: bytes) -> None:
    try:
        apply_settings(settings)
        initializer, initargs = pickle.loads(init_blob)
        if initializer is not None:
            initializer(*initargs)
    except BaseException as exc:  # noqa: B036 - any failure breaks the pool, reported to the master
        comm.send(("ready", _error_payload(exc)), root, TAG)
        return
    comm.send(("ready", None), root, TAG)


def _run(comm: MPI.Comm, root: int, task_id: int, payload: tuple[Any, tuple[Any, ...], dict[str, Any]]) -> None:
    fn, args, kwargs = payload
    try:
        value = fn(*args, **kwargs)
    except BaseException as exc:  # noqa: B036 - the master re-raises it in the caller's future
        error, text = _error_payload(exc)
        comm.send(("done", task_id, False, error, text), root, TAG)
        return
    try:
        comm.send(("done", task_id, True, value, ""), root, TAG)
    except Exception as exc:  # result not picklable: report that instead
        error, text = _error_payload(exc)
        comm.send(("done", task_id, False, error, text), root, TAG)


def serve(comm: MPI.Comm, root: int, comm_workers: MPI.Intracomm, backoff: float | None = None) -> None:
    """Serve the master at rank ``root`` of ``comm`` until it sends ``exit``."""
    global _comm_workers
    delay = backoff_from_env(backoff)
    previous, _comm_workers = _comm_workers, comm_workers
    active = comm  # the pkl5 wrapper while a pool opened with use_pkl5 is being served
    try:
        while True:
            message = poll_recv(active, root, delay)
            kind = message[0]
            if kind == "task":
                _run(active, root, message[1], message[2])
            elif kind == "open":
                _open(comm, root, message[1], message[2])
                if message[1].get("use_pkl5"):
                    from ..util import pkl5

                    active = pkl5.Comm(comm)
            elif kind == "close":
                active = comm
            elif kind == "exit":
                return
            else:
                raise RuntimeError(f"mpi4py.futures worker: unexpected message {kind!r} from the master")
    finally:
        _comm_workers = previous


def get_comm_workers() -> MPI.Intracomm:
    """The intracommunicator grouping the worker processes of the pool running the current task."""
    if _comm_workers is None:
        raise RuntimeError("get_comm_workers() is only available in a worker process of an mpi4py.futures executor")
    return _comm_workers
