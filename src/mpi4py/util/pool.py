"""``multiprocessing.Pool``-like interface over ``mpi4py.futures.MPIPoolExecutor``."""

from __future__ import annotations

import concurrent.futures as cf
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, Generic, TypeVar

from ..futures import MPIPoolExecutor, ThreadPoolExecutor

__all__ = ["ApplyResult", "AsyncResult", "MapResult", "Pool", "ThreadPool"]

T = TypeVar("T")


class AsyncResult(Generic[T]):
    """Result of ``apply_async``/``map_async``: ``get``, ``wait``, ``ready``, ``successful``."""

    def __init__(self, future: cf.Future[Any], callback: Callable[[T], object] | None = None,
                 error_callback: Callable[[BaseException], object] | None = None,
                 convert: Callable[[Any], T] | None = None) -> None:
        self._future = future
        self._convert = convert

        def done(fut: cf.Future[Any]) -> None:
            if fut.cancelled():
                return
            exc = fut.exception()
            if exc is not None:
                if error_callback is not None:
                    error_callback(exc)
            elif callback is not None:
                callback(self._value(fut))

        future.add_done_callback(done)

    def _value(self, fut: cf.Future[Any]) -> T:
        value = fut.result()
        return self._convert(value) if self._convert is not None else value

    def get(self, timeout: float | None = None) -> T:
        """The result (re-raises the call's exception); ``multiprocessing.TimeoutError`` after ``timeout``."""
        try:
            return self._value(self._future) if self._future.done() else self._wait_value(timeout)
        except cf.TimeoutError:
            import multiprocessing

            raise multiprocessing.TimeoutError(f"result not ready after {timeout} s") from None

    def _wait_value(self, timeout: float | None) -> T:
        self._future.result(timeout=timeout)
        return self._value(self._future)

    def wait(self, timeout: float | None = None) -> None:
        cf.wait([self._future], timeout=timeout)

    def ready(self) -> bool:
        return self._future.done()

    def successful(self) -> bool:
        if not self._future.done():
            raise ValueError(f"{self!r} not ready")
        return not self._future.cancelled() and self._future.exception() is None


class ApplyResult(AsyncResult[T]):
    """Result of ``Pool.apply_async``."""


class MapResult(AsyncResult[list[T]]):
    """Result of ``Pool.map_async``/``starmap_async``: the list of results."""


def _collect_list(futures: list[cf.Future[Any]]) -> cf.Future[list[Any]]:
    from ..futures import collect

    return collect(futures)


def _flatten(chunks: list[list[T]]) -> list[T]:
    return [item for chunk in chunks for item in chunk]


def _apply_chunk(func: Callable[..., T], chunk: list[tuple[Any, ...]]) -> list[T]:
    return [func(*args) for args in chunk]


class Pool:
    """Pool of MPI worker processes (``processes`` = max_workers; extra keyword options go to ``Executor``)."""

    Executor: type[MPIPoolExecutor] = MPIPoolExecutor  # the executor class the pool runs on

    def __init__(self, processes: int | None = None, initializer: Callable[..., object] | None = None,
                 initargs: Iterable[Any] = (), **kwargs: Any) -> None:
        if processes is not None and (isinstance(processes, bool) or not isinstance(processes, int) or processes < 1):
            raise ValueError(f"Pool: processes must be an integer >= 1 or None, got {processes!r}")
        self._executor = self.Executor(processes, initializer, tuple(initargs), **kwargs)
        self._state = "RUN"
        self._lock = threading.Lock()

    def _check_running(self) -> None:
        if self._state != "RUN":
            raise ValueError("Pool not running (close() or terminate() was called)")

    @staticmethod
    def _chunks(func: Callable[..., Any], iterable: Iterable[Any], chunksize: int | None, star: bool,
                workers: int) -> list[list[tuple[Any, ...]]]:
        items = [tuple(x) if star else (x,) for x in iterable]
        if chunksize is None:
            chunksize, extra = divmod(len(items), max(workers, 1) * 4)
            chunksize += bool(extra)
        if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1:
            raise ValueError(f"chunksize must be an integer >= 1, got {chunksize!r}")
        return [items[i:i + chunksize] for i in range(0, len(items), chunksize)]

    def _workers(self) -> int:
        return int(self._executor._max_workers or os.cpu_count() or 1)

    def apply(self, func: Callable[..., T], args: Iterable[Any] = (), kwds: Mapping[str, Any] | None = None) -> T:
        return self.apply_async(func, args, kwds).get()

    def apply_async(self, func: Callable[..., T], args: Iterable[Any] = (), kwds: Mapping[str, Any] | None = None,
                    callback: Callable[[T], object] | None = None,
                    error_callback: Callable[[BaseException], object] | None = None) -> ApplyResult[T]:
        self._check_running()
        future = self._executor.submit(func, *tuple(args), **dict(kwds or {}))
        return ApplyResult(future, callback, error_callback)

    def map(self, func: Callable[[Any], T], iterable: Iterable[Any], chunksize: int | None = None) -> list[T]:
        return self.map_async(func, iterable, chunksize).get()

    def map_async(self, func: Callable[[Any], T], iterable: Iterable[Any], chunksize: int | None = None,
                  callback: Callable[[list[T]], object] | None = None,
                  error_callback: Callable[[BaseException], object] | None = None) -> MapResult[T]:
        return self._map_async(func, iterable, chunksize, False, callback, error_callback)

    def starmap(self, func: Callable[..., T], iterable: Iterable[Iterable[Any]], chunksize: int | None = None) -> list[T]:
        return self.starmap_async(func, iterable, chunksize).get()

    def starmap_async(self, func: Callable[..., T], iterable: Iterable[Iterable[Any]], chunksize: int | None = None,
                      callback: Callable[[list[T]], object] | None = None,
                      error_callback: Callable[[BaseException], object] | None = None) -> MapResult[T]:
        return self._map_async(func, iterable, chunksize, True, callback, error_callback)

    def _map_async(self, func: Callable[..., T], iterable: Iterable[Any], chunksize: int | None, star: bool,
                   callback: Callable[[list[T]], object] | None,
                   error_callback: Callable[[BaseException], object] | None) -> MapResult[T]:
        self._check_running()
        chunks = self._chunks(func, iterable, chunksize, star, self._workers())
        futures = [self._executor.submit(_apply_chunk, func, chunk) for chunk in chunks]
        return MapResult(_collect_list(futures), callback, error_callback, convert=_flatten)

    def imap(self, func: Callable[[Any], T], iterable: Iterable[Any], chunksize: int = 1) -> Iterator[T]:
        self._check_running()
        return self._executor.map(func, iterable, chunksize=chunksize)

    def imap_unordered(self, func: Callable[[Any], T], iterable: Iterable[Any], chunksize: int = 1) -> Iterator[T]:
        self._check_running()
        return self._executor.map(func, iterable, chunksize=chunksize, unordered=True)

    def istarmap(self, func: Callable[..., T], iterable: Iterable[Iterable[Any]], chunksize: int = 1) -> Iterator[T]:
        """Lazy ``starmap``: results in order, as they become available."""
        self._check_running()
        return self._executor.starmap(func, iterable, chunksize=chunksize)

    def istarmap_unordered(self, func: Callable[..., T], iterable: Iterable[Iterable[Any]], chunksize: int = 1) -> Iterator[T]:
        """Lazy ``starmap``: results in completion order."""
        self._check_running()
        return self._executor.starmap(func, iterable, chunksize=chunksize, unordered=True)

    def close(self) -> None:
        """No more tasks; ``join()`` then waits for the submitted ones."""
        with self._lock:
            if self._state == "RUN":
                self._state = "CLOSE"

    def terminate(self) -> None:
        """Cancel the tasks not yet started and shut the workers down."""
        with self._lock:
            self._state = "TERMINATE"
        self._executor.shutdown(wait=True, cancel_futures=True)

    def join(self) -> None:
        if self._state == "RUN":
            raise ValueError("Pool.join(): call close() or terminate() first")
        self._executor.shutdown(wait=True)

    def __enter__(self) -> Pool:
        self._check_running()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.terminate()


class ThreadPool(Pool):
    """The same interface over ``mpi4py.futures.ThreadPoolExecutor``: threads of this process (no MPI)."""

    Executor = ThreadPoolExecutor
