#!/usr/bin/env python3
"""How this repository starts MPI jobs and ends hung ones: the one home of the launch helpers.

- ``MPIEXEC_ENV`` / ``with_mpiexec_env()``: the launcher environment of every MPI job we start;
- ``start_group()`` / ``kill_tree()``: a child in its own process group, and ending it with all it started;
- ``run()``: a command under a hard time limit (the nox sessions' ``run_mpi``), also as a script::

    python conf/launch.py --timeout SECONDS [--grace SECONDS] -- COMMAND [ARGS...]

  Output streams as usual. Exit status: the command's, or 124 after a timeout (like coreutils
  ``timeout``, which Windows lacks); 127 when the program does not exist.

Standard library only: ``conf/smoke.py`` imports it as its sibling wherever the two are copied
(the recipes' test steps), and the nox sessions, conf/cibw/test_wheel.py and the tests import it
with ``conf/`` on the import path.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

# Open MPI refuses to run as root and to place more ranks than cores unless told; MPICH ignores these.
MPIEXEC_ENV = {
    "OMPI_ALLOW_RUN_AS_ROOT": "1",
    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
    "OMPI_MCA_rmaps_base_oversubscribe": "1",  # Open MPI 4.x
    "PRTE_MCA_rmaps_default_mapping_policy": ":oversubscribe",  # Open MPI 5.x
    "OMPI_MCA_btl_vader_single_copy_mechanism": "none",  # no CMA/ptrace in containers
    "PYTHONUNBUFFERED": "1",
}
KILL_GRACE = 10.0  # seconds between SIGTERM and SIGKILL in kill_tree()
TIMED_OUT = 124


def with_mpiexec_env(env: dict[str, str], override: bool = False) -> dict[str, str]:
    """A copy of ``env`` with MPIEXEC_ENV added (``override``: ours win; otherwise values already set stay)."""
    merged = dict(env)
    for name, value in MPIEXEC_ENV.items():
        if override or name not in merged:
            merged[name] = value
    return merged


def start_group(cmd: Sequence[str], **popen: Any) -> subprocess.Popen[Any]:
    """Start ``cmd`` as the leader of its own process group (POSIX: a new session), so kill_tree() reaches
    every process it starts (mpiexec and its ranks)."""
    if sys.platform == "win32":
        return subprocess.Popen(list(cmd), creationflags=subprocess.CREATE_NEW_PROCESS_GROUP, **popen)  # type: ignore[attr-defined]
    return subprocess.Popen(list(cmd), start_new_session=True, **popen)


def kill_tree(proc: subprocess.Popen[Any], grace: float = KILL_GRACE) -> None:
    """End ``proc`` (started by start_group()) and every process it started. POSIX: its process group
    gets SIGTERM, then SIGKILL after ``grace`` seconds. Windows: ``taskkill /T /F`` ends the tree."""
    if not hasattr(os, "killpg"):
        subprocess.run(["taskkill", "/T", "/F", "/PID", str(proc.pid)], check=False, capture_output=True)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        if sig == signal.SIGTERM:  # the leader is gone; take down any child that ignored SIGTERM
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        break
    proc.wait()


def run(cmd: Sequence[str], timeout: float, grace: float = KILL_GRACE) -> int:
    """``cmd``'s exit status, or TIMED_OUT after killing its process tree when ``timeout`` seconds pass."""
    proc = start_group(cmd)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"launch: {cmd[0]} still running after {timeout:g} s: killing it and its children", file=sys.stderr, flush=True)
        kill_tree(proc, grace)
        return TIMED_OUT
    except KeyboardInterrupt:
        kill_tree(proc, grace)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="launch.py", description="Run a command with a hard time limit; on expiry "
                                     "kill it with all its children (mpiexec and its ranks).")
    parser.add_argument("--timeout", type=float, required=True, metavar="SECONDS", help="limit for the whole command")
    parser.add_argument("--grace", type=float, default=KILL_GRACE, metavar="SECONDS",
                        help="after SIGTERM, wait this long before SIGKILL (default: %(default)s)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command: give it after --, e.g. launch.py --timeout 60 -- mpiexec -n 2 python x.py")
    if args.timeout <= 0:
        parser.error(f"--timeout {args.timeout:g}: give a positive number of seconds")
    try:
        return run(command, args.timeout, args.grace)
    except FileNotFoundError:
        print(f"launch: {command[0]}: no such program", file=sys.stderr)
        return 127


if __name__ == "__main__":
    raise SystemExit(main())
