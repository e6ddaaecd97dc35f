"""The project's files as a source tree: what git tracks plus new files it does not ignore.

This is what rattler-build's ``path:`` source copies (it honours .gitignore) and what the Debian source
package starts from: no build/, dist/, .nox/ or virtual environments.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

IGNORED_WITHOUT_GIT = shutil.ignore_patterns("build", "dist", "wheelhouse", ".nox", "__pycache__", "*.egg-info")


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
