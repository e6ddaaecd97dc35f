"""MPI.get_vendor() and the ABI selector (mpi4py._mpiabi.vendor) read library version strings with one parser."""

from __future__ import annotations

import pytest

from mpi4py import MPI, _mpiabi

VERSION_STRINGS = [
    ("MPI VERSION    : CRAY MPICH version 8.1.28.2 (ANL base 3.4a2)\nMPI BUILD INFO : ...", ("Cray MPICH", (8, 1, 28))),
    ("Intel(R) MPI Library 2021.10 for Linux* OS\n", ("Intel MPI", (2021, 10, 0))),
    ("MVAPICH2 Version      :\t2.3.7\nMVAPICH2 Release date :\tWed March 02 22:00:00 EST 2022\n", ("MVAPICH", (2, 3, 7))),
    ("MVAPICH Version      :\t3.0\n", ("MVAPICH", (3, 0, 0))),
    ("Open MPI v5.0.8, package: Open MPI pypi, ident: 5.0.8, repo rev: v5.0.8, May 30, 2025", ("Open MPI", (5, 0, 8))),
    ("MPICH Version:      4.3.0rc2\nMPICH Release date: unreleased development copy\n", ("MPICH", (4, 3, 0))),
    ("MPICH Version:\t3.4.3\nMPICH Release date:\tThu Dec 16 11:20:57 CST 2021\n", ("MPICH", (3, 4, 3))),
    ("Microsoft MPI 10.1.12498.52", ("Microsoft MPI", (10, 1, 12498))),
    ("An MPI nobody has heard of, 1.2.3", ("unknown", (0, 0, 0))),
]


@pytest.mark.parametrize(("text", "expected"), VERSION_STRINGS)
def test_get_vendor_reads_what_the_abi_selector_reads(text: str, expected: tuple[str, tuple[int, int, int]]) -> None:
    assert MPI._vendor_of(text) == expected
    assert _mpiabi.vendor(text)[0] == (expected[0] if expected[0] != "unknown" else "")


def test_get_vendor_of_this_library() -> None:
    text = MPI.Get_library_version()
    name, version = MPI.get_vendor()
    assert (name, version) == MPI._vendor_of(text)
    assert name == _mpiabi.vendor(text)[0] and name != "unknown"
    assert len(version) == 3 and version > (0, 0, 0)
