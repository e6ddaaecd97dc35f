"""Collectives on intercommunicators with unequal groups, as mpi4py documents them.

The job splits into group A (every rank but the last) and group B (the last rank): 1 and 1 at two
ranks, 2 and 1 at three, 3 and 1 at four. In a rooted collective the root's group passes ``MPI.ROOT``
at the root and ``MPI.PROC_NULL`` elsewhere, the other group the root's rank in the remote group;
buffers where MPI ignores them are ignored; a buffer with one block per process has one block per
process of the remote group. Every case runs with the root in either group.
"""

from __future__ import annotations

import array
from collections.abc import Iterator
from dataclasses import dataclass

import numpy
import pytest
from test_coll_ext import FORMS, run

from mpi4py import MPI

pytestmark = pytest.mark.ranks(min=2)


@dataclass
class Side:
    inter: MPI.Intercomm
    group: int  # 0: A (ranks 0..n-2), 1: B (the last rank)
    local_rank: int
    me: int  # world rank: the value this process contributes
    remote: list[int]  # world ranks of the remote group, in remote rank order

    def root_arg(self, root_group: int, root_local: int) -> int:
        """What this process passes as ``root`` when ``root_local`` of group ``root_group`` is the root."""
        if self.group != root_group:
            return root_local
        return MPI.ROOT if self.local_rank == root_local else MPI.PROC_NULL

    def role(self, root_group: int, root_local: int) -> str:
        if self.group != root_group:
            return "leaf"
        return "root" if self.local_rank == root_local else "idle"


@pytest.fixture
def side(comm: MPI.Intracomm) -> Iterator[Side]:
    size, rank = comm.Get_size(), comm.Get_rank()
    group = 0 if rank < size - 1 else 1
    local = comm.Split(group, rank)
    inter = local.Create_intercomm(0, comm, size - 1 if group == 0 else 0, tag=17)
    remote = [size - 1] if group == 0 else list(range(size - 1))
    assert inter.Get_remote_size() == len(remote)
    yield Side(inter, group, local.Get_rank(), rank, remote)
    inter.Free()
    local.Free()


def root_of(group: int, comm: MPI.Intracomm) -> int:
    """The root's rank in its group: the last rank of group A (not 0, to catch rank mix-ups), B's only rank."""
    return comm.Get_size() - 2 if group == 0 else 0


ROOT_GROUPS = [0, 1]


# -- rooted, buffers ----------------------------------------------------------------------------

@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("root_group", ROOT_GROUPS)
def test_bcast(side: Side, comm: MPI.Intracomm, form: str, root_group: int) -> None:
    rl = root_of(root_group, comm)
    role = side.role(root_group, rl)
    buf = numpy.arange(5, dtype="d") + 100 if role == "root" else numpy.full(5, -1.0)
    if role == "root":
        buf.setflags(write=False)  # the root only reads its buffer
    run(side.inter, "Bcast", form, None if role == "idle" else buf, root=side.root_arg(root_group, rl))
    if role != "idle":
        assert buf.tolist() == [100.0, 101.0, 102.0, 103.0, 104.0]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("root_group", ROOT_GROUPS)
def test_scatter_gather(side: Side, comm: MPI.Intracomm, form: str, root_group: int) -> None:
    rl = root_of(root_group, comm)
    role, root = side.role(root_group, rl), side.root_arg(root_group, rl)
    nremote = len(side.remote)
    # Scatter: the root holds two items per remote process; each leaf receives its two.
    send = numpy.arange(2 * nremote, dtype="i") + 10 if role == "root" else None
    recv = numpy.full(2, -1, dtype="i")
    run(side.inter, "Scatter", form, send, recv if role == "leaf" else None, root=root)
    if role == "leaf":
        assert recv.tolist() == [10 + 2 * side.local_rank, 11 + 2 * side.local_rank]
    # Gather: every leaf sends its world rank; the root receives one per remote process.
    out = numpy.full(nremote, -1, dtype="i")
    run(side.inter, "Gather", form, numpy.array([side.me], dtype="i") if role == "leaf" else None,
        out if role == "root" else None, root=root)
    if role == "root":
        assert out.tolist() == side.remote


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("root_group", ROOT_GROUPS)
def test_scatterv_gatherv(side: Side, comm: MPI.Intracomm, form: str, root_group: int) -> None:
    rl = root_of(root_group, comm)
    role, root = side.role(root_group, rl), side.root_arg(root_group, rl)
    nremote = len(side.remote)
    counts = [i + 1 for i in range(nremote)]
    displs = [sum(counts[:i]) for i in range(nremote)]
    flat = [float(w) for w in side.remote for _ in range(side.remote.index(w) + 1)]
    send = [numpy.array(flat), (counts, displs), MPI.DOUBLE] if role == "root" else None
    recv = numpy.zeros(side.local_rank + 1)
    run(side.inter, "Scatterv", form, send, recv if role == "leaf" else None, root=root)
    if role == "leaf":
        assert recv.tolist() == [float(side.me)] * (side.local_rank + 1)
    out = numpy.zeros(sum(counts))
    mine = numpy.full(side.local_rank + 1, float(side.me))
    run(side.inter, "Gatherv", form, mine if role == "leaf" else None,
        [out, counts, displs, MPI.DOUBLE] if role == "root" else None, root=root)
    if role == "root":
        assert out.tolist() == flat


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("root_group", ROOT_GROUPS)
def test_reduce(side: Side, comm: MPI.Intracomm, form: str, root_group: int) -> None:
    rl = root_of(root_group, comm)
    role, root = side.role(root_group, rl), side.root_arg(root_group, rl)
    out = numpy.full(2, -1, dtype="l")
    run(side.inter, "Reduce", form, numpy.array([side.me, 1], dtype="l") if role == "leaf" else None,
        out if role == "root" else None, op=MPI.SUM, root=root)
    if role == "root":
        assert out.tolist() == [sum(side.remote), len(side.remote)]


# -- unrooted, buffers ----------------------------------------------------------------------------

@pytest.mark.parametrize("form", FORMS)
def test_allgather_alltoall(side: Side, form: str) -> None:
    nremote = len(side.remote)
    out = numpy.full(2 * nremote, -1, dtype="i")
    run(side.inter, "Allgather", form, numpy.array([side.me, -side.me], dtype="i"), out)
    assert out.tolist() == [v for w in side.remote for v in (w, -w)]
    # Alltoall: block j goes to remote process j and carries (my world rank, j).
    send = numpy.array([v for j in range(nremote) for v in (side.me, j)], dtype="i")
    out = numpy.full(2 * nremote, -1, dtype="i")
    run(side.inter, "Alltoall", form, send, out)
    assert out.tolist() == [v for w in side.remote for v in (w, side.local_rank)]


@pytest.mark.parametrize("form", FORMS)
def test_allgatherv_alltoallv_alltoallw(side: Side, form: str) -> None:
    nremote = len(side.remote)
    counts = [i + 1 for i in range(nremote)]
    displs = [sum(counts[:i]) for i in range(nremote)]
    out = numpy.zeros(sum(counts))
    run(side.inter, "Allgatherv", form, numpy.full(side.local_rank + 1, float(side.me)),
        [out, counts, displs, MPI.DOUBLE])
    assert out.tolist() == [float(w) for i, w in enumerate(side.remote) for _ in range(i + 1)]
    # Alltoallv: one item to each remote process; receive one from each.
    sbuf = array.array("i", [side.me] * nremote)
    rbuf = array.array("i", [-1] * nremote)
    run(side.inter, "Alltoallv", form, [sbuf, [1] * nremote, list(range(nremote)), MPI.INT],
        [rbuf, [1] * nremote, list(range(nremote)), MPI.INT])
    assert list(rbuf) == side.remote
    rw = numpy.full(nremote, -1, dtype="i")
    byte_displs = [4 * i for i in range(nremote)]
    run(side.inter, "Alltoallw", form, [numpy.full(nremote, side.me, dtype="i"), [1] * nremote, byte_displs,
                                        [MPI.INT] * nremote],
        [rw, [1] * nremote, byte_displs, [MPI.INT] * nremote])
    assert rw.tolist() == side.remote


@pytest.mark.parametrize("form", FORMS)
def test_allreduce_reduce_scatter(side: Side, comm: MPI.Intracomm, form: str) -> None:
    out = numpy.zeros(3)
    run(side.inter, "Allreduce", form, numpy.array([side.me, 1.0, 2.0]), out, op=MPI.SUM)
    assert out.tolist() == [float(sum(side.remote)), float(len(side.remote)), 2.0 * len(side.remote)]
    # Reduce_scatter_block: sendbuf has one block per *local* process; both groups' totals agree
    # (A: recvcount 1, B: recvcount = |A|), so B receives A's whole reduction and A splits B's vector.
    local_size, n_a = side.inter.Get_size(), comm.Get_size() - 1
    rc = 1 if side.group == 0 else n_a
    send = numpy.array([side.me + 10 * j for j in range(local_size * rc)], dtype="d")
    expected = [float(sum(w + 10 * (side.local_rank * rc + k) for w in side.remote)) for k in range(rc)]
    out1 = numpy.zeros(rc)
    run(side.inter, "Reduce_scatter_block", form, send, out1, op=MPI.SUM)
    assert out1.tolist() == expected
    out2 = numpy.zeros(rc)
    run(side.inter, "Reduce_scatter", form, send, out2, [rc] * local_size, op=MPI.SUM)
    assert out2.tolist() == expected
    if form == "blocking":  # recvcounts from every local process's recvbuf
        out3 = numpy.zeros(rc)
        side.inter.Reduce_scatter(send, out3, op=MPI.SUM)
        assert out3.tolist() == expected


def test_in_place_refused(side: Side) -> None:
    with pytest.raises(ValueError, match="sendbuf: IN_PLACE is valid only on an intracommunicator"):
        side.inter.Allgather(MPI.IN_PLACE, numpy.zeros(len(side.remote), dtype="i"))
    with pytest.raises(ValueError, match="sendbuf: IN_PLACE"):
        side.inter.Allreduce(MPI.IN_PLACE, numpy.zeros(1))


# -- objects ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("root_group", ROOT_GROUPS)
def test_object_rooted(side: Side, comm: MPI.Intracomm, root_group: int) -> None:
    rl = root_of(root_group, comm)
    role, root = side.role(root_group, rl), side.root_arg(root_group, rl)
    small, large = {"from": "root"}, list(range(1000))  # one broadcast, and a second one for the rest
    for obj in (small, large):
        got = side.inter.bcast(obj if role == "root" else None, root=root)
        assert got == (obj if role == "leaf" else None)
    got = side.inter.scatter([("item", w) for w in side.remote] if role == "root" else None, root=root)
    assert got == (("item", side.me) if role == "leaf" else None)
    got = side.inter.gather(("g", side.me), root=root)
    assert got == ([("g", w) for w in side.remote] if role == "root" else None)
    got = side.inter.reduce(side.me, op=MPI.SUM, root=root)
    assert got == (sum(side.remote) if role == "root" else None)


def test_object_unrooted(side: Side) -> None:
    assert side.inter.allgather(side.me) == side.remote
    assert side.inter.allreduce(side.me, op=MPI.MAX) == max(side.remote)
    got = side.inter.alltoall([(side.me, j) for j in range(len(side.remote))])
    assert got == [(w, side.local_rank) for w in side.remote]
    with pytest.raises(ValueError, match="one item per process"):
        side.inter.alltoall([0] * (len(side.remote) + 1))
    side.inter.barrier()
