"""The Python side of the C API: MPI._addressof/_handleof/_sizeof/_typecode, mpi4py.run.

The compiled routes (Cython, C, pybind11, SWIG, cffi, embedding) are built and run by ``nox -s capi``
(test/capi/)."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import pytest
from mpi_helpers import mpiexec, spawning
from mpi_plugin import clean_env

from mpi4py import MPI

HANDLE_OBJECTS = [
    lambda: MPI.COMM_WORLD, lambda: MPI.COMM_NULL, lambda: MPI.INT, lambda: MPI.SUM, lambda: MPI.GROUP_EMPTY,
    lambda: MPI.INFO_NULL, lambda: MPI.ERRORS_RETURN, lambda: MPI.REQUEST_NULL, lambda: MPI.MESSAGE_NULL,
    lambda: MPI.WIN_NULL, lambda: MPI.FILE_NULL, lambda: MPI.Session(),
]


@pytest.mark.parametrize("make", HANDLE_OBJECTS)
def test_handle_helpers_agree(make) -> None:  # noqa: ANN001
    obj = make()
    size = MPI._sizeof(obj)
    assert size == MPI._sizeof(type(obj)) and size in (4, 8)
    # The bytes at the handle's address are the handle _handleof returns.
    ctype = {4: ctypes.c_uint32, 8: ctypes.c_uint64}[size]
    assert ctype.from_address(MPI._addressof(obj)).value == MPI._handleof(obj)


def test_handleof_tells_handles_apart() -> None:
    assert MPI._handleof(MPI.COMM_WORLD) != MPI._handleof(MPI.COMM_SELF)
    assert MPI._handleof(MPI.COMM_WORLD.Dup()) != MPI._handleof(MPI.COMM_WORLD)
    assert MPI._handleof(MPI.Comm(MPI.COMM_WORLD)) == MPI._handleof(MPI.COMM_WORLD)


def test_status_helpers() -> None:
    status = MPI.Status()
    status.Set_source(3)
    assert MPI._sizeof(status) == MPI._sizeof(MPI.Status) >= 3 * ctypes.sizeof(ctypes.c_int)
    assert MPI._addressof(status) == MPI._handleof(status)  # a Status is no handle: its address


@pytest.mark.parametrize("bad", [1, "comm", None, MPI.Pickle(), object])
def test_handle_helpers_refuse_other_objects(bad: object) -> None:
    for helper in (MPI._addressof, MPI._handleof, MPI._sizeof):
        with pytest.raises(TypeError, match="arg"):
            helper(bad)


def test_sizeof_accepts_subclasses() -> None:
    assert MPI._sizeof(MPI.Cartcomm) == MPI._sizeof(MPI.Comm)
    assert MPI._sizeof(MPI.Prequest) == MPI._sizeof(MPI.Request)


def test_typecode() -> None:
    assert MPI._typecode(MPI.INT) == "i"
    assert MPI._typecode(MPI.DOUBLE) == "d"
    contiguous = MPI.INT.Create_contiguous(2)
    try:
        assert MPI._typecode(contiguous) is None
    finally:
        contiguous.Free()
    with pytest.raises(TypeError):
        MPI._typecode(1)


def test_run_command_line_runs_code_as_main(capsys: pytest.CaptureFixture[str]) -> None:
    from mpi4py import run

    saved = sys.argv[:], list(sys.path), sys.modules["__main__"]
    try:
        run.run_command_line(["-c", "import sys; print('ran', __name__, sys.argv[1:])", "x", "y"])
        with pytest.raises(ZeroDivisionError):  # no abort: the exception reaches the caller
            run.run_command_line(["-c", "1/0"])
        with pytest.raises(run.UsageError, match="no such file"):
            run.run_command_line(["/nonexistent/script.py"])
    finally:
        sys.argv[:], sys.path[:], sys.modules["__main__"] = saved
    assert "ran __main__ ['x', 'y']" in capsys.readouterr().out


def test_python_m_mpi4py_run_is_the_cli() -> None:
    out = subprocess.run([sys.executable, "-m", "mpi4py.run", "--version"], capture_output=True, text=True, check=True)
    import mpi4py

    assert out.stdout.strip() == f"mpi4py {mpi4py.__version__}"


@spawning  # its own MPI job: only in the single-process run
def test_set_abort_status_aborts_at_exit() -> None:
    code = "from mpi4py import MPI, run; run.set_abort_status(7); print('exiting', flush=True)"
    result = subprocess.run([mpiexec(), "-n", "1", sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, env=clean_env())
    assert "exiting" in result.stdout
    assert result.returncode != 0  # MPI_Abort(7) instead of a clean finalize
