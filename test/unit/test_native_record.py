"""conf/mpibuild/native_record.py: the mpi.cfg build step of CMake/Meson, with a stand-in compiler (no MPI)."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
RUN = TOP / "conf" / "run.py"  # how CMake and Meson run it


def _fake_cc(tmp_path: Path, family: str, version: str) -> Path:
    """Prints what the preprocessor would make of pympi.h's family/version lines, and logs its arguments."""
    cc = tmp_path / "fake-mpicc"
    major, minor = version.split(".")
    cc.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args.txt\n'
                  f'echo \'pympi_abi_family = "{family}" ;\'\necho "pympi_std_version = {major} . {minor} ;"\n')
    cc.chmod(0o755)
    return cc


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(RUN), "mpibuild.native_record", *args], capture_output=True, text=True)


def _read(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    assert parser.read(path)
    return parser


def test_wrapper_build_records_wrapper_family_and_version(tmp_path: Path) -> None:
    cc = _fake_cc(tmp_path, "openmpi", "3.1")
    out = tmp_path / "pkg"
    result = _run(str(out), "--backend", "meson-python", "--gendir", str(tmp_path), f"--cc={cc}", "--cc=-m64",
                  f"--mpicc={cc}", "--mpicc=-m64", "--from", "CC (the Meson C compiler)")
    assert result.returncode == 0, result.stderr
    record = _read(out / "mpi.cfg")
    assert record["mpi"]["mpicc"] == f"{cc} -m64"
    assert dict(record["build"]) == {"backend": "meson-python", "config_header": "mpi-version", "mpi_abi": "openmpi",
                                     "mpi_std_version": "3.1", "mpicc_from": "CC (the Meson C compiler)"}
    args = (tmp_path / "args.txt").read_text().split()
    assert args[0] == "-m64" and "-E" in args and f"-I{tmp_path}" in args


def test_no_wrapper_uses_include_dirs_and_records_no_mpicc(tmp_path: Path) -> None:
    cc = _fake_cc(tmp_path, "mpich", "4.1")
    out = tmp_path / "pkg"
    result = _run(str(out), "--backend", "scikit-build-core", "--gendir", str(tmp_path), f"--cc={cc}",
                  "--include-dir=/opt/mpi/include")
    assert result.returncode == 0, result.stderr
    record = _read(out / "mpi.cfg")
    assert dict(record["mpi"]) == {}
    assert record["build"]["mpi_abi"] == "mpich" and record["build"]["mpi_std_version"] == "4.1"
    assert "-I/opt/mpi/include" in (tmp_path / "args.txt").read_text().split()


def test_compiler_that_fails_gives_unknown_facts(tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    result = _run(str(out), "--backend", "scikit-build-core", "--gendir", str(tmp_path), "--cc=/bin/false")
    assert result.returncode == 0, result.stderr
    build = _read(out / "mpi.cfg")["build"]
    assert build["mpi_abi"] == "unknown" and build["mpi_std_version"] == "unknown"


def test_missing_required_option_is_a_usage_error(tmp_path: Path) -> None:
    result = _run(str(tmp_path), "--backend", "x", "--gendir", str(tmp_path))
    assert result.returncode == 2 and "--cc" in result.stderr
