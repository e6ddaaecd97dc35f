"""Group: queries, set operations, rank translation, subsets."""

from __future__ import annotations

import pytest

from mpi4py import MPI


@pytest.fixture
def world_group(comm: MPI.Intracomm):
    group = comm.Get_group()
    yield group
    group.Free()


def test_size_rank(comm: MPI.Intracomm, world_group: MPI.Group) -> None:
    assert world_group.Get_size() == comm.Get_size()
    assert world_group.rank == comm.Get_rank()


def test_incl_excl_translate(comm: MPI.Intracomm, world_group: MPI.Group) -> None:
    size = comm.Get_size()
    rev = world_group.Incl(list(reversed(range(size))))
    assert rev.Get_size() == size
    assert rev.Get_rank() == size - 1 - comm.Get_rank()
    assert rev.Translate_ranks([0], world_group) == [size - 1]
    assert world_group.Translate_ranks(None, rev) == list(reversed(range(size)))
    assert world_group.Compare(rev) == (MPI.IDENT if size == 1 else MPI.SIMILAR)
    rest = world_group.Excl([0])
    assert rest.Get_size() == size - 1
    assert rest.Get_rank() == (MPI.UNDEFINED if comm.Get_rank() == 0 else comm.Get_rank() - 1)
    for g in (rev, rest):
        g.Free()
    assert not rev


def test_set_operations(comm: MPI.Intracomm, world_group: MPI.Group) -> None:
    size = comm.Get_size()
    first = world_group.Incl([0])
    last = world_group.Incl([size - 1])
    union = MPI.Group.Union(first, last)
    inter = MPI.Group.Intersection(first, last)
    diff = MPI.Group.Difference(world_group, first)
    assert union.Get_size() == (1 if size == 1 else 2)
    assert inter.Get_size() == (1 if size == 1 else 0)
    assert diff.Get_size() == size - 1
    assert MPI.Group.Union(MPI.GROUP_EMPTY, MPI.GROUP_EMPTY).Get_size() == 0
    dup = world_group.Dup()
    assert dup.Compare(world_group) == MPI.IDENT
    for g in (first, last, union, inter, diff, dup):
        g.Free()


def test_ranges(comm: MPI.Intracomm, world_group: MPI.Group) -> None:
    size = comm.Get_size()
    evens = world_group.Range_incl([(0, size - 1, 2)])
    odds = world_group.Range_excl([(0, size - 1, 2)])
    assert evens.Get_size() == (size + 1) // 2
    assert odds.Get_size() == size // 2
    assert evens.Translate_ranks(list(range(evens.Get_size())), world_group) == list(range(0, size, 2))
    with pytest.raises(ValueError, match="ranks"):
        world_group.Range_incl([(0, 1)])
    with pytest.raises(TypeError, match="ranks"):
        world_group.Incl(["a"])
    evens.Free()
    odds.Free()


def test_fortran_handle(world_group: MPI.Group) -> None:
    same = MPI.Group.f2py(world_group.py2f())
    assert same == world_group
