"""Entry point of spawned workers: ``python -m mpi4py.futures.server`` (started by MPIPoolExecutor)."""

from __future__ import annotations

from .. import MPI
from . import _worker


def main() -> None:
    parent = MPI.Comm.Get_parent()
    if not parent:
        raise SystemExit("mpi4py.futures.server: not started by MPI_Comm_spawn (no parent communicator); "
                         "use MPIPoolExecutor or 'mpiexec -n N python -m mpi4py.futures script.py'")
    try:
        _worker.serve(parent, 0, MPI.COMM_WORLD)
    finally:
        parent.Disconnect()


if __name__ == "__main__":
    main()
