"""Check (or, with ``--write``, bring) every in-tree recipe in line with the project's single sources.

The sources:

- the version: ``__version__`` in ``src/mpi4py/__init__.py``;
- the build requirements: the in-tree build backend's (``conf/mpibuild/backend.py``: setuptools and Cython
  with their lower bounds), which the conda recipe's host requirements state.

The targets, each a field the recipe cannot compute itself:

- ``packaging/conda-recipe/recipe.yaml``: ``version:`` in ``context``; every ``- setuptools``/``- cython`` line
- ``packaging/homebrew/mpi4py.rb``: ``version``
- ``packaging/fedora/python-mpi4py.spec``: ``Version:``
- ``packaging/debian/changelog``: the version on the first line (``mpi4py (X-1) ...``)

The in-tree conda recipe and formula build the checkout they sit in, so they carry no sdist url or sha256;
the check fails if one appears (the release forms are made by ``release_forms.py``).

Usage (``conf`` on ``PYTHONPATH``; ``nox -s recipes`` runs the check)::

    python -m release.sync            # exit 1, naming each stale field, if any recipe drifted
    python -m release.sync --write    # rewrite the stale fields (a version bump)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mpibuild.backend import BACKENDS, CYTHON

TOP = Path(__file__).resolve().parents[2]
VERSION_FILE = Path("src/mpi4py/__init__.py")

CONDA_RECIPE = Path("packaging/conda-recipe/recipe.yaml")
FORMULA = Path("packaging/homebrew/mpi4py.rb")
FEDORA_SPEC = Path("packaging/fedora/python-mpi4py.spec")
DEBIAN_CHANGELOG = Path("packaging/debian/changelog")

_VERSION_RE = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.MULTILINE)
_REQUIREMENT_RE = re.compile(r"^([A-Za-z0-9_.-]+)\s*(.*)$")


class SyncError(Exception):
    """A source or target is not in the expected shape; the message names the file and the fix."""


@dataclass(frozen=True)
class Sources:
    version: str
    build_requires: dict[str, str]  # conda name -> version spec, e.g. {"setuptools": ">=77"}


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


def build_requirements() -> dict[str, str]:
    """The setuptools build's requirements (backend.BACKENDS + CYTHON) as conda name -> spec."""
    out = {}
    for requirement in [*BACKENDS["setuptools"][1], CYTHON]:
        match = _REQUIREMENT_RE.match(requirement.strip())
        if not match or not match.group(2):
            raise SyncError(f"conf/mpibuild/backend.py: requirement {requirement!r} has no version bound")
        out[match.group(1).lower()] = match.group(2).replace(" ", "")
    return out


def sources(top: Path = TOP) -> Sources:
    return Sources(version=project_version(top), build_requires=build_requirements())


# Each rule: (field name, regex with groups (before)(value)(after), value to write). Every match is a target.
Rule = tuple[str, "re.Pattern[str]", Callable[[Sources, str], str]]


def _keep_debian_revision(src: Sources, old: str) -> str:
    upstream, dash, revision = old.rpartition("-")
    if not dash:
        return src.version
    return f"{src.version}-{revision if upstream == src.version else '1'}"


def _requirement_rule(name: str) -> Rule:
    pattern = re.compile(rf"^(\s+- {name} )(\S+)()$", re.MULTILINE)
    return (f"{name} bound", pattern, lambda src, old: src.build_requires[name])


RULES: dict[Path, list[Rule]] = {
    CONDA_RECIPE: [
        ("version", re.compile(r'^(  version:\s*")([^"]*)(")', re.MULTILINE), lambda s, old: s.version),
        _requirement_rule("setuptools"),
        _requirement_rule("cython"),
    ],
    FORMULA: [
        ("version", re.compile(r'^(  version\s+")([^"]*)(")', re.MULTILINE), lambda s, old: s.version),
    ],
    FEDORA_SPEC: [
        ("Version", re.compile(r"^(Version:\s*)(\S+)()", re.MULTILINE), lambda s, old: s.version),
    ],
    DEBIAN_CHANGELOG: [
        ("version", re.compile(r"\A(\S+ \()([^)]+)(\))"), _keep_debian_revision),
    ],
}

# The in-tree recipes build their own checkout: a release url/sha256 there would be stale by the next commit.
IN_TREE_SOURCE = {
    CONDA_RECIPE: (re.compile(r"^source:\n  path: \.\./\.\.\n", re.MULTILINE), "source: path: ../.. (the checkout)"),
    FORMULA: (re.compile(r'^  url "file://#\{[^\n]*\}", using: :git\n', re.MULTILINE), 'url "file://<the checkout>", using: :git'),
}
RELEASE_FIELDS = re.compile(r"^\s*(sha256|url)\b[: ]\s*\S*(pythonhosted|pypi\.org|[0-9a-f]{64})", re.MULTILINE)


def apply_rules(path: Path, text: str, rules: Sequence[Rule], src: Sources) -> tuple[str, list[Change]]:
    changes: list[Change] = []
    for name, pattern, value_of in rules:
        matches = list(pattern.finditer(text))
        if not matches:
            raise SyncError(f"{path}: cannot find the {name} field (pattern {pattern.pattern!r}); restore its usual layout.")
        for match in reversed(matches):  # from the end, so earlier offsets stay valid
            old = match.group(2)
            new = value_of(src, old)
            if new != old:
                text = text[: match.start(2)] + new + text[match.end(2) :]
                changes.append(Change(path, name, old, new))
    return text, changes


def source_problems(top: Path) -> list[str]:
    """In-tree recipes must name the checkout, never a release archive."""
    problems = []
    for rel, (pattern, wanted) in IN_TREE_SOURCE.items():
        path = top / rel
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if not pattern.search(text):
            problems.append(f"{rel}: the source must be {wanted}")
        for match in RELEASE_FIELDS.finditer(text):
            problems.append(f"{rel}: release field {match.group(0).strip()!r} in the in-tree recipe; the release step "
                            "makes that form (conf/release/release_forms.py)")
    return problems


# Where each channel names the project's home and its maintainer; all must agree with pyproject.toml's
# [project.urls] Source and with debian/control's Maintainer (the address every channel gives).
HOME_FIELDS = {
    CONDA_RECIPE: (r"^  homepage: (\S+)$", r"^  repository: (\S+)$"),
    FORMULA: (r'^  homepage "([^"]+)"$',),
    FEDORA_SPEC: (r"^URL:\s+(\S+)$",),
    Path("packaging/debian/control"): (r"^Homepage: (\S+)$", r"^Vcs-Browser: (\S+?)(?:/tree/\S+)?$",
                                       r"^Vcs-Git: (\S+?)(?:\.git)?(?: .*)?$"),
    Path("packaging/debian/copyright"): (r"^Source: (\S+)$",),
}
MAINTAINER_FIELDS = {
    Path("packaging/debian/control"): r"^Maintainer: (.+)$",
    DEBIAN_CHANGELOG: r"^ -- (.+?)  ",
    Path("packaging/debian/copyright"): r"^Upstream-Contact: (.+)$",
    FEDORA_SPEC: r"^\* \w{3} \w{3} \d{2} \d{4} (.+?)(?: - \S+)?$",
}


def identity_problems(top: Path) -> list[str]:
    """Homepage/Vcs and maintainer fields that differ from the project's."""
    match = re.search(r'^Source = "([^"]+)"$', (top / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        return ['pyproject.toml: no [project.urls] Source = "..." (the project home every channel names)']
    home = match.group(1)
    problems = []
    for rel, patterns in HOME_FIELDS.items():
        text = (top / rel).read_text(encoding="utf-8") if (top / rel).is_file() else ""
        for pattern in patterns:
            found = re.findall(pattern, text, re.MULTILINE)
            if found != [home]:
                problems.append(f"{rel}: {pattern!r} gives {found}, expected [{home!r}] (pyproject.toml [project.urls] Source)")
    control = top / "packaging/debian/control"
    maintainers = re.findall(MAINTAINER_FIELDS[control.relative_to(top)], control.read_text(encoding="utf-8"), re.MULTILINE)
    if len(maintainers) != 1:
        return [*problems, f"packaging/debian/control: expected one Maintainer field, found {maintainers}"]
    for rel, pattern in MAINTAINER_FIELDS.items():
        found = set(re.findall(pattern, (top / rel).read_text(encoding="utf-8"), re.MULTILINE))
        if found != {maintainers[0]}:
            problems.append(f"{rel}: maintainer {sorted(found)}, expected {maintainers[0]!r} (debian/control Maintainer)")
    return problems


def sync(top: Path, src: Sources, write: bool) -> tuple[list[Change], list[Path]]:
    """Compare (or with ``write=True`` rewrite) every target; return the changes and the missing files."""
    all_changes: list[Change] = []
    missing: list[Path] = []
    for rel, rules in RULES.items():
        path = top / rel
        if not path.is_file():
            missing.append(rel)
            continue
        text = path.read_text(encoding="utf-8")
        new_text, changes = apply_rules(rel, text, rules, src)
        all_changes.extend(changes)
        if write and new_text != text:
            path.write_text(new_text, encoding="utf-8")
    return all_changes, missing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="release.sync", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite the stale fields instead of failing on them")
    parser.add_argument("--top", type=Path, default=TOP, help="source tree (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        src = sources(args.top)
        changes, missing = sync(args.top, src, write=args.write)
    except SyncError as exc:
        print(f"sync: error: {exc}", file=sys.stderr)
        return 2
    problems = [f"{rel}: missing" for rel in missing] + source_problems(args.top)
    if not missing:
        problems += identity_problems(args.top)
    verb = "updated" if args.write else "out of sync"
    for change in changes:
        print(f"sync: {change.path}: {change.field} {verb}: {change.old} -> {change.new}")
    for problem in problems:
        print(f"sync: FAIL {problem}")
    requires = ", ".join(f"{k} {v}" for k, v in src.build_requires.items())
    print(f"sync: version {src.version}, build requirements {requires}: {len(changes)} field(s) {verb}, {len(problems)} problem(s)")
    if problems or (changes and not args.write):
        if changes and not args.write:
            print("sync: run `nox -s recipes -- --write` to update them", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
