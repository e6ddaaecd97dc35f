"""Communicator creation, intercommunicators, error handlers and matched probes."""

from __future__ import annotations

import array
import copy

import numpy
import pytest
from mpi_helpers import built_with, library

from mpi4py import MPI


def test_create_and_create_group(comm: MPI.Intracomm) -> None:
    group = comm.Get_group()
    evens = group.Range_incl([(0, comm.Get_size() - 1, 2)])
    sub = comm.Create(evens)
    sub2 = comm.Create_group(evens, tag=7) if comm.Get_rank() % 2 == 0 else MPI.COMM_NULL
    if comm.Get_rank() % 2 == 0:
        assert sub.Get_size() == evens.Get_size() == sub2.Get_size()
        assert sub.Get_rank() == comm.Get_rank() // 2
        assert sub.Compare(sub2) == MPI.CONGRUENT
        sub.Free()
        sub2.Free()
    else:
        assert sub == MPI.COMM_NULL
    evens.Free()
    group.Free()


def test_create_from_group(comm: MPI.Intracomm) -> None:
    group = comm.Get_group()
    if not built_with("MPI_Comm_create_from_group"):
        with pytest.raises(NotImplementedError, match="MPI_Comm_create_from_group"):
            MPI.Intracomm.Create_from_group(group)
        group.Free()
        pytest.skip(f"{library()} lacks MPI_Comm_create_from_group (unavailability checked)")
    new = MPI.Intracomm.Create_from_group(group, stringtag="org.mpi4py.test")
    assert new.Get_size() == comm.Get_size() and new.Get_rank() == comm.Get_rank()
    assert new.allreduce(1) == comm.Get_size()
    new.Free()
    group.Free()


def test_split_type_shared(comm: MPI.Intracomm) -> None:
    node = comm.Split_type(MPI.COMM_TYPE_SHARED, key=comm.Get_rank())
    assert 1 <= node.Get_size() <= comm.Get_size()
    assert node.allreduce(1) == node.Get_size()
    node.Free()
    assert comm.Split_type(MPI.UNDEFINED) == MPI.COMM_NULL


def test_idup_dup_with_info(comm: MPI.Intracomm) -> None:
    new, req = comm.Idup()
    req.Wait()
    assert new.Compare(comm) == MPI.CONGRUENT
    new.Free()
    dup = comm.Dup_with_info(None)
    assert isinstance(dup, MPI.Intracomm) and dup.Compare(comm) == MPI.CONGRUENT
    dup.Free()
    with pytest.raises(TypeError, match="info"):
        comm.Dup_with_info(42)


@pytest.mark.ranks(min=2)  # two groups
def test_intercomm_merge(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    color = rank % 2
    local = comm.Split(color, rank)
    inter = local.Create_intercomm(0, comm, 1 - color, tag=3)
    assert isinstance(inter, MPI.Intercomm) and inter.Is_inter()
    assert inter.Get_remote_size() == (size // 2 if color == 0 else (size + 1) // 2)
    remote = inter.Get_remote_group()
    assert remote.Get_size() == inter.remote_size
    remote.Free()
    # Buffer and object messages across the two groups.
    if inter.Get_rank() == 0:
        inter.send(("hello", color), dest=0, tag=5)
        assert inter.recv(source=0, tag=5) == ("hello", 1 - color)
    merged = inter.Merge(high=bool(color))
    assert merged.Get_size() == size
    assert merged.Get_rank() == (local.Get_rank() if color == 0 else (size + 1) // 2 + local.Get_rank())
    assert merged.allreduce(rank) == sum(range(size))
    for c in (merged, inter, local):
        c.Free()


def test_errhandler(comm: MPI.Intracomm) -> None:
    dup = comm.Dup()
    dup.Set_errhandler(MPI.ERRORS_RETURN)
    eh = dup.Get_errhandler()
    assert eh == MPI.ERRORS_RETURN
    with pytest.raises(MPI.Exception) as info:
        dup.Send(bytearray(1), dest=dup.Get_size() + 5)
    assert info.value.Get_error_class() == MPI.ERR_RANK
    errclass = MPI.Add_error_class()
    errcode = MPI.Add_error_code(errclass)
    MPI.Add_error_string(errcode, "my custom failure")
    assert MPI.Get_error_class(errcode) == errclass
    assert MPI.Get_error_string(errcode) == "my custom failure"
    dup.Call_errhandler(errcode)  # ERRORS_RETURN: the call itself succeeds (MPI standard)
    dup.Free()


@pytest.mark.parametrize("kind", ["numpy", "array", "bytearray"])
def test_mprobe_mrecv(comm: MPI.Intracomm, kind: str) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    dest, source = (rank + 1) % size, (rank - 1) % size
    data = {"numpy": numpy.arange(5, dtype="d") + rank, "array": array.array("i", [rank] * 5),
            "bytearray": bytearray([rank] * 5)}[kind]
    sreq = comm.Isend(data, dest, tag=11)
    status = MPI.Status()
    msg = comm.Mprobe(source, 11, status)
    assert status.Get_source() == source and msg
    recv = copy.copy(data)
    msg.Recv(recv)
    assert not msg
    expected = {"numpy": numpy.arange(5, dtype="d") + source, "array": array.array("i", [source] * 5),
                "bytearray": bytearray([source] * 5)}[kind]
    assert list(recv) == list(expected)
    sreq.Wait()
    # Nonblocking matched probe + Irecv.
    sreq = comm.Isend(data, dest, tag=12)
    msg = None
    while msg is None:
        msg = comm.Improbe(source, 12)
    req = msg.Irecv(recv)
    req.Wait()
    assert list(recv) == list(expected)
    sreq.Wait()


def test_mprobe_objects(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    dest, source = (rank + 1) % size, (rank - 1) % size
    sreq = comm.isend({"from": rank}, dest, tag=21)
    status = MPI.Status()
    assert comm.mprobe(source, 21, status).recv() == {"from": source}
    assert status.Get_tag() == 21
    sreq.wait()
    sreq = comm.isend([rank] * 3, dest, tag=22)
    msg = None
    while msg is None:
        msg = comm.improbe(source, 22)
    assert msg.irecv().wait() == [source] * 3
    sreq.wait()
    assert comm.mprobe(MPI.PROC_NULL).recv() is None
