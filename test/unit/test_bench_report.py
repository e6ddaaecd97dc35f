"""The benchmark's result writer: statistics, ratios in the Markdown table, failures, README block."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import report
from bench.harness import CaseRuns


def make_doc() -> dict:
    runs = CaseRuns()
    for c_us, ours_us, up_us in ((1.0, 1.5, 2.0), (1.2, 1.4, 2.2), (0.8, 1.6, 1.8)):
        runs.add("c", {"case": "send_1", "block_us": [c_us + 5, c_us, c_us + 0.1]})  # run value = fastest block
        runs.add("ours", {"case": "send_1", "block_us": [ours_us]})
        runs.add("upstream", {"case": "send_1", "block_us": [up_us]})
        runs.add("ours", {"case": "bcast_obj", "block_us": [3.0]})
        runs.add("upstream", {"case": "bcast_obj", "block_us": [6.0]})
    runs.add("ours", {"case": "isend_irecv_64", "error": "missing MPI.Comm.Isend"})
    cases = runs.table()
    return {
        "meta": {"date": "2026-01-01 00:00 UTC", "quick": True, "runs": 3, "blocks": 3, "machine": "test", "note": ""},
        "mpis": {"mpich": {"mpi_version": "5.0", "versions": {"ours": "4.2.0", "upstream": "4.1.2"}, "cases": cases,
                           "import_ms": {"ours": {"samples": [10.0, 20.0], **report.summarize([10.0, 20.0])},
                                         "upstream": {"samples": [30.0], **report.summarize([30.0])}, "mode": "singleton init"},
                           "build_s": {"ours": {"seconds": 30.0, "note": ""}, "upstream": {"seconds": 150.0, "note": "cached"}},
                           "wheel_bytes": {"ours": 1024 * 100, "upstream": 1024 * 400}}},
    }


def row(md: str, label: str) -> list[str]:
    line = next(ln for ln in md.splitlines() if ln.startswith(f"| {label} |"))  # the medians table comes first
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_run_values_are_fastest_blocks_and_stats_span_runs() -> None:
    cell = make_doc()["mpis"]["mpich"]["cases"]["send_1"]["c"]
    assert cell["runs_us"] == [1.0, 1.2, 0.8]
    assert (cell["min"], cell["median"], cell["max"]) == (0.8, 1.0, 1.2)


def test_table_medians_and_ratios() -> None:
    md = report.markdown(make_doc())
    assert row(md, "Send/Recv 1 B") == ["Send/Recv 1 B", "1.00", "1.50", "2.00", "1.50", "0.75", "0.500", "1.00", "0.50"]
    # No C equivalent: C column and the overhead columns are dashes, ours/upstream still computed.
    assert row(md, "bcast small object") == ["bcast small object", "—", "3.00", "6.00", "—", "0.50", "—", "—", "—"]
    assert row(md, "wheel size, KiB") == ["wheel size, KiB", "100", "400", "0.25"]
    assert row(md, "clean build+install from sdist, s (upstream: cached)") == [
        "clean build+install from sdist, s (upstream: cached)", "30.0", "150.0", "0.20"]
    assert "15.0 | 30.0 | 0.50" in md  # import medians


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
    assert "| Send/Recv 1 B | 1.00 | 1.50 |" in text


def test_readme_without_markers_is_a_clear_error(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("no markers\n")
    with pytest.raises(SystemExit, match="markers"):
        report.update_readme(readme, "x")
