"""What the build-behaviour tests share (test/build, test/hardening/build): real ``pip`` builds of this source
tree against MPICH from PyPI. Their conftests take ``pytest_configure`` and the ``tree`` fixture from here.

Run by ``nox -s build_checks`` (which installs mpich, pip, pytest, Cython and setuptools into its
venv).  Every build uses ``--no-build-isolation`` and one shared copy of the sources, so Cython
runs once and only the C compile repeats; ``-O0`` keeps that short.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from launch import MPIEXEC_ENV
from mpibuild import layout

TOP = Path(__file__).resolve().parents[1]
PREFIX = Path(sys.prefix)
VENV_BIN = Path(sys.executable).parent
MPIEXEC = VENV_BIN / "mpiexec"
# Variables that would steer a build; the tests set exactly the ones they are about.
BUILD_VARS = ("MPI4PY_BUILD_BACKEND", "MPI4PY_BUILD_MPICC", "MPICC", "MPI4PY_BUILD_MPILD", "MPILD",
              "MPI4PY_BUILD_MPICFG", "MPICFG", "MPI4PY_BUILD_CONFIGURE", "CFLAGS", "LDFLAGS")
IGNORE = shutil.ignore_patterns(".git", ".nox", "build", "dist", "wheelhouse", "venv", "__pycache__", "*.so",
                                "*.egg-info", ".pytest_cache", ".ruff_cache")


def pytest_configure(config: pytest.Config) -> None:
    if not (PREFIX / "include" / "mpi.h").is_file() or not MPIEXEC.exists():
        raise pytest.UsageError(f"test/build needs MPICH from PyPI in this venv ({PREFIX}); run: nox -s build_checks")


@dataclass
class Result:
    returncode: int
    output: str

    def show(self, lines: int = 40) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def build_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in BUILD_VARS}
    env["CFLAGS"] = "-O0"  # appended after Python's -O2/-O3 by setuptools, so it wins
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", os.defpath)])  # this venv's MPICH first
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the sources for every build in the session (never builds in the real tree)."""
    dest = tmp_path_factory.mktemp("src") / "mpi4py"
    shutil.copytree(TOP, dest, ignore=IGNORE, symlinks=True)
    return dest


def pip(*args: str, env: dict[str, str], timeout: int = 600) -> Result:
    cmd = [sys.executable, "-m", "pip", *args]
    done = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return Result(done.returncode, done.stdout)


def pip_install(tree: Path, target: Path, env: dict[str, str], isolated: bool = False) -> Result:
    """``pip install --target`` straight from the source tree: build + install in one go.

    ``isolated``: let pip fetch the build requirements our backend asks for (from PyPI), exactly as
    a user's plain ``pip install .`` does; otherwise use this venv's Cython/setuptools.
    """
    how = [] if isolated else ["--no-build-isolation", "--no-index"]
    return pip("install", "-v", "--no-deps", *how, "--target", str(target), str(tree), env=env)


def mpiexec(n: int, target: Path, *args: str, cwd: Path | None = None, timeout: int = 300) -> Result:
    env = {**os.environ, **MPIEXEC_ENV, "PYTHONPATH": str(target)}
    cmd = ["timeout", "--kill-after=10", str(timeout), str(MPIEXEC), "-n", str(n), sys.executable, *args]
    done = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return Result(done.returncode, done.stdout)


def installed_config(target: Path) -> dict[str, str]:
    """``mpi4py.get_config()`` of the copy installed in ``target`` (and proof that it is ours)."""
    code = (f"import json, mpi4py; assert mpi4py.__version__ == {layout.version()!r}, mpi4py.__version__; "
            "print(json.dumps({'file': mpi4py.__file__, **mpi4py.get_config()}))")
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=target)
    got = json.loads(done.stdout)
    assert Path(got.pop("file")).resolve() == (target / "mpi4py" / "__init__.py").resolve()
    return got


PINGPONG = """\
from mpi4py import MPI
comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
assert size == 2, size
if rank == 0:
    comm.send({"hello": 41}, dest=1, tag=7)
    print("reply", comm.recv(source=1, tag=8))
else:
    msg = comm.recv(source=0, tag=7)
    comm.send(msg["hello"] + 1, dest=0, tag=8)
"""
