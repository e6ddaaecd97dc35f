"""Sessions: deb (Debian python3-mpi4py) and rpm (Fedora python3-mpi4py-mpich/-openmpi), built for real.

Both use the machine's own packaging tools and system Python (/usr/bin/python3), never the session
venv: ``nox -s deb`` and ``nox -s rpm``. Pass ``-- --apt`` to let them ``apt-get install`` what they
miss (CI does); without it they stop and name the packages (``common.ensure_apt``, the policy of every
session). Artifacts land in build/deb and build/rpm.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nox

from noxlib.common import APT_OPTIONS, DIST, SYSTEM_PATH, TOP, ensure_apt
from noxlib.distro import (
    debian_changelog_version,
    parse_unmet_build_depends,
    project_version,
    spec_version,
)

PACKAGING = TOP / "packaging"
SMOKE = TOP / "conf" / "smoke.py"
SYSTEM_PYTHON = "/usr/bin/python3"
# What `nox -s deb` itself runs, on top of debian/control's Build-Depends.
DEB_TOOLS = ("dpkg-dev", "lintian", "apt")
# What `nox -s rpm` runs; the spec's BuildRequires are Fedora names, so here they are mapped to
# Debian packages that provide the same (system Python with setuptools/pip/pytest, both MPIs).
RPM_TOOLS = ("rpm", "rpmlint", "cpio", "file", "gcc", "make", "python3-dev", "python3-setuptools", "python3-pip",
             "python3-pytest", "python3-numpy", "cython3", "libmpich-dev", "mpich", "libopenmpi-dev", "openmpi-bin")


def system_env(**extra: str) -> dict[str, str]:
    """A clean environment for the distribution tools: system PATH only (no venv, no pyenv shims)."""
    env = {"PATH": SYSTEM_PATH, "HOME": os.environ.get("HOME", "/root"), "LC_ALL": "C.UTF-8", "TERM": "dumb"}
    for name in ("DEB_BUILD_OPTIONS", "TMPDIR", "SOURCE_DATE_EPOCH"):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update(extra)
    return env


# ---------------------------------------------------------------------------------------------- apt


@contextmanager
def timed(session: nox.Session, timings: dict[str, float], step: str) -> Iterator[None]:
    start = time.monotonic()
    try:
        yield
    finally:
        timings[step] = time.monotonic() - start


def report_timings(session: nox.Session, timings: dict[str, float]) -> None:
    lines = [f"  {step:<24} {seconds:7.1f} s" for step, seconds in timings.items()]
    session.log("durations:\n" + "\n".join(lines) + f"\n  {'total':<24} {sum(timings.values()):7.1f} s")


def clean_dir(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


def copy_source_tree(dest: Path) -> None:
    """The project's files (tracked and new, not ignored) into ``dest``: no build/, dist/, .nox/ or venvs."""
    clean_dir(dest)
    if not (TOP / ".git").exists():  # an unpacked sdist: it holds nothing else
        shutil.copytree(TOP, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("build", "dist", ".nox", "__pycache__"))
        return
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=TOP, capture_output=True, check=True).stdout
    for name in filter(None, listing.decode().split("\0")):
        source = TOP / name
        if source.is_file():  # deleted-but-tracked files are listed too
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


# --------------------------------------------------------------------------------------------- Debian

DEB_BUILD = TOP / "build" / "deb"
DEB_PACKAGE = "python3-mpi4py"
DEB_SITE = "/usr/lib/python3/dist-packages/mpi4py"


def unmet_build_depends(tree: Path) -> list[str]:
    """debian/control's Build-Depends that are not installed, as apt package names."""
    result = subprocess.run(["dpkg-checkbuilddeps"], cwd=tree, capture_output=True, text=True, env=system_env())
    return [] if result.returncode == 0 else parse_unmet_build_depends(result.stderr)


def installed_version(package: str) -> str | None:
    result = subprocess.run(["dpkg-query", "-W", "-f=${Status}|${Version}", package], capture_output=True, text=True)
    status, _, version = result.stdout.partition("|")
    return version if result.returncode == 0 and "install ok installed" in status else None


@nox.session(venv_backend="none")
def deb(session: nox.Session) -> None:
    """Debian package: dpkg-buildpackage, lintian, apt-get install, smoke test, apt-get remove."""
    timings: dict[str, float] = {}
    version = project_version()
    debian_dir = PACKAGING / "debian"
    changelog_version = debian_changelog_version(debian_dir / "changelog")
    if changelog_version != version:
        session.error(f"packaging/debian/changelog is at {changelog_version}, the project at {version} "
                      "(src/mpi4py/__init__.py); run `nox -s recipes` to update the changelog.")
    ensure_apt(session, DEB_TOOLS, "nox -s deb")

    tree = DEB_BUILD / f"mpi4py-{version}"
    with timed(session, timings, "copy tree"):
        clean_dir(DEB_BUILD)
        copy_source_tree(tree)
        shutil.copytree(debian_dir, tree / "debian")
    with timed(session, timings, "build deps"):
        ensure_apt(session, unmet_build_depends(tree), "debian/control Build-Depends")

    with timed(session, timings, "dpkg-buildpackage"):
        session.chdir(tree)
        session.run("dpkg-buildpackage", "-us", "-uc", "-b", external=True, env=system_env(), include_outer_env=False)
    debs = sorted(DEB_BUILD.glob(f"{DEB_PACKAGE}_{version}-*_*.deb"))
    if len(debs) != 1:
        session.error(f"expected one {DEB_PACKAGE}_{version}-*.deb in {DEB_BUILD}, found {[d.name for d in debs]}")
    (changes,) = DEB_BUILD.glob(f"mpi4py_{version}-*_*.changes")
    package = debs[0]
    session.log(f"built {package.relative_to(TOP)} ({package.stat().st_size / 1024:.0f} KiB)")
    session.run("dpkg-deb", "--info", str(package), external=True)
    session.run("dpkg-deb", "--contents", str(package), external=True)

    with timed(session, timings, "lintian"):
        # Errors fail the session; warnings are printed; the justified ones are overridden in
        # packaging/debian/python3-mpi4py.lintian-overrides (shown below with --show-overrides).
        session.run("lintian", "--pedantic", "--show-overrides", "--fail-on", "error", str(changes),
                    external=True, env=system_env(), include_outer_env=False)

    present = installed_version(DEB_PACKAGE)
    if present is not None and not present.startswith(f"{version}-"):
        session.error(f"{DEB_PACKAGE} {present} is installed (not this build); the session would replace and then remove it.\n"
                      f"Remove it first (apt-get remove {DEB_PACKAGE}) or run the session on a machine without it.")
    ensure_apt(session, ["apt"], "installing the .deb")
    with timed(session, timings, "install + autopkgtests"):
        session.run("apt-get", "install", "-y", "-q", *APT_OPTIONS, "--reinstall", str(package), external=True,
                    env=system_env(DEBIAN_FRONTEND="noninteractive"), include_outer_env=False)
        try:
            listing = subprocess.run(["dpkg", "-L", DEB_PACKAGE], capture_output=True, text=True, check=True).stdout
            if not any(line.startswith(f"{DEB_SITE}/MPI.") and line.endswith(".so") for line in listing.splitlines()):
                session.error(f"dpkg -L {DEB_PACKAGE} lists no {DEB_SITE}/MPI.*.so")
            # The autopkgtests, on the installed package: the shared smoke test (conf/smoke.py),
            # then the MPI test suite from a copy outside the source tree.
            session.run(str(tree / "debian" / "tests" / "smoke"), external=True, env=system_env(), include_outer_env=False)
            scratch = DEB_BUILD / "autopkgtest-tmp"
            clean_dir(scratch)
            session.run(str(tree / "debian" / "tests" / "mpi-tests"), external=True,
                        env=system_env(AUTOPKGTEST_TMP=str(scratch)), include_outer_env=False)
        finally:
            session.run("apt-get", "remove", "-y", "-q", *APT_OPTIONS, "--purge", DEB_PACKAGE, external=True,
                        env=system_env(DEBIAN_FRONTEND="noninteractive"), include_outer_env=False)
    if installed_version(DEB_PACKAGE) is not None:
        session.error(f"{DEB_PACKAGE} is still installed after apt-get remove")
    session.log(f"{package.name}: built, lintian clean of errors, installed, autopkgtests (smoke, mpi-tests) passed, removed")
    report_timings(session, timings)


# --------------------------------------------------------------------------------------------- Fedora

RPM_BUILD = TOP / "build" / "rpm"
FEDORA = PACKAGING / "fedora"
SPEC = FEDORA / "python-mpi4py.spec"
RPM_MPIS = {  # MPI -> (Debian launcher, text expected in MPI.Get_library_version())
    "mpich": ("/usr/bin/mpiexec.mpich", "MPICH"),
    "openmpi": ("/usr/bin/mpiexec.openmpi", "Open MPI"),
}


def find_or_build_sdist(session: nox.Session, version: str, outdir: Path) -> Path:
    """Our sdist: dist/mpi4py-VERSION.tar.gz when present, else built once with ``python -m build --sdist``."""
    name = f"mpi4py-{version}.tar.gz"
    if (DIST / name).is_file():
        session.log(f"using {DIST / name} (delete it to rebuild the sdist)")
        return DIST / name
    session.install("build")
    session.run("python", "-m", "build", "--sdist", "--outdir", str(DIST), str(TOP))
    if not (DIST / name).is_file():
        session.error(f"python -m build --sdist did not produce dist/{name}")
    return DIST / name


def rpm_files(rpm: Path) -> list[str]:
    return subprocess.run(["rpm", "-qpl", str(rpm)], capture_output=True, text=True, check=True).stdout.split()


def unpack_rpm(session: nox.Session, rpm: Path, root: Path) -> None:
    clean_dir(root)
    command = f"cd '{root}' && rpm2cpio '{rpm}' | cpio -idm --quiet"
    session.run("sh", "-c", command, external=True, env=system_env(), include_outer_env=False)


@nox.session
def rpm(session: nox.Session) -> None:
    """Fedora RPMs on this Debian box: rpmbuild -ba --nodeps (Fedora macros stood in for), rpmlint, smoke per MPI."""
    timings: dict[str, float] = {}
    version = project_version()
    if spec_version(SPEC) != version:
        session.error(f"{SPEC.relative_to(TOP)} has Version: {spec_version(SPEC)}, the project {version} "
                      "(src/mpi4py/__init__.py); run `nox -s recipes` to update the spec.")
    ensure_apt(session, RPM_TOOLS, "nox -s rpm")
    with timed(session, timings, "sdist"):
        sdist = find_or_build_sdist(session, version, DIST)

    topdir = RPM_BUILD / "rpmbuild"
    clean_dir(RPM_BUILD)
    for sub in ("SOURCES", "SPECS", "BUILD", "BUILDROOT", "RPMS", "SRPMS"):
        (topdir / sub).mkdir(parents=True)
    shutil.copy2(sdist, topdir / "SOURCES" / sdist.name)
    shutil.copy2(SPEC, topdir / "SPECS" / SPEC.name)
    with timed(session, timings, "rpmbuild -ba"):
        # --nodeps: the BuildRequires are Fedora names; ensure_apt installed the Debian equivalents.
        session.run("rpmbuild", "-ba", "--nodeps", "--load", str(FEDORA / "debian-host.macros"),
                    "--define", f"_topdir {topdir}", str(topdir / "SPECS" / SPEC.name),
                    external=True, env=system_env(), include_outer_env=False)
    srpms = sorted((topdir / "SRPMS").glob(f"python-mpi4py-{version}-*.src.rpm"))
    rpms = {mpi: sorted((topdir / "RPMS").glob(f"*/python3-mpi4py-{mpi}-{version}-*.rpm")) for mpi in RPM_MPIS}
    if len(srpms) != 1 or any(len(found) != 1 for found in rpms.values()):
        session.error(f"expected one SRPM and one RPM per MPI, found {srpms} and {rpms}")
    for path in [*srpms, *(found[0] for found in rpms.values())]:
        session.log(f"built {path.relative_to(TOP)} ({path.stat().st_size / 1024:.0f} KiB)")

    with timed(session, timings, "rpmlint"):
        # rpmlint exits non-zero on errors only; warnings are printed, and the justified ones are
        # filtered in packaging/fedora/python-mpi4py.rpmlintrc (package) and rpmlint-debian-host.toml (Fedora policy, build host).
        session.run("rpmlint", "-c", str(FEDORA / "rpmlint-debian-host.toml"), "-r", str(FEDORA / "python-mpi4py.rpmlintrc"),
                    str(SPEC), str(srpms[0]),
                    *(str(found[0]) for found in rpms.values()), external=True, env=system_env(), include_outer_env=False)

    python_version = subprocess.run([SYSTEM_PYTHON, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                    capture_output=True, text=True, check=True).stdout.strip()
    for mpi, (mpiexec, library) in RPM_MPIS.items():
        package = rpms[mpi][0]
        site = f"/usr/lib64/python{python_version}/site-packages/{mpi}"
        files = rpm_files(package)
        session.log(f"rpm -qpl {package.name}:\n  " + "\n  ".join(files))
        if f"{site}/mpi4py/__init__.py" not in files or not any(f.startswith(f"{site}/mpi4py/MPI.") and f.endswith(".so") for f in files):
            session.error(f"{package.name} does not install mpi4py (__init__.py and MPI.*.so) under {site}/mpi4py")
        stray = [f for f in files if not f.startswith((f"{site}/", "/usr/share/doc/", "/usr/lib/.build-id"))]
        if stray:
            session.error(f"{package.name} installs files outside {site}: {stray}")
        with timed(session, timings, f"smoke {mpi}"):
            stage = RPM_BUILD / "stage" / mpi
            unpack_rpm(session, package, stage)
            session.run(SYSTEM_PYTHON, str(SMOKE), "--python", SYSTEM_PYTHON, "--mpiexec", mpiexec,
                        "--pythonpath", f"{stage}{site}", "--expect-path", f"{stage}{site}/mpi4py",
                        "--expect-version", version, "--expect-library", library,
                        external=True, env=system_env(), include_outer_env=False)
    session.log(f"SRPM + python3-mpi4py-mpich + python3-mpi4py-openmpi {version}: built, rpmlint clean of errors, smoke tests passed")
    report_timings(session, timings)
