"""Pickle-based communication of large Python objects (pickle protocol 5, out-of-band buffers).

An object travels as one small header message (``int64`` words: block size, length of the
pickled stream, number of out-of-band buffers and their lengths), then the pickled stream and
every buffer, each cut in blocks of at most ``_bigmpi.blocksize`` bytes so no MPI count exceeds
the ``int`` range (messages over 2 GiB work). All pieces go to the same source/tag/communicator,
so MPI's non-overtaking rule keeps them in order. Receives match the header with ``Mprobe`` when
the MPI module has it (safe with concurrent receivers); otherwise with ``Probe`` and an exact
``Recv`` from the probed source and tag (then only one thread may receive from that source/tag).
"""

from __future__ import annotations

import os
import pickle as _pickle
import struct
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, overload

from .. import MPI
from ..MPI import ANY_SOURCE, ANY_TAG, PROC_NULL, ROOT, Status

__all__ = ["ANY_SOURCE", "ANY_TAG", "PROC_NULL", "ROOT", "Comm", "Intercomm", "Intracomm", "Message", "Pickle", "Request",
           "Status", "pickle"]

_WORD = struct.Struct("<q")


class _BigMPI:
    """Largest block (bytes) of one MPI transfer; the sender's value travels in the header."""

    blocksize: int = 1 << 30


_bigmpi = _BigMPI()


def _threshold_from_env() -> int:
    text = os.environ.get("MPI4PY_PICKLE_THRESHOLD", "")
    if not text:
        return 256 * 1024
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"MPI4PY_PICKLE_THRESHOLD={text!r}: expected an integer number of bytes") from None


class Pickle:
    """Serializer with out-of-band buffers: ``dumps(obj) -> (data, buffers)``, ``loads(data, buffers)``.

    Buffers smaller than ``threshold`` bytes stay in the pickled stream.
    """

    def __init__(self, dumps: Callable[..., bytes] = _pickle.dumps, loads: Callable[..., Any] = _pickle.loads,
                 protocol: int | None = None, threshold: int | None = None) -> None:
        if protocol is None:
            protocol = max(_pickle.HIGHEST_PROTOCOL, 5)
        if protocol < 5:
            raise ValueError(f"pkl5.Pickle: protocol must be >= 5 for out-of-band buffers, got {protocol}")
        self._dumps = dumps
        self._loads = loads
        self.PROTOCOL = protocol
        self.THRESHOLD = _threshold_from_env() if threshold is None else threshold

    def dumps(self, obj: Any) -> tuple[bytes, list[memoryview]]:
        buffers: list[memoryview] = []

        def callback(buf: _pickle.PickleBuffer) -> bool:
            view = buf.raw()
            if view.nbytes < self.THRESHOLD:
                return True  # keep in band
            buffers.append(view)
            return False

        data = self._dumps(obj, protocol=self.PROTOCOL, buffer_callback=callback)
        return data, buffers

    def loads(self, data: Any, buffers: Iterable[Any] = ()) -> Any:
        return self._loads(data, buffers=list(buffers))


pickle = Pickle()  # the serializer used by the communicators below


# -- wire format -----------------------------------------------------------------------------------

def _header(data: bytes, buffers: Sequence[memoryview]) -> bytearray:
    words = [_bigmpi.blocksize, len(data), len(buffers), *(b.nbytes for b in buffers)]
    return bytearray(b"".join(_WORD.pack(w) for w in words))


def _parse_header(raw: bytes | bytearray) -> tuple[int, list[int]]:
    words = [_WORD.unpack_from(raw, 8 * i)[0] for i in range(len(raw) // 8)]
    if len(words) < 3 or words[2] != len(words) - 3:
        raise RuntimeError("pkl5: malformed message header (was the message sent with pkl5?)")
    return words[0], [words[1], *words[3:]]


def _blocks(view: memoryview, blocksize: int) -> list[memoryview]:
    if blocksize < 1:
        raise ValueError(f"pkl5: block size must be >= 1, got {blocksize}")
    view = view.cast("B") if view.format != "B" or view.ndim != 1 else view
    return [view[i:i + blocksize] for i in range(0, len(view), blocksize)]


def _pieces(data: bytes, buffers: Sequence[memoryview]) -> list[memoryview]:
    size = _bigmpi.blocksize
    out = _blocks(memoryview(data), size)
    for buf in buffers:
        out.extend(_blocks(buf, size))
    return out


def _alloc(sizes: list[int], blocksize: int) -> tuple[list[bytearray], list[memoryview]]:
    """Receive storage for the stream and the buffers, and the block views to receive into."""
    storage = [bytearray(n) for n in sizes]
    views: list[memoryview] = []
    for item in storage:
        views.extend(_blocks(memoryview(item), blocksize))
    return storage, views


def _load(storage: list[bytearray]) -> Any:
    return pickle.loads(storage[0], storage[1:])


def _send(comm: MPI.Comm, sendfn: Callable[..., Any], obj: Any, dest: int, tag: int) -> None:
    data, buffers = pickle.dumps(obj)
    sendfn(_header(data, buffers), dest, tag)
    for piece in _pieces(data, buffers):
        comm.Send(piece, dest, tag)


def _isend(comm: MPI.Comm, isendfn: Callable[..., MPI.Request], obj: Any, dest: int, tag: int) -> Request:
    data, buffers = pickle.dumps(obj)
    header = _header(data, buffers)
    requests = [isendfn(header, dest, tag)]
    pieces = _pieces(data, buffers)
    requests.extend(comm.Isend(piece, dest, tag) for piece in pieces)
    return Request(requests, keep=(header, data, buffers, pieces))


def _have_mprobe() -> bool:
    return hasattr(MPI.Comm, "Mprobe")


# -- matched message -------------------------------------------------------------------------------

class _Handles(Sequence[Any]):
    """Read-only sequence of the MPI handles an object wraps (``len``, indexing, ``count``, ``index``)."""

    def _handles(self) -> tuple[Any, ...]:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Any, ...]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._handles()[index]

    def __len__(self) -> int:
        return len(self._handles())


class Message(_Handles):
    """A matched pkl5 message (from ``Comm.mprobe``/``improbe``), received once by ``recv``/``irecv``.

    As a sequence it holds the ``MPI.Message`` of the matched header until it is received."""

    def _handles(self) -> tuple[Any, ...]:
        return () if self._message is None else (self._message,)

    def __init__(self, comm: MPI.Comm, message: Any, source: int, tag: int, nbytes: int) -> None:
        self._comm = comm
        self._message = message  # MPI.Message of the header, or None (probe-based matching / PROC_NULL)
        self._source = source
        self._tag = tag
        self._nbytes = nbytes

    def __bool__(self) -> bool:
        return self._source != MPI.PROC_NULL or self._message is not None

    def _header(self, status: MPI.Status | None) -> tuple[int, list[int]] | None:
        if self._source == MPI.PROC_NULL:
            if status is not None:
                status.Set_source(MPI.PROC_NULL)
                status.Set_tag(MPI.ANY_TAG)
            return None
        raw = bytearray(self._nbytes)
        if self._message is not None:
            self._message.Recv(raw, status)
            self._message = None
        else:
            self._comm.Recv(raw, self._source, self._tag, status)
        return _parse_header(raw)

    def recv(self, status: MPI.Status | None = None) -> Any:
        header = self._header(status)
        if header is None:
            return None
        blocksize, sizes = header
        storage, views = _alloc(sizes, blocksize)
        for view in views:
            self._comm.Recv(view, self._source, self._tag)
        return _load(storage)

    def irecv(self) -> Request:
        header = self._header(None)
        if header is None:
            return Request([], keep=None, result=lambda: None)
        blocksize, sizes = header
        storage, views = _alloc(sizes, blocksize)
        requests = [self._comm.Irecv(view, self._source, self._tag) for view in views]
        return Request(requests, keep=views, result=lambda: _load(storage))

    def free(self) -> None:
        """Drop the match (the message itself must still be received by someone: not allowed by MPI)."""
        self._message = None

    @classmethod
    def probe(cls, comm: MPI.Comm, source: int = MPI.ANY_SOURCE, tag: int = MPI.ANY_TAG,
              status: MPI.Status | None = None) -> Message:
        message = _mprobe(comm, source, tag, status, block=True)
        assert message is not None
        return message

    @classmethod
    def iprobe(cls, comm: MPI.Comm, source: int = MPI.ANY_SOURCE, tag: int = MPI.ANY_TAG,
               status: MPI.Status | None = None) -> Message | None:
        return _mprobe(comm, source, tag, status, block=False)


def _mprobe(comm: MPI.Comm, source: int, tag: int, status: MPI.Status | None, block: bool) -> Message | None:
    st = MPI.Status() if status is None else status
    if source == MPI.PROC_NULL:
        st.Set_source(MPI.PROC_NULL)
        st.Set_tag(MPI.ANY_TAG)
        return Message(comm, None, MPI.PROC_NULL, MPI.ANY_TAG, 0)
    message: MPI.Message | None = None
    if _have_mprobe():
        message = comm.Mprobe(source, tag, st) if block else comm.Improbe(source, tag, st)
        if message is None:
            return None
    else:
        if block:
            comm.Probe(source, tag, st)
        elif not comm.Iprobe(source, tag, st):
            return None
        message = None
    return Message(comm, message, st.Get_source(), st.Get_tag(), st.Get_count(MPI.BYTE))


# -- requests --------------------------------------------------------------------------------------

class Request(_Handles):
    """Completion handle of a pkl5 nonblocking operation; as a sequence, the MPI requests of all pieces."""

    def _handles(self) -> tuple[Any, ...]:
        return tuple(self._requests)

    def __init__(self, requests: list[MPI.Request], keep: Any = None, result: Callable[[], Any] | None = None,
                 deferred: Callable[[bool, MPI.Status | None], tuple[bool, Any]] | None = None) -> None:
        self._requests = requests
        self._keep = keep
        self._result = result
        self._deferred = deferred
        self._done = False
        self._value: Any = None

    def __bool__(self) -> bool:
        return not self._done

    def _finish(self) -> Any:
        self._done = True
        self._keep = None
        self._value = self._result() if self._result is not None else None
        self._result = None
        return self._value

    def Free(self) -> None:
        for request in self._requests:
            if request:
                request.Free()
        self._done = True

    free = Free

    def cancel(self) -> None:
        for request in self._requests:
            if request:
                request.Cancel()

    def get_status(self, status: MPI.Status | None = None) -> bool:
        if self._done:
            return True
        if self._deferred is not None:
            return False
        return all(r.Get_status(status) for r in self._requests)

    def test(self, status: MPI.Status | None = None) -> tuple[bool, Any]:
        if self._done:
            return True, self._value
        if self._deferred is not None:
            flag, value = self._deferred(False, status)
            if flag:
                self._done, self._value = True, value
            return flag, value
        if not MPI.Request.Testall(self._requests):
            return False, None
        return True, self._finish()

    def wait(self, status: MPI.Status | None = None) -> Any:
        if self._done:
            return self._value
        if self._deferred is not None:
            _, value = self._deferred(True, status)
            self._done, self._value = True, value
            return value
        MPI.Request.Waitall(self._requests)
        return self._finish()

    @classmethod
    def get_status_all(cls, requests: Sequence[Request], statuses: list[MPI.Status] | None = None) -> bool:
        return all(r.get_status(None if statuses is None else statuses[i]) for i, r in enumerate(requests))

    @classmethod
    def testall(cls, requests: Sequence[Request], statuses: list[MPI.Status] | None = None) -> tuple[bool, list[Any] | None]:
        if not all(r.get_status() for r in requests if r._deferred is None):
            return False, None
        results = [r.test(None if statuses is None else statuses[i]) for i, r in enumerate(requests)]
        if not all(flag for flag, _ in results):
            return False, None
        return True, [value for _, value in results]

    @classmethod
    def waitall(cls, requests: Sequence[Request], statuses: list[MPI.Status] | None = None) -> list[Any]:
        return [r.wait(None if statuses is None else statuses[i]) for i, r in enumerate(requests)]


# -- communicators ---------------------------------------------------------------------------------

class Comm(MPI.Comm):
    """``MPI.Comm`` whose lowercase object methods use pkl5 (wrap an existing communicator: ``Comm(comm)``)."""

    def send(self, obj: Any, dest: int, tag: int = 0) -> None:
        _send(self, self.Send, obj, dest, tag)

    def bsend(self, obj: Any, dest: int, tag: int = 0) -> None:
        _send(self, self.Bsend, obj, dest, tag)

    def ssend(self, obj: Any, dest: int, tag: int = 0) -> None:
        _send(self, self.Ssend, obj, dest, tag)

    def isend(self, obj: Any, dest: int, tag: int = 0) -> Request:  # type: ignore[override]
        return _isend(self, self.Isend, obj, dest, tag)

    def ibsend(self, obj: Any, dest: int, tag: int = 0) -> Request:  # type: ignore[override]
        return _isend(self, self.Ibsend, obj, dest, tag)

    def issend(self, obj: Any, dest: int, tag: int = 0) -> Request:  # type: ignore[override]
        return _isend(self, self.Issend, obj, dest, tag)

    def recv(self, buf: Any = None, source: int = MPI.ANY_SOURCE, tag: int = MPI.ANY_TAG,
             status: MPI.Status | None = None) -> Any:
        if buf is not None:
            raise ValueError("pkl5 recv: buf must be None (the receive storage is allocated from the message size)")
        return Message.probe(self, source, tag, status).recv(status)

    def irecv(self, buf: Any = None, source: int = MPI.ANY_SOURCE, tag: int = MPI.ANY_TAG) -> Request:  # type: ignore[override]
        """Deferred receive: ``test()`` matches the message when it has arrived, ``wait()`` blocks for it."""
        if buf is not None:
            raise ValueError("pkl5 irecv: buf must be None (the receive storage is allocated from the message size)")

        def complete(block: bool, status: MPI.Status | None) -> tuple[bool, Any]:
            message = Message.probe(self, source, tag, status) if block else Message.iprobe(self, source, tag, status)
            if message is None:
                return False, None
            return True, message.recv(status)

        return Request([], deferred=complete)

    def sendrecv(self, sendobj: Any, dest: int, sendtag: int = 0, recvbuf: Any = None, source: int = MPI.ANY_SOURCE,
                 recvtag: int = MPI.ANY_TAG, status: MPI.Status | None = None) -> Any:
        request = self.isend(sendobj, dest, sendtag)
        try:
            return self.recv(recvbuf, source, recvtag, status)
        finally:
            request.wait()

    def mprobe(self, source: int = MPI.ANY_SOURCE, tag: int = MPI.ANY_TAG, status: MPI.Status | None = None) -> Message:  # type: ignore[override]
        if not _have_mprobe():
            raise NotImplementedError("pkl5 mprobe needs MPI.Comm.Mprobe, which this mpi4py.MPI build lacks")
        return Message.probe(self, source, tag, status)

    def improbe(self, source: int = MPI.ANY_SOURCE, tag: int = MPI.ANY_TAG, status: MPI.Status | None = None) -> Message | None:  # type: ignore[override]
        if not _have_mprobe():
            raise NotImplementedError("pkl5 improbe needs MPI.Comm.Improbe, which this mpi4py.MPI build lacks")
        return Message.iprobe(self, source, tag, status)

    def probe(self, source: int = MPI.ANY_SOURCE, tag: int = MPI.ANY_TAG, status: MPI.Status | None = None) -> Literal[True]:
        self.Probe(source, tag, status)
        return True

    def iprobe(self, source: int = MPI.ANY_SOURCE, tag: int = MPI.ANY_TAG, status: MPI.Status | None = None) -> bool:
        return bool(self.Iprobe(source, tag, status))


class Intracomm(Comm, MPI.Intracomm):
    """Intracommunicator with pkl5 point-to-point and collectives (``bcast``, ``gather``, ``scatter``,
    ``allgather``, ``alltoall``).

    ``bcast`` uses ``MPI_Bcast`` block by block; the others exchange pkl5 messages over a private
    duplicate of the communicator, made at the first such call (collective) and freed by ``Free``.
    """

    def _private(self) -> Comm:
        comm = self.__dict__.get("_pkl5_private")
        if comm is None:
            comm = self.__dict__["_pkl5_private"] = Comm(MPI.Intracomm(self).Dup())
        assert isinstance(comm, Comm)
        return comm

    def Free(self) -> None:
        private = self.__dict__.pop("_pkl5_private", None)
        if private is not None:
            private.Free()
        super().Free()

    def bcast(self, obj: Any, root: int = 0) -> Any:
        isroot = self.Get_rank() == root
        if isroot:
            data, buffers = pickle.dumps(obj)
            header = _header(data, buffers)
            length = bytearray(_WORD.pack(len(header)))
        else:
            length = bytearray(8)
        self.Bcast(length, root)
        if not isroot:
            header = bytearray(_WORD.unpack(length)[0])
        self.Bcast(header, root)
        blocksize, sizes = _parse_header(header)
        if isroot:
            pieces = _pieces(data, buffers)
        else:
            storage, pieces = _alloc(sizes, blocksize)
        for piece in pieces:
            self.Bcast(piece, root)
        return obj if isroot else _load(storage)

    def gather(self, sendobj: Any, root: int = 0) -> list[Any] | None:
        comm, rank, size = self._private(), self.Get_rank(), self.Get_size()
        if rank != root:
            comm.send(sendobj, root, 0)
            return None
        return [sendobj if i == root else comm.recv(None, i, 0) for i in range(size)]

    def scatter(self, sendobj: Sequence[Any] | None, root: int = 0) -> Any:
        comm, rank, size = self._private(), self.Get_rank(), self.Get_size()
        if rank != root:
            return comm.recv(None, root, 0)
        items = list(sendobj) if sendobj is not None else []
        if len(items) != size:
            raise ValueError(f"pkl5 scatter: sendobj must have one item per process ({size}), got {len(items)}")
        requests = [comm.isend(items[i], i, 0) for i in range(size) if i != root]
        Request.waitall(requests)
        return items[root]

    def allgather(self, sendobj: Any) -> list[Any]:
        gathered: list[Any] = self.bcast(self.gather(sendobj, 0), 0)
        return gathered

    def alltoall(self, sendobj: Sequence[Any]) -> list[Any]:
        comm, rank, size = self._private(), self.Get_rank(), self.Get_size()
        items = list(sendobj)
        if len(items) != size:
            raise ValueError(f"pkl5 alltoall: sendobj must have one item per process ({size}), got {len(items)}")
        requests = [comm.isend(items[i], i, 0) for i in range(size) if i != rank]
        result = [items[i] if i == rank else comm.recv(None, i, 0) for i in range(size)]
        Request.waitall(requests)
        return result


if hasattr(MPI, "Intercomm"):
    class Intercomm(Comm, MPI.Intercomm):
        """Intercommunicator with pkl5 point-to-point methods."""
else:  # pragma: no cover - depends on the MPI module build
    class Intercomm(Comm):  # type: ignore[no-redef]
        """Unavailable: this mpi4py.MPI build has no ``MPI.Intercomm``."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise NotImplementedError("pkl5.Intercomm needs MPI.Intercomm, which this mpi4py.MPI build lacks")
