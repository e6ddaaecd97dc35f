"""The CPython versions we support, and where this machine has them (PATH, then pyenv's versions)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from mpibuild import OLDEST_PYTHON  # conf/ is on sys.path (noxfile.py); the floor that requires-python states

# The newest CPython we test and ship wheels for (raise it when a new CPython is added to the machines).
NEWEST_PYTHON = (3, 13)
SUPPORTED = tuple(f"3.{minor}" for minor in range(OLDEST_PYTHON[1], NEWEST_PYTHON[1] + 1))


def find_cpython(minor: int) -> str | None:
    """A working, GIL-enabled CPython 3.<minor>: on PATH, or one of pyenv's versions (pyenv's shims only
    answer for the selected version, so its install folders are searched too)."""
    candidates = [shutil.which(f"python3.{minor}")]
    candidates += sorted(map(str, (Path.home() / ".pyenv" / "versions").glob(f"3.{minor}.*/bin/python3.{minor}")))
    probe = f"import sys, sysconfig; sys.exit(sys.version_info[:2] != (3, {minor}) or bool(sysconfig.get_config_var('Py_GIL_DISABLED')))"
    for python in filter(None, candidates):
        if subprocess.run([python, "-c", probe], capture_output=True).returncode == 0:
            return python
    return None


def interpreters(versions: tuple[str, ...] = SUPPORTED) -> dict[str, str]:
    """version -> interpreter for nox's ``python``; a version not found stays a bare version, which nox
    reports as a missing interpreter (skipped locally, an error on CI)."""
    return {version: find_cpython(int(version.split(".")[1])) or version for version in versions}
