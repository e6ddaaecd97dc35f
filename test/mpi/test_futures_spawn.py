"""MPIPoolExecutor in spawn mode, end to end, in its own MPI jobs (only from the single-process run).

The same program runs two ways: as a plain ``python script.py`` (singleton MPI init: the library
starts its own launcher to spawn) and under ``mpiexec -n 1``. Workers come from MPI_Comm_spawn
running ``python -m mpi4py.futures.server``. Every case prints one JSON line that the test checks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from mpi_helpers import mpiexec, spawning
from mpi_plugin import clean_env

pytestmark = spawning

PROGRAM = textwrap.dedent("""
    import json, os, sys, time, threading
    from concurrent.futures import CancelledError
    from mpi4py import MPI
    from mpi4py.futures import MPIPoolExecutor, get_comm_workers

    def square(x):
        return x * x

    def where(x):
        return x, MPI.COMM_WORLD.Get_rank(), os.getpid()

    def add(a, b):
        return a + b

    def nap(x, seconds):
        time.sleep(seconds)
        return x

    def fail(text):
        raise KeyError(text)

    def workers():
        comm = get_comm_workers()
        return comm.Get_size(), comm.Get_rank(), comm.allreduce(1)

    def spread(n):
        # A collective over the workers: each of them runs one of these tasks at the same time.
        return workers()

    def workers_size():
        return get_comm_workers().Get_size()

    if __name__ == "__main__":
        out = {"parent_size": MPI.COMM_WORLD.Get_size()}
        with MPIPoolExecutor(max_workers=2) as ex:
            out["submit"] = ex.submit(add, 2, b=3).result()
            out["map"] = list(ex.map(square, range(20), chunksize=3))
            out["unordered"] = sorted(ex.map(square, range(20), chunksize=4, unordered=True))
            out["starmap"] = list(ex.starmap(add, [(1, 2), (3, 4), (5, 6)], chunksize=2))
            out["num_workers"] = ex.num_workers
            seen = [ex.submit(where, i) for i in range(8)]
            out["ranks"] = sorted({f.result()[1] for f in seen})
            out["pids_not_parent"] = all(f.result()[2] != os.getpid() for f in seen)
            out["collective"] = sorted(f.result() for f in [ex.submit(spread, i) for i in range(2)])
            try:
                ex.submit(fail, "worker boom").result()
            except KeyError as exc:
                out["error"] = [type(exc).__name__, str(exc), type(exc.__cause__).__name__,
                                "in fail" in str(exc.__cause__), "worker boom" in str(exc.__cause__)]
        with MPIPoolExecutor(max_workers=3) as ex:
            out["three"] = ex.num_workers
            out["three_workers"] = ex.submit(workers_size).result()
        ex = MPIPoolExecutor(max_workers=1)
        first = ex.submit(nap, "first", 0.5)
        queued = [ex.submit(nap, i, 0.0) for i in range(5)]
        while not first.running():
            time.sleep(0.01)
        ex.shutdown(wait=True, cancel_futures=True)
        out["cancel"] = [first.result(), all(f.cancelled() for f in queued)]
        try:
            ex.submit(square, 1)
        except RuntimeError as exc:
            out["after_shutdown"] = str(exc)
        ex = MPIPoolExecutor(max_workers=1)
        pending = ex.submit(nap, "late", 0.3)
        ex.shutdown(wait=False)
        out["nowait"] = [pending.result(timeout=60)]
        print("RESULT", json.dumps(out), flush=True)
""")


def launch(tmp_path: Path, how: str) -> dict[str, object]:
    script = tmp_path / "spawnjob.py"
    script.write_text(PROGRAM)
    args = [sys.executable, str(script)]
    if how == "mpiexec":
        args = [mpiexec(), "-n", "1", *args]
    # A singleton starts the launcher of its own MPI from PATH (MPICH: mpiexec, Open MPI: prte): the
    # one next to this Python must come first, not a system MPI's. Open MPI's prte started that way
    # reads PRTE_ALLOW_RUN_AS_ROOT(_CONFIRM), not the OMPI_ variables, to run as root.
    env = clean_env(PATH=os.pathsep.join([os.path.dirname(mpiexec()), os.environ.get("PATH", "")]),
                    PRTE_ALLOW_RUN_AS_ROOT="1", PRTE_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    proc = subprocess.run(args, capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path)
    assert proc.returncode == 0, f"{how}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert len(lines) == 1, proc.stdout + proc.stderr
    return json.loads(lines[0][len("RESULT "):])  # type: ignore[no-any-return]


@pytest.mark.dynamic_processes
@pytest.mark.parametrize("how", ["singleton", "mpiexec"])
def test_spawn_mode_end_to_end(tmp_path: Path, how: str) -> None:
    out = launch(tmp_path, how)
    assert out["parent_size"] == 1
    assert out["submit"] == 5
    assert out["map"] == [x * x for x in range(20)]
    assert out["unordered"] == sorted(x * x for x in range(20))
    assert out["starmap"] == [3, 7, 11]
    assert out["num_workers"] == 2
    # Spawned workers share their own COMM_WORLD (ranks 0 and 1), and are other processes.
    assert out["ranks"] == [0, 1] and out["pids_not_parent"] is True
    assert out["collective"] == [[2, 0, 2], [2, 1, 2]]
    assert out["error"] == ["KeyError", "'worker boom'", "RemoteTraceback", True, True]
    assert out["three"] == 3 and out["three_workers"] == 3
    assert out["cancel"] == ["first", True]
    assert out["after_shutdown"] == "cannot schedule new futures after shutdown"
    assert out["nowait"] == ["late"]
