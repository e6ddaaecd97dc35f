"""Runtime misuse and fuzz tests, run as ``mpiexec -n N python -m pytest test/hardening/mpi``.

Every rank runs every test.  A failing test aborts the whole job (after printing its report) so the
other ranks never wait forever; the session's ``timeout`` turns any hang into a failure.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator

import pytest
from mpi_plugin import pytest_runtest_makereport, pytest_runtest_protocol  # noqa: F401  (abort + time-limit hooks)

from mpi4py import MPI


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if MPI.COMM_WORLD.Get_rank() != 0:  # one junit report per job, written by rank 0
        config.option.xmlpath = None


@pytest.fixture
def comm() -> Iterator[MPI.Intracomm]:
    comm = MPI.COMM_WORLD
    yield comm
    comm.Barrier()  # every case ends in step: a rank that raised cannot leave a message behind


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    fuzz = sys.modules.get("test_fuzz")
    generated = getattr(fuzz, "GENERATED", {})
    if generated and MPI.COMM_WORLD.Get_rank() == 0 and os.environ.get("MPI4PY_FUZZ_REPORT"):
        with open(os.environ["MPI4PY_FUZZ_REPORT"], "w", encoding="utf-8") as out:
            json.dump(generated, out)
    if generated and MPI.COMM_WORLD.Get_rank() == 0:
        total = sum(generated.values())
        parts = ", ".join(f"{name} {n}" for name, n in sorted(generated.items()))
        terminalreporter.write_line(f"hardening: fuzz generated {total} cases ({parts})")
