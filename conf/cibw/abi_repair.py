"""Repair step that turns one freshly built variant wheel into the merged wheel for every MPI.

``python conf/run.py cibw.abi_repair -w DEST_DIR [--workdir DIR] [--isolation] WHEEL``

Usable as cibuildwheel's ``repair-wheel-command`` (with ``MPI4PY_BUILD_MPIABI=mpich`` and
``MPI4PY_CIBW_MPI=mpich4`` in the build environment; Windows: ``impi``): WHEEL is the variant
cibuildwheel built; the other variants of the platform (``build_variants.platform_variants``) are
built from the same sources with ``build_variants.py`` (build MPIs and per-variant source copies
under ``--workdir``, reused between calls; two at once by default), then everything is merged
(``merge_wheels.py``) and repaired without bundling MPI (``repair.py``) into DEST_DIR.
The ``nox -s wheel_abi`` session runs this very script on the host.
``--keep-variants DIR`` (default ``$MPI4PY_ABI_KEEP``) also copies every input variant wheel to
``DIR/<variant>/``: ``nox -s wheels`` mounts such a folder into the build container, so that
``nox -s wheel_abi`` gets the plain MPICH build (its wrong-MPI test) without compiling it again. A kept
wheel replaces only one of the same name: the builds for each CPython keep theirs side by side.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from cibw import build_variants, merge_wheels, repair

TOP = Path(__file__).resolve().parents[2]


def keep(wheels: list[Path], folder: Path) -> None:
    for wheel in wheels:
        dest = folder / merge_wheels.read_variant(wheel).name
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copy2(wheel, dest / wheel.name)
        print(f"abi_repair: kept {dest / wheel.name}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-w", "--wheel-dir", required=True, type=Path, help="where the merged, repaired wheel goes")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "mpi4py-abi",
                        help="build MPIs and variant builds (default: a folder in the temp dir)")
    parser.add_argument("--src", type=Path, default=TOP, help="the source tree the wheel was built from (default: this one)")
    parser.add_argument("--isolation", action="store_true", help="let pip install the build requirements of the other variants")
    parser.add_argument("--jobs", type=int, default=None, help="variants compiled at once (default: $MPI4PY_BUILD_JOBS, else 2)")
    parser.add_argument("--keep-variants", type=Path, default=os.environ.get("MPI4PY_ABI_KEEP") or None,
                        help="also copy the variant wheels to DIR/<variant>/ (default: $MPI4PY_ABI_KEEP, else not kept)")
    parser.add_argument("wheel", type=Path)
    args = parser.parse_args(argv)
    try:
        built = merge_wheels.read_variant(args.wheel)
    except merge_wheels.MergeError as exc:
        parser.error(str(exc))
    others = [v for v in build_variants.platform_variants() if v != built.name]
    workdir = args.workdir.resolve()
    for variant in others:
        build_variants.sync_tree(args.src.resolve(), workdir / f"src-{variant}")
    wheels = [args.wheel, *build_variants.build_many(workdir, others, args.isolation, args.jobs or build_variants.default_jobs())]
    if args.keep_variants:
        keep(wheels, args.keep_variants)
    with tempfile.TemporaryDirectory(prefix="mpi4py-abi-merge-") as tmp:
        try:
            merged = merge_wheels.merge(wheels, Path(tmp))
        except merge_wheels.MergeError as exc:
            print(f"abi_repair: error: {exc}", file=sys.stderr)
            return 1
        print(f"abi_repair: merged {', '.join(merge_wheels.read_variant_names(merged))} into {merged.name}", flush=True)
        return repair.main(["-w", str(args.wheel_dir), str(merged)])


if __name__ == "__main__":
    raise SystemExit(main())
