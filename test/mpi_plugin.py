"""What every test suite that runs under mpiexec or starts MPI jobs shares (test/mpi, test/hardening, test/build).

- ``pytest_runtest_makereport``: with more than one rank, a failing test prints its report and aborts
  the whole job (the other ranks would otherwise wait forever in their next communication). A conftest
  enables it with ``from mpi_plugin import pytest_runtest_makereport``; it never initializes MPI itself
  (a process that has not imported ``mpi4py.MPI`` has nothing to abort).
- ``pytest_runtest_protocol``: a per-test time limit (``MPI4PY_TEST_TIMEOUT`` seconds, default
  ``DEFAULT_TIMEOUT``; 0 disables it).  faulthandler's watchdog thread prints every thread's traceback
  and ends the process with status 1 -- even when the test is blocked inside an MPI call -- and
  mpiexec then ends the whole job, so a hang fails fast instead of holding the job until CI's limit.
- ``clean_env()`` for a child that starts its own MPI job (with conf/launch.py's ``MPIEXEC_ENV``).

Imported by name: pytest's ``pythonpath`` setting (pyproject.toml) puts ``test/`` and ``conf/`` on the path.
"""

from __future__ import annotations

import faulthandler
import os
import sys
import time
from pathlib import Path

import pytest
from launch import MPIEXEC_ENV

TOP = Path(__file__).resolve().parents[1]

TIMEOUT_VARIABLE = "MPI4PY_TEST_TIMEOUT"
ABORT_GRACE = 2.0  # seconds between printing a failure report and aborting the job
DEFAULT_TIMEOUT = 300  # seconds: far above any single test (spawning ones included), far below CI's limit

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
        # The launcher forwards this rank's output through a pipe that MPI_Abort may tear down before it
        # is read: a CI log once showed the job's exit status 1 with no report at all.
        time.sleep(ABORT_GRACE)
        world.Abort(1)


def per_test_timeout() -> float:
    raw = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError:
        raise pytest.UsageError(f"{TIMEOUT_VARIABLE}={raw!r}: expected a number of seconds (0: no limit)") from None
    if value < 0:
        raise pytest.UsageError(f"{TIMEOUT_VARIABLE}={raw!r}: expected a number of seconds >= 0 (0: no limit)")
    return value


_watchdog_fd: list[int] = []


def watchdog_fd(config: pytest.Config) -> int:
    """A copy of the process's real stderr: pytest's fd capture redirects fd 2 to a temporary file while
    a test runs, which a process ended by the watchdog would never show."""
    if not _watchdog_fd:
        capman = config.pluginmanager.getplugin("capturemanager")
        err = getattr(getattr(capman, "_global_capturing", None), "err", None)
        saved = getattr(err, "targetfd_save", None)
        _watchdog_fd.append(os.dup(saved if isinstance(saved, int) else sys.__stderr__.fileno()))
    return _watchdog_fd[0]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):  # type: ignore[no-untyped-def]
    timeout = per_test_timeout()
    if timeout:
        faulthandler.dump_traceback_later(timeout, exit=True, file=watchdog_fd(item.config))
    try:
        yield
    finally:
        if timeout:
            faulthandler.cancel_dump_traceback_later()
