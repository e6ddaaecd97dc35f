"""MPI tests run as ``mpiexec -n N python -m pytest test/mpi``: every rank runs every test.

A failure on any rank makes that rank exit non-zero, so mpiexec (and the session) fails.
With more than one process, a failing test aborts the whole job at once (after printing its
report): the other ranks would otherwise wait forever in the next communication.
"""

from __future__ import annotations

import functools

import pytest
from mpi_helpers import pmix_library_version, spawn_hang_reason
from mpi_plugin import pytest_runtest_makereport, pytest_runtest_protocol  # noqa: F401  (abort + time-limit hooks)

from mpi4py import MPI


def pytest_report_header(config: pytest.Config) -> list[str]:
    comm = MPI.COMM_WORLD
    return [
        f"mpi4py: rank {comm.Get_rank()} of {comm.Get_size()}, MPI {MPI.Get_version()}",
        f"mpi4py: {MPI.Get_library_version().splitlines()[0]}",
    ]


@pytest.fixture
def comm() -> MPI.Intracomm:
    return MPI.COMM_WORLD


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


@functools.cache
def dynamic_processes_skip_reason() -> str | None:
    """Why this job cannot test dynamic processes (asked once per job), else None."""
    message = dynamic_processes_unsupported()
    if message is not None:
        return f"this MPI library declares dynamic processes unsupported: {message}"
    # a hang would stop the whole job (the per-test limit aborts it)
    return spawn_hang_reason(MPI.get_vendor(), pmix_library_version())


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("dynamic_processes") is not None:
        reason = dynamic_processes_skip_reason()
        if reason is not None:
            pytest.skip(reason)


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
