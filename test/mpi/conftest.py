"""MPI tests run as ``mpiexec -n N python -m pytest test/mpi``: every rank runs every test.

A failure on any rank makes that rank exit non-zero, so mpiexec (and the session) fails.
"""

from __future__ import annotations

import pytest

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
