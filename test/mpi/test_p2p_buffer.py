from __future__ import annotations

import array

import numpy
import pytest
from bufkinds import KINDS, as_list, make, zeros

from mpi4py import MPI


def peers(comm: MPI.Intracomm) -> tuple[int, int]:
    rank, size = comm.Get_rank(), comm.Get_size()
    return (rank + 1) % size, (rank - 1) % size


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_sendrecv_ring(comm: MPI.Intracomm, kind: str) -> None:
    dest, source = peers(comm)
    rank = comm.Get_rank()
    send = make(kind, [rank * 10 + i for i in range(7)])
    recv = zeros(kind, 7)
    status = MPI.Status()
    comm.Sendrecv(send, dest, 5, recv, source, 5, status)
    assert as_list(recv) == as_list(make(kind, [source * 10 + i for i in range(7)]))
    assert status.Get_source() == status.source == source
    assert status.Get_tag() == status.tag == 5
    assert status.Get_count(MPI.BYTE) == status.count == len(memoryview(send).cast("B"))
    assert status.Get_error() == MPI.SUCCESS


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_send_recv_pairs(comm: MPI.Intracomm, kind: str) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    if size < 2:
        comm.Send(make(kind, [1, 2, 3]), MPI.PROC_NULL)
        comm.Recv(zeros(kind, 3), MPI.PROC_NULL)
        return
    partner = rank ^ 1
    if partner >= size:
        return
    data = make(kind, [rank + 1, rank + 2, rank + 3, 4])
    recv = zeros(kind, 4)
    if rank % 2 == 0:
        comm.Send(data, dest=partner, tag=1)
        comm.Recv(recv, source=partner, tag=2)
    else:
        comm.Recv(recv, source=partner, tag=1)
        comm.Send(data, dest=partner, tag=2)
    assert as_list(recv) == as_list(make(kind, [partner + 1, partner + 2, partner + 3, 4]))


def test_message_specs(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    rank = comm.Get_rank()
    values = numpy.arange(10, dtype="i") + 100 * rank
    expect = numpy.arange(10, dtype="i") + 100 * source
    results = []
    specs = [
        (lambda a: a, lambda a: a),
        (lambda a: [a, MPI.INT], lambda a: [a, MPI.INT]),
        (lambda a: (a, MPI.INT), lambda a: (a, MPI.INT)),
        (lambda a: [a, 10, MPI.INT], lambda a: [a, 10, MPI.INT]),
        (lambda a: [a, "i"], lambda a: [a, "i"]),
        (lambda a: [a, 4, MPI.INT], lambda a: [a, 4, MPI.INT]),
        (lambda a: [a, (3, 2), MPI.INT], lambda a: [a, (3, 2), MPI.INT]),
        (lambda a: [a, 3, 2, MPI.INT], lambda a: [a, 3, 2, MPI.INT]),
        (lambda a: memoryview(a), lambda a: memoryview(a)),
    ]
    for make_send, make_recv in specs:
        recv = numpy.full(10, -1, dtype="i")
        comm.Sendrecv(make_send(values), dest, 0, make_recv(recv), source, 0)
        results.append(recv.copy())
    full, counted, displaced = expect, numpy.concatenate([expect[:4], [-1] * 6]), numpy.array([-1, -1, *expect[2:5], *[-1] * 5])
    assert [r.tolist() for r in results] == [x.tolist() for x in (full, full, full, full, full, counted, displaced, displaced, full)]


def test_bytes_can_be_sent_not_received(comm: MPI.Intracomm) -> None:
    rank = comm.Get_rank()
    recv = bytearray(5)
    comm.Sendrecv(b"hello", rank, 9, recv, rank, 9)
    assert recv == b"hello"
    with pytest.raises(BufferError, match="read-only"):
        comm.Recv(b"xxxxx", MPI.PROC_NULL)


def test_bad_specs_name_the_argument(comm: MPI.Intracomm) -> None:
    with pytest.raises(TypeError, match="buf: expected an object supporting the buffer protocol"):
        comm.Send(object(), MPI.PROC_NULL)
    with pytest.raises(ValueError, match="buf: a message must be"):
        comm.Send([bytearray(1), 1, 0, MPI.BYTE, 5], MPI.PROC_NULL)
    with pytest.raises(ValueError, match="exceeds the buffer size"):
        comm.Send([bytearray(4), 5, MPI.BYTE], MPI.PROC_NULL)
    with pytest.raises(TypeError, match="unknown datatype code"):
        comm.Send([bytearray(4), "zz"], MPI.PROC_NULL)
    with pytest.raises(ValueError, match="not a whole number"):
        comm.Send([bytearray(6), MPI.INT], MPI.PROC_NULL)
    with pytest.raises(TypeError, match="no MPI datatype for buffer format"):
        comm.Send(numpy.zeros(2, dtype=[("a", "i4"), ("b", "f8")]), MPI.PROC_NULL)
    with pytest.raises((BufferError, ValueError), match="buf: .*contiguous"):
        comm.Send(numpy.zeros((4, 4))[:, 1], MPI.PROC_NULL)
    with pytest.raises((BufferError, ValueError), match="buf: .*writable"):
        comm.Recv(numpy.zeros(4).view().setflags(write=False) or numpy.frombuffer(b"12345678"), MPI.PROC_NULL)


def test_isend_irecv(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    rank = comm.Get_rank()
    send = array.array("d", [rank + 0.5] * 100)
    recv = array.array("d", [0.0] * 100)
    rreq = comm.Irecv(recv, source, 3)
    sreq = comm.Isend(send, dest, 3)
    assert isinstance(rreq, MPI.Request) and rreq
    status = MPI.Status()
    rreq.Wait(status)
    sreq.Wait()
    assert not rreq and not sreq and rreq == MPI.REQUEST_NULL
    assert status.Get_source() == source and status.Get_count(MPI.DOUBLE) == 100
    assert set(recv) == {source + 0.5}


def test_issend_ssend(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    recv = bytearray(3)
    rreq = comm.Irecv(recv, source, 4)
    comm.Issend(bytearray(b"abc"), dest, 4).Wait()
    rreq.Wait()
    recv2 = bytearray(3)
    rreq = comm.Irecv(recv2, source, 5)
    comm.Ssend(b"xyz", dest, 5)
    rreq.Wait()
    assert (recv, recv2) == (b"abc", b"xyz")


def test_probe_iprobe(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    rank = comm.Get_rank()
    sreq = comm.Isend(numpy.arange(6, dtype="i"), dest, 21)
    status = MPI.Status()
    assert comm.Probe(source, 21, status) is True
    count = status.Get_count(MPI.INT)
    elements = status.Get_elements(MPI.INT)
    flag = comm.Iprobe(source, 21)
    recv = numpy.empty(count, dtype="i")
    comm.Recv(recv, status.Get_source(), status.Get_tag())
    sreq.Wait()
    none_left = comm.Iprobe(source, 21)
    comm.Barrier()
    assert (count, elements, flag, none_left) == (6, 6, True, False)
    assert recv.tolist() == list(range(6)) and rank >= 0


def test_proc_null(comm: MPI.Intracomm) -> None:
    status = MPI.Status()
    comm.Recv(bytearray(10), MPI.PROC_NULL, 0, status)
    assert status.Get_source() == MPI.PROC_NULL and status.Get_tag() == MPI.ANY_TAG
    assert status.Get_count() == 0
    comm.Sendrecv(bytearray(2), MPI.PROC_NULL, 0, bytearray(2), MPI.PROC_NULL, 0)


def test_any_source_any_tag(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    rank = comm.Get_rank()
    sreq = comm.Isend(array.array("i", [rank]), dest, 40 + rank)
    recv = array.array("i", [-1])
    status = MPI.Status()
    comm.Recv(recv, MPI.ANY_SOURCE, MPI.ANY_TAG, status)
    sreq.Wait()
    comm.Barrier()
    assert (recv[0], status.source, status.tag) == (source, source, 40 + source)


@pytest.mark.parametrize("dtype", ["?", "b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "f", "d", "g", "F", "D", "<i4", "=f8"])
def test_numpy_dtypes_infer_datatype(comm: MPI.Intracomm, dtype: str) -> None:
    dest, source = peers(comm)
    send = (numpy.arange(6) % 2 == 1) if dtype == "?" else (numpy.arange(6) + comm.Get_rank()).astype(dtype)
    recv = numpy.zeros(6, dtype=send.dtype)
    status = MPI.Status()
    comm.Sendrecv(send, dest, 8, recv, source, 8, status)
    expect = (numpy.arange(6) % 2 == 1) if dtype == "?" else (numpy.arange(6) + source).astype(dtype)
    assert recv.tolist() == expect.tolist()
    assert status.Get_count(MPI.BYTE) == send.nbytes


def test_unsupported_format_names_the_fix(comm: MPI.Intracomm) -> None:
    with pytest.raises(TypeError, match=r"buffer format 'e'.*\[buf, count, datatype\]"):
        comm.Send(numpy.zeros(2, dtype="e"), MPI.PROC_NULL)
    comm.Send([numpy.zeros(2, dtype="e"), 4, MPI.BYTE], MPI.PROC_NULL)


@pytest.mark.parametrize("send_spec", ["plain", "typed"])
@pytest.mark.parametrize("recv_spec", ["plain", "typed"])
def test_sendrecv_releases_its_buffers(comm: MPI.Intracomm, send_spec: str, recv_spec: str) -> None:
    # A bare buffer takes the stack-held path, [buf, datatype] the general one; every mix must pair up
    # and leave both bytearrays resizable (exports released) afterwards.
    dest, source = peers(comm)
    send, recv = bytearray([comm.Get_rank() + 1] * 3), bytearray(3)
    sendmsg = send if send_spec == "plain" else [send, MPI.BYTE]
    recvmsg = recv if recv_spec == "plain" else [recv, MPI.BYTE]
    comm.Sendrecv(sendmsg, dest, 3, recvmsg, source, 3)
    assert recv == bytearray([source + 1] * 3)
    send.extend(b"x")
    recv.extend(b"x")


def test_sendrecv_refused_recvbuf_releases_the_sendbuf(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    send = bytearray(3)
    with pytest.raises(BufferError, match="recvbuf"):
        comm.Sendrecv(send, dest, 4, b"read-only", source, 4)
    send.extend(b"x")  # the send buffer's export is gone although the call failed
