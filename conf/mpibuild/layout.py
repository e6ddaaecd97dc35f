#!/usr/bin/env python3
"""What the installed package holds, read from the single sources, for every build backend.

- version: ``__version__`` in ``src/mpi4py/__init__.py``;
- package files: ``[tool.setuptools]`` ``packages``/``package-dir``/``package-data`` in ``pyproject.toml``
  (setuptools reads that table itself; CMake and Meson ask this script, so the three agree);
- the extension's include directories and compile definitions (``EXT_INCLUDE_DIRS``/``EXT_DEFINES``).

Run as a script by ``CMakeLists.txt`` and ``meson.build`` at configure time::

    python conf/run.py mpibuild.layout version       # 4.2.0
    python conf/run.py mpibuild.layout files         # DEST|SOURCE lines, paths relative to the top
    python conf/run.py mpibuild.layout gensrc-deps   # inputs of the Cython step
    python conf/run.py mpibuild.layout include-dirs  # extension include directories
    python conf/run.py mpibuild.layout defines       # NAME or NAME=VALUE lines

It needs only the standard library (``tomllib``, or ``tomli`` before Python 3.11).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOP = Path(__file__).resolve().parents[2]
VERSION_FILE = "src/mpi4py/__init__.py"
# Extension settings shared by every backend (MPI settings come from each backend's MPI discovery).
# src/include holds the private C glue (mpi4py/pympi.h), outside the package: mpi4py.get_include() is
# src/mpi4py/include, the public headers only.
EXT_INCLUDE_DIRS: tuple[str, ...] = ("src/include",)
PRIVATE_INCLUDE = TOP / "src" / "include"  # where the probes find mpi4py/pympi.h
# PYMPI_BUILDING_MPI4PY: our own build takes its type fallbacks from pympi_missing.h, not from the
# compat block libmpi.pxd gives packages that cimport mpi4py (conf/mpibuild/symbols.py).
EXT_DEFINES: tuple[tuple[str, str | None], ...] = (("PYMPI_BUILDING_MPI4PY", None),)

_VERSION_RE = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.MULTILINE)


class LayoutError(Exception):
    """The single sources cannot be read; the message names the file and the setting."""


@dataclass(frozen=True, order=True)
class PackageFile:
    dest: str  # install directory relative to site-packages, e.g. "mpi4py/include/mpi4py"
    source: str  # path relative to the top of the source tree

    @property
    def installed(self) -> str:
        return f"{self.dest}/{Path(self.source).name}"


def version(top: Path = TOP) -> str:
    text = (top / VERSION_FILE).read_text(encoding="utf-8")
    match = _VERSION_RE.search(text)
    if not match:
        raise LayoutError(f"{VERSION_FILE}: no line __version__ = \"X.Y.Z\"")
    return match.group(1)


def load_toml(path: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise LayoutError("reading pyproject.toml needs Python >= 3.11 or the 'tomli' package (pip install tomli)") from None
    with path.open("rb") as f:
        return tomllib.load(f)


def _setuptools_table(top: Path) -> dict[str, Any]:
    table = load_toml(top / "pyproject.toml").get("tool", {}).get("setuptools", {})
    packages = table.get("packages")
    if not isinstance(packages, list) or not all(isinstance(p, str) for p in packages):
        raise LayoutError("pyproject.toml: [tool.setuptools] packages must be an explicit list of package names "
                          "(CMake and Meson install exactly those)")
    return table


def _package_dir(name: str, package_dir: dict[str, str]) -> str:
    # setuptools semantics: the longest dotted prefix mapped in package-dir wins; "" is the root.
    parts = name.split(".")
    for i in range(len(parts), -1, -1):
        prefix = ".".join(parts[:i])
        if prefix in package_dir:
            base = package_dir[prefix].strip("/")
            rest = "/".join(parts[i:])
            return "/".join(p for p in (base, rest) if p)
    return "/".join(parts)


def package_files(top: Path = TOP) -> list[PackageFile]:
    """Every file the wheel puts under site-packages, except the compiled extension."""
    table = _setuptools_table(top)
    package_dir = table.get("package-dir", {})
    package_data = table.get("package-data", {})
    files: set[PackageFile] = set()
    for name in table["packages"]:
        src = _package_dir(name, package_dir)
        root = top / src
        if not root.is_dir():
            raise LayoutError(f"pyproject.toml: package {name!r} maps to {src}/, which does not exist")
        dest = name.replace(".", "/")
        found = list(root.glob("*.py"))
        for pattern in [*package_data.get(name, []), *package_data.get("*", [])]:
            found.extend(p for p in root.glob(pattern) if p.is_file())
        for path in found:
            rel = path.relative_to(root)
            subdir = "/".join((dest, *rel.parent.parts))
            files.add(PackageFile(subdir, path.relative_to(top).as_posix()))
    return sorted(files)


def gensrc_deps(top: Path = TOP) -> list[str]:
    from mpibuild import gensrc

    return [p.resolve().relative_to(top).as_posix() for p in gensrc.cython_sources(top / "build")]


def main(argv: list[str] | None = None) -> int:
    commands = {
        "version": lambda: [version()],
        "files": lambda: [f"{f.dest}|{f.source}" for f in package_files()],
        "gensrc-deps": gensrc_deps,
        "include-dirs": lambda: list(EXT_INCLUDE_DIRS),
        "defines": lambda: [name if value is None else f"{name}={value}" for name, value in EXT_DEFINES],
    }
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] not in commands:
        sys.stderr.write(f"usage: layout.py {{{'|'.join(commands)}}}\n")
        return 2
    try:
        lines = commands[args[0]]()
    except LayoutError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
