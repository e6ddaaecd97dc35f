"""Reproducible artifacts: the same sources and SOURCE_DATE_EPOCH give byte-identical sdists and wheels.

- ``compile_args``: ``-ffile-prefix-map=SRC=.`` so debug information (and the GNU build id computed
  over it) does not depend on where the source tree was unpacked;
- ``normalize_sdist``: rewrite an sdist with sorted members, mtimes clamped to SOURCE_DATE_EPOCH,
  owner 0/0 without names, modes 0644/0755 and a gzip header without time or file name.
"""

from __future__ import annotations

import gzip
import io
import os
import tarfile
from pathlib import Path


def source_date_epoch(environ: dict[str, str] | None = None) -> int | None:
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"error: SOURCE_DATE_EPOCH={value!r} is not an integer (seconds since 1970); "
                         "unset it or use e.g. $(git log -1 --format=%ct)") from None


def compile_args(compiler_type: str, source_dir: Path) -> list[str]:
    """Flags that keep absolute source paths out of the objects (GCC and Clang; MSVC has none)."""
    if compiler_type in ("unix", "mingw32", "cygwin"):
        return [f"-ffile-prefix-map={source_dir}=."]
    return []


def _normalized(member: tarfile.TarInfo, epoch: int) -> tarfile.TarInfo:
    member.mtime = min(int(member.mtime), epoch)
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    member.mode = 0o755 if member.isdir() or member.mode & 0o111 else 0o644
    member.pax_headers = {}
    return member


def normalize_sdist(path: Path, epoch: int) -> None:
    """Rewrite the ``.tar.gz`` at ``path`` in place, deterministically."""
    with tarfile.open(path, "r:gz") as src:
        members = sorted(src.getmembers(), key=lambda m: m.name)
        payload = {m.name: src.extractfile(m).read() for m in members if m.isfile()}  # type: ignore[union-attr]
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as dst:
        for member in members:
            member = _normalized(member, epoch)
            data = payload.get(member.name)
            dst.addfile(member, io.BytesIO(data) if data is not None else None)
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    path.write_bytes(out.getvalue())
