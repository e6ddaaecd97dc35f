"""The in-tree recipes agree with the project (version, build requirements, a checkout source), the check
fails on a stale tree without rewriting it, and the release forms carry the sdist's url and sha256.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from release import release_forms, sync

TOP = Path(__file__).resolve().parents[2]
HARNESS = TOP / "packaging" / "homebrew" / "harness.rb"


def copy_tree(root: Path, version: str | None = None) -> Path:
    """The version file and the four real targets in ``root``; ``version`` replaces __version__."""
    for rel in (sync.VERSION_FILE, Path("pyproject.toml"), *sync.RULES, *sync.HOME_FIELDS, *sync.MAINTAINER_FIELDS):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TOP / rel, root / rel)
    if version is not None:
        init = root / sync.VERSION_FILE
        current = sync.project_version(TOP)
        init.write_text(init.read_text().replace(f'__version__ = "{current}"', f'__version__ = "{version}"'))
    return root


def snapshot(root: Path) -> dict[Path, bytes]:
    return {rel: (root / rel).read_bytes() for rel in sync.RULES}


# --- the real tree -------------------------------------------------------------------------------


def test_the_tree_is_in_sync(capsys: pytest.CaptureFixture[str]) -> None:
    assert sync.main([]) == 0, capsys.readouterr().out
    assert sync.source_problems(TOP) == []


def test_build_requirements_come_from_the_backend() -> None:
    from mpibuild.backend import BACKENDS, CYTHON

    requires = sync.build_requirements()
    assert [f"{name}{spec}".lower() for name, spec in requires.items()] == [r.lower() for r in [*BACKENDS["setuptools"][1], CYTHON]]
    recipe = (TOP / sync.CONDA_RECIPE).read_text()
    for name, spec in requires.items():
        assert f"- {name} {spec}\n" in recipe


# --- the check, on a copy -------------------------------------------------------------------------


def test_check_fails_on_a_stale_tree_and_rewrites_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    top = copy_tree(tmp_path, version="9.8.7")
    before = snapshot(top)
    assert sync.main(["--top", str(top)]) == 1
    out = capsys.readouterr().out
    for rel in sync.RULES:
        assert f"sync: {rel}: " in out and "out of sync" in out, out
    assert snapshot(top) == before  # compared, not rewritten


def test_write_brings_a_stale_tree_in_sync(tmp_path: Path) -> None:
    top = copy_tree(tmp_path, version="9.8.7")
    assert sync.main(["--top", str(top), "--write"]) == 0
    assert sync.main(["--top", str(top)]) == 0
    assert 'version: "9.8.7"' in (top / sync.CONDA_RECIPE).read_text()
    assert '  version "9.8.7"\n' in (top / sync.FORMULA).read_text()
    assert "\nVersion:        9.8.7\n" in (top / sync.FEDORA_SPEC).read_text()
    assert (top / sync.DEBIAN_CHANGELOG).read_text().startswith("mpi4py (9.8.7-1) ")


def test_debian_revision_kept_when_upstream_unchanged(tmp_path: Path) -> None:
    top = copy_tree(tmp_path)
    changelog = top / sync.DEBIAN_CHANGELOG
    version = sync.project_version(TOP)
    changelog.write_text(changelog.read_text().replace(f"({version}-1)", f"({version}-3)", 1))
    assert sync.main(["--top", str(top), "--write"]) == 0
    assert changelog.read_text().startswith(f"mpi4py ({version}-3) ")


def test_check_fails_on_a_stale_build_requirement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    top = copy_tree(tmp_path)
    recipe = top / sync.CONDA_RECIPE
    spec = sync.build_requirements()["setuptools"]
    recipe.write_text(recipe.read_text().replace(f"- setuptools {spec}\n", "- setuptools >=64\n"))
    assert sync.main(["--top", str(top)]) == 1
    assert f"setuptools bound out of sync: >=64 -> {spec}" in capsys.readouterr().out


def test_check_fails_on_release_fields_in_tree(tmp_path: Path) -> None:
    top = copy_tree(tmp_path)
    recipe = top / sync.CONDA_RECIPE
    recipe.write_text(recipe.read_text().replace("source:\n  path: ../..\n",
                                                 "source:\n  url: https://pypi.org/x.tar.gz\n  sha256: " + "1" * 64 + "\n"))
    formula = top / sync.FORMULA
    formula.write_text(formula.read_text().replace('  license "', '  sha256 "' + "2" * 64 + '"\n  license "'))
    problems = sync.source_problems(top)
    assert "packaging/conda-recipe/recipe.yaml: the source must be source: path: ../.. (the checkout)" in problems
    assert any("recipe.yaml: release field 'url: https://pypi.org" in p for p in problems), problems
    assert any("mpi4py.rb: release field 'sha256 \"2222" in p for p in problems), problems
    assert sync.main(["--top", str(top)]) == 1


def test_every_channel_names_the_same_home_and_maintainer(tmp_path: Path) -> None:
    top = copy_tree(tmp_path)
    assert sync.identity_problems(top) == []
    formula = top / sync.FORMULA
    formula.write_text(formula.read_text().replace('  homepage "https://', '  homepage "https://elsewhere.invalid/'))
    changelog = top / sync.DEBIAN_CHANGELOG
    changelog.write_text(changelog.read_text().replace(" -- ", " -- Someone Else <x@example.invalid>  Mon, 01 Jan 2024 ", 1))
    problems = sync.identity_problems(top)
    assert len(problems) == 2, problems
    assert problems[0].startswith("packaging/homebrew/mpi4py.rb: ") and "elsewhere.invalid" in problems[0]
    assert problems[1].startswith("packaging/debian/changelog: maintainer ['Someone Else <x@example.invalid>'")
    assert sync.main(["--top", str(top)]) == 1


def test_bad_inputs_give_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    top = copy_tree(tmp_path)
    (top / sync.FEDORA_SPEC).write_text("Name: python-mpi4py\n")
    assert sync.main(["--top", str(top)]) == 2
    assert "cannot find the Version field" in capsys.readouterr().err
    (top / sync.VERSION_FILE).unlink()
    assert sync.main(["--top", str(top)]) == 2
    assert "src/mpi4py/__init__.py: not found" in capsys.readouterr().err


# --- the release forms -----------------------------------------------------------------------------


@pytest.fixture
def release(tmp_path: Path) -> tuple[Path, Path]:
    version = sync.project_version(TOP)
    sdist = tmp_path / f"mpi4py-{version}.tar.gz"
    sdist.write_bytes(b"the published sdist")
    outdir = tmp_path / "out"
    release_forms.write_release_forms(TOP, sdist, outdir)
    return sdist, outdir


def test_release_forms_name_the_sdist(release: tuple[Path, Path]) -> None:
    sdist, outdir = release
    data = sdist.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    b2 = hashlib.blake2b(data, digest_size=32).hexdigest()
    recipe = (outdir / "conda-recipe" / "recipe.yaml").read_text()
    assert f"\n  sha256: {sha}\n" in recipe and "path: ../.." not in recipe
    assert "\n  url: https://pypi.org/packages/source/m/mpi4py/mpi4py-${{ version }}.tar.gz\n" in recipe
    assert (outdir / "conda-recipe" / "build.sh").is_file() and (outdir / "conda-recipe" / "variants.yaml").is_file()
    formula = (outdir / "homebrew" / "mpi4py.rb").read_text()
    assert f'  url "https://files.pythonhosted.org/packages/{b2[:2]}/{b2[2:4]}/{b2[4:]}/{sdist.name}"\n' in formula
    assert f'  sha256 "{sha}"\n' in formula
    assert "using: :git" not in formula and '  version "' not in formula and "file://" not in formula


def test_release_forms_refuse_another_version(tmp_path: Path) -> None:
    sdist = tmp_path / "mpi4py-0.0.1.tar.gz"
    sdist.write_bytes(b"x")
    with pytest.raises(sync.SyncError, match="expected mpi4py-"):
        release_forms.write_release_forms(TOP, sdist, tmp_path / "out")


@pytest.mark.skipif(shutil.which("ruby") is None, reason="needs ruby (apt install ruby)")
def test_harness_checks_the_release_formula(release: tuple[Path, Path], tmp_path: Path) -> None:
    sdist, outdir = release
    formula = outdir / "homebrew" / "mpi4py.rb"

    def check(source: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["ruby", str(HARNESS), "--formula", str(formula), "--source", str(source), "--check-source"],
                              capture_output=True, text=True)

    assert check(sdist).returncode == 0
    other = tmp_path / "other" / sdist.name
    other.parent.mkdir()
    other.write_bytes(b"a different sdist")
    result = check(other)
    assert result.returncode == 1 and "sha256 mismatch" in result.stderr
    text = formula.read_text()
    formula.write_text(text.replace("https://files.pythonhosted.org/packages/", "https://files.pythonhosted.org/packages/source/m/mpi4py/x/"))
    result = check(sdist)
    assert result.returncode == 1 and "brew audit --strict rejects url" in result.stderr
