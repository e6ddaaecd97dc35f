"""In-tree PEP 517 backend: dispatch every hook to the backend chosen by MPI4PY_BUILD_BACKEND.

The chosen backend module is imported lazily, inside the build hooks, because the
``get_requires_*`` hooks run before it is installed. ``config_settings`` (pip ``-C``) go to
the chosen backend unchanged, e.g. ``-Cbuild-dir=...`` for scikit-build-core and meson-python.

Settings that only the setuptools build reads are checked here, before CMake or Meson run:
``MPI4PY_BUILD_CONFIGURE`` is an error there (availability comes from ``MPI_VERSION`` in
``mpi.h``), the MPICC/MPILD/MPICFG variables are ignored with a warning naming what to set.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from mpibuild.config import configure_requested

CYTHON = "Cython>=3.0"
BACKENDS: dict[str, tuple[str, list[str]]] = {
    "setuptools": ("setuptools.build_meta", ["setuptools>=77"]),
    "scikit-build-core": ("scikit_build_core.build", ["scikit-build-core>=0.11"]),
    "meson-python": ("mesonpy", ["meson-python>=0.17"]),
}
ALIASES = {
    "": "setuptools",
    "setuptools": "setuptools",
    "setup": "setuptools",
    "scikit-build-core": "scikit-build-core",
    "scikit_build_core": "scikit-build-core",
    "skbuild": "scikit-build-core",
    "scikit-build": "scikit-build-core",
    "cmake": "scikit-build-core",
    "meson-python": "meson-python",
    "meson_python": "meson-python",
    "mesonpy": "meson-python",
    "meson": "meson-python",
}


class BackendError(SystemExit):
    pass


def backend_name(environ: dict[str, str] | None = None) -> str:
    value = (os.environ if environ is None else environ).get("MPI4PY_BUILD_BACKEND", "")
    key = value.strip().lower()
    if key not in ALIASES:
        accepted = ", ".join(BACKENDS)
        raise BackendError(
            f"error: MPI4PY_BUILD_BACKEND={value!r} is not a known build backend.\n"
            f"Accepted values: {accepted} (case-insensitive; aliases: setup, skbuild, cmake, mesonpy, meson), "
            "or leave it unset for setuptools."
        )
    return ALIASES[key]


# setuptools-only settings and what CMake (FindMPI) and Meson (CC) read instead.
SETUPTOOLS_ONLY = ("MPI4PY_BUILD_MPICC", "MPICC", "MPI4PY_BUILD_MPILD", "MPILD", "MPI4PY_BUILD_MPICFG", "MPICFG")
MPI_SETTINGS_HELP = {
    "scikit-build-core": "CMake's FindMPI reads MPI_HOME=/path/to/mpi or -Ccmake.define.MPI_C_COMPILER=/path/to/mpicc",
    "meson-python": "Meson uses the C compiler: set CC=/path/to/mpicc",
}


def check_settings(name: str, environ: dict[str, str] | None = None) -> list[str]:
    """Fail on settings the chosen backend cannot honour; return warnings for ignored ones."""
    env = os.environ if environ is None else environ
    if name == "setuptools":
        return []
    if configure_requested(env):  # the same reading of the variable as the setuptools build
        raise BackendError(
            f"error: MPI4PY_BUILD_CONFIGURE={env['MPI4PY_BUILD_CONFIGURE']!r} is a setuptools feature; the {name} build "
            "does not probe MPI symbols: the MPI_VERSION/MPI_SUBVERSION macros of mpi.h decide what is available.\n"
            "Unset MPI4PY_BUILD_CONFIGURE, or build with MPI4PY_BUILD_BACKEND=setuptools to run the probes."
        )
    pysabi = env.get("MPI4PY_BUILD_PYSABI", "").strip()
    if pysabi.lower() not in ("", "0", "no", "off", "false"):
        raise BackendError(
            f"error: MPI4PY_BUILD_PYSABI={pysabi!r} (limited-API abi3 wheel) is a setuptools feature; the {name} "
            "build makes a version-specific wheel.\nUnset MPI4PY_BUILD_PYSABI, or build with MPI4PY_BUILD_BACKEND=setuptools."
        )
    ignored = [var for var in SETUPTOOLS_ONLY if env.get(var, "").strip()]
    if not ignored:
        return []
    return [f"warning: {', '.join(ignored)} {'is' if len(ignored) == 1 else 'are'} read by the setuptools build only and "
            f"ignored by {name}; {MPI_SETTINGS_HELP[name]}."]


# Build tools the CMake/Meson builds run, with the oldest version they accept.
TOOLS: dict[str, tuple[tuple[str, tuple[int, ...], str], ...]] = {
    "setuptools": (),
    "scikit-build-core": (("cmake", (3, 17), "cmake>=3.17"), ("ninja", (1, 8, 2), "ninja>=1.8.2")),
    "meson-python": (("ninja", (1, 8, 2), "ninja>=1.8.2"),),
}


def tool_version(program: str) -> tuple[int, ...] | None:
    """Version of a program that runs here, or None (missing, or a launcher broken under build isolation)."""
    path = shutil.which(program)
    if path is None:
        return None
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", out)
    return tuple(int(x) for x in match.groups() if x is not None) if match else None


def _tool_requires(name: str) -> list[str]:
    # Ask the frontend for cmake/ninja only when no usable one is on PATH (as the backends themselves do).
    extra = []
    for program, minimum, requirement in TOOLS[name]:
        found = tool_version(program)
        if found is None or found < minimum:
            extra.append(requirement)
    return extra


def requires(name: str | None = None) -> list[str]:
    name = name or backend_name()
    return [*BACKENDS[name][1], CYTHON, *_tool_requires(name)]


TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def check_writable(top: str = TOP) -> None:
    """setuptools writes build files next to the sources; say so at once instead of a deep OSError."""
    if not os.access(top, os.W_OK):
        raise BackendError(
            f"error: the mpi4py source directory {top} is read-only, and the build writes into it "
            "(build/, *.egg-info, generated sources).\n"
            f"Copy the sources to a writable directory and build there, e.g. cp -r {top} /tmp/mpi4py-src "
            "&& pip install /tmp/mpi4py-src, or install from the sdist."
        )


def _backend(building: bool = False) -> ModuleType:
    name = backend_name()
    if name == "setuptools":  # CMake and Meson build out of tree; setuptools writes build/ and *.egg-info here
        check_writable()
    module = BACKENDS[name][0]
    print(f"mpi4py: building with the {name} backend", file=sys.stderr, flush=True)
    if building:
        for message in check_settings(name):
            print(f"mpi4py: {message}", file=sys.stderr, flush=True)
    try:
        imported = importlib.import_module(module)
    except ImportError as exc:
        raise BackendError(
            f"error: MPI4PY_BUILD_BACKEND={name} needs {', '.join(requires(name))} ({exc}).\n"
            "Install them, or build with build isolation so pip installs them."
        ) from None
    if name == "setuptools":
        check_license_form(importlib.import_module("setuptools").__version__)
    return imported


SPDX_LICENSE = re.compile(r'^license\s*=\s*["\']', re.MULTILINE)
SPDX_SETUPTOOLS = 77  # the first setuptools that reads project.license as an SPDX string


def check_license_form(setuptools_version: str | None, pyproject: Path | None = None) -> None:
    """Refuse an older setuptools where pyproject.toml has an SPDX ``license`` string, which it cannot read.

    Only that combination fails (deep in setuptools' pyproject validation, naming neither the version
    nor the fix); a distribution that keeps its setuptools rewrites ``license`` to the table form
    (packaging/debian/patches), and then builds fine.
    """
    if not setuptools_version:
        return
    major = re.match(r"\d+", setuptools_version)
    if major is None or int(major.group()) >= SPDX_SETUPTOOLS:
        return
    text = (pyproject or Path.cwd() / "pyproject.toml").read_text(encoding="utf-8")
    if SPDX_LICENSE.search(text):
        raise BackendError(
            f"error: MPI4PY_BUILD_BACKEND=setuptools needs setuptools>=77 to read pyproject.toml's "
            f"SPDX license string; found setuptools {setuptools_version}.\n"
            "A build without isolation (pip --no-build-isolation) uses what is installed: upgrade with "
            "pip install -U 'setuptools>=77', or build with build isolation so pip installs it."
        )


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    check_settings(backend_name())  # fail before the frontend installs anything
    return requires()


def get_requires_for_build_sdist(config_settings: dict[str, Any] | None = None) -> list[str]:
    return requires()


def get_requires_for_build_editable(config_settings: dict[str, Any] | None = None) -> list[str]:
    check_settings(backend_name())
    return requires()


def build_wheel(wheel_directory: str, config_settings: dict[str, Any] | None = None,
                metadata_directory: str | None = None) -> str:
    return _backend(building=True).build_wheel(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory: str, config_settings: dict[str, Any] | None = None) -> str:
    name = _backend().build_sdist(sdist_directory, config_settings)
    from mpibuild import reproducible

    epoch = reproducible.source_date_epoch()
    if epoch is not None and name.endswith(".tar.gz"):
        reproducible.normalize_sdist(Path(sdist_directory) / name, epoch)
    return name


_OPTIONAL_HOOKS = ("build_editable", "prepare_metadata_for_build_wheel", "prepare_metadata_for_build_editable")


def __getattr__(name: str) -> Any:
    # Optional hooks exist only if the chosen backend has them, so frontends can fall back.
    if name in _OPTIONAL_HOOKS:
        hook = getattr(_backend(building=True), name, None)
        if hook is not None:
            return hook
    raise AttributeError(name)
