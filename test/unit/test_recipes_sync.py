"""The recipes of every channel agree with the project version (and, given the sdist, its sha256).

``MPI4PY_SDIST=dist/mpi4py-X.tar.gz`` (set by ``nox -s recipes``) adds the sha256 comparison.
The rewrite logic itself is tested on copies of the four files in a temporary tree.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import shutil
import sys
import tarfile
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / "conf"))

from release import sync  # noqa: E402

URL_1 = sync.SDIST_URL.format(version="1.0.0")
FIXTURES = {
    sync.CONDA_RECIPE: (
        'context:\n  name: mpi4py\n  version: "1.0.0"\n\npackage:\n  version: ${{ version }}\n\n'
        f"source:\n  url: {URL_1}\n  sha256: " + "0" * 64 + "\n"
    ),
    sync.FORMULA: (
        f'class Mpi4py < Formula\n  url "{URL_1}"\n  sha256 "' + "0" * 64 + '"\n'
        '  resource "cython" do\n    url "https://example.invalid/cython-3.0.tar.gz"\n    sha256 "' + "1" * 64 + '"\n  end\nend\n'
    ),
    sync.FEDORA_SPEC: "Name:           python-mpi4py\nVersion:        1.0.0\nRelease:        1%{?dist}\n",
    sync.DEBIAN_CHANGELOG: (
        "mpi4py (1.0.0-3) unstable; urgency=medium\n\n  * Release.\n\n -- A <a@example.invalid>  Mon, 01 Jan 2024 00:00:00 +0000\n"
    ),
}


def make_tree(root: Path, version: str, targets: dict[Path, str] = FIXTURES) -> Path:
    (root / sync.VERSION_FILE).parent.mkdir(parents=True)
    (root / sync.VERSION_FILE).write_text(f'"""mpi4py"""\n\n__version__ = "{version}"\n', encoding="utf-8")
    for rel, text in targets.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def make_sdist(directory: Path, version: str, payload: bytes = b"x") -> Path:
    path = directory / f"mpi4py-{version}.tar.gz"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo(f"mpi4py-{version}/PKG-INFO")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    path.write_bytes(gzip.compress(buffer.getvalue(), mtime=0))
    return path


# --- the real tree -------------------------------------------------------------------------------


def test_every_present_recipe_matches_the_project_version() -> None:
    version = sync.project_version(TOP)
    release = sync.release_for(version, None)
    changes, missing = sync.sync(TOP, release, write=False)
    assert not changes, "out of sync, run `nox -s recipes`: " + "; ".join(f"{c.path} {c.field} {c.old} != {c.new}" for c in changes)
    assert missing == [], f"recipes missing: {missing}"


def test_version_appears_where_expected() -> None:
    version = sync.project_version(TOP)
    recipe = (TOP / sync.CONDA_RECIPE).read_text(encoding="utf-8")
    formula = (TOP / sync.FORMULA).read_text(encoding="utf-8")
    assert f'version: "{version}"' in recipe
    assert f"mpi4py-{version}.tar.gz" in recipe
    assert f"mpi4py-{version}.tar.gz" in formula
    expected = {sync.FEDORA_SPEC: rf"^Version:\s*{re.escape(version)}$", sync.DEBIAN_CHANGELOG: rf"\A\S+ \({re.escape(version)}-\d+"}
    for rel, pattern in expected.items():
        assert re.search(pattern, (TOP / rel).read_text(encoding="utf-8"), re.MULTILINE), f"{rel} is not at {version}"


def test_sha256_fields_are_well_formed() -> None:
    assert sync.check_sha256_fields(TOP) == []


def _recorded_sha256s() -> set[str]:
    found = set()
    for rel in (sync.CONDA_RECIPE, sync.FORMULA):
        for name, pattern, _ in sync.RULES[rel]:
            if name == "sha256":
                match = pattern.search((TOP / rel).read_text(encoding="utf-8"))
                assert match, f"{rel} has no sha256 field"
                found.add(match.group(2))
    return found


def test_sha256_is_the_same_sdist_everywhere() -> None:
    """Both recipes name one sdist; with MPI4PY_SDIST (nox -s recipes) it must be that file."""
    recorded = _recorded_sha256s()
    assert len(recorded) == 1, f"the conda recipe and the formula disagree on the sdist sha256: {recorded}"
    if "MPI4PY_SDIST" in os.environ:
        sdist = Path(os.environ["MPI4PY_SDIST"])
        assert recorded == {sync.sha256_of(sdist)}, f"recipes are not at the sha256 of {sdist}; run `nox -s recipes`"


def test_sdist_excludes_the_files_that_hold_its_sha256() -> None:
    manifest = (TOP / "MANIFEST.in").read_text(encoding="utf-8")
    assert "prune packaging/conda-recipe" in manifest
    assert "prune packaging/homebrew" in manifest


# --- the rewrite logic, on fixtures ----------------------------------------------------------------


def test_rewrite_updates_all_four_and_then_check_passes(tmp_path: Path) -> None:
    top = make_tree(tmp_path / "src", "2.5.1")
    sdist = make_sdist(tmp_path, "2.5.1")
    sha = hashlib.sha256(sdist.read_bytes()).hexdigest()
    assert sync.main(["--top", str(top), "--check", "--sdist", str(sdist)]) == 1
    assert sync.main(["--top", str(top), "--sdist", str(sdist)]) == 0
    assert sync.main(["--top", str(top), "--check", "--sdist", str(sdist), "--require-all"]) == 0

    recipe = (top / sync.CONDA_RECIPE).read_text()
    assert 'version: "2.5.1"' in recipe and "version: ${{ version }}" in recipe
    assert f"url: {sync.SDIST_URL.format(version='2.5.1')}" in recipe
    assert f"sha256: {sha}" in recipe
    formula = (top / sync.FORMULA).read_text()
    assert f'  url "{sync.SDIST_URL.format(version="2.5.1")}"' in formula
    assert f'  sha256 "{sha}"' in formula
    assert '    sha256 "' + "1" * 64 + '"' in formula  # the Cython resource is left alone
    assert "Version:        2.5.1\n" in (top / sync.FEDORA_SPEC).read_text()
    assert (top / sync.DEBIAN_CHANGELOG).read_text().startswith("mpi4py (2.5.1-1) unstable")


def test_debian_revision_kept_when_upstream_unchanged(tmp_path: Path) -> None:
    top = make_tree(tmp_path, "1.0.0")
    assert sync.main(["--top", str(top)]) == 0
    assert (top / sync.DEBIAN_CHANGELOG).read_text().startswith("mpi4py (1.0.0-3) ")


def test_check_detects_a_stale_sha256(tmp_path: Path) -> None:
    top = make_tree(tmp_path / "src", "1.0.0")
    first = make_sdist(tmp_path, "1.0.0", b"first")
    assert sync.main(["--top", str(top), "--sdist", str(first)]) == 0
    second_dir = tmp_path / "again"
    second_dir.mkdir()
    second = make_sdist(second_dir, "1.0.0", b"second")
    assert sync.main(["--top", str(top), "--check", "--sdist", str(second)]) == 1


def test_missing_targets_are_reported_not_fatal_unless_required(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    only_ours = {k: v for k, v in FIXTURES.items() if k in (sync.CONDA_RECIPE, sync.FORMULA)}
    top = make_tree(tmp_path, "1.0.0", only_ours)
    assert sync.main(["--top", str(top), "--check"]) == 0
    assert "packaging/fedora/python-mpi4py.spec: missing" in capsys.readouterr().out
    assert sync.main(["--top", str(top), "--check", "--require-all"]) == 1


def test_bad_inputs_give_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    top = make_tree(tmp_path / "src", "1.0.0")
    wrong = make_sdist(tmp_path, "0.9.0")
    assert sync.main(["--top", str(top), "--sdist", str(wrong)]) == 2
    assert "expected a file named mpi4py-1.0.0.tar.gz" in capsys.readouterr().err
    (top / sync.FEDORA_SPEC).write_text("Name: python-mpi4py\n")
    assert sync.main(["--top", str(top)]) == 2
    assert "cannot find the Version field" in capsys.readouterr().err
    shutil.rmtree(top / "src")
    assert sync.main(["--top", str(top)]) == 2
    assert "src/mpi4py/__init__.py: not found" in capsys.readouterr().err


def test_malformed_sha256_is_reported(tmp_path: Path) -> None:
    top = make_tree(tmp_path, "1.0.0")
    recipe = top / sync.CONDA_RECIPE
    recipe.write_text(recipe.read_text().replace("0" * 64, "not-a-sha"))
    assert sync.check_sha256_fields(top) == [f"{sync.CONDA_RECIPE}: sha256 'not-a-sha' is not 64 lowercase hex digits"]
    assert sync.main(["--top", str(top), "--check"]) == 1
