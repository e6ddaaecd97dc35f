"""mpi_helpers.spawn_hang_reason() and mpich_netmod(): which MPIs get some dynamic-process tests skipped, and why."""

from __future__ import annotations

import os
import sys

import pytest
from mpi_helpers import SPAWN_HANG_BUGS, mpich_netmod, pmix_library_version, respawn_race_reason, spawn_hang_reason

from mpi4py import MPI

DEBIAN_PMIX = "OpenPMIx 4.2.2rc2 (PMIx Standard: 4.2, Stable ABI: 0.0, Provisional ABI: 0.0)"


def test_open_mpi_4_on_an_external_pmix_4_is_named() -> None:
    reason = spawn_hang_reason(("Open MPI", (4, 1, 4)), DEBIAN_PMIX)
    assert reason is not None
    assert "Open MPI 4.1.4" in reason and "OpenPMIx 4.2.2rc2" in reason and SPAWN_HANG_BUGS in reason
    assert spawn_hang_reason(("Open MPI", (4, 1, 2)), "OpenPMIx 4.1.2") is not None


@pytest.mark.parametrize(("vendor", "pmix"), [
    (("Open MPI", (4, 1, 8)), None),  # PyPI's Open MPI 4.1: its own PMIx, no libpmix.so loaded
    (("Open MPI", (4, 1, 4)), "OpenPMIx 3.2.3 (PMIx Standard: 3.2)"),  # upstream's passing row
    (("Open MPI", (5, 0, 11)), "OpenPMIx 5.0.9 (PMIx Standard: 5.1)"),  # PRRTE, no ORTE publish/lookup
    (("MPICH", (4, 0, 2)), DEBIAN_PMIX),
    (("Open MPI", (4, 1, 4)), "PMIx version unknown"),
])
def test_other_mpis_keep_their_spawn_tests(vendor: tuple[str, tuple[int, ...]], pmix: str | None) -> None:
    assert spawn_hang_reason(vendor, pmix) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_pmix_version_of_the_running_mpi() -> None:
    found = pmix_library_version()
    name, version = MPI.get_vendor()
    if found is None:  # MPICH, PyPI's Open MPI 4.1 (its PMIx is built in), MPI without PMIx
        return
    assert "PMIx" in found, found
    if name == "Open MPI" and version[:1] == (4,):  # Debian 12's Open MPI 4.1.4 loads PMIx 4.2.2
        assert (spawn_hang_reason((name, version), found) is None) == found.startswith(("OpenPMIx 3", "PMIx 3"))


PYPI_MPICH_5 = "MPICH Version:      5.0.2\nMPICH Device:       ch4:ucx ofi\nMPICH configure:    --with-device=ch4:ucx,ofi\n"


@pytest.mark.parametrize(("version", "environ", "expected"), [
    (PYPI_MPICH_5, {}, "ucx"),  # the first configured netmod is the default
    (PYPI_MPICH_5, {"MPIR_CVAR_CH4_NETMOD": "ofi"}, "ofi"),
    (PYPI_MPICH_5, {"MPIR_CVAR_CH4_NETMOD": " UCX "}, "ucx"),
    (PYPI_MPICH_5, {"MPIR_CVAR_CH4_NETMOD": "psm9"}, "ucx"),  # not built in: MPICH keeps its default
    ("MPICH Version:      3.4.3\nMPICH Device:       ch4:ofi\n", {}, "ofi"),
    ("MPICH Device:       ch4:ucx,ofi\n", {}, "ucx"),
    ("MPICH Version:      3.4.3\nMPICH Device:       ch3:nemesis\n", {}, None),
    ("Open MPI v5.0.11, package: Open MPI", {}, None),
    ("Intel(R) MPI Library 2021.13 for Linux* OS\n", {}, None),
])
def test_mpich_netmod(version: str, environ: dict[str, str], expected: str | None) -> None:
    assert mpich_netmod(version, environ) == expected


def test_respawn_race_named_only_for_several_ranks_on_ucx() -> None:
    netmod = mpich_netmod(MPI.Get_library_version(), {"MPIR_CVAR_CH4_NETMOD": os.environ.get("MPIR_CVAR_CH4_NETMOD", "")})
    reason = respawn_race_reason()
    assert (reason is not None) == (netmod == "ucx" and MPI.COMM_WORLD.Get_size() > 1), (netmod, reason)
    if MPI.get_vendor()[0] == "MPICH" and "ch4:" in MPI.Get_library_version():
        assert netmod in MPI.Get_library_version(), netmod
