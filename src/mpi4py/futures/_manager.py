"""Master side: a thread that hands tasks to idle workers and collects their results."""

from __future__ import annotations

import collections
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Future
from dataclasses import dataclass, field
from typing import Any

from .. import MPI
from ._worker import TAG


class RemoteTraceback(Exception):
    """Traceback text of an exception raised in a worker (attached as ``__cause__``)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f"\n\"\"\"\n{self.text}\"\"\""


@dataclass
class Link:
    """A connection to workers: ``comm`` and the ranks (in ``comm``) of the workers to use."""

    comm: MPI.Comm
    workers: list[int]
    release: Callable[[Link], None]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class WorkItem:
    future: Future[Any]
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


class Manager(threading.Thread):
    """Runs the pool: ``connect()`` makes the Link, then tasks flow until shutdown and the queue drains."""

    def __init__(self, connect: Callable[[], Link], settings: dict[str, Any], initializer: Callable[..., object] | None,
                 initargs: tuple[Any, ...], backoff: float) -> None:
        super().__init__(name="mpi4py.futures manager", daemon=True)
        self.connect = connect
        self.settings = settings
        self.init = (initializer, initargs)
        self.backoff = backoff
        self.cond = threading.Condition()
        self.queue: collections.deque[WorkItem] = collections.deque()
        self.shutdown_requested = False
        self.broken: BaseException | None = None
        self.num_workers: int | None = None
        self.started_event = threading.Event()

    # -- called from user threads ---------------------------------------------------------------
    def put(self, item: WorkItem) -> None:
        with self.cond:
            if self.broken is not None:
                raise BrokenExecutor(f"the MPI pool is broken: {self.broken}") from self.broken
            if self.shutdown_requested:
                raise RuntimeError("cannot schedule new futures after shutdown")
            self.queue.append(item)
            self.cond.notify()

    def request_shutdown(self, cancel_futures: bool) -> None:
        with self.cond:
            self.shutdown_requested = True
            if cancel_futures:
                while self.queue:
                    self.queue.popleft().future.cancel()
            self.cond.notify()

    # -- the manager thread -----------------------------------------------------------------------
    def run(self) -> None:
        try:
            link = self.connect()
        except BaseException as exc:  # noqa: B036 - any failure to start workers breaks the pool
            self._break(exc)
            self.started_event.set()
            return
        try:
            self.num_workers = max(len(link.workers), 1)
            self.started_event.set()
            if self._open(link):
                self._loop(link)
        except BaseException as exc:  # noqa: B036
            self._break(exc)
        finally:
            link.release(link)

    def _open(self, link: Link) -> bool:
        if not link.workers:
            try:
                from ._worker import apply_settings

                apply_settings({k: v for k, v in self.settings.items() if k == "path"})
                initializer, initargs = self.init
                if initializer is not None:
                    initializer(*initargs)
            except BaseException as exc:  # noqa: B036
                self._break(RuntimeError(f"initializer failed: {exc!r}"), exc)
                return False
            return True
        blob = pickle.dumps(self.init)
        for rank in link.workers:
            link.comm.send(("open", self.settings, blob), rank, TAG)
        failure: tuple[BaseException, str] | None = None
        for rank in link.workers:
            _, error = link.comm.recv(None, rank, TAG)
            failure = failure or error
        if self.settings.get("use_pkl5"):
            from ..util import pkl5

            link.comm = pkl5.Comm(link.comm)  # every later message of this pool, both ways
        if failure is not None:
            error, text = failure
            error.__cause__ = RemoteTraceback(text)
            self._break(RuntimeError(f"initializer failed in a worker: {error!r}"), error)
            return False
        return True

    def _next_item(self, block: bool) -> WorkItem | None:
        with self.cond:
            while not self.queue and block and not self.shutdown_requested:
                self.cond.wait()
            while self.queue:
                item = self.queue.popleft()
                if item.future.set_running_or_notify_cancel():
                    return item
            return None

    def _done(self) -> bool:
        with self.cond:
            return self.shutdown_requested and not self.queue

    def _loop(self, link: Link) -> None:
        if not link.workers:
            self._loop_local()
            return
        idle = list(reversed(link.workers))
        busy: dict[int, WorkItem] = {}
        next_id = 0
        delay = 0.0
        status = MPI.Status()
        while True:
            progress = False
            while idle:
                item = self._next_item(block=not busy)
                if item is None:
                    break
                rank = idle.pop()
                try:
                    link.comm.send(("task", next_id, (item.fn, item.args, item.kwargs)), rank, TAG)
                except Exception as exc:  # arguments/function not picklable
                    item.future.set_exception(exc)
                    idle.append(rank)
                    continue
                busy[next_id] = item
                next_id += 1
                progress = True
            while busy and link.comm.iprobe(MPI.ANY_SOURCE, TAG, status):
                source = status.Get_source()
                _, task_id, ok, value, text = link.comm.recv(None, source, TAG)
                item = busy.pop(task_id)
                idle.append(source)
                if ok:
                    item.future.set_result(value)
                else:
                    if text:
                        value.__cause__ = RemoteTraceback(text)
                    item.future.set_exception(value)
                progress = True
            if not busy and self._done():
                return
            if progress:
                delay = 0.0
            elif busy:
                time.sleep(delay)
                delay = min(self.backoff, delay + self.backoff / 16 + 1e-6)

    def _loop_local(self) -> None:
        """No other process: run the tasks in this thread (a communicator of size 1)."""
        while True:
            item = self._next_item(block=True)
            if item is None:
                if self._done():
                    return
                continue
            try:
                result = item.fn(*item.args, **item.kwargs)
            except BaseException as exc:  # noqa: B036
                item.future.set_exception(exc)
            else:
                item.future.set_result(result)

    def _break(self, exc: BaseException, cause: BaseException | None = None) -> None:
        error = BrokenExecutor(str(exc))
        error.__cause__ = cause or exc
        with self.cond:
            self.broken = error
            pending = list(self.queue)
            self.queue.clear()
        for item in pending:
            if item.future.set_running_or_notify_cancel():
                item.future.set_exception(error)
