"""Instructions per operation (callgrind), a load-independent view of the object and buffer paths.

Usage: ``python -m bench.instructions [--only object|buffer] VENV [VENV ...]`` where each VENV holds an
MPI from PyPI, numpy and an mpi4py (ours or upstream). For each case, ``mpiexec -n 2`` runs rank 0
under ``valgrind --tool=callgrind`` and rank 1 natively, so the measured rank is always the slow one
and never waits in a polling loop: it counts only its own work. Two runs (200 and 2200 iterations) are
subtracted, leaving start-up and MPI_Init out, and the difference is divided by 2000.

The buffer cases (1-byte ``Send``, ``Recv``, ``Isend`` + ``Wait`` of a NumPy array, as in
``pingpong.py``) also run as C (``instructions.c``, compiled with the first VENV's ``mpicc``), and
with two VENVs the binding overhead (first − C) / (second − C) is printed per case: the bench's
(ours−C)/(upstream−C). The receiving case has its messages queued before it starts (the peer sends
them all during a barrier), so the measured rank never polls for one.

Wall-clock runs on a shared 2-core machine are noisy; these counts are not, but they measure CPU work
only (no transfer latency, no cache effects between the cores).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SMALL_OBJECT = {"step": 7, "name": "halo", "shape": (16, 16), "weights": [0.25, 0.5, 0.25], "done": False}

# case -> what each rank runs per iteration (rank 0 is measured)
WORKER = r'''
import sys
import numpy as np
from mpi4py import MPI
case, n = sys.argv[1], int(sys.argv[2])
comm = MPI.COMM_WORLD
rank = comm.Get_rank()
obj = OBJECT
BUFFER_CASES = ("Send", "Recv", "Isend")


def buffer_case(case, n):
    # the loops of pingpong.py: bound methods in locals, one call per message
    buf = np.zeros(1, dtype=np.uint8)
    send, recv, isend, barrier = comm.Send, comm.Recv, comm.Isend, comm.Barrier
    if case == "Recv":  # rank 1's messages are all queued (during the barrier) before rank 0 receives
        if rank == 1:
            for _ in range(n):
                send(buf, 0, 0)
        barrier()
        if rank == 0:
            for _ in range(n):
                recv(buf, 1, 0)
    elif rank == 1:
        for _ in range(n):
            recv(buf, 0, 0)
    elif case == "Send":
        for _ in range(n):
            send(buf, 1, 0)
    else:
        for _ in range(n):
            isend(buf, 1, 0).Wait()
    barrier()


if case == "send":
    it = (lambda: comm.send(obj, 1, 0)) if rank == 0 else (lambda: comm.recv(source=0, tag=0))
elif case == "recv":
    it = (lambda: comm.recv(source=1, tag=0)) if rank == 0 else (lambda: comm.send(obj, 0, 0))
elif case == "bcast_root":
    it = lambda: comm.bcast(obj if rank == 0 else None, 0)
elif case == "bcast_leaf":
    it = lambda: comm.bcast(obj if rank == 1 else None, 1)
elif case == "gather_root":
    it = lambda: comm.gather(obj, 0)
elif case == "gather_leaf":
    it = lambda: comm.gather(obj, 1)
elif case in BUFFER_CASES:
    buffer_case(case, 20 + n)
    raise SystemExit(0)
else:
    raise SystemExit(f"unknown case {case!r}")
for _ in range(20 + n):
    it()
'''.replace("OBJECT", repr(SMALL_OBJECT))

OBJECT_CASES = ("send", "recv", "bcast_root", "bcast_leaf", "gather_root", "gather_leaf")
BUFFER_CASES = ("Send", "Recv", "Isend")
C_SOURCE = Path(__file__).with_name("instructions.c")
SHORT, LONG = 200, 2200
# Open MPI: the on-node transports it ends up with anyway, named up front (as in conf/noxlib/bench.py).
ENV = {"OMPI_MCA_pml": "ob1", "OMPI_MCA_btl": "self,sm", "OMPI_ALLOW_RUN_AS_ROOT": "1",
       "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}


def total_instructions(venv: Path, program: list[str], case: str, iterations: int, workdir: Path) -> int:
    """Instructions of rank 0 running ``program case iterations`` (rank 1 runs it natively)."""
    out = workdir / f"{case}.{iterations}.cg"
    env = {**os.environ, **ENV, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
           "LD_LIBRARY_PATH": str(venv / "lib")}
    args = [case, str(iterations)]
    argv = [str(venv / "bin" / "mpiexec"), "-n", "1", "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
            *program, *args, ":", "-n", "1", *program, *args]
    subprocess.run(argv, env=env, check=True, timeout=600, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for line in out.read_text().splitlines():
        if line.startswith("totals:") or line.startswith("summary:"):
            return int(line.split()[1])
    raise RuntimeError(f"{out}: no totals line")


def per_operation(venv: Path, program: list[str], case: str) -> int:
    with tempfile.TemporaryDirectory(prefix="mpi4py-instr-") as tmp:
        short = total_instructions(venv, program, case, SHORT, Path(tmp))
        long = total_instructions(venv, program, case, LONG, Path(tmp))
    return (long - short) // (LONG - SHORT)


def overhead(first: int, second: int, c: int) -> str:
    """(first − C) / (second − C), the bench's (ours−C)/(upstream−C); "—" when the second has none."""
    return f"{(first - c) / (second - c):.2f}" if second > c else "—"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("object", "buffer"), help="run only the object or the buffer cases")
    parser.add_argument("venvs", nargs="+", type=Path, metavar="VENV")
    opts = parser.parse_args(argv)
    venvs = [v.resolve() for v in opts.venvs]
    for venv in venvs:
        if not (venv / "bin" / "python").exists():
            parser.error(f"VENV {venv}: no bin/python there; pass a virtual environment with an MPI and an mpi4py")
    with tempfile.TemporaryDirectory(prefix="mpi4py-instr-") as tmp:
        script = Path(tmp) / "worker.py"
        script.write_text(WORKER)
        programs = [[str(v / "bin" / "python"), str(script)] for v in venvs]
        if opts.only != "buffer":
            print("| case | " + " | ".join(v.name for v in venvs) + " |")
            print("|---|" + "---:|" * len(venvs))
            for case in OBJECT_CASES:
                counts = [per_operation(v, prog, case) for v, prog in zip(venvs, programs)]
                print(f"| {case} | " + " | ".join(str(c) for c in counts) + " |", flush=True)
        if opts.only != "object":
            exe = Path(tmp) / "instructions-c"
            subprocess.run([str(venvs[0] / "bin" / "mpicc"), "-O2", "-o", str(exe), str(C_SOURCE)], check=True)
            pair = len(venvs) == 2
            print("\n| case | C | " + " | ".join(v.name for v in venvs) + " |" + (" overhead ratio |" if pair else ""))
            print("|---|---:|" + "---:|" * len(venvs) + ("---:|" if pair else ""))
            for case in BUFFER_CASES:
                c = per_operation(venvs[0], [str(exe)], case)
                counts = [per_operation(v, prog, case) for v, prog in zip(venvs, programs)]
                ratio = f" {overhead(counts[0], counts[1], c)} |" if pair else ""
                print(f"| {case} 1 B | {c} | " + " | ".join(str(n) for n in counts) + " |" + ratio, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
