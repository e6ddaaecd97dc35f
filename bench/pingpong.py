"""The Python side of the benchmark: runs under ``mpiexec -n 2`` in a contender's venv.

Usage: ``mpiexec -n 2 python pingpong.py BLOCKS TARGET_S CASE [CASE ...]``

Only the standard library, numpy, the ``mpi4py`` under test and ``bench.stats`` (pure Python; the
harness puts the repository on ``PYTHONPATH``) are imported. Each case is warmed up, its iteration
count grown until one block lasts TARGET_S seconds, then timed in BLOCKS blocks. Rank 0 prints the
thread level requested and provided, then one JSON line per case:
``{"case": ID, "iters": N, "block_us": [...]}`` (mean µs per operation of each timed block), or
``{"case": ID, "error": "..."}`` when the contender lacks what the case needs. A case that raises
while running prints its error and ends the whole job (the peer may be blocked in MPI), so the
harness sees the failure instead of a hang.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from typing import Callable

import numpy as np

import mpi4py
from bench.stats import next_iterations

# The same thread level as pingpong.c (both read this variable; mpi4py's own default is "multiple").
mpi4py.rc.thread_level = os.environ.get("MPI4PY_BENCH_THREAD_LEVEL") or "multiple"
from mpi4py import MPI  # noqa: E402

NMSG = 64
SMALL = 8
SMALL_OBJECT = {"step": 7, "name": "halo", "shape": (16, 16), "weights": [0.25, 0.5, 0.25], "done": False}

Block = Callable[[int], None]


def emit(record: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def missing(names: list[str]) -> list[str]:
    """The dotted names (``Comm.Send``, ``SUM``) that this mpi4py lacks."""
    absent = []
    for dotted in names:
        obj: object = MPI
        for part in dotted.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                absent.append(dotted)
                break
    return absent


def case_send(comm: MPI.Comm, size: int) -> Block:
    buf = np.zeros(size, dtype=np.uint8)
    send, recv = comm.Send, comm.Recv
    if comm.Get_rank() == 0:
        def block(n: int) -> None:
            for _ in range(n):
                send(buf, 1, 0)
                recv(buf, 1, 0)
    else:
        def block(n: int) -> None:
            for _ in range(n):
                recv(buf, 0, 0)
                send(buf, 0, 0)
    return block


def case_pickle(comm: MPI.Comm, obj: object) -> Block:
    send, recv = comm.send, comm.recv
    if comm.Get_rank() == 0:
        def block(n: int) -> None:
            for _ in range(n):
                send(obj, dest=1, tag=0)
                recv(source=1, tag=0)
    else:
        def block(n: int) -> None:
            for _ in range(n):
                got = recv(source=0, tag=0)
                send(got, dest=0, tag=0)
    return block


def case_allreduce(comm: MPI.Comm) -> Block:
    sbuf = np.ones(1, dtype=np.float64)
    rbuf = np.zeros(1, dtype=np.float64)
    allreduce, op = comm.Allreduce, MPI.SUM

    def block(n: int) -> None:
        for _ in range(n):
            allreduce(sbuf, rbuf, op)
    return block


def case_gather(comm: MPI.Comm) -> Block:
    gather = comm.gather

    def block(n: int) -> None:
        for _ in range(n):
            gather(SMALL_OBJECT, 0)
    return block


def case_bcast(comm: MPI.Comm) -> Block:
    bcast = comm.bcast
    obj = SMALL_OBJECT if comm.Get_rank() == 0 else None

    def block(n: int) -> None:
        for _ in range(n):
            bcast(obj, 0)
    return block


def case_isend_irecv(comm: MPI.Comm) -> Block:
    peer = 1 - comm.Get_rank()
    sbuf = np.zeros(NMSG * SMALL, dtype=np.uint8)
    rbuf = np.zeros(NMSG * SMALL, dtype=np.uint8)
    sviews = [sbuf[i * SMALL:(i + 1) * SMALL] for i in range(NMSG)]
    rviews = [rbuf[i * SMALL:(i + 1) * SMALL] for i in range(NMSG)]
    isend, irecv, waitall = comm.Isend, comm.Irecv, MPI.Request.Waitall
    tags = range(NMSG)

    def block(n: int) -> None:
        for _ in range(n):
            reqs = [irecv(rviews[i], peer, i) for i in tags]
            reqs += [isend(sviews[i], peer, i) for i in tags]
            waitall(reqs)
    return block


# case id -> (names it needs, factory, factor applied to the block mean: a ping-pong counts half)
CASES: dict[str, tuple[list[str], Callable[[MPI.Comm], Block], float]] = {
    "pickle_dict": (["Comm.send", "Comm.recv"], lambda c: case_pickle(c, SMALL_OBJECT), 0.5),
    "pickle_1MiB": (["Comm.send", "Comm.recv"], lambda c: case_pickle(c, np.ones(1 << 17, dtype=np.float64)), 0.5),
    "allreduce_double": (["Comm.Allreduce", "SUM"], case_allreduce, 1.0),
    "bcast_obj": (["Comm.bcast"], case_bcast, 1.0),
    "gather_obj": (["Comm.gather"], case_gather, 1.0),
    "isend_irecv_64": (["Comm.Isend", "Comm.Irecv", "Request.Waitall"], case_isend_irecv, 1.0),
}


def lookup(case: str) -> tuple[list[str], Callable[[MPI.Comm], Block], float]:
    if case.startswith("send_"):
        size = int(case[len("send_"):])
        return ["Comm.Send", "Comm.Recv"], lambda c: case_send(c, size), 0.5
    if case not in CASES:
        raise SystemExit(f"pingpong.py: unknown case {case!r}; known: send_<bytes>, {', '.join(CASES)}")
    return CASES[case]


def timed(comm: MPI.Comm, block: Block, iters: int) -> float:
    """Seconds that ITERS operations take, started together on both ranks (rank 0's clock counts)."""
    comm.Barrier()
    t0 = time.perf_counter()
    block(iters)
    return time.perf_counter() - t0


def calibrate(comm: MPI.Comm, block: Block, target_s: float) -> int:
    """Grow the count until a block lasts TARGET_S; rank 0 decides (a buffer broadcast, not the object path
    under test), so both ranks run the same number of operations."""
    decision = np.zeros(1, dtype=np.int64)
    iters = 1
    while True:
        elapsed = timed(comm, block, iters)
        if comm.Get_rank() == 0:
            decision[0] = next_iterations(iters, elapsed, target_s) or 0
        comm.Bcast(decision, 0)
        if decision[0] == 0:
            return iters
        iters = int(decision[0])


def run(comm: MPI.Comm, case: str, blocks: int, target_s: float) -> None:
    rank = comm.Get_rank()
    needs, factory, scale = lookup(case)
    absent = missing(needs)  # the same answer on both ranks: both skip, nobody blocks
    if absent:
        if rank == 0:
            emit({"case": case, "error": "missing " + ", ".join(f"MPI.{n}" for n in absent)})
        return
    try:
        block = factory(comm)
        block(3)  # warm-up: first touch of buffers, connection set-up
        iters = calibrate(comm, block, target_s)
        times = [timed(comm, block, iters) * 1e6 / iters * scale for _ in range(blocks)]
    except Exception as exc:  # report, then end the job: the peer may be stuck inside MPI
        last = traceback.extract_tb(exc.__traceback__)[-1]
        emit({"case": case, "rank": rank, "error": f"{type(exc).__name__}: {exc} (pingpong.py:{last.lineno})", "fatal": True})
        os._exit(3)
    if rank == 0:
        emit({"case": case, "iters": iters, "block_us": times})


LEVELS = {MPI.THREAD_SINGLE: "single", MPI.THREAD_FUNNELED: "funneled", MPI.THREAD_SERIALIZED: "serialized",
          MPI.THREAD_MULTIPLE: "multiple"}


def main(argv: list[str]) -> None:
    comm = MPI.COMM_WORLD
    if comm.Get_size() != 2 or len(argv) < 3:
        raise SystemExit(f"usage: mpiexec -n 2 python pingpong.py BLOCKS TARGET_S CASE ... (got {comm.Get_size()} ranks)")
    blocks, target_s = int(argv[0]), float(argv[1])
    if comm.Get_rank() == 0:
        emit({"mpi4py": mpi4py.__version__, "file": mpi4py.__file__,
              "thread_level": {"requested": mpi4py.rc.thread_level, "provided": LEVELS.get(MPI.Query_thread(), "unknown")}})
    for case in argv[2:]:
        run(comm, case, blocks, target_s)


if __name__ == "__main__":
    main(sys.argv[1:])
