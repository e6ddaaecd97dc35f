"""Under the MPI launcher of the case (``mpiexec -n 2``): the default search took the expected MPI.

``nox -s wheel_abi`` runs this file with ``test/mpi`` in each MPI's 2-rank job.  With Debian's MPICH and
Open MPI both installed, the launcher decides which one is found; every MPI release tested must load
its variant (late binding), and what the running library lacks is reported, not compiled in.
"""

from __future__ import annotations

import os

import pytest

LIBRARY_PREFIX = {"mpich": ("libmpi.so.12", "libmpich.so.12"), "openmpi": ("libmpi.so.40",), "mpiabi": ("libmpi_abi.so.1",)}


@pytest.fixture(scope="module")
def mpi():  # noqa: ANN201
    from mpi4py import MPI

    return MPI


def test_variant_and_library(case: str, mpi) -> None:  # noqa: ANN001
    from mpi4py import _mpiabi

    choice = _mpiabi.selected
    assert choice is not None, "a merged wheel selects a variant"
    assert choice.variant == case
    assert os.path.basename(choice.library).startswith(LIBRARY_PREFIX[case]), choice.library
    expected_dir = os.environ.get("MPI4PY_TEST_LIBDIR", "")
    if expected_dir:
        assert os.path.realpath(os.path.dirname(choice.library)) == os.path.realpath(expected_dir), choice.library
    assert not choice.skipped, choice.skipped  # nothing found before it failed to load
    assert mpi.COMM_WORLD.Get_size() == 2


def test_vendor(mpi) -> None:  # noqa: ANN001
    name, version = mpi.get_vendor()
    text = f"{name} {'.'.join(map(str, version))}"
    assert text.startswith(os.environ["MPI4PY_TEST_VENDOR"]), text


def test_missing_routines_name_the_library(mpi) -> None:  # noqa: ANN001
    """A routine newer than the running library: NotImplementedError naming it and the library's version."""
    missing = mpi._missing_symbols()
    version = mpi.Get_version()
    if version >= (4, 1):
        assert "MPI_Buffer_iflush" not in missing, sorted(missing)
        assert mpi.ERR_ERRHANDLER != mpi.UNDEFINED
        return
    assert "MPI_Buffer_iflush" in missing
    _, vendor_version = mpi.get_vendor()
    with pytest.raises(NotImplementedError, match=r"MPI_Comm_iflush_buffer .*not in the loaded library: .*"
                       + r"\.".join(map(str, vendor_version[:2]))):
        mpi.COMM_WORLD.Iflush_buffer()
