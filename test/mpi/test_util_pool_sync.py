"""mpi4py.util.pool.ThreadPool (the same interface as Pool, in-process) and mpi4py.util.sync."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from mpi4py import MPI
from mpi4py.util import sync
from mpi4py.util.pool import Pool, ThreadPool


def square(x: int) -> int:
    return x * x


def slow(x: float) -> float:
    time.sleep(x)
    return x


def test_thread_pool_interface() -> None:
    with ThreadPool(2) as pool:
        assert pool.map(square, range(7), chunksize=2) == [x * x for x in range(7)]
        assert pool.starmap(pow, [(2, 3), (3, 2)]) == [8, 9]
        assert pool.apply(square, (9,)) == 81
        assert list(pool.imap(square, range(4))) == [0, 1, 4, 9]
        assert sorted(pool.imap_unordered(square, range(4))) == [0, 1, 4, 9]
        errors: list[BaseException] = []
        failed = pool.apply_async(square, ("x",), error_callback=errors.append)
        failed.wait(5)
        assert failed.ready() and not failed.successful()
        assert isinstance(errors[0], TypeError)
        pending = pool.apply_async(slow, (0.5,))
        with pytest.raises(ValueError, match="not ready"):
            pending.successful()
        with pytest.raises(multiprocessing.TimeoutError):
            pending.get(timeout=0.01)
        with pytest.raises(ValueError, match="chunksize"):
            pool.map(square, [1], chunksize=0)
    with pytest.raises(ValueError, match="not running"):
        pool.map(square, [1])
    other = ThreadPool(1)
    with pytest.raises(ValueError, match="close"):
        other.join()
    other.close()
    other.join()
    with pytest.raises(ValueError, match="processes"):
        ThreadPool(0)


def test_sequential_runs_in_rank_order(comm: MPI.Intracomm, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each rank appends to one shared file inside the block: the file shows the rank order.

    (MPI.Wtime is not comparable across processes: Open MPI's clocks are not global.)
    """
    rank, size = comm.Get_rank(), comm.Get_size()
    path = comm.bcast(str(tmp_path_factory.mktemp("sequential") / "order.txt") if rank == 0 else None, root=0)
    with sync.Sequential(comm, tag=77):
        time.sleep(0.01 * (size - rank))  # later ranks would get there first without the ordering
        with open(path, "a") as handle:
            handle.write(f"{rank}\n")
    comm.Barrier()
    with open(path) as handle:
        assert [int(line) for line in handle] == list(range(size))


def test_counter(comm: MPI.Intracomm) -> None:
    counter = sync.Counter(10, 2, comm=comm)
    try:
        values = [counter.next() for _ in range(3)]
        everything = sorted(v for part in comm.allgather(values) for v in part)
        assert everything == list(range(10, 10 + 2 * 3 * comm.Get_size(), 2))
    finally:
        counter.free()


def test_mutex_protects_read_modify_write(comm: MPI.Intracomm) -> None:
    mutex = sync.Mutex(comm)
    shared = sync.Counter(0, comm=comm)  # read and rewrite non-atomically under the mutex
    try:
        for _ in range(5):
            with mutex:
                value = shared.next(0)
                time.sleep(0.001)
                shared.next(value + 1 - shared.next(0))
        comm.Barrier()
        assert shared.next(0) == 5 * comm.Get_size()
        rank, last = comm.Get_rank(), comm.Get_size() - 1
        if rank == 0:
            assert mutex.acquire(blocking=False) is True
        comm.Barrier()
        assert mutex.locked()
        if rank == last and last > 0:
            assert mutex.acquire(blocking=False) is False
        comm.Barrier()
        if rank == 0:
            mutex.release()
        comm.Barrier()
        assert not mutex.locked()
        with pytest.raises(RuntimeError, match="not held"):
            mutex.release()
    finally:
        comm.Barrier()
        shared.free()
        mutex.free()


def test_condition_and_semaphore(comm: MPI.Intracomm) -> None:
    rank = comm.Get_rank()
    semaphore = sync.Semaphore(1, comm=comm)
    try:
        with semaphore:
            pass
        comm.Barrier()
        if rank == 0:
            with pytest.raises(ValueError, match="released too many"):
                semaphore.release()
    finally:
        comm.Barrier()
        semaphore.free()
    condition = sync.Condition(comm=comm)
    flag = sync.Counter(0, comm=comm)
    try:
        if rank == 0:
            with condition:
                flag.next(1)
                condition.notify_all()
        else:
            with condition:
                condition.wait_for(lambda: flag.next(0) > 0)
        comm.Barrier()
        assert flag.next(0) == 1
    finally:
        flag.free()
        condition.free()


def test_recursive_mutex_count_and_condition_locked(comm: MPI.Intracomm) -> None:
    rank = comm.Get_rank()
    mutex = sync.Mutex(comm=comm, recursive=True)
    plain = sync.Mutex(comm)
    condition = sync.Condition(comm=comm)
    counter = sync.Counter(5, typecode="q", comm=comm)
    try:
        assert mutex.count() == 0 and plain.count() == 0
        if rank == 0:
            assert mutex.acquire() and mutex.acquire(blocking=False)
            assert mutex.count() == 2
            mutex.release()
            assert mutex.count() == 1
        comm.Barrier()
        assert mutex.locked()  # still held once by rank 0, seen from every rank
        if rank == comm.Get_size() - 1 and rank > 0:
            assert mutex.acquire(blocking=False) is False and mutex.count() == 0
        comm.Barrier()
        if rank == 0:
            mutex.release()
            assert mutex.count() == 0
            with plain:
                assert plain.count() == 1
                with pytest.raises(RuntimeError, match="recursive=True"):
                    plain.acquire()
        comm.Barrier()
        assert not mutex.locked() and not plain.locked()
        if rank == 0:
            with condition:
                assert condition.locked()
        comm.Barrier()
        assert not condition.locked()
        with pytest.raises(ValueError, match="typecode must be a signed integer code"):
            sync.Counter(typecode="f")
        comm.Barrier()
        assert counter.next() >= 5
    finally:
        comm.Barrier()
        for obj in (counter, condition, plain, mutex):
            obj.free()


def test_pool_executor_class_and_istarmap() -> None:
    from mpi4py.futures import MPIPoolExecutor, ThreadPoolExecutor

    assert Pool.Executor is MPIPoolExecutor and ThreadPool.Executor is ThreadPoolExecutor
    with ThreadPool(2) as pool:
        assert isinstance(pool._executor, ThreadPoolExecutor)
        assert list(pool.istarmap(pow, [(2, 3), (3, 3), (4, 3)], chunksize=2)) == [8, 27, 64]
        assert sorted(pool.istarmap_unordered(pow, [(2, 1), (2, 2), (2, 3)])) == [2, 4, 8]
        assert sorted(pool.imap_unordered(square, range(5), chunksize=2)) == [0, 1, 4, 9, 16]
    with pytest.raises(ValueError, match="not running"):
        pool.istarmap(pow, [(1, 1)])
