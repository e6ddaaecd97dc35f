from __future__ import annotations

import pytest

from mpi4py import MPI

OBJECTS = [None, 42, 3.5, "text", b"bytes", [1, 2, 3], {"key": (1, 2.0, "x")}, list(range(50000))]


def peers(comm: MPI.Intracomm) -> tuple[int, int]:
    rank, size = comm.Get_rank(), comm.Get_size()
    return (rank + 1) % size, (rank - 1) % size


@pytest.mark.parametrize("obj", OBJECTS, ids=lambda o: type(o).__name__ + str(len(repr(o))))
def test_sendrecv_objects(comm: MPI.Intracomm, obj: object) -> None:
    dest, source = peers(comm)
    status = MPI.Status()
    got = comm.sendrecv((comm.Get_rank(), obj), dest, 7, None, source, 7, status)
    assert got == (source, obj)
    assert status.Get_source() == source and status.Get_tag() == 7 and status.Get_count() > 0


def test_send_recv_with_status(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    dest, source = peers(comm)
    status = MPI.Status()
    if size == 1:
        req = comm.isend({"me": rank}, dest, 1)
        got = comm.recv(source=source, tag=1, status=status)
        req.wait()
    elif rank == 0:
        comm.send({"me": rank}, dest=dest, tag=1)
        got = comm.recv(source=source, tag=1, status=status)
    else:
        got = comm.recv(source=source, tag=1, status=status)
        comm.send({"me": rank}, dest=dest, tag=1)
    assert got == {"me": source}
    assert (status.source, status.tag) == (source, 1)


def test_ssend(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    req = comm.irecv(source=source, tag=2)
    comm.ssend(["sync", comm.Get_rank()], dest, 2)
    assert req.wait() == ["sync", source]


def test_isend_irecv_wait_test(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    rank = comm.Get_rank()
    rreq = comm.irecv(source=source, tag=3)
    sreq = comm.isend({"from": rank, "data": "x" * 100}, dest, 3)
    status = MPI.Status()
    got = rreq.wait(status)
    assert sreq.wait() is None
    flag, obj = sreq.test()
    assert got == {"from": source, "data": "x" * 100}
    assert status.Get_source() == source and (flag, obj) == (True, None)


def test_irecv_explicit_buffer_and_test_loop(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    rreq = comm.irecv(bytearray(1 << 16), source=source, tag=4)
    sreq = comm.isend(list(range(1000)), dest, 4)
    flag, obj = False, None
    while not flag:
        flag, obj = rreq.test()
    sreq.wait()
    assert obj == list(range(1000))


def test_irecv_into_numpy_buffer(comm: MPI.Intracomm) -> None:
    import numpy

    dest, source = peers(comm)
    rreq = comm.irecv(numpy.zeros(4096, dtype="d"), source=source, tag=9)
    sreq = comm.isend({"n": comm.Get_rank()}, dest, 9)
    got = rreq.wait()
    sreq.wait()
    assert got == {"n": source}


@pytest.mark.ranks(min=2)
def test_irecv_too_small_buffer_raises_truncate(comm: MPI.Intracomm) -> None:
    # Between different ranks (Open MPI 5 does not report truncation of self-messages).
    rank = comm.Get_rank()
    if rank > 1:
        return
    if rank == 0:
        comm.send("y" * 100, 1, 5)
        assert comm.recv(source=1, tag=6) == "done"
        return
    rreq = comm.irecv(bytearray(16), source=0, tag=5)
    with pytest.raises(MPI.Exception) as info:
        rreq.wait()
    comm.send("done", 0, 6)
    assert info.value.Get_error_class() == MPI.ERR_TRUNCATE


def test_probe_iprobe_objects(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    sreq = comm.isend("probe me", dest, 6)
    status = MPI.Status()
    assert comm.probe(source, 6, status) is True
    flag = comm.iprobe(source, 6)
    got = comm.recv(source=status.source, tag=status.tag)
    sreq.wait()
    comm.barrier()
    assert (flag, got, comm.iprobe(source, 6)) == (True, "probe me", False)


def test_proc_null_objects(comm: MPI.Intracomm) -> None:
    comm.send("nowhere", MPI.PROC_NULL)
    assert comm.recv(source=MPI.PROC_NULL) is None
    assert comm.sendrecv("x", MPI.PROC_NULL, source=MPI.PROC_NULL) is None


def test_waitall_testall_objects(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    rank = comm.Get_rank()
    rreqs = [comm.irecv(source=source, tag=10 + i) for i in range(4)]
    sreqs = [comm.isend((rank, i), dest, 10 + i) for i in range(4)]
    statuses: list[MPI.Status] = []
    got = MPI.Request.waitall(rreqs, statuses)
    flag, sent = MPI.Request.testall(sreqs)
    while not flag:
        flag, sent = MPI.Request.testall(sreqs)
    assert got == [(source, i) for i in range(4)]
    assert [s.tag for s in statuses] == [10, 11, 12, 13]
    assert sent == [None] * 4


def test_waitany_testany_objects(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    rreqs = [comm.irecv(source=source, tag=20 + i) for i in range(3)]
    sreqs = [comm.isend(i * i, dest, 20 + i) for i in range(3)]
    got = {}
    for _ in range(3):
        index, obj = MPI.Request.waitany(rreqs)
        got[index] = obj
    index, obj = MPI.Request.waitany(rreqs)
    MPI.Request.waitall(sreqs)
    index2, flag, obj2 = MPI.Request.testany(rreqs)
    assert got == {0: 0, 1: 1, 2: 4}
    assert (index, obj) == (MPI.UNDEFINED, None)
    assert (index2, flag, obj2) == (MPI.UNDEFINED, True, None)


def test_unpicklable_object_raises_locally(comm: MPI.Intracomm) -> None:
    # pickle's message: "Can't pickle local object" up to 3.12, "Can't get local object" in 3.13.
    with pytest.raises(Exception, match="pickle|local object"):
        comm.send(lambda: None, MPI.PROC_NULL)


def test_pickle_object() -> None:
    data = MPI.pickle.dumps({"a": 1})
    assert isinstance(data, bytes) and MPI.pickle.loads(data) == {"a": 1}
    assert MPI.pickle.PROTOCOL >= 4
