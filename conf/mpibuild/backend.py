"""In-tree PEP 517 backend: dispatch every hook to the backend chosen by MPI4PY_BUILD_BACKEND.

The chosen backend module is imported lazily, inside the build hooks, because the
``get_requires_*`` hooks run before it is installed.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

CYTHON = "Cython>=3.0"
BACKENDS: dict[str, tuple[str, list[str]]] = {
    "setuptools": ("setuptools.build_meta", ["setuptools>=77"]),
    "scikit-build-core": ("scikit_build_core.build", ["scikit-build-core>=0.10"]),
    "meson-python": ("mesonpy", ["meson-python>=0.15"]),
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


def _tool_requires(name: str) -> list[str]:
    # CMake/Meson need ninja (and cmake) programs; ask pip for them only when missing.
    extra = []
    if name == "scikit-build-core" and shutil.which("cmake") is None:
        extra.append("cmake>=3.15")
    if name in ("scikit-build-core", "meson-python") and shutil.which("ninja") is None:
        extra.append("ninja")
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


def _backend() -> ModuleType:
    name = backend_name()
    if name == "setuptools":  # CMake and Meson build out of tree; setuptools writes build/ and *.egg-info here
        check_writable()
    module = BACKENDS[name][0]
    print(f"mpi4py: building with the {name} backend", file=sys.stderr, flush=True)
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise BackendError(
            f"error: MPI4PY_BUILD_BACKEND={name} needs {', '.join(requires(name))} ({exc}).\n"
            "Install them, or build with build isolation so pip installs them."
        ) from None


def get_requires_for_build_wheel(config_settings: dict[str, Any] | None = None) -> list[str]:
    return requires()


def get_requires_for_build_sdist(config_settings: dict[str, Any] | None = None) -> list[str]:
    return requires()


def get_requires_for_build_editable(config_settings: dict[str, Any] | None = None) -> list[str]:
    return requires()


def build_wheel(wheel_directory: str, config_settings: dict[str, Any] | None = None,
                metadata_directory: str | None = None) -> str:
    return _backend().build_wheel(wheel_directory, config_settings, metadata_directory)


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
        hook = getattr(_backend(), name, None)
        if hook is not None:
            return hook
    raise AttributeError(name)
