"""The sdist holds exactly the project's tracked files (what every backend builds from), nothing else.

Run by ``nox -s hardening`` with ``MPI4PY_SDIST=path/to/mpi4py-X.tar.gz`` from a git checkout.
Building each backend from this sdist is ``nox -s build_matrix``'s job; this test guards its input.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
# Tracked files deliberately left out of the sdist: CI and repository plumbing, design notes, and the
# conda recipe / Homebrew formula (they carry the sdist's own sha256, so they cannot be inside it), and
# the published benchmark results (tables and plots of one machine, not needed to build or test), and
# parked work in progress (wip/).
NOT_SHIPPED = (".ci/", ".github/", ".gitignore", "docs/", "packaging/conda-recipe/", "packaging/homebrew/", "bench/results/",
               "wip/")
# Files the sdist may add: metadata written by the build.
GENERATED = ("PKG-INFO", "setup.cfg", "src/mpi4py.egg-info/")
# What the backends read: setuptools (setup.py), scikit-build-core (CMakeLists.txt), meson-python
# (meson.build), and the shared conf/mpibuild + sources; checked when the tree has them.
BACKEND_INPUTS = ("pyproject.toml", "setup.py", "conf/run.py", "conf/mpibuild/backend.py", "conf/mpibuild/gensrc.py",
                  "conf/mpibuild/symbols.py", "src/mpi4py/MPI.pyx", "src/mpi4py/libmpi.sym",
                  "src/include/mpi4py/pympi.h", "mpi.cfg")


def sdist_files() -> set[str]:
    path = os.environ.get("MPI4PY_SDIST")
    assert path, "set MPI4PY_SDIST to the sdist to check (nox -s hardening does)"
    with tarfile.open(path) as tar:
        names = [m.name for m in tar.getmembers() if m.isfile()]
    prefix = names[0].split("/", 1)[0] + "/"
    assert all(n.startswith(prefix) for n in names)
    return {n[len(prefix):] for n in names}


def tracked_files() -> set[str]:
    out = subprocess.run(["git", "ls-files"], cwd=TOP, capture_output=True, text=True, check=True).stdout
    return {line for line in out.splitlines() if line and (TOP / line).is_file()}


def test_sdist_has_every_tracked_file() -> None:
    missing = {f for f in tracked_files() - sdist_files() if not f.startswith(NOT_SHIPPED)}
    assert not missing, f"tracked files missing from the sdist (add them to MANIFEST.in): {sorted(missing)}"


def test_sdist_has_nothing_else() -> None:
    extra = {f for f in sdist_files() - tracked_files() if not f.startswith(GENERATED)}
    assert not extra, f"files in the sdist that are not tracked (stray build output?): {sorted(extra)}"


def test_sdist_has_the_backend_inputs() -> None:
    files = sdist_files()
    wanted = set(BACKEND_INPUTS) | {f for f in tracked_files() if Path(f).name in ("CMakeLists.txt", "meson.build",
                                                                                   "meson.options", "meson_options.txt")}
    assert wanted <= files, sorted(wanted - files)
