"""The build record (conf/mpibuild/record.py) and mpi4py.get_config() reading it (no MPI needed)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from mpibuild import config, record

TOP = Path(__file__).resolve().parents[2]


def load_package_copy(directory: Path):  # type: ignore[no-untyped-def]
    """Import a copy of src/mpi4py/__init__.py living in ``directory`` (so it reads that record)."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(TOP / "src" / "mpi4py" / "__init__.py", directory / "__init__.py")
    spec = importlib.util.spec_from_file_location("mpi4py_copy", directory / "__init__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_get_config_reads_both_sections(tmp_path: Path) -> None:
    conf = config.MPIConfig(mpicc=["/opt/mpi/bin/mpicc"], mpild=["/opt/mpi/bin/mpicc"], libraries=["mpi"],
                            include_dirs=["/opt/mpi/include", "/x"], sources={"mpicc": "MPICC"})
    facts = {"abi_family": "mpich", "std_version": "4.1"}
    build = record.build_items(conf, "setuptools", facts, "configure", missing=["MPI_Pcontrol"])
    pkg = tmp_path / "mpi4py"
    record.write_record(pkg, record.mpi_items(conf), build)
    got = load_package_copy(pkg).get_config()
    assert got["mpicc"] == "/opt/mpi/bin/mpicc" and got["libraries"] == "mpi"
    assert got["include_dirs"].split(":") == ["/opt/mpi/include", "/x"]
    assert got["backend"] == "setuptools" and got["mpi_abi"] == "mpich" and got["mpi_std_version"] == "4.1"
    assert got["config_header"] == "configure" and got["missing_symbols"] == "MPI_Pcontrol"
    assert got["mpicc_from"] == "MPICC"
    assert list(got)[:2] == ["mpicc", "mpild"]  # [mpi] keys first, as in upstream's get_config()


def test_get_config_without_record_is_empty(tmp_path: Path) -> None:
    assert load_package_copy(tmp_path / "bare").get_config() == {}


def test_script_mode_for_cmake_and_meson(tmp_path: Path) -> None:
    script = [sys.executable, str(TOP / "conf" / "run.py"), "mpibuild.record"]
    subprocess.run([*script, str(tmp_path), "--backend", "meson-python",
                    "--mpi", "mpicc=/usr/bin/mpicc", "--build", "mpi_abi=openmpi"], check=True)
    got = load_package_copy(tmp_path).get_config()
    assert got == {"mpicc": "/usr/bin/mpicc", "backend": "meson-python", "config_header": "mpi-version",
                   "mpi_abi": "openmpi", "mpi_std_version": "unknown"}
    bad = subprocess.run([*script, str(tmp_path), "--backend", "x", "--mpi", "novalue"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "--mpi: expected KEY=VALUE" in bad.stderr
