"""Completion calls release the GIL (request.pxi, win.pxi, file.pxi), and Python callbacks that MPI runs
from inside them -- generalized-request and error-handler callbacks -- still get the GIL back, with a
second Python thread active (MPI_THREAD_MULTIPLE)."""

from __future__ import annotations

import threading
import time

import pytest

from mpi4py import MPI

pytestmark = pytest.mark.skipif(MPI.Query_thread() < MPI.THREAD_MULTIPLE, reason="needs MPI_THREAD_MULTIPLE")


def test_grequest_completed_by_another_thread() -> None:
    calls: list[str] = []

    def query(status: MPI.Status) -> None:
        calls.append(f"query in {threading.current_thread().name}")
        status.Set_source(MPI.PROC_NULL)

    greq = MPI.Grequest.Start(query_fn=query, free_fn=lambda: calls.append("free"))
    worker = threading.Thread(target=lambda: (time.sleep(0.05), greq.Complete()), name="completer")
    worker.start()
    polls = 0
    while not greq.Test():  # Test releases the GIL; query_fn takes it back once the request is complete
        polls += 1
    worker.join()
    assert polls > 0 and calls == ["query in MainThread", "free"]


def test_testall_and_startall_while_another_thread_communicates(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    dup = comm.Dup()
    got: list[object] = []

    def chatter() -> None:
        for i in range(20):
            req = dup.isend(i, dest=(rank + 1) % size, tag=5)
            got.append(dup.recv(source=(rank - 1) % size, tag=5))
            req.wait()

    thread = threading.Thread(target=chatter)
    thread.start()
    send = bytearray(b"abcd")
    recv = bytearray(4)
    reqs = [comm.Send_init(send, dest=(rank + 1) % size, tag=6), comm.Recv_init(recv, source=(rank - 1) % size, tag=6)]
    for _ in range(20):
        MPI.Prequest.Startall(reqs)
        while not MPI.Request.Testall(reqs):
            pass
        assert recv == send
    thread.join()
    for req in reqs:
        req.Free()
    dup.Free()
    assert got == list(range(20))


def test_error_handler_called_from_another_thread(comm: MPI.Intracomm) -> None:
    dup = comm.Dup()
    seen: list[tuple[str, int]] = []
    errhandler = MPI.Comm.Create_errhandler(lambda c, code: seen.append((threading.current_thread().name, code)))
    dup.Set_errhandler(errhandler)
    rank = comm.Get_rank()

    def raise_error() -> None:
        dup.Call_errhandler(MPI.ERR_OTHER)
        dup.Send(bytearray(1), dest=rank, tag=7)

    buf = bytearray(1)
    req = dup.Irecv(buf, source=rank, tag=7)
    worker = threading.Thread(target=raise_error, name="raiser")
    worker.start()
    while not req.Test():  # the GIL is released in Test, so the handler (which needs it) can run
        pass
    worker.join()
    assert seen == [("raiser", MPI.ERR_OTHER)]
    dup.Set_errhandler(MPI.ERRORS_RETURN)
    errhandler.Free()
    dup.Free()


def test_win_test_and_file_calls_release_the_gil(comm: MPI.Intracomm, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A Python thread keeps running while the main thread sits in Win/File calls."""
    ticks: list[int] = []
    stop = threading.Event()

    def ticker() -> None:
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    thread = threading.Thread(target=ticker)
    thread.start()
    try:
        win = MPI.Win.Create(bytearray(8), comm=comm)
        group = win.Get_group()
        win.Post(group)
        win.Start(group)
        win.Complete()
        while not win.Test():
            pass
        group.Free()
        win.Free()
        path = str(comm.bcast(tmp_path_factory.mktemp("gil") if comm.Get_rank() == 0 else None) / "f.bin")
        fh = MPI.File.Open(comm, path, MPI.MODE_CREATE | MPI.MODE_RDWR)
        fh.Set_info(MPI.INFO_ENV)
        assert fh.Get_position_shared() == 0
        fh.Close()
    finally:
        stop.set()
        thread.join()
    assert ticks
