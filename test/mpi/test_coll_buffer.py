from __future__ import annotations

import numpy
import pytest
from bufkinds import KINDS, as_list, make, zeros

from mpi4py import MPI


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_bcast(comm: MPI.Intracomm, kind: str) -> None:
    size = comm.Get_size()
    for root in range(size):
        buf = make(kind, [root + i for i in range(5)]) if comm.Get_rank() == root else zeros(kind, 5)
        comm.Bcast(buf, root=root)
        assert as_list(buf) == as_list(make(kind, [root + i for i in range(5)]))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_scatter_gather(comm: MPI.Intracomm, kind: str) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    root = size - 1
    full = make(kind, [10 * r + j for r in range(size) for j in range(3)])
    part = zeros(kind, 3)
    comm.Scatter(full if rank == root else None, part, root=root)
    back = zeros(kind, 3 * size) if rank == root else None
    comm.Gather(part, back, root=root)
    assert as_list(part) == as_list(make(kind, [10 * rank + j for j in range(3)]))
    if rank == root:
        assert as_list(back) == as_list(full)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_allgather_alltoall(comm: MPI.Intracomm, kind: str) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    gathered = zeros(kind, 2 * size)
    comm.Allgather(make(kind, [rank, rank + 1]), gathered)
    send = make(kind, [rank * 10 + dest for dest in range(size)])
    recv = zeros(kind, size)
    comm.Alltoall(send, recv)
    assert as_list(gathered) == as_list(make(kind, [v for r in range(size) for v in (r, r + 1)]))
    assert as_list(recv) == as_list(make(kind, [src * 10 + rank for src in range(size)]))


@pytest.mark.parametrize("kind", ["numpy-d", "numpy-i", "array-i", "array-d", "bytearray"])
def test_reductions(comm: MPI.Intracomm, kind: str) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    send = make(kind, [rank + 1, 2 * rank, 1])
    results = {}
    for name in ("SUM", "MAX", "MIN", "PROD"):
        recv = zeros(kind, 3)
        comm.Allreduce(send, recv, op=getattr(MPI, name))
        results[name] = as_list(recv)
    rsum = zeros(kind, 3) if rank == 0 else None
    comm.Reduce(send, rsum, op=MPI.SUM, root=0)
    scan, exscan = zeros(kind, 3), make(kind, [7, 7, 7])
    comm.Scan(send, scan, op=MPI.SUM)
    comm.Exscan(send, exscan, op=MPI.SUM)
    ranks = range(size)
    assert results["SUM"] == [float(sum(r + 1 for r in ranks)), float(sum(2 * r for r in ranks)), float(size)]
    assert results["MAX"] == [float(size), float(2 * (size - 1)), 1.0]
    assert results["MIN"] == [1.0, 0.0, 1.0]
    prod = 1
    for r in ranks:
        prod *= r + 1
    assert results["PROD"][0] == float(prod % 256 if kind == "bytearray" else prod)
    if rank == 0:
        assert as_list(rsum) == results["SUM"]
    assert as_list(scan) == [float(sum(r + 1 for r in range(rank + 1))), float(sum(2 * r for r in range(rank + 1))), float(rank + 1)]
    if rank > 0:
        assert as_list(exscan) == [float(sum(r + 1 for r in range(rank))), float(sum(2 * r for r in range(rank))), float(rank)]


def test_logical_and_bitwise_ops(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    send = numpy.array([rank % 2, 1, 1 << rank], dtype="i")
    out = {}
    for name in ("LAND", "LOR", "LXOR", "BAND", "BOR", "BXOR"):
        recv = numpy.zeros(3, dtype="i")
        comm.Allreduce(send, recv, op=getattr(MPI, name))
        out[name] = recv.tolist()
    odd = sum(r % 2 for r in range(size))
    assert out["LAND"][:2] == [int(odd == size), 1]
    assert out["LOR"][:2] == [int(odd > 0), 1]
    assert out["LXOR"][:2] == [odd % 2, size % 2]
    assert out["BOR"][2] == (1 << size) - 1
    assert out["BAND"][2] == (1 if size == 1 else 0)
    assert out["BXOR"][2] == (1 << size) - 1


def test_maxloc_minloc(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    pair = numpy.array([(rank * 7) % size, rank], dtype="i")
    recv_max, recv_min = numpy.zeros(2, dtype="i"), numpy.zeros(2, dtype="i")
    comm.Allreduce([pair, 1, MPI.INT_INT], [recv_max, 1, MPI.INT_INT], op=MPI.MAXLOC)
    comm.Allreduce([pair, 1, MPI.TWOINT], [recv_min, 1, MPI.TWOINT], op=MPI.MINLOC)
    values = [(r * 7) % size for r in range(size)]
    assert recv_max.tolist() == [max(values), values.index(max(values))]
    assert recv_min.tolist() == [min(values), values.index(min(values))]


def test_in_place(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    buf = numpy.array([rank, 1.0])
    comm.Allreduce(MPI.IN_PLACE, buf, op=MPI.SUM)
    assert repr(MPI.IN_PLACE) == "IN_PLACE"
    gathered = numpy.full(size, -1, dtype="i")
    gathered[rank] = rank * 3
    comm.Allgather(MPI.IN_PLACE, gathered)
    red = numpy.array([rank + 1], dtype="l")
    comm.Reduce(MPI.IN_PLACE if rank == 0 else red, red if rank == 0 else None, op=MPI.SUM, root=0)
    gat = numpy.zeros(size, dtype="i")
    if rank == 0:
        gat[0] = 99
    comm.Gather(MPI.IN_PLACE if rank == 0 else numpy.array([rank], dtype="i"), gat if rank == 0 else None, root=0)
    sca = numpy.arange(size, dtype="i") * 5
    mine = numpy.zeros(1, dtype="i")
    comm.Scatter(sca if rank == 0 else None, MPI.IN_PLACE if rank == 0 else mine, root=0)
    a2a = numpy.array([rank * 100 + d for d in range(size)], dtype="i")
    comm.Alltoall(MPI.IN_PLACE, a2a)
    scan = numpy.array([1], dtype="i")
    comm.Scan(MPI.IN_PLACE, scan)
    assert buf.tolist() == [float(sum(range(size))), float(size)]
    assert gathered.tolist() == [3 * r for r in range(size)]
    if rank == 0:
        assert int(red[0]) == sum(r + 1 for r in range(size))
        assert gat.tolist() == [99, *range(1, size)]
    else:
        assert int(mine[0]) == 5 * rank
    assert a2a.tolist() == [s * 100 + rank for s in range(size)]
    assert int(scan[0]) == rank + 1


def test_explicit_counts_per_process(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    send = numpy.arange(4 * size, dtype="d")
    recv = numpy.full(4, -1.0)
    comm.Scatter([send, 2, MPI.DOUBLE] if rank == 0 else None, [recv, 2, MPI.DOUBLE], root=0)
    assert recv.tolist() == [2.0 * rank, 2.0 * rank + 1, -1.0, -1.0]


def test_collective_spec_errors(comm: MPI.Intracomm) -> None:
    size = comm.Get_size()
    with pytest.raises(ValueError, match="sendbuf, recvbuf: mismatch in send count 2 and the receive count 1"):
        comm.Allreduce(numpy.zeros(2), numpy.zeros(1))
    if size > 1:
        with pytest.raises(ValueError, match=f"cannot be split evenly among {size} processes"):
            comm.Allgather(numpy.zeros(1), numpy.zeros(2 * size + 1))
