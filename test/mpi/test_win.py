"""One-sided communication: window flavors, RMA operations and every synchronization mode.

Every rank runs the same collective sequence; assertions come after the last collective call
of a test (or are the same on every rank), so a failure cannot leave peers waiting.
"""

from __future__ import annotations

import array

import numpy
import pytest

from mpi4py import MPI


def neighbors(comm: MPI.Intracomm) -> tuple[int, int]:
    rank, size = comm.Get_rank(), comm.Get_size()
    return (rank + 1) % size, (rank - 1) % size


def test_create_attributes_and_memory(comm: MPI.Intracomm) -> None:
    mem = numpy.zeros(8, dtype="i")
    win = MPI.Win.Create(mem, mem.itemsize, MPI.INFO_NULL, comm)
    try:
        base, size, unit = win.attrs
        assert (base, size, unit) == (mem.ctypes.data, mem.nbytes, mem.itemsize)
        assert win.Get_attr(MPI.WIN_SIZE) == mem.nbytes and win.Get_attr(MPI.WIN_DISP_UNIT) == 4
        assert win.flavor == MPI.WIN_FLAVOR_CREATE
        assert win.model in (MPI.WIN_SEPARATE, MPI.WIN_UNIFIED)
        group = win.Get_group()
        assert (group.Get_size(), group.Get_rank()) == (comm.Get_size(), comm.Get_rank())
        group.Free()
        assert (win.group_size, win.group_rank) == (comm.Get_size(), comm.Get_rank())
        win.Set_name("rma-window")
        assert win.Get_name() == "rma-window" and win.name == "rma-window"
        info = win.Get_info()
        assert isinstance(info, MPI.Info)
        info.Free()
        hints = MPI.Info.Create({"no_locks": "false"})
        win.Set_info(hints)
        hints.Free()
        view = win.tomemory()
        assert view.nbytes == mem.nbytes and not view.readonly
        view[0:4] = numpy.array([77], dtype="i").tobytes()
        assert mem[0] == 77
    finally:
        win.Free()
    assert not win and win == MPI.WIN_NULL


def test_fence_put_get_accumulate(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    right, left = neighbors(comm)
    mem = numpy.full(size + 1, -1, dtype="d")  # one slot per rank, then an accumulator
    win = MPI.Win.Create(mem, mem.itemsize, comm=comm)
    got = numpy.zeros(size, dtype="d")
    total = numpy.zeros(1, dtype="d")
    try:
        win.Fence()
        win.Put(numpy.array([rank], dtype="d"), right, rank)  # slot `rank` of the right neighbor
        win.Fence()
        win.Get(got, left)  # the per-rank slots of the left neighbor
        win.Fence()
        win.Accumulate(numpy.array([rank + 1.0]), 0, [size, 1, MPI.DOUBLE], MPI.SUM)
        win.Fence()
        win.Get(total, 0, size)
        win.Fence(MPI.MODE_NOSUCCEED)
    finally:
        win.Free()
    assert mem[left] == left and numpy.count_nonzero(mem[:size] == -1) == size - 1
    assert got[(left - 1) % size] == (left - 1) % size
    assert total[0] == -1 + size * (size + 1) / 2


def test_passive_target_atomics(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    counter = numpy.zeros(2, dtype="l")
    win = MPI.Win.Create(counter if rank == 0 else None, counter.itemsize, comm=comm)
    one = numpy.ones(1, dtype="l")
    old = numpy.zeros(1, dtype="l")
    fetched = numpy.zeros(1, dtype="l")
    swapped = numpy.zeros(1, dtype="l")
    accum = numpy.zeros(1, dtype="l")
    try:
        win.Lock(0, MPI.LOCK_SHARED)
        win.Fetch_and_op(one, old, 0, 0, MPI.SUM)
        win.Unlock(0)
        comm.Barrier()
        win.Lock(0, MPI.LOCK_EXCLUSIVE)
        win.Fetch_and_op(None, fetched, 0, 0, MPI.NO_OP)
        # only the process that sees the expected value swaps it: exactly one winner overall
        win.Compare_and_swap(numpy.array([rank + 100], dtype="l"), numpy.array([0], dtype="l"), swapped, 0, 1)
        win.Get_accumulate(one, accum, 0, [1, 1, MPI.LONG], MPI.NO_OP)
        win.Unlock(0)
        comm.Barrier()
        final = comm.bcast(counter.copy() if rank == 0 else None, 0)
        winners = comm.allgather(int(swapped[0]) == 0)
        olds = comm.allgather(int(old[0]))
    finally:
        win.Free()
    assert sorted(olds) == list(range(size))
    assert fetched[0] == size
    assert final[0] == size and 100 <= final[1] < 100 + size
    assert sum(winners) == 1 and accum[0] == final[1]


def test_request_based_lock_all(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    right, left = neighbors(comm)
    win = MPI.Win.Allocate(4 * size * 4, 4, comm=comm)
    mem = numpy.frombuffer(win.tomemory(), dtype="i")
    mem[:] = 0
    comm.Barrier()
    got = array.array("i", [0] * size)
    fetched = numpy.zeros(size, dtype="i")
    try:
        flavor = win.flavor
        win.Lock_all()
        req = win.Rput(numpy.full(size, rank + 1, dtype="i"), right, [0, size, MPI.INT])
        req.Wait()
        win.Flush(right)
        MPI.Request.Waitall([win.Raccumulate(numpy.full(size, 1, dtype="i"), right, size, MPI.SUM)])
        win.Flush_all()
        win.Unlock_all()
        comm.Barrier()
        win.Lock_all()
        win.Rget(got, left, 0).Wait()
        win.Rget_accumulate(numpy.full(size, 5, dtype="i"), fetched, left, size, MPI.REPLACE).Wait()
        win.Flush_local(left)
        win.Flush_local_all()
        win.Sync()
        win.Unlock_all()
        comm.Barrier()
        snapshot = mem.copy()
    finally:
        del mem
        win.Free()
    assert flavor == MPI.WIN_FLAVOR_ALLOCATE
    assert list(got) == [((left - 1) % size) + 1] * size
    assert list(fetched) == [1] * size
    assert list(snapshot[:size]) == [left + 1] * size
    assert list(snapshot[size:2 * size]) == [5] * size


def test_pscw(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    right, left = neighbors(comm)
    buf = bytearray(size)
    win = MPI.Win.Create(buf, 1, comm=comm)
    group = win.Get_group()
    try:
        win.Post(group)
        win.Start(group)
        win.Put([bytes([rank + 1]), 1, MPI.BYTE], right, rank)
        win.Complete()
        while not win.Test():
            pass
        win.Post(group, MPI.MODE_NOPUT)
        win.Start(group)
        win.Complete()
        win.Wait()
    finally:
        group.Free()
        win.Free()
    assert buf[left] == left + 1 and buf.count(0) == size - 1


def test_allocate_shared(comm: MPI.Intracomm) -> None:
    # A shared-memory window spans ranks that share memory: the node's (every rank in a one-node job, one
    # each when shared memory is off, as in `nox -s tests_network`).
    node = comm.Split_type(MPI.COMM_TYPE_SHARED)
    rank, size = node.Get_rank(), node.Get_size()
    win = MPI.Win.Allocate_shared(8 * (rank + 1), 8, comm=node)
    try:
        own, unit = win.Shared_query(rank)
        assert unit == 8 and len(own) == 8 * (rank + 1)
        win.Lock_all()
        numpy.frombuffer(own, dtype="q")[:] = rank
        win.Sync()
        node.Barrier()
        win.Sync()
        seen = []
        for peer in range(size):
            mem, peer_unit = win.Shared_query(peer)
            values = numpy.frombuffer(mem, dtype="q")
            seen.append((peer_unit, values.size, set(values.tolist())))
        win.Unlock_all()
        flavor = win.flavor
        node.Barrier()
    finally:
        win.Free()
        node.Free()
    assert flavor == MPI.WIN_FLAVOR_SHARED
    assert seen == [(8, p + 1, {p}) for p in range(size)]


def test_dynamic_attach_detach(comm: MPI.Intracomm) -> None:
    rank = comm.Get_rank()
    right, left = neighbors(comm)
    win = MPI.Win.Create_dynamic(comm=comm)
    mem = numpy.zeros(4, dtype="i")
    try:
        win.Attach(mem)
        addresses = comm.allgather(mem.ctypes.data)
        win.Fence()
        win.Put(numpy.arange(4, dtype="i") + 10 * rank, right, addresses[right])
        win.Fence()
        win.Detach(mem)
        flavor, base_size = win.flavor, win.attrs[1]
        comm.Barrier()
    finally:
        win.Free()
    assert flavor == MPI.WIN_FLAVOR_DYNAMIC and base_size == 0
    assert mem.tolist() == [10 * left + i for i in range(4)]


def test_errors(comm: MPI.Intracomm) -> None:
    with pytest.raises(BufferError, match="writable"):
        MPI.Win.Create(b"read-only", comm=MPI.COMM_SELF)
    with pytest.raises(ValueError, match="size must be >= 0"):
        MPI.Win.Allocate(-1, comm=MPI.COMM_SELF)
    with pytest.raises(TypeError):
        MPI.Win.Create(bytearray(4), comm=None)
    win = MPI.Win.Allocate(16, comm=MPI.COMM_SELF)
    try:
        with pytest.raises(TypeError, match="target"):
            win.Put(bytearray(4), 0, "zero")
        with pytest.raises(ValueError, match="displacement"):
            win.Put(bytearray(4), 0, -1)
        with pytest.raises(MPI.Exception):
            win.Lock(comm.Get_size() + 7)  # not a rank of the window group
    finally:
        win.Free()
