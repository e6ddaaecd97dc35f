"""Post-build test of a repaired wheel, run in a clean venv where the wheel and an MPI from PyPI are installed.

``python conf/cibw/test_wheel.py [--no-check] [--expect-library TEXT] [--expect-abi VARIANT] WHEEL``

cibuildwheel's ``test-command`` and the host fallback of ``nox -s wheels`` both run this:

1. ``check_wheel.py`` on WHEEL (no vendored libmpi, run paths, NEEDED, metadata, junk);
2. ``conf/smoke.py`` with the interpreter running this script, expecting mpi4py from this
   environment's site-packages with the wheel's version: import, ``python -m mpi4py --mpi-library``,
   ``mpiexec -n 2 python -m mpi4py.bench helloworld`` and ``ringtest``;
3. with ``--expect-abi``: ``python -m mpi4py --mpi-abi`` names that variant (merged wheels pick the
   ABI variant at import: mpich, openmpi, mpiabi; ``MPI4PY_MPIABI`` in the environment forces one).

Without ``conf/smoke.py`` (or ``mpi4py.bench``), step 2 is an inline check of the same things
(a ring of 2 ranks instead of the bench) and says so.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SMOKE = HERE.parent / "smoke.py"
MPIEXEC_ENV = {
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_rmaps_base_oversubscribe": "1",
    "PRTE_MCA_rmaps_default_mapping_policy": ":oversubscribe",
    "PYTHONUNBUFFERED": "1",
}
RING = r"""
from mpi4py import MPI
comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
token = comm.recv(source=(rank - 1) % size) if rank else 0
comm.send(token + 1, dest=(rank + 1) % size)
if rank == 0:
    token = comm.recv(source=size - 1)
    assert token == size, token
comm.Barrier()
print("ring ok on rank", rank, "of", size, flush=True)
"""


def log(message: str) -> None:
    print(f"test_wheel: {message}", flush=True)


def wheel_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def has_bench(env: dict[str, str]) -> bool:
    code = "import importlib.util as u, sys; sys.exit(0 if u.find_spec('mpi4py.bench') else 1)"
    return subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


def run(cmd: list[str], env: dict[str, str], timeout: int = 300) -> None:
    log("$ " + " ".join(cmd))
    subprocess.run(cmd, env=env, check=True, timeout=timeout)


def inline_smoke(package_dir: Path, version: str, env: dict[str, str], mpiexec: str, expect_library: str) -> None:
    log("conf/smoke.py not available: inline check (import, CLI, bench helloworld/ringtest under mpiexec)")
    probe = ("import mpi4py, mpi4py.MPI as M; print(mpi4py.__file__); print(mpi4py.__version__); "
             "print(M.Get_library_version().splitlines()[0])")
    out = subprocess.run([sys.executable, "-c", probe], env=env, check=True, capture_output=True, text=True, timeout=120).stdout
    print(out, end="")
    file, got, library = out.splitlines()[:3]
    if Path(file).resolve().parent != package_dir.resolve():
        raise SystemExit(f"test_wheel: imported mpi4py from {file}, expected {package_dir} (another mpi4py shadows the wheel)")
    if got != version:
        raise SystemExit(f"test_wheel: imported mpi4py {got}, expected {version} from the wheel")
    if expect_library.lower() not in library.lower():
        raise SystemExit(f"test_wheel: mpi4py.MPI runs on {library!r}, expected an MPI matching {expect_library!r}")
    if has_bench(env):
        run([sys.executable, "-m", "mpi4py", "--version"], env)
        run([sys.executable, "-m", "mpi4py", "--mpi-library"], env)
        for bench in ("helloworld", "ringtest"):
            run([mpiexec, "-n", "2", sys.executable, "-m", "mpi4py.bench", bench], env)
    else:
        log("this mpi4py has no mpi4py.bench: a ring of 2 ranks instead")
        run([mpiexec, "-n", "2", sys.executable, "-c", RING], env)


def check_abi(env: dict[str, str], expected: str) -> None:
    cmd = [sys.executable, "-m", "mpi4py", "--mpi-abi"]
    log("$ " + " ".join(cmd))
    got = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, timeout=120).stdout.strip()
    if got != expected:
        forced = env.get("MPI4PY_MPIABI", "")
        raise SystemExit(f"test_wheel: mpi4py runs on the {got!r} ABI variant, expected {expected!r}"
                         + (f" (MPI4PY_MPIABI={forced})" if forced else ""))
    log(f"ABI variant: {got}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-check", action="store_true", help="skip check_wheel.py")
    parser.add_argument("--expect-library", default="", help="text expected in MPI.Get_library_version() (e.g. MPICH)")
    parser.add_argument("--expect-abi", default="", help="variant `python -m mpi4py --mpi-abi` must print (merged wheels)")
    parser.add_argument("wheel", type=Path)
    args = parser.parse_args(argv)
    if not args.no_check:
        sys.path.insert(0, str(HERE))
        import check_wheel

        if check_wheel.main([str(args.wheel)]) != 0:
            return 1
    env = dict(os.environ)
    for key, value in MPIEXEC_ENV.items():
        env.setdefault(key, value)
    mpiexec = shutil.which("mpiexec", path=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""))
    if mpiexec is None:
        raise SystemExit("test_wheel: no mpiexec next to this Python or on PATH; install an MPI (pip install mpich)")
    package_dir = Path(sysconfig.get_paths()["platlib"]) / "mpi4py"
    version = wheel_version(args.wheel)
    # Never run from the source tree: its src/mpi4py must not shadow the installed wheel.
    with tempfile.TemporaryDirectory(prefix="mpi4py-test-wheel-") as cwd:
        os.chdir(cwd)
        if SMOKE.is_file() and has_bench(env):
            cmd = [sys.executable, str(SMOKE), "--python", sys.executable, "--mpiexec", mpiexec,
                   "--expect-path", str(package_dir), "--expect-version", version]
            if args.expect_library:
                cmd += ["--expect-library", args.expect_library]
            run(cmd, env, timeout=900)
        else:
            inline_smoke(package_dir, version, env, mpiexec, args.expect_library)
        if args.expect_abi:
            check_abi(env, args.expect_abi)
    log(f"OK: {args.wheel.name} tested with {mpiexec}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
