"""Real pip builds for the build-time catalogue cases that need them (read-only sources, interrupted
build, an old install surviving a failed one, real mixed MPICH/Open MPI wrappers).

Reuses the helpers of test/build_helpers.py (one shared source copy, -O0, this venv's MPICH).
"""

from build_helpers import pytest_configure, tree  # noqa: F401  (the venv check and the shared source copy)
