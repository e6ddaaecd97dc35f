"""MPI.buffer as mpi4py documents its memory object: a byte sequence over raw or exported memory.

The documented behaviour (mpi4py 4.1 reference, ``mpi4py.MPI.buffer``): ``len``; integer indexing
(negative counts from the end) gives ints; slicing with step 1 gives a ``buffer`` over the same
memory; item and slice assignment; iteration; the buffer protocol; ``frombuffer``/``fromaddress``/
``allocate``; ``toreadonly``; ``release``.  Objects come from ``Alloc_mem``, ``Win.tomemory()``
and ``MPI.buffer(obj)``.
"""

from __future__ import annotations

import array

import pytest

from mpi4py import MPI


@pytest.fixture(params=["Alloc_mem", "Win.tomemory", "buffer(bytearray)"])
def mem(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """An 8-byte writable MPI.buffer from each documented source."""
    if request.param == "Alloc_mem":
        m = MPI.Alloc_mem(8)
        yield m
        MPI.Free_mem(m)
    elif request.param == "Win.tomemory":
        win = MPI.Win.Allocate(8, comm=MPI.COMM_SELF)
        yield win.tomemory()
        win.Free()
    else:
        yield MPI.buffer(bytearray(8))


def test_sources_give_buffers(mem: MPI.buffer) -> None:
    assert type(mem) is MPI.buffer and len(mem) == mem.nbytes == 8 and not mem.readonly


def test_item_access(mem: MPI.buffer) -> None:
    mem[:] = 0
    mem[0] = 7
    mem[-1] = 255
    assert mem[0] == 7 and mem[-1] == 255 and mem[7] == 255 and mem[-8] == 7
    assert list(mem) == [7, 0, 0, 0, 0, 0, 0, 255]
    assert list(reversed(mem)) == [255, 0, 0, 0, 0, 0, 0, 7] and 255 in mem
    assert mem.tobytes() == bytes([7, 0, 0, 0, 0, 0, 0, 255])


def test_out_of_range_and_bad_values(mem: MPI.buffer) -> None:
    for index in (8, -9, 1 << 40):
        with pytest.raises(IndexError):
            mem[index]
        with pytest.raises(IndexError):
            mem[index] = 1
    with pytest.raises(OverflowError):
        mem[0] = 256
    with pytest.raises(OverflowError):
        mem[0] = -1
    with pytest.raises(TypeError):
        mem[0] = b"a"  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        mem["x"]  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        mem[1.0]  # type: ignore[call-overload]


def test_slices_share_memory(mem: MPI.buffer) -> None:
    mem[:] = b"01234567"
    part = mem[2:5]
    assert type(part) is MPI.buffer and len(part) == 3 and part.address == mem.address + 2
    assert part.obj is mem and part.tobytes() == b"234" and not part.readonly
    part[0] = ord("x")
    part[1:] = b"yz"
    assert mem.tobytes() == b"01xyz567"
    mem[-3:] = 0
    assert mem.tobytes() == b"01xyz\0\0\0" and mem[-3:].tobytes() == b"\0\0\0"
    assert len(mem[5:2]) == 0 and len(mem[100:]) == 0 and len(mem[:]) == 8
    assert memoryview(mem[1:3]).tobytes() == b"1x"
    mem[1:3] = memoryview(b"ab")
    mem[3:5] = MPI.buffer(b"cd")
    assert mem.tobytes()[:5] == b"0abcd"


def test_slice_errors(mem: MPI.buffer) -> None:
    with pytest.raises(IndexError):
        mem[::2]
    with pytest.raises(IndexError):
        mem[::2] = 0
    with pytest.raises(ValueError):
        mem[:] = b"123"  # length differs
    with pytest.raises(TypeError):
        mem[0:2] = [1, 2]  # type: ignore[call-overload]
    with pytest.raises(OverflowError):
        mem[:] = 300


def test_read_only_refuses_writes(mem: MPI.buffer) -> None:
    mem[:] = b"abcdefgh"
    ro = mem.toreadonly()
    assert ro.readonly and ro.obj is mem and ro.address == mem.address and ro[1:3].readonly
    with pytest.raises(TypeError):
        ro[0] = 1
    with pytest.raises(TypeError):
        ro[:] = 0
    with pytest.raises(BufferError):
        MPI.buffer.frombuffer(ro)  # a writable export of read-only memory is refused
    assert memoryview(ro).readonly and ro[0] == ord("a")
    frozen = MPI.buffer(b"xyz")
    assert frozen.readonly and frozen.obj == b"xyz"
    with pytest.raises(TypeError):
        frozen[0] = 0


def test_buffer_protocol_and_cast() -> None:
    data = array.array("i", [1, 2, 3, 4])
    mem = MPI.buffer(data)
    assert mem.obj is data and len(mem) == 16 and mem.format == "B"
    assert mem.cast("i").tolist() == [1, 2, 3, 4] and mem.cast("i", (2, 2)).tolist() == [[1, 2], [3, 4]]
    mem[0:4] = array.array("i", [9])
    assert data[0] == 9 and bytes(memoryview(mem))[:4] == bytes(memoryview(array.array("i", [9])))


def test_constructors() -> None:
    empty = MPI.buffer()
    assert len(empty) == 0 and empty.address == 0 and empty.obj is None
    with pytest.raises(TypeError):
        MPI.buffer(None)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        MPI.buffer(1)  # type: ignore[call-overload]
    data = bytearray(b"abcd")
    writable = MPI.buffer.frombuffer(data)
    assert not writable.readonly and writable.obj is data
    assert MPI.buffer.frombuffer(data, readonly=True).readonly
    with pytest.raises(BufferError):
        MPI.buffer.frombuffer(b"xy")  # bytes cannot be written to
    assert MPI.buffer.frombuffer(b"xy", readonly=True).tobytes() == b"xy"
    raw = MPI.buffer.fromaddress(writable.address, 4)
    assert raw.tobytes() == b"abcd" and raw.obj is None and not raw.readonly
    assert MPI.buffer.fromaddress(writable.address, 4, readonly=True).readonly
    assert len(MPI.buffer.fromaddress(0, 0)) == 0
    with pytest.raises(ValueError):
        MPI.buffer.fromaddress(0, 4)
    with pytest.raises(ValueError):
        MPI.buffer.fromaddress(writable.address, -1)
    assert MPI.buffer.allocate(4, clear=True).tobytes() == bytes(4)
    with pytest.raises(ValueError):
        MPI.buffer.allocate(-1)
    with pytest.raises(TypeError):
        type("Sub", (MPI.buffer,), {})  # final, like upstream's


def test_release() -> None:
    mem = MPI.Alloc_mem(8)
    part = mem[2:6]
    mem.release()
    assert len(mem) == 0 and mem.nbytes == 0 and mem.address == 0 and mem.obj is None
    mem.release()  # twice is harmless
    with pytest.raises(ValueError):
        part[0]  # the parent's memory was freed: refused, not read
    with pytest.raises(ValueError):
        part.tobytes()
    data = bytearray(4)
    view = MPI.buffer(data)
    view.release()
    assert len(view) == 0 and view.obj is None
    data.extend(b"more")  # the export was given back: the bytearray may resize again


def test_freed_window_memory_is_refused() -> None:
    win = MPI.Win.Allocate(8, comm=MPI.COMM_SELF)
    mem = win.tomemory()
    assert mem.obj is win
    win.Free()
    with pytest.raises(ValueError):
        mem[0]
