"""The Cython include folder is not a Python package: without the compiled extension, ``import mpi4py.MPI``
fails at once (ImportError) instead of importing an empty namespace package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
PACKAGE = TOP / "src" / "mpi4py"


def test_include_folder_is_not_importable() -> None:
    includes = [p for p in PACKAGE.iterdir() if p.is_dir() and list(p.glob("*.pxi"))]
    assert [p.name for p in includes] == ["MPI.src"]  # a dotted name no import statement can reach


def test_import_without_the_extension_raises_import_error(tmp_path: Path) -> None:
    tree = tmp_path / "mpi4py"
    shutil.copytree(PACKAGE, tree, ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__", "mpi.cfg", "_abi"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "MPI4PY_TRACE_ABI": ""}
    code = ("import mpi4py.MPI as m\n"
            "print('imported', getattr(m, '__file__', None), list(getattr(m, '__path__', [])))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode != 0, result.stdout
    assert "ImportError" in result.stderr or "ModuleNotFoundError" in result.stderr, result.stderr
