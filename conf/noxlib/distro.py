"""Plain helpers of the deb/rpm sessions (no nox import, so the unit tests can use them)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
DEBIAN_CHANGELOG = TOP / "packaging" / "debian" / "changelog"
FEDORA_SPEC = TOP / "packaging" / "fedora" / "python-mpi4py.spec"
DEBIAN_PATCHES = TOP / "packaging" / "debian" / "patches"
# The form of project.license that the spec's %prep rewrites for setuptools < 77 (Debian: a quilt
# patch), or the table form those setuptools read as is.
LICENSE_LINE = re.compile(r'^license = (?:"[^"]*"|\{ text = "[^"]*" \})$', flags=re.MULTILINE)


def project_version(top: Path = TOP) -> str:
    """``__version__`` of src/mpi4py/__init__.py: the one version source of every channel."""
    path = top / "src" / "mpi4py" / "__init__.py"
    match = re.search(r'^__version__ = "([^"]+)"$', path.read_text(), flags=re.MULTILINE)
    if not match:
        raise ValueError(f'{path}: no line like __version__ = "X.Y.Z"')
    return match.group(1)


def _debian_changelog_parts(changelog: Path) -> tuple[str, str]:
    lines = changelog.read_text().splitlines()
    first = lines[0] if lines else ""
    match = re.match(r"^\S+ \((?:\d+:)?([^)\s]+)-([^-)\s]+)\) ", first)
    if not match:
        raise ValueError(f"{changelog}: first line {first!r} is not 'mpi4py (VERSION-REVISION) DIST; urgency=...'")
    return match.group(1), match.group(2)


def debian_changelog_version(changelog: Path = DEBIAN_CHANGELOG) -> str:
    """Upstream part of the version on the first line: ``mpi4py (4.2.0-1) unstable; ...`` -> 4.2.0."""
    return _debian_changelog_parts(changelog)[0]


def debian_revision(changelog: Path = DEBIAN_CHANGELOG) -> str:
    """Debian revision on the first line: ``mpi4py (4.2.0-1) unstable; ...`` -> 1."""
    return _debian_changelog_parts(changelog)[1]


def spec_version(spec: Path = FEDORA_SPEC) -> str:
    """The spec's ``Version:`` (the only place the spec states the version)."""
    found = re.findall(r"^Version:\s*(\S+)\s*$", spec.read_text(), flags=re.MULTILINE)
    if len(found) != 1:
        raise ValueError(f"{spec}: expected exactly one 'Version:' line, found {len(found)}")
    return found[0]


def parse_unmet_build_depends(stderr: str) -> list[str]:
    """Package names from dpkg-checkbuilddeps' "Unmet build dependencies: a (>= 1) b | c" message.

    For an alternative ``b | c`` the first is taken (what apt would install for it).
    """
    match = re.search(r"Unmet build dependencies: (.*)", stderr)
    if not match:
        raise ValueError(f"not a dpkg-checkbuilddeps message: {stderr.strip()!r}")
    text = re.sub(r"\([^)]*\)|\[[^]]*\]|<[^>]*>", " ", match.group(1))  # versions, arches, profiles
    names: list[str] = []
    alternative = False
    for token in text.replace("|", " | ").split():
        if token == "|":
            alternative = True
        elif alternative:
            alternative = False
        else:
            names.append(token.split(":")[0])  # drop :any / :native
    return names


def missing_apt_packages(names: Sequence[str]) -> list[str]:
    """Those of ``names`` that dpkg does not list as installed."""
    missing = []
    for name in names:
        result = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True)
        if result.returncode != 0 or "install ok installed" not in result.stdout:
            missing.append(name)
    return missing


# The scripts that run test/mpi in the distro checks: debian/rules (build time), the autopkgtest,
# the spec's %check. Each must run the whole suite and set what the suite needs there.
DISTRO_TEST_SCRIPTS = (
    TOP / "packaging" / "debian" / "rules",
    TOP / "packaging" / "debian" / "tests" / "mpi-tests",
    FEDORA_SPEC,
)
# What every one of them must set: the launcher of the jobs the tests start (test/mpi/conftest.py
# reads it), and Open MPI's one-sided components (Open MPI 4.1's default, osc/rdma, fails MPI_Win_create).
DISTRO_TEST_SETTINGS = ("MPI4PY_TEST_MPIEXEC=", "OMPI_MCA_osc=ucx,sm")
# pytest options that leave tests out.
_LEAVE_OUT = re.compile(r"--ignore(?:-glob)?\b|--deselect\b|(?<!\S)-k\s|\bTEST_IGNORE\b|%\{?test_ignore\b")


def distro_test_script_problems(script: Path) -> list[str]:
    """What keeps ``script`` from running the whole MPI suite the way the distro checks need it."""
    text = script.read_text()
    problems = [f"{script.name}: does not set {setting}..." for setting in DISTRO_TEST_SETTINGS if setting not in text]
    if "test/mpi" not in text:
        problems.append(f"{script.name}: runs no test/mpi")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("#") and _LEAVE_OUT.search(line):
            problems.append(f"{script.name}:{number}: leaves tests out: {line.strip()}")
    return problems


_OMPI_SETTING = re.compile(r"\b((?:OMPI|PRTE)_[A-Za-z0-9_]+)=(\S+)")


def open_mpi_settings(script: Path) -> dict[str, str]:
    """The ``OMPI_*``/``PRTE_*`` variables ``script`` sets, outside comments, with their values."""
    lines = (line for line in script.read_text().splitlines() if not line.lstrip().startswith("#"))
    return {name: value.rstrip("\\;") for line in lines for name, value in _OMPI_SETTING.findall(line)}


def missing_open_mpi_settings(reference: Path, script: Path) -> list[str]:
    """Settings of ``reference`` (debian/rules) that ``script`` (an autopkgtest) lacks or sets otherwise."""
    have = open_mpi_settings(script)
    return [f"{script.name}: {name}={value} (as in {reference.name})"
            for name, value in open_mpi_settings(reference).items() if have.get(name) != value]


# Fedora's packaging rules the spec must keep (what a reviewer checks first), each with a pattern.
SPEC_RULES = (
    ("every %files section has %license LICENSE", lambda text: text.count("%files") == text.count("%license LICENSE")),
    ("each MPI build Provides python3-mpi4py-runtime (what dependent packages require)",
     lambda text: text.count("Provides:       python%{python3_pkgversion}-%{pypi_name}-runtime = %{version}-%{release}")
     == text.count("%package")),
    ("MPI run requirements carry %{?_isa}",
     lambda text: all(line.rstrip().endswith("%{?_isa}") for line in re.findall(r"^Requires:.*(?:mpich|openmpi).*$", text, re.MULTILINE))),
    ("the Open MPI build is gated on the architectures that have Open MPI (%bcond openmpi)",
     lambda text: "%bcond_without openmpi" in text and text.count("%if %{with openmpi}") >= 5),
    ("Source0 is a download url (%{pypi_source ...} or https://)",
     lambda text: re.search(r"^Source0:\s+(?:%\{pypi_source\b|https://)", text, re.MULTILINE) is not None),
)


def spec_problems(spec: Path = FEDORA_SPEC) -> list[str]:
    """The Fedora rules of SPEC_RULES that ``spec`` breaks."""
    text = spec.read_text()
    return [f"{spec.name}: {rule}" for rule, holds in SPEC_RULES if not holds(text)]
