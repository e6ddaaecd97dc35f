"""The one source-generation step every build backend runs.

``python conf/mpibuild/gensrc.py OUTDIR`` writes into OUTDIR:

- ``libmpi.pxi``, ``pympi_missing.h`` and ``pympi_config.h`` generated from ``libmpi.sym`` (and the
  family facts of ``libmpi.vendor``);
- ``MPI.c``, Cython's translation of ``src/mpi4py/MPI.pyx`` (always the same flags).

setuptools passes the probed symbol set instead of the version-based configuration when
``MPI4PY_BUILD_CONFIGURE`` is set; CMake and Meson call the script as a custom command.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script by CMake/Meson
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mpibuild import symbols  # noqa: E402

TOP = Path(__file__).resolve().parents[2]
PKG = TOP / "src" / "mpi4py"
CYTHON_SOURCES = ("MPI.pyx",)
# Flags for every backend; language level 3, no line tracing, signatures for help().
CYTHON_FLAGS = (
    "-3",
    "--fast-fail",
    "-X", "embedsignature=True",
    "-X", "binding=False",
    "-X", "boundscheck=False",
    "-X", "wraparound=False",
    "-X", "cdivision=True",
    "-X", "always_allow_keywords=True",
)


def _write_if_changed(path: Path, text: str) -> None:
    # Keeps mtimes stable so incremental builds (editable installs) do not recompile.
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def generate_headers(outdir: Path, present: set[str] | None = None) -> list[symbols.Symbol]:
    outdir.mkdir(parents=True, exist_ok=True)
    # The internal pxi cimports its types from the committed libmpi.pxd: both must come from this table.
    stale = symbols.pxd_out_of_sync(PKG / "libmpi.pxd", PKG / "libmpi.sym", PKG / "libmpi.vendor")
    if stale:
        raise SystemExit(f"mpi4py: src/mpi4py/libmpi.pxd is out of sync with libmpi.sym; run: {symbols.REGENERATE}\n{stale}")
    table = symbols.load(PKG / "libmpi.sym")
    _write_if_changed(outdir / "libmpi.pxi", symbols.emit_pxi(table))
    # Family facts (libmpi.vendor) complete a version-based configuration; probes need no help.
    vendor = symbols.load_vendor(PKG / "libmpi.vendor", table) if present is None else []
    _write_if_changed(outdir / "pympi_missing.h", symbols.emit_missing_h(table, vendor))
    config = symbols.emit_version_config_h(table) if present is None else symbols.emit_probed_config_h(table, present)
    _write_if_changed(outdir / "pympi_config.h", config)
    return table


def cython_sources(outdir: Path) -> list[Path]:
    """Every file that, when changed, requires re-running Cython."""
    deps = [PKG / "libmpi.sym", PKG / "libmpi.vendor", Path(__file__), Path(symbols.__file__)]
    deps += sorted(PKG.glob("*.pyx")) + sorted((PKG / "MPI").glob("*.pxi")) + sorted(PKG.glob("*.pxd"))
    return deps


def run_cython(outdir: Path, force: bool = False) -> list[Path]:
    outputs = []
    for name in CYTHON_SOURCES:
        source = PKG / name
        target = outdir / (Path(name).stem + ".c")
        outputs.append(target)
        if not force and target.exists():
            newest = max(p.stat().st_mtime for p in cython_sources(outdir) if p.exists())
            if target.stat().st_mtime >= newest:
                continue
        # Write to a side file and rename: an interrupted run must not leave a truncated MPI.c
        # that looks up to date to the next build.
        partial = target.with_name(f".partial-{os.getpid()}-{target.name}")
        cmd = [sys.executable, "-m", "cython", *CYTHON_FLAGS, "-I", str(outdir), "-I", str(PKG),
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
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return outputs


def generate(outdir: str | os.PathLike[str], present: set[str] | None = None, force: bool = False) -> list[Path]:
    out = Path(outdir).resolve()
    generate_headers(out, present)
    return run_cython(out, force=force)


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
