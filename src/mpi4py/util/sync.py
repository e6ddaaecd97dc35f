"""Synchronization across MPI processes: Sequential, Counter, Mutex, RMutex, Condition, Semaphore.

``Sequential`` uses point-to-point messages; the others keep their shared state in one-sided
(RMA) windows -- passive-target epochs (``Win.Lock``/``Unlock``) and atomic operations
(``Fetch_and_op``, ``Compare_and_swap``) -- and wake waiting processes with point-to-point messages
on a private duplicate of the communicator. Constructors and ``free()`` are collective.
"""

from __future__ import annotations

import array
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from .. import MPI

__all__ = ["Condition", "Counter", "Mutex", "RMutex", "Semaphore", "Sequential"]

_NONE = -1
_WAKE_TAG = 1


class Sequential:
    """Context manager running its block one process at a time, in rank order."""

    def __init__(self, comm: MPI.Intracomm, tag: int = 0) -> None:
        self.comm = comm
        self.tag = tag

    def begin(self) -> None:
        rank = self.comm.Get_rank()
        if rank > 0:
            self.comm.Recv([bytearray(0), MPI.BYTE], rank - 1, self.tag)

    def end(self) -> None:
        rank, size = self.comm.Get_rank(), self.comm.Get_size()
        if rank < size - 1:
            self.comm.Send([bytearray(0), MPI.BYTE], rank + 1, self.tag)

    def __enter__(self) -> Sequential:
        self.begin()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.end()


_TYPECHARS = {"b": "SIGNED_CHAR", "h": "SHORT", "i": "INT", "l": "LONG", "q": "LONG_LONG"}


def _int_window(comm: MPI.Intracomm, values: list[int], info: Any, typechar: str = "q") -> tuple[MPI.Win, array.array[int]]:
    memory = array.array(typechar, values)
    window = MPI.Win.Create(memory, memory.itemsize, MPI.INFO_NULL if info is None else info, comm)
    return window, memory


def _atomic(window: MPI.Win, rank: int, index: int, op: MPI.Op, value: int, typechar: str = "q") -> int:
    """``Fetch_and_op`` on one integer of ``rank``'s window, in its own lock epoch; returns the old value."""
    origin = array.array(typechar, [value])
    result = array.array(typechar, [0])
    datatype = getattr(MPI, _TYPECHARS[typechar])
    window.Lock(rank, MPI.LOCK_SHARED)
    try:
        window.Fetch_and_op([origin, datatype], [result, datatype], rank, index, op)
    finally:
        window.Unlock(rank)
    return result[0]


def _cas(window: MPI.Win, rank: int, index: int, expected: int, new: int) -> int:
    origin = array.array("q", [new])
    compare = array.array("q", [expected])
    result = array.array("q", [0])
    window.Lock(rank, MPI.LOCK_SHARED)
    try:
        window.Compare_and_swap([origin, MPI.LONG_LONG], [compare, MPI.LONG_LONG], [result, MPI.LONG_LONG], rank, index)
    finally:
        window.Unlock(rank)
    return result[0]


def _check_comm(name: str, comm: Any) -> MPI.Intracomm:
    if not isinstance(comm, MPI.Intracomm):
        raise TypeError(f"{name}: comm must be an MPI.Intracomm, got {comm!r}")
    return comm


def _check_root(name: str, comm: MPI.Intracomm, root: int) -> int:
    size = comm.Get_size()
    if isinstance(root, bool) or not isinstance(root, int) or not 0 <= root < size:
        raise ValueError(f"{name}: root must be a rank of comm (0..{size - 1}), got {root!r}")
    return root


class Counter:
    """Global counter: ``next()`` returns the current value and adds ``step`` (atomically, at ``root``)."""

    def __init__(self, start: int = 0, step: int = 1, *, typecode: str = "i", comm: MPI.Intracomm = MPI.COMM_SELF,
                 info: Any = None, root: int = 0, typechar: str | None = None) -> None:
        comm = _check_comm("Counter", comm)
        self._root = _check_root("Counter", comm, root)
        typechar = typecode if typechar is None else typechar  # typechar: this package's earlier name
        if typechar not in _TYPECHARS:
            raise ValueError(f"Counter: typecode must be a signed integer code ({', '.join(_TYPECHARS)}), got {typechar!r}")
        self._typechar = typechar
        self._step = step
        self._window, self._memory = _int_window(comm, [start] if comm.Get_rank() == root else [], info, typechar)

    def __iter__(self) -> Counter:
        return self

    def __next__(self) -> int:
        return self.next()

    def next(self, incr: int | None = None) -> int:
        return _atomic(self._window, self._root, 0, MPI.SUM, self._step if incr is None else incr, self._typechar)

    def free(self) -> None:
        if self._window:
            self._window.Free()


class Mutex:
    """Mutual exclusion across the processes of ``comm`` (an MCS queue lock: fair, no spinning on ``root``).

    ``recursive=True``: the holder may acquire again and keeps the lock until as many ``release()``
    calls (``count()`` is the depth). Each process's window holds the rank of its successor in the
    queue; ``root``'s second window holds the tail.
    """

    def __init__(self, comm: MPI.Intracomm = MPI.COMM_SELF, info: Any = None, root: int = 0, *, recursive: bool = False) -> None:
        comm = _check_comm(type(self).__name__, comm)
        self._root = _check_root(type(self).__name__, comm, root)
        self._recursive = bool(recursive)
        self._rank = comm.Get_rank()
        self._comm = comm.Dup()
        self._window, self._memory = _int_window(self._comm, [_NONE], info)
        self._tail_window, self._tail = _int_window(self._comm, [_NONE] if self._rank == root else [], None)
        self._depth = 0

    @property
    def _held(self) -> bool:
        return self._depth > 0

    def acquire(self, blocking: bool = True) -> bool:
        """Take the lock (``blocking=False``: only if free now); returns whether it was taken."""
        if self._depth:
            if not self._recursive:
                raise RuntimeError(f"{type(self).__name__}.acquire: already held by this process (use recursive=True for recursion)")
            self._depth += 1
            return True
        _atomic(self._window, self._rank, 0, MPI.REPLACE, _NONE)
        if not blocking:
            if _cas(self._tail_window, self._root, 0, _NONE, self._rank) != _NONE:
                return False
            self._depth = 1
            return True
        previous = _atomic(self._tail_window, self._root, 0, MPI.REPLACE, self._rank)
        if previous != _NONE:
            _atomic(self._window, previous, 0, MPI.REPLACE, self._rank)  # tell the predecessor who follows
            self._comm.Recv([bytearray(0), MPI.BYTE], previous, _WAKE_TAG)
        self._depth = 1
        return True

    def release(self) -> None:
        """Give the lock back (a recursive mutex: once the depth drops to zero)."""
        if not self._depth:
            raise RuntimeError(f"{type(self).__name__}.release: not held by this process")
        self._depth -= 1
        if self._depth:
            return
        if _cas(self._tail_window, self._root, 0, self._rank, _NONE) == self._rank:
            return  # nobody queued behind us
        delay = 0.0
        while (successor := _atomic(self._window, self._rank, 0, MPI.NO_OP, 0)) == _NONE:
            time.sleep(delay)  # the successor swapped the tail but has not linked itself yet
            delay = min(1e-3, delay + 1e-5)
        self._comm.Send([bytearray(0), MPI.BYTE], successor, _WAKE_TAG)

    def locked(self) -> bool:
        """Whether some process holds the lock."""
        return _atomic(self._tail_window, self._root, 0, MPI.NO_OP, 0) != _NONE

    def count(self) -> int:
        """How many times this process holds the lock (0 or 1 unless recursive)."""
        return self._depth

    def free(self) -> None:
        """Free the mutex (collective over ``comm``).  A holder hands the lock on first: the processes
        queued behind it could never reach this collective call otherwise."""
        if self._depth and self._window:
            self._depth = 1
            self.release()
        for window in (self._window, self._tail_window):
            if window:
                window.Free()
        if self._comm:
            self._comm.Free()

    def __enter__(self) -> Mutex:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


class RMutex(Mutex):
    """Recursive mutex: ``Mutex(..., recursive=True)``."""

    def __init__(self, comm: MPI.Intracomm = MPI.COMM_SELF, info: Any = None, root: int = 0) -> None:
        super().__init__(comm, info, root, recursive=True)


class Condition:
    """Condition variable over a (default: new recursive) mutex; waiters wake in FIFO order."""

    def __init__(self, mutex: Mutex | None = None, recursive: bool = True, *, comm: MPI.Intracomm = MPI.COMM_SELF,
                 info: Any = None, root: int = 0) -> None:
        if mutex is not None:
            # The waiters and notifiers are the processes sharing the mutex: a queue over any other
            # communicator would leave a waiter on another process without its wakeup.
            comm = mutex._comm
        comm = _check_comm("Condition", comm)
        self._root = _check_root("Condition", comm, root)
        self._own_mutex = mutex is None
        self._mutex = mutex if mutex is not None else Mutex(comm, info, root, recursive=recursive)
        self._comm = comm.Dup()
        size = comm.Get_size()
        # At root: [number of waiters, waiter ranks in FIFO order...]
        self._window, self._memory = _int_window(self._comm, [0] + [_NONE] * size if comm.Get_rank() == root else [], info)
        self._size = size

    def _queue(self, update: Callable[[list[int]], list[int]]) -> list[int]:
        """Read the waiter queue at root, store ``update(queue)``, return the old queue (mutex held)."""
        buf = array.array("q", [0] * (self._size + 1))
        self._window.Lock(self._root, MPI.LOCK_EXCLUSIVE)
        try:
            self._window.Get([buf, MPI.LONG_LONG], self._root, 0)
            self._window.Flush(self._root)
            queue = list(buf[1:1 + buf[0]])
            new = update(queue)
            out = array.array("q", [len(new), *new, *([_NONE] * (self._size - len(new)))])
            self._window.Put([out, MPI.LONG_LONG], self._root, 0)
        finally:
            self._window.Unlock(self._root)
        return queue

    def acquire(self, blocking: bool = True) -> bool:
        return self._mutex.acquire(blocking)

    def release(self) -> None:
        self._mutex.release()

    def locked(self) -> bool:
        """Whether the underlying mutex is held (by any process)."""
        return self._mutex.locked()

    def wait(self) -> bool:
        if not self._mutex._held:
            raise RuntimeError("Condition.wait: the mutex is not held by this process")
        rank = self._comm.Get_rank()
        depth = self._mutex.count()
        self._queue(lambda q: [*q, rank])
        for _ in range(depth):
            self._mutex.release()
        self._comm.Recv([bytearray(0), MPI.BYTE], MPI.ANY_SOURCE, _WAKE_TAG)
        for _ in range(depth):
            self._mutex.acquire()
        return True

    def wait_for(self, predicate: Callable[[], Any]) -> Any:
        result = predicate()
        while not result:
            self.wait()
            result = predicate()
        return result

    def notify(self, n: int = 1) -> None:
        if not self._mutex._held:
            raise RuntimeError("Condition.notify: the mutex is not held by this process")
        woken = self._queue(lambda q: q[n:])[:n]
        for rank in woken:
            self._comm.Send([bytearray(0), MPI.BYTE], rank, _WAKE_TAG)

    def notify_all(self) -> None:
        self.notify(self._size)

    def free(self) -> None:
        """Free the condition (collective over ``comm``).  Processes still in ``wait()`` are woken
        first (a spurious wakeup): blocked there, they could never reach this collective call."""
        if self._window:
            for rank in self._queue(lambda q: []):
                self._comm.Send([bytearray(0), MPI.BYTE], rank, _WAKE_TAG)
            if self._mutex._depth and self._mutex._window:
                # Likewise for processes blocked acquiring the mutex this process holds.
                self._mutex._depth = 1
                self._mutex.release()
            self._window.Free()
        if self._comm:
            self._comm.Free()
        if self._own_mutex:
            self._mutex.free()

    def __enter__(self) -> Condition:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


class Semaphore:
    """Counting semaphore shared by the processes of ``comm`` (``bounded``: release above the start value fails)."""

    def __init__(self, value: int = 1, bounded: bool = True, *, comm: MPI.Intracomm = MPI.COMM_SELF,
                 info: Any = None, root: int = 0) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"Semaphore: value must be an integer >= 0, got {value!r}")
        comm = _check_comm("Semaphore", comm)
        self._root = _check_root("Semaphore", comm, root)
        self._initial = value
        self._bounded = bounded
        self._cond = Condition(None, False, comm=comm, info=info, root=root)
        self._window, self._memory = _int_window(comm, [value] if comm.Get_rank() == root else [], None)

    def _value(self, delta: int) -> int:
        return _atomic(self._window, self._root, 0, MPI.SUM, delta)

    def acquire(self, blocking: bool = True) -> bool:
        with self._cond:
            while self._value(0) <= 0:
                if not blocking:
                    return False
                self._cond.wait()
            self._value(-1)
            return True

    def release(self, n: int = 1) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"Semaphore.release: n must be an integer >= 1, got {n!r}")
        with self._cond:
            if self._bounded and self._value(0) + n > self._initial:
                raise ValueError("Semaphore.release: released too many times (bounded semaphore)")
            self._value(n)
            self._cond.notify(n)

    def free(self) -> None:
        self._cond.free()
        if self._window:
            self._window.Free()

    def __enter__(self) -> Semaphore:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
