# /// script
# dependencies = ["nox>=2024.4.15"]
# ///
"""nox sessions for mpi4py. Each topic lives in its own module under conf/noxlib/.

Run ``nox -l`` for the list. Main job: ``nox -s build``; tests: ``nox -s tests``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).resolve().parent / "conf"))

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]
nox.needs_version = ">=2024.4.15"

import noxlib  # noqa: E402

# Importing a module registers its sessions: every module of conf/noxlib is loaded.
for _module in sorted(m.name for m in pkgutil.iter_modules(noxlib.__path__)):
    importlib.import_module(f"noxlib.{_module}")
