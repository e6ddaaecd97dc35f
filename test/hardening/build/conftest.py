"""Real pip builds for the build-time catalogue cases that need them (read-only sources, interrupted
build, an old install surviving a failed one, real mixed MPICH/Open MPI wrappers).

Reuses the helpers of test/build/conftest.py (one shared source copy, -O0, this venv's MPICH).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location("buildconf", Path(__file__).resolve().parents[2] / "build" / "conftest.py")
assert _spec and _spec.loader
buildconf = importlib.util.module_from_spec(_spec)
sys.modules["buildconf"] = buildconf
_spec.loader.exec_module(buildconf)

pytest_configure = buildconf.pytest_configure
tree = buildconf.tree
