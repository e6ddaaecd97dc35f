"""Markers for tests that need an ``mpi4py.MPI`` feature the Cython core may not have yet.

``needs("Comm.Spawn")`` marks a test xfail(strict=True) only while the name is missing, and only for
the errors a missing feature produces; once the core provides it the test runs normally.
"""

from __future__ import annotations

import pytest

from mpi4py import MPI


def missing(name: str) -> bool:
    obj: object = MPI
    for part in name.split("."):
        if not hasattr(obj, part):
            return True
        obj = getattr(obj, part)
    return False


def needs(*names: str) -> pytest.MarkDecorator:
    absent = [n for n in names if missing(n)]
    return pytest.mark.xfail(
        bool(absent),
        reason=f"mpi4py.MPI lacks {', '.join('MPI.' + n for n in absent)} (core feature not implemented yet)",
        raises=(AttributeError, NotImplementedError),
        strict=True,
    )
