"""What a user sees when the CMake or Meson build cannot find MPI, through pip and the real tools.

Run by ``nox -s build_matrix`` in a venv that has scikit-build-core, meson-python, cmake, ninja
and Cython (``pip wheel --no-build-isolation``). "No MPI" is made real for the build: a PATH
without any MPI wrapper, no pkg-config files, and for CMake the system prefixes ignored.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
_MPI_TOOLS = ("mpi", "ompi", "orte", "prte", "hydra")


@pytest.fixture(scope="module")
def no_mpi_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The current environment with every MPI wrapper/launcher hidden from PATH and pkg-config."""
    bindir = tmp_path_factory.mktemp("bin-without-mpi")
    for directory in [Path(sys.executable).parent, *map(Path, os.environ.get("PATH", "").split(os.pathsep))]:
        if not directory.is_dir():
            continue
        for tool in directory.iterdir():
            if tool.name.startswith(_MPI_TOOLS) or "mpicc" in tool.name or (bindir / tool.name).exists():
                continue
            if tool.is_file() and os.access(tool, os.X_OK):
                (bindir / tool.name).symlink_to(tool)
    env = {k: v for k, v in os.environ.items() if k not in ("MPICC", "MPI_HOME", "MPI4PY_BUILD_CONFIGURE", "CMAKE_ARGS")}
    env.update(PATH=str(bindir), PKG_CONFIG_LIBDIR=str(tmp_path_factory.mktemp("no-pkgconfig")))
    assert shutil.which("mpicc", path=env["PATH"]) is None
    return env


def pip_wheel(tmp_path: Path, env: dict[str, str], *settings: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "wheels"),
           f"-Cbuild-dir={tmp_path / 'build'}", *settings, str(TOP)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)


def output(result: subprocess.CompletedProcess[str]) -> str:
    """stdout + stderr with whitespace runs collapsed (CMake wraps long messages)."""
    return " ".join((result.stdout + result.stderr).split())


def test_cmake_without_mpi_says_what_to_install_or_set(tmp_path: Path, no_mpi_env: dict[str, str]) -> None:
    env = {**no_mpi_env, "MPI4PY_BUILD_BACKEND": "scikit-build-core", "CC": shutil.which("cc") or "cc"}
    # FindMPI also looks in /usr by itself: ignore the system prefixes so that no MPI is there at all.
    result = pip_wheel(tmp_path, env, "-Ccmake.define.CMAKE_IGNORE_PREFIX_PATH=/usr;/usr/local;/")
    out = output(result)
    assert result.returncode != 0
    assert "CMake's FindMPI found no MPI C library" in out
    assert "(no mpicc found)" in out
    assert "pip install mpich" in out and "MPI_HOME" in out and "MPI_C_COMPILER" in out
    assert "Traceback" not in out


def test_cmake_with_a_wrong_mpicc_names_it(tmp_path: Path, no_mpi_env: dict[str, str]) -> None:
    env = {**no_mpi_env, "MPI4PY_BUILD_BACKEND": "cmake", "CC": shutil.which("cc") or "cc"}
    wrong = str(tmp_path / "no" / "mpicc")
    result = pip_wheel(tmp_path, env, f"-Ccmake.define.MPI_C_COMPILER={wrong}",
                       "-Ccmake.define.CMAKE_IGNORE_PREFIX_PATH=/usr;/usr/local;/")
    out = output(result)
    assert result.returncode != 0
    assert "found no MPI C library" in out and wrong in out


def test_meson_without_mpi_cc_says_set_cc(tmp_path: Path, no_mpi_env: dict[str, str]) -> None:
    env = {**no_mpi_env, "MPI4PY_BUILD_BACKEND": "meson-python", "CC": "cc"}
    result = pip_wheel(tmp_path, env)
    out = output(result)
    assert result.returncode != 0
    assert "cannot build an MPI program" in out
    assert "CC=mpicc pip install ." in out and "pip install mpich" in out
    assert "Traceback" not in out


def test_configure_under_meson_fails_before_building(tmp_path: Path) -> None:
    env = {**os.environ, "MPI4PY_BUILD_BACKEND": "meson-python", "MPI4PY_BUILD_CONFIGURE": "1"}
    result = pip_wheel(tmp_path, env)
    out = output(result)
    assert result.returncode != 0
    assert "MPI4PY_BUILD_CONFIGURE='1' is a setuptools feature" in out
    assert not (tmp_path / "build" / "build.ninja").exists()
