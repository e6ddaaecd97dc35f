"""Programs that hung a job: each must now return on every rank (the per-test time limit of
test/mpi_plugin.py turns a regression into a quick failure instead of a job that never ends)."""

from __future__ import annotations

import os

import pytest

from mpi4py import MPI
from mpi4py.util import sync

pytestmark = pytest.mark.skipif(MPI.COMM_WORLD.Get_size() < 2, reason="needs a second process to block on")


def test_free_condition_and_mutex_while_held(comm: MPI.Intracomm) -> None:
    """One process holds the mutex, the others queue for it; every process then frees both."""
    mutex = sync.Mutex(comm=comm)
    condition = sync.Condition(mutex)
    condition.acquire()
    condition.free()
    mutex.free()


# Debian 12's Open MPI 4.1.4 serves MPI_Win_create under THREAD_MULTIPLE only through osc/ucx
# (packaging/debian/rules says why), whose passive-target lock is never granted to the waiting rank
# while another rank polls its own (both end waiting in MPI_Win_lock): the library hangs (PyPI's Open MPI 4.1.8 and 5 pass).
OSC_UCX_OPEN_MPI_4 = MPI.get_vendor()[0] == "Open MPI" and MPI.get_vendor()[1][0] < 5 \
    and os.environ.get("OMPI_MCA_osc", "").startswith("ucx")
OSC_UCX_HANGS = "Open MPI 4.1 osc/ucx: a rank waiting for a passive-target lock is never granted it"


@pytest.mark.skipif(OSC_UCX_OPEN_MPI_4, reason=OSC_UCX_HANGS)
def test_free_condition_with_waiters(comm: MPI.Intracomm) -> None:
    """Processes waiting on the condition are woken by its (collective) free."""
    condition = sync.Condition(comm=comm)
    flag = sync.Counter(0, comm=comm)
    if comm.Get_rank() == 0:
        while flag.next(0) < comm.Get_size() - 1:  # every other process is queued (or about to wait)
            pass
        with condition:
            pass
    else:
        with condition:
            flag.next(1)
            condition.wait()
    condition.free()  # before any other collective: the waiters return only once it wakes them
    flag.free()


@pytest.mark.skipif(OSC_UCX_OPEN_MPI_4, reason=OSC_UCX_HANGS)
def test_condition_over_a_shared_mutex_notifies_other_processes(comm: MPI.Intracomm) -> None:
    """``Condition(mutex)`` queues its waiters on the mutex's processes, so a notify reaches them."""
    mutex = sync.Mutex(comm=comm)
    condition = sync.Condition(mutex)
    ready = sync.Counter(0, comm=comm)
    try:
        if comm.Get_rank() == 0:
            while True:
                with condition:
                    if ready.next(0) == comm.Get_size() - 1:
                        condition.notify_all()
                        break
        else:
            with condition:
                ready.next(1)
                condition.wait()
    finally:
        comm.Barrier()
        ready.free()
        condition.free()
        mutex.free()
