from __future__ import annotations

import mpi4py
from mpi4py import MPI


def test_imported_package_is_ours() -> None:
    assert mpi4py.__version__ == "4.2.0"
    assert "site-packages" in mpi4py.__file__ or "dist-packages" in mpi4py.__file__


def test_initialized_state() -> None:
    assert MPI.Is_initialized() is True
    assert MPI.Is_finalized() is False
    assert MPI.Is_thread_main() is True
    assert MPI.Query_thread() in (MPI.THREAD_SINGLE, MPI.THREAD_FUNNELED, MPI.THREAD_SERIALIZED, MPI.THREAD_MULTIPLE)
    assert MPI.THREAD_SINGLE < MPI.THREAD_FUNNELED < MPI.THREAD_SERIALIZED < MPI.THREAD_MULTIPLE


def test_versions() -> None:
    major, minor = MPI.Get_version()
    assert major >= 3 and minor >= 0
    assert MPI.VERSION >= 3 and MPI.SUBVERSION >= 0
    text = MPI.Get_library_version()
    assert isinstance(text, str) and any(name in text for name in ("MPICH", "Open MPI", "Intel", "Microsoft"))
    assert "\0" not in text and text == text.rstrip("\0")
    assert MPI._build_info()["abi"] in ("mpich", "openmpi", "mpiabi", "impi", "msmpi", "unknown")


def test_processor_name() -> None:
    name = MPI.Get_processor_name()
    assert isinstance(name, str) and 0 < len(name) <= MPI.MAX_PROCESSOR_NAME and "\0" not in name


def test_timers() -> None:
    t0 = MPI.Wtime()
    tick = MPI.Wtick()
    total = 0
    for i in range(10000):
        total += i
    t1 = MPI.Wtime()
    assert isinstance(t0, float) and t1 >= t0
    assert 0.0 < tick < 1.0


def test_constants() -> None:
    assert MPI.ANY_SOURCE != MPI.PROC_NULL and MPI.ANY_TAG < 0
    assert MPI.UNDEFINED != 0
    assert len({MPI.IDENT, MPI.CONGRUENT, MPI.SIMILAR, MPI.UNEQUAL}) == 4
    assert MPI.MAX_ERROR_STRING > 0 and MPI.MAX_LIBRARY_VERSION_STRING > 0


def test_pcontrol() -> None:
    # Either the routine works, or (a build that hides MPI_Pcontrol) the stub names it.
    try:
        results = (MPI.Pcontrol(1), MPI.Pcontrol(0))
    except NotImplementedError as exc:
        assert "MPI_Pcontrol" in str(exc) and "not available" in str(exc)
    else:
        assert results == (None, None)


def test_rc_defaults_applied() -> None:
    assert mpi4py.rc.initialize is True and mpi4py.rc.errors == "exception"
    # errors="exception": an MPI error raises instead of aborting
    try:
        MPI.COMM_WORLD.Send(bytearray(1), dest=MPI.COMM_WORLD.Get_size() + 7)
    except MPI.Exception as exc:
        assert exc.Get_error_class() == MPI.ERR_RANK
    else:
        raise AssertionError("sending to an invalid rank did not raise MPI.Exception")
