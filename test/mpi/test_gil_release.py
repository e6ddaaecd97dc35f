"""The GIL is released inside MPI calls that block or make progress, measured from another Python thread.

A stamping thread records the time every millisecond, and needs the GIL for each stamp. While the main
thread is inside an MPI call, stamps appear only if that call released the GIL. Python's forced thread
switches (``sys.setswitchinterval``) are pushed far beyond each measured window and the garbage collector
is paused, so in a polling loop of short calls (``Test``, ``Iprobe``, ``Start``) the stamps get in only
through the releases inside the calls themselves, never between them.

Blocking calls are kept blocking on purpose: the peer (another rank, or at one rank a thread of this
process on a duplicate of ``COMM_SELF``) makes its matching call ``DELAY`` after the window opened. A window passes when
the call lasted long enough to measure and the stamps kept coming: at least ``MIN_RATE`` of what an idle
thread makes in that time (and ``MIN_STAMPS``). A call that holds the GIL leaves the window silent.

Where a call holding the GIL would deadlock (the completing thread needs the GIL), polling loops give up
after ``POLL_LIMIT`` and fail, and blocking calls run under a short faulthandler limit that ends the process
with every thread's traceback.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import mpi_plugin
import pytest
from mpi_helpers import library

from mpi4py import MPI

DELAY = 0.15  # seconds the peer waits before its matching call
STAMP_PERIOD = 0.001
MIN_BLOCKED = DELAY / 2  # a blocking call shorter than this did not wait for the peer: nothing measured
# Stamps a window needs: MIN_RATE of what an idle thread makes, and at least MIN_STAMPS. A call that holds
# the GIL lets through at most the one stamp already under way; a loaded machine (several busy ranks on
# 2 cores) stalls the stamping thread now and then, but never for most of a window.
MIN_RATE = 0.02
MIN_STAMPS = 5
# A polling loop that the peer ends (after about DELAY) lets the stamper in only when the scheduler happens
# to wake it during one of the short releases inside a call: on a loaded machine a few times per window
# (4 stamps in 0.18 s was seen in CI, with MPI jobs and a compiler on 2 cores). One more than the stamp under
# way when the loop began is the proof that a call released the GIL; a loop of calls that hold it gives 0-1.
POLL_MIN_STAMPS = 2
SETTLE = 5 * STAMP_PERIOD  # at a window's start: see Stamper.window
POLL_LIMIT = 3.0  # a polling loop gives up after this many seconds
HANG_LIMIT = 30.0  # seconds before faulthandler ends a process stuck in a call that holds the GIL
NO_FORCED_SWITCH = 60.0  # switch interval inside a window: longer than any window
TAG = 17

WORLD = MPI.COMM_WORLD
THREADED = MPI.Query_thread() == MPI.THREAD_MULTIPLE
# MPICH before 4.1 (Debian 12's 4.0.2): a blocking call in one thread never sees the matching call another
# thread of the same process makes (the 30 s hang limit fired in test_recv at one rank).
_VENDOR, _VERSION = MPI.get_vendor()
OLD_MPICH = _VENDOR == "MPICH" and _VERSION < (4, 1)
THREAD_PEERS = THREADED and not OLD_MPICH
needs_threads = pytest.mark.skipif(not THREAD_PEERS, reason="a second thread as the peer of a blocking call needs "
                                   "MPI_THREAD_MULTIPLE that works (not MPICH < 4.1)")
needs_peer_rank = pytest.mark.ranks(min=2)  # a collective needs another rank to delay it


class Stamper:
    """A thread that appends ``time.perf_counter()`` to ``stamps`` every STAMP_PERIOD (holding the GIL)."""

    def __init__(self) -> None:
        self.stamps: list[float] = []
        self.verdicts: list[str] | None = None  # collected instead of raised (see deferred)
        self.unmeasured: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stamper", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.stamps.append(time.perf_counter())
            time.sleep(STAMP_PERIOD)

    def __enter__(self) -> Stamper:
        self._thread.start()
        while not self.stamps:
            time.sleep(STAMP_PERIOD)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @contextlib.contextmanager
    def window(self, label: str, waits: bool | None = True, polls: bool = False) -> Iterator[None]:
        """Measure the body: the stamps must keep coming while it runs.

        ``waits``: True, the body waits for a delayed peer, so it must last at least MIN_BLOCKED, and
        the stamps must come at MIN_RATE. None: the body may wait (MPI does not require the call to
        synchronize); if it did not, the window is not judged but listed in ``unmeasured``. False: a
        loop of short calls (``spin``), which needs MIN_STAMPS however long it ran.
        ``polls``: the body is a polling loop that the delayed peer ends; it needs POLL_MIN_STAMPS.
        """
        with no_forced_switches():
            start = time.perf_counter()
            yield
            end = time.perf_counter()
        elapsed = end - start
        if waits is None and elapsed < MIN_BLOCKED:
            self.unmeasured.append(label)
            return
        if waits:
            assert elapsed >= MIN_BLOCKED, (f"{label} returned after {elapsed:.3f} s although the peer delayed its "
                                            f"matching call by {DELAY} s: it did not wait, so nothing was measured")
        inside = [s for s in self.stamps if start < s < end]
        points = [start, *inside, end]
        silence = max(b - a for a, b in zip(points, points[1:]))
        expected = elapsed / STAMP_PERIOD
        needed = POLL_MIN_STAMPS if polls else max(MIN_STAMPS, MIN_RATE * expected if waits is not False else 0)
        if len(inside) < needed:
            verdict = (f"{label}: the other Python thread stood still for {silence:.3f} s of the {elapsed:.3f} s spent "
                       f"in the call ({len(inside)} stamps, an idle thread makes about {expected:.0f}): the call holds the GIL")
            if self.verdicts is None:
                raise AssertionError(verdict)
            self.verdicts.append(verdict)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Failed windows in the body are reported when it ends: a thread peer must first finish its part
        (at one rank, a send to self waits for its receive), or joining it would hang."""
        self.verdicts = []
        try:
            yield
        finally:
            verdicts, self.verdicts = self.verdicts, None
        assert not verdicts, "\n".join(verdicts)


@contextlib.contextmanager
def no_forced_switches() -> Iterator[None]:
    """In the body another thread gets the GIL only when the main thread releases it: no forced switches,
    no garbage collection pass (it holds the GIL too, but it is not MPI's doing)."""
    interval = sys.getswitchinterval()
    collecting = gc.isenabled()
    sys.setswitchinterval(NO_FORCED_SWITCH)
    gc.disable()
    # A thread already waiting for the GIL keeps the interval it started waiting with (5 ms), and
    # would force one switch into the body: let it through now, so that it waits again under the
    # new interval (seen: 2 stamps inside a pure-Python loop of 0.15 s, Open MPI at 3 ranks).
    time.sleep(SETTLE)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        if collecting:
            gc.enable()


@pytest.fixture
def stamper() -> Iterator[Stamper]:
    with Stamper() as running:
        yield running


@contextlib.contextmanager
def hang_limit(config: pytest.Config) -> Iterator[None]:
    """End the process (traceback of every thread) if the body has not returned after HANG_LIMIT seconds:
    a call that holds the GIL while another thread must complete it never returns. Afterwards the
    per-test limit of mpi_plugin is armed again (faulthandler keeps one timer)."""
    fd = mpi_plugin.watchdog_fd(config)
    faulthandler.dump_traceback_later(HANG_LIMIT, exit=True, file=fd)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()
        limit = mpi_plugin.per_test_timeout()
        if limit:
            faulthandler.dump_traceback_later(limit, exit=True, file=fd)


def poll(done: Callable[[], object], seconds: float = POLL_LIMIT) -> bool:
    """Call ``done`` until it returns a true value; False after ``seconds`` (fail, never hang)."""
    limit = time.perf_counter() + seconds
    while not done():
        if time.perf_counter() > limit:
            return False
    return True


def spin(stamper: Stamper, call: Callable[[], object]) -> list[object]:
    """Call ``call`` (a call that returns at once) until the stamper got MIN_STAMPS stamps in, or for
    POLL_LIMIT seconds; return the results. The stamper gets in only while a call has released the GIL,
    and each release is short, so how soon that happens depends on the scheduler: hence no rate."""
    results = []
    first = len(stamper.stamps) + 1  # the stamp under way when the loop starts may still land
    limit = time.perf_counter() + POLL_LIMIT
    while len(stamper.stamps) < first + MIN_STAMPS and time.perf_counter() < limit:
        results.append(call())
    return results


# -- the judge itself: a body that holds the GIL fails every kind of window ----------------------------

def busy(seconds: float) -> Callable[[], bool]:
    """A polling condition that holds the GIL: pure Python, no release, true after ``seconds``."""
    end = time.perf_counter() + seconds
    return lambda: time.perf_counter() > end


@pytest.mark.parametrize("kind", ["waits", "polls", "spins"])
def test_window_fails_a_body_that_holds_the_gil(stamper: Stamper, kind: str) -> None:
    with pytest.raises(AssertionError, match="holds the GIL"):
        if kind == "spins":
            with stamper.window("a loop of Python calls", waits=False):
                spin(stamper, lambda: busy(0)())
        else:
            with stamper.window("a Python loop", polls=kind == "polls"):
                poll(busy(DELAY))


def test_a_loop_that_holds_the_gil_is_never_completed_by_a_thread_that_needs_it() -> None:
    # The judge of test_grequest_test_loop: without forced switches, a thread that needs the GIL to
    # end a polling loop gets it only from a release inside the loop.
    done = threading.Event()

    def complete() -> None:
        time.sleep(DELAY)
        done.set()  # needs the GIL

    thread = threading.Thread(target=complete, name="completer")
    with no_forced_switches():
        thread.start()
        ended = poll(done.is_set, 3 * DELAY)  # pure Python: releases the GIL nowhere
    thread.join()
    assert not ended and done.is_set()


# -- point-to-point: a delayed peer ---------------------------------------------------------------------

GO_TAG = 99


class Pair:
    """The waiting side and its delayed peer: rank 0 and rank 1 of a duplicate of COMM_WORLD, or at one
    rank the main thread and a second thread on a duplicate of COMM_SELF (the peer is then rank 0 too).

    The waiter opens one ``window``; opening it tells the peer to start its DELAY, so the delay counts from
    the window's start whatever the scheduler did before. Failed windows are judged once both sides are done.
    """

    def __init__(self, request: pytest.FixtureRequest, stamper: Stamper) -> None:
        self.stamper = stamper
        self.threaded = WORLD.Get_size() == 1
        if self.threaded and not THREAD_PEERS:
            pytest.skip(f"{library()}: at one rank the delayed peer is a second thread, which needs MPI_THREAD_MULTIPLE "
                        "that works (not MPICH < 4.1)")
        self.config = request.config
        self.comm = (MPI.COMM_SELF if self.threaded else WORLD).Dup()
        rank = self.comm.Get_rank()
        self.role = "wait" if rank == 0 else "delay" if rank == 1 else "idle"
        self.peer = 0 if self.threaded else 1 - rank
        self._go = threading.Event()

    @contextlib.contextmanager
    def window(self, label: str, polls: bool = False) -> Iterator[None]:
        if self.threaded:
            self._go.set()
        else:
            self.comm.Send(b"", dest=self.peer, tag=GO_TAG)
        with self.stamper.window(label, polls=polls):
            yield

    def _delayed(self, delayer: Callable[[MPI.Intracomm, int], None]) -> None:
        if self.threaded:
            self._go.wait(HANG_LIMIT)
        else:
            self.comm.Recv(bytearray(0), source=self.peer, tag=GO_TAG)
        time.sleep(DELAY)
        delayer(self.comm, self.peer)

    def run(self, waiter: Callable[[MPI.Intracomm, int], None], delayer: Callable[[MPI.Intracomm, int], None]) -> None:
        """``waiter(comm, peer)`` on the waiting side; ``delayer(comm, peer)`` on the other, DELAY seconds
        after the waiter opened its window."""
        self.comm.Barrier()
        with self.stamper.deferred():
            if self.threaded:
                thread = threading.Thread(target=self._delayed, args=(delayer,), name="delayed peer")
                thread.start()
                try:
                    with hang_limit(self.config):
                        waiter(self.comm, self.peer)
                finally:
                    self._go.set()
                    thread.join()
            elif self.role == "wait":
                waiter(self.comm, self.peer)
            elif self.role == "delay":
                self._delayed(delayer)
            self.comm.Barrier()

    def free(self) -> None:
        self.comm.Free()


@pytest.fixture
def pair(request: pytest.FixtureRequest, stamper: Stamper) -> Iterator[Pair]:
    chosen = Pair(request, stamper)
    yield chosen
    chosen.free()


DATA = b"payload!"


def send(comm: MPI.Intracomm, peer: int, tag: int = TAG) -> None:
    comm.Send(DATA, dest=peer, tag=tag)


def test_recv(pair: Pair, stamper: Stamper) -> None:
    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        buf = bytearray(len(DATA))
        with pair.window("Comm.Recv"):
            comm.Recv(buf, source=peer, tag=TAG)
        assert buf == DATA

    pair.run(waiter, send)


def test_recv_object(pair: Pair, stamper: Stamper) -> None:
    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        with pair.window("Comm.recv"):
            got = comm.recv(source=peer, tag=TAG)
        assert got == {"x": 1}

    pair.run(waiter, lambda comm, peer: comm.send({"x": 1}, dest=peer, tag=TAG))


def test_ssend(pair: Pair, stamper: Stamper) -> None:
    """A synchronous send waits for the delayed receive."""
    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        with pair.window("Comm.Ssend"):
            comm.Ssend(DATA, dest=peer, tag=TAG)

    def receiver(comm: MPI.Intracomm, peer: int) -> None:
        buf = bytearray(len(DATA))
        comm.Recv(buf, source=peer, tag=TAG)
        assert buf == DATA

    pair.run(waiter, receiver)


def test_sendrecv(pair: Pair, stamper: Stamper) -> None:
    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        buf = bytearray(len(DATA))
        with pair.window("Comm.Sendrecv"):
            comm.Sendrecv(DATA, dest=peer, sendtag=TAG + 1, recvbuf=buf, source=peer, recvtag=TAG)
        assert buf == DATA

    def other(comm: MPI.Intracomm, peer: int) -> None:
        buf = bytearray(len(DATA))
        comm.Sendrecv(DATA, dest=peer, sendtag=TAG, recvbuf=buf, source=peer, recvtag=TAG + 1)

    pair.run(waiter, other)


@pytest.mark.parametrize("probe", ["Probe", "Mprobe"])
def test_probe(pair: Pair, stamper: Stamper, probe: str) -> None:
    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        with pair.window(f"Comm.{probe}"):
            found = getattr(comm, probe)(source=peer, tag=TAG)
        buf = bytearray(len(DATA))
        found.Recv(buf) if probe == "Mprobe" else comm.Recv(buf, source=peer, tag=TAG)
        assert buf == DATA

    pair.run(waiter, send)


def test_request_wait(pair: Pair, stamper: Stamper) -> None:
    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        buf = bytearray(len(DATA))
        request = comm.Irecv(buf, source=peer, tag=TAG)
        with pair.window("Request.Wait"):
            request.Wait()
        assert buf == DATA

    pair.run(waiter, send)


@pytest.mark.parametrize("completion", ["Waitall", "Waitany", "Waitsome"])
def test_request_wait_many(pair: Pair, stamper: Stamper, completion: str) -> None:
    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        bufs = [bytearray(len(DATA)) for _ in range(2)]
        requests = [comm.Irecv(buf, source=peer, tag=TAG + i) for i, buf in enumerate(bufs)]
        with pair.window(f"Request.{completion}"):
            getattr(MPI.Request, completion)(requests)
        MPI.Request.Waitall(requests)
        assert bufs == [DATA, DATA]

    pair.run(waiter, lambda comm, peer: [send(comm, peer, TAG + i) for i in range(2)])


def test_prequest_start_and_wait(pair: Pair, stamper: Stamper) -> None:
    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        buf = bytearray(len(DATA))
        request = comm.Recv_init(buf, source=peer, tag=TAG)
        request.Start()
        with pair.window("Prequest.Wait"):
            request.Wait()
        request.Free()
        assert buf == DATA

    pair.run(waiter, send)


# -- point-to-point: polling loops (each call releases the GIL, never the loop between calls) ------------

@pytest.mark.parametrize("completion", ["Test", "Get_status"])
def test_request_test_loop(pair: Pair, stamper: Stamper, completion: str) -> None:
    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        buf = bytearray(len(DATA))
        request = comm.Irecv(buf, source=peer, tag=TAG)
        with pair.window(f"a loop of Request.{completion}", polls=True):
            poll(getattr(request, completion))
        request.Wait()
        assert buf == DATA

    pair.run(waiter, send)


@pytest.mark.parametrize("completion", ["Testall", "Testany", "Testsome"])
def test_request_test_many_loop(pair: Pair, stamper: Stamper, completion: str) -> None:
    test = getattr(MPI.Request, completion)
    finished = {"Testall": bool, "Testany": lambda result: result[1], "Testsome": bool}[completion]

    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        bufs = [bytearray(len(DATA)) for _ in range(2)]
        requests = [comm.Irecv(buf, source=peer, tag=TAG + i) for i, buf in enumerate(bufs)]
        with pair.window(f"a loop of Request.{completion}", polls=True):
            poll(lambda: finished(test(requests)))
        MPI.Request.Waitall(requests)
        assert bufs == [DATA, DATA]

    pair.run(waiter, lambda comm, peer: [send(comm, peer, TAG + i) for i in range(2)])


def test_prequest_test_loop(pair: Pair, stamper: Stamper) -> None:
    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        buf = bytearray(len(DATA))
        request = comm.Recv_init(buf, source=peer, tag=TAG)
        request.Start()
        with pair.window("a loop of Prequest.Test", polls=True):
            poll(request.Test)
        request.Wait()
        request.Free()
        assert buf == DATA

    pair.run(waiter, send)


def test_iprobe_loop(pair: Pair, stamper: Stamper) -> None:
    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        with pair.window("a loop of Comm.Iprobe", polls=True):
            poll(lambda: comm.Iprobe(source=peer, tag=TAG))
        buf = bytearray(len(DATA))
        comm.Recv(buf, source=peer, tag=TAG)
        assert buf == DATA

    pair.run(waiter, send)


@pytest.mark.parametrize("probe", ["Improbe", "improbe"])
def test_improbe_loop(pair: Pair, stamper: Stamper, probe: str) -> None:
    def waiter(comm: MPI.Intracomm, peer: int) -> None:
        found: list[MPI.Message | None] = [None]
        with pair.window(f"a loop of Comm.{probe}", polls=True):
            poll(lambda: found.append(getattr(comm, probe)(source=peer, tag=TAG)) or found[-1] is not None)
        message = found[-1] or comm.Mprobe(source=peer, tag=TAG)
        buf = bytearray(len(DATA))
        message.Recv(buf)
        assert buf == DATA

    pair.run(waiter, send)


# -- calls that complete at once, in a loop -----------------------------------------------------------

def test_isend_irecv_loop(stamper: Stamper) -> None:
    comm = MPI.COMM_SELF
    with stamper.window("a loop of Comm.Isend", waits=False):
        sends = spin(stamper, lambda: comm.Isend(DATA, dest=MPI.PROC_NULL))
    with stamper.window("a loop of Comm.Irecv", waits=False):
        recvs = spin(stamper, lambda: comm.Irecv(bytearray(8), source=MPI.PROC_NULL))
    MPI.Request.Waitall(sends + recvs)


def test_prequest_start_loop(stamper: Stamper) -> None:
    requests = [MPI.COMM_SELF.Send_init(DATA, dest=MPI.PROC_NULL), MPI.COMM_SELF.Recv_init(bytearray(8), source=MPI.PROC_NULL)]

    def start_one() -> None:
        requests[0].Start()
        poll(requests[0].Test)

    def start_all() -> None:
        MPI.Prequest.Startall(requests)
        poll(lambda: MPI.Request.Testall(requests))

    with stamper.window("a loop of Prequest.Start + Prequest.Test", waits=False):
        spin(stamper, start_one)
    with stamper.window("a loop of Prequest.Startall + Request.Testall", waits=False):
        spin(stamper, start_all)
    for request in requests:
        request.Free()


def test_nonblocking_collective_loop(stamper: Stamper) -> None:
    comm = MPI.COMM_SELF
    with stamper.window("a loop of Comm.Ibarrier", waits=False):
        requests = spin(stamper, comm.Ibarrier)
    MPI.Request.Waitall(requests)


def starts_at_once(routine: str) -> None:
    if routine in MPI._missing_symbols():
        pytest.skip(f"{library()}: no {routine}")


def test_isendrecv_loop(stamper: Stamper) -> None:
    starts_at_once("MPI_Isendrecv")
    if OLD_MPICH:  # Debian 12's MPICH 4.0.2: Waitall never returns (seen in wheel_abi)
        pytest.skip(f"{library()}: MPI_Isendrecv with MPI_PROC_NULL peers never completes")
    comm = MPI.COMM_SELF
    with stamper.window("a loop of Comm.Isendrecv", waits=False):
        requests = spin(stamper, lambda: comm.Isendrecv(DATA, MPI.PROC_NULL, 0, bytearray(8), MPI.PROC_NULL, 0))
    with stamper.window("a loop of Comm.Isendrecv_replace", waits=False):
        requests += spin(stamper, lambda: comm.Isendrecv_replace(bytearray(8), MPI.PROC_NULL, 0, MPI.PROC_NULL, 0))
    MPI.Request.Waitall(requests)


@pytest.mark.parametrize("receive", ["Irecv", "irecv"])
def test_message_irecv_loop(stamper: Stamper, receive: str) -> None:
    """Matched receives started from messages with no process (each call consumes its message)."""
    start = (lambda m: m.Irecv(bytearray(8))) if receive == "Irecv" else (lambda m: m.irecv())
    with stamper.window(f"a loop of Message.{receive}", waits=False):
        requests = spin(stamper, lambda: start(MPI.Message(MPI.MESSAGE_NO_PROC)))
    MPI.Request.Waitall(requests)


def test_parrived_loop(stamper: Stamper) -> None:
    starts_at_once("MPI_Precv_init")
    comm = MPI.COMM_SELF
    recv = comm.Precv_init(bytearray(8), 1, source=0, tag=TAG)
    send = comm.Psend_init(DATA, 1, dest=0, tag=TAG)
    MPI.Prequest.Startall([recv, send])
    send.Pready(0)
    with stamper.window("a loop of Prequest.Parrived", waits=False):
        spin(stamper, lambda: recv.Parrived(0))
    MPI.Request.Waitall([send, recv])
    send.Free()
    recv.Free()


@needs_peer_rank
def test_comm_set_info(comm: MPI.Intracomm, stamper: Stamper) -> None:
    """MPI-4 makes Comm.Set_info collective; where the library waits for the late rank, the wait is judged."""
    dup = comm.Dup()
    hints = MPI.Info.Create({"mpi_assert_no_any_tag": "true"})
    with last_rank_late(dup, stamper, "Comm.Set_info", waits=None):
        dup.Set_info(hints)
    hints.Free()
    dup.Free()
    if stamper.unmeasured:
        pytest.skip(f"{library()}: Comm.Set_info does not wait for a late rank, so it was not measured")


# -- generalized requests completed by another thread -----------------------------------------------

class Completer:
    """A thread that completes ``request`` DELAY after ``go`` (it needs the GIL to do so)."""

    def __init__(self, request: MPI.Grequest) -> None:
        self._go = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(request,), name="completer")
        self._thread.start()

    def _run(self, request: MPI.Grequest) -> None:
        self._go.wait(HANG_LIMIT)
        time.sleep(DELAY)
        request.Complete()

    def go(self) -> None:
        self._go.set()

    def join(self) -> None:
        self._go.set()
        self._thread.join()


@needs_threads
def test_grequest_wait(stamper: Stamper, request: pytest.FixtureRequest) -> None:
    greq = MPI.Grequest.Start()
    completer = Completer(greq)
    try:
        completer.go()
        with hang_limit(request.config), stamper.window("Grequest.Wait"):
            greq.Wait()
    finally:
        completer.join()


@needs_threads
def test_grequest_test_loop() -> None:
    # The completer needs the GIL to call Complete, and there are no forced switches: the loop ends only
    # if Test releases the GIL. That is the verdict, not stamps: with three threads on a loaded machine
    # the completer may be the one that gets the releases (1 stamp in 0.18 s was seen, loop completed).
    greq = MPI.Grequest.Start()
    completer = Completer(greq)
    try:
        completer.go()
        with no_forced_switches():
            completed = poll(greq.Test)
    finally:
        completer.join()
    if not completed:
        greq.Wait()
    assert completed, f"a loop of Grequest.Test ran {POLL_LIMIT} s and the completing thread never got the GIL: Test holds it"


# -- collectives: the last rank arrives DELAY late --------------------------------------------------

@contextlib.contextmanager
def last_rank_late(comm: MPI.Intracomm, stamper: Stamper, label: str, waiters: range | None = None,
                   waits: bool | None = True, polls: bool = False) -> Iterator[bool]:
    """The body on every rank; the last rank runs it DELAY after the ``waiters`` (default: every other
    rank) opened their ``label`` window (``waits``, ``polls``: see Stamper.window). Yields whether this
    is the late rank."""
    rank, last = comm.Get_rank(), comm.Get_size() - 1
    waiters = range(last) if waiters is None else waiters
    comm.Barrier()
    if rank == last:
        for waiter in waiters:
            comm.Recv(bytearray(0), source=waiter, tag=GO_TAG)
        time.sleep(DELAY)
        yield True
    elif rank in waiters:
        comm.Send(b"", dest=last, tag=GO_TAG)
        with stamper.window(label, waits, polls):
            yield False
    else:
        yield False


@needs_peer_rank
def test_barrier_and_bcast(comm: MPI.Intracomm, stamper: Stamper) -> None:
    root = comm.Get_size() - 1
    with last_rank_late(comm, stamper, "Comm.Barrier"):
        comm.Barrier()
    buf = bytearray(DATA) if comm.Get_rank() == root else bytearray(len(DATA))
    with last_rank_late(comm, stamper, "Comm.Bcast"):
        comm.Bcast(buf, root=root)
    assert buf == DATA
    with last_rank_late(comm, stamper, "Comm.bcast"):
        got = comm.bcast({"x": 2} if comm.Get_rank() == root else None, root=root)
    assert got == {"x": 2}


@needs_peer_rank
def test_ibarrier_wait_and_test_loop(comm: MPI.Intracomm, stamper: Stamper) -> None:
    with last_rank_late(comm, stamper, "Request.Wait of an Ibarrier"):
        comm.Ibarrier().Wait()
    with last_rank_late(comm, stamper, "a loop of Request.Test of an Ibarrier", polls=True):
        request = comm.Ibarrier()
        poll(request.Test)
    request.Wait()


@needs_peer_rank
def test_create_dist_graph(comm: MPI.Intracomm, stamper: Stamper) -> None:
    """Building a distributed graph topology is a collective that exchanges the edges."""
    rank, size = comm.Get_rank(), comm.Get_size()
    right = (rank + 1) % size
    with last_rank_late(comm, stamper, "Comm.Create_dist_graph"):
        graph = comm.Create_dist_graph([rank], [1], [right])
    assert graph.Get_dist_neighbors_count() == (1, 1, False)
    graph.Free()
    with last_rank_late(comm, stamper, "Comm.Create_dist_graph_adjacent"):
        graph = comm.Create_dist_graph_adjacent([(rank - 1) % size], [right])
    graph.Free()


# -- one-sided: the last rank's epoch arrives DELAY late ------------------------------------------

@needs_peer_rank
def test_win_fence(comm: MPI.Intracomm, stamper: Stamper) -> None:
    """The closing fence returns on a target only once the late rank's Put into it is complete."""
    rank, size = comm.Get_rank(), comm.Get_size()
    memory = bytearray(size)
    win = MPI.Win.Create(memory, comm=comm)
    win.Fence()
    with last_rank_late(comm, stamper, "Win.Fence") as late:
        if late:
            for target in range(size - 1):
                win.Put(bytearray([rank + 1]), target, rank)
        win.Fence()
    if not late:
        assert memory[size - 1] == size
    win.Free()


@needs_peer_rank
@pytest.mark.parametrize("completion", ["Wait", "Test"])
def test_win_post_wait(comm: MPI.Intracomm, stamper: Stamper, completion: str) -> None:
    """Post and Wait (or a loop of Test) on rank 0, the target; Start, Put, Complete on the last rank,
    DELAY late. The exposure epoch can end only after the late rank's Complete."""
    rank, size = comm.Get_rank(), comm.Get_size()
    memory = bytearray(1)
    win = MPI.Win.Create(memory, comm=comm)
    world = comm.Get_group()
    target, origin = world.Incl([0]), world.Incl([size - 1])
    if rank == 0:
        win.Post(origin)
    label = "Win.Wait" if completion == "Wait" else "a loop of Win.Test"
    ended = True
    with last_rank_late(comm, stamper, label, waiters=range(1), polls=completion == "Test") as late:
        if rank == 0 and completion == "Wait":
            win.Wait()
        elif rank == 0:
            ended = poll(win.Test)
        elif late:
            win.Start(target)
            win.Put(bytearray([7]), 0, 0)
            win.Complete()
    if rank == 0 and not ended:
        win.Wait()
    comm.Barrier()
    if rank == 0:
        assert memory == bytearray([7])
    for group in (target, origin, world):
        group.Free()
    win.Free()


# -- parallel I/O: collective calls, the last rank DELAY late --------------------------------------------

@pytest.fixture
def shared_path(comm: MPI.Intracomm, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = comm.bcast(tmp_path_factory.mktemp("gil") if comm.Get_rank() == 0 else None)
    return str(Path(folder) / "data.bin")


@needs_peer_rank
def test_file_collectives(comm: MPI.Intracomm, stamper: Stamper, shared_path: str) -> None:
    """MPI lets a collective file call return before the others arrive; each call that did wait for the
    late rank is judged (MPICH 5: Open, Write_at_all, Set_info with a hint, Close; Open MPI 5: Open,
    Sync, Close)."""
    rank, size = comm.Get_rank(), comm.Get_size()
    with last_rank_late(comm, stamper, "File.Open", waits=None):
        fh = MPI.File.Open(comm, shared_path, MPI.MODE_CREATE | MPI.MODE_RDWR)
    with last_rank_late(comm, stamper, "File.Write_at_all", waits=None):
        fh.Write_at_all(rank * len(DATA), DATA)
    with last_rank_late(comm, stamper, "File.Sync", waits=None):
        fh.Sync()
    hints = MPI.Info.Create({"cb_buffer_size": "65536"})
    with last_rank_late(comm, stamper, "File.Set_info", waits=None):
        fh.Set_info(hints)
    hints.Free()
    with last_rank_late(comm, stamper, "File.Close", waits=None):
        fh.Close()
    comm.Barrier()
    if rank == 0:
        assert Path(shared_path).read_bytes() == DATA * size
    if rank != size - 1 and len(stamper.unmeasured) == 5:
        pytest.skip(f"{library()}: none of {', '.join(stamper.unmeasured)} waits for a late rank, so none was measured")
