"""Instructions per lowercase operation (callgrind), a load-independent view of the object path.

Usage: ``python -m bench.instructions VENV [VENV ...]`` where each VENV holds an MPI from PyPI, numpy
and an mpi4py (ours or upstream). For each case, ``mpiexec -n 2`` runs rank 0 under
``valgrind --tool=callgrind`` and rank 1 natively, so the measured rank is always the slow one and
never waits in a polling loop: it counts only its own work. Two runs (200 and 2200 iterations) are
subtracted, leaving start-up and MPI_Init out, and the difference is divided by 2000.

Wall-clock runs on a shared 2-core machine are noisy; these counts are not, but they measure CPU work
only (no transfer latency, no cache effects between the cores).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

SMALL_OBJECT = {"step": 7, "name": "halo", "shape": (16, 16), "weights": [0.25, 0.5, 0.25], "done": False}

# case -> what each rank runs per iteration (rank 0 is measured)
WORKER = r'''
import sys
from mpi4py import MPI
case, n = sys.argv[1], int(sys.argv[2])
comm = MPI.COMM_WORLD
rank = comm.Get_rank()
obj = OBJECT
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
else:
    raise SystemExit(f"unknown case {case!r}")
for _ in range(20 + n):
    it()
'''.replace("OBJECT", repr(SMALL_OBJECT))

CASES = ("send", "recv", "bcast_root", "bcast_leaf", "gather_root", "gather_leaf")
SHORT, LONG = 200, 2200
# Open MPI: the on-node transports it ends up with anyway, named up front (as in conf/noxlib/bench.py).
ENV = {"OMPI_MCA_pml": "ob1", "OMPI_MCA_btl": "self,sm", "OMPI_ALLOW_RUN_AS_ROOT": "1",
       "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}


def total_instructions(venv: Path, case: str, iterations: int, workdir: Path) -> int:
    script, out = workdir / "worker.py", workdir / f"{case}.{iterations}.cg"
    script.write_text(WORKER)
    python = str(venv / "bin" / "python")
    env = {**os.environ, **ENV, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
           "LD_LIBRARY_PATH": str(venv / "lib")}
    argv = [str(venv / "bin" / "mpiexec"), "-n", "1", "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
            python, str(script), case, str(iterations), ":", "-n", "1", python, str(script), case, str(iterations)]
    subprocess.run(argv, env=env, check=True, timeout=600, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for line in out.read_text().splitlines():
        if line.startswith("totals:") or line.startswith("summary:"):
            return int(line.split()[1])
    raise RuntimeError(f"{out}: no totals line")


def per_operation(venv: Path, case: str) -> int:
    with tempfile.TemporaryDirectory(prefix="mpi4py-instr-") as tmp:
        short = total_instructions(venv, case, SHORT, Path(tmp))
        long = total_instructions(venv, case, LONG, Path(tmp))
    return (long - short) // (LONG - SHORT)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    venvs = [Path(a).resolve() for a in argv]
    print("| case | " + " | ".join(v.name for v in venvs) + " |")
    print("|---|" + "---:|" * len(venvs))
    for case in CASES:
        counts = [per_operation(v, case) for v in venvs]
        print(f"| {case} | " + " | ".join(str(c) for c in counts) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
