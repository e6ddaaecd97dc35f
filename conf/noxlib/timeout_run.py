"""Run a command with a hard time limit; on expiry kill it with all its children (mpiexec and its ranks).

``python conf/noxlib/timeout_run.py --timeout SECONDS -- COMMAND [ARGS...]``

Output is not captured (it streams as usual). Exit status: the command's, or 124 after a timeout
(like coreutils ``timeout``, which does not exist on Windows). POSIX: the command runs in its own
session and the whole process group gets SIGTERM, then SIGKILL after a grace period; Windows:
``taskkill /T /F`` ends the process tree.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

# conf/smoke.py has the one kill_tree. Run as a script, sys.path[0] is conf/noxlib/, whose typing.py (a nox
# session module) would shadow the standard library's: conf/ takes its place.
_HERE, _CONF = Path(__file__).resolve().parent, str(Path(__file__).resolve().parents[1])
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]
if _CONF not in sys.path:
    sys.path.insert(0, _CONF)
from smoke import KILL_GRACE as GRACE_SECONDS  # noqa: E402
from smoke import kill_tree  # noqa: E402

TIMED_OUT = 124


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
