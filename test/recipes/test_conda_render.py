"""The conda recipe renders as intended, and the render checks catch broken recipes.

Needs py-rattler-build and py-rattler (``nox -s conda`` installs them); runs offline.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from release import conda_render
from release.sync import project_version

TOP = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def checked() -> tuple[dict[str, list[conda_render.Rendered]], list[str]]:
    return conda_render.check_all()


def test_real_recipe_has_no_problems(checked: tuple[dict[str, list[conda_render.Rendered]], list[str]]) -> None:
    rendered, problems = checked
    assert problems == []
    pythons = conda_render.python_versions()
    assert {p: len(items) for p, items in rendered.items()} == {"linux-64": 3 * len(pythons), "osx-arm64": 2 * len(pythons),
                                                              "win-64": 2 * len(pythons)}


def test_build_strings_are_distinct_and_name_the_mpi(checked: tuple[dict[str, list[conda_render.Rendered]], list[str]]) -> None:
    rendered, _ = checked
    for platform, items in rendered.items():
        strings = [i.recipe["build"]["string"] for i in items]
        assert len(set(strings)) == len(strings), f"{platform}: duplicate build strings {strings}"
        for item in items:
            assert f"_{item.variant['mpi']}_" in item.recipe["build"]["string"]


def test_unix_builds_use_build_sh_and_windows_bld_bat() -> None:
    # rattler-build picks build.sh / bld.bat from the recipe directory when build.script is not set;
    # both must run the same pip command.
    recipe_dir = conda_render.RECIPE_DIR
    pip_line = "-m pip install"
    sh = (recipe_dir / "build.sh").read_text()
    bat = (recipe_dir / "bld.bat").read_text()
    common = "--no-deps --no-build-isolation --no-index --ignore-installed --no-cache-dir -vv"
    assert pip_line in sh and pip_line in bat
    assert common in sh and common in bat
    assert "%LIBRARY_LIB%" in bat and "MPI4PY_BUILD_MPICFG" in bat


def _broken_copy(tmp_path: Path, old: str, new: str, filename: str = "recipe.yaml") -> Path:
    recipe_dir = tmp_path / "recipe"
    shutil.copytree(conda_render.RECIPE_DIR, recipe_dir)
    path = recipe_dir / filename
    text = path.read_text()
    assert old in text, f"fixture drifted: {old!r} not in {filename}"
    path.write_text(text.replace(old, new))
    return recipe_dir


@pytest.mark.parametrize(
    ("old", "new", "filename", "expected"),
    [
        # pinning run to the exact host version breaks external MPIs
        ("mpich >=4.0,<6", "mpich >=4.3.2", "recipe.yaml", "rejects an external mpich 4.2.1"),
        # built against a newer MPI than the oldest one the run requirement admits
        ("then: mpich >=4.0,<4.1", "then: mpich >=4.2,<4.3", "recipe.yaml", "does not build against the run floor 'mpich >=4.0,<6'"),
        # the MPI's run-exports not ignored
        ("        then: openmpi\n      - if: mpi == \"impi\"", "        then: foo\n      - if: mpi == \"impi\"", "recipe.yaml",
         "run-exports of openmpi are not ignored"),
        # no lower bound on the host MPI
        ("then: msmpi >=10.1.1\n  run:", "then: msmpi\n  run:", "recipe.yaml", "host 'msmpi' has no lower bound"),
        # MPI name dropped from the build string
        ("_${{ mpi }}_${{ build_number }}", "_${{ build_number }}", "recipe.yaml", "does not look like"),
        # msmpi dropped from the Windows variants
        ("  - if: win\n    then:\n      - msmpi\n", "", "variants.yaml", "win-64: variants"),
        # Windows would run build.sh
        ('${{ "bld.bat" if win else "build.sh" }}', "build.sh", "recipe.yaml", "build script should be bld.bat"),
        # smoke test dropped
        ("--expect-library MPICH", "", "recipe.yaml", "expected one conf/smoke.py test with --expect-library 'MPICH'"),
        # smoke.py copied without the launch.py it imports
        ("        - conf/launch.py", "", "recipe.yaml", "the test does not copy conf/launch.py from the source"),
        # run_exports pinning the minor version (too tight) or dropped
        ('upper_bound="x")', 'upper_bound="x.x")', "recipe.yaml", "run_exports should pin mpi4py to 4.x"),
        ('  run_exports:\n    - ${{ pin_subpackage(name, upper_bound="x") }}\n', "", "recipe.yaml", "run_exports should pin mpi4py"),
    ],
)
def test_checks_catch_broken_recipes(tmp_path: Path, old: str, new: str, filename: str, expected: str) -> None:
    recipe_dir = _broken_copy(tmp_path, old, new, filename)
    _, problems = conda_render.check_all(recipe_dir)
    assert any(expected in p for p in problems), problems


def test_unknown_keys_are_rejected(tmp_path: Path) -> None:
    recipe_dir = _broken_copy(tmp_path, "  number: 0\n", "  number: 0\n  bogus_key: 1\n")
    with pytest.raises(Exception, match="bogus_key"):
        conda_render.check_all(recipe_dir)


def test_release_source_is_checked(tmp_path: Path) -> None:
    version = project_version()
    sdist = tmp_path / f"mpi4py-{version}.tar.gz"
    sdist.write_bytes(b"release")
    recipe_dir = _broken_copy(tmp_path, "source:\n  path: ../..\n", f"source:\n  url: https://example.invalid/mpi4py-{version}.tar.gz\n"
                              "  sha256: " + "0" * 64 + "\n")
    _, problems = conda_render.check_all(recipe_dir, sdist)
    assert any("source sha256 " + "0" * 64 + " is not that of" in p for p in problems), problems
    _, problems = conda_render.check_all(conda_render.RECIPE_DIR, sdist)  # the in-tree form has no url
    assert any("a release form needs one url source" in p for p in problems), problems


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_build_sh_parses_and_points_intel_mpi_at_the_recipe_compiler(tmp_path: Path) -> None:
    import subprocess

    build_sh = conda_render.RECIPE_DIR / "build.sh"
    assert subprocess.run(["bash", "-n", str(build_sh)]).returncode == 0
    # impi's mpicc wrapper honours I_MPI_CC; without CC the script must refuse, naming CC.
    env = {"PATH": "/usr/bin:/bin", "PREFIX": str(tmp_path), "PYTHON": "false", "MPI4PY_CONDA_MPI": "impi"}
    result = subprocess.run(["bash", str(build_sh)], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "CC must name the C compiler" in result.stderr
