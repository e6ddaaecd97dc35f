"""``MPI4PY_BUILD_MPIABI``: build ``mpi4py.MPI`` for one named MPI ABI (one variant of the merged wheel).

Values (case-insensitive): the variants of ``src/mpi4py/_abivariants.py``, the one table of them
(``mpich``, ``openmpi``, ``mpiabi``; on Windows ``impi``, ``msmpi``), read here from the source tree.

The setting only (1) picks the default compiler wrapper (``mpicc_abi`` for ``mpiabi``, when no
``MPI4PY_BUILD_MPICC``/``MPICC``/cfg is given), (2) checks that ``mpi.h`` really is of that ABI and
(3) records the variant in the build record (``[build] mpi_abi_variant``) and (4) defines
``PYMPI_LATE_BIND``: routines newer than the oldest release of the family are looked up in the
loaded library (see ``late`` in ``src/mpi4py/libmpi.vendor``). The wheel layout is the
normal one; ``conf/cibw/merge_wheels.py`` moves each variant's extension under ``mpi4py/_abi/<variant>/``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

from mpibuild.config import CC_VARS, CFG_VARS, ConfigError

TOP = Path(__file__).resolve().parents[2]
TABLE_FILE = TOP / "src" / "mpi4py" / "_abivariants.py"
PYMPI_H = TOP / "src" / "include" / "mpi4py" / "pympi.h"


def load_table(path: Path = TABLE_FILE) -> ModuleType:
    """The runtime package's variant table, loaded by path (the build never imports the mpi4py being built)."""
    spec = importlib.util.spec_from_file_location("mpi4py_abivariants", path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"{path}: cannot load the MPI ABI variant table; is the source tree complete?")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


TABLE = load_table()
VARIABLE = "MPI4PY_BUILD_MPIABI"
VARIANTS: tuple[str, ...] = TABLE.NAMES
# Header families (pympi.h PYMPI_MPI_ABI) each variant accepts: Intel MPI's mpi.h is MPICH's ABI.
ACCEPTED_FAMILIES: dict[str, tuple[str, ...]] = {v.name: v.header_families for v in TABLE.TABLE}


def pympi_families(text: str) -> list[str]:
    """The ABI family names pympi.h gives ``PYMPI_MPI_ABI`` (``unknown`` aside)."""
    return [name for name in re.findall(r'#\s*define\s+PYMPI_MPI_ABI\s+"([^"]+)"', text) if name != "unknown"]


def agreement_problems(table: ModuleType, pympi_h: str, build: tuple[str, ...], merge: tuple[str, ...],
                       runtime: tuple[str, ...]) -> list[str]:
    """What keeps the variant table, pympi.h's C names and the variant lists of build, merge and runtime apart."""
    problems: list[str] = []
    names = tuple(table.NAMES)
    for where, listed in (("build (conf/mpibuild/mpiabi.py)", build), ("merge (conf/cibw/merge_wheels.py)", merge),
                          ("runtime (src/mpi4py/_mpiabi.py)", runtime)):
        if tuple(listed) != names:
            problems.append(f"the {where} knows the variants {list(listed)}, the table {list(names)}")
    in_c = pympi_families(pympi_h)
    families = {family for v in table.TABLE for family in v.header_families}
    for family in sorted(families - set(in_c)):
        problems.append(f"pympi.h never defines PYMPI_MPI_ABI \"{family}\", a header family of the table")
    for family in sorted(set(in_c) - families):
        problems.append(f"pympi.h defines PYMPI_MPI_ABI \"{family}\", which no variant of the table accepts")
    for v in table.TABLE:
        if v.name not in v.header_families:
            problems.append(f"variant {v.name!r} does not accept its own header family")
        if not v.sonames or set(v.sonames) - set(table.OPERATING_SYSTEMS):
            problems.append(f"variant {v.name!r}: library names for {sorted(v.sonames)}, expected some of {table.OPERATING_SYSTEMS}")
    return problems
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
