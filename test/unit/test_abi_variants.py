"""The one table of MPI ABI variants (src/mpi4py/_abivariants.py) is what the build, the merge, the runtime
selector and pympi.h's C names all use; a variant missing from any of them is reported."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
import types
from pathlib import Path

from cibw import merge_wheels
from mpibuild import mpiabi

SRC = Path(__file__).resolve().parents[2] / "src" / "mpi4py"


def runtime_selector() -> types.ModuleType:
    """src/mpi4py/_mpiabi.py as a bare package member (no __init__.py run), as the wheel imports it."""
    package = types.ModuleType("mpi4py_variants_under_test")
    package.__path__ = [str(SRC)]
    sys.modules[package.__name__] = package
    spec = importlib.util.spec_from_file_location(f"{package.__name__}._mpiabi", SRC / "_mpiabi.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def problems(table: types.ModuleType = mpiabi.TABLE, pympi_h: str | None = None) -> list[str]:
    header = mpiabi.PYMPI_H.read_text(encoding="utf-8") if pympi_h is None else pympi_h
    return mpiabi.agreement_problems(table, header, mpiabi.VARIANTS, merge_wheels.VARIANTS, runtime_selector().VARIANTS)


def test_build_merge_runtime_and_pympi_agree() -> None:
    assert len(mpiabi.TABLE.TABLE) == 5 and problems() == []
    selector = runtime_selector()
    assert selector.LIBRARY_NAMES["linux"][0] == ("libmpi.so.12", "mpich")
    assert {abi for _, abi in selector.LIBRARY_NAMES["win32"]} == {"impi", "msmpi", "mpiabi"}
    assert mpiabi.ACCEPTED_FAMILIES["mpich"] == ("mpich", "impi")


def test_a_variant_missing_from_pympi_h_is_reported() -> None:
    header = mpiabi.PYMPI_H.read_text(encoding="utf-8").replace('PYMPI_MPI_ABI "msmpi"', 'PYMPI_MPI_ABI "unknown"')
    assert problems(pympi_h=header) == ['pympi.h never defines PYMPI_MPI_ABI "msmpi", a header family of the table']


def test_a_variant_the_others_lack_is_reported() -> None:
    extra = mpiabi.TABLE.Variant("mvapich", "MVAPICH ABI", ("mvapich",), {"linux": ("libmpi.so.99",)})
    table = types.SimpleNamespace(TABLE=(*mpiabi.TABLE.TABLE, extra), NAMES=(*mpiabi.TABLE.NAMES, "mvapich"),
                                  OPERATING_SYSTEMS=mpiabi.TABLE.OPERATING_SYSTEMS)
    found = problems(table)  # type: ignore[arg-type]
    assert len(found) == 4, found
    assert all("mvapich" in p for p in found), found
    assert found[-1] == 'pympi.h never defines PYMPI_MPI_ABI "mvapich", a header family of the table'


def test_a_variant_without_libraries_is_reported() -> None:
    broken = dataclasses.replace(mpiabi.TABLE.VARIANTS["openmpi"], sonames={})
    table = types.SimpleNamespace(TABLE=tuple(broken if v.name == "openmpi" else v for v in mpiabi.TABLE.TABLE),
                                  NAMES=mpiabi.TABLE.NAMES, OPERATING_SYSTEMS=mpiabi.TABLE.OPERATING_SYSTEMS)
    assert problems(table) == ["variant 'openmpi': library names for [], expected some of ('linux', 'darwin', 'win32')"]  # type: ignore[arg-type]
