from __future__ import annotations

import array

import numpy

from mpi4py import MPI


def peers(comm: MPI.Intracomm) -> tuple[int, int]:
    rank, size = comm.Get_rank(), comm.Get_size()
    return (rank + 1) % size, (rank - 1) % size


def test_request_null() -> None:
    req = MPI.Request()
    assert not req and req == MPI.REQUEST_NULL
    assert req.Wait() is True
    assert req.Test() is True
    assert MPI.Request.Waitall([MPI.Request(), MPI.Request()]) is True
    assert MPI.Request.Waitany([MPI.Request()]) == MPI.UNDEFINED
    assert MPI.Request.Testany([MPI.Request()]) == (MPI.UNDEFINED, True)
    assert MPI.Request.Waitsome([MPI.Request()]) is None


def test_waitall_testall_buffers(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    rank = comm.Get_rank()
    recvs = [numpy.zeros(8, dtype="l") for _ in range(3)]
    reqs = [comm.Irecv(buf, source, 30 + i) for i, buf in enumerate(recvs)]
    reqs += [comm.Isend(numpy.full(8, rank * 10 + i, dtype="l"), dest, 30 + i) for i in range(3)]
    statuses: list[MPI.Status] = []
    assert MPI.Request.Waitall(reqs, statuses) is True
    assert len(statuses) == 6 and [s.Get_tag() for s in statuses[:3]] == [30, 31, 32]
    assert all(not r for r in reqs)
    assert MPI.Request.Testall(reqs) is True
    assert [int(b[0]) for b in recvs] == [source * 10 + i for i in range(3)]


def test_waitany_testany_waitsome_testsome(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    recvs = [array.array("i", [0]) for _ in range(4)]
    rreqs = [comm.Irecv(buf, source, 50 + i) for i, buf in enumerate(recvs)]
    sreqs = [comm.Isend(array.array("i", [100 + i]), dest, 50 + i) for i in range(4)]
    status = MPI.Status()
    first = MPI.Request.Waitany(rreqs, status)
    done = {first}
    while len(done) < 2:
        index, flag = MPI.Request.Testany(rreqs)
        if flag and index != MPI.UNDEFINED:
            done.add(index)
    while len(done) < 4:
        indices = MPI.Request.Waitsome(rreqs)
        done.update(indices or [])
    while True:
        indices = MPI.Request.Testsome(sreqs)
        if indices is None:
            break
    assert status.Get_tag() == 50 + first
    assert done == {0, 1, 2, 3} and [b[0] for b in recvs] == [100, 101, 102, 103]


def test_cancel_and_free(comm: MPI.Intracomm) -> None:
    req = comm.Irecv(bytearray(4), MPI.ANY_SOURCE, 32000)
    req.Cancel()
    status = MPI.Status()
    req.Wait(status)
    assert status.Is_cancelled() is True and status.cancelled
    rank = comm.Get_rank()
    rreq = comm.Irecv(bytearray(2), rank, 32001)
    sreq = comm.Isend(b"ok", rank, 32001)
    sreq.Free()
    assert not sreq
    assert rreq.Wait() is True


def test_get_status(comm: MPI.Intracomm) -> None:
    rank = comm.Get_rank()
    buf = bytearray(3)
    rreq = comm.Irecv(buf, rank, 32002)
    before = rreq.Get_status()
    comm.Send(b"abc", rank, 32002)
    while not rreq.Get_status():
        pass
    assert rreq  # Get_status does not free the request
    rreq.Wait()
    assert before is False and buf == b"abc"


def test_status_accessors() -> None:
    status = MPI.Status()
    assert (status.source, status.tag, status.error) == (MPI.ANY_SOURCE, MPI.ANY_TAG, MPI.SUCCESS)
    status.source, status.tag, status.error = 3, 4, MPI.ERR_OTHER
    status.Set_elements(MPI.INT, 5)
    copy = MPI.Status(status)
    assert (copy.Get_source(), copy.Get_tag(), copy.Get_error()) == (3, 4, MPI.ERR_OTHER)
    assert copy.Get_count(MPI.INT) == 5 and copy.Get_elements(MPI.INT) == 5 and copy.count == 20
    assert copy == status
    status.Set_cancelled(True)
    assert status.Is_cancelled()
