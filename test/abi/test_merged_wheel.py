"""The merged wheel in a venv with one MPI: the right variant is chosen, reported and used."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_installed_is_the_merged_wheel() -> None:
    import mpi4py

    package = Path(mpi4py.__file__).resolve().parent
    assert package == (Path(sysconfig.get_paths()["platlib"]) / "mpi4py").resolve()
    assert mpi4py.__version__ == "4.2.0"
    assert sorted(p.name for p in (package / "_abi").iterdir()) == ["mpiabi", "mpich", "openmpi"]
    from importlib.machinery import EXTENSION_SUFFIXES

    top_level = [p for p in package.glob("MPI.*") if any(p.name.endswith(s) for s in EXTENSION_SUFFIXES)]
    assert not top_level, "a merged wheel has no top-level extension"


def test_mpi_abi_option(case: str) -> None:
    out = run("-m", "mpi4py", "--mpi-abi")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == case


def test_mpi_vendor_option() -> None:
    out = run("-m", "mpi4py", "--mpi-vendor")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(os.environ["MPI4PY_TEST_VENDOR"]), out.stdout


def test_library_from_this_venv(case: str) -> None:
    out = run("-m", "mpi4py", "--mpi-library")
    assert out.returncode == 0, out.stderr
    library = Path(out.stdout.strip())
    assert library.is_relative_to(Path(sys.prefix).resolve() / "lib"), library
    assert library.name.startswith({"mpich": "libmpi.so.12", "openmpi": "libmpi.so.40", "mpiabi": "libmpi_abi.so.1"}[case])


def test_trace_shows_the_choice(case: str) -> None:
    out = run("-c", "from mpi4py import MPI", env={"MPI4PY_TRACE_ABI": "1"})
    assert out.returncode == 0, out.stderr
    assert f"selected variant '{case}'" in out.stderr
    assert "(venv prefix lib)" in out.stderr


def test_get_config_is_the_variant_record(case: str) -> None:
    import mpi4py

    config = mpi4py.get_config()
    assert config["mpi_abi_variant"] == case
    assert config["mpi_abi"] == case


def test_missing_library_override_is_reported() -> None:
    out = run("-c", "from mpi4py import MPI", env={"MPI4PY_LIBMPI": "/nonexistent/libmpi.so.12"})
    assert out.returncode != 0
    last = out.stderr.strip().splitlines()
    assert any(line.startswith("ImportError: mpi4py: no usable MPI library found") for line in last), out.stderr
    assert "/nonexistent/libmpi.so.12 (MPI4PY_LIBMPI): no such file" in out.stderr
