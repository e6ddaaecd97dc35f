"""Session bench: C vs ours vs upstream mpi4py, on MPICH and Open MPI from PyPI.

``nox -s bench`` (full, ~25 min on an idle 2-core machine: both bindings are built from their sdists
and timed for every MPI) or ``nox -s bench -- --quick`` (a few minutes once the caches are warm: cached
builds, no build times). Options after ``--``: see ``nox -s bench -- --help``.

Per MPI it prepares, each in its own venv (never upstream beside ours):
  ours      our sdist built and installed, numpy
  upstream  ``mpi4py==4.1.*`` built from its PyPI sdist (pip download --no-binary) against the same MPI
  C         bench/pingpong.c compiled with that MPI's mpicc
Both bindings are built with the same CFLAGS (``BUILD_FLAGS``: our build's default flags, which then
apply to upstream's build too); a full run builds and times both in the run itself, a quick run reuses
wheels cached under $MPI4PY_BENCH_CACHE (default ~/.cache/mpi4py-bench) keyed by version/sources, MPI
and its version, Python and the flags. Then ``python -m bench.harness`` measures and writes bench/results/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

import nox
from mpibuild.optflags import DEFAULT_FLAGS
from nox.command import CommandFailed

from noxlib.common import MPI_PACKAGES, MPIEXEC_ENV, MPIS, TOP, build_sdist_from_checkout

UPSTREAM_SPEC = "mpi4py==4.1.*"
UPSTREAM_SERIES = "4.1."
WORK = TOP / "build" / "bench"
RESULTS = TOP / "bench" / "results"
RUNTIME = ["numpy"]
# One rank per core: unbound, the two busy-polling ranks of a ping-pong can share a core on a busy
# machine and every message then waits for a time slice (MPICH does not bind by default).
LAUNCH_ARGS = ["--bind-to", "core"]
# Open MPI: the on-node transports it ends up with anyway (pml ob1, btl self+sm), named up front so
# each start skips ~1.5 s of probing components that fail here (pml cm, btl ofi).
MPI_ENV = {"openmpi": {"OMPI_MCA_pml": "ob1", "OMPI_MCA_btl": "self,sm"}}
BUILD_TOOLS = ["pip", "setuptools>=64", "Cython>=3.0", "wheel"]
# The same compiler flags for both bindings: our build's defaults (conf/mpibuild/optflags.py), given as
# CFLAGS so that setuptools appends them after the interpreter's -O3 -g in upstream's build as well.
BUILD_FLAGS = " ".join(DEFAULT_FLAGS)


def cache_root() -> Path:
    env = os.environ.get("MPI4PY_BENCH_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "mpi4py-bench"


def parse_options(posargs: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="nox -s bench --", description="C vs ours vs upstream mpi4py")
    ap.add_argument("--quick", action="store_true",
                    help="a few minutes: 3 rounds, shorter blocks; reuses cached builds (no build times)")
    ap.add_argument("--mpi", action="append", choices=MPIS, help="only this MPI (repeatable; default: all)")
    ap.add_argument("--runs", type=int, default=None, help="rounds (each contender once per round, in a random order)")
    ap.add_argument("--seed", type=int, default=None, help="seed of the per-round contender order (default: random, recorded)")
    ap.add_argument("--thread-level", choices=("single", "funneled", "serialized", "multiple"), default="multiple",
                    help="MPI thread level of all contenders (default: multiple, mpi4py's default)")
    ap.add_argument("--note", default="", help="free text stored with the results (e.g. machine state)")
    return ap.parse_args(posargs)


class Env:
    """A throwaway venv made with uv, holding one MPI from PyPI plus what one contender needs."""

    def __init__(self, session: nox.Session, uv: str, path: Path) -> None:
        self.session, self.uv, self.path = session, uv, path
        self.python = str(path / "bin" / "python")

    @property
    def env(self) -> dict[str, str]:
        return {"PATH": f"{self.path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}", "VIRTUAL_ENV": str(self.path)}

    @property
    def build_env(self) -> dict[str, str]:
        return {**self.env, "CFLAGS": BUILD_FLAGS}

    def create(self, packages: list[str]) -> None:
        self.session.run(self.uv, "venv", "--clear", "--quiet", "-p", sys.executable, str(self.path), external=True)
        self.session.run(self.uv, "pip", "install", "--quiet", "-p", self.python, *packages, external=True)

    def run(self, *args: str, **kw: object) -> str | None:
        return self.session.run(*args, env={**self.env, **kw.pop("env", {})}, external=True, **kw)  # type: ignore[arg-type]

    def output(self, code: str) -> str:
        out = self.run(self.python, "-c", code, silent=True)
        return (out or "").strip()


BUILD_INPUTS = ("src/", "conf/mpibuild/", "pyproject.toml", "setup.py", "mpi.cfg", "MANIFEST.in")


def sdist_digest(sdist: Path) -> str:
    """Hash of the names and contents (not timestamps) of the sdist files that shape the built wheel:
    the key of ours' build cache, so --quick rebuilds only when the code or the build changed."""
    h = hashlib.sha256()
    with tarfile.open(sdist) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.partition("/")[2].startswith(BUILD_INPUTS)]
        for member in sorted(members, key=lambda m: m.name):
            h.update(member.name.encode() + b"\0")
            data = tar.extractfile(member)
            h.update(data.read() if data else b"")
    return h.hexdigest()[:16]


def timed_build(env: Env, sdist: Path, outdir: Path) -> tuple[Path, float]:
    """Clean build of SDIST into a wheel, then its install into ENV; returns (wheel, seconds for both)."""
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    t0 = time.perf_counter()
    env.run(env.python, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-cache-dir", "-q", "-w", str(outdir), str(sdist),
            env={"CFLAGS": BUILD_FLAGS})
    (wheel,) = outdir.glob("mpi4py-*.whl")
    install(env, wheel)
    return wheel, time.perf_counter() - t0


def install(env: Env, wheel: Path) -> None:
    env.run(env.python, "-m", "pip", "install", "--no-deps", "--no-index", "--force-reinstall", "-q", str(wheel))


def cached_build(env: Env, sdist: Path, slot: Path, reuse: bool) -> dict[str, object]:
    """Wheel from SLOT when REUSE and present (installed, not rebuilt, no build time), else a timed clean
    build stored in SLOT. SLOT's name is the cache key (sources or version, MPI, Python, flags)."""
    record = slot / "build.json"
    if reuse and record.is_file():
        info = json.loads(record.read_text())
        wheel = slot / info["wheel"]
        if wheel.is_file() and info.get("cflags") == BUILD_FLAGS:
            install(env, wheel)
            return {**info, "seconds": None, "wheel_path": str(wheel), "cached": True}
    wheel, seconds = timed_build(env, sdist, slot / "new")
    slot.mkdir(parents=True, exist_ok=True)
    final = slot / wheel.name
    shutil.move(str(wheel), final)
    shutil.rmtree(slot / "new")
    info = {"wheel": final.name, "seconds": round(seconds, 2), "date": time.strftime("%Y-%m-%d", time.gmtime()), "sdist": sdist.name,
            "cflags": BUILD_FLAGS}
    record.write_text(json.dumps(info, indent=1) + "\n")
    return {**info, "wheel_path": str(final), "cached": False}


def flags_key() -> str:
    return hashlib.sha256(BUILD_FLAGS.encode()).hexdigest()[:8]


def place_key(env: Env) -> str:
    """The venv a wheel was built in: its extension's RUNPATH names that venv's lib/ (where the PyPI
    MPI's libmpi is), so a wheel cached from another checkout's venv cannot load its MPI."""
    return hashlib.sha256(str(env.path).encode()).hexdigest()[:8]


def build_note(info: dict[str, object]) -> str:
    return f"not timed in this run (cached build from {info['date']})" if info["cached"] else ""


def extension_sizes(wheel: Path) -> dict[str, int]:
    """Bytes of the wheel's ``mpi4py/MPI`` extension module as built and of a ``strip``ped copy."""
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if n.startswith("mpi4py/MPI.") and n.endswith((".so", ".pyd"))]
        if len(names) != 1:
            raise RuntimeError(f"{wheel.name}: expected one mpi4py/MPI extension module, found {names}")
        with tempfile.TemporaryDirectory() as tmp:
            built = Path(zf.extract(names[0], tmp))
            stripped = Path(tmp) / "stripped"
            subprocess.run(["strip", "--strip-all", "-o", str(stripped), str(built)], check=True)
            return {"unstripped": built.stat().st_size, "stripped": stripped.stat().st_size}


def upstream_sdist(session: nox.Session, tools: Env, cache: Path) -> Path:
    """The newest cached upstream 4.1.x sdist, else download it once from PyPI (sdist only, no deps)."""
    sdists = cache / "upstream-sdist"
    found = sorted(sdists.glob(f"mpi4py-{UPSTREAM_SERIES}*.tar.gz"))
    if not found:
        sdists.mkdir(parents=True, exist_ok=True)
        tools.run(tools.python, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", "mpi4py", "--no-build-isolation",
                  "-d", str(sdists), UPSTREAM_SPEC)
        found = sorted(sdists.glob(f"mpi4py-{UPSTREAM_SERIES}*.tar.gz"))
    if not found:
        session.error(f"no upstream sdist matching {UPSTREAM_SPEC} in {sdists} after download")
    return found[-1]


def version_of(sdist: Path) -> str:
    return sdist.name[len("mpi4py-"):-len(".tar.gz")]


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmark: C ping-pong vs ours vs upstream mpi4py, MPICH and Open MPI (-- --quick for ~1 minute)."""
    opts = parse_options(session.posargs)
    if opts.runs is not None and opts.runs < 1:
        session.error(f"--runs must be at least 1, got {opts.runs}")
    session.install("uv", "matplotlib", "numpy", "build")
    uv = str(Path(session.virtualenv.location) / "bin" / "uv")
    cache = cache_root()
    WORK.mkdir(parents=True, exist_ok=True)
    pytag = f"cp{sys.version_info.major}{sys.version_info.minor}"

    # Our sdist (MPI-independent): every measured build of ours starts from it, like a user's pip install.
    sdist_dir = WORK / "sdist"
    shutil.rmtree(sdist_dir, ignore_errors=True)
    build_sdist_from_checkout(session, sdist_dir, installer="uv")
    (ours_sdist,) = sdist_dir.glob("mpi4py-*.tar.gz")
    ours_key = sdist_digest(ours_sdist)

    plan_mpis: dict[str, object] = {}
    for mpi in opts.mpi or list(MPIS):
        session.log(f"==> {mpi}: preparing C, ours, upstream")
        base = WORK / mpi
        ours = Env(session, uv, base / "ours")
        ours.create([MPI_PACKAGES[mpi], *RUNTIME, *BUILD_TOOLS])
        mpi_version = ours.output(f"import importlib.metadata as m; print(m.version({MPI_PACKAGES[mpi].split('<')[0]!r}))")
        contenders: dict[str, dict[str, object]] = {}
        build_s: dict[str, dict[str, object]] = {}
        wheel_bytes: dict[str, int] = {}
        ext_bytes: dict[str, dict[str, int]] = {}

        # C: the same MPI's wrapper compiler.
        exe = base / "pingpong"
        ours.run(str(base / "ours" / "bin" / "mpicc"), "-O2", "-o", str(exe), str(TOP / "bench" / "pingpong.c"), "-lm")
        contenders["c"] = {"cmd": [str(exe)], "mpiexec": str(base / "ours" / "bin" / "mpiexec"), "env": ours.env}

        # ours: a clean, timed build from our sdist (reused only by --quick when the sources are unchanged).
        slot = cache / "ours" / f"{ours_key}-{mpi}-{mpi_version}-{pytag}-{flags_key()}-{place_key(ours)}"
        py_ours = {"cmd": [ours.python, str(TOP / "bench" / "pingpong.py")], "python": ours.python,
                   "mpiexec": str(base / "ours" / "bin" / "mpiexec"), "env": ours.env}
        try:
            info = cached_build(ours, ours_sdist, slot, reuse=opts.quick)
            version = ours.output("import mpi4py; print(mpi4py.__version__)")
            contenders["ours"] = {**py_ours, "version": version}
            build_s["ours"] = {"seconds": info["seconds"], "note": build_note(info)}
            wheel_bytes["ours"] = Path(str(info["wheel_path"])).stat().st_size
            ext_bytes["ours"] = extension_sizes(Path(str(info["wheel_path"])))
        except CommandFailed as exc:
            contenders["ours"] = {**py_ours, "error": f"building ours from {ours_sdist.name} failed: {exc.reason}"}

        # upstream: its own venv, its PyPI sdist built with the same flags, timed in this run unless --quick.
        up = Env(session, uv, base / "upstream")
        up.create([MPI_PACKAGES[mpi], *RUNTIME, *BUILD_TOOLS])
        up_sdist = upstream_sdist(session, up, cache)
        up_version = version_of(up_sdist)
        slot = cache / "upstream" / f"{up_version}-{mpi}-{mpi_version}-{pytag}-{flags_key()}-{place_key(up)}"
        info = cached_build(up, up_sdist, slot, reuse=opts.quick)
        contenders["upstream"] = {"cmd": [up.python, str(TOP / "bench" / "pingpong.py")], "python": up.python,
                                  "mpiexec": str(base / "upstream" / "bin" / "mpiexec"), "env": up.env, "version": up_version}
        build_s["upstream"] = {"seconds": info["seconds"], "note": build_note(info)}
        wheel_bytes["upstream"] = Path(str(info["wheel_path"])).stat().st_size
        ext_bytes["upstream"] = extension_sizes(Path(str(info["wheel_path"])))

        plan_mpis[mpi] = {
            "mpi_version": mpi_version,
            "mpiexec": str(base / "ours" / "bin" / "mpiexec"),
            "env": {**MPIEXEC_ENV, **MPI_ENV.get(mpi, {})},
            "launch_args": LAUNCH_ARGS,
            "launch_env": MPI_ENV.get(mpi, {}),
            "contenders": contenders,
            "build_s": build_s,
            "wheel_bytes": wheel_bytes,
            "ext_bytes": ext_bytes,
            "build_flags": BUILD_FLAGS,
        }

    # Results: latest.* (full run over every MPI; also rewrites the README table), quick.*, or *-<mpi> for a subset.
    every_mpi = opts.mpi is None or set(opts.mpi) == set(MPIS)
    stem = ("quick" if opts.quick else "latest") + ("" if every_mpi else "-" + "-".join(sorted(set(opts.mpi))))
    plan = {
        "quick": opts.quick,
        "note": opts.note,
        "thread_level": opts.thread_level,
        "out": str(RESULTS),
        "stem": stem,
        "readme": str(TOP / "README.md") if stem == "latest" else None,
        "mpis": plan_mpis,
    }
    plan_path = WORK / "plan.json"
    plan_path.write_text(json.dumps(plan, indent=1) + "\n")
    args = ["--runs", str(opts.runs)] if opts.runs else []
    if opts.seed is not None:
        args += ["--seed", str(opts.seed)]
    session.run("python", "-m", "bench.harness", str(plan_path), *args, env={"PYTHONPATH": str(TOP)})
