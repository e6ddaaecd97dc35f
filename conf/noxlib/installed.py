"""What an installed mpi4py consists of, read from its dist-info, to compare build backends.

Pure functions (no nox import) so unit tests can check them without a session.
"""

from __future__ import annotations

import email.parser
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# Generator names in dist-info/WHEEL, to prove which backend built the installed wheel.
WHEEL_GENERATORS = {
    "setuptools": "setuptools",
    "scikit-build-core": "scikit-build-core",
    "meson-python": "meson",
}
# dist-info files that record how a wheel was built or installed, not what it contains.
DIST_INFO_KEPT = ("METADATA",)
DIST_INFO_KEPT_DIRS = ("licenses",)
# METADATA headers about the build tool, not the package: setuptools always writes
# "Dynamic: license-file" (it expands license globs at build time); the others write none.
METADATA_IGNORED = ("Dynamic",)


@dataclass(frozen=True)
class Installed:
    files: tuple[str, ...]  # RECORD paths minus build/install byproducts, sorted
    metadata: tuple[tuple[str, str], ...]  # METADATA headers, sorted
    description: str  # METADATA body
    generator: str  # WHEEL "Generator:" line


def find_dist_info(site_packages: Path, name: str = "mpi4py") -> Path:
    found = sorted(site_packages.glob(f"{name}-*.dist-info"))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one {name}-*.dist-info in {site_packages}, found {[p.name for p in found]}")
    return found[0]


def is_byproduct(path: str) -> bool:
    """True for entries that differ between backends by design: bytecode and build/install records."""
    parts = PurePosixPath(path).parts
    if "__pycache__" in parts or path.endswith((".pyc", ".pyo")):
        return True
    if parts and parts[0].endswith(".dist-info"):
        inner = parts[1:]
        return not (len(inner) == 1 and inner[0] in DIST_INFO_KEPT) and not (inner and inner[0] in DIST_INFO_KEPT_DIRS)
    return False


def record_files(record_text: str) -> tuple[str, ...]:
    """Paths listed in a RECORD (CSV: path,hash,size), without byproducts."""
    import csv
    import io

    paths = (row[0] for row in csv.reader(io.StringIO(record_text)) if row)
    return tuple(sorted(p for p in paths if not is_byproduct(p)))


def read_installed(site_packages: Path, name: str = "mpi4py") -> Installed:
    dist_info = find_dist_info(site_packages, name)
    message = email.parser.Parser().parsestr((dist_info / "METADATA").read_text(encoding="utf-8"))
    wheel = email.parser.Parser().parsestr((dist_info / "WHEEL").read_text(encoding="utf-8"))
    return Installed(
        files=record_files((dist_info / "RECORD").read_text(encoding="utf-8")),
        metadata=tuple(sorted((k, str(v)) for k, v in message.items() if k not in METADATA_IGNORED)),
        description=str(message.get_payload()).strip(),
        generator=str(wheel.get("Generator", "")),
    )


def differences(results: dict[str, Installed]) -> list[str]:
    """Human-readable differences between backends' installs; empty when they agree."""
    problems: list[str] = []
    items = sorted(results.items())
    if len(items) < 2:
        return problems
    ref_name, ref = items[0]
    for name, other in items[1:]:
        only_ref = sorted(set(ref.files) - set(other.files))
        only_other = sorted(set(other.files) - set(ref.files))
        if only_ref or only_other:
            problems.append(f"installed files differ: only {ref_name}: {only_ref}; only {name}: {only_other}")
        meta_ref = sorted(set(ref.metadata) - set(other.metadata))
        meta_other = sorted(set(other.metadata) - set(ref.metadata))
        if meta_ref or meta_other:
            problems.append(f"METADATA headers differ: only {ref_name}: {meta_ref}; only {name}: {meta_other}")
        if ref.description != other.description:
            problems.append(f"METADATA description differs between {ref_name} and {name}")
    return problems


def check_generator(backend: str, installed: Installed) -> str | None:
    """A message if the installed wheel was not built by ``backend`` (e.g. a cached wheel was reused)."""
    expected = WHEEL_GENERATORS[backend]
    if not installed.generator.startswith(expected):
        return f"{backend}: installed wheel says 'Generator: {installed.generator}', expected {expected}"
    return None
