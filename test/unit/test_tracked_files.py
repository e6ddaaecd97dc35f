"""conf/release/tree.py: git tracks no virtual environment, build output or compiled object."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from release.tree import unwanted_tracked

TOP = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", [
    ".ci/venv/pyvenv.cfg",
    ".ci/venv/lib/python3.11/site-packages/nox/__init__.py",
    "src/mpi4py/__pycache__/run.cpython-311.pyc",
    "src/mpi4py/MPI.cpython-311-x86_64-linux-gnu.so",
    "src/mpi4py.egg-info/PKG-INFO",
    "build/pythons/cp39/inputs.sha256",
    "dist/mpi4py-4.2.0.tar.gz",
    ".nox/tests/bin/python",
])
def test_environments_and_outputs_are_named(name: str) -> None:
    assert unwanted_tracked(["README.md", name, "src/mpi4py/run.py"]) == [name]


def test_sources_that_look_like_outputs_are_not_named() -> None:
    sources = ["test/build/conftest.py", "test/hardening/build/test_build_real.py", "conf/mpibuild/layout.py",
               "packaging/debian/source/format", "bench/results/latest.json"]
    assert unwanted_tracked(sources) == []


@pytest.mark.skipif(not (TOP / ".git").exists() or shutil.which("git") is None, reason="not a git checkout")
def test_the_checkout_tracks_none() -> None:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=TOP, capture_output=True, check=True).stdout
    names = [n for n in listing.decode().split("\0") if n]
    assert len(names) > 100, "git ls-files listed almost nothing: the check would pass vacuously"
    assert unwanted_tracked(names) == [], "git tracks files that belong in .gitignore"
