"""End-to-end checks of the merged wheel: ``nox -s wheel_abi`` runs each file in the venv prepared for it.

Each venv has the merged wheel installed and one MPI (or none); the session says what to expect
through ``MPI4PY_TEST_ABI`` (``mpich``, ``openmpi``, ``mpiabi``, ``none`` or ``wrong-mpi``) and
``MPI4PY_TEST_VENDOR``.  Run from anywhere but the source tree (its src/ must not shadow the wheel).
"""

from __future__ import annotations

import os

import pytest

CASES = ("mpich", "openmpi", "mpiabi", "none", "wrong-mpi")


def pytest_configure(config: pytest.Config) -> None:
    case = os.environ.get("MPI4PY_TEST_ABI", "")
    if case not in CASES:
        raise pytest.UsageError(f"test/abi needs MPI4PY_TEST_ABI set to one of {', '.join(CASES)} (got {case!r}); "
                                "run it through `nox -s wheel_abi`")


@pytest.fixture
def case() -> str:
    return os.environ["MPI4PY_TEST_ABI"]
