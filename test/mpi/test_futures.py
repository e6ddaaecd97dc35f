"""mpi4py.futures in-process: MPICommExecutor over COMM_WORLD (run at 1, 2 and 3 ranks) and helpers."""

from __future__ import annotations

import os
import time
from concurrent.futures import BrokenExecutor, CancelledError, Future
from concurrent.futures import TimeoutError as FuturesTimeoutError

import pytest

from mpi4py import MPI
from mpi4py.futures import MPICommExecutor, MPIPoolExecutor, collect, compose, get_comm_workers
from mpi4py.futures._manager import RemoteTraceback


def where(x: int) -> tuple[int, int]:
    return x, MPI.COMM_WORLD.Get_rank()


def add(a: int, b: int = 0) -> int:
    return a + b


def sleep_then(x: int, seconds: float) -> int:
    time.sleep(seconds)
    return x


def fail(message: str) -> None:
    raise KeyError(message)


def workers_size() -> int:
    return get_comm_workers().Get_size()


def unpicklable_result() -> object:
    return lambda: None


_INIT: dict[str, object] = {}


def init(value: str) -> None:
    _INIT["value"] = value


def init_value() -> object:
    return _INIT.get("value")


def bad_init() -> None:
    raise ValueError("initializer boom")


def test_submit_map_and_spread(comm: MPI.Intracomm) -> None:
    size = comm.Get_size()
    with MPICommExecutor(comm, root=0) as executor:
        if executor is None:
            return
        assert executor.submit(add, 2, b=3).result(timeout=30) == 5
        results = list(executor.map(where, range(40), chunksize=3))
        assert [r[0] for r in results] == list(range(40))
        ranks = {r[1] for r in results}
        # With other processes the root only manages: every task runs on a worker rank.
        assert ranks <= (set(range(1, size)) if size > 1 else {0})
        assert executor.num_workers == max(size - 1, 1)


def test_map_unordered_starmap_and_empty(comm: MPI.Intracomm) -> None:
    with MPICommExecutor(comm) as executor:
        if executor is None:
            return
        assert sorted(executor.map(add, range(10), range(10), unordered=True)) == [2 * i for i in range(10)]
        assert list(executor.starmap(add, [(1, 2), (3, 4)], chunksize=2)) == [3, 7]
        assert list(executor.map(add, [])) == []
        with pytest.raises(ValueError, match="chunksize"):
            executor.map(add, [1], chunksize=0)


def test_exception_carries_remote_traceback(comm: MPI.Intracomm) -> None:
    with MPICommExecutor(comm) as executor:
        if executor is None:
            return
        future = executor.submit(fail, "remote boom")
        with pytest.raises(KeyError, match="remote boom") as info:
            future.result(timeout=30)
        if comm.Get_size() > 1:
            assert isinstance(info.value.__cause__, RemoteTraceback)
            assert "in fail" in str(info.value.__cause__)
        # Size 1 runs tasks in-process (no pickling); otherwise a result or an argument that cannot be
        # pickled fails its own future instead of hanging the pool.
        if comm.Get_size() > 1:
            with pytest.raises(Exception):  # noqa: B017 - PicklingError/AttributeError depending on Python
                executor.submit(unpicklable_result).result(timeout=30)
            with pytest.raises(Exception):  # noqa: B017
                executor.submit(add, lambda: 1).result(timeout=30)
        assert executor.submit(add, 1, 1).result(timeout=30) == 2


def test_map_timeout(comm: MPI.Intracomm) -> None:
    with MPICommExecutor(comm) as executor:
        if executor is None:
            return
        results = executor.map(sleep_then, [1], [1.0], timeout=0.05)
        with pytest.raises(FuturesTimeoutError):
            list(results)


def test_shutdown_cancel_futures(comm: MPI.Intracomm) -> None:
    with MPICommExecutor(comm) as executor:
        if executor is None:
            return
        busy = [executor.submit(sleep_then, i, 0.4) for i in range(executor.num_workers)]
        time.sleep(0.1)
        queued = [executor.submit(add, i) for i in range(5)]
        executor.shutdown(wait=True, cancel_futures=True)
        assert [f.result() for f in busy] == list(range(len(busy)))
        assert all(f.cancelled() for f in queued)
        with pytest.raises(RuntimeError, match="after shutdown"):
            executor.submit(add, 1)


def test_initializer_and_comm_workers(comm: MPI.Intracomm) -> None:
    with MPICommExecutor(comm, initializer=init, initargs=("ready",)) as executor:
        if executor is None:
            return
        values = list(executor.map(lambda_free_init_value, range(2 * executor.num_workers)))
        assert values == ["ready"] * len(values)
        if comm.Get_size() > 1:
            assert executor.submit(workers_size).result(timeout=30) == comm.Get_size() - 1


def lambda_free_init_value(_: int) -> object:
    return init_value()


def test_failing_initializer_breaks_pool(comm: MPI.Intracomm) -> None:
    with MPICommExecutor(comm, initializer=bad_init) as executor:
        if executor is None:
            return
        try:
            future = executor.submit(add, 1)
        except BrokenExecutor as exc:  # the pool already broke while starting
            assert "initializer" in str(exc)
        else:
            with pytest.raises(BrokenExecutor, match="initializer"):
                future.result(timeout=30)
        with pytest.raises(BrokenExecutor, match="initializer"):
            executor.submit(add, 1)


def test_comm_executor_arguments(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="root"):
        MPICommExecutor(comm, root=comm.Get_size())
    with pytest.raises(TypeError, match="Intracomm"):
        MPICommExecutor("world")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unexpected keyword"):
        MPIPoolExecutor(workers=2)
    with pytest.raises(ValueError, match="max_workers"):
        MPIPoolExecutor(max_workers=0)


def test_get_comm_workers_outside_worker() -> None:
    with pytest.raises(RuntimeError, match="worker process"):
        get_comm_workers()


def test_backoff_env(monkeypatch: pytest.MonkeyPatch) -> None:
    from mpi4py.futures import _worker

    monkeypatch.setenv("MPI4PY_FUTURES_BACKOFF", "0.005")
    assert _worker.backoff_from_env() == 0.005
    monkeypatch.setenv("MPI4PY_FUTURES_BACKOFF", "soon")
    with pytest.raises(ValueError, match="MPI4PY_FUTURES_BACKOFF"):
        _worker.backoff_from_env()
    assert os.environ["MPI4PY_FUTURES_BACKOFF"] == "soon"


def test_collect_and_compose() -> None:
    futures: list[Future[int]] = [Future() for _ in range(3)]
    total = collect(futures)
    doubled = compose(futures[0], lambda v: v * 2)
    for i, f in enumerate(futures):
        f.set_result(i + 1)
    assert total.result(timeout=1) == [1, 2, 3]
    assert doubled.result(timeout=1) == 2
    failing: Future[int] = Future()
    rescued = compose(failing, excepthook=lambda exc: f"rescued {exc}")
    failing.set_exception(KeyError("x"))
    assert rescued.result(timeout=1) == "rescued 'x'"
    assert collect([]).result(timeout=1) == []
    pending: Future[int] = Future()
    outer = collect([pending])
    outer.cancel()
    assert pending.cancelled()
    with pytest.raises(CancelledError):
        outer.result(timeout=1)


def array_sum(values: object) -> tuple[float, int]:
    import numpy as np

    array = np.asarray(values)
    return float(array.sum()), array.nbytes


def test_use_pkl5_moves_large_buffers(comm: MPI.Intracomm, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from mpi4py.util import pkl5

    out_of_band: list[int] = []
    original = pkl5.pickle.dumps

    def spy(obj: object) -> tuple[bytes, list[memoryview]]:
        data, buffers = original(obj)
        out_of_band.extend(b.nbytes for b in buffers)
        return data, buffers

    monkeypatch.setattr(pkl5.pickle, "dumps", spy)
    with MPICommExecutor(comm, use_pkl5=True) as executor:
        if executor is None:
            return
        arrays = [np.full(300_000, float(i)) for i in range(4)]
        results = list(executor.map(array_sum, arrays))
        assert results == [(300_000.0 * i, 2_400_000) for i in range(4)]
    if comm.Get_size() > 1:  # the tasks left the root as pkl5 messages with the arrays out of band
        assert out_of_band.count(2_400_000) == 4


def test_use_pkl5_env(monkeypatch: pytest.MonkeyPatch) -> None:
    from mpi4py.futures.pool import _use_pkl5

    monkeypatch.setenv("MPI4PY_FUTURES_USE_PKL5", "yes")
    assert _use_pkl5(None) is True
    assert _use_pkl5(False) is False
    monkeypatch.setenv("MPI4PY_FUTURES_USE_PKL5", "maybe")
    with pytest.raises(ValueError, match="MPI4PY_FUTURES_USE_PKL5"):
        _use_pkl5(None)
