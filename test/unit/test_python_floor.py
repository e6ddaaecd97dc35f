"""The build stops at once, with the fix, on a Python older than requires-python (conf/mpibuild/__init__.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import mpibuild
import pytest
import tomllib

TOP = Path(__file__).resolve().parents[2]
# Enough of the source tree for pip to reach the build backend (the check must fire before anything else).
BACKEND_FILES = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "conf/mpibuild")


def test_floor_is_requires_python() -> None:
    spec = tomllib.loads((TOP / "pyproject.toml").read_text())["project"]["requires-python"]
    assert spec == ">={}.{}".format(*mpibuild.OLDEST_PYTHON)


@pytest.mark.parametrize("version", [(3, 8, 18), (3, 6, 0), (2, 7, 18)])
def test_older_python_is_refused_with_the_fix(version: tuple[int, int, int]) -> None:
    with pytest.raises(mpibuild.UnsupportedPythonError) as info:
        mpibuild.check_python(version, "/opt/old/bin/python")
    message = str(info.value)
    shown = ".".join(map(str, version))
    assert "needs Python >= 3.9" in message and f"Python {shown} (/opt/old/bin/python)" in message
    assert "requires-python" in message and "Python 3.9 or newer" in message


@pytest.mark.parametrize("version", [(3, 9, 0), (3, 13, 1), (4, 0, 0)])
def test_supported_python_passes(version: tuple[int, int, int]) -> None:
    assert mpibuild.check_python(version) is None


def _old_pythons() -> list[str]:
    """CPython 3.7/3.8 interpreters of this machine (PATH or pyenv) that run; 3.6's pip cannot read our pyproject.toml."""
    found = []
    for minor in (7, 8):
        pyenv = sorted(map(str, Path.home().glob(f".pyenv/versions/3.{minor}.*/bin/python3.{minor}")))
        candidates = [shutil.which(f"python3.{minor}"), *pyenv]
        for python in filter(None, candidates):
            probe = subprocess.run([python, "-c", f"import sys, pip; assert sys.version_info[:2] == (3, {minor})"], capture_output=True)
            if probe.returncode == 0:
                found.append(python)
                break
    return found


OLD_PYTHONS = _old_pythons()


@pytest.mark.skipif(not OLD_PYTHONS, reason="no CPython 3.7/3.8 with pip on this machine (the message is checked above)")
@pytest.mark.parametrize("python", OLD_PYTHONS)
def test_pip_on_old_python_shows_the_message(tmp_path: Path, python: str) -> None:
    """What a user sees: pip on Python 3.8 building the sources prints our two lines, not a traceback."""
    tree = tmp_path / "src"
    for name in BACKEND_FILES:
        source, target = TOP / name, tree / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    result = subprocess.run([python, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                             "-w", str(tmp_path / "out"), str(tree)], capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert re.search(r"error: mpi4py needs Python >= 3\.9 .* but the build runs on Python 3\.[78]\.", output), output
    assert "Traceback" not in output, output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
