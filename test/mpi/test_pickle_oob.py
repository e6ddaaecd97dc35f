"""MPI.Pickle (THRESHOLD, dumps_oob, loads_oob) and the out-of-band pickle-5 frames of lowercase point-to-point.

Objects holding contiguous buffers of at least ``MPI.pickle.THRESHOLD`` bytes travel as one MPI message
whose buffers are not copied into the pickle stream; every receive path must rebuild them intact,
writable, aligned, with the usual Status fields.
"""

from __future__ import annotations

import array
import pickle
import threading
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from mpi4py import MPI

THRESHOLD = MPI.pickle.THRESHOLD


def peers(comm: MPI.Intracomm) -> tuple[int, int]:
    rank, size = comm.Get_rank(), comm.Get_size()
    return (rank + 1) % size, (rank - 1) % size


def sending(send: Callable[[], object]) -> threading.Thread:
    """Run a blocking send in a thread (mpi4py initialises MPI_THREAD_MULTIPLE), so that out-of-band
    frames, which only blocking sends produce, reach every receive path at any number of ranks."""
    assert MPI.Query_thread() == MPI.THREAD_MULTIPLE
    errors: list[BaseException] = []

    def run() -> None:
        try:
            send()
        except BaseException as exc:  # re-raised by joined()
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.errors = errors  # type: ignore[attr-defined]
    thread.start()
    return thread


def joined(thread: threading.Thread) -> None:
    thread.join()
    if thread.errors:  # type: ignore[attr-defined]
        raise thread.errors[0]  # type: ignore[attr-defined]


@pytest.fixture
def threshold() -> Iterator[None]:
    """Restore the module-wide pickle settings a test changes."""
    protocol, limit = MPI.pickle.PROTOCOL, MPI.pickle.THRESHOLD
    yield
    MPI.pickle.PROTOCOL, MPI.pickle.THRESHOLD = protocol, limit


# -- the Pickle class ----------------------------------------------------------------------------

def test_defaults_and_reset() -> None:
    p = MPI.Pickle()
    assert p.THRESHOLD == 256 * 1024 and p.PROTOCOL == pickle.HIGHEST_PROTOCOL
    p.THRESHOLD, p.PROTOCOL = 10, 4
    assert (p.THRESHOLD, p.PROTOCOL) == (10, 4)
    p.THRESHOLD, p.PROTOCOL = None, None
    assert (p.THRESHOLD, p.PROTOCOL) == (256 * 1024, pickle.HIGHEST_PROTOCOL)
    assert MPI.Pickle(threshold=5, protocol=3).THRESHOLD == 5


@pytest.mark.parametrize(("attr", "value", "exc", "match"), [
    ("THRESHOLD", -1, ValueError, "THRESHOLD must be >= 0"),
    ("THRESHOLD", "big", TypeError, "THRESHOLD must be an int"),
    ("PROTOCOL", 2.5, TypeError, "PROTOCOL must be an int"),
])
def test_bad_settings(attr: str, value: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        setattr(MPI.Pickle(), attr, value)


def test_bad_callables() -> None:
    with pytest.raises(TypeError, match="dumps must be callable"):
        MPI.Pickle(dumps=3)
    with pytest.raises(TypeError, match="loads must be callable"):
        MPI.Pickle(loads="x")
    with pytest.raises(TypeError, match="buffers must be an iterable"):
        MPI.pickle.loads_oob(b"", 7)


def test_dumps_oob_keeps_large_buffers_out_of_band() -> None:
    p = MPI.Pickle(threshold=1024)
    big = np.arange(1024, dtype=np.float64)  # 8 KiB
    small = np.arange(100, dtype=np.int32)    # 400 B: below the threshold
    data, bufs = p.dumps_oob({"big": big, "small": small})
    assert isinstance(data, bytes) and len(data) < big.nbytes
    assert len(bufs) == 1 and isinstance(bufs[0], MPI.buffer)
    assert bufs[0].address == big.ctypes.data and bufs[0].nbytes == big.nbytes  # a view, not a copy
    got = p.loads_oob(data, bufs)
    assert np.array_equal(got["big"], big) and np.array_equal(got["small"], small)
    assert p.loads_oob(*p.dumps_oob([1, "two"])) == [1, "two"]


def test_dumps_oob_in_band_below_protocol_5() -> None:
    p = MPI.Pickle(protocol=4, threshold=0)
    big = np.ones(4096)
    data, bufs = p.dumps_oob(big)
    assert bufs == [] and len(data) > big.nbytes
    assert np.array_equal(p.loads_oob(data, bufs), big)


def test_custom_serializer_is_used() -> None:
    calls: list[str] = []

    def dumps(obj: object, protocol: int) -> bytes:
        calls.append("dumps")
        return pickle.dumps(obj, protocol)

    p = MPI.Pickle(dumps=dumps, protocol=2)
    assert p.loads(p.dumps({"x": 1})) == {"x": 1} and calls == ["dumps"] and p.PROTOCOL == 2


# -- point-to-point frames -------------------------------------------------------------------------

def payloads() -> list[tuple[str, object]]:
    n = THRESHOLD
    c_big = np.arange(n // 8 + 3, dtype=np.float64)
    return [
        ("below", np.full(n - 8, 3, dtype=np.uint8)),
        ("at", np.full(n, 4, dtype=np.uint8)),
        ("above", np.full(n + 8, 5, dtype=np.uint8)),
        ("fortran", np.asfortranarray(np.arange(n // 4, dtype=np.int32).reshape(-1, 8))),
        ("strided", c_big[::2].copy()[::2]),  # non-contiguous: in band
        ("mixed", {"a": c_big, "b": np.arange(7, dtype=np.int16), "c": (c_big * 2).astype(np.complex128), "s": "x"}),
        ("bytearray", bytearray(b"q" * (n + 1))),
        ("array", array.array("d", range(n // 8 + 1))),
    ]


def same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def check_arrays(obj: object) -> None:
    """Received arrays are usable in place: writable and aligned."""
    for value in (obj.values() if isinstance(obj, dict) else [obj]):
        if isinstance(value, np.ndarray):
            assert value.flags.writeable and value.flags.aligned
            value += 1  # really writable


PAYLOADS = payloads()
IDS = [name for name, _ in PAYLOADS]


@pytest.mark.parametrize(("name", "obj"), PAYLOADS, ids=IDS)
def test_send_recv_any_source_status(comm: MPI.Intracomm, name: str, obj: object) -> None:
    dest, source = peers(comm)
    tag = 20 + IDS.index(name)
    sender = sending(lambda: comm.send(obj, dest, tag))
    status = MPI.Status()
    got = comm.recv(None, MPI.ANY_SOURCE, MPI.ANY_TAG, status)
    joined(sender)
    assert same(got, obj)
    assert (status.Get_source(), status.Get_tag()) == (source, tag)
    assert status.Get_count(MPI.BYTE) > (obj.nbytes if isinstance(obj, np.ndarray) else 0)
    check_arrays(got)


@pytest.mark.parametrize(("name", "obj"), PAYLOADS, ids=IDS)
def test_blocking_send_and_ssend(comm: MPI.Intracomm, name: str, obj: object) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    dest, source = peers(comm)
    if size == 1:
        sender = sending(lambda: comm.ssend(obj, dest, 5))
        got = comm.recv(source=source, tag=5)
        joined(sender)
    elif rank % 2 == 0:
        comm.send(obj, dest, 5)
        got = comm.recv(source=source, tag=5)
        comm.ssend(got, dest, 6)
        got = comm.recv(source=source, tag=6)
    else:
        got = comm.recv(source=source, tag=5)
        comm.ssend(obj, dest, 5)
        got2 = comm.recv(source=source, tag=6)
        comm.send(got2, dest, 6)
        got = got2
    assert same(got, obj)
    check_arrays(got)


@pytest.mark.parametrize(("name", "obj"), PAYLOADS, ids=IDS)
def test_irecv_into_user_buffer(comm: MPI.Intracomm, name: str, obj: object) -> None:
    dest, source = peers(comm)
    buf = bytearray(4 * THRESHOLD)
    rreq = comm.irecv(buf, source, 9)
    comm.Barrier()  # every receive is posted: the blocking sends cannot wait on each other
    comm.send(obj, dest, 9)
    got = rreq.wait()
    buf[:] = bytes(len(buf))  # the user may reuse the buffer at once: the object must not alias it
    assert same(got, obj)
    check_arrays(got)


@pytest.mark.parametrize(("name", "obj"), PAYLOADS, ids=IDS)
def test_matched_probe_and_sendrecv(comm: MPI.Intracomm, name: str, obj: object) -> None:
    dest, source = peers(comm)
    sender = sending(lambda: comm.send(obj, dest, 11))
    msg = MPI.Message.probe(comm, MPI.ANY_SOURCE, 11)
    got = msg.recv()
    joined(sender)
    assert same(got, obj)
    check_arrays(got)
    sender = sending(lambda: comm.ssend(obj, dest, 12))
    msg = None
    while msg is None:
        msg = MPI.Message.iprobe(comm, source, 12)
    got = msg.irecv().wait()
    joined(sender)
    assert same(got, obj)
    status = MPI.Status()
    got = comm.sendrecv(obj, dest, 13, None, MPI.ANY_SOURCE, 13, status)
    assert same(got, obj) and status.Get_source() == source


def test_threshold_zero_many_buffers(comm: MPI.Intracomm, threshold: None) -> None:
    """Every PickleBuffer out of band: many small buffers at odd sizes, each aligned on arrival."""
    MPI.pickle.THRESHOLD = 0
    dest, source = peers(comm)
    obj = [np.arange(k, dtype=np.float64 if k % 2 else np.int8) for k in range(0, 40)]
    sender = sending(lambda: comm.send(obj, dest, 14))
    got = comm.recv(source=source, tag=14)
    joined(sender)
    assert len(got) == len(obj) and all(same(a, b) for a, b in zip(got, obj))
    for a in got:
        assert a.flags.aligned and a.flags.writeable


def test_protocol_4_stays_in_band(comm: MPI.Intracomm, threshold: None) -> None:
    MPI.pickle.PROTOCOL = 4
    dest, source = peers(comm)
    obj = np.arange(THRESHOLD // 8 + 1, dtype=np.float64)
    sender = sending(lambda: comm.send(obj, dest, 15))
    status = MPI.Status()
    got = comm.recv(source=source, tag=15, status=status)
    joined(sender)
    assert same(got, obj) and status.Get_count() == len(pickle.dumps(obj, 4))


@pytest.mark.parametrize("sync", [False, True])
def test_isend_is_a_snapshot(comm: MPI.Intracomm, sync: bool) -> None:
    """Nonblocking sends stay in band: changing the object before the request completes changes nothing."""
    dest, source = peers(comm)
    obj = np.arange(THRESHOLD, dtype=np.int64)
    sreq = (comm.issend if sync else comm.isend)(obj, dest, 18)
    obj[:] = -1
    got = comm.recv(source=source, tag=18)
    sreq.wait()
    assert np.array_equal(got, np.arange(THRESHOLD, dtype=np.int64))


def test_frame_sent_to_proc_null(comm: MPI.Intracomm) -> None:
    comm.send(np.ones(THRESHOLD), MPI.PROC_NULL, 0)
    assert comm.isend(np.ones(THRESHOLD), MPI.PROC_NULL, 0).wait() is None


# -- uppercase fast path: bare buffer objects ---------------------------------------------------

BUFFERS = [
    ("float64", lambda: np.arange(128, dtype=np.float64), MPI.DOUBLE),
    ("int32", lambda: np.arange(257, dtype=np.int32), MPI.INT),
    ("complex", lambda: np.arange(3, dtype=np.complex128) * 1j, MPI.C_DOUBLE_COMPLEX),
    ("bytearray", lambda: bytearray(range(256)) * 4, MPI.BYTE),
    ("array-d", lambda: array.array("d", range(100)), MPI.DOUBLE),
    ("memoryview", lambda: memoryview(bytearray(b"abc" * 11)), MPI.BYTE),
    ("empty", lambda: np.zeros(0, dtype=np.float64), MPI.DOUBLE),
]


@pytest.mark.parametrize(("name", "make", "dtype"), BUFFERS, ids=[b[0] for b in BUFFERS])
def test_send_recv_bare_buffers(comm: MPI.Intracomm, name: str, make: object, dtype: MPI.Datatype) -> None:
    dest, source = peers(comm)
    sbuf = make()  # type: ignore[operator]
    rbuf = make()  # type: ignore[operator]
    view = memoryview(rbuf).cast("B")
    view[:] = bytes(len(view))
    sreq = comm.Isend(sbuf, dest, 30)
    status = MPI.Status()
    comm.Recv(rbuf, MPI.ANY_SOURCE, MPI.ANY_TAG, status)
    sreq.Wait()
    assert bytes(memoryview(rbuf).cast("B")) == bytes(memoryview(sbuf).cast("B"))
    assert (status.Get_source(), status.Get_tag()) == (source, 30)
    assert status.Get_count(dtype) == len(memoryview(sbuf).cast("B")) // dtype.Get_size()
    comm.Send(sbuf, MPI.PROC_NULL, 0)


def test_bare_buffer_errors_still_clear(comm: MPI.Intracomm) -> None:
    with pytest.raises(BufferError, match="read-only"):
        comm.Recv(b"abc", MPI.PROC_NULL, 0)
    with pytest.raises((BufferError, ValueError), match="contiguous"):
        comm.Send(np.arange(10.0)[::2], MPI.PROC_NULL, 0)
    with pytest.raises(TypeError, match="no MPI datatype"):
        comm.Send(np.arange(4, dtype=">f8" if np.little_endian else "<f8"), MPI.PROC_NULL, 0)
    with pytest.raises(TypeError, match="buffer protocol"):
        comm.Send(12, MPI.PROC_NULL, 0)


def raw_message(comm: MPI.Intracomm, obj: object, tag: int) -> bytearray:
    """The bytes on the wire when ``obj`` is sent with ``comm.send`` (received with Probe + Recv)."""
    dest, source = peers(comm)
    sender = sending(lambda: comm.send(obj, dest, tag))
    status = MPI.Status()
    comm.Probe(source, tag, status)
    raw = bytearray(status.Get_count(MPI.BYTE))
    comm.Recv(raw, source, tag)
    joined(sender)
    return raw


def test_wire_frame_carries_the_array_bytes_uncopied_layout(comm: MPI.Intracomm) -> None:
    """Seen as raw bytes, the message is a frame (magic, header) with the array data at an aligned offset."""
    obj = np.arange(THRESHOLD // 8, dtype=np.float64)
    raw = raw_message(comm, obj, 16)
    assert raw[:8] == b"\x00MPI4PY5"
    offset = bytes(raw).find(obj.tobytes())
    assert offset > 0 and offset % 64 == 0 and len(raw) < offset + obj.nbytes + 64


def test_wire_frame_header_and_zeroed_padding(comm: MPI.Intracomm, threshold: None) -> None:
    """The frame is one contiguous message: its header names the stream and each buffer (offset, length),
    the buffers sit at 64-byte aligned offsets, and the alignment gaps are zeros, never stale memory."""
    MPI.pickle.THRESHOLD = 0
    obj = [np.full(k, k + 1, dtype=np.uint8) for k in (1, 63, 64, 65, 200)]
    raw = raw_message(comm, obj, 19)
    field = [int.from_bytes(raw[8 + 8 * k:16 + 8 * k], "little") for k in range(1 + 2 * (len(obj) + 1))]
    nbuf, parts = field[0], list(zip(field[1::2], field[2::2]))
    assert raw[:8] == b"\x00MPI4PY5" and nbuf == len(obj)
    stream_at, stream_len = parts[0]
    assert stream_at == 16 + 16 * (nbuf + 1)
    end = stream_at + stream_len
    for (at, length), arr in zip(parts[1:], obj):
        assert at % 64 == 0 and at >= end and length == arr.nbytes
        assert raw[end:at] == bytes(at - end)
        assert raw[at:at + length] == arr.tobytes()
        end = at + length
    assert end == len(raw)


def test_corrupt_frame_is_reported(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    bogus = bytearray(b"\x00MPI4PY5" + (1 << 40).to_bytes(8, "little") + bytes(48))
    sreq = comm.Isend(bogus, dest, 17)
    with pytest.raises(ValueError, match="corrupt out-of-band pickle frame"):
        comm.recv(source=source, tag=17)
    sreq.Wait()


# -- bcast: the pickle rides in the first broadcast up to 248 bytes ------------------------------

def test_bcast_sizes_around_the_eager_limit(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    sizes = sorted({len(pickle.dumps(b"x" * k, MPI.pickle.PROTOCOL)) for k in range(200, 300)})
    assert 248 in sizes and 249 in sizes  # both sides of the limit are exercised
    for k in range(200, 300):
        root = k % size
        got = comm.bcast(b"x" * k + bytes([rank]) if rank == root else None, root)
        assert got == b"x" * k + bytes([root])
    arr = comm.bcast(np.arange(THRESHOLD, dtype=np.int64) if rank == 0 else None, 0)
    assert np.array_equal(arr, np.arange(THRESHOLD, dtype=np.int64)) and arr.flags.writeable


def test_bcast_unpicklable_on_root_raises_everywhere(comm: MPI.Intracomm) -> None:
    rank = comm.Get_rank()
    # pickle's message: "Can't pickle local object" up to 3.12, "Can't get local object" in 3.13.
    with pytest.raises(Exception, match="pickle|local object|serialize"):
        comm.bcast((lambda: None) if rank == 0 else None, 0)
    assert comm.bcast("after" if rank == 0 else None, 0) == "after"


class Nested:
    """Pickling it sends another out-of-band object: the serializer state must not be shared."""

    def __init__(self, arr: np.ndarray) -> None:
        self.arr = arr

    def __reduce__(self) -> tuple[type[Nested], tuple[np.ndarray]]:
        MPI.COMM_WORLD.send({"inner": np.ones(THRESHOLD)}, MPI.PROC_NULL, 0)
        return (Nested, (self.arr,))


def test_reentrant_send_while_pickling(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    obj = [Nested(np.arange(THRESHOLD, dtype=np.int32)), np.full(THRESHOLD, 2.5)]
    sender = sending(lambda: comm.send(obj, dest, 19))
    got = comm.recv(source=source, tag=19)
    joined(sender)
    assert isinstance(got[0], Nested) and np.array_equal(got[0].arr, obj[0].arr)
    assert np.array_equal(got[1], obj[1])


def test_irecv_into_unaligned_numpy_buffer(comm: MPI.Intracomm) -> None:
    dest, source = peers(comm)
    obj = dict(PAYLOADS)["mixed"]
    buf = np.zeros(4 * THRESHOLD + 1, dtype=np.uint8)[1:]  # odd address: the frame header is read unaligned
    rreq = comm.irecv(buf, source, 10)
    comm.Barrier()
    comm.send(obj, dest, 10)
    got = rreq.wait()
    buf[:] = 0
    assert same(got, obj)
    check_arrays(got)
