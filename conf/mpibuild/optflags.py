"""Optimization flags for the extension: -O2 without debug info unless the user chose their own.

The generated C is large; -O3 and -g roughly double its compile time and buy nothing measurable
for a binding layer whose hot paths are short calls into libmpi (see ``nox -s bench``).  Users and
distributions that set CFLAGS (dpkg-buildflags, rpm's %optflags) keep exactly their flags.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping

DEFAULT_FLAGS = ("-O2", "-g0")


def user_chose_flags(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    words = shlex.split(env.get("CFLAGS", "")) + shlex.split(env.get("CPPFLAGS", ""))
    return any(w.startswith(("-O", "-g")) for w in words)


def compile_args(compiler_type: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """Flags appended after Python's own (so they win over its -O3 -g)."""
    if compiler_type not in ("unix", "mingw32", "cygwin") or user_chose_flags(environ):
        return []
    return list(DEFAULT_FLAGS)
