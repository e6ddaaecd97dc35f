"""mpi4py.futures without MPI workers: ThreadPoolExecutor/ProcessPoolExecutor, aplus chaining, Future class."""

from __future__ import annotations

import operator
import os
import threading
from concurrent.futures import CancelledError, Future
from concurrent.futures import ThreadPoolExecutor as StdThreadPool

import pytest
from mpi_helpers import spawning

from mpi4py.futures import MPIPoolExecutor, ProcessPoolExecutor, ThreadPoolExecutor, aplus
from mpi4py.futures.aplus import ThenableFuture, catch, then


def test_thread_pool_executor_interface() -> None:
    seen: set[int] = set()
    barrier = threading.Barrier(3, timeout=30)

    def meet(x: int) -> int:
        barrier.wait()  # three tasks at once: the pool really runs three threads
        seen.add(threading.get_ident())
        return x

    with ThreadPoolExecutor(max_workers=3) as ex:
        assert isinstance(ex, MPIPoolExecutor)
        assert ex.bootup() is ex and ex.num_workers == 3
        assert sorted(ex.map(meet, range(3))) == [0, 1, 2] and len(seen) == 3
        assert ex.submit(operator.add, 2, 5).result() == 7
        assert list(ex.map(operator.mul, range(7), range(7), chunksize=3)) == [x * x for x in range(7)]
        assert sorted(ex.starmap(pow, [(2, 5), (3, 2), (5, 1)], unordered=True)) == [5, 9, 32]
        with pytest.raises(ZeroDivisionError):
            ex.submit(operator.truediv, 1, 0).result()
    with pytest.raises(RuntimeError, match="after shutdown"):
        ex.submit(abs, 1)
    with pytest.raises(RuntimeError, match="after shutdown"):
        ex.bootup()
    with pytest.raises(TypeError, match="ThreadPoolExecutor: .*python_exe"):
        ThreadPoolExecutor(python_exe="python")
    with pytest.raises(ValueError, match="max_workers must be an integer >= 1"):
        ThreadPoolExecutor(max_workers=0)


def test_thread_pool_executor_initializer_and_cancel() -> None:
    local: dict[str, int] = {}
    gate = threading.Event()
    ex = ThreadPoolExecutor(1, local.__setitem__, ("init", 42))
    first = ex.submit(gate.wait, 30)
    queued = [ex.submit(abs, -i) for i in range(4)]
    ex.shutdown(wait=False, cancel_futures=True)
    gate.set()
    assert first.result(timeout=30) is True
    assert all(f.cancelled() for f in queued)
    assert local == {"init": 42}


def test_process_pool_executor_runs_elsewhere() -> None:
    with ProcessPoolExecutor(max_workers=2) as ex:
        assert ex.num_workers == 2
        pids = set(ex.map(_pid, range(4)))
        assert os.getpid() not in pids
        assert list(ex.starmap(divmod, [(7, 2), (9, 4)], chunksize=2)) == [(3, 1), (2, 1)]
        with pytest.raises(ValueError, match="invalid literal"):
            ex.submit(int, "x").result(timeout=60)


def _pid(_: object) -> int:
    return os.getpid()


@pytest.mark.dynamic_processes
@spawning  # spawns one worker from the single-process run
def test_executor_future_class_is_used() -> None:
    class Tagged(Future):  # type: ignore[type-arg]
        pass

    class Custom(MPIPoolExecutor):
        Future = Tagged

    assert MPIPoolExecutor.Future is Future
    with Custom(max_workers=1) as ex:
        future = ex.submit(abs, -3)
        assert isinstance(future, Tagged) and future.result(timeout=120) == 3


def test_aplus_then_and_catch() -> None:
    source: ThenableFuture[int] = ThenableFuture()
    doubled = source.then(lambda v: v * 2)
    passed = then(source)
    source.set_result(21)
    assert doubled.result(timeout=1) == 42 and passed.result(timeout=1) == 21
    assert isinstance(doubled, ThenableFuture) and aplus.Future is Future

    failing: Future[int] = Future()
    propagated = then(failing, lambda v: v + 1)
    recovered = catch(failing, lambda exc: f"recovered {exc}")
    failing.set_exception(KeyError("k"))
    with pytest.raises(KeyError):
        propagated.result(timeout=1)
    assert recovered.result(timeout=1) == "recovered 'k'"

    origin: ThenableFuture[int] = ThenableFuture()
    broken = origin.then(lambda v: v / 0)
    assert not broken.done()
    origin.set_result(1)
    with pytest.raises(ZeroDivisionError):
        broken.result(timeout=1)
    start: ThenableFuture[int] = ThenableFuture()
    chained = start.then(lambda v: 1 / v).catch(lambda exc: type(exc).__name__)
    start.set_result(0)
    assert chained.result(timeout=1) == "ZeroDivisionError"


def test_aplus_follows_returned_futures_and_cancellation() -> None:
    with StdThreadPool(1) as pool:
        source: Future[int] = Future()
        followed = then(source, lambda v: pool.submit(operator.mul, v, 10))
        source.set_result(4)
        assert followed.result(timeout=30) == 40
    source = Future()
    after = then(source, lambda v: v)
    source.cancel()
    with pytest.raises(CancelledError):
        after.result(timeout=1)
    inner: Future[int] = Future()
    source = Future()
    follows_cancelled = then(source, lambda v: inner)
    source.set_result(1)
    inner.cancel()
    assert follows_cancelled.cancelled()
    with pytest.raises(TypeError, match="on_success must be callable"):
        then(Future(), on_success=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a concurrent.futures.Future"):
        then("not a future")  # type: ignore[arg-type]
