"""The MPI ABI variants of a merged wheel: one table for the runtime selector (``_mpiabi.py``), the build
(``conf/mpibuild/mpiabi.py``: ``MPI4PY_BUILD_MPIABI``), the merge (``conf/cibw/merge_wheels.py``) and the C
names of ``pympi.h`` (``PYMPI_MPI_ABI``); ``test/unit/test_abi_variants.py`` checks that all of them agree.

Standard library only and no package-relative imports: the build tooling loads this file by path
from the source tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Variant:
    name: str  # the folder mpi4py/_abi/<name>/ and the value of MPI4PY_BUILD_MPIABI / MPI4PY_MPIABI
    description: str
    # pympi.h's PYMPI_MPI_ABI values of the mpi.h files that build this variant (Intel MPI's is MPICH's ABI).
    header_families: tuple[str, ...]
    # Operating system ("linux", "darwin", "win32") -> library file names of this ABI, preferred first.
    sonames: dict[str, tuple[str, ...]] = field(default_factory=dict)


# In search order: where several MPI libraries are installed, an earlier variant's is tried first.
TABLE = (
    Variant("mpich", "MPICH ABI: MPICH, Intel MPI, MVAPICH, Cray MPICH", ("mpich", "impi"),
            {"linux": ("libmpi.so.12", "libmpich.so.12"), "darwin": ("libmpi.12.dylib", "libmpich.12.dylib")}),
    Variant("openmpi", "Open MPI ABI", ("openmpi",), {"linux": ("libmpi.so.40",), "darwin": ("libmpi.40.dylib",)}),
    Variant("mpiabi", "MPI-5 standard ABI", ("mpiabi",),
            {"linux": ("libmpi_abi.so.1",), "darwin": ("libmpi_abi.1.dylib",), "win32": ("mpi_abi.dll",)}),
    Variant("impi", "Intel MPI", ("impi",), {"win32": ("impi.dll",)}),
    Variant("msmpi", "Microsoft MPI", ("msmpi",), {"win32": ("msmpi.dll",)}),
)
VARIANTS = {variant.name: variant for variant in TABLE}
NAMES = tuple(VARIANTS)
OPERATING_SYSTEMS = ("linux", "darwin", "win32")


def library_names(os_key: str) -> tuple[tuple[str, str], ...]:
    """(file name, variant) of every MPI library this OS may have, in search order."""
    return tuple((soname, v.name) for v in TABLE for soname in v.sonames.get(os_key, ()))


def for_header(family: str, os_key: str) -> Variant | None:
    """The variant a build whose mpi.h is of ``family`` (PYMPI_MPI_ABI) loads on this OS, if any."""
    return next((v for v in TABLE if family in v.header_families and v.sonames.get(os_key)), None)
