"""Helpers over futures: ``collect`` (one future for many) and ``compose`` (chain a callback's result)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
U = TypeVar("U")


def collect(fs: Iterable[Future[T]]) -> Future[list[T]]:
    """A future whose result is the list of results of ``fs`` (first exception wins; cancelling it cancels them)."""
    futures = list(fs)
    result: Future[list[T]] = Future()
    lock = threading.Lock()
    remaining = [len(futures)]

    def done(_: Future[T]) -> None:
        with lock:
            remaining[0] -= 1
            last = remaining[0] == 0
        if result.done():
            return
        for future in futures:
            if future.done() and not future.cancelled() and future.exception() is not None:
                _settle(result, exc=future.exception())
                return
        if any(f.cancelled() for f in futures):
            result.cancel()
            return
        if last:
            _settle(result, value=[f.result() for f in futures])

    def cancel_all(outer: Future[list[T]]) -> None:
        if outer.cancelled():
            for future in futures:
                future.cancel()

    result.add_done_callback(cancel_all)
    if not futures:
        _settle(result, value=[])
    for future in futures:
        future.add_done_callback(done)
    return result


def compose(future: Future[T], resulthook: Callable[[T], U] | None = None,
            excepthook: Callable[[BaseException], Any] | None = None) -> Future[U]:
    """A future for ``resulthook(future.result())``; ``excepthook(exc)`` may turn an exception into a result
    (return a value) or re-raise/return an exception."""
    new: Future[U] = Future()

    def done(source: Future[T]) -> None:
        if source.cancelled():
            new.cancel()
            return
        exc = source.exception()
        try:
            if exc is not None:
                if excepthook is None:
                    _settle(new, exc=exc)
                    return
                value = excepthook(exc)
                if isinstance(value, BaseException):
                    _settle(new, exc=value)
                else:
                    _settle(new, value=value)
            else:
                outcome = source.result()
                _settle(new, value=resulthook(outcome) if resulthook is not None else outcome)
        except BaseException as error:  # noqa: B036 - the hook's failure becomes the future's exception
            _settle(new, exc=error)

    def cancel_source(outer: Future[U]) -> None:
        if outer.cancelled():
            future.cancel()

    new.add_done_callback(cancel_source)
    future.add_done_callback(done)
    return new


def _settle(future: Future[Any], value: Any = None, exc: BaseException | None = None) -> None:
    if future.done() or not future.set_running_or_notify_cancel():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(value)
