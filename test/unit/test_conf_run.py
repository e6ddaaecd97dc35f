"""conf/run.py: runs a conf/ module as a script with conf/ as its import root, and refuses a bad call."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parents[2] / "conf" / "run.py"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(RUN), *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_a_module_runs_as_main_with_its_arguments(tmp_path: Path) -> None:
    # From an unrelated directory: the module finds its package siblings (mpibuild.gensrc) by name.
    done = run("mpibuild.layout", "gensrc-deps", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "src/mpi4py/MPI.pyx" in done.stdout.splitlines()


def test_bad_calls_are_refused(tmp_path: Path) -> None:
    missing = run(cwd=tmp_path)
    assert missing.returncode == 1 and "usage:" in missing.stderr and "MODULE" in missing.stderr
    option = run("--help", cwd=tmp_path)
    assert option.returncode == 1 and "usage:" in option.stderr
    unknown = run("cibw.no_such_tool", cwd=tmp_path)
    assert unknown.returncode != 0 and "No module named cibw.no_such_tool" in unknown.stderr
