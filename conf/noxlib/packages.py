"""Sessions: deb (Debian source package + python3-mpi4py) and rpm (Fedora python3-mpi4py-mpich/-openmpi).

Both start from the sdist (``dist/mpi4py-<version>.tar.gz``, reused from ``nox -s build``: Debian's orig
tarball, Fedora's Source0) and use the machine's own packaging tools and system Python (/usr/bin/python3),
never the session venv (which only builds the sdist when it is missing). Pass ``-- --apt`` to let them
``apt-get install`` what they miss (CI does); without it they stop and name the packages
(``common.ensure_apt``, the policy of every session). Artifacts land in build/deb and build/rpm.
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

from noxlib.common import APT_OPTIONS, SYSTEM_PATH, TOP, ensure_apt
from noxlib.distro import (
    debian_changelog_version,
    debian_revision,
    parse_unmet_build_depends,
    project_version,
    spec_version,
)
from noxlib.recipes import ensure_sdist

PACKAGING = TOP / "packaging"
SMOKE = TOP / "conf" / "smoke.py"
SYSTEM_PYTHON = "/usr/bin/python3"
# What `nox -s deb` itself runs, on top of debian/control's Build-Depends.
DEB_TOOLS = ("dpkg-dev", "lintian", "apt", "autopkgtest", "fakeroot")
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


def run_system(session: nox.Session, *command: str, cwd: Path | None = None, **extra_env: str) -> None:
    """Run a distribution tool with system_env() exactly: session.run would put the session venv first on
    PATH, and Debian's build tools (pybuild) take ``python3.X`` from PATH."""
    session.log(" ".join(command) + (f"  (in {cwd})" if cwd else ""))
    result = subprocess.run(command, cwd=cwd, env=system_env(**extra_env))
    if result.returncode != 0:
        session.error(f"{command[0]} failed with exit code {result.returncode}")


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


def deb_artifacts(version: str, revision: str) -> dict[str, list[Path]]:
    """What a source + binary build leaves next to the tree, by kind."""
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()
    stem = f"mpi4py_{version}"
    return {
        "orig tarball": sorted(DEB_BUILD.glob(f"{stem}.orig.tar.gz")),
        "dsc": sorted(DEB_BUILD.glob(f"{stem}-{revision}.dsc")),
        "debian tarball": sorted(DEB_BUILD.glob(f"{stem}-{revision}.debian.tar.xz")),
        "binary package": sorted(DEB_BUILD.glob(f"{DEB_PACKAGE}_{version}-{revision}_{arch}.deb")),
        "changes": sorted(DEB_BUILD.glob(f"{stem}-{revision}_{arch}.changes")),
    }


@nox.session
def deb(session: nox.Session) -> None:
    """Debian source + binary packages from the sdist (orig tarball); lintian failing on warnings;
    autopkgtest (null virt-server) on the built package; apt-get remove."""
    timings: dict[str, float] = {}
    version = project_version()
    debian_dir = PACKAGING / "debian"
    changelog_version = debian_changelog_version(debian_dir / "changelog")
    if changelog_version != version:
        session.error(f"packaging/debian/changelog is at {changelog_version}, the project at {version} "
                      "(src/mpi4py/__init__.py); run `nox -s recipes -- --write` to update the changelog.")
    revision = debian_revision(debian_dir / "changelog")
    ensure_apt(session, DEB_TOOLS, "nox -s deb")
    with timed(session, timings, "sdist"):
        sdist = ensure_sdist(session)

    tree = DEB_BUILD / f"mpi4py-{version}"
    with timed(session, timings, "orig + unpack"):
        clean_dir(DEB_BUILD)
        # The upstream tarball is the sdist; dpkg-source finds it by this name next to the tree.
        orig = DEB_BUILD / f"mpi4py_{version}.orig.tar.gz"
        shutil.copy2(sdist, orig)
        session.run("tar", "-xzf", str(orig), "-C", str(DEB_BUILD), external=True)
        if not tree.is_dir():
            session.error(f"{sdist.name} does not unpack into mpi4py-{version}/")
        shutil.copytree(debian_dir, tree / "debian")
    with timed(session, timings, "build deps"):
        ensure_apt(session, unmet_build_depends(tree), "debian/control Build-Depends")

    with timed(session, timings, "dpkg-buildpackage"):
        # Source (3.0 (quilt): orig tarball + debian.tar.xz with the patches) and binary packages.
        run_system(session, "dpkg-buildpackage", "-us", "-uc", cwd=tree)
    artifacts = deb_artifacts(version, revision)
    wrong = {kind: [p.name for p in found] for kind, found in artifacts.items() if len(found) != 1}
    if wrong:
        session.error(f"expected one file of each kind in {DEB_BUILD}, found {wrong}")
    package, changes, dsc = artifacts["binary package"][0], artifacts["changes"][0], artifacts["dsc"][0]
    for kind, (path,) in artifacts.items():
        session.log(f"{kind}: {path.relative_to(TOP)} ({path.stat().st_size / 1024:.0f} KiB)")
    session.run("dpkg-deb", "--info", str(package), external=True)
    session.run("dpkg-deb", "--contents", str(package), external=True)

    with timed(session, timings, "lintian"):
        # Warnings fail the session too; the justified tags are overridden in packaging/debian/*.lintian-overrides,
        # each with its reason (lintian counts shown overrides as failures, so they are not shown).
        run_system(session, "lintian", "--pedantic", "--fail-on", "error,warning", str(changes))

    present = installed_version(DEB_PACKAGE)
    if present is not None and not present.startswith(f"{version}-"):
        session.error(f"{DEB_PACKAGE} {present} is installed (not this build); autopkgtest would replace and the session remove it.\n"
                      f"Remove it first (apt-get remove {DEB_PACKAGE}) or run the session on a machine without it.")
    with timed(session, timings, "autopkgtest"):
        # The real runner on this machine (null virt-server): it unpacks the .dsc, installs the tests'
        # Depends with this .deb for python3-mpi4py, and runs debian/tests (smoke, mpi-tests).
        output = DEB_BUILD / "autopkgtest"
        try:
            run_system(session, "autopkgtest", "--output-dir", str(output), str(package), str(dsc), "--", "null",
                       DEBIAN_FRONTEND="noninteractive")
            listing = subprocess.run(["dpkg", "-L", DEB_PACKAGE], capture_output=True, text=True, check=True).stdout
            if not any(line.startswith(f"{DEB_SITE}/MPI.") and line.endswith(".so") for line in listing.splitlines()):
                session.error(f"dpkg -L {DEB_PACKAGE} lists no {DEB_SITE}/MPI.*.so")
        finally:
            if installed_version(DEB_PACKAGE) is not None:
                run_system(session, "apt-get", "remove", "-y", "-q", *APT_OPTIONS, "--purge", DEB_PACKAGE,
                           DEBIAN_FRONTEND="noninteractive")
    if installed_version(DEB_PACKAGE) is not None:
        session.error(f"{DEB_PACKAGE} is still installed after apt-get remove")
    session.log(f"{dsc.name} + {package.name}: built, lintian clean of warnings, autopkgtest (smoke, mpi-tests) passed, removed")
    report_timings(session, timings)


# --------------------------------------------------------------------------------------------- Fedora

RPM_BUILD = TOP / "build" / "rpm"
FEDORA = PACKAGING / "fedora"
SPEC = FEDORA / "python-mpi4py.spec"
RPM_MPIS = {  # MPI -> (Debian launcher, text expected in MPI.Get_library_version())
    "mpich": ("/usr/bin/mpiexec.mpich", "MPICH"),
    "openmpi": ("/usr/bin/mpiexec.openmpi", "Open MPI"),
}


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
                      "(src/mpi4py/__init__.py); run `nox -s recipes -- --write` to update the spec.")
    ensure_apt(session, RPM_TOOLS, "nox -s rpm")
    with timed(session, timings, "sdist"):
        sdist = ensure_sdist(session)

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
        stray = [f for f in files if not f.startswith((f"{site}/", "/usr/share/doc/", "/usr/share/licenses/", "/usr/lib/.build-id"))]
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
