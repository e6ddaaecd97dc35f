"""conftest.mpiexec(): the launcher of the jobs that tests start themselves (MPI4PY_TEST_MPIEXEC, else beside python, else PATH)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from mpi_helpers import MPIEXEC_VARIABLE, mpiexec


def fake_launcher(directory: Path, name: str = "mpiexec") -> Path:
    path = directory / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX executable bits")
def test_variable_names_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    launcher = fake_launcher(tmp_path, "mpiexec.custom")
    monkeypatch.setenv(MPIEXEC_VARIABLE, str(launcher))
    assert mpiexec() == str(launcher)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX executable bits")
def test_variable_names_a_command_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    launcher = fake_launcher(tmp_path, "mpiexec.custom")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv(MPIEXEC_VARIABLE, "mpiexec.custom")
    assert mpiexec() == str(launcher)


def test_variable_naming_nothing_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MPIEXEC_VARIABLE, str(tmp_path / "no-such-mpiexec"))
    with pytest.raises(FileNotFoundError, match=f"{MPIEXEC_VARIABLE}=.*no-such-mpiexec.*set it to the mpiexec"):
        mpiexec()


def test_default_is_beside_python_then_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MPIEXEC_VARIABLE, raising=False)
    beside = Path(sys.executable).parent / "mpiexec"
    if beside.exists():
        assert mpiexec() == str(beside)
        return
    # No mpiexec beside the interpreter (a distro python): the one on PATH, else an error naming the variable.
    fake_launcher(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert mpiexec() == str(tmp_path / "mpiexec")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError, match=MPIEXEC_VARIABLE):
        mpiexec()
