"""MPIPoolExecutor (spawned or launcher-provided workers) and MPICommExecutor (workers of a communicator)."""

from __future__ import annotations

import atexit
import concurrent.futures as _cf
import itertools
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, as_completed
from concurrent.futures import TimeoutError as FuturesTimeoutError
from types import TracebackType
from typing import Any, TypeVar

from .. import MPI
from . import _worker
from ._manager import Link, Manager, WorkItem

T = TypeVar("T")

SERVER_MODULE = "mpi4py.futures.server"


# -- the workers provided by ``python -m mpi4py.futures`` (set on its rank 0) ----------------------

class _WorldWorkers:
    def __init__(self, comm: MPI.Intracomm, root: int) -> None:
        self.comm = comm
        self.workers = [r for r in range(comm.Get_size()) if r != root]
        self.lock = threading.Lock()


_world: _WorldWorkers | None = None
_executors: weakref.WeakSet[MPIPoolExecutor] = weakref.WeakSet()


def _set_world(world: _WorldWorkers | None) -> None:
    global _world
    _world = world


def _shutdown_all() -> None:
    """Shut down every executor still open (end of a ``python -m mpi4py.futures`` program)."""
    for executor in list(_executors):
        executor.shutdown(wait=True)


# Registered after mpi4py.MPI's own exit handler (imported above), so it runs first: executors left
# open release their workers before MPI is finalized.
atexit.register(_shutdown_all)


# -- helpers --------------------------------------------------------------------------------------

def _main_spec() -> tuple[str, str] | None:
    """How workers can import this process's ``__main__`` (script path or module name)."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and getattr(spec, "name", None) and spec.name != "__main__":
        name = spec.name[: -len(".__main__")] if spec.name.endswith(".__main__") else spec.name
        if not name.startswith("mpi4py.futures"):
            return ("module", name)
        return None
    path = getattr(main, "__file__", None)
    if path and os.path.isfile(path) and not path.endswith(("pytest", "py.test")):
        return ("path", os.path.abspath(path))
    return None


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


def _default_max_workers() -> int:
    text = os.environ.get("MPI4PY_FUTURES_MAX_WORKERS", "")
    if text:
        try:
            return _check_int("MPI4PY_FUTURES_MAX_WORKERS", int(text), 1)
        except ValueError:
            raise ValueError(f"MPI4PY_FUTURES_MAX_WORKERS={text!r}: expected an integer >= 1") from None
    return 1


def _use_pkl5(value: object) -> bool:
    """``use_pkl5`` option, else MPI4PY_FUTURES_USE_PKL5 (true/false/1/0/yes/no/on/off)."""
    if value is not None:
        return bool(value)
    text = os.environ.get("MPI4PY_FUTURES_USE_PKL5", "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise ValueError(f"MPI4PY_FUTURES_USE_PKL5={text!r}: expected true/false, 1/0, yes/no or on/off")


def _starmap_chunk(fn: Callable[..., T], chunk: list[tuple[Any, ...]]) -> list[T]:
    return [fn(*args) for args in chunk]


# -- the executor ---------------------------------------------------------------------------------

class MPIPoolExecutor(Executor):
    """Executor running calls in MPI worker processes.

    The workers are the other ranks when run under ``mpiexec -n N python -m mpi4py.futures``,
    else ``max_workers`` processes started with ``MPI_Comm_spawn`` running
    ``python -m mpi4py.futures.server``. Keyword options: ``python_exe``, ``python_args``,
    ``mpi_info`` (dict of spawn info keys), ``globals``/``main`` (import the caller's ``__main__``
    in the workers, default True), ``path`` (extra ``sys.path`` entries), ``wdir``, ``env``,
    ``backoff`` (polling interval in seconds) and ``use_pkl5`` (send tasks and results with
    ``mpi4py.util.pkl5``: large buffers out of band; default MPI4PY_FUTURES_USE_PKL5).
    """

    Future: type[_cf.Future[Any]] = _cf.Future  # the class of the futures ``submit`` returns
    _OPTIONS = ("python_exe", "python_args", "mpi_info", "globals", "main", "path", "wdir", "env", "backoff", "use_pkl5")

    def __init__(self, max_workers: int | None = None, initializer: Callable[..., object] | None = None,
                 initargs: Iterable[Any] = (), **kwargs: Any) -> None:
        unknown = sorted(set(kwargs) - set(self._OPTIONS))
        if unknown:
            raise TypeError(f"MPIPoolExecutor: unexpected keyword argument(s) {', '.join(unknown)} "
                            f"(accepted: max_workers, initializer, initargs, {', '.join(self._OPTIONS)})")
        if max_workers is not None:
            _check_int("max_workers", max_workers, 1)
        if initializer is not None and not callable(initializer):
            raise TypeError(f"initializer must be callable, got {initializer!r}")
        self._max_workers = max_workers
        self._options = kwargs
        self._backoff = _worker.backoff_from_env(kwargs.get("backoff"))
        settings: dict[str, Any] = {
            "main": _main_spec() if kwargs.get("main", kwargs.get("globals", True)) else None,
            "path": list(kwargs.get("path") or []),
            "wdir": kwargs.get("wdir"),
            "env": dict(kwargs.get("env") or {}),
            "use_pkl5": _use_pkl5(kwargs.get("use_pkl5")),
        }
        self._manager = Manager(self._connect, settings, initializer, tuple(initargs), self._backoff)
        self._lock = threading.Lock()
        self._started = False
        self._shutdown = False
        _executors.add(self)

    # -- connecting to workers --
    def _connect(self) -> Link:
        world = _world
        if world is not None and world.workers:
            if not world.lock.acquire(blocking=False):
                raise RuntimeError("the workers of 'python -m mpi4py.futures' already serve another MPIPoolExecutor; "
                                   "shut it down first (one pool at a time in launcher mode)")
            workers = world.workers[: self._max_workers] if self._max_workers else list(world.workers)
            return Link(world.comm, workers, self._release_world)
        return self._spawn()

    @staticmethod
    def _release_world(link: Link) -> None:
        assert _world is not None
        for rank in link.workers:
            link.comm.send(("close",), rank, _worker.TAG)
        _world.lock.release()

    def _spawn(self) -> Link:
        count = self._max_workers or _default_max_workers()
        python_exe = self._options.get("python_exe") or sys.executable
        args = [*list(self._options.get("python_args") or []), "-m", SERVER_MODULE]
        info = MPI.INFO_NULL
        mpi_info = self._options.get("mpi_info")
        if mpi_info:
            info = MPI.Info.Create()
            for key, value in dict(mpi_info).items():
                info.Set(str(key), str(value))
        try:
            intercomm = MPI.COMM_SELF.Spawn(python_exe, args=args, maxprocs=count, info=info)
        finally:
            if info != MPI.INFO_NULL:
                info.Free()
        return Link(intercomm, list(range(intercomm.Get_remote_size())), _release_spawned)

    # -- Executor API --
    def bootup(self, wait: bool = True) -> MPIPoolExecutor:
        """Start the workers now (else at the first submit); with ``wait``, until they are up."""
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot boot up after shutdown")
            self._start()
        if wait:
            self._manager.started_event.wait()
        return self

    def _start(self) -> None:
        if not self._started:
            self._started = True
            self._manager.start()

    @property
    def num_workers(self) -> int:
        """Number of worker processes (starts them if needed)."""
        self.bootup(wait=True)
        if self._manager.broken is not None:
            raise self._manager.broken
        return self._manager.num_workers or 0

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> _cf.Future[T]:
        if not callable(fn):
            raise TypeError(f"submit: fn must be callable, got {fn!r}")
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            return self._schedule(fn, args, kwargs)

    def _schedule(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> _cf.Future[T]:
        """Queue one task for the workers (called with the lock held, after the submit checks)."""
        future: _cf.Future[T] = self.Future()
        self._manager.put(WorkItem(future, fn, args, kwargs))
        self._start()
        return future

    def map(self, fn: Callable[..., T], *iterables: Iterable[Any], timeout: float | None = None,
            chunksize: int = 1, unordered: bool = False) -> Iterator[T]:
        """Like ``Executor.map``; ``chunksize`` calls per task; ``unordered`` yields results as they complete."""
        return self.starmap(fn, zip(*iterables), timeout=timeout, chunksize=chunksize, unordered=unordered)

    def starmap(self, fn: Callable[..., T], iterable: Iterable[Iterable[Any]], timeout: float | None = None,
                chunksize: int = 1, unordered: bool = False) -> Iterator[T]:
        """``map`` with each item of ``iterable`` unpacked as the arguments."""
        _check_int("chunksize", chunksize, 1)
        if timeout is not None and timeout < 0:
            raise ValueError(f"timeout must be >= 0 or None, got {timeout!r}")
        end = None if timeout is None else time.monotonic() + timeout
        args = (tuple(item) for item in iterable)
        futures: list[Future[list[T]]] = []
        while True:
            chunk = list(itertools.islice(args, chunksize))
            if not chunk:
                break
            futures.append(self.submit(_starmap_chunk, fn, chunk))
        return _results(futures, end, unordered)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._shutdown = True
            started = self._started
        self._manager.request_shutdown(cancel_futures)
        if started and wait:
            self._manager.join()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.shutdown(wait=True)


class _LocalPoolExecutor(MPIPoolExecutor):
    """MPIPoolExecutor's interface (``starmap``, ``map(chunksize, unordered)``, ``bootup``, ``num_workers``)
    over a ``concurrent.futures`` pool of this process: no MPI workers. Extra keyword arguments go to
    that pool (e.g. ``mp_context`` for processes)."""

    _backend: type[_cf.ThreadPoolExecutor] | type[_cf.ProcessPoolExecutor]

    def __init__(self, max_workers: int | None = None, initializer: Callable[..., object] | None = None,
                 initargs: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(max_workers, initializer, initargs)
        if max_workers is None and os.environ.get("MPI4PY_FUTURES_MAX_WORKERS"):
            max_workers = _default_max_workers()
        try:
            self._inner = self._backend(max_workers, initializer=initializer, initargs=tuple(initargs), **kwargs)
        except TypeError as exc:
            raise TypeError(f"{type(self).__name__}: {exc}") from None

    def bootup(self, wait: bool = True) -> MPIPoolExecutor:
        """Nothing to start ahead: the pool creates its workers as tasks arrive."""
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot boot up after shutdown")
        return self

    @property
    def num_workers(self) -> int:
        """The most workers the pool runs at once."""
        return int(vars(self._inner)["_max_workers"])  # the count the stdlib pool settled on (its default when None)

    def _schedule(self, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> _cf.Future[T]:
        return self._inner.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._shutdown = True
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)


class ThreadPoolExecutor(_LocalPoolExecutor):
    """``MPIPoolExecutor`` subclass running the tasks in a pool of threads of this process."""

    _backend = _cf.ThreadPoolExecutor


class ProcessPoolExecutor(_LocalPoolExecutor):
    """``MPIPoolExecutor`` subclass running the tasks in a pool of (non-MPI) processes started by this one."""

    _backend = _cf.ProcessPoolExecutor


def _results(futures: list[Future[list[T]]], end: float | None, unordered: bool) -> Iterator[T]:
    def remaining() -> float | None:
        return None if end is None else max(end - time.monotonic(), 0.0)

    try:
        if unordered:
            for future in as_completed(futures, timeout=remaining()):
                yield from future.result()
        else:
            for future in futures:
                yield from future.result(timeout=remaining())
    except FuturesTimeoutError:
        raise
    finally:
        for future in futures:
            future.cancel()


def _release_spawned(link: Link) -> None:
    for rank in link.workers:
        link.comm.send(("exit",), rank, _worker.TAG)
    link.comm.Disconnect()


# -- MPICommExecutor ------------------------------------------------------------------------------

class MPICommExecutor:
    """Context manager: on ``root`` an executor whose workers are the other processes of ``comm``.

    ``with MPICommExecutor(comm, root) as executor:`` -- on the root ``executor`` is an
    MPIPoolExecutor-like object, on every other process the block is entered with ``None`` after
    serving tasks until the root leaves its block. Collective over ``comm``.
    """

    def __init__(self, comm: MPI.Intracomm | None = None, root: int = 0, **kwargs: Any) -> None:
        if comm is None:
            comm = MPI.COMM_WORLD
        if not isinstance(comm, MPI.Intracomm):
            raise TypeError(f"MPICommExecutor: comm must be an MPI.Intracomm, got {comm!r}")
        if comm.Is_inter():
            raise ValueError("MPICommExecutor: comm must be an intracommunicator, got an intercommunicator")
        size = comm.Get_size()
        if isinstance(root, bool) or not isinstance(root, int) or not 0 <= root < size:
            raise ValueError(f"MPICommExecutor: root must be a rank of comm (0..{size - 1}), got {root!r}")
        self._comm = comm
        self._root = root
        self._kwargs = kwargs
        self._executor: MPIPoolExecutor | None = None
        self._private: MPI.Intracomm | None = None
        self._workers_comm: MPI.Intracomm | None = None

    def __enter__(self) -> MPIPoolExecutor | None:
        if self._private is not None:
            raise RuntimeError("MPICommExecutor: already entered")
        comm = self._private = self._comm.Dup()
        rank = comm.Get_rank()
        self._workers_comm = comm.Split(1 if rank == self._root else 0, rank)
        if rank == self._root:
            world = _WorldWorkers(comm, self._root)
            executor = self._executor = MPIPoolExecutor(**{"main": False, **self._kwargs})
            executor._connect = lambda: Link(comm, list(world.workers), _release_comm)  # type: ignore[method-assign]
            executor._manager.connect = executor._connect
            executor.bootup(wait=False)
            return executor
        _worker.serve(comm, self._root, self._workers_comm, self._kwargs.get("backoff"))
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
        finally:
            self._executor = None
            for comm in (self._workers_comm, self._private):
                if comm is not None:
                    comm.Free()
            self._workers_comm = self._private = None


def _release_comm(link: Link) -> None:
    for rank in link.workers:
        link.comm.send(("exit",), rank, _worker.TAG)


def get_comm_workers() -> MPI.Intracomm:
    """In a worker process: the intracommunicator of all workers of its pool (for collective tasks)."""
    return _worker.get_comm_workers()
