"""conf/mpibuild/setuptools_ext.py: a build never packs the module of an earlier build of the other kind
(version-specific vs abi3) left in the same build folder."""

from __future__ import annotations

import importlib.machinery
from pathlib import Path

import pytest
from mpibuild.setuptools_ext import BuildExtMPI
from setuptools import Distribution, Extension


def _command(build_lib: Path, limited_api: bool) -> BuildExtMPI:
    ext = Extension("mpi4py.MPI", sources=["src/mpi4py/MPI.pyx"], py_limited_api=limited_api)
    dist = Distribution({"name": "mpi4py", "ext_modules": [ext]})
    cmd = BuildExtMPI(dist)
    cmd.build_lib = str(build_lib)
    cmd.ensure_finalized()
    return cmd


@pytest.mark.parametrize("limited_api", [False, True])
def test_module_of_the_other_kind_is_removed(tmp_path: Path, limited_api: bool) -> None:
    cmd = _command(tmp_path, limited_api)
    target = Path(cmd.get_ext_fullpath("mpi4py.MPI"))
    assert target.name.endswith(".abi3.so" if limited_api else importlib.machinery.EXTENSION_SUFFIXES[0])
    target.parent.mkdir(parents=True)
    leftovers = [target.with_name("MPI" + suffix) for suffix in importlib.machinery.EXTENSION_SUFFIXES]
    unrelated = [target.with_name("MPI.cpython-39-x86_64-linux-gnu.so"), target.with_name("mpi.cfg")]
    for path in leftovers + unrelated:
        path.write_bytes(b"old")
    cmd._remove_other_kinds()
    assert sorted(p.name for p in target.parent.iterdir()) == sorted([target.name, *(p.name for p in unrelated)])
