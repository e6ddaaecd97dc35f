"""MPI tests run as ``mpiexec -n N python -m pytest test/mpi``: every rank runs every test.

A failure on any rank makes that rank exit non-zero, so mpiexec (and the session) fails.
With more than one process, a failing test aborts the whole job at once (after printing its
report): the other ranks would otherwise wait forever in the next communication.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
from pathlib import Path

import pytest

from mpi4py import MPI

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # test/: the shared mpi_plugin module
from mpi_plugin import TOP, clean_env, pytest_runtest_makereport, pytest_runtest_protocol  # noqa: E402, F401  (abort + time-limit hooks)


def pytest_report_header(config: pytest.Config) -> list[str]:
    comm = MPI.COMM_WORLD
    return [
        f"mpi4py: rank {comm.Get_rank()} of {comm.Get_size()}, MPI {MPI.Get_version()}",
        f"mpi4py: {MPI.Get_library_version().splitlines()[0]}",
    ]


@pytest.fixture
def comm() -> MPI.Intracomm:
    return MPI.COMM_WORLD


MPIEXEC_VARIABLE = "MPI4PY_TEST_MPIEXEC"


def mpiexec() -> str:
    """The launcher of the jobs the tests start themselves (test_spawning, test_futures_launch, test_stubs).

    ``MPI4PY_TEST_MPIEXEC`` (a path, or a command name looked up on PATH) when set: the distro checks
    name the mpiexec of the MPI the package was built for, which need not be /usr/bin/mpiexec.
    Otherwise the mpiexec next to the running Python (an MPI installed from PyPI), then ``mpiexec`` on PATH.
    """
    chosen = os.environ.get(MPIEXEC_VARIABLE, "").strip()
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise FileNotFoundError(f"{MPIEXEC_VARIABLE}={chosen!r} is not an executable file nor a command on PATH; "
                                    "set it to the mpiexec of the MPI that mpi4py was built with, or unset it")
        return found
    beside = Path(sys.executable).parent / "mpiexec"
    if beside.exists():
        return str(beside)
    found = shutil.which("mpiexec")
    if found is None:
        raise FileNotFoundError(f"no mpiexec next to {sys.executable} nor on PATH; install an MPI into this environment "
                                f"or set {MPIEXEC_VARIABLE} to the mpiexec of the MPI that mpi4py was built with")
    return found


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "ranks(min=1, max=None): run only in jobs whose size is in [min, max]")
    config.addinivalue_line("markers", "dynamic_processes: needs MPI_Comm_spawn/MPI_Open_port from the MPI library")


@functools.cache
def dynamic_processes_unsupported() -> str | None:
    """The library's own message when it declares dynamic processes unsupported, else None.

    Debian 12's MPICH 4.0.2 (ch4:ucx netmod) answers every MPI_Open_port/MPI_Comm_spawn with "The function
    is currently not supported with ucx netmod". Only such a not-supported answer counts: any other error
    is left to the test, which then fails.
    """
    try:
        port = MPI.Open_port()
    except MPI.Exception as exc:
        message = " ".join(str(exc).split())
        if "not supported" in message.lower():
            return message
        return None
    MPI.Close_port(port)
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("dynamic_processes") is not None:
        message = dynamic_processes_unsupported()
        if message is not None:
            pytest.skip(f"this MPI library declares dynamic processes unsupported: {message}")




def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests written for some job sizes are not collected in the others (deselected, not skipped):
    the nox sessions run every size, so each test runs with every size it is written for."""
    size = MPI.COMM_WORLD.Get_size()
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        marker = item.get_closest_marker("ranks")
        low, high = (marker.kwargs.get("min", 1), marker.kwargs.get("max")) if marker else (1, None)
        (keep if low <= size and (high is None or size <= high) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


# Starts its own MPI jobs: only from the single-process run (the 2- and 3-rank runs would start it N times).
spawning = pytest.mark.ranks(max=1)


def built_with(routine: str) -> bool:
    """Whether this build compiled ``routine`` from the MPI library (not its fallback stub).

    Decided by what the build found, not by ``MPI.Get_version()``: some libraries (Open MPI 5) provide
    MPI-4 routines while their mpi.h reports MPI 3.1.
    """
    return routine not in MPI._missing_symbols()


def library() -> str:
    """The running MPI library, for skip reasons: ``MPICH 3.4.3``."""
    name, version = MPI.get_vendor()
    return f"{name} {'.'.join(map(str, version))}"


def mpi4_only(call, routine: str) -> bool:  # noqa: ANN001
    """Run ``call``; when the build lacks ``routine`` it must raise NotImplementedError naming it instead.

    Returns True when the call ran, False after checking the unavailable-routine error.
    """
    if built_with(routine):
        call()
        return True
    with pytest.raises(NotImplementedError, match=routine):
        call()
    return False
