"""Build configuration shared by the setuptools, scikit-build-core and meson-python builds.

Every build path imports this package first (the PEP 517 backend, setup.py, the gensrc.py script that
CMake and Meson run), so the interpreter check lives here. This file must stay parseable by any
Python 3 (no f-strings, no annotations): an old interpreter has to reach the check to print it.
"""

import sys

# The oldest CPython we build for: the same as requires-python in pyproject.toml (test_python_floor.py checks).
OLDEST_PYTHON = (3, 9)


class UnsupportedPythonError(SystemExit):
    pass


def check_python(version=None, executable=None):
    """Stop the build at once, with the fix, on a Python older than OLDEST_PYTHON."""
    version = tuple(sys.version_info[:3] if version is None else version)
    if version[:2] >= OLDEST_PYTHON:
        return
    major, minor = OLDEST_PYTHON
    raise UnsupportedPythonError(
        "error: mpi4py needs Python >= {0}.{1} (requires-python in pyproject.toml), but the build runs on Python {2} ({3}).\n"
        "Build and install it with Python {0}.{1} or newer, e.g. python{0}.{1} -m pip install <sdist>.".format(  # noqa: UP032 (old Pythons parse this file)
            major, minor, ".".join(map(str, version)), executable or sys.executable)
    )


check_python()
