"""A program using the public API, type-checked with ``mypy --strict`` (conf/noxlib/typing.py) and run under mpiexec."""

from __future__ import annotations

import numpy as np

from mpi4py import MPI
from mpi4py.futures import MPICommExecutor, as_completed
from mpi4py.util import dtlib, pkl5
from mpi4py.util.pool import ThreadPool
from mpi4py.util.sync import Sequential


def square(x: int) -> int:
    return x * x


def main() -> int:
    comm: MPI.Intracomm = MPI.COMM_WORLD
    rank: int = comm.Get_rank()
    size: int = comm.Get_size()

    data = np.arange(4, dtype="i4") if rank == 0 else np.empty(4, dtype="i4")
    comm.Bcast([data, MPI.INT], root=0)
    total = np.zeros(4, dtype="i4")
    comm.Allreduce(data, total, op=MPI.SUM)
    objs: list[int] = comm.allgather(rank)
    status = MPI.Status()
    request: MPI.Request = comm.isend({"rank": rank}, (rank + 1) % size, tag=5)
    got = comm.recv(source=(rank - 1) % size, tag=5, status=status)
    request.wait()
    assert got["rank"] == status.Get_source()

    datatype: MPI.Datatype = dtlib.from_numpy_dtype(np.dtype("f8"))
    assert dtlib.to_numpy_dtype(datatype) == np.dtype("f8")

    big = pkl5.Intracomm(comm)
    echoed: list[int] | None = big.gather([rank] * 3, root=0)

    with MPICommExecutor(comm, root=0) as executor:
        if executor is not None:
            futures = [executor.submit(square, i) for i in range(5)]
            squares = sorted(f.result() for f in as_completed(futures))
            mapped: list[int] = list(executor.map(square, range(5), chunksize=2, unordered=False))
            assert squares == mapped == [0, 1, 4, 9, 16]

    with ThreadPool(2) as pool:
        assert pool.map(square, [1, 2]) == [1, 4]

    with Sequential(comm):
        print(f"rank {rank}/{size}: total={total.tolist()} objs={objs} gathered={echoed is not None}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
