"""The project's files as a source tree: what git tracks plus new files it does not ignore.

This is what rattler-build's ``path:`` source copies (it honours .gitignore) and what the Debian source
package starts from: no build/, dist/, .nox/ or virtual environments.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

IGNORED_WITHOUT_GIT = shutil.ignore_patterns("build", "dist", "wheelhouse", ".nox", "__pycache__", "*.egg-info")
# What never belongs in git: a virtual environment (a venv's pyvenv.cfg, an installed site-packages),
# build and tool outputs, compiled objects. One stray `git add -A` once committed .ci/venv (1309 files),
# which every source copy above then carried into the Debian and conda builds.
UNWANTED_TOP = frozenset({"build", "dist", "wheelhouse", ".nox"})  # output folders of the top only (test/build is ours)
UNWANTED_PARTS = frozenset({"site-packages", "__pycache__"})
UNWANTED_NAMES = frozenset({"pyvenv.cfg"})
UNWANTED_SUFFIXES = (".so", ".pyd", ".o", ".pyc", ".egg-info")


def unwanted_tracked(names: Iterable[str]) -> list[str]:
    """The paths (as git lists them, relative to the top) that are environments or build outputs."""
    bad = []
    for name in names:
        parts = PurePosixPath(name).parts
        if (parts[0] in UNWANTED_TOP or UNWANTED_PARTS.intersection(parts[:-1]) or parts[-1] in UNWANTED_NAMES
                or any(part.endswith(UNWANTED_SUFFIXES) for part in parts)):
            bad.append(name)
    return bad


def copy_source_tree(top: Path, dest: Path) -> None:
    """Copy the project at ``top`` into ``dest`` (emptied first)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    if not (top / ".git").exists():  # an unpacked sdist: it holds nothing else
        shutil.copytree(top, dest, dirs_exist_ok=True, ignore=IGNORED_WITHOUT_GIT)
        return
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=top, capture_output=True, check=True).stdout
    for name in filter(None, listing.decode().split("\0")):
        source = top / name
        if source.is_file():  # deleted-but-tracked files are listed too
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
