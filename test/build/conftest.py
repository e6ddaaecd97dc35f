"""Build-behaviour tests: real ``pip`` builds of this source tree against MPICH from PyPI (test/build_helpers.py)."""

from build_helpers import pytest_configure, tree  # noqa: F401  (the venv check and the shared source copy)
