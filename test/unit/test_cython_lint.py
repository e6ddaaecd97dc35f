"""cython-lint (nox -s lint) over the Cython sources with the settings in pyproject.toml: clean, and it catches a bad file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
SOURCES = TOP / "src" / "mpi4py"


def cython_lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    # The console script next to this Python (the tests session installs it), else on PATH.
    beside = Path(sys.executable).parent / "cython-lint"
    program = str(beside) if beside.exists() else shutil.which("cython-lint")
    assert program, "cython-lint is not installed (nox -s tests installs it: conf/noxlib/tests.py CYTHON_LINT)"
    return subprocess.run([program, *map(str, paths)], capture_output=True, text=True, cwd=TOP)


def test_cython_sources_are_clean() -> None:
    assert len(list(SOURCES.rglob("*.pxi"))) > 20  # the include files are there to be checked
    result = cython_lint(SOURCES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_bad_include_file_fails(tmp_path: Path) -> None:
    shutil.copy(TOP / "pyproject.toml", tmp_path)  # the project's settings, as for the real sources
    bad = tmp_path / "bad.pxi"
    bad.write_text("cdef int f(int x):\n    cdef int unused = 1; return x\n")
    result = cython_lint(tmp_path)
    assert result.returncode != 0
    assert "bad.pxi:2" in result.stdout + result.stderr
