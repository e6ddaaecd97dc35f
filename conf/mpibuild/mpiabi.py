"""``MPI4PY_BUILD_MPIABI``: build ``mpi4py.MPI`` for one named MPI ABI (one variant of the merged wheel).

Values (case-insensitive):

- ``mpich``   the MPICH ABI (``libmpi.so.12``; also Intel MPI, MVAPICH, Cray MPICH on Linux)
- ``openmpi`` the Open MPI ABI (``libmpi.so.40``)
- ``mpiabi``  the MPI-5 standard ABI (``libmpi_abi.so.1``; ``mpicc_abi`` / ``mpi_abi.h``)
- ``msmpi``   Microsoft MPI (``msmpi.dll``; Windows)
- ``impi``    Intel MPI on Windows (``impi.dll``)

The setting only (1) picks the default compiler wrapper (``mpicc_abi`` for ``mpiabi``, when no
``MPI4PY_BUILD_MPICC``/``MPICC``/cfg is given), (2) checks that ``mpi.h`` really is of that ABI and
(3) records the variant in the build record (``[build] mpi_abi_variant``) and (4) defines
``PYMPI_LATE_BIND``: routines newer than the oldest release of the family are looked up in the
loaded library (see ``late`` in ``src/mpi4py/libmpi.vendor``). The wheel layout is the
normal one; ``conf/cibw/merge_wheels.py`` moves each variant's extension under ``mpi4py/_abi/<variant>/``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from mpibuild.config import CC_VARS, CFG_VARS, ConfigError

VARIABLE = "MPI4PY_BUILD_MPIABI"
VARIANTS = ("mpich", "openmpi", "mpiabi", "msmpi", "impi")
# Header families (pympi.h PYMPI_MPI_ABI) each variant accepts: Intel MPI's mpi.h is MPICH's ABI.
ACCEPTED_FAMILIES = {
    "mpich": ("mpich", "impi"),
    "openmpi": ("openmpi",),
    "mpiabi": ("mpiabi",),
    "msmpi": ("msmpi",),
    "impi": ("impi",),
}
DEFAULT_WRAPPER = {"mpiabi": "mpicc_abi"}
# A variant is compiled against the oldest release of its family and binds what newer releases add
# when the library is loaded (libmpi.vendor "late" blocks; dlsym needs libdl before glibc 2.34).
LATE_BIND_MACRO = ("PYMPI_LATE_BIND", "1")


def late_bind_macros(variant: str | None) -> list[tuple[str, str | None]]:
    """The define that turns on late binding in a variant build (none in a normal build)."""
    return [LATE_BIND_MACRO] if variant else []


def late_bind_libraries(variant: str | None, platform: str = sys.platform) -> list[str]:
    return ["dl"] if variant and platform.startswith("linux") else []


def requested(environ: Mapping[str, str] | None = None) -> str | None:
    """The variant named by MPI4PY_BUILD_MPIABI, or None when unset/blank."""
    value = (os.environ if environ is None else environ).get(VARIABLE, "")
    key = value.strip().lower()
    if not key:
        return None
    if key not in VARIANTS:
        raise ConfigError(f"{VARIABLE}={value!r} is not a known MPI ABI; use one of {', '.join(VARIANTS)}, or unset it "
                          "for a normal build against the MPI found.")
    return key


def build_environ(variant: str | None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment the MPI settings are resolved from: ``mpicc_abi`` as the default wrapper for ``mpiabi``."""
    env = dict(os.environ if environ is None else environ)
    wrapper = DEFAULT_WRAPPER.get(variant or "")
    explicit = any(env.get(name, "").strip() for name in (*CC_VARS, *CFG_VARS))
    if wrapper and not explicit:
        env[CC_VARS[0]] = wrapper
    return env


def check_family(variant: str | None, facts: Mapping[str, str]) -> None:
    """Fail when ``mpi.h`` is not of the requested ABI (the wheel would load the wrong variant)."""
    if variant is None:
        return
    family = facts.get("abi_family", "unknown")
    if family not in ACCEPTED_FAMILIES[variant]:
        hint = {
            "mpiabi": "use the standard-ABI wrapper (MPI4PY_BUILD_MPICC=mpicc_abi from MPICH >= 5) or a cfg with "
                      "define_macros = MPI_ABI and libraries = mpi_abi",
        }.get(variant, "point MPI4PY_BUILD_MPICC or MPI4PY_BUILD_MPICFG at that MPI")
        raise ConfigError(f"{VARIABLE}={variant} but the mpi.h used is of the {family!r} ABI; {hint}.")
