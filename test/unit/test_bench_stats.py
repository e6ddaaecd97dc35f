"""bench/stats.py on synthetic timings: block lengthening, intervals, and what a row may claim."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from bench import stats

PINGPONG_C = Path(__file__).resolve().parents[2] / "bench" / "pingpong.c"


def test_short_block_is_lengthened_until_it_reaches_the_target() -> None:
    per_op = 1e-6  # a 1 µs operation, a 10 ms target
    seen: list[int] = []

    def block(n: int) -> float:
        seen.append(n)
        return n * per_op

    iters, elapsed = stats.calibrate(block, 0.010)
    assert elapsed >= 0.010 and iters * per_op >= 0.010
    assert seen[0] == 1 and seen == sorted(seen) and len(set(seen)) == len(seen)
    assert stats.next_iterations(iters, elapsed, 0.010) is None


def test_long_enough_block_is_kept_and_growth_is_capped() -> None:
    assert stats.next_iterations(100, 0.02, 0.01) is None
    assert stats.next_iterations(100, 0.0099, 0.01) == math.ceil(100 * 0.01 / 0.0099 * stats.GROWTH_MARGIN)
    # A block that took no measurable time grows by the cap, never unboundedly.
    assert stats.next_iterations(10, 0.0, 0.01) == 10 * stats.GROWTH_CAP
    assert stats.next_iterations(10, 1e-12, 0.01) == 10 * stats.GROWTH_CAP
    # Always strictly more while short (a timer that reports the same tiny value cannot stall the loop).
    assert stats.next_iterations(1000, 0.00999, 0.01) > 1000
    with pytest.raises(ValueError, match="iters"):
        stats.next_iterations(0, 0.001, 0.01)


def test_calibrate_fails_a_block_that_never_grows() -> None:
    # A broken calibration (one that returned the first count) would be caught here.
    iters, _ = stats.calibrate(lambda n: n * 1e-3, 0.05)
    assert iters >= 50


def test_median_interval_order_statistics() -> None:
    iv = stats.median_interval([float(x) for x in range(1, 10)])  # 9 rounds: x_(2)..x_(8), 96.1 %
    assert (iv.median, iv.lo, iv.hi) == (5.0, 2.0, 8.0)
    assert iv.coverage == pytest.approx(1 - 2 * 10 / 512)
    small = stats.median_interval([3.0, 1.0, 2.0])  # too few for 95 %: min-max, coverage says so
    assert (small.lo, small.hi) == (1.0, 3.0) and small.coverage == pytest.approx(0.75)
    with pytest.raises(ValueError, match="no values"):
        stats.median_interval([])


def test_ratio_whose_interval_includes_one_is_shown_as_approx() -> None:
    noisy = stats.median_interval([0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2, 0.85, 0.92])
    assert noisy.includes(1.0)
    assert stats.show_ratio(noisy).startswith("≈ 1 (")
    clear = stats.median_interval([0.55, 0.6, 0.62, 0.58, 0.61, 0.59, 0.63, 0.57, 0.6])
    assert stats.show_ratio(clear) == "0.60 (0.57–0.62)"


def test_no_row_ever_shows_ours_faster_than_c() -> None:
    faster = stats.median_interval([0.7, 0.75, 0.8, 0.72, 0.78, 0.74, 0.76])  # below C in every round
    assert stats.show_vs_c(faster).startswith("≈ C")
    straddling = stats.median_interval([0.9, 1.1, 0.95, 1.05, 1.0, 0.98, 1.02])
    assert stats.show_vs_c(straddling).startswith("≈ C")
    slower = stats.median_interval([1.5, 1.6, 1.55, 1.7, 1.52, 1.58, 1.62])
    assert stats.show_vs_c(slower) == "1.58 (1.50–1.70)"  # 7 rounds: min-max
    for shown in (stats.show_vs_c(faster), stats.show_vs_c(straddling)):
        assert not re.match(r"0\.\d\d ", shown)


def test_paired_ratios_cancel_a_slow_round() -> None:
    # Round 3 is slow for everyone (the machine was busy): paired ratios stay put, unpaired medians would not.
    ours = [1.0, 1.0, 5.0, 1.0, 1.0, 1.0, 1.0]
    upstream = [2.0, 2.0, 10.0, 2.0, 2.0, 2.0, 2.0]
    iv = stats.median_interval(stats.paired(ours, upstream, stats.ratio))
    assert (iv.lo, iv.median, iv.hi) == (0.5, 0.5, 0.5)
    # A round where one contender failed is left out of the pairs, not counted as zero.
    assert stats.paired([1.0, None, 3.0], [2.0, 2.0, None], stats.ratio) == [0.5]
    with pytest.raises(ValueError, match="rounds"):
        stats.paired([1.0], [1.0, 2.0], stats.ratio)


def test_overhead_ratio_refuses_to_divide_by_noise() -> None:
    c = [1.0] * 7
    ours = [1.2, 1.25, 1.22, 1.18, 1.2, 1.21, 1.19]
    upstream = [2.0, 2.1, 1.9, 2.0, 2.05, 1.95, 2.0]
    iv = stats.overhead_ratio(ours, upstream, c)
    assert iv is not None and iv.hi < 0.5
    # Upstream no slower than C within noise: no ratio is claimed.
    assert stats.overhead_ratio(ours, [0.9, 1.1, 1.0, 0.95, 1.05, 1.0, 1.02], c) is None
    assert stats.show_overhead(None) == "— (upstream ≈ C)"


def test_pingpong_c_carries_the_same_growth_rule() -> None:
    source = PINGPONG_C.read_text()
    assert f"#define GROWTH_MARGIN {stats.GROWTH_MARGIN}" in source
    assert f"#define GROWTH_CAP {stats.GROWTH_CAP}" in source
