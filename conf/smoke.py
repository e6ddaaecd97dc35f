#!/usr/bin/env python3
"""Post-install smoke test of an installed mpi4py, shared by every distribution channel.

Checks, in order, and stops at the first failure (exit status 1; 2 for bad arguments):

1. the interpreter imports ``mpi4py`` and ``mpi4py.MPI`` from the expected place and with the
   expected version (``--expect-path``, ``--expect-version``), and links the expected MPI
   library (``--expect-library``, a substring of ``MPI.Get_library_version()``);
2. ``python -m mpi4py --version`` agrees, and ``--mpi-library`` names an existing library file;
3. ``mpiexec -n N python -m mpi4py.bench helloworld`` greets from every rank;
4. ``mpiexec -n N python -m mpi4py.bench ringtest`` completes.

Every child runs under a hard timeout in its own process group, so a hung rank fails the test
instead of blocking the channel's CI. This file only uses the standard library: recipes copy it
(with its sibling ``launch.py``, the launcher environment and process-tree helpers it imports) next to
their tests and run it with the Python they test.

Example (a module-style install, as Fedora's MPI packaging does)::

    python3 conf/smoke.py --python /usr/bin/python3 --mpiexec /usr/bin/mpiexec.mpich \\
        --pythonpath /stage/usr/lib64/python3.11/site-packages/mpich \\
        --expect-path /stage/usr/lib64/python3.11/site-packages/mpich/mpi4py \\
        --expect-version 4.2.0 --expect-library MPICH
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from launch import kill_tree, start_group, with_mpiexec_env

# Run by the tested interpreter: report what it imports, as one JSON line.
PROBE = r"""
import json, sys
import mpi4py
from mpi4py import MPI
info = {
    "python": sys.executable,
    "python_version": sys.version.split()[0],
    "file": mpi4py.__file__,
    "version": mpi4py.__version__,
    "mpi_file": MPI.__file__,
    "mpi_version": "%d.%d" % MPI.Get_version(),
    "library": MPI.Get_library_version().strip("\x00 \n"),
}
vendor = getattr(MPI, "get_vendor", None)
if vendor is not None:
    name, version = vendor()
    info["vendor"] = "%s %s" % (name, ".".join(map(str, version)))
try:
    import importlib.util
    info["has_cli"] = importlib.util.find_spec("mpi4py.__main__") is not None
except Exception:
    info["has_cli"] = False
print("SMOKE-INFO " + json.dumps(info))
"""


class SmokeFailure(Exception):
    """One check failed; the message says what was expected and what was seen."""


@dataclass
class Result:
    returncode: int
    output: str
    seconds: float


def log(message: str) -> None:
    print(f"smoke: {message}", flush=True)


def parse_env_items(items: Sequence[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name or not name.replace("_", "a").isalnum():
            raise SmokeFailure(f"--env {item!r}: expected NAME=VALUE (e.g. --env LD_LIBRARY_PATH=/opt/mpi/lib)")
        env[name] = value
    return env


def build_env(args: argparse.Namespace, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every child: ours, plus the mpiexec defaults, --pythonpath and --env."""
    env = with_mpiexec_env(dict(os.environ if base is None else base))
    if args.pythonpath:
        old = env.get("PYTHONPATH", "")
        env["PYTHONPATH"] = os.pathsep.join([*args.pythonpath, *([old] if old else [])])
    env.update(parse_env_items(args.env))
    return env


def resolve_program(command: str, option: str, env: dict[str, str]) -> list[str]:
    """Split a command line and check that its program exists (searching the children's PATH)."""
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise SmokeFailure(f"{option} {command!r} is not a valid command line ({exc})") from None
    if not words:
        raise SmokeFailure(f"{option} is empty; give a program name or path")
    found = shutil.which(words[0], path=env.get("PATH", os.defpath))
    if found is None:
        raise SmokeFailure(f"{option} {words[0]!r}: not found or not executable (PATH={env.get('PATH', '')!r}); "
                           f"pass the full path with {option}")
    return [found, *words[1:]]


def run(cmd: Sequence[str], env: dict[str, str], timeout: float, shown: Sequence[str] | None = None, quiet: bool = False) -> Result:
    """Run ``cmd`` in its own process group; on timeout kill the whole group (mpiexec and its ranks)."""
    log("$ " + " ".join(shlex.quote(c) for c in (shown or cmd)))
    start = time.monotonic()
    proc = start_group(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_tree(proc, grace=5)
        output, _ = proc.communicate()
        sys.stdout.write(_indent(output))
        raise SmokeFailure(f"timed out after {timeout:g} s (raise it with --timeout): {' '.join(cmd)}") from None
    seconds = time.monotonic() - start
    if not quiet or proc.returncode != 0:
        sys.stdout.write(_indent(output))
    sys.stdout.flush()
    return Result(proc.returncode, output, seconds)


def _indent(text: str) -> str:
    return "".join(f"  | {line}\n" for line in text.splitlines())


def check_ok(result: Result, what: str) -> None:
    if result.returncode != 0:
        raise SmokeFailure(f"{what} exited with status {result.returncode} (output above)")


def same_or_under(path: str, prefix: str) -> bool:
    real, base = Path(os.path.realpath(path)), Path(os.path.realpath(prefix))
    return real == base or base in real.parents


def check_import(python: list[str], env: dict[str, str], args: argparse.Namespace) -> dict[str, object]:
    result = run([*python, "-c", PROBE], env, args.timeout, shown=[*python, "-c", "<import probe>"], quiet=True)
    check_ok(result, "importing mpi4py.MPI")
    lines = [line for line in result.output.splitlines() if line.startswith("SMOKE-INFO ")]
    if not lines:
        raise SmokeFailure("the import probe printed no SMOKE-INFO line (output above)")
    info: dict[str, object] = json.loads(lines[-1][len("SMOKE-INFO "):])
    package_dir = os.path.dirname(str(info["file"]))
    log(f"python      {info['python']} ({info['python_version']})")
    log(f"mpi4py      {info['version']} from {package_dir}")
    log(f"MPI module  {info['mpi_file']}")
    log(f"MPI         standard {info['mpi_version']}; vendor {info.get('vendor', '(no MPI.get_vendor)')}")
    log(f"library     {str(info['library']).splitlines()[0] if info['library'] else '(empty)'}")
    if args.expect_path and not same_or_under(package_dir, args.expect_path):
        raise SmokeFailure(f"imported mpi4py from {package_dir}, expected it under {args.expect_path} "
                           "(another mpi4py shadows the one under test? check PYTHONPATH / --pythonpath)")
    if args.expect_version and info["version"] != args.expect_version:
        raise SmokeFailure(f"imported mpi4py {info['version']}, expected {args.expect_version} "
                           f"(from {package_dir}; is it the upstream release from PyPI?)")
    if args.expect_library and args.expect_library.lower() not in str(info["library"]).lower():
        raise SmokeFailure(f"mpi4py.MPI is linked to {str(info['library']).splitlines()[0]!r}, "
                           f"expected an MPI library matching {args.expect_library!r}")
    return info


def check_cli(python: list[str], env: dict[str, str], args: argparse.Namespace, info: dict[str, object]) -> None:
    """The command line reports the same version, and the MPI library it loads exists."""
    if not info.get("has_cli"):
        raise SmokeFailure("this mpi4py has no command line (mpi4py/__main__.py is missing): incomplete install?")
    result = run([*python, "-m", "mpi4py", "--version"], env, args.timeout)
    check_ok(result, "python -m mpi4py --version")
    if result.output.strip() != f"mpi4py {info['version']}":
        raise SmokeFailure(f"python -m mpi4py --version printed {result.output.strip()!r}, expected 'mpi4py {info['version']}'")
    result = run([*python, "-m", "mpi4py", "--mpi-library"], env, args.timeout)
    check_ok(result, "python -m mpi4py --mpi-library")
    lines = result.output.strip().splitlines()
    path = lines[-1].strip() if lines else ""
    if not (os.path.isabs(path) and os.path.exists(path)):
        raise SmokeFailure(f"python -m mpi4py --mpi-library printed {path!r}, expected the path of an existing MPI library")
    log(f"MPI library {path}")


def check_helloworld(launch: list[str], env: dict[str, str], args: argparse.Namespace) -> None:
    result = run([*launch, "-m", "mpi4py.bench", "helloworld"], env, args.timeout)
    check_ok(result, "mpi4py.bench helloworld")
    # Each rank greets once, naming its rank as the first number after "Hello" ("... process 1 of 2 ...").
    # Searched in the whole output: ranks' lines may interleave when the launcher does not buffer them.
    ranks = sorted(int(rank) for rank in re.findall(r"hello\D*?(\d+)", result.output, flags=re.IGNORECASE))
    if ranks != list(range(args.np)):
        raise SmokeFailure(f"mpi4py.bench helloworld: expected one greeting from each of ranks 0..{args.np - 1}, "
                           f"saw {len(ranks)} greeting(s) from ranks {ranks}")


def check_ringtest(launch: list[str], env: dict[str, str], args: argparse.Namespace) -> None:
    result = run([*launch, "-m", "mpi4py.bench", "ringtest"], env, args.timeout)
    check_ok(result, "mpi4py.bench ringtest")
    if not result.output.strip():
        raise SmokeFailure("mpi4py.bench ringtest printed nothing")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="smoke.py",
        description="Smoke-test an installed mpi4py: expected import path/version/MPI, then "
                    "'mpi4py.bench helloworld' and 'ringtest' under mpiexec. "
                    "Exit status: 0 if every check passes, 1 at the first failed check, 2 for bad arguments.",
        epilog="Open MPI's run-as-root and oversubscription variables (MPIEXEC_ENV) are set unless already in the environment.",
    )
    p.add_argument("--python", default=sys.executable, metavar="CMD",
                   help="interpreter to test (default: the one running this script: %(default)s)")
    p.add_argument("--mpiexec", default=os.environ.get("MPIEXEC", "mpiexec"), metavar="CMD",
                   help="MPI launcher, may include arguments (default: $MPIEXEC or 'mpiexec' on PATH)")
    p.add_argument("--mpiexec-arg", action="append", default=[], metavar="ARG",
                   help="extra argument for mpiexec, before the program (repeatable)")
    p.add_argument("-n", "--np", type=int, default=2, metavar="N", help="number of ranks (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                   help="limit for each step, after which its processes are killed (default: %(default)s)")
    p.add_argument("--pythonpath", action="append", default=[], metavar="DIR",
                   help="prepend DIR to PYTHONPATH of every child, e.g. a module-style install (repeatable)")
    p.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                   help="set a variable for every child (repeatable; applied last)")
    p.add_argument("--expect-path", metavar="DIR", help="mpi4py must be imported from DIR (its package directory) or below")
    p.add_argument("--expect-version", metavar="VERSION", help="mpi4py.__version__ must equal VERSION")
    p.add_argument("--expect-library", metavar="TEXT",
                   help="MPI.Get_library_version() must contain TEXT (case-insensitive), e.g. 'Open MPI' or 'MPICH'")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.np < 1:
        parser().error(f"--np {args.np}: give at least 1 rank")
    if args.timeout <= 0:
        parser().error(f"--timeout {args.timeout:g}: give a positive number of seconds")
    try:
        env = build_env(args)
    except SmokeFailure as exc:
        parser().error(str(exc))
    start = time.monotonic()
    step = "setup"
    try:
        python = resolve_program(args.python, "--python", env)
        mpiexec = resolve_program(args.mpiexec, "--mpiexec", env)
        launch = [*mpiexec, *args.mpiexec_arg, "-n", str(args.np), *python]
        step = "import"
        info = check_import(python, env, args)
        step = "cli"
        check_cli(python, env, args, info)
        step = "helloworld"
        check_helloworld(launch, env, args)
        step = "ringtest"
        check_ringtest(launch, env, args)
    except SmokeFailure as exc:
        log(f"FAILED at step '{step}': {exc}")
        return 1
    except OSError as exc:
        log(f"FAILED at step '{step}': cannot run a command: {exc}")
        return 1
    log(f"OK: mpi4py {info['version']} with {args.np} ranks ({time.monotonic() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
