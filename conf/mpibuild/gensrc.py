"""The one source-generation step every build backend runs.

``python conf/run.py mpibuild.gensrc OUTDIR`` writes into OUTDIR:

- ``libmpi.pxi``, ``pympi_missing.h`` and ``pympi_config.h`` generated from ``libmpi.sym`` (and the
  family facts of ``libmpi.vendor``);
- ``MPI.c``, Cython's translation of ``src/mpi4py/MPI.pyx`` (always the same flags), and ``MPI_api.h``,
  the header Cython writes for the ``cdef api`` functions (installed as
  ``mpi4py/include/mpi4py/MPI_api.h``: see ``API_HEADER``).

setuptools passes the probed symbol set instead of the version-based configuration when
``MPI4PY_BUILD_CONFIGURE`` is set; CMake and Meson call the script as a custom command.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from mpibuild import symbols

TOP = Path(__file__).resolve().parents[2]
PKG = TOP / "src" / "mpi4py"
CYTHON_SOURCES = ("MPI.pyx",)
# The api header of MPI.pyx: generated next to MPI.c, installed among the public headers (mpi4py.h includes it).
API_HEADER = "MPI_api.h"
API_HEADER_DEST = "mpi4py/include/mpi4py"
# Flags for every backend; language level 3, no line tracing, signatures for help().
# Indexing keeps Cython's bounds and negative-index checks: with them off, ``seq[0]`` on an empty list
# from MPI (Get_contents of an F90 datatype has no datatypes) reads past the end instead of raising.
CYTHON_FLAGS = (
    "-3",
    "--fast-fail",
    "-X", "embedsignature=True",
    "-X", "binding=False",
    "-X", "cdivision=True",
    # A typed handle argument refuses None (TypeError before MPI sees a null handle) unless its
    # default is None, which is where the API documents None.
    "-X", "allow_none_for_extension_args=False",
    "-X", "always_allow_keywords=True",
)
# The limited API (MPI4PY_BUILD_PYSABI, abi3 wheels): Cython can only wrap a method of a cdef class in
# classmethod there when the method is a binding function.
LIMITED_API_FLAGS = ("-X", "binding=True")


def cython_flags(limited_api: bool = False) -> tuple[str, ...]:
    return CYTHON_FLAGS + LIMITED_API_FLAGS if limited_api else CYTHON_FLAGS


def _write_if_changed(path: Path, text: str) -> None:
    # Keeps mtimes stable so incremental builds (editable installs) do not recompile.
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def generate_headers(outdir: Path, present: set[str] | None = None) -> list[symbols.Symbol]:
    outdir.mkdir(parents=True, exist_ok=True)
    # The internal pxi cimports its types from the committed libmpi.pxd: both must come from this table.
    stale = symbols.out_of_sync(PKG, PKG / "libmpi.sym", PKG / "libmpi.vendor")
    if stale:
        raise SystemExit(f"mpi4py: libmpi.pxd/mpi4py_compat.h are out of sync with libmpi.sym; run: {symbols.REGENERATE}\n{stale}")
    table = symbols.load(PKG / "libmpi.sym")
    _write_if_changed(outdir / "libmpi.pxi", symbols.emit_pxi(table))
    # Family facts (libmpi.vendor) complete a version-based configuration; probes need no help.
    vendor = symbols.load_vendor(PKG / "libmpi.vendor", table) if present is None else []
    late = symbols.load_late(PKG / "libmpi.vendor", table)  # inert unless PYMPI_LATE_BIND is defined
    _write_if_changed(outdir / "pympi_missing.h", symbols.emit_missing_h(table, vendor, late))
    config = symbols.emit_version_config_h(table) if present is None else symbols.emit_probed_config_h(table, present)
    _write_if_changed(outdir / "pympi_config.h", config)
    return table


def cython_sources(outdir: Path) -> list[Path]:
    """Every file that, when changed, requires re-running Cython."""
    deps = [PKG / "libmpi.sym", PKG / "libmpi.vendor", Path(__file__), Path(symbols.__file__)]
    deps += sorted(PKG.glob("*.pyx")) + sorted((PKG / "MPI.src").glob("*.pxi")) + sorted(PKG.glob("*.pxd"))
    return deps


def run_cython(outdir: Path, force: bool = False, limited_api: bool = False) -> list[Path]:
    outputs = []
    flags = cython_flags(limited_api)
    for name in CYTHON_SOURCES:
        source = PKG / name
        target = outdir / (Path(name).stem + ".c")
        header = outdir / (Path(name).stem + "_api.h")
        outputs.append(target)
        # The flags of the last translation: a build with other flags in the same folder translates again.
        flags_stamp = target.with_name(target.name + ".flags")
        last_flags = flags_stamp.read_text() if flags_stamp.exists() else " ".join(CYTHON_FLAGS)
        if last_flags != " ".join(flags):
            force = True
        if not force and target.exists() and header.exists():
            newest = max(p.stat().st_mtime for p in cython_sources(outdir) if p.exists())
            if target.stat().st_mtime >= newest:
                continue
        # Write to a side file and rename: an interrupted run must not leave a truncated MPI.c
        # that looks up to date to the next build.
        partial = target.with_name(f".partial-{os.getpid()}-{target.name}")
        partial_header = partial.with_name(partial.stem + "_api.h")  # Cython names it after its -o file
        cmd = [sys.executable, "-m", "cython", *flags, "-I", str(outdir), "-I", str(PKG),
               str(source), "-o", str(partial)]
        print("mpi4py: cythonizing", source.relative_to(TOP), "->", target, flush=True)
        started = time.time()
        try:
            result = subprocess.run(cmd, cwd=TOP)
            if result.returncode != 0:
                target.unlink(missing_ok=True)
                raise SystemExit(f"mpi4py: Cython failed on {source} (exit {result.returncode})")
            # Date the output when Cython started reading: a source edited during the run stays newer,
            # so the next build translates again instead of keeping a stale MPI.c.
            os.utime(partial, (started, started))
            if partial_header.exists():
                os.replace(partial_header, header)
            os.replace(partial, target)
            flags_stamp.write_text(" ".join(flags))
        finally:
            partial.unlink(missing_ok=True)
            partial_header.unlink(missing_ok=True)
    return outputs


def generate(outdir: str | os.PathLike[str], present: set[str] | None = None, force: bool = False,
             limited_api: bool = False) -> list[Path]:
    out = Path(outdir).resolve()
    generate_headers(out, present)
    return run_cython(out, force=force, limited_api=limited_api)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", help="directory for the generated C sources and headers")
    parser.add_argument("--force", action="store_true", help="re-run Cython even if up to date")
    args = parser.parse_args(argv)
    generate(args.outdir, force=args.force)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
