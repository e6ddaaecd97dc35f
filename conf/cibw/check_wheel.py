"""Check a binary wheel of mpi4py before it is published; any channel can call it.

``python conf/run.py cibw.check_wheel [--no-metadata] WHEEL...`` (exit 1 and a list of problems on failure)

Fails when the wheel

- vendors a shared library (``*.libs/``, ``.dylibs/``, ``lib*.so*``, ``*.dylib``, ``*.dll``):
  MPI, and everything else, must come from the user's environment;
- has an ELF ``RPATH``/``RUNPATH`` entry that is not ``$ORIGIN``-relative;
- has an ELF ``NEEDED`` beyond libc, libm, libpthread, libdl and libmpi*;
- has wrong metadata: ``twine check --strict``, RECORD hashes/sizes, dist-info name/version and
  WHEEL tags against the file name;
- contains build junk (C sources, objects, ``__pycache__``, editor/VCS files, files outside the package).

Linux wheels get the ELF checks (pyelftools); macOS and Windows wheels can be inspected from any
OS: listing, vendored libraries, RECORD, tags and metadata.
"""

from __future__ import annotations

import argparse
import base64
import fnmatch
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

PACKAGE = "mpi4py"
ALLOWED_NEEDED = re.compile(r"^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|libmpi(_abi)?\.so(\.\d+)*)$")
ORIGIN = re.compile(r"^\$(ORIGIN|\{ORIGIN\})(/|$)")
JUNK_PATTERNS = (
    "*.c", "*.cpp", "*.o", "*.obj", "*.a", "*.pyc", "*.pyo", "*/__pycache__/*", "*.orig", "*.rej", "*~",
    "*.swp", "*/.DS_Store", ".DS_Store", "*/.git*", "*.egg-info/*", "*/build/*", "*.tmp", "*.pdb", "*.exp", "*.lib",
)
EXTENSION_SUFFIX = re.compile(r"\.(cpython-[^.]+\.so|abi3\.so|so|pyd|cp\d+-win[^.]*\.pyd)$")
SHARED_LIBRARY = re.compile(r"(^|/)lib[^/]*\.so(\.\d+)*$|\.so\.\d+(\.\d+)*$|\.dylib$|\.dll$", re.IGNORECASE)
VENDOR_DIRS = re.compile(r"(^|/)([^/]+\.libs|\.dylibs)/")


@dataclass
class WheelInfo:
    path: Path
    name: str
    version: str
    tags: list[str]
    platform: str  # linux, macos, windows, any
    files: dict[str, int] = field(default_factory=dict)


def parse_filename(path: Path) -> WheelInfo:
    parts = path.name[: -len(".whl")].split("-") if path.name.endswith(".whl") else []
    if len(parts) not in (5, 6):
        raise ValueError(f"{path.name}: not a wheel file name (name-version[-build]-python-abi-platform.whl)")
    name, version, py, abi, plat = parts[0], parts[1], parts[-3], parts[-2], parts[-1]
    tags = [f"{p}-{a}-{pl}" for p in py.split(".") for a in abi.split(".") for pl in plat.split(".")]
    if "macosx" in plat:
        platform = "macos"
    elif plat.startswith("win"):
        platform = "windows"
    elif "linux" in plat:
        platform = "linux"
    else:
        platform = "any"
    return WheelInfo(path, name, version, tags, platform)


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def check_record(zf: zipfile.ZipFile, info: WheelInfo) -> list[str]:
    problems = []
    dist_info = f"{info.name}-{info.version}.dist-info"
    record_name = f"{dist_info}/RECORD"
    names = [n for n in zf.namelist() if not n.endswith("/")]
    if record_name not in names:
        dists = sorted({n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info")})
        return [f"no {record_name} (dist-info folders: {', '.join(dists) or 'none'}): name/version do not match the file name"]
    listed: dict[str, tuple[str, str]] = {}
    for line in zf.read(record_name).decode().splitlines():
        if line.strip():
            path, digest, size = line.rsplit(",", 2)
            listed[path.strip('"')] = (digest, size)
    for name in names:
        if name == record_name or name.endswith((".jws", ".p7s")) and name.startswith(dist_info):
            continue
        if name not in listed:
            problems.append(f"{name}: not listed in RECORD")
            continue
        digest, size = listed[name]
        data = zf.read(name)
        if digest != _record_hash(data) or size != str(len(data)):
            problems.append(f"{name}: RECORD hash/size does not match the content")
    for name in sorted(set(listed) - set(names)):
        problems.append(f"{name}: listed in RECORD but missing from the wheel")
    wheel_meta = zf.read(f"{dist_info}/WHEEL").decode() if f"{dist_info}/WHEEL" in names else ""
    meta_tags = sorted(line.split(":", 1)[1].strip() for line in wheel_meta.splitlines() if line.startswith("Tag:"))
    if meta_tags != sorted(info.tags):
        problems.append(f"{dist_info}/WHEEL tags {meta_tags} differ from the file name tags {sorted(info.tags)}")
    if info.platform != "any" and "Root-Is-Purelib: true" in wheel_meta:
        problems.append(f"{dist_info}/WHEEL says Root-Is-Purelib: true for a platform wheel")
    return problems


def is_extension_module(name: str) -> bool:
    return name.startswith(f"{PACKAGE}/") and EXTENSION_SUFFIX.search(name) is not None and not PurePosixPath(name).name.startswith("lib")


def check_layout(names: list[str], info: WheelInfo) -> list[str]:
    problems = []
    dist_info = f"{info.name}-{info.version}.dist-info/"
    for name in names:
        if name.endswith("/"):
            continue
        if VENDOR_DIRS.search(name) or (SHARED_LIBRARY.search(name) and not is_extension_module(name)):
            problems.append(f"{name}: vendored shared library (MPI and its dependencies must come from the user's environment)")
        elif any(fnmatch.fnmatch(name, pattern) for pattern in JUNK_PATTERNS):
            problems.append(f"{name}: build junk")
        elif not (name.startswith(f"{PACKAGE}/") or name.startswith(dist_info)):
            problems.append(f"{name}: outside the {PACKAGE} package and its dist-info (stray file)")
    if not any(is_extension_module(n) for n in names) and info.platform != "any":
        problems.append(f"no {PACKAGE} extension module in a {info.platform} wheel")
    return problems


def elf_dynamic(data: bytes) -> tuple[list[str], list[str]]:
    """(NEEDED, RPATH+RUNPATH entries) of an ELF image, via pyelftools."""
    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile

    needed: list[str] = []
    paths: list[str] = []
    for section in ELFFile(io.BytesIO(data)).iter_sections():
        if isinstance(section, DynamicSection):
            for tag in section.iter_tags():
                if tag.entry.d_tag == "DT_NEEDED":
                    needed.append(tag.needed)
                elif tag.entry.d_tag == "DT_RPATH":
                    paths += tag.rpath.split(":")
                elif tag.entry.d_tag == "DT_RUNPATH":
                    paths += tag.runpath.split(":")
    return needed, paths


def check_elf(zf: zipfile.ZipFile, names: list[str], log: list[str]) -> list[str]:
    problems = []
    for name in names:
        with zf.open(name) as fh:
            if fh.read(4) != b"\x7fELF":
                continue
        needed, paths = elf_dynamic(zf.read(name))
        log.append(f"  {name}: NEEDED {', '.join(needed) or '-'}; RUNPATH {':'.join(paths) or '-'}")
        for lib in needed:
            if not ALLOWED_NEEDED.match(lib):
                problems.append(f"{name}: NEEDED {lib} (only libc/libm/libpthread/libdl/libmpi* are allowed)")
        for entry in paths:
            if entry and not ORIGIN.match(entry):
                problems.append(f"{name}: RPATH/RUNPATH entry {entry!r} is not $ORIGIN-relative")
    return problems


def check_metadata(path: Path) -> list[str]:
    cmd = [sys.executable, "-m", "twine", "check", "--strict", str(path)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        if "No module named twine" in output:
            return ["twine is not installed here (pip install twine), or pass --no-metadata"]
        return [f"twine check --strict failed:\n{output}"]
    return []


def check_wheel(path: Path, metadata: bool = True, log: list[str] | None = None) -> list[str]:
    """Every problem found in the wheel at ``path`` (empty: the wheel is fine)."""
    log = [] if log is None else log
    try:
        info = parse_filename(path)
    except ValueError as exc:
        return [str(exc)]
    if info.name.lower().replace("-", "_") != PACKAGE:
        return [f"{path.name}: not an {PACKAGE} wheel"]
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"{path}: cannot open as a zip file ({exc})"]
    with zf:
        names = zf.namelist()
        files = [n for n in names if not n.endswith("/")]
        log.append(f"{path.name} ({info.platform}, {path.stat().st_size} bytes, {len(files)} files):")
        log += [f"  {zi.file_size:>9}  {zi.filename}" for zi in zf.infolist() if not zi.is_dir()]
        problems = check_layout(names, info)
        problems += check_record(zf, info)
        if info.platform == "linux":
            problems += check_elf(zf, files, log)
    if metadata:
        problems += check_metadata(path)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-metadata", action="store_true", help="skip twine check --strict")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not list the wheel contents")
    parser.add_argument("wheels", nargs="+", type=Path)
    args = parser.parse_args(argv)
    failed = 0
    for wheel in args.wheels:
        log: list[str] = []
        problems = check_wheel(wheel, metadata=not args.no_metadata, log=log)
        if not args.quiet:
            print("\n".join(log))
        if problems:
            failed += 1
            print(f"check_wheel: FAIL {wheel.name}:")
            print("\n".join(f"  - {p}" for p in problems))
        else:
            print(f"check_wheel: OK {wheel.name}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
