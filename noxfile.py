# /// script
# dependencies = ["nox>=2024.4.15"]
# ///
"""nox sessions for mpi4py. Each topic lives in its own module under conf/noxlib/.

Run ``nox -l`` for the list. Main job: ``nox -s build``; tests: ``nox -s tests``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).resolve().parent / "conf"))

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]
nox.needs_version = ">=2024.4.15"

# Importing a module registers its sessions.
from noxlib import buildchecks, matrix, tests  # noqa: E402,F401
