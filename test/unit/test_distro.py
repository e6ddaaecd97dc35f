"""Helpers of the deb/rpm sessions (conf/noxlib/distro.py) and the packaging files' version lines."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from noxlib import distro

TOP = Path(__file__).resolve().parents[2]


def test_packaging_versions_follow_the_project() -> None:
    version = distro.project_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", version)
    assert distro.debian_changelog_version() == version
    assert distro.spec_version() == version


def test_changelog_version_forms(tmp_path: Path) -> None:
    changelog = tmp_path / "changelog"
    changelog.write_text("mpi4py (1:4.3.0~rc1-2) unstable; urgency=medium\n\n  * x\n")
    assert distro.debian_changelog_version(changelog) == "4.3.0~rc1"
    assert distro.debian_revision(changelog) == "2"
    changelog.write_text("mpi4py 4.3.0 unstable\n")
    with pytest.raises(ValueError, match="is not 'mpi4py \\(VERSION-REVISION\\)"):
        distro.debian_changelog_version(changelog)


def test_spec_version_needs_exactly_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "x.spec"
    spec.write_text("Name: x\nVersion:        4.3.0\nRelease: 1\n")
    assert distro.spec_version(spec) == "4.3.0"
    spec.write_text("Name: x\n")
    with pytest.raises(ValueError, match="exactly one 'Version:' line, found 0"):
        distro.spec_version(spec)


def test_project_version_missing(tmp_path: Path) -> None:
    init = tmp_path / "src" / "mpi4py" / "__init__.py"
    init.parent.mkdir(parents=True)
    init.write_text("version = '1'\n")
    with pytest.raises(ValueError, match="no line like __version__"):
        distro.project_version(tmp_path)


def test_unmet_build_depends() -> None:
    message = ("dpkg-checkbuilddeps: error: Unmet build dependencies: python3-pytest <!nocheck> "
               "python3-numpy (>= 1:1.20) libfoo-dev | libbar-dev python3:any mpi-default-dev [amd64]\n")
    assert distro.parse_unmet_build_depends(message) == ["python3-pytest", "python3-numpy", "libfoo-dev", "python3", "mpi-default-dev"]
    with pytest.raises(ValueError, match="not a dpkg-checkbuilddeps message"):
        distro.parse_unmet_build_depends("dpkg-checkbuilddeps: error: cannot read debian/control")


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="not a Debian machine (dpkg-query)")
def test_missing_apt_packages() -> None:
    # dpkg itself is always installed on Debian; the other name cannot exist (uppercase is invalid).
    assert distro.missing_apt_packages(["dpkg", "NO-SUCH-PACKAGE", "dpkg"]) == ["NO-SUCH-PACKAGE"]


def test_license_line_is_one_the_distro_builds_handle() -> None:
    # Debian 12 and older Fedora ship setuptools < 77: the spec's %prep rewrites an SPDX string into the
    # table form, matching this exact line shape; Debian applies a quilt patch (next test).
    assert distro.LICENSE_LINE.search((TOP / "pyproject.toml").read_text())
    spec = (TOP / "packaging" / "fedora" / "python-mpi4py.spec").read_text()
    assert 'license = { text = "\\1" }' in spec


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs patch(1)")
def test_debian_patches_apply_to_this_tree(tmp_path: Path) -> None:
    # dpkg-source applies them without fuzz; a change near a patched line must come with a refreshed patch.
    series = (distro.DEBIAN_PATCHES / "series").read_text().split()
    assert series, "debian/patches/series lists no patch"
    for name in series:
        patch = distro.DEBIAN_PATCHES / name
        touched = re.findall(r"^\+\+\+ b/(\S+)", patch.read_text(), flags=re.MULTILINE)
        for rel in touched:
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TOP / rel, tmp_path / rel)
        result = subprocess.run(["patch", "-p1", "--fuzz=0", "--dry-run", "-i", str(patch)], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, f"debian/patches/{name} no longer applies: {result.stdout}{result.stderr}"
    rules = (TOP / "packaging" / "debian" / "rules").read_text()
    assert "sed -i" not in rules, "debian/rules edits upstream files: make that a quilt patch in debian/patches"


def test_debian_patch_drift_is_caught(tmp_path: Path) -> None:
    patch = tmp_path / "x.patch"
    patch.write_text("--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n")
    (tmp_path / "f").write_text("a\nB\n")
    result = subprocess.run(["patch", "-p1", "--fuzz=0", "--dry-run", "-i", str(patch)], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0


def test_autopkgtest_has_the_open_mpi_settings_of_rules() -> None:
    debian = TOP / "packaging" / "debian"
    assert distro.open_mpi_settings(debian / "rules"), "debian/rules sets no OMPI_* variable"
    assert distro.missing_open_mpi_settings(debian / "rules", debian / "tests" / "mpi-tests") == []


def test_missing_open_mpi_settings_are_named(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.write_text("ENV = OMPI_MCA_plm=isolated \\\n\tOMPI_MCA_osc=ucx,sm\n# OMPI_MCA_x=1 in a comment\n")
    script = tmp_path / "mpi-tests"
    script.write_text("export OMPI_MCA_osc=sm\n")
    assert distro.open_mpi_settings(rules) == {"OMPI_MCA_plm": "isolated", "OMPI_MCA_osc": "ucx,sm"}
    assert distro.missing_open_mpi_settings(rules, script) == ["mpi-tests: OMPI_MCA_plm=isolated (as in rules)",
                                                               "mpi-tests: OMPI_MCA_osc=ucx,sm (as in rules)"]


def test_debian_files_are_complete() -> None:
    debian = TOP / "packaging" / "debian"
    for name in ("control", "rules", "changelog", "copyright", "source/format", "patches/series", "tests/control", "tests/smoke",
                 "tests/mpi-tests"):
        assert (debian / name).is_file(), name
    for name in ("rules", "tests/smoke", "tests/mpi-tests"):
        assert (debian / name).stat().st_mode & 0o111, f"{name} must be executable"
    control = (debian / "control").read_text()
    assert re.search(r"^Package: python3-mpi4py$", control, flags=re.MULTILINE)
    assert re.search(r"^Depends: mpi-default-bin,", control, flags=re.MULTILINE)
    assert "mpi-default-dev" in control
    tests = (debian / "tests" / "control").read_text()
    assert tests.count("Tests:") == 2 and "Depends: python3-mpi4py" in tests


@pytest.mark.parametrize("script", distro.DISTRO_TEST_SCRIPTS, ids=lambda p: p.name)
def test_distro_checks_run_every_test(script: Path) -> None:
    assert distro.distro_test_script_problems(script) == []


def test_distro_script_problems_are_found(tmp_path: Path) -> None:
    script = tmp_path / "rules"
    script.write_text("# --ignore in a comment is fine\nMPI_TEST_ENV = OMPI_MCA_osc=ucx,sm\n"
                      "\tmpiexec -n 2 python3 -m pytest --ignore=test/mpi/test_win.py test/mpi\n")
    problems = distro.distro_test_script_problems(script)
    assert problems == ["rules: does not set MPI4PY_TEST_MPIEXEC=...",
                        "rules:3: leaves tests out: mpiexec -n 2 python3 -m pytest --ignore=test/mpi/test_win.py test/mpi"]
    script.write_text("export MPI4PY_TEST_MPIEXEC=mpiexec\npytest -q -k 'not win' tests\n")
    assert distro.distro_test_script_problems(script) == ["rules: does not set OMPI_MCA_osc=ucx,sm...", "rules: runs no test/mpi",
                                                          "rules:2: leaves tests out: pytest -q -k 'not win' tests"]


def test_spec_follows_fedora_rules() -> None:
    assert distro.spec_problems() == []


@pytest.mark.parametrize(("old", "new", "rule"), [
    ("%license LICENSE\n", "", "%license LICENSE"),
    ("Provides:       python%{python3_pkgversion}-%{pypi_name}-runtime = %{version}-%{release}\n", "", "python3-mpi4py-runtime"),
    ("Requires:       mpich%{?_isa}", "Requires:       mpich", "%{?_isa}"),
    ("%bcond_without openmpi", "%global with_openmpi 1", "gated"),
    ("Source0:        %{pypi_source %{pypi_name}}", "Source0:        mpi4py-%{version}.tar.gz", "Source0 is a download url"),
])
def test_spec_rule_breaks_are_found(tmp_path: Path, old: str, new: str, rule: str) -> None:
    text = distro.FEDORA_SPEC.read_text()
    assert old in text, f"fixture drifted: {old!r}"
    spec = tmp_path / "x.spec"
    spec.write_text(text.replace(old, new, 1))
    problems = distro.spec_problems(spec)
    assert len(problems) == 1 and rule in problems[0], problems
