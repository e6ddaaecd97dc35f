"""Tests that start their own MPI jobs (run by plain pytest, not under mpiexec).

- use of MPI before Init / after Finalize: a Python exception naming the routine, never an abort;
- failure of one rank under ``mpiexec -n 3 python -m mpi4py``: the whole job ends non-zero within
  10 s and the failing rank's traceback is printed once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from mpi_plugin import clean_env

BIN = Path(sys.executable).parent
MPIEXEC = BIN / "mpiexec"
DEADLINE = 10.0  # seconds for a job with a failed rank to end


if not MPIEXEC.exists():
    raise RuntimeError(f"test/hardening/test_jobs.py needs an MPI from PyPI next to {sys.executable}")


@dataclass
class Job:
    returncode: int
    output: str
    seconds: float


def run_job(n: int, *args: str, cwd: Path | None = None, timeout: float = 60) -> Job:
    env = clean_env(PYTHONPATH=PLUGIN_PATH)
    cmd = [str(MPIEXEC), "-n", str(n), sys.executable, *args]
    start = time.monotonic()
    try:
        done = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        raise AssertionError(f"job hung for {timeout} s: {cmd}\n{out[-3000:]}") from None
    return Job(done.returncode, done.stdout, time.monotonic() - start)


# -- MPI outside Init..Finalize ------------------------------------------------------------------

AFTER_FINALIZE = {
    "barrier": ("MPI.COMM_WORLD.Barrier()", "MPI_Barrier: MPI is finalized"),
    "get-rank": ("MPI.COMM_WORLD.Get_rank()", "MPI_Comm_rank: MPI is finalized"),
    "send-object": ("MPI.COMM_WORLD.send(1, dest=0)", "MPI_Send: MPI is finalized"),
    "send-buffer": ("MPI.COMM_WORLD.Send(bytearray(4), dest=0)", "MPI_Send: MPI is finalized"),
    "recv": ("MPI.COMM_WORLD.Recv(bytearray(4), source=0)", "MPI_Recv: MPI is finalized"),
    "bcast": ("MPI.COMM_WORLD.bcast(1, root=0)", "MPI_Comm_test_inter: MPI is finalized"),
    "dup": ("MPI.COMM_WORLD.Dup()", "MPI_Comm_dup: MPI is finalized"),
    "free-dup": ("dup.Free()", "MPI_Comm_free: MPI is finalized"),
    "wtime": ("MPI.Wtime()", "MPI_Wtime: MPI is finalized"),
    "init-again": ("MPI.Init()", "MPI_Init: MPI is finalized"),
    "finalize-twice": ("MPI.Finalize()", "MPI_Finalize: MPI is finalized"),
    "type-size": ("MPI.DOUBLE.Get_size()", "MPI_Type_size: MPI is finalized"),
}
BEFORE_INIT = {
    "get-rank": ("MPI.COMM_WORLD.Get_rank()", "MPI_Comm_rank: MPI is not initialized; call MPI.Init() first"),
    "barrier": ("MPI.COMM_WORLD.Barrier()", "MPI_Barrier: MPI is not initialized"),
    "wtime": ("MPI.Wtime()", "MPI_Wtime: MPI is not initialized"),
}
OUTSIDE = """\
import mpi4py
mpi4py.rc.initialize = {initialize}
from mpi4py import MPI
if {initialize}:
    dup = MPI.COMM_WORLD.Dup()
    MPI.Finalize()
try:
    {call}
except RuntimeError as exc:
    print("raised:", type(exc).__name__, exc)
else:
    print("no exception")
print("finalized", MPI.Is_finalized(), "version", MPI.Get_version())
"""


@pytest.mark.parametrize("call, message", AFTER_FINALIZE.values(), ids=list(AFTER_FINALIZE))
def test_after_finalize(call: str, message: str) -> None:
    job = run_job(1, "-c", OUTSIDE.format(initialize=True, call=call))
    assert job.returncode == 0, job.output
    assert f"raised: RuntimeError {message}" in job.output, job.output
    assert "finalized True version" in job.output  # the always-allowed routines still work


@pytest.mark.parametrize("call, message", BEFORE_INIT.values(), ids=list(BEFORE_INIT))
def test_before_init(call: str, message: str) -> None:
    job = run_job(1, "-c", OUTSIDE.format(initialize=False, call=call))
    assert job.returncode == 0, job.output
    assert f"raised: RuntimeError {message}" in job.output, job.output


# -- failure of one rank --------------------------------------------------------------------------

WAITERS = """\
from mpi4py import MPI
import os, signal, sys, time
comm = MPI.COMM_WORLD
rank = comm.Get_rank()
if rank == 1:
    time.sleep(0.5)  # the others are already waiting
    {fail}
{others}
print(f"rank {{rank}} finished normally")
"""
FAILURES = {
    "raise": ("raise ValueError('rank one failed on purpose')", "ValueError: rank one failed on purpose"),
    "raise-in-function": ("def f():\n        raise KeyError('missing-key')\n    f()", "KeyError: 'missing-key'"),
    "sys-exit-3": ("sys.exit(3)", None),
    "sys-exit-message": ("sys.exit('fatal: bad input file')", "fatal: bad input file"),
    "os-exit": ("os._exit(5)", None),
    "sigkill": ("os.kill(os.getpid(), signal.SIGKILL)", None),
    "sigsegv": ("os.kill(os.getpid(), signal.SIGSEGV)", None),
    "mpi-error": ("comm.Send(bytearray(1), dest=99)", "MPI.Exception"),
}
OTHERS = {
    "barrier": "comm.Barrier()",
    "recv": "comm.recv(source=1)",
    "bcast": "comm.bcast(None, root=1)",
}


def check_failed_job(job: Job, traceback_text: str | None) -> None:
    assert job.returncode != 0, job.output
    assert job.seconds < DEADLINE, f"the job took {job.seconds:.1f} s to end\n{job.output}"
    assert "finished normally" not in job.output
    if traceback_text is not None:
        assert job.output.count(traceback_text) == 1, job.output  # printed once, by the failing rank only


@pytest.mark.parametrize("fail", FAILURES, ids=list(FAILURES))
@pytest.mark.parametrize("others", ["barrier", "recv"])
def test_rank_failure(fail: str, others: str, tmp_path: Path) -> None:
    code, text = FAILURES[fail]
    script = tmp_path / "job.py"
    script.write_text(WAITERS.format(fail=code, others=OTHERS[others]))
    job = run_job(3, "-m", "mpi4py", str(script))
    check_failed_job(job, text)
    if text and "Error" in text:
        assert job.output.count("Traceback (most recent call last)") == 1, job.output


def test_rank_failure_with_c_option() -> None:
    code = textwrap.dedent(WAITERS.format(fail="raise RuntimeError('from -c')", others=OTHERS["bcast"]))
    job = run_job(3, "-m", "mpi4py", "-c", code)
    check_failed_job(job, "RuntimeError: from -c")


def test_rank_failure_with_m_option(tmp_path: Path) -> None:
    (tmp_path / "failingmod.py").write_text(WAITERS.format(fail="raise OSError('from a module')", others="comm.Barrier()"))
    job = run_job(3, "-m", "mpi4py", "-m", "failingmod", cwd=tmp_path)
    check_failed_job(job, "OSError: from a module")


def test_root_only_argument_error_in_collective(tmp_path: Path) -> None:
    """A local error on the root (bad Scatter buffer) while the others already wait in the collective."""
    script = tmp_path / "scatter.py"
    script.write_text(textwrap.dedent("""\
        from mpi4py import MPI
        import numpy as np
        comm = MPI.COMM_WORLD
        send = np.zeros(7) if comm.Get_rank() == 0 else None  # 7 items cannot be split among 3
        comm.Scatter(send, np.zeros(2), root=0)
        print("finished normally")
    """))
    job = run_job(3, "-m", "mpi4py", str(script))
    check_failed_job(job, "cannot be split evenly among 3 processes")


def test_all_ranks_fail_at_once(tmp_path: Path) -> None:
    script = tmp_path / "all.py"
    script.write_text("from mpi4py import MPI\nraise SystemError(f'rank {MPI.COMM_WORLD.Get_rank()} down')\n")
    job = run_job(3, "-m", "mpi4py", str(script))
    assert job.returncode != 0 and job.seconds < DEADLINE, job.output
    assert "Traceback (most recent call last)" in job.output  # the first to abort ends the others mid-report


def test_successful_job_still_exits_zero(tmp_path: Path) -> None:
    """Control: the same harness with no failure ends normally on every rank."""
    script = tmp_path / "ok.py"
    script.write_text(WAITERS.format(fail="pass", others=OTHERS["barrier"]))
    job = run_job(3, "-m", "mpi4py", str(script))
    assert job.returncode == 0, job.output
    assert job.output.count("finished normally") == 3, job.output


# -- the shared pytest hook (test/mpi_plugin.py) used by test/mpi and test/hardening/mpi ----------

# Jobs that run pytest outside the tree import the shared hooks through PYTHONPATH (test/, and conf/ for launch.py).
TOP = Path(__file__).resolve().parents[2]
PLUGIN_PATH = os.pathsep.join([str(TOP / "test"), str(TOP / "conf")])
PLUGIN_CONFTEST = "from mpi_plugin import pytest_runtest_makereport  # noqa: F401\n"
ONE_RANK_FAILS = """\
from mpi4py import MPI

def test_one_rank_fails():
    if MPI.COMM_WORLD.Get_rank() == 1:
        raise AssertionError("rank 1 fails on purpose")
    MPI.COMM_WORLD.Barrier()  # rank 0 waits here for good unless the failing rank aborts the job
"""


def test_pytest_failure_on_one_rank_aborts_the_job(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(PLUGIN_CONFTEST)
    (tmp_path / "test_one_rank.py").write_text(ONE_RANK_FAILS)
    job = run_job(2, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path), cwd=tmp_path)
    assert job.returncode != 0, job.output
    assert "[rank 1] FAILED test_one_rank.py::test_one_rank_fails (call)" in job.output, job.output
    assert "rank 1 fails on purpose" in job.output and "aborting the MPI job" in job.output, job.output
    assert job.seconds < 3 * DEADLINE, f"the job took {job.seconds:.1f} s to end after one rank failed"


# -- a hung rank ends the job (the per-test time limit of test/mpi_plugin.py) --------------------

HANGING_TEST = """
from mpi4py import MPI

def test_one_rank_hangs():
    if MPI.COMM_WORLD.Get_rank() == 1:
        MPI.COMM_WORLD.Recv(bytearray(1), source=0, tag=99)  # never sent
    MPI.COMM_WORLD.Barrier()
"""


def test_hung_rank_ends_the_job(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text("from mpi_plugin import pytest_runtest_makereport, pytest_runtest_protocol  # noqa: F401\n")
    (tmp_path / "test_hang.py").write_text(HANGING_TEST)
    env = clean_env(MPI4PY_TEST_TIMEOUT="3", PYTHONPATH=PLUGIN_PATH)
    cmd = [str(MPIEXEC), "-n", "2", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_hang.py"]
    start = time.monotonic()
    done = subprocess.run(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=60)
    seconds = time.monotonic() - start
    assert done.returncode != 0, done.stdout
    assert "Timeout" in done.stdout and "test_one_rank_hangs" in done.stdout, done.stdout[-3000:]
    assert seconds < 3 + DEADLINE + 10, f"the job took {seconds:.1f} s to end after the time limit"
