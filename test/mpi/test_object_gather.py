"""gather of pickled objects: small pickles travel in one gather of fixed heads, larger ones in the
gatherv that every process joins (zero counts for the pickles that fit; msgpickle.pxi); the sizes
around the head's capacity, a mix of both on different ranks, and a rank whose object cannot be pickled."""

from __future__ import annotations

import pickle

import pytest

from mpi4py import MPI

HEAD_DATA = 248  # msgpickle.pxi: _GATHER_HEAD - 8


def sized(n: int, tag: int) -> bytes:
    """An object whose pickle is exactly ``n`` bytes (protocol as configured)."""
    base = len(pickle.dumps(b"", MPI.pickle.PROTOCOL))
    for pad in range(max(0, n - base - 8), n + 1):
        obj = bytes([tag % 256]) * pad
        if len(MPI.pickle.dumps(obj)) == n:
            return obj
    raise AssertionError(f"no bytes object pickles to {n} bytes")


@pytest.mark.parametrize("n", [HEAD_DATA - 1, HEAD_DATA, HEAD_DATA + 1, 4096])
def test_pickle_sizes_around_the_head(comm: MPI.Intracomm, n: int) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    for root in range(size):
        got = comm.gather(sized(n, rank), root=root)
        assert got == ([sized(n, r) for r in range(size)] if rank == root else None)


def test_small_and_large_pickles_mixed(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    mine = {"rank": rank, "blob": "x" * (1000 * rank)}  # rank 0 fits in its head, the others do not
    got = comm.gather(mine, root=size - 1)
    if rank == size - 1:
        assert got == [{"rank": r, "blob": "x" * (1000 * r)} for r in range(size)]
    else:
        assert got is None
    assert comm.gather(None, root=0) == ([None] * size if rank == 0 else None)


def test_reduce_uses_gather(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    words = comm.reduce([f"w{rank}" * (rank * 100)], op=MPI.SUM, root=0)
    assert words == ([f"w{r}" * (r * 100) for r in range(size)] if rank == 0 else None)


@pytest.mark.parametrize("big", [False, True])
def test_unpicklable_object_on_one_rank(comm: MPI.Intracomm, big: bool) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    bad, root = size - 1, 0
    payload = "y" * (5000 if big else 10)
    errors = (pickle.PicklingError, AttributeError, TypeError, RuntimeError)
    if rank == bad or rank == root:
        with pytest.raises(errors) as info:
            comm.gather((lambda: None) if rank == bad else payload, root=root)
        assert rank == bad or f"rank(s) [{bad}]" in str(info.value)
    else:
        assert comm.gather(payload, root=root) is None
    comm.Barrier()
    assert comm.gather(rank, root=root) == (list(range(size)) if rank == root else None)
