"""Handle protocol on Info/Win/File/Session/Status, error handlers and keyvals on Win/File/Session,
session buffers, the object-API request status queries, buffer extras and the MPI-4.1/5.0 module names.

A routine the MPI library lacks (``MPI._missing_symbols()``) must raise NotImplementedError naming it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy
import pytest
from mpi_helpers import built_with

from mpi4py import MPI


def has(routine: str) -> bool:
    return routine not in MPI._missing_symbols()


def unavailable(routine: str, call: Callable[[], Any]) -> None:
    with pytest.raises(NotImplementedError, match=routine):
        call()


@pytest.fixture
def shared_dir(comm: MPI.Intracomm) -> Iterator[Path]:
    path = tempfile.mkdtemp(prefix="mpi4py-handles-") if comm.Get_rank() == 0 else None
    path = comm.bcast(path, 0)
    yield Path(path)
    comm.Barrier()
    if comm.Get_rank() == 0:
        shutil.rmtree(path, ignore_errors=True)


# -- handle protocol ----------------------------------------------------------------------------


def roundtrip(obj: Any) -> None:
    cls = type(obj)
    assert cls.fromhandle(obj.handle) == obj
    assert isinstance(obj.handle, int)
    assert obj.toint() == obj.py2f()
    assert cls.fromint(obj.toint()) == obj
    assert cls.f2py(obj.py2f()) == obj


@pytest.mark.parametrize("name", ["INFO_NULL", "INFO_ENV", "WIN_NULL", "FILE_NULL"])
def test_predefined_roundtrip(name: str) -> None:
    obj = getattr(MPI, name)
    roundtrip(obj)
    obj.free()  # predefined/null: a no-op
    assert getattr(MPI, name) == obj and (name == "INFO_ENV") == bool(obj)


def test_user_info_and_win(comm: MPI.Intracomm) -> None:
    info = MPI.Info.Create({"key": "value"})
    roundtrip(info)
    same = MPI.Info.fromhandle(info.handle)
    assert same.Get("key") == "value"  # the same MPI object behind both wrappers
    info.free()
    assert not info
    win = MPI.Win.Allocate(16, comm=comm)
    roundtrip(win)
    assert MPI.Win.fromint(win.toint()).Get_attr(MPI.WIN_SIZE) == 16
    assert win.Get_attr(MPI.WIN_FLAVOR) == MPI.WIN_FLAVOR_ALLOCATE and MPI.WIN_FLAVOR == MPI.WIN_CREATE_FLAVOR
    win.free()  # collective Free
    assert not win
    win.free()  # now null: no-op


def test_user_file(comm: MPI.Intracomm, shared_dir: Path) -> None:
    fh = MPI.File.Open(comm, shared_dir / "h.bin", MPI.MODE_CREATE | MPI.MODE_RDWR)
    roundtrip(fh)
    assert MPI.File.f2py(fh.py2f()).Get_amode() == MPI.MODE_CREATE | MPI.MODE_RDWR
    fh.free()  # collective Close
    assert not fh
    assert MPI.DISP_CUR == MPI.DISPLACEMENT_CURRENT


def test_session_handles() -> None:
    if not has("MPI_Session_init"):
        unavailable("MPI_Session_init", MPI.Session.Init)
        return
    session = MPI.Session.Init()
    if has("MPI_Session_c2f"):
        roundtrip(session)
        roundtrip(MPI.SESSION_NULL)
    else:
        unavailable("MPI_Session_c2f", session.py2f)
    assert MPI.Session.fromhandle(session.handle).Get_num_psets() >= 1
    session.free()
    assert not session
    session.free()  # null: no-op


def test_status_fortran_and_memory(comm: MPI.Intracomm) -> None:
    status = MPI.Status()
    status.source, status.tag, status.error = 3, 42, MPI.ERR_OTHER
    status.Set_elements(MPI.BYTE, 12)
    # No C view of Fortran statuses with an MPI-3.x mpi.h (Debian 12's Open MPI 4.1: no MPI_F_STATUS_SIZE)
    # or the MPI-5 standard ABI header (no Fortran conversions: no MPI_Status_c2f).
    missing = [name for name in ("MPI_F_STATUS_SIZE", "MPI_Status_c2f") if not built_with(name)]
    if missing:
        with pytest.raises(NotImplementedError, match=missing[0]):
            status.py2f()
        return
    fstatus = status.py2f()
    assert len(fstatus) == MPI.F_STATUS_SIZE
    assert (fstatus[MPI.F_SOURCE], fstatus[MPI.F_TAG], fstatus[MPI.F_ERROR]) == (3, 42, MPI.ERR_OTHER)
    back = MPI.Status.f2py(fstatus)
    assert (back.source, back.tag, back.error, back.Get_count(MPI.BYTE)) == (3, 42, MPI.ERR_OTHER, 12)
    with pytest.raises(ValueError, match="F_STATUS_SIZE"):
        MPI.Status.f2py(fstatus[:-1])
    # tomemory: the raw C struct; copying the bytes copies every field (count included)
    rank = comm.Get_rank()
    received = MPI.Status()
    comm.Sendrecv(numpy.arange(5, dtype="i"), rank, 7, numpy.zeros(5, dtype="i"), rank, 7, received)
    mem = received.tomemory()
    assert isinstance(mem, MPI.buffer) and not mem.readonly and len(mem) >= 12
    copy = MPI.Status()
    memoryview(copy.tomemory())[:] = bytes(mem)
    assert (copy.source, copy.tag, copy.Get_count(MPI.INT)) == (rank, 7, 5)


# -- error handlers -----------------------------------------------------------------------------


def test_win_errhandler(comm: MPI.Intracomm) -> None:
    calls: list[tuple[Any, int]] = []
    eh = MPI.Win.Create_errhandler(lambda w, code: calls.append((w, code)))
    win = MPI.Win.Allocate(8, comm=comm)
    win.Set_errhandler(eh)
    current = win.Get_errhandler()
    assert current == eh
    current.Free()
    win.Call_errhandler(MPI.ERR_OTHER)
    assert len(calls) == 1 and calls[0][0] == win and calls[0][1] == MPI.ERR_OTHER
    win.Set_errhandler(MPI.ERRORS_RETURN)
    eh.Free()
    win.Call_errhandler(MPI.ERR_OTHER)  # ERRORS_RETURN now: the Python handler is not called again
    assert len(calls) == 1
    win.Free()
    with pytest.raises(TypeError, match="errhandler_fn"):
        MPI.Win.Create_errhandler(42)


def test_file_errhandler(comm: MPI.Intracomm, shared_dir: Path) -> None:
    calls: list[tuple[Any, int]] = []
    eh = MPI.File.Create_errhandler(lambda f, code: calls.append((f, code)))
    fh = MPI.File.Open(comm, shared_dir / "e.bin", MPI.MODE_CREATE | MPI.MODE_RDWR)
    fh.Set_errhandler(eh)
    current = fh.Get_errhandler()
    assert current == eh
    current.Free()
    fh.Call_errhandler(MPI.ERR_IO)
    fh.Set_errhandler(MPI.ERRORS_RETURN)
    fh.Close()
    eh.Free()
    assert len(calls) == 1 and calls[0][1] == MPI.ERR_IO and isinstance(calls[0][0], MPI.File)
    default = MPI.FILE_NULL.Get_errhandler()  # the default for files opened later
    assert default
    default.Free()


def test_session_errhandler_and_buffers(comm: MPI.Intracomm) -> None:
    if not has("MPI_Session_create_errhandler"):
        unavailable("MPI_Session_create_errhandler", lambda: MPI.Session.Create_errhandler(print))
        return
    calls: list[tuple[Any, int]] = []
    eh = MPI.Session.Create_errhandler(lambda s, code: calls.append((s, code)))
    session = MPI.Session.Init(errhandler=eh)
    current = session.Get_errhandler()
    vendor, version = MPI.get_vendor()
    if vendor == "MPICH" and version[0] < 5:
        # MPICH 4.x ignores MPI_Session_init's errhandler argument (the session keeps ERRORS_ARE_FATAL,
        # and calling it aborts): set it explicitly there; every other library must have kept it.
        session.Set_errhandler(eh)
        current.Free()
        current = session.Get_errhandler()
    assert current == eh
    current.Free()
    session.Call_errhandler(MPI.ERR_OTHER)
    assert len(calls) == 1 and calls[0][0] == session and calls[0][1] == MPI.ERR_OTHER
    session.Set_errhandler(MPI.ERRORS_RETURN)
    eh.Free()
    try:
        if has("MPI_Session_attach_buffer"):
            session_bsend(comm, session)
        else:
            unavailable("MPI_Session_attach_buffer", lambda: session.Attach_buffer(bytearray(1024)))
    finally:
        session.Finalize()


def session_bsend(comm: MPI.Intracomm, session: MPI.Session) -> None:
    """A buffered send on a communicator of the session goes through the session's buffer."""
    group = session.Create_group("mpi://WORLD")
    scomm = MPI.Intracomm.Create_from_group(group, "org.mpi4py.test.sbuf")
    group.Free()
    rank, size = scomm.Get_rank(), scomm.Get_size()
    buf = bytearray(1 << 16)
    session.Attach_buffer(buf)
    payload = numpy.full(100, rank, dtype="i")
    scomm.Bsend(payload, (rank + 1) % size, 5)
    got = numpy.zeros(100, dtype="i")
    scomm.Recv(got, (rank - 1) % size, 5)
    session.Flush_buffer()
    session.Iflush_buffer().Wait()
    assert session.Detach_buffer() is buf
    assert (got == (rank - 1) % size).all()
    session.Attach_buffer(MPI.BUFFER_AUTOMATIC)
    scomm.Bsend(payload, (rank + 1) % size, 6)
    scomm.Recv(got, (rank - 1) % size, 6)
    assert session.Detach_buffer() is MPI.BUFFER_AUTOMATIC
    scomm.Free()
    assert isinstance(MPI.BUFFER_AUTOMATIC, MPI.BufferAutomaticType) and repr(MPI.BUFFER_AUTOMATIC) == "BUFFER_AUTOMATIC"


# -- window attributes --------------------------------------------------------------------------


def test_win_keyval(comm: MPI.Intracomm) -> None:
    deleted: list[tuple[int, object]] = []
    keyval = MPI.Win.Create_keyval(delete_fn=lambda w, k, v: deleted.append((k, v)))
    win = MPI.Win.Allocate(8, comm=comm)
    value = {"payload": [1, 2, 3]}
    win.Set_attr(keyval, value)
    assert win.Get_attr(keyval) is value
    win.Delete_attr(keyval)
    assert deleted == [(keyval, value)] and win.Get_attr(keyval) is None
    win.Set_attr(keyval, "second")
    win.Free()  # frees the attribute: delete_fn runs again
    assert deleted[-1] == (keyval, "second")
    assert MPI.Win.Free_keyval(keyval) == MPI.KEYVAL_INVALID
    win2 = MPI.Win.Allocate(8, comm=comm)
    with pytest.raises(ValueError, match="Win.Create_keyval"):
        win2.Set_attr(12345, 1)
    win2.Free()


# -- request status queries (MPI-4.1) ------------------------------------------------------------


def test_get_status_object_api(comm: MPI.Intracomm) -> None:
    rank = comm.Get_rank()
    rbuf = numpy.zeros(4, dtype="i")
    rreq = comm.Irecv(rbuf, rank, 77)
    if not has("MPI_Request_get_status_all"):
        unavailable("MPI_Request_get_status_all", lambda: MPI.Request.get_status_all([rreq]))
        comm.Send(numpy.arange(4, dtype="i"), rank, 77)
        rreq.Wait()
        return
    assert MPI.Request.get_status_all([rreq]) is False  # nothing sent yet
    assert MPI.Request.get_status_any([rreq]) == (MPI.UNDEFINED, False)
    assert MPI.Request.get_status_some([rreq]) == []
    sreq = comm.Isend(numpy.arange(4, dtype="i"), rank, 77)
    statuses: list[MPI.Status] = []
    while not MPI.Request.get_status_all([rreq, sreq], statuses):
        pass
    assert rreq and sreq  # non-destructive: both still to be completed
    assert statuses[0].Get_source() == rank and statuses[0].Get_tag() == 77
    index, flag = MPI.Request.get_status_any([rreq, sreq])
    assert flag and index in (0, 1)
    assert sorted(MPI.Request.get_status_some([rreq, sreq]) or []) == [0, 1]
    MPI.Request.Waitall([rreq, sreq])
    assert list(rbuf) == [0, 1, 2, 3]


# -- buffer, constants, ABI and hardware queries ------------------------------------------------


def test_buffer_extras() -> None:
    data = bytearray(b"abcd")
    buf = MPI.buffer(data)
    assert buf.format == "B" and buf.itemsize == 1 and MPI.memory is MPI.buffer
    ro = buf.toreadonly()
    assert ro.readonly and not buf.readonly and ro.address == buf.address and len(ro) == 4
    view = memoryview(ro)
    assert view.readonly and view.tobytes() == b"abcd"
    with pytest.raises(TypeError):
        view[0] = 0
    data[0] = ord("z")
    assert ro.tobytes() == b"zbcd"  # same memory


def test_error_classes() -> None:
    names = ["ERR_PROC_FAILED", "ERR_PROC_FAILED_PENDING", "ERR_REVOKED", "ERR_ABI"]
    defined = [getattr(MPI, n) for n in names if getattr(MPI, n) != MPI.UNDEFINED]
    assert len(set(defined)) == len(defined)
    for code in defined:
        assert MPI.Get_error_class(code) == code
        assert MPI.Get_error_string(code)
    # MPIX_ERR_* in every MPICH mpi.h with fault tolerance (3.x on); the MPI-5 standard ABI header has none.
    if "MPICH" in MPI.Get_library_version() and MPI._build_info()["abi"] == "mpich":
        assert MPI.ERR_PROC_FAILED != MPI.UNDEFINED and MPI.ERR_REVOKED != MPI.UNDEFINED


def test_abi_and_hw_queries() -> None:
    if has("MPI_Abi_get_version"):
        major, minor = MPI.Get_abi_version()
        assert (major, minor) == (-1, -1) or major >= 1
        info = MPI.Get_abi_info()
        assert info.Get("mpi_aint_size") == str(MPI.AINT.Get_size())
        info.Free()
        MPI.Get_abi_fortran_info().Free()
    else:
        unavailable("MPI_Abi_get_version", MPI.Get_abi_version)
        unavailable("MPI_Abi_get_info", MPI.Get_abi_info)
        unavailable("MPI_Abi_get_fortran_info", MPI.Get_abi_fortran_info)
    if has("MPI_Get_hw_resource_info"):
        hw = MPI.Get_hw_resource_info()
        assert isinstance(hw, MPI.Info) and all(isinstance(v, str) for v in hw.values())
        hw.free()
    else:
        unavailable("MPI_Get_hw_resource_info", MPI.Get_hw_resource_info)


def test_owned_areas_complete() -> None:
    """Every upstream 4.1 name of these classes and module constants exists (test/data/mpi4py-4.1-api.json)."""
    import json

    ref = json.loads((Path(__file__).resolve().parents[1] / "data" / "mpi4py-4.1-api.json").read_text())
    classes = ["File", "Info", "Session", "Win", "Status", "Request", "Grequest", "buffer", "memory", "BufferAutomaticType"]
    missing = {c: [a for a in ref["classes"][c] if not hasattr(getattr(MPI, c), a)] for c in classes}
    assert not any(missing.values()), missing
    module = ["ERR_PROC_FAILED", "ERR_PROC_FAILED_PENDING", "ERR_REVOKED", "ERR_ABI", "DISP_CUR", "WIN_FLAVOR", "F_STATUS_SIZE",
              "F_SOURCE", "F_TAG", "F_ERROR", "BUFFER_AUTOMATIC", "Get_abi_version", "Get_abi_info", "Get_abi_fortran_info",
              "Get_hw_resource_info"]
    assert all(n in ref["module"] for n in module)
    assert [n for n in module if not hasattr(MPI, n)] == []
