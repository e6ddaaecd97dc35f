"""Micro-benchmarks: ``python -m mpi4py.bench {helloworld,ringtest,pingpong} [options]``.

Run them under ``mpiexec``, e.g. ``mpiexec -n 2 python -m mpi4py.bench pingpong``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any


def _comm() -> Any:
    from mpi4py import MPI

    return MPI.COMM_WORLD


def helloworld(comm: Any, quiet: bool = False) -> str:
    """Every process says hello; rank 0 prints the lines in rank order."""
    from mpi4py import MPI

    line = f"Hello, World! I am process {comm.Get_rank()} of {comm.Get_size()} on {MPI.Get_processor_name()}."
    lines = comm.gather(line, root=0)
    text = "\n".join(lines) if lines is not None else ""
    if text and not quiet:
        print(text, flush=True)
    return text


def _make_buffer(size: int, kind: str) -> Any:
    if kind == "numpy":
        import numpy

        return numpy.zeros(size, dtype="B")
    if kind == "array":
        import array

        return array.array("B", bytes(size))
    return bytearray(size)


def ringtest(comm: Any, size: int = 1, loops: int = 1, skip: int = 0, pickle: bool = False, quiet: bool = False) -> float:
    """Pass a message of ``size`` bytes around the ring of processes; return seconds per loop."""
    from mpi4py import MPI

    rank, nprocs = comm.Get_rank(), comm.Get_size()
    source, dest = (rank - 1) % nprocs, (rank + 1) % nprocs
    sendmsg = _make_buffer(size, "bytearray")
    recvmsg = _make_buffer(size, "bytearray")
    payload = bytes(size)

    def one_loop() -> None:
        if pickle:
            if nprocs == 1:
                comm.sendrecv(payload, dest, 0, source=source, recvtag=0)
            elif rank == 0:
                comm.send(payload, dest, 0)
                comm.recv(source=source, tag=0)
            else:
                comm.send(comm.recv(source=source, tag=0), dest, 0)
        elif nprocs == 1:
            comm.Sendrecv(sendmsg, dest, 0, recvmsg, source, 0)
        elif rank == 0:
            comm.Send(sendmsg, dest, 0)
            comm.Recv(recvmsg, source, 0)
        else:
            comm.Recv(recvmsg, source, 0)
            comm.Send(recvmsg, dest, 0)

    for _ in range(skip):
        one_loop()
    comm.Barrier()
    start = MPI.Wtime()
    for _ in range(loops):
        one_loop()
    elapsed = MPI.Wtime() - start
    elapsed = comm.allreduce(elapsed, op=MPI.MAX)
    if rank == 0 and not quiet:
        mode = "pickle" if pickle else "buffer"
        print(f"time for {loops} loops = {elapsed:g} seconds ({nprocs} processes, {size} bytes, {mode})", flush=True)
    return elapsed / max(loops, 1)


def _sizes(min_size: int, max_size: int) -> list[int]:
    sizes, size = [], min_size
    while size <= max_size:
        sizes.append(size)
        size = size * 2 if size else 1
    return sizes


def pingpong(
    comm: Any,
    min_size: int = 1,
    max_size: int = 1 << 20,
    loops: int = 100,
    skip: int = 10,
    pickle: bool = False,
    array: str = "bytearray",
    quiet: bool = False,
) -> list[tuple[int, float, float]]:
    """Round trips between ranks 0 and 1; return ``(bytes, latency_us, bandwidth_MiB_s)`` rows."""
    from mpi4py import MPI

    rank = comm.Get_rank()
    if comm.Get_size() < 2:
        raise SystemExit("pingpong: needs at least 2 MPI processes (run with mpiexec -n 2)")
    rows = []
    if rank == 0 and not quiet:
        mode = "pickle" if pickle else f"buffer ({array})"
        print(f"# pingpong between ranks 0 and 1, {mode}, {loops} loops", flush=True)
        print(f"# {'bytes':>10} {'latency [us]':>14} {'bandwidth [MiB/s]':>18}", flush=True)
    for size in _sizes(min_size, max_size):
        buf = _make_buffer(size, array)
        payload = bytes(size)
        comm.Barrier()
        start = 0.0
        for i in range(loops + skip):
            if i == skip:
                start = MPI.Wtime()
            if rank == 0:
                if pickle:
                    comm.send(payload, 1, 0)
                    comm.recv(source=1, tag=0)
                else:
                    comm.Send(buf, 1, 0)
                    comm.Recv(buf, 1, 0)
            elif rank == 1:
                if pickle:
                    comm.send(comm.recv(source=0, tag=0), 0, 0)
                else:
                    comm.Recv(buf, 0, 0)
                    comm.Send(buf, 0, 0)
        elapsed = MPI.Wtime() - start
        latency = elapsed / max(loops, 1) / 2
        bandwidth = size / latency / (1 << 20) if latency > 0 else 0.0
        rows.append((size, latency * 1e6, bandwidth))
        if rank == 0 and not quiet:
            print(f"  {size:>10d} {latency * 1e6:>14.2f} {bandwidth:>18.2f}", flush=True)
    comm.Barrier()
    return rows


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mpi4py.bench", description="MPI for Python micro-benchmarks.")
    sub = parser.add_subparsers(dest="command", metavar="{helloworld,ringtest,pingpong}", required=True)

    p = sub.add_parser("helloworld", help="hello from every process", description="Hello, World! from every process.")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing")

    p = sub.add_parser("ringtest", help="time a message going around a ring", description="Time a ring of messages.")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing")
    p.add_argument("-n", "--loops", type=_positive, default=1, help="number of loops (default: 1)")
    p.add_argument("-s", "--size", type=_positive, default=1, help="message size in bytes (default: 1)")
    p.add_argument("-l", "--skip", type=_positive, default=0, help="untimed warm-up loops (default: 0)")
    p.add_argument("-p", "--pickle", action="store_true", help="send pickled bytes objects instead of buffers")

    p = sub.add_parser("pingpong", help="latency and bandwidth between ranks 0 and 1",
                       description="Latency and bandwidth of round trips between ranks 0 and 1.")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing")
    p.add_argument("-m", "--min-size", type=_positive, default=1, help="smallest message in bytes (default: 1)")
    p.add_argument("-M", "--max-size", type=_positive, default=1 << 20, help="largest message in bytes (default: 1 MiB)")
    p.add_argument("-n", "--loops", type=_positive, default=100, help="timed round trips per size (default: 100)")
    p.add_argument("-l", "--skip", type=_positive, default=10, help="untimed warm-up round trips per size (default: 10)")
    p.add_argument("-p", "--pickle", action="store_true", help="send pickled bytes objects (send/recv) instead of buffers")
    p.add_argument("-a", "--array", choices=("bytearray", "array", "numpy"), default="bytearray",
                   help="buffer type for buffer mode (default: bytearray)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "pingpong" and args.min_size > args.max_size:
        build_parser().error(f"--min-size ({args.min_size}) must not exceed --max-size ({args.max_size})")
    comm = _comm()
    if args.command == "helloworld":
        helloworld(comm, quiet=args.quiet)
    elif args.command == "ringtest":
        ringtest(comm, size=args.size, loops=args.loops, skip=args.skip, pickle=args.pickle, quiet=args.quiet)
    else:
        pingpong(comm, min_size=args.min_size, max_size=args.max_size, loops=args.loops, skip=args.skip,
                 pickle=args.pickle, array=args.array, quiet=args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
