"""MPI.pyi against the compiled module: every public runtime name is typed; stub names present are counted."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from mpi_helpers import mpiexec, spawning
from mpi_plugin import TOP, clean_env

import mpi4py
from mpi4py import MPI

STUB = Path(mpi4py.__file__).with_name("MPI.pyi")


def stub_names() -> set[str]:
    source = STUB.read_text() if STUB.exists() else (TOP / "src" / "mpi4py" / "MPI.pyi").read_text()
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def test_stub_is_installed_with_py_typed() -> None:
    assert STUB.exists(), f"{STUB} missing from the installed package"
    assert STUB.with_name("py.typed").exists()


def test_every_public_runtime_name_is_in_the_stub() -> None:
    runtime = {n for n in dir(MPI) if not n.startswith("_")}
    untyped = sorted(runtime - stub_names())
    assert not untyped, f"public mpi4py.MPI names missing from MPI.pyi: {untyped}"
    present = sorted(stub_names() & runtime)
    print(f"\nMPI.pyi: {len(present)} of {len(stub_names())} stub names exist at runtime")


@spawning
def test_sample_program_runs() -> None:
    proc = subprocess.run([mpiexec(), "-n", "2", sys.executable, str(TOP / "test" / "typing" / "sample_program.py")],
                          capture_output=True, text=True, timeout=120, env=clean_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "rank 0/2: total=[0, 2, 4, 6]" in proc.stdout and "rank 1/2" in proc.stdout
