"""Run a command with a hard time limit; on expiry kill it with all its children (mpiexec and its ranks).

``python conf/noxlib/timeout_run.py --timeout SECONDS -- COMMAND [ARGS...]``

Output is not captured (it streams as usual). Exit status: the command's, or 124 after a timeout
(like coreutils ``timeout``, which does not exist on Windows). POSIX: the command runs in its own
session and the whole process group gets SIGTERM, then SIGKILL after a grace period; Windows:
``taskkill /T /F`` ends the process tree.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence

TIMED_OUT = 124
GRACE_SECONDS = 10.0


def kill_tree(proc: subprocess.Popen[bytes], grace: float = GRACE_SECONDS) -> None:
    """End ``proc`` and every process it started (its process group / Windows process tree)."""
    if sys.platform == "win32":
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


def run(cmd: Sequence[str], timeout: float, grace: float = GRACE_SECONDS) -> int:
    """``cmd``'s exit status, or TIMED_OUT after killing its process tree when ``timeout`` seconds pass."""
    if sys.platform == "win32":
        proc = subprocess.Popen(list(cmd), creationflags=subprocess.CREATE_NEW_PROCESS_GROUP)  # type: ignore[attr-defined]
    else:
        proc = subprocess.Popen(list(cmd), start_new_session=True)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"timeout_run: {cmd[0]} still running after {timeout:g} s: killing it and its children", file=sys.stderr, flush=True)
        kill_tree(proc, grace)
        return TIMED_OUT
    except KeyboardInterrupt:
        kill_tree(proc, grace)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, required=True, metavar="SECONDS", help="limit for the whole command")
    parser.add_argument("--grace", type=float, default=GRACE_SECONDS, metavar="SECONDS",
                        help="after SIGTERM, wait this long before SIGKILL (default: %(default)s)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command: give it after --, e.g. timeout_run.py --timeout 60 -- mpiexec -n 2 python x.py")
    if args.timeout <= 0:
        parser.error(f"--timeout {args.timeout:g}: give a positive number of seconds")
    try:
        return run(command, args.timeout, args.grace)
    except FileNotFoundError:
        print(f"timeout_run: {command[0]}: no such program", file=sys.stderr)
        return 127


if __name__ == "__main__":
    raise SystemExit(main())
