"""Keep every packaging recipe at the project version and the sha256 of the released sdist.

The single sources are ``__version__`` in ``src/mpi4py/__init__.py`` and the built sdist
``mpi4py-<version>.tar.gz``.  The targets:

- ``packaging/conda-recipe/recipe.yaml``: ``version:`` in ``context``, ``url:`` and ``sha256:`` of ``source``
- ``packaging/homebrew/mpi4py.rb``: the formula's top-level ``url`` and ``sha256`` (resources are left alone)
- ``packaging/fedora/python-mpi4py.spec``: the ``Version:`` tag
- ``packaging/debian/changelog``: the version on the first line (``mpi4py (X-1) ...``)

Usage::

    python conf/release/sync.py [--sdist dist/mpi4py-X.tar.gz]           # rewrite the files
    python conf/release/sync.py --check [--sdist dist/mpi4py-X.tar.gz]   # exit 1 if any is stale

Without ``--sdist`` the sha256 fields are neither written nor checked.  A target file that does not
exist is reported and skipped, so the tool works while a channel is still being added.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
VERSION_FILE = Path("src/mpi4py/__init__.py")
SDIST_URL = "https://files.pythonhosted.org/packages/source/m/mpi4py/mpi4py-{version}.tar.gz"

CONDA_RECIPE = Path("packaging/conda-recipe/recipe.yaml")
FORMULA = Path("packaging/homebrew/mpi4py.rb")
FEDORA_SPEC = Path("packaging/fedora/python-mpi4py.spec")
DEBIAN_CHANGELOG = Path("packaging/debian/changelog")

_VERSION_RE = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.MULTILINE)
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class SyncError(Exception):
    """A source or target is not in the expected shape; the message names the file and the fix."""


@dataclass(frozen=True)
class Release:
    version: str
    url: str
    sha256: str | None  # None: no sdist given, leave the sha256 fields alone


@dataclass(frozen=True)
class Change:
    path: Path
    field: str
    old: str
    new: str


def project_version(top: Path = TOP) -> str:
    path = top / VERSION_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SyncError(f"{path}: not found; run from an mpi4py source tree (or pass --top).") from None
    match = _VERSION_RE.search(text)
    if not match:
        raise SyncError(f"{path}: no line like __version__ = \"X.Y.Z\"; the version must be a string literal there.")
    return match.group(1)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_for(version: str, sdist: Path | None) -> Release:
    sha = None
    if sdist is not None:
        expected = f"mpi4py-{version}.tar.gz"
        if sdist.name != expected:
            raise SyncError(f"--sdist {sdist}: expected a file named {expected} (the sdist of version {version}); rebuild it.")
        if not sdist.is_file():
            raise SyncError(f"--sdist {sdist}: no such file; build it with `nox -s recipes` or `python -m build --sdist`.")
        sha = sha256_of(sdist)
    return Release(version=version, url=SDIST_URL.format(version=version), sha256=sha)


# Each rule: (field name, regex with groups (before)(value)(after), value to write).
Rule = tuple[str, "re.Pattern[str]", Callable[[Release, str], str | None]]


def _keep_debian_revision(release: Release, old: str) -> str:
    upstream, dash, revision = old.rpartition("-")
    if not dash:
        return release.version
    return f"{release.version}-{revision if upstream == release.version else '1'}"


RULES: dict[Path, list[Rule]] = {
    CONDA_RECIPE: [
        ("version", re.compile(r'^(  version:\s*")([^"]*)(")', re.MULTILINE), lambda r, old: r.version),
        ("url", re.compile(r"^(  url:\s*)(\S+)()", re.MULTILINE), lambda r, old: r.url),
        ("sha256", re.compile(r"^(  sha256:\s*)(\S+)()", re.MULTILINE), lambda r, old: r.sha256),
    ],
    FORMULA: [
        ("url", re.compile(r'^(  url\s+")([^"]*)(")', re.MULTILINE), lambda r, old: r.url),
        ("sha256", re.compile(r'^(  sha256\s+")([^"]*)(")', re.MULTILINE), lambda r, old: r.sha256),
    ],
    FEDORA_SPEC: [
        ("Version", re.compile(r"^(Version:\s*)(\S+)()", re.MULTILINE), lambda r, old: r.version),
    ],
    DEBIAN_CHANGELOG: [
        ("version", re.compile(r"\A(\S+ \()([^)]+)(\))"), _keep_debian_revision),
    ],
}


def apply_rules(path: Path, text: str, rules: Sequence[Rule], release: Release) -> tuple[str, list[Change]]:
    changes: list[Change] = []
    for name, pattern, value_of in rules:
        match = pattern.search(text)
        if match is None:
            raise SyncError(f"{path}: cannot find the {name} field (pattern {pattern.pattern!r}); restore its usual layout.")
        old = match.group(2)
        new = value_of(release, old)
        if new is None or new == old:
            continue
        text = text[: match.start(2)] + new + text[match.end(2) :]
        changes.append(Change(path, name, old, new))
    return text, changes


def sync(top: Path, release: Release, write: bool) -> tuple[list[Change], list[Path]]:
    """Rewrite (or with ``write=False`` only compare) every target; return the changes and the missing files."""
    all_changes: list[Change] = []
    missing: list[Path] = []
    for rel, rules in RULES.items():
        path = top / rel
        if not path.is_file():
            missing.append(rel)
            continue
        text = path.read_text(encoding="utf-8")
        new_text, changes = apply_rules(rel, text, rules, release)
        all_changes.extend(changes)
        if write and new_text != text:
            path.write_text(new_text, encoding="utf-8")
    return all_changes, missing


def check_sha256_fields(top: Path) -> list[str]:
    """The sha256 fields must at least look like a sha256 (hex, 64 digits)."""
    problems = []
    for rel in (CONDA_RECIPE, FORMULA):
        path = top / rel
        if not path.is_file():
            continue
        for name, pattern, _ in RULES[rel]:
            if name == "sha256":
                match = pattern.search(path.read_text(encoding="utf-8"))
                if match and not _SHA256_RE.match(match.group(2)):
                    problems.append(f"{rel}: sha256 {match.group(2)!r} is not 64 lowercase hex digits")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sync.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdist", type=Path, help="the built sdist; its sha256 goes into the conda recipe and the formula")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if any recipe is out of sync")
    parser.add_argument("--top", type=Path, default=TOP, help="source tree (default: %(default)s)")
    parser.add_argument("--require-all", action="store_true", help="also fail when a target file is missing")
    args = parser.parse_args(argv)
    try:
        version = project_version(args.top)
        release = release_for(version, args.sdist)
        changes, missing = sync(args.top, release, write=not args.check)
    except SyncError as exc:
        print(f"sync.py: error: {exc}", file=sys.stderr)
        return 2
    for rel in missing:
        print(f"sync.py: {rel}: missing, skipped")
    verb = "out of sync" if args.check else "updated"
    for change in changes:
        print(f"sync.py: {change.path}: {change.field} {verb}: {change.old} -> {change.new}")
    problems = check_sha256_fields(args.top)
    for problem in problems:
        print(f"sync.py: {problem}")
    sha_note = f", sha256 {release.sha256}" if release.sha256 else " (sha256 not compared: no --sdist)"
    print(f"sync.py: version {version}{sha_note}: {len(changes)} field(s) {verb}")
    if args.check and (changes or problems):
        return 1
    if args.require_all and missing:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
