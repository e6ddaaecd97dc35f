from __future__ import annotations

from mpi4py import MPI, bench


def test_helloworld(comm: MPI.Intracomm) -> None:
    text = bench.helloworld(comm, quiet=True)
    if comm.Get_rank() == 0:
        lines = text.splitlines()
        assert len(lines) == comm.Get_size()
        assert all(f"I am process {r} of {comm.Get_size()}" in line for r, line in enumerate(lines))
    else:
        assert text == ""


def test_ringtest(comm: MPI.Intracomm) -> None:
    per_loop = bench.ringtest(comm, size=256, loops=5, quiet=True)
    per_loop_pickle = bench.ringtest(comm, size=256, loops=5, pickle=True, quiet=True)
    assert per_loop > 0 and per_loop_pickle > 0


def test_pingpong(comm: MPI.Intracomm) -> None:
    if comm.Get_size() < 2:
        return
    for kind in ("bytearray", "array", "numpy"):
        rows = bench.pingpong(comm, min_size=1, max_size=64, loops=3, skip=1, array=kind, quiet=True)
        assert [r[0] for r in rows] == [1, 2, 4, 8, 16, 32, 64]
    rows = bench.pingpong(comm, min_size=0, max_size=4, loops=3, skip=1, pickle=True, quiet=True)
    assert [r[0] for r in rows] == [0, 1, 2, 4]
