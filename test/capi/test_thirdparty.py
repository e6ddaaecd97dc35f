"""Third-party packages built or installed against our mpi4py, run at 2 ranks (nox -s capi installs them).

h5py: built from source with parallel HDF5 (Debian's libhdf5-mpich-dev; mpi4py and h5py both with
mpicc.mpich), a collective write and read of one dataset with driver="mpio".  numba-mpi: its own test
suite (tests/api of its sdist, which MPI4PY_CAPI_NUMBA_MPI_TESTS names); it reaches MPI through
MPI._addressof/_sizeof."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from test_routes import EXAMPLES, require, run_job


def test_h5py_parallel_write_and_read(tmp_path: Path) -> None:
    require("h5py")
    path = tmp_path / "ranks.h5"
    lines = run_job(tmp_path, sys.executable, str(EXAMPLES / "h5py_route.py"), str(path))
    assert sorted(lines) == [f"h5py rank {r} of 2: read back [0, 1]" for r in range(2)]
    assert path.stat().st_size > 0


def test_numba_mpi_own_tests(tmp_path: Path) -> None:
    require("numba_mpi")
    tests = os.environ.get("MPI4PY_CAPI_NUMBA_MPI_TESTS", "")
    if not tests or not Path(tests, "api").is_dir():
        pytest.fail(f"MPI4PY_CAPI_NUMBA_MPI_TESTS={tests!r}: set it to the tests/ directory of numba-mpi's sdist")
    # numba-mpi's own command (its CI): every test at 2 ranks, warnings as errors.
    run_job(Path(tests).parent, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-p", "no:unraisableexception", "-We", str(Path(tests, "api")))
