"""The benchmark's statistics: how long a timed block runs, and what a row may claim.

Pure Python (standard library only): the harness and the report use it, and ``pingpong.py`` imports
``next_iterations`` (pingpong.c carries the same rule in C; ``test_bench_stats`` holds both to it).

Protocol: every case is timed in blocks that last at least a target duration (the iteration count is
grown until one does), contenders run in a random order in each round, and rows compare contenders
round by round (paired ratios), so a slow stretch of a shared machine hits all contenders of a round
alike. A row shows the median over rounds and a distribution-free interval around it; a ratio whose
interval includes 1 is shown as "≈", and nothing is ever shown faster than C, the limit.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# A block this short is dominated by timer resolution and one-off stalls; grow it.
GROWTH_MARGIN = 1.2  # aim a little past the target: the next block may run faster than the last
GROWTH_CAP = 16  # one slow block (a descheduled rank) must not inflate the count without bound
MAX_ITERATIONS = 1 << 30


def next_iterations(iters: int, elapsed_s: float, target_s: float) -> int | None:
    """None when a block of ITERS operations that took ELAPSED_S seconds is long enough, else a larger count."""
    if iters < 1:
        raise ValueError(f"next_iterations: iters must be >= 1, got {iters}")
    if target_s <= 0:
        raise ValueError(f"next_iterations: target_s must be > 0, got {target_s}")
    if elapsed_s >= target_s or iters >= MAX_ITERATIONS:
        return None
    if elapsed_s <= 0:
        return min(iters * GROWTH_CAP, MAX_ITERATIONS)
    wanted = math.ceil(iters * target_s / elapsed_s * GROWTH_MARGIN)
    return min(max(wanted, iters + 1), iters * GROWTH_CAP, MAX_ITERATIONS)


def calibrate(time_block: Callable[[int], float], target_s: float, iters: int = 1) -> tuple[int, float]:
    """Grow the iteration count until ``time_block(count)`` (seconds) lasts at least TARGET_S.

    Returns the count and the duration of the block that reached the target.
    """
    while True:
        elapsed = time_block(iters)
        grown = next_iterations(iters, elapsed, target_s)
        if grown is None:
            return iters, elapsed
        iters = grown


@dataclass(frozen=True)
class Interval:
    """Median of a sample with a distribution-free interval ``[lo, hi]`` of the given coverage."""

    median: float
    lo: float
    hi: float
    coverage: float  # probability that [lo, hi] holds the true median (order statistics, no model)
    n: int

    def includes(self, x: float) -> bool:
        return self.lo <= x <= self.hi


def _binomial_half_cdf(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / 2**n


def median_interval(values: Sequence[float], level: float = 0.95) -> Interval:
    """Median and the narrowest symmetric order-statistic interval covering the median with LEVEL.

    ``[x_(k), x_(n+1-k)]`` holds the median with probability 1 - 2 P(Binomial(n, 1/2) <= k-1). With
    fewer than 6 values no interval reaches 95 %: it is then min–max, with its lower coverage recorded.
    """
    xs = sorted(values)
    n = len(xs)
    if n == 0:
        raise ValueError("median_interval: no values")
    k = 1
    while k + 1 <= (n + 1) // 2 and 1 - 2 * _binomial_half_cdf(k, n) >= level:
        k += 1
    coverage = 1 - 2 * _binomial_half_cdf(k - 1, n)
    return Interval(statistics.median(xs), xs[k - 1], xs[n - k], coverage, n)


def paired(a: Sequence[float | None], b: Sequence[float | None], op: Callable[[float, float], float]) -> list[float]:
    """``op(a_r, b_r)`` for each round r where both contenders produced a value."""
    if len(a) != len(b):
        raise ValueError(f"paired: {len(a)} rounds against {len(b)}")
    return [op(x, y) for x, y in zip(a, b) if x is not None and y is not None]


def ratio(x: float, y: float) -> float:
    return x / y


def difference(x: float, y: float) -> float:
    return x - y


def fmt_number(x: float) -> str:
    ax = abs(x)
    sign = "−" if x < 0 else ""
    if ax < 1:
        return f"{sign}{ax:.3f}"
    if ax < 10:
        return f"{sign}{ax:.2f}"
    if ax < 100:
        return f"{sign}{ax:.1f}"
    return f"{sign}{ax:.0f}"


def fmt_interval(iv: Interval) -> str:
    return f"{fmt_number(iv.lo)}–{fmt_number(iv.hi)}"


def show_ratio(iv: Interval | None) -> str:
    """A ratio between two bindings: "≈ 1" when its interval includes 1, else the median; interval after."""
    if iv is None:
        return "—"
    head = "≈ 1" if iv.includes(1.0) else f"{iv.median:.2f}"
    return f"{head} ({iv.lo:.2f}–{iv.hi:.2f})"


def show_vs_c(iv: Interval | None) -> str:
    """A binding's time over C's: never shown below 1 (C is the limit); "≈ C" whenever 1 is not excluded from above."""
    if iv is None:
        return "—"
    if iv.lo <= 1.0:
        return f"≈ C ({iv.lo:.2f}–{iv.hi:.2f})"
    return f"{iv.median:.2f} ({iv.lo:.2f}–{iv.hi:.2f})"


def overhead_ratio(ours: Sequence[float | None], upstream: Sequence[float | None], c: Sequence[float | None]) -> Interval | None:
    """(ours−C)/(upstream−C) per round, or None when upstream's own overhead over C is not above the noise
    (its interval reaches 0: the ratio would divide by noise)."""
    up_over = paired(upstream, c, difference)
    if not up_over or median_interval(up_over).lo <= 0:
        return None
    rounds = [(o - k) / (u - k) for o, u, k in zip(ours, upstream, c) if o is not None and u is not None and k is not None and u > k]
    return median_interval(rounds) if rounds else None


def show_overhead(iv: Interval | None) -> str:
    """The overhead ratio: ours' cost above C in units of upstream's; ≈ 1 when the interval includes 1."""
    if iv is None:
        return "— (upstream ≈ C)"
    return show_ratio(iv)
