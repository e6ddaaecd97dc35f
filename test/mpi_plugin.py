"""What every test suite that runs under mpiexec or starts MPI jobs shares (test/mpi, test/hardening, test/build).

- ``pytest_runtest_makereport``: with more than one rank, a failing test prints its report and aborts
  the whole job (the other ranks would otherwise wait forever in their next communication). A conftest
  enables it with ``from mpi_plugin import pytest_runtest_makereport``; it never initializes MPI itself
  (a process that has not imported ``mpi4py.MPI`` has nothing to abort).
- ``MPIEXEC_ENV`` (the one copy lives in conf/smoke.py) and ``clean_env()`` for a child that starts its
  own MPI job.

The conftests put ``test/`` on ``sys.path`` to import this module; it puts ``conf/`` there for smoke.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[1]
if str(TOP / "conf") not in sys.path:
    sys.path.insert(0, str(TOP / "conf"))

from smoke import MPIEXEC_ENV  # noqa: E402

# Variables a launcher gives its ranks: a child inheriting them would join (or confuse) this job.
LAUNCHER_PREFIXES = ("PMI_", "PMIX_", "OMPI_", "PRTE_", "HYDRA_", "MPIR_", "MPI_LOCAL", "OPAL_", "PMIX")


def clean_env(**extra: str) -> dict[str, str]:
    """Environment for a child process that must start its own MPI job: no inherited launcher state,
    MPIEXEC_ENV, then ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(LAUNCHER_PREFIXES)}
    env.update(MPIEXEC_ENV)
    if extra.get("PYTHONPATH") and os.environ.get("PYTHONPATH"):
        # In front of the inherited path, which may be where mpi4py is (distro checks of staged files).
        extra = {**extra, "PYTHONPATH": os.pathsep.join([extra["PYTHONPATH"], os.environ["PYTHONPATH"]])}
    env.update(extra)
    return env


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    mpi = sys.modules.get("mpi4py.MPI")
    if not report.failed or mpi is None or not mpi.Is_initialized() or mpi.Is_finalized():
        return
    world = mpi.COMM_WORLD
    if world.Get_size() > 1:
        rank = world.Get_rank()
        sys.stderr.write(f"\n[rank {rank}] FAILED {item.nodeid} ({report.when})\n{report.longreprtext}\n"
                         f"[rank {rank}] aborting the MPI job so the other ranks do not hang\n")
        sys.stderr.flush()
        world.Abort(1)
