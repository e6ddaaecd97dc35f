"""The benchmark cases: ids shared by pingpong.py / pingpong.c, labels; rounds, blocks and block duration."""

from __future__ import annotations

from dataclasses import dataclass

CONTENDERS = ("c", "ours", "upstream")
LABELS = {"c": "C", "ours": "ours", "upstream": "upstream"}


@dataclass(frozen=True)
class Case:
    id: str
    label: str
    in_c: bool  # has a plain-MPI equivalent in pingpong.c
    size: int | None = None  # message bytes, for the latency-vs-size plot
    small_object: bool = False  # a pickled small object: the object-path target (ours <= 0.7 of upstream)


KiB = 1 << 10
MiB = 1 << 20

CASES: tuple[Case, ...] = (
    Case("send_1", "Send/Recv 1 B", True, 1),
    Case("send_1024", "Send/Recv 1 KiB", True, KiB),
    Case("send_1048576", "Send/Recv 1 MiB", True, MiB),
    Case("send_16777216", "Send/Recv 16 MiB", True, 16 * MiB),
    Case("pickle_dict", "send/recv small dict", False, small_object=True),
    Case("pickle_1MiB", "send/recv 1 MiB ndarray", False),
    Case("allreduce_double", "Allreduce 1 double", True),
    Case("bcast_obj", "bcast small dict", False, small_object=True),
    Case("gather_obj", "gather small dict", False, small_object=True),
    Case("isend_irecv_64", "Isend/Irecv+Waitall 64 msgs", True),
)
BY_ID = {case.id: case for case in CASES}
SIZE_CASES = tuple(case for case in CASES if case.size is not None)


def blocks(quick: bool) -> int:
    """Timed blocks per case in one run (after calibration); the run's value is their median."""
    return 3 if quick else 5


def target_s(quick: bool) -> float:
    """Shortest duration of a timed block: the iteration count grows until a block lasts this long."""
    return 0.01 if quick else 0.05


def runs(quick: bool) -> int:
    """Rounds: each runs every contender once, in a random order (9: a 96 % interval of the median)."""
    return 3 if quick else 9


def import_samples(quick: bool) -> int:
    """Fresh processes per contender for each import timing (Open MPI's singleton init alone takes ~1 s)."""
    return 10 if quick else 25


def case_args(only: set[str] | None = None) -> list[str]:
    """Case ids for pingpong.py / pingpong.c, in table order."""
    return [c.id for c in CASES if only is None or c.id in only]
