"""The build record: ``mpi4py/mpi.cfg`` inside the installed package, read by ``mpi4py.get_config()``.

``[mpi]`` holds the settings the build used, in the same syntax ``MPI4PY_BUILD_MPICFG`` reads, so
an installed record can configure the next build.  ``[build]`` holds facts about the build:
backend, MPI family and standard version of ``mpi.h``, how symbol availability was decided, and
where each setting came from.  Every backend writes it through ``write_record`` (setuptools from
Python; CMake/Meson by running this file as a script).
"""

from __future__ import annotations

import argparse
import configparser
import io
from collections.abc import Mapping
from pathlib import Path

from mpibuild.config import KNOWN_KEYS, MPIConfig, format_value

FILENAME = "mpi.cfg"
HEADER = (
    "# How this mpi4py was built (written by the build; read by mpi4py.get_config()).\n"
    "# The [mpi] section can configure another build: MPI4PY_BUILD_MPICFG=<this file>.\n"
)


def mpi_items(conf: MPIConfig) -> dict[str, str]:
    """The non-empty settings of ``conf`` in cfg syntax."""
    items = {}
    for key in KNOWN_KEYS:
        value = getattr(conf, key)
        if value:
            items[key] = format_value(key, value)
    return items


def build_items(conf: MPIConfig | None, backend: str, facts: Mapping[str, str] | None = None,
                config_header: str = "mpi-version", missing: list[str] | None = None) -> dict[str, str]:
    items = {"backend": backend, "config_header": config_header}
    facts = facts or {}
    items["mpi_abi"] = facts.get("abi_family", "unknown")
    items["mpi_std_version"] = facts.get("std_version", "unknown")
    if conf is not None:
        if conf.cfg:
            items["cfg_file"] = conf.cfg
        for key, origin in conf.sources.items():
            items[f"{key}_from"] = origin
    if missing is not None:
        items["missing_symbols"] = " ".join(missing)
    return items


def record_text(mpi: Mapping[str, str], build: Mapping[str, str]) -> str:
    parser = configparser.ConfigParser(interpolation=None)
    parser["mpi"] = dict(mpi)
    parser["build"] = dict(build)
    out = io.StringIO()
    parser.write(out)
    return HEADER + out.getvalue()


def write_record(package_dir: str | Path, mpi: Mapping[str, str], build: Mapping[str, str]) -> Path:
    """Write ``package_dir/mpi.cfg``; returns its path."""
    path = Path(package_dir) / FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record_text(mpi, build), encoding="utf-8")
    return path


def _pairs(values: list[str], option: str) -> dict[str, str]:
    items = {}
    for text in values:
        key, eq, value = text.partition("=")
        if not eq or not key.strip():
            raise SystemExit(f"{option}: expected KEY=VALUE, got {text!r}")
        items[key.strip()] = value.strip()
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write mpi4py's build record (mpi.cfg) into a package directory.")
    parser.add_argument("package_dir")
    parser.add_argument("--backend", required=True)
    parser.add_argument("--mpi", action="append", default=[], metavar="KEY=VALUE", help="a setting of the [mpi] section")
    parser.add_argument("--build", action="append", default=[], metavar="KEY=VALUE", help="a fact of the [build] section")
    args = parser.parse_args(argv)
    build = {**build_items(None, args.backend), **_pairs(args.build, "--build")}
    write_record(args.package_dir, _pairs(args.mpi, "--mpi"), build)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
