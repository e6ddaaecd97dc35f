"""Parallel I/O on a directory shared by the ranks (made by rank 0, path broadcast).

Every rank runs the same collective sequence; checks come after the file is closed, so a failed
assertion cannot leave peers blocked in a collective I/O call.
"""

from __future__ import annotations

import array
import shutil
import tempfile
from pathlib import Path

import numpy
import pytest

from mpi4py import MPI

N = 4  # items per rank


@pytest.fixture
def shared_dir(comm: MPI.Intracomm):
    path = tempfile.mkdtemp(prefix="mpi4py-io-") if comm.Get_rank() == 0 else None
    path = comm.bcast(path, 0)
    yield Path(path)
    comm.Barrier()
    if comm.Get_rank() == 0:
        shutil.rmtree(path, ignore_errors=True)


def open_rw(comm: MPI.Intracomm, path: Path, extra: int = 0) -> MPI.File:
    return MPI.File.Open(comm, path, MPI.MODE_CREATE | MPI.MODE_RDWR | extra)


def test_management(comm: MPI.Intracomm, shared_dir: Path) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    path = shared_dir / "manage.bin"
    fh = open_rw(comm, path)
    try:
        amode = fh.Get_amode()
        group = fh.Get_group()
        group_facts = (group.Get_size(), group.Get_rank(), fh.group_size, fh.group_rank)
        group.Free()
        # Atomicity first: Open MPI 5 (OMPIO) fails Set_atomicity with ERR_OTHER on ranks > 0 when it
        # follows Set_size + Preallocate at 3 ranks (each alone is fine) -- a library quirk.
        fh.Set_atomicity(True)
        atomic_on = fh.Get_atomicity()
        fh.atomicity = False
        atomic_off = fh.atomicity
        fh.Set_size(100)
        size_after_set = fh.Get_size()
        fh.Preallocate(200)
        size_after_prealloc = fh.size
        extent = fh.Get_type_extent(MPI.INT)
        info = fh.Get_info()
        info_type = type(info)
        info.Free()
        hints = MPI.Info.Create({"access_style": "read_mostly"})
        fh.Set_info(hints)
        hints.Free()
        fh.Sync()
    finally:
        fh.Close()
    assert not fh and fh == MPI.FILE_NULL
    assert amode == MPI.MODE_CREATE | MPI.MODE_RDWR
    assert group_facts == (size, rank, size, rank)
    assert size_after_set == 100 and size_after_prealloc >= 200
    assert atomic_on is True and atomic_off is False
    assert extent == 4 and info_type is MPI.Info
    assert path.stat().st_size >= 200


def test_explicit_offsets(comm: MPI.Intracomm, shared_dir: Path) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    right = (rank + 1) % size
    path = shared_dir / "explicit.bin"
    data = numpy.arange(N, dtype="i") + 100 * rank
    nbytes = data.nbytes
    got_at = numpy.zeros(N, dtype="i")
    got_all = array.array("i", [0] * N)
    got_iat = numpy.zeros(N, dtype="i")
    got_iall = numpy.zeros(N, dtype="i")
    status = MPI.Status()
    fh = open_rw(comm, path)
    try:
        fh.Write_at(rank * nbytes, data)
        fh.Sync()
        comm.Barrier()
        fh.Sync()
        fh.Read_at(right * nbytes, got_at, status)
        fh.Write_at_all((size + rank) * nbytes, data + 1)
        fh.Sync()
        comm.Barrier()
        fh.Sync()
        fh.Read_at_all((size + right) * nbytes, got_all)
        fh.Iwrite_at((2 * size + rank) * nbytes, data + 2).Wait()
        fh.Iwrite_at_all((3 * size + rank) * nbytes, data + 3).Wait()
        fh.Sync()
        comm.Barrier()
        fh.Sync()
        fh.Iread_at((2 * size + right) * nbytes, got_iat).Wait()
        fh.Iread_at_all((3 * size + right) * nbytes, got_iall).Wait()
        file_size = fh.Get_size()
    finally:
        fh.Close()
    expect = numpy.arange(N, dtype="i") + 100 * right
    assert status.Get_count(MPI.INT) == N and status.Get_count(MPI.BYTE) == nbytes
    assert got_at.tolist() == expect.tolist()
    assert list(got_all) == (expect + 1).tolist()
    assert got_iat.tolist() == (expect + 2).tolist() and got_iall.tolist() == (expect + 3).tolist()
    assert file_size == 4 * size * nbytes


def test_view_and_individual_pointer(comm: MPI.Intracomm, shared_dir: Path) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    path = shared_dir / "individual.bin"
    block = N * 4
    fh = open_rw(comm, path)
    reads = []
    try:
        fh.Set_view(rank * 4 * block, MPI.INT, MPI.INT, "native", MPI.INFO_NULL)
        view = fh.Get_view()
        fh.Write(numpy.full(N, rank, dtype="i"))
        fh.Write_all(numpy.full(N, rank + 10, dtype="i"))
        fh.Iwrite(numpy.full(N, rank + 20, dtype="i")).Wait()
        fh.Iwrite_all(numpy.full(N, rank + 30, dtype="i")).Wait()
        position = fh.Get_position()
        byte_offset = fh.Get_byte_offset(position)
        fh.Sync()
        comm.Barrier()
        fh.Sync()
        fh.Seek(0)
        for reader in (fh.Read, fh.Read_all):
            buf = numpy.zeros(N, dtype="i")
            reader(buf)
            reads.append(buf.tolist())
        for ireader in (fh.Iread, fh.Iread_all):
            buf = numpy.zeros(N, dtype="i")
            ireader(buf).Wait()
            reads.append(buf.tolist())
        fh.Seek(-N, MPI.SEEK_CUR)
        back = fh.Get_position()
        fh.Seek(0, MPI.SEEK_END)
        end = fh.Get_position()
    finally:
        fh.Close()
    disp, etype, filetype, datarep = view
    assert disp == rank * 4 * block and etype == MPI.INT and filetype == MPI.INT and datarep == "native"
    assert position == 4 * N and byte_offset == rank * 4 * block + 4 * block
    assert reads == [[rank + 10 * k] * N for k in range(4)]
    assert back == 3 * N
    assert end == (size - rank) * 4 * N  # file end, in ints past this rank's displacement


def test_shared_pointer(comm: MPI.Intracomm, shared_dir: Path) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    path = shared_dir / "shared.bin"
    fh = open_rw(comm, path)
    try:
        fh.Set_view(0, MPI.INT)
        fh.Write_ordered(numpy.full(N, rank, dtype="i"))
        comm.Barrier()
        after_ordered = fh.Get_position_shared()
        comm.Barrier()
        fh.Write_shared(numpy.full(N, 50 + rank, dtype="i"))
        fh.Iwrite_shared(numpy.full(N, 80 + rank, dtype="i")).Wait()
        comm.Barrier()
        fh.Sync()
        comm.Barrier()
        end_shared = fh.Get_position_shared()
        comm.Barrier()
        fh.Seek_shared(0)
        ordered = numpy.zeros(N, dtype="i")
        fh.Read_ordered(ordered)
        fh.Seek_shared(size * N)
        comm.Barrier()
        first = numpy.zeros(N, dtype="i")
        fh.Read_shared(first)
        second = numpy.zeros(N, dtype="i")
        fh.Iread_shared(second).Wait()
        firsts = comm.allgather(first.tolist())
        seconds = comm.allgather(second.tolist())
    finally:
        fh.Close()
    raw = numpy.fromfile(path, dtype="i")
    assert after_ordered == size * N and end_shared == 3 * size * N
    assert ordered.tolist() == [rank] * N
    assert raw[:size * N].tolist() == [r for r in range(size) for _ in range(N)]
    assert sorted(set(raw[size * N:].tolist())) == sorted([50 + r for r in range(size)] + [80 + r for r in range(size)])
    blocks = sorted(tuple(b) for b in firsts + seconds)
    assert blocks == sorted([(50 + r,) * N for r in range(size)] + [(80 + r,) * N for r in range(size)])


def test_split_collectives(comm: MPI.Intracomm, shared_dir: Path) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    path = shared_dir / "split.bin"
    right = (rank + 1) % size
    nbytes = N * 8
    out = numpy.full(N, rank + 0.5)
    got = numpy.zeros(N)
    got_all = numpy.zeros(N)
    got_ordered = numpy.zeros(N)
    fh = open_rw(comm, path)
    try:
        fh.Write_at_all_begin(rank * nbytes, out)
        fh.Write_at_all_end(out)
        fh.Sync()
        comm.Barrier()
        fh.Sync()
        fh.Read_at_all_begin(right * nbytes, got)
        fh.Read_at_all_end(got)
        fh.Set_view((size + rank) * nbytes, MPI.DOUBLE)
        fh.Write_all_begin(out + 1)
        fh.Write_all_end(None)
        fh.Seek(0)
        fh.Read_all_begin(got_all)
        fh.Read_all_end(got_all)
        fh.Set_view(2 * size * nbytes, MPI.DOUBLE)
        fh.Write_ordered_begin(out + 2)
        fh.Write_ordered_end(None)
        fh.Seek_shared(0)
        fh.Read_ordered_begin(got_ordered)
        fh.Read_ordered_end(got_ordered)
        with pytest.raises(RuntimeError, match="no split-collective"):
            fh.Read_all_end(got)
    finally:
        fh.Close()
    assert got.tolist() == [right + 0.5] * N
    assert got_all.tolist() == [rank + 1.5] * N
    assert got_ordered.tolist() == [rank + 2.5] * N


def test_open_modes_and_delete(comm: MPI.Intracomm, shared_dir: Path) -> None:
    rank = comm.Get_rank()
    mine = shared_dir / f"rank{rank}.bin"
    fh = MPI.File.Open(MPI.COMM_SELF, str(mine), MPI.MODE_CREATE | MPI.MODE_WRONLY | MPI.MODE_EXCL)
    fh.Write(bytearray(b"abc"))
    fh.Close()
    assert mine.read_bytes() == b"abc"
    with pytest.raises(MPI.Exception):
        MPI.File.Open(MPI.COMM_SELF, mine, MPI.MODE_CREATE | MPI.MODE_WRONLY | MPI.MODE_EXCL)
    fh = MPI.File.Open(MPI.COMM_SELF, mine, MPI.MODE_WRONLY | MPI.MODE_APPEND)
    fh.Write(bytearray(b"de"))
    fh.Close()
    fh = MPI.File.Open(MPI.COMM_SELF, mine, MPI.MODE_RDONLY)
    text = bytearray(5)
    fh.Read_at(0, text)
    with pytest.raises(BufferError, match="read-only"):
        fh.Read_at(0, b"xxxxx")
    fh.Close()
    assert bytes(text) == b"abcde"
    MPI.File.Delete(mine)
    assert not mine.exists()
    with pytest.raises(MPI.Exception) as exc:
        MPI.File.Open(MPI.COMM_SELF, mine, MPI.MODE_RDONLY)
    assert exc.value.Get_error_class() in (MPI.ERR_NO_SUCH_FILE, MPI.ERR_IO, MPI.ERR_FILE)
    temp = shared_dir / f"temp{rank}.bin"
    fh = MPI.File.Open(MPI.COMM_SELF, temp, MPI.MODE_CREATE | MPI.MODE_RDWR | MPI.MODE_DELETE_ON_CLOSE)
    fh.Write(bytearray(8))
    existed = temp.exists()
    fh.Close()
    assert existed and not temp.exists()
    with pytest.raises(TypeError, match="filename"):
        MPI.File.Open(MPI.COMM_SELF, 42)


def _swap_write(userbuf, datatype, count, filebuf, position) -> None:
    src = numpy.frombuffer(userbuf, dtype="i")[position:position + count]
    numpy.frombuffer(filebuf, dtype="i")[:count] = src.byteswap()


def _swap_read(filebuf, datatype, count, userbuf, position) -> None:
    src = numpy.frombuffer(filebuf, dtype="i")[:count]
    numpy.frombuffer(userbuf, dtype="i")[position:position + count] = src.byteswap()


def _extent(datatype: MPI.Datatype) -> int:
    return datatype.Get_size()


# Neither MPICH (ROMIO: registration accepted, any non-native view refused) nor Open MPI 5 (OMPIO:
# registration refused) implements user data representations; their refusal must surface as an
# MPI.Exception of one of these classes, and a library that implements them must round-trip.
_DATAREP_REFUSALS = ("ERR_UNSUPPORTED_DATAREP", "ERR_UNSUPPORTED_OPERATION", "ERR_OTHER", "ERR_CONVERSION")


def test_register_datarep(comm: MPI.Intracomm, shared_dir: Path) -> None:
    with pytest.raises(TypeError, match="extent_fn"):
        MPI.Register_datarep("bad", None, None, 3)
    with pytest.raises(TypeError, match="read_fn"):
        MPI.Register_datarep("bad", 3, None, _extent)
    rank = comm.Get_rank()
    name = f"mpi4py-test-swapped-{rank}"
    path = shared_dir / f"datarep{rank}.bin"
    values = numpy.array([1, 2, 0x01020304, -5], dtype="i")
    back = numpy.zeros(4, dtype="i")
    try:
        MPI.Register_datarep(name, _swap_read, _swap_write, _extent)
        fh = MPI.File.Open(MPI.COMM_SELF, path, MPI.MODE_CREATE | MPI.MODE_RDWR)
        try:
            fh.Set_view(0, MPI.INT, MPI.INT, name)
            fh.Write_at(0, values)
            fh.Sync()
            fh.Read_at(0, back)
        finally:
            fh.Close()
    except MPI.Exception as exc:
        refused = {getattr(MPI, cls) for cls in _DATAREP_REFUSALS}
        assert exc.Get_error_class() in refused, f"unexpected error class for a refused datarep: {exc}"
        return
    assert numpy.fromfile(path, dtype="i").tolist() == values.byteswap().tolist()
    assert back.tolist() == values.tolist()
