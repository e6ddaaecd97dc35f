from __future__ import annotations

import pytest

from mpi4py import MPI


def test_predefined_communicators() -> None:
    world, self_ = MPI.COMM_WORLD, MPI.COMM_SELF
    assert isinstance(world, MPI.Intracomm) and isinstance(self_, MPI.Intracomm)
    assert isinstance(MPI.COMM_NULL, MPI.Comm) and not MPI.COMM_NULL
    assert world and self_ and world != self_
    assert self_.Get_size() == 1 and self_.Get_rank() == 0
    assert world.Is_intra() and not world.Is_inter() and world.is_intra
    assert "WORLD" in world.Get_name().upper()


def test_rank_size(comm: MPI.Intracomm) -> None:
    size = comm.Get_size()
    assert 0 <= comm.Get_rank() < size
    assert comm.rank == comm.Get_rank() and comm.size == size


def test_compare(comm: MPI.Intracomm) -> None:
    dup = comm.Dup()
    results = (comm.Compare(comm), comm.Compare(dup), MPI.COMM_SELF.Compare(comm))
    dup.Free()
    size = comm.Get_size()
    assert results[0] == MPI.IDENT and results[1] == MPI.CONGRUENT
    assert results[2] == (MPI.CONGRUENT if size == 1 else MPI.UNEQUAL)


def test_dup_clone_free(comm: MPI.Intracomm) -> None:
    dup = comm.Dup()
    clone = comm.Clone()
    assert type(dup) is MPI.Intracomm and type(clone) is MPI.Intracomm
    assert dup != comm and clone != dup
    assert dup.Get_size() == comm.Get_size() and dup.Get_rank() == comm.Get_rank()
    # a message on the duplicate is not seen on the original
    rank = comm.Get_rank()
    req = dup.Isend(b"d", rank, 0)
    seen_on_original = comm.Iprobe(rank, 0)
    got = bytearray(1)
    dup.Recv(got, rank, 0)
    req.Wait()
    dup.Set_name("mydup")
    name = dup.Get_name()
    dup.Free()
    clone.Free()
    assert (seen_on_original, got, name) == (False, b"d", "mydup")
    assert dup == MPI.COMM_NULL and not dup


def test_split(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    color = rank % 2
    sub = comm.Split(color, key=-rank)
    members = [r for r in range(size) if r % 2 == color]
    sub_rank, sub_size = sub.Get_rank(), sub.Get_size()
    total = sub.allreduce(rank)
    sub.Free()
    assert sub_size == len(members)
    assert sub_rank == sorted(members, reverse=True).index(rank)
    assert total == sum(members)
    none = comm.Split(MPI.UNDEFINED if rank == 0 else 1)
    assert (none == MPI.COMM_NULL) == (rank == 0)
    if none:
        none.Free()


def test_group(comm: MPI.Intracomm) -> None:
    group = comm.Get_group()
    assert isinstance(group, MPI.Group)
    assert group.Get_size() == comm.Get_size() == group.size
    assert group.Get_rank() == comm.Get_rank() == group.rank
    group.Free()
    assert group == MPI.GROUP_NULL and not group
    assert MPI.GROUP_EMPTY.Get_size() == 0 and MPI.GROUP_EMPTY.Get_rank() == MPI.UNDEFINED
    with pytest.raises(MPI.Exception) as failure:
        MPI.GROUP_EMPTY.Free()
    assert failure.value.Get_error_class() == MPI.ERR_GROUP


def test_free_predefined_is_an_error() -> None:
    with pytest.raises(MPI.Exception) as failure:
        MPI.COMM_WORLD.Free()
    assert failure.value.Get_error_class() == MPI.ERR_COMM
    assert MPI.COMM_WORLD.Get_size() >= 1


def test_copy_constructor(comm: MPI.Intracomm) -> None:
    copy = MPI.Intracomm(comm)
    assert copy == comm and copy is not comm
    assert MPI.Comm(comm).Get_size() == comm.Get_size()
