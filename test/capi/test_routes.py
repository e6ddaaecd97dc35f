"""Each interoperability route of the C/Cython API, built against the installed mpi4py and run at 2 ranks.

Run by ``nox -s capi`` (which installs the compilers, SWIG, pybind11, cffi, h5py and numba-mpi);
``MPI4PY_CAPI_MPICC``/``MPI4PY_CAPI_MPICXX``/``MPI4PY_CAPI_MPIEXEC`` name the MPI tools (default
mpicc/mpicxx/mpiexec: the MPI mpi4py was built with).  Nothing here imports mpi4py.MPI: the jobs do."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent / "examples"
RANKS = 2
TIMEOUT = 300


def require(module: str) -> object:
    """Import a tool the session installs; missing, it fails the route (no silent skip)."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        pytest.fail(f"{module} is not installed ({exc}); nox -s capi installs it")


def tool(variable: str, default: str) -> list[str]:
    words = shlex.split(os.environ.get(variable, default))
    if not words or shutil.which(words[0]) is None:
        pytest.fail(f"{variable}={' '.join(words)!r}: not found on PATH; set it to the MPI tool mpi4py was built with")
    return words


def mpi4py_include() -> str:
    # From a child process: importing mpi4py here is cheap, but keep the test process MPI-free.
    return subprocess.run([sys.executable, "-c", "import mpi4py; print(mpi4py.get_include())"],
                          capture_output=True, text=True, check=True).stdout.strip()


def python_includes() -> list[str]:
    paths = {sysconfig.get_paths()["include"], sysconfig.get_paths()["platinclude"]}
    return [f"-I{p}" for p in sorted(paths)]


def compile_extension(workdir: Path, name: str, sources: list[Path], cxx: bool = False, extra: list[str] = ()) -> Path:
    """Compile and link ``sources`` into the extension module ``name`` in ``workdir`` with the MPI wrapper."""
    compiler = tool("MPI4PY_CAPI_MPICXX", "mpicxx") if cxx else tool("MPI4PY_CAPI_MPICC", "mpicc")
    target = workdir / f"{name}{sysconfig.get_config_var('EXT_SUFFIX')}"
    cmd = [*compiler, "-shared", "-fPIC", "-O1", "-Wall", *python_includes(), f"-I{mpi4py_include()}",
           *extra, *map(str, sources), "-o", str(target)]
    result = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
    assert result.returncode == 0, f"{shlex.join(cmd)}\n{result.stdout}{result.stderr}"
    return target


def run_job(workdir: Path, *args: str, env: dict[str, str] | None = None) -> list[str]:
    """``mpiexec -n 2 ARGS`` in ``workdir``; its output lines (it must succeed)."""
    cmd = [*tool("MPI4PY_CAPI_MPIEXEC", "mpiexec"), "-n", str(RANKS), *args]
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(workdir), os.environ.get("PYTHONPATH")])),
                **(env or {})}
    result = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, timeout=TIMEOUT, env=full_env)
    assert result.returncode == 0, f"{shlex.join(cmd)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
    return result.stdout.splitlines()


def run_python(workdir: Path, code: str) -> list[str]:
    return run_job(workdir, sys.executable, "-c", code)


# Every route computes (rank, sum of ranks) on a duplicate of COMM_WORLD and prints it: 2 ranks -> (0, 1), (1, 1).
CHECK = """
import sys
from mpi4py import MPI
import {module} as m
comm = MPI.COMM_WORLD.Dup()
got = {call}
assert got == (comm.Get_rank(), sum(range(comm.Get_size()))), got
sys.stdout.write(f"{module} {{got[0]}} {{got[1]}}\\n")  # one write: the launcher must not mix the ranks' lines
sys.stdout.flush()
{more}
comm.Free()
"""


def expect_ranks(lines: list[str], module: str) -> None:
    assert sorted(line for line in lines if line.startswith(module)) == [f"{module} {r} 1" for r in range(RANKS)]


def test_cython_cimport(tmp_path: Path) -> None:
    source = tmp_path / "cython_route.pyx"
    shutil.copy(EXAMPLES / "cython_route.pyx", source)
    # cimport mpi4py.MPI / mpi4py.libmpi resolve through the installed package's .pxd files (sys.path).
    subprocess.run([sys.executable, "-m", "cython", "-3", str(source)], check=True, cwd=tmp_path)
    compile_extension(tmp_path, "cython_route", [tmp_path / "cython_route.c"])
    more = "assert m.sum_datatype_size(MPI.DOUBLE, MPI.SUM) == 8 and m.sum_datatype_size(MPI.INT, MPI.MAX) == -1"
    expect_ranks(run_python(tmp_path, CHECK.format(module="cython_route", call="m.allreduce_rank(comm)", more=more)),
                 "cython_route")


def test_c_extension(tmp_path: Path) -> None:
    compile_extension(tmp_path, "c_route", [EXAMPLES / "c_route.c"])
    more = """
new = m.dup(comm)
assert type(new) is MPI.Intracomm and new != comm and new.Get_size() == comm.Get_size()
new.Free()
st = MPI.Status(); st.Set_source(5)
assert m.status_source(st) == 5
try:
    m.allreduce_rank("not a comm")
except TypeError:
    pass
else:
    raise AssertionError("PyMPIComm_Get accepted a str")
"""
    expect_ranks(run_python(tmp_path, CHECK.format(module="c_route", call="m.allreduce_rank(comm)", more=more)), "c_route")


def test_pybind11(tmp_path: Path) -> None:
    pybind11 = require("pybind11")
    compile_extension(tmp_path, "pybind11_route", [EXAMPLES / "pybind11_route.cpp"], cxx=True,
                      extra=[f"-I{pybind11.get_include()}", "-std=c++17"])
    more = """
half = m.split_by_parity(comm)
assert isinstance(half, MPI.Intracomm) and half.Get_size() == (comm.Get_size() + 1 - comm.Get_rank() % 2) // 2
half.Free()
"""
    expect_ranks(run_python(tmp_path, CHECK.format(module="pybind11_route", call="m.allreduce_rank(comm)", more=more)),
                 "pybind11_route")


def test_swig(tmp_path: Path) -> None:
    swig = shutil.which("swig") or shutil.which("swig4.0")
    if swig is None:
        pytest.fail("swig is not installed (apt-get install swig; nox -s capi -- --apt does it)")
    subprocess.run([swig, "-python", f"-I{mpi4py_include()}", "-outdir", str(tmp_path), "-o", str(tmp_path / "swig_route_wrap.c"),
                    str(EXAMPLES / "swig_route.i")], check=True)
    compile_extension(tmp_path, "_swig_route", [tmp_path / "swig_route_wrap.c"])
    more = """
assert isinstance(m.self_comm(), MPI.Comm) and m.self_comm() == MPI.COMM_SELF
try:
    m.allreduce_rank_sum(42)
except TypeError:
    pass
else:
    raise AssertionError("the MPI_Comm typemap accepted an int")
"""
    call = "(comm.Get_rank(), m.allreduce_rank_sum(comm))"
    expect_ranks(run_python(tmp_path, CHECK.format(module="swig_route", call=call, more=more)), "swig_route")


def test_ctypes_and_cffi(tmp_path: Path) -> None:
    require("cffi")
    lines = run_job(tmp_path, sys.executable, str(EXAMPLES / "handles_route.py"))
    for name in ("ctypes", "cffi"):
        assert sorted(line for line in lines if line.startswith(name)) == [f"{name} rank {r}: allreduce 1" for r in range(RANKS)]


def test_c_program_embedding_python(tmp_path: Path) -> None:
    cfg = sysconfig.get_config_var
    libdir = cfg("LIBDIR")
    version = cfg("LDVERSION") or cfg("VERSION")
    cmd = [*tool("MPI4PY_CAPI_MPICC", "mpicc"), "-O1", "-Wall", *python_includes(), f"-I{mpi4py_include()}",
           str(EXAMPLES / "embed.c"), "-o", str(tmp_path / "embed"), f"-L{libdir}", f"-Wl,-rpath,{libdir}",
           f"-lpython{version}", *shlex.split(cfg("LIBS") or ""), *shlex.split(cfg("SYSLIBS") or ""), "-lm"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    assert result.returncode == 0, f"{shlex.join(cmd)}\n{result.stderr}"
    # The embedded interpreter is the base Python: point it at the environment where mpi4py is installed.
    site = os.pathsep.join(dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]))
    lines = run_job(tmp_path, str(tmp_path / "embed"), env={"PYTHONPATH": site})
    assert sorted(lines) == [f"embed rank {r} of {RANKS}: allreduce {RANKS * (RANKS + 1) // 2}" for r in range(RANKS)]
