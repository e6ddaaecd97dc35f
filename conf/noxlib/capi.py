"""Session: capi -- the C/Cython API from a package author's side (issue 17's acceptance).

``nox -s capi -- --apt`` builds our wheel with Debian's MPICH (``mpicc.mpich``: parallel HDF5 links the
same library), then builds and runs at 2 ranks: one small example per interoperability route
(test/capi/test_routes.py: Cython cimport, C with mpi4py.h, pybind11, SWIG, ctypes/cffi, a C program
embedding Python) and two third-party packages (test/capi/test_thirdparty.py): h5py built from source
with parallel HDF5, and numba-mpi from PyPI with its own tests.
"""

from __future__ import annotations

import tarfile
import time
from pathlib import Path

import nox

from noxlib.common import APT_FLAG, QUICK_BUILD_ENV, TOP, build_wheel, ensure_apt, install_ours, mpiexec_env

APT = ("libmpich-dev", "mpich", "libhdf5-mpich-dev", "pkg-config", "swig", "gcc", "g++")
# The MPI of the whole session: Debian's MPICH, the one libhdf5-mpich-dev is built with.
TOOLS = {"MPI4PY_CAPI_MPICC": "mpicc.mpich", "MPI4PY_CAPI_MPICXX": "mpicxx.mpich", "MPI4PY_CAPI_MPIEXEC": "mpiexec.mpich"}
NUMBA_MPI = "numba-mpi==1.3.1"  # pinned: its tests come from the matching sdist


@nox.session
def capi(session: nox.Session) -> None:
    """C/Cython API acceptance: every interoperability route + h5py (parallel HDF5) + numba-mpi at 2 ranks."""
    started = time.monotonic()
    timings: list[tuple[str, float]] = []

    def timed(what: str, since: float) -> float:
        now = time.monotonic()
        timings.append((what, now - since))
        return now

    ensure_apt(session, APT, "nox -s capi")
    session.install("pytest", "Cython>=3.0", "setuptools>=77", "wheel", "pkgconfig", "pybind11", "cffi",
                    "numba", "numpy", "psutil")
    mark = timed("apt + venv", started)
    # Our build serves headers and linkage, not the optimizer (QUICK_BUILD_ENV). h5py's build is mostly
    # Cython and setuptools: -O0 did not shorten it (78 s against 74 s at its default flags).
    wheel = build_wheel(session, TOP / "build" / "wheel-capi-mpich",
                        env={"MPI4PY_BUILD_MPICC": "mpicc.mpich", **QUICK_BUILD_ENV})
    install_ours(session, wheel)
    mark = timed("our wheel (Debian MPICH, -O0)", mark)
    # Third-party packages against the installed mpi4py (never upstream's from PyPI: --no-deps).
    session.install("--no-deps", NUMBA_MPI)
    session.install("--no-deps", "--no-binary", "h5py", "--no-build-isolation", "h5py",
                    env={"CC": "mpicc.mpich", "HDF5_MPI": "ON", "HDF5_PKGCONFIG_NAME": "hdf5-mpich"})
    mark = timed("h5py from source + numba-mpi", mark)
    tests = numba_mpi_tests(session)
    timed("numba-mpi tests from its sdist", mark)
    for what, seconds in timings:
        session.log(f"capi: timing {what:40s} {seconds:6.1f} s")
    session.log(f"capi: set-up took {time.monotonic() - started:.0f} s")
    session.chdir(TOP)
    env = mpiexec_env({**TOOLS, "MPI4PY_CAPI_NUMBA_MPI_TESTS": str(tests)})
    pytest_args = [a for a in session.posargs if a != APT_FLAG]
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", "-v", "--durations=0", "test/capi", *pytest_args, env=env)
    session.log(f"capi: done in {time.monotonic() - started:.0f} s")


def numba_mpi_tests(session: nox.Session) -> Path:
    """The tests/ directory of numba-mpi's sdist (the version installed), unpacked under build/capi."""
    where = TOP / "build" / "capi"
    where.mkdir(parents=True, exist_ok=True)
    session.run("python", "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", str(where), NUMBA_MPI)
    (sdist,) = sorted(where.glob("numba_mpi-*.tar.gz"))
    with tarfile.open(sdist) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.12 (and recent 3.9-3.11 patch releases)
            tar.extractall(where, filter="data")
        else:
            tar.extractall(where)
    return where / sdist.name.removesuffix(".tar.gz") / "tests"
