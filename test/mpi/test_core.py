from __future__ import annotations

import mpi4py
from mpi4py import MPI


def test_imported_package_is_ours() -> None:
    assert mpi4py.__version__ == "4.2.0"
    assert "site-packages" in mpi4py.__file__ or "dist-packages" in mpi4py.__file__


def test_rank_size(comm: MPI.Intracomm) -> None:
    size = comm.Get_size()
    assert 0 <= comm.Get_rank() < size
    assert comm.rank == comm.Get_rank() and comm.size == size


def test_version() -> None:
    major, minor = MPI.Get_version()
    assert major >= 3 and minor >= 0


def test_object_ring(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    if size == 1:
        return
    payload = {"from": rank, "data": list(range(rank + 3))}
    if rank == 0:
        comm.send(payload, dest=1, tag=7)
        got = comm.recv(source=size - 1, tag=7)
        assert got["from"] == size - 1
    else:
        got = comm.recv(source=rank - 1, tag=7)
        assert got["data"] == list(range(rank + 2))
        comm.send(payload, dest=(rank + 1) % size, tag=7)
    comm.Barrier()
