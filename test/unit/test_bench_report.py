"""The benchmark's result writer: per-round cells, paired ratios with intervals, targets, failures, README block."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import report
from bench.harness import CaseRuns

# Per round: (C, ours, upstream) for Send/Recv 1 B, and (ours, upstream) for bcast of a small dict.
SEND = ((1.0, 1.5, 2.0), (1.2, 1.6, 2.2), (0.8, 1.3, 1.8), (1.0, 1.4, 2.0), (1.1, 1.5, 2.1), (0.9, 1.4, 1.9), (1.0, 1.5, 2.0))
BCAST = ((3.0, 6.0), (3.1, 6.0), (2.9, 6.1), (3.0, 5.9), (3.0, 6.0), (3.2, 6.2), (2.8, 5.8))
PICKLE = ((2.0, 2.1), (2.2, 2.0), (1.9, 2.0), (2.0, 1.9), (2.1, 2.2), (2.0, 2.0), (1.8, 2.1))


def make_doc() -> dict:
    runs = CaseRuns(len(SEND))
    for r, ((c_us, ours_us, up_us), (ob, ub), (op, up)) in enumerate(zip(SEND, BCAST, PICKLE)):
        runs.add("c", r, {"case": "send_1", "block_us": [c_us + 5, c_us, c_us - 0.01]})  # run value = median block
        runs.add("ours", r, {"case": "send_1", "block_us": [ours_us]})
        runs.add("upstream", r, {"case": "send_1", "block_us": [up_us]})
        runs.add("ours", r, {"case": "bcast_obj", "block_us": [ob]})
        runs.add("upstream", r, {"case": "bcast_obj", "block_us": [ub]})
        runs.add("ours", r, {"case": "pickle_dict", "block_us": [op]})
        runs.add("upstream", r, {"case": "pickle_dict", "block_us": [up]})
    runs.add("ours", 0, {"case": "isend_irecv_64", "error": "missing MPI.Comm.Isend"})
    for k in ("c", "ours", "upstream"):
        runs.thread_level(k, {"requested": "multiple", "provided": "multiple" if k != "upstream" else "serialized"})
    cases = runs.table()
    return {
        "meta": {"date": "2026-01-01 00:00 UTC", "quick": True, "runs": len(SEND), "blocks": 3, "target_s": 0.01,
                 "order_seed": 7, "machine": "test", "note": ""},
        "mpis": {"mpich": {"mpi_version": "5.0", "versions": {"ours": "4.2.0", "upstream": "4.1.2"}, "cases": cases,
                           "thread_levels": runs.levels(),
                           "import_ms": {"ours": {"samples": [10.0, 20.0], **report.summarize([10.0, 20.0])},
                                         "upstream": {"samples": [30.0, 30.0], **report.summarize([30.0, 30.0])},
                                         "mode": "singleton init"},
                           "build_s": {"ours": {"seconds": 30.0, "note": ""}, "upstream": {"seconds": 150.0, "note": ""}},
                           "ext_bytes": {"ours": {"stripped": 1024 * 100, "unstripped": 1024 * 120},
                                         "upstream": {"stripped": 1024 * 400, "unstripped": 1024 * 900}},
                           "build_flags": "-O2 -g0"}},
    }


def row(md: str, label: str) -> list[str]:
    line = next(ln for ln in md.splitlines() if ln.startswith(f"| {label} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_round_values_are_median_blocks_and_stats_span_rounds() -> None:
    cell = make_doc()["mpis"]["mpich"]["cases"]["send_1"]["c"]
    assert cell["rounds_us"] == [c for c, _, _ in SEND]
    assert (cell["min"], cell["median"], cell["max"]) == (0.8, 1.0, 1.2)


def test_table_medians_spreads_and_paired_ratios() -> None:
    md = report.markdown(make_doc())
    got = row(md, "Send/Recv 1 B")
    assert got[1:4] == ["1.00 (0.800–1.20)", "1.50 (1.30–1.60)", "2.00 (1.80–2.20)"]
    assert got[4].startswith("0.73 (") and got[5].startswith("1.50 (") and got[7].startswith("0.50 (")
    # No C equivalent: C column and the overhead columns are dashes, ours/upstream still computed.
    assert row(md, "bcast small dict")[1:8] == ["—", "3.00 (2.80–3.20)", "6.00 (5.80–6.20)", "0.50 (0.48–0.52)", "—", "—", "—"]
    # Within the noise: shown as ≈, and listed as not faster.
    assert row(md, "send/recv small dict")[4].startswith("≈ 1 (")
    assert "Not measurably faster than upstream here: send/recv small dict" in md
    assert row(md, "`MPI` extension module, stripped, KiB") == ["`MPI` extension module, stripped, KiB", "100", "400", "0.25"]
    assert row(md, "clean build+install from sdist, s") == ["clean build+install from sdist, s", "30.0", "150.0", "0.20"]
    assert "CFLAGS=`-O2 -g0`" in md


def test_targets_are_judged_by_median_and_interval() -> None:
    md = report.markdown(make_doc())
    assert "- bcast small dict: ours/upstream 0.50 (0.48–0.52), target ≤ 0.7 with the interval below 1: **met**" in md
    assert "- send/recv small dict: ours/upstream 0.95 (0.86–1.10), target ≤ 0.7 with the interval below 1: **not met**" in md
    assert "- Send/Recv 1 B: (ours−C)/(upstream−C) 0.50 (0.40–0.50), target ≤ 0.5: **met**" in md


def test_thread_levels_are_printed_per_contender() -> None:
    md = report.markdown(make_doc())
    assert "c multiple → multiple; ours multiple → multiple; upstream multiple → serialized" in md


def test_failures_are_visible_not_skipped() -> None:
    doc = make_doc()
    md = report.markdown(doc)
    assert row(md, "Isend/Irecv+Waitall 64 msgs")[2] == "**FAIL**"
    # A contender that produced nothing for a case is a failure too, never a blank.
    assert row(md, "Allreduce 1 double")[1:4] == ["**FAIL**", "**FAIL**", "**FAIL**"]
    fails = report.failures(doc)
    assert "mpich/ours/isend_irecv_64: missing MPI.Comm.Isend" in fails
    assert any(f.startswith("mpich/c/allreduce_double: no result") for f in fails)
    assert "## Failures" in md


def test_a_round_without_a_value_is_left_out_of_the_pairs() -> None:
    runs = CaseRuns(3)
    runs.add("ours", 0, {"case": "bcast_obj", "block_us": [1.0]})
    runs.add("ours", 2, {"case": "bcast_obj", "block_us": [1.0]})
    for r in range(3):
        runs.add("upstream", r, {"case": "bcast_obj", "block_us": [2.0]})
    cell = runs.table()["bcast_obj"]["ours"]
    assert cell["rounds_us"] == [1.0, None, 1.0] and cell["median"] == 1.0
    iv = report.row_intervals(runs.table()["bcast_obj"])["ours/upstream"]
    assert iv is not None and iv.n == 2


def test_summarize_rejects_empty() -> None:
    with pytest.raises(ValueError, match="no values"):
        report.summarize([])


def test_write_and_readme_block(tmp_path: Path) -> None:
    doc = make_doc()
    paths = report.write(doc, tmp_path, "quick", plot=False)
    assert json.loads(paths["json"].read_text())["mpis"]["mpich"]["cases"]["send_1"]["ours"]["median"] == 1.5
    assert paths["md"].read_text().startswith("# mpi4py benchmark — 2026-01-01 00:00 UTC (quick)")
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- bench:begin -->\nold\n<!-- bench:end -->\ntail\n")
    report.update_readme(readme, report.readme_block(doc, "bench/results", "latest"))
    text = readme.read_text()
    assert "old" not in text and text.startswith("intro\n") and text.endswith("<!-- bench:end -->\ntail\n")
    assert "![latency vs message size](bench/results/latest.png)" in text
    assert "| Send/Recv 1 B | 1.00 (0.800–1.20) | 1.50 (1.30–1.60) |" in text


def test_readme_without_markers_is_a_clear_error(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("no markers\n")
    with pytest.raises(SystemExit, match="markers"):
        report.update_readme(readme, "x")
