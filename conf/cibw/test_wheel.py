"""Post-build test of a repaired wheel, run in a clean venv where the wheel and an MPI from PyPI are installed.

``python conf/run.py cibw.test_wheel [--no-check] [--expect-library TEXT] [--expect-abi VARIANT] WHEEL``

cibuildwheel's ``test-command`` and the host fallback of ``nox -s wheels`` both run this:

1. ``check_wheel.py`` on WHEEL (no vendored libmpi, run paths, NEEDED, metadata, junk);
2. ``conf/smoke.py`` with the interpreter running this script, expecting mpi4py from this
   environment's site-packages with the wheel's version: import, ``python -m mpi4py --mpi-library``,
   ``mpiexec -n 2 python -m mpi4py.bench helloworld`` and ``ringtest``;
3. with ``--expect-abi``: ``python -m mpi4py --mpi-abi`` names that variant (merged wheels pick the
   ABI variant at import: mpich, openmpi, mpiabi; ``MPI4PY_MPIABI`` in the environment forces one).

It needs the project tree around it (cibuildwheel's ``{project}``: the sdist): ``conf/smoke.py`` is
step 2 and ``conf/launch.py`` gives the mpiexec environment.
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

from launch import with_mpiexec_env

from cibw import check_wheel

SMOKE = Path(__file__).resolve().parents[1] / "smoke.py"


def log(message: str) -> None:
    print(f"test_wheel: {message}", flush=True)


def wheel_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def run(cmd: list[str], env: dict[str, str], timeout: int = 300) -> None:
    log("$ " + " ".join(cmd))
    subprocess.run(cmd, env=env, check=True, timeout=timeout)


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
        if check_wheel.main([str(args.wheel)]) != 0:
            return 1
    env = with_mpiexec_env(dict(os.environ))
    mpiexec = shutil.which("mpiexec", path=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""))
    if mpiexec is None:
        raise SystemExit("test_wheel: no mpiexec next to this Python or on PATH; install an MPI (pip install mpich)")
    package_dir = Path(sysconfig.get_paths()["platlib"]) / "mpi4py"
    version = wheel_version(args.wheel)
    # Never run from the source tree: its src/mpi4py must not shadow the installed wheel.
    with tempfile.TemporaryDirectory(prefix="mpi4py-test-wheel-") as cwd:
        os.chdir(cwd)
        cmd = [sys.executable, str(SMOKE), "--python", sys.executable, "--mpiexec", mpiexec,
               "--expect-path", str(package_dir), "--expect-version", version]
        if args.expect_library:
            cmd += ["--expect-library", args.expect_library]
        run(cmd, env, timeout=900)
        if args.expect_abi:
            check_abi(env, args.expect_abi)
    log(f"OK: {args.wheel.name} tested with {mpiexec}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
