"""The benchmark cases: ids shared by pingpong.py / pingpong.c, labels, iteration counts."""

from __future__ import annotations

from dataclasses import dataclass

CONTENDERS = ("c", "ours", "upstream")
LABELS = {"c": "C", "ours": "ours", "upstream": "upstream"}


@dataclass(frozen=True)
class Case:
    id: str
    label: str
    iters: int  # operations per timed block in a full run (--quick: a quarter)
    in_c: bool  # has a plain-MPI equivalent in pingpong.c
    size: int | None = None  # message bytes, for the latency-vs-size plot

    def iterations(self, quick: bool) -> int:
        return max(2, self.iters // 4) if quick else self.iters


KiB = 1 << 10
MiB = 1 << 20

CASES: tuple[Case, ...] = (
    Case("send_1", "Send/Recv 1 B", 1000, True, 1),
    Case("send_1024", "Send/Recv 1 KiB", 1000, True, KiB),
    Case("send_1048576", "Send/Recv 1 MiB", 8, True, MiB),
    Case("send_16777216", "Send/Recv 16 MiB", 2, True, 16 * MiB),
    Case("pickle_dict", "send/recv small dict", 500, False),
    Case("pickle_1MiB", "send/recv 1 MiB ndarray", 4, False),
    Case("allreduce_double", "Allreduce 1 double", 1000, True),
    Case("bcast_obj", "bcast small object", 1000, False),
    Case("isend_irecv_64", "Isend/Irecv+Waitall 64 msgs", 50, True),
)
BY_ID = {case.id: case for case in CASES}
SIZE_CASES = tuple(case for case in CASES if case.size is not None)


def blocks(quick: bool) -> int:
    """Short timed blocks per case in one run; the fastest is the run's value (see harness.run_value)."""
    return 6 if quick else 10


def runs(quick: bool) -> int:
    """Interleaved runs per contender (min/median/max are taken over these)."""
    return 3 if quick else 9


def import_samples(quick: bool) -> int:
    """Fresh processes per contender for each import timing (Open MPI's singleton init alone takes ~1 s)."""
    return 10 if quick else 25


def case_args(quick: bool, only: set[str] | None = None) -> list[str]:
    """``CASE:ITERS`` arguments for pingpong.py / pingpong.c."""
    return [f"{c.id}:{c.iterations(quick)}" for c in CASES if only is None or c.id in only]
