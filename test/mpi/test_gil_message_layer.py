"""MPI calls of the message layer run without the GIL: Python callbacks (user ops) still run, from
blocking, nonblocking and persistent collectives, also while other threads communicate."""

from __future__ import annotations

import threading

import numpy
import pytest
from test_coll_ext import FORMS, run

from mpi4py import MPI


def absmax(inbuf, inoutbuf, datatype) -> None:  # noqa: ANN001, ARG001
    a = numpy.frombuffer(inbuf, dtype="d")
    b = numpy.frombuffer(inoutbuf, dtype="d")
    numpy.copyto(b, numpy.where(numpy.abs(a) > numpy.abs(b), a, b))


@pytest.fixture
def op():  # noqa: ANN201
    op = MPI.Op.Create(absmax, commute=True)
    yield op
    op.Free()


@pytest.mark.parametrize("form", FORMS)
def test_user_op_in_every_form(comm: MPI.Intracomm, op: MPI.Op, form: str) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    out = numpy.zeros(2)
    run(comm, "Allreduce", form, numpy.array([(-1.0) ** rank * rank, 1.0]), out, op=op)
    assert out.tolist() == [(-1.0) ** (size - 1) * (size - 1), 1.0]
    out = numpy.zeros(2)
    run(comm, "Reduce", form, numpy.array([-float(rank), 2.0]), out, op=op, root=0)
    if rank == 0:
        assert out.tolist() == [-float(size - 1), 2.0]


@pytest.mark.skipif(MPI.Query_thread() != MPI.THREAD_MULTIPLE, reason="needs MPI_THREAD_MULTIPLE")
def test_user_ops_from_threads(comm: MPI.Intracomm, op: MPI.Op) -> None:
    """Two threads each run nonblocking reductions with a Python op on their own communicator while the
    main thread waits in a blocking barrier: none of them may hold the GIL inside MPI."""
    rank, size = comm.Get_rank(), comm.Get_size()
    comms = [comm.Dup() for _ in range(2)]
    errors: list[BaseException] = []

    def work(c: MPI.Intracomm, sign: float) -> None:
        try:
            for i in range(50):
                out = numpy.zeros(1)
                c.Iallreduce(numpy.array([sign * (rank + i)]), out, op=op).Wait()
                assert out[0] == sign * (size - 1 + i)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(c, s)) for c, s in zip(comms, (1.0, -1.0))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    comm.Barrier()
    for c in comms:
        c.Free()
    assert not any(t.is_alive() for t in threads), "a thread is stuck in MPI"
    assert not errors, errors
