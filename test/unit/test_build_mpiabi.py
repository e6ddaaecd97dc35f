"""conf/mpibuild/mpiabi.py: the MPI4PY_BUILD_MPIABI build setting (no MPI needed)."""

from __future__ import annotations

import pytest
from mpibuild import mpiabi
from mpibuild.config import ConfigError


@pytest.mark.parametrize(("value", "expected"), [("", None), ("  ", None), ("mpich", "mpich"), ("OpenMPI", "openmpi"),
                                                 (" mpiabi ", "mpiabi"), ("msmpi", "msmpi"), ("impi", "impi")])
def test_requested(value: str, expected: str | None) -> None:
    assert mpiabi.requested({"MPI4PY_BUILD_MPIABI": value}) == expected


def test_requested_unknown_names_the_variable_and_choices() -> None:
    with pytest.raises(ConfigError, match=r"MPI4PY_BUILD_MPIABI='mvapich' is not a known MPI ABI; use one of mpich, openmpi, "
                                          r"mpiabi, impi, msmpi"):
        mpiabi.requested({"MPI4PY_BUILD_MPIABI": "mvapich"})


def test_standard_abi_defaults_to_mpicc_abi() -> None:
    assert mpiabi.build_environ("mpiabi", {"PATH": "/bin"})["MPI4PY_BUILD_MPICC"] == "mpicc_abi"
    assert "MPI4PY_BUILD_MPICC" not in mpiabi.build_environ("mpich", {"PATH": "/bin"})
    assert "MPI4PY_BUILD_MPICC" not in mpiabi.build_environ(None, {"PATH": "/bin"})


@pytest.mark.parametrize("explicit", ["MPI4PY_BUILD_MPICC", "MPICC", "MPI4PY_BUILD_MPICFG", "MPICFG"])
def test_explicit_settings_win_over_the_default_wrapper(explicit: str) -> None:
    env = mpiabi.build_environ("mpiabi", {explicit: "/opt/x"})
    assert env[explicit] == "/opt/x"
    assert len(env) == 1  # nothing added: the explicit setting is used as given


@pytest.mark.parametrize(("variant", "family"), [("mpich", "mpich"), ("mpich", "impi"), ("openmpi", "openmpi"),
                                                 ("mpiabi", "mpiabi"), ("msmpi", "msmpi"), (None, "unknown")])
def test_family_accepted(variant: str | None, family: str) -> None:
    mpiabi.check_family(variant, {"abi_family": family})


def test_family_mismatch() -> None:
    with pytest.raises(ConfigError, match=r"MPI4PY_BUILD_MPIABI=openmpi but the mpi.h used is of the 'mpich' ABI"):
        mpiabi.check_family("openmpi", {"abi_family": "mpich"})
    with pytest.raises(ConfigError, match="mpicc_abi"):
        mpiabi.check_family("mpiabi", {"abi_family": "mpich"})
