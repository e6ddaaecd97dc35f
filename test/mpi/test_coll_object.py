from __future__ import annotations

import pickle

import pytest

from mpi4py import MPI


def test_bcast(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    for root in range(size):
        obj = {"root": root, "payload": list(range(root + 3))} if rank == root else None
        assert comm.bcast(obj, root=root) == {"root": root, "payload": list(range(root + 3))}
    big = comm.bcast("z" * 300000 if rank == 0 else None)
    assert big == "z" * 300000


def test_scatter_gather(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    root = size // 2
    items = [("item", i, "x" * i) for i in range(size)] if rank == root else None
    mine = comm.scatter(items, root=root)
    back = comm.gather(mine, root=root)
    assert mine == ("item", rank, "x" * rank)
    if rank == root:
        assert back == [("item", i, "x" * i) for i in range(size)]
    else:
        assert back is None


def test_allgather_alltoall(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    assert comm.allgather({"r": rank}) == [{"r": r} for r in range(size)]
    got = comm.alltoall([(rank, dest) for dest in range(size)])
    assert got == [(src, rank) for src in range(size)]


def test_reductions_with_ops(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    ranks = list(range(size))
    assert comm.allreduce(rank, op=MPI.SUM) == sum(ranks)
    assert comm.allreduce(rank + 1, op=MPI.PROD) == __import__("math").prod(r + 1 for r in ranks)
    assert comm.allreduce(rank, op=MPI.MAX) == size - 1
    assert comm.allreduce(rank, op=MPI.MIN) == 0
    assert comm.allreduce(rank % 2 == 0, op=MPI.LAND) == (size == 1)
    assert comm.allreduce(rank == 0, op=MPI.LOR) is True
    assert comm.allreduce(1 << rank, op=MPI.BOR) == (1 << size) - 1
    assert comm.allreduce((rank % 2, rank), op=MPI.MAXLOC) == (1 if size > 1 else 0, 1 if size > 1 else 0)
    assert comm.allreduce((rank, rank), op=MPI.MINLOC) == (0, 0)
    assert comm.allreduce([rank]) == ranks  # SUM of lists concatenates in rank order
    total = comm.reduce(rank, op=MPI.SUM, root=size - 1)
    assert total == (sum(ranks) if rank == size - 1 else None)


def test_python_callable_ops(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    digits = comm.allreduce(str(rank), op=lambda a, b: a + b)
    assert digits == "".join(str(r) for r in range(size))
    assert comm.reduce({rank}, op=lambda a, b: a | b, root=0) == (set(range(size)) if rank == 0 else None)
    assert MPI.SUM(2, 3) == 5 and MPI.MAX(2, 3) == 3 and MPI.BXOR(6, 3) == 5


def test_scan_exscan(comm: MPI.Intracomm) -> None:
    rank = comm.Get_rank()
    assert comm.scan(rank + 1) == sum(range(1, rank + 2))
    assert comm.exscan(rank + 1) == (None if rank == 0 else sum(range(1, rank + 1)))
    assert comm.scan([rank], op=MPI.SUM) == list(range(rank + 1))


def test_bad_op_is_a_clear_error(comm: MPI.Intracomm) -> None:
    with pytest.raises(TypeError, match="op: expected an MPI.Op or a callable"):
        comm.allreduce(1, op=42)


def test_scatter_wrong_length_fails_everywhere(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    with pytest.raises((ValueError, RuntimeError)) as info:
        comm.scatter(list(range(size + 1)) if rank == 0 else None, root=0)
    if rank == 0:
        assert "one item per process" in str(info.value)
    else:
        assert "rank(s) [0]" in str(info.value)
    comm.Barrier()


def test_unpicklable_item_fails_everywhere(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    bad = size - 1
    errors = (pickle.PicklingError, AttributeError, TypeError, RuntimeError)
    with pytest.raises(errors) as info:
        comm.allgather((lambda: None) if rank == bad else rank)
    # The root's error is pickle's own: "Can't pickle local object" up to 3.12, "Can't get local object" in 3.13.
    with pytest.raises(errors, match="pickle|local object|root|rank"):
        comm.bcast(lambda: None, root=0)
    comm.Barrier()
    assert rank == bad or f"rank(s) [{bad}]" in str(info.value)
    assert comm.allgather(rank) == list(range(size))


def test_barrier(comm: MPI.Intracomm) -> None:
    assert comm.Barrier() is None
    assert comm.barrier() is None
