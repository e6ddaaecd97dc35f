"""Message specifications as mpi4py documents them: zero-length messages, counts from the MPI
datatype's extent, send/receive signatures of reductions."""

from __future__ import annotations

import ctypes

import numpy
import pytest
from mpi_helpers import built_with

from mpi4py import MPI

ZERO_LENGTH = [
    pytest.param(lambda: [None, MPI.INT], id="[None, INT]"),
    pytest.param(lambda: [None, (0, None), MPI.INT], id="[None, (0, None), INT]"),
    pytest.param(lambda: [None, 0, MPI.INT], id="[None, 0, INT]"),
]


@pytest.mark.parametrize("spec", ZERO_LENGTH)
def test_zero_length_bcast_sendrecv(comm: MPI.Intracomm, spec) -> None:  # noqa: ANN001
    comm.Bcast(spec(), root=0)
    rank, size = comm.Get_rank(), comm.Get_size()
    status = MPI.Status()
    comm.Sendrecv(spec(), (rank + 1) % size, 3, spec(), (rank - 1) % size, 3, status)
    assert status.Get_count(MPI.INT) == 0
    assert status.Get_source() == (rank - 1) % size


@pytest.mark.parametrize("spec", ZERO_LENGTH)
def test_zero_length_gatherv_allgather(comm: MPI.Intracomm, spec) -> None:  # noqa: ANN001
    size = comm.Get_size()
    out = numpy.full(size, -1, dtype="i")
    comm.Gatherv(spec(), [out, [0] * size, MPI.INT], root=0)
    assert out.tolist() == [-1] * size  # nothing written
    comm.Allgatherv(spec(), [None, ([0] * size, None), MPI.INT])
    req = comm.Ibcast(spec(), root=0)
    req.Wait()


def test_none_buffer_with_items_refused(comm: MPI.Intracomm) -> None:
    """None holds no data: a positive count would make MPI read or write at address 0."""
    with pytest.raises(ValueError, match="buf: a None buffer holds no data"):
        comm.Bcast([None, 3, MPI.INT], root=0)
    size = comm.Get_size()
    with pytest.raises(ValueError, match="recvbuf: a None buffer holds no data"):
        comm.Allgatherv(numpy.zeros(1, dtype="i"), [None, [1] * size, MPI.INT])


def test_count_from_datatype_extent(comm: MPI.Intracomm) -> None:
    """A standard-size format ('<q' from ctypes) maps to a type of the buffer's item size, and counts
    come from that type's extent: nothing is written past the buffer."""
    rank, size = comm.Get_rank(), comm.Get_size()
    src = (ctypes.c_longlong * (3 * size))(*range(3 * size))
    guard = (ctypes.c_longlong * 5)(*([-7] * 5))
    dst = (ctypes.c_longlong * 3).from_buffer(guard)
    assert memoryview(dst).format != "q"
    comm.Scatter(src if rank == 0 else None, dst, root=0)
    assert list(guard) == [3 * rank, 3 * rank + 1, 3 * rank + 2, -7, -7]


def test_reduction_signature_mismatch(comm: MPI.Intracomm) -> None:
    out = numpy.zeros(4, dtype="f4")
    with pytest.raises(ValueError, match="sendbuf, recvbuf: mismatch in send and receive MPI datatypes"):
        comm.Allreduce(numpy.ones(4), out)
    assert out.tolist() == [0.0] * 4
    with pytest.raises(ValueError, match="sendbuf, recvbuf: mismatch in send count 4 and the receive count 3"):
        comm.Allreduce(numpy.ones(4), numpy.zeros(3))
    with pytest.raises(ValueError, match="mismatch in send count 5"):
        comm.Scan(numpy.ones(5), numpy.zeros(4))
    with pytest.raises(ValueError, match="mismatch in send and receive MPI datatypes"):
        MPI.COMM_SELF.Ireduce(numpy.ones(2, dtype="i"), numpy.zeros(2, dtype="l"), root=0)
    size = comm.Get_size()
    with pytest.raises(ValueError, match=f"mismatch in send count {size + 1} and {size} x the receive count 1"
                       if size > 1 else "mismatch in send count 2 and the receive count 1"):
        comm.Reduce_scatter_block(numpy.ones(size + 1), numpy.zeros(1))
    with pytest.raises(ValueError, match="sendbuf, recvcounts: mismatch in send count"):
        comm.Reduce_scatter(numpy.ones(size + 2), numpy.zeros(1), [1] * size)


def test_reduce_ignores_recvbuf_off_root(comm: MPI.Intracomm) -> None:
    """At a non-root rank the receive buffer is ignored, as MPI ignores it (no signature check there)."""
    out = numpy.zeros(2)
    comm.Reduce(numpy.ones(2), out if comm.Get_rank() == 0 else numpy.zeros(7, dtype="i"), root=0)
    if comm.Get_rank() == 0:
        assert out.tolist() == [comm.Get_size()] * 2


def test_vector_block_past_buffer(comm: MPI.Intracomm) -> None:
    size = comm.Get_size()
    with pytest.raises(ValueError, match="recvbuf: the block of process 0"):
        comm.Allgatherv(numpy.zeros(1), [numpy.zeros(size), [size + 1] * size, [0] * size, MPI.DOUBLE])
    with pytest.raises(ValueError, match="sendbuf: counts and displacements must be >= 0"):
        comm.Alltoallv([numpy.zeros(size), [1] * size, [-1] * size, MPI.DOUBLE], numpy.zeros(size))


def test_large_counts(comm: MPI.Intracomm) -> None:
    """Counts above 2**31-1 go through the MPI-4 ``_c`` routines where the library has them, and are
    refused with OverflowError naming the argument where not. A zero-size datatype makes such a count
    cost no memory."""
    zero = MPI.BYTE.Create_contiguous(0).Commit()
    count = 2**31 + 5
    rank = comm.Get_rank()
    try:
        large = [bytearray(1), count, zero]
        if all(built_with(f"MPI_{name}_c") for name in ("Isend", "Recv", "Bcast")):
            req = comm.Isend(large, dest=rank, tag=9)
            status = MPI.Status()
            comm.Recv(large, source=rank, tag=9, status=status)
            req.Wait()
            assert status.Get_source() == rank
            comm.Bcast(large, root=0)
        else:
            with pytest.raises(OverflowError, match=f"buf: count {count} exceeds .* no MPI_Isend_c"):
                comm.Isend(large, dest=rank, tag=9)
        if not built_with("MPI_Allreduce_c"):
            with pytest.raises(OverflowError, match=f"recvbuf: count {count} exceeds .* no MPI_Allreduce_c"):
                comm.Allreduce(large, [bytearray(1), count, zero])
        # Scan has no large-count path here: refused before MPI sees the count
        with pytest.raises(OverflowError, match=f"recvbuf: count {count} exceeds the largest MPI int count"):
            comm.Scan(large, [bytearray(1), count, zero])
    finally:
        zero.Free()
