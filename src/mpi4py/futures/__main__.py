"""Launcher: ``mpiexec -n N python -m mpi4py.futures (script.py | -m mod | -c cmd) [args]``.

Rank 0 runs the program; ranks 1..N-1 serve the MPIPoolExecutor instances it creates (one at a
time). With a single process, MPIPoolExecutor spawns its workers instead.
"""

from __future__ import annotations

import runpy
import sys
import traceback
from collections.abc import Sequence

USAGE = """\
usage: mpiexec -n N python -m mpi4py.futures <pyfile> [arg] ...
   or: mpiexec -n N python -m mpi4py.futures -m <mod> [arg] ...
   or: mpiexec -n N python -m mpi4py.futures -c <cmd> [arg] ..."""


def _parse(argv: Sequence[str]) -> tuple[str, str, list[str]]:
    if not argv or argv[0] in ("-h", "--help"):
        raise SystemExit(USAGE if argv else f"{USAGE}\nerror: no program given")
    first = argv[0]
    if first in ("-m", "-c"):
        if len(argv) < 2:
            raise SystemExit(f"{USAGE}\nerror: option {first} needs an argument")
        return ("module" if first == "-m" else "code"), argv[1], [first if first == "-c" else argv[1], *argv[2:]]
    if first.startswith("-"):
        raise SystemExit(f"{USAGE}\nerror: unknown option {first!r}")
    return "path", first, list(argv)


def _run_program(kind: str, target: str, argv: list[str]) -> None:
    sys.argv[:] = argv
    if kind == "path":
        runpy.run_path(target, run_name="__main__")
    elif kind == "module":
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        namespace: dict[str, object] = {"__name__": "__main__", "__builtins__": __builtins__}
        exec(compile(target, "<string>", "exec"), namespace)


def main(argv: Sequence[str] | None = None) -> int:
    kind, target, program_argv = _parse(list(sys.argv[1:] if argv is None else argv))

    from .. import MPI
    from . import _worker, pool

    root = 0
    comm = MPI.COMM_WORLD.Dup()
    rank = comm.Get_rank()
    workers_comm = comm.Split(1 if rank == root else 0, rank)
    status = 0
    try:
        if rank != root:
            _worker.serve(comm, root, workers_comm)
            return 0
        world = pool._WorldWorkers(comm, root) if comm.Get_size() > 1 else None
        pool._set_world(world)
        try:
            _run_program(kind, target, program_argv)
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                print(exc.code, file=sys.stderr)
        except BaseException:  # noqa: B036 - report, then still release the workers
            traceback.print_exc()
            status = 1
        finally:
            pool._shutdown_all()
            if world is not None:
                for worker in world.workers:
                    comm.send(("exit",), worker, _worker.TAG)
            pool._set_world(None)
    finally:
        workers_comm.Free()
        comm.Free()
    return status


if __name__ == "__main__":
    sys.exit(main())
