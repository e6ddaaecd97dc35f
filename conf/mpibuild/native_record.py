"""The build record (``mpi4py/mpi.cfg``) for the CMake and Meson builds, run by them as a build step.

``python conf/run.py mpibuild.native_record OUTDIR --backend NAME --gendir GENDIR --cc WORD [--cc WORD ...]
[--mpicc WORD ...] [--include-dir DIR ...] [--from TEXT]`` writes ``OUTDIR/mpi.cfg`` through ``record.write_record`` (the
same writer setuptools uses). The MPI family and standard version come from ``probe.header_facts``:
the compiler command preprocesses ``pympi.h`` with the headers ``gensrc.py`` wrote into GENDIR.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from mpibuild import layout, probe, record
from mpibuild.config import MPIConfig

INCLUDE = layout.PRIVATE_INCLUDE


def write(outdir: Path, backend: str, gendir: Path, cc: list[str], mpicc: list[str],
          include_dirs: list[str], origin: str) -> Path:
    facts = probe.header_facts(MPIConfig(mpicc=cc, include_dirs=include_dirs), gendir, INCLUDE)
    conf = MPIConfig(mpicc=mpicc)
    if mpicc:
        conf.sources["mpicc"] = origin
    build = record.build_items(conf, backend, facts, "mpi-version")
    return record.write_record(outdir, record.mpi_items(conf), build)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--backend", required=True)
    parser.add_argument("--gendir", type=Path, required=True, help="where gensrc.py wrote pympi_config.h")
    # One word per option, so paths with spaces survive (CMake/Meson pass lists, not command lines).
    parser.add_argument("--cc", action="append", required=True, help="a word of the C compiler command that sees mpi.h")
    parser.add_argument("--mpicc", action="append", default=[], help="a word of the MPI compiler wrapper used, if any")
    parser.add_argument("--include-dir", action="append", default=[], help="MPI include directory (no wrapper)")
    parser.add_argument("--from", dest="origin", default="", help="where the wrapper setting came from")
    args = parser.parse_args(argv)
    mpicc = [w for w in args.mpicc if w]
    if mpicc and os.sep not in mpicc[0]:  # CC=mpicc: record the wrapper found on PATH, as setuptools does
        mpicc[0] = shutil.which(mpicc[0]) or mpicc[0]
    include_dirs = [d for d in args.include_dir if d]
    write(args.outdir, args.backend, args.gendir, [w for w in args.cc if w], mpicc, include_dirs, args.origin)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
