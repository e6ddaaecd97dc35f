"""Python's stable ABI (limited API): one ``cpXY-abi3`` wheel for every CPython >= X.Y.

``MPI4PY_BUILD_PYSABI``: unset/``0``/``no`` builds for the running interpreter only; ``1``/``yes``
uses the oldest possible minimum; ``3.12`` (or ``cp312``, ``312``) picks a newer one. Cython >= 3.1
compiles the same generated C for the limited API when ``CYTHON_LIMITED_API`` and ``Py_LIMITED_API``
are defined.

The oldest minimum is 3.11: mpi4py passes every message buffer through the buffer protocol
(``Py_buffer``, ``PyObject_GetBuffer``, the ``bf_getbuffer`` slot of ``MPI.buffer``), which entered
the limited API in 3.11. Older CPythons (3.9, 3.10) get version-specific wheels.
"""

from __future__ import annotations

import os
import re
import sys
import sysconfig

VARIABLE = "MPI4PY_BUILD_PYSABI"
# The limited API has the buffer protocol from 3.11 on (see above).
OLDEST = (3, 11)


class PySABIError(SystemExit):
    pass


def requested(environ: dict[str, str] | None = None, python: tuple[int, int] | None = None,
              free_threaded: bool | None = None) -> tuple[int, int] | None:
    """The minimum CPython (major, minor) of the stable-ABI build, or None for a version-specific build."""
    value = (os.environ if environ is None else environ).get(VARIABLE, "").strip().lower()
    python = python or sys.version_info[:2]
    if value in ("", "0", "no", "off", "false"):
        return None
    if value in ("1", "yes", "on", "true"):
        minimum = OLDEST
    else:
        match = re.fullmatch(r"(?:cp)?3\.?(\d+)", value)
        if not match:
            raise PySABIError(f"error: {VARIABLE}={value!r}: give the minimum CPython as 3.12, cp312 or 312, "
                              "or 1 for the oldest possible, or 0 to build for this interpreter only.")
        minimum = (3, int(match.group(1)))
    if minimum < OLDEST:
        raise PySABIError(f"error: {VARIABLE}={value!r}: the oldest supported minimum is {OLDEST[0]}.{OLDEST[1]} (the first "
                          "limited API with the buffer protocol); use 1 for it, or 0 for a version-specific build.")
    if python < minimum:
        raise PySABIError(f"error: {VARIABLE}={value!r} targets CPython >= {minimum[0]}.{minimum[1]}, "
                          f"but this is {python[0]}.{python[1]}; build with a newer Python or lower the minimum.")
    if free_threaded is None:
        free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    if free_threaded:
        raise PySABIError(f"error: {VARIABLE} is set, but the free-threaded CPython has no stable ABI (abi3); unset it.")
    return minimum


def tag(minimum: tuple[int, int]) -> str:
    return f"cp{minimum[0]}{minimum[1]}"


def macros(minimum: tuple[int, int]) -> list[tuple[str, str | None]]:
    return [("Py_LIMITED_API", f"0x{minimum[0]:02X}{minimum[1]:02X}0000"), ("CYTHON_LIMITED_API", "1")]
