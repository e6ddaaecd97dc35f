"""Make Podman usable on this kind of machine (runc runtime, no default ulimits); idempotent.

``python conf/run.py cibw.podman_setup [--conf PATH] [--check]``

Podman's default runtime (crun) and its default ulimits fail inside the sandboxed CI machines;
``[engine] runtime = "runc"`` and ``[containers] default_ulimits = []`` in
``/etc/containers/containers.conf`` fix that. Existing settings are kept; only missing keys are added.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python < 3.11: a missing key is simply assumed (the file is only appended to)
    tomllib = None  # type: ignore[assignment]

DEFAULT_CONF = Path("/etc/containers/containers.conf")
# table -> (key, TOML value)
WANTED: dict[str, tuple[str, str]] = {
    "engine": ("runtime", '"runc"'),
    "containers": ("default_ulimits", "[]"),
}


def missing_settings(text: str) -> dict[str, tuple[str, str]]:
    data = tomllib.loads(text) if tomllib is not None else {}
    return {table: kv for table, kv in WANTED.items() if kv[0] not in data.get(table, {})}


def add_settings(text: str) -> str:
    """Return ``text`` with every missing wanted key added under its table (created when absent)."""
    for table, (key, value) in missing_settings(text).items():
        line = f"{key} = {value}\n"
        header = re.compile(rf"^\[{re.escape(table)}\][ \t]*(#.*)?$", re.MULTILINE)
        match = header.search(text)
        if match:
            end = match.end()
            text = text[:end] + "\n" + line.rstrip("\n") + text[end:]
        else:
            if text and not text.endswith("\n"):
                text += "\n"
            text += f"\n[{table}]\n{line}"
    return text


def podman_works() -> bool:
    if shutil.which("podman") is None:
        return False
    try:
        result = subprocess.run(["podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"],
                                capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conf", type=Path, default=DEFAULT_CONF, help=f"containers.conf to edit (default {DEFAULT_CONF})")
    parser.add_argument("--check", action="store_true", help="only report what is missing; exit 1 if anything is")
    args = parser.parse_args(argv)
    text = args.conf.read_text() if args.conf.exists() else ""
    try:
        missing = missing_settings(text)
    except Exception as exc:  # tomllib.TOMLDecodeError
        print(f"podman_setup: {args.conf} is not valid TOML ({exc}); fix it by hand.", file=sys.stderr)
        return 2
    if not missing:
        print(f"podman_setup: {args.conf} already has {', '.join(f'[{t}] {k}' for t, (k, _) in WANTED.items())}")
        return 0
    if args.check:
        print(f"podman_setup: {args.conf} lacks {', '.join(f'[{t}] {k}' for t, (k, _) in missing.items())}")
        return 1
    args.conf.parent.mkdir(parents=True, exist_ok=True)
    args.conf.write_text(add_settings(text))
    print(f"podman_setup: added {', '.join(f'[{t}] {k}' for t, (k, _) in missing.items())} to {args.conf}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
