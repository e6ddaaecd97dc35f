"""Vector collectives, reduce-scatter, nonblocking (I...) and persistent (..._init) collectives, user ops."""

from __future__ import annotations

import array

import numpy
import pytest
from mpi_helpers import built_with, library

from mpi4py import MPI

FORMS = ["blocking", "nonblocking", "persistent"]


def run(comm: MPI.Comm, name: str, form: str, *args: object, **kwargs: object) -> None:
    """Call ``name`` in the given form and complete it (persistent: start twice)."""
    if form == "blocking":
        getattr(comm, name)(*args, **kwargs)
    elif form == "nonblocking":
        req = getattr(comm, "I" + name.lower())(*args, **kwargs)
        assert isinstance(req, MPI.Request)
        req.Wait()
    else:
        if not built_with(f"MPI_{name}_init"):  # the library lacks it: it must be reported as unavailable
            with pytest.raises(NotImplementedError, match=f"MPI_{name}_init"):
                getattr(comm, name + "_init")(*args, **kwargs)
            pytest.skip(f"{library()} lacks MPI_{name}_init (unavailability checked)")
        req = getattr(comm, name + "_init")(*args, **kwargs)
        assert isinstance(req, MPI.Prequest)
        for _ in range(2):
            req.Start()
            req.Wait()
        req.Free()


@pytest.mark.parametrize("form", FORMS)
def test_barrier_bcast_allreduce(comm: MPI.Intracomm, form: str) -> None:
    size, rank = comm.Get_size(), comm.Get_rank()
    run(comm, "Barrier", form)
    buf = numpy.arange(4, dtype="d") if rank == 0 else numpy.zeros(4)
    run(comm, "Bcast", form, buf, root=0)
    assert buf.tolist() == [0.0, 1.0, 2.0, 3.0]
    out = array.array("i", [0, 0])
    run(comm, "Allreduce", form, array.array("i", [rank, 1]), out, op=MPI.SUM)
    assert list(out) == [sum(range(size)), size]
    out = array.array("i", [0])
    run(comm, "Scan", form, array.array("i", [rank + 1]), out)
    assert out[0] == (rank + 1) * (rank + 2) // 2
    res = numpy.zeros(1, dtype="l")
    run(comm, "Reduce", form, numpy.array([rank], dtype="l"), res, op=MPI.MAX, root=0)
    if rank == 0:
        assert res[0] == size - 1


@pytest.mark.parametrize("form", FORMS)
def test_gather_scatter_alltoall(comm: MPI.Intracomm, form: str) -> None:
    size, rank = comm.Get_size(), comm.Get_rank()
    gathered = bytearray(size)
    run(comm, "Allgather", form, bytearray([rank + 1]), gathered)
    assert list(gathered) == list(range(1, size + 1))
    recv = numpy.zeros(2, dtype="i")
    run(comm, "Scatter", form, numpy.arange(2 * size, dtype="i") if rank == 0 else None, recv, root=0)
    assert recv.tolist() == [2 * rank, 2 * rank + 1]
    out = numpy.zeros(size, dtype="i")
    run(comm, "Alltoall", form, numpy.full(size, rank, dtype="i"), out)
    assert out.tolist() == list(range(size))
    g = numpy.zeros(size, dtype="i")
    run(comm, "Gather", form, numpy.array([rank * 3], dtype="i"), g, root=0)
    if rank == 0:
        assert g.tolist() == [3 * r for r in range(size)]


@pytest.mark.parametrize("form", FORMS)
def test_vector_variants(comm: MPI.Intracomm, form: str) -> None:
    """Rank r contributes r + 1 items; v-variants place them by counts/displacements."""
    size, rank = comm.Get_size(), comm.Get_rank()
    counts = [r + 1 for r in range(size)]
    displs = [sum(counts[:r]) for r in range(size)]
    total = sum(counts)
    mine = numpy.full(rank + 1, rank, dtype="d")
    expected = [float(r) for r in range(size) for _ in range(r + 1)]
    out = numpy.zeros(total)
    run(comm, "Allgatherv", form, mine, [out, counts, displs, MPI.DOUBLE])
    assert out.tolist() == expected
    out = numpy.zeros(total)
    run(comm, "Gatherv", form, mine, [out, (counts, displs), MPI.DOUBLE] if rank == 0 else None, root=0)
    if rank == 0:
        assert out.tolist() == expected
    recv = numpy.zeros(rank + 1)
    src = numpy.array(expected) if rank == 0 else None
    run(comm, "Scatterv", form, [src, counts, MPI.DOUBLE] if rank == 0 else None, recv, root=0)
    assert recv.tolist() == [float(rank)] * (rank + 1)
    # Alltoallv: send (dest + 1) copies of my rank to each dest.
    sbuf = array.array("i", [rank for r in range(size) for _ in range(r + 1)])
    rbuf = array.array("i", [-1] * (size * (rank + 1)))
    run(comm, "Alltoallv", form, [sbuf, counts, displs, MPI.INT],
        [rbuf, [rank + 1] * size, [r * (rank + 1) for r in range(size)], MPI.INT])
    assert list(rbuf) == [r for r in range(size) for _ in range(rank + 1)]
    # Alltoallw: byte displacements, one datatype per peer.
    sw = numpy.full(size, rank, dtype="i")
    rw = numpy.full(size, -1, dtype="i")
    bytes_displs = [4 * r for r in range(size)]
    run(comm, "Alltoallw", form, [sw, [1] * size, bytes_displs, [MPI.INT] * size],
        [rw, [1] * size, bytes_displs, [MPI.INT] * size])
    assert rw.tolist() == list(range(size))


@pytest.mark.parametrize("form", FORMS)
def test_reduce_scatter(comm: MPI.Intracomm, form: str) -> None:
    size, rank = comm.Get_size(), comm.Get_rank()
    send = numpy.arange(2 * size, dtype="d")
    out = numpy.zeros(2)
    run(comm, "Reduce_scatter_block", form, send, out, op=MPI.SUM)
    assert out.tolist() == [2.0 * rank * size, (2.0 * rank + 1) * size]
    counts = [1] * size
    out1 = numpy.zeros(1)
    run(comm, "Reduce_scatter", form, numpy.arange(size, dtype="d"), out1, counts, op=MPI.SUM)
    assert out1[0] == rank * size
    if form == "blocking":
        out2 = numpy.zeros(1)
        comm.Reduce_scatter(numpy.arange(size, dtype="d"), out2)  # counts from every recvbuf
        assert out2[0] == rank * size
        with pytest.raises(ValueError, match="recvcounts"):
            comm.Reduce_scatter(numpy.arange(size, dtype="d"), out2, [1] * (size + 1))


def test_user_op(comm: MPI.Intracomm) -> None:
    def absmax(inbuf, inoutbuf, datatype):  # noqa: ANN001, ARG001
        a = numpy.frombuffer(inbuf, dtype="d")
        b = numpy.frombuffer(inoutbuf, dtype="d")
        numpy.copyto(b, numpy.where(numpy.abs(a) > numpy.abs(b), a, b))

    op = MPI.Op.Create(absmax, commute=True)
    assert op.Is_commutative() and not op.Is_predefined()
    rank, size = comm.Get_rank(), comm.Get_size()
    out = numpy.zeros(2)
    comm.Allreduce(numpy.array([(-1.0) ** rank * rank, 1.0]), out, op=op)
    assert out.tolist() == [(-1.0) ** (size - 1) * (size - 1), 1.0]
    x = numpy.array([5.0, -7.0])
    y = numpy.array([-6.0, 2.0])
    op.Reduce_local(x, y)
    assert y.tolist() == [-6.0, -7.0]
    MPI.SUM.Reduce_local(array.array("i", [1, 2]), z := array.array("i", [10, 20]))
    assert list(z) == [11, 22]
    op.Free()
    with pytest.raises(TypeError, match="callable"):
        MPI.Op.Create(42)


def test_send_modes(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    dest, source = (rank + 1) % size, (rank - 1) % size
    MPI.Attach_buffer(bytearray(1 << 16))
    comm.Bsend(array.array("i", [rank]), dest, tag=1)
    r = array.array("i", [-1])
    comm.Recv(r, source, tag=1)
    assert r[0] == source
    req = comm.Ibsend(bytearray([rank]), dest, tag=2)
    rb = bytearray(1)
    comm.Recv(rb, source, tag=2)
    req.Wait()
    assert rb[0] == source
    comm.bsend({"r": rank}, dest, tag=3)
    assert comm.recv(source=source, tag=3) == {"r": source}
    assert len(MPI.Detach_buffer()) == 1 << 16
    # Ready mode: the receive is posted before a barrier, the ready send after it.
    rr = numpy.zeros(2)
    rreq = comm.Irecv(rr, source, tag=4)
    comm.Barrier()
    comm.Rsend(numpy.array([rank, rank + 0.5]), dest, tag=4)
    rreq.Wait()
    assert rr.tolist() == [source, source + 0.5]
    # Persistent send/recv, started twice, with every send mode that needs no extra setup.
    for init in ("Send_init", "Ssend_init"):
        sbuf = numpy.array([float(rank)])
        rbuf = numpy.zeros(1)
        sreq = getattr(comm, init)(sbuf, dest, tag=5)
        rreq = comm.Recv_init(rbuf, source, tag=5)
        for i in range(2):
            sbuf[0] = rank + i
            MPI.Prequest.Startall([rreq, sreq])
            MPI.Request.Waitall([sreq, rreq])
            assert rbuf[0] == source + i
        sreq.Free()
        rreq.Free()
