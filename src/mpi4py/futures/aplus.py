"""Chaining futures, Promises/A+ style: ``then(future, on_success, on_failure)`` and ``catch``.

Each call returns a new :class:`ThenableFuture` settled from the source future:

* success: ``on_success(result)`` (the result itself without a callback);
* failure: ``on_failure(exception)`` recovers with its return value (the exception propagates without one);
* a callback that raises fails the new future; one that returns a future makes the new future follow it;
* cancelling the source cancels the new future.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from .util import _settle

__all__ = ["Future", "ThenableFuture", "catch", "then"]

T = TypeVar("T")


class ThenableFuture(Future[T]):
    """A ``concurrent.futures.Future`` with ``then`` and ``catch`` methods."""

    def then(self, on_success: Callable[[T], Any] | None = None,
             on_failure: Callable[[BaseException], Any] | None = None) -> ThenableFuture[Any]:
        """``then(self, on_success, on_failure)``."""
        return then(self, on_success, on_failure)

    def catch(self, on_failure: Callable[[BaseException], Any] | None = None) -> ThenableFuture[Any]:
        """``catch(self, on_failure)``."""
        return catch(self, on_failure)


def then(future: Future[T], on_success: Callable[[T], Any] | None = None,
         on_failure: Callable[[BaseException], Any] | None = None) -> ThenableFuture[Any]:
    """A new future settled by ``on_success``/``on_failure`` applied to the outcome of ``future``."""
    if not isinstance(future, Future):
        raise TypeError(f"then: future must be a concurrent.futures.Future, got {future!r}")
    for name, callback in (("on_success", on_success), ("on_failure", on_failure)):
        if callback is not None and not callable(callback):
            raise TypeError(f"then: {name} must be callable or None, got {callback!r}")
    new: ThenableFuture[Any] = ThenableFuture()

    def settle(source: Future[T]) -> None:
        if source.cancelled():
            new.cancel()
            return
        error = source.exception()
        try:
            if error is None:
                value = source.result()
                outcome = on_success(value) if on_success is not None else value
            elif on_failure is not None:
                outcome = on_failure(error)
            else:
                _settle(new, exc=error)
                return
        except BaseException as exc:  # noqa: B036 - the callback's failure is the new future's outcome
            _settle(new, exc=exc)
            return
        _resolve(new, outcome)

    future.add_done_callback(settle)
    return new


def catch(future: Future[T], on_failure: Callable[[BaseException], Any] | None = None) -> ThenableFuture[Any]:
    """``then(future, None, on_failure)``: recover from a failure, pass a result through."""
    return then(future, None, on_failure)


def _resolve(new: ThenableFuture[Any], outcome: Any) -> None:
    """Settle ``new`` with ``outcome``, following it first when it is itself a future."""
    if outcome is new:
        _settle(new, exc=TypeError("then: a callback returned the future it settles (a cycle)"))
    elif isinstance(outcome, Future):
        def follow(inner: Future[Any]) -> None:
            if inner.cancelled():
                new.cancel()
            elif (error := inner.exception()) is not None:
                _settle(new, exc=error)
            else:
                _resolve(new, inner.result())

        outcome.add_done_callback(follow)
    else:
        _settle(new, value=outcome)
