"""Result writer: statistics, the JSON document, and the Markdown tables (medians and ratios)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from bench.cases import CASES, CONTENDERS

IMPORT_ROWS = {"import_ms": "`import mpi4py.MPI` incl. MPI init", "import_noinit_ms": "`import mpi4py.MPI`, `rc.initialize=False`"}
Cell = dict[str, Any]  # {"runs_us": [...], "min", "median", "max"} | {"error": str} | {"na": True}


def summarize(values: list[float]) -> dict[str, float]:
    if not values:
        raise ValueError("summarize: no values (a case with no successful run must be recorded as an error)")
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def cell(runs_us: list[float], errors: list[str]) -> Cell:
    """One contender's result for one case over all runs; any error wins, so failures stay visible."""
    if errors:
        return {"error": "; ".join(dict.fromkeys(errors)), "runs_us": runs_us}
    if not runs_us:
        return {"error": "no result (the job ended before this case ran)", "runs_us": []}
    return {"runs_us": runs_us, **summarize(runs_us)}


def fmt_us(x: float) -> str:
    if x < 1:
        return f"{x:.3f}"
    if x < 10:
        return f"{x:.2f}"
    if x < 100:
        return f"{x:.1f}"
    return f"{x:.0f}"


def fmt_ratio(num: float | None, den: float | None) -> str:
    if num is None or den is None or den <= 0:
        return "—"
    return f"{num / den:.2f}"


def median_of(c: Cell | None) -> float | None:
    return None if c is None or "median" not in c else float(c["median"])


def show(c: Cell | None) -> str:
    if c is None or c.get("na"):
        return "—"
    if "error" in c:
        return "**FAIL**"
    return fmt_us(c["median"])


def overhead(x: float | None, base: float | None) -> float | None:
    return None if x is None or base is None else x - base


def case_rows(cases: dict[str, dict[str, Cell]]) -> list[str]:
    head = (
        "| case | C µs | ours µs | upstream µs | ours/C | ours/upstream | ours−C µs | upstream−C µs | (ours−C)/(upstream−C) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    )
    rows = list(head)
    for case in CASES:
        if case.id not in cases:
            continue
        got = cases[case.id]
        c, ours, up = (median_of(got.get(k)) for k in CONTENDERS)
        oo, uo = overhead(ours, c), overhead(up, c)
        rows.append(
            f"| {case.label} | {show(got.get('c'))} | {show(got.get('ours'))} | {show(got.get('upstream'))} "
            f"| {fmt_ratio(ours, c)} | {fmt_ratio(ours, up)} "
            f"| {'—' if oo is None else fmt_signed(oo)} | {'—' if uo is None else fmt_signed(uo)} | {fmt_ratio(oo, uo)} |"
        )
    return rows


def fmt_signed(x: float) -> str:
    return ("−" if x < 0 else "") + fmt_us(abs(x))


def spread_rows(cases: dict[str, dict[str, Cell]]) -> list[str]:
    rows = ["| case | C min / median / max | ours min / median / max | upstream min / median / max |", "|---|---|---|---|"]
    for case in CASES:
        if case.id not in cases:
            continue
        parts = []
        for k in CONTENDERS:
            c = cases[case.id].get(k)
            parts.append(show(c) if c is None or "median" not in c else " / ".join(fmt_us(c[s]) for s in ("min", "median", "max")))
        rows.append(f"| {case.label} | " + " | ".join(parts) + " |")
    return rows


def extra_rows(mpi: dict[str, Any]) -> list[str]:
    rows = ["| | ours | upstream | ours/upstream |", "|---|---:|---:|---:|"]
    for key, what in IMPORT_ROWS.items():
        imp = mpi.get(key, {})
        if not imp:
            continue
        o, u = median_of(imp.get("ours")), median_of(imp.get("upstream"))
        n = max(len(imp.get(k, {}).get("samples", [])) for k in ("ours", "upstream"))
        rows.append(f"| {what}, ms (median of {n}, {imp.get('mode', '?')}) | {show_plain(o, imp.get('ours'))} "
                    f"| {show_plain(u, imp.get('upstream'))} | {fmt_ratio(o, u)} |")
    build = mpi.get("build_s", {})
    if build:
        o, u = (build.get(k, {}).get("seconds") for k in ("ours", "upstream"))
        notes = [f"{k}: {build[k]['note']}" for k in ("ours", "upstream") if build.get(k, {}).get("note")]
        label = "clean build+install from sdist, s" + (f" ({'; '.join(notes)})" if notes else "")
        rows.append(f"| {label} | {'—' if o is None else f'{o:.1f}'} | {'—' if u is None else f'{u:.1f}'} | {fmt_ratio(o, u)} |")
    wheel = mpi.get("wheel_bytes", {})
    if wheel:
        o, u = wheel.get("ours"), wheel.get("upstream")
        rows.append(f"| wheel size, KiB | {'—' if o is None else f'{o / 1024:.0f}'} | {'—' if u is None else f'{u / 1024:.0f}'} "
                    f"| {fmt_ratio(o, u)} |")
    return rows


def show_plain(x: float | None, c: Cell | None) -> str:
    if c is not None and "error" in c:
        return "**FAIL**"
    return "—" if x is None else (f"{x:.1f}" if x >= 10 else f"{x:.2f}")


def failures(doc: dict[str, Any]) -> list[str]:
    """Every failed cell, as ``mpi/contender/case: error`` lines."""
    out = []
    for mpi_name, mpi in doc["mpis"].items():
        for case_id, got in mpi.get("cases", {}).items():
            for k in CONTENDERS:
                if "error" in got.get(k, {}):
                    out.append(f"{mpi_name}/{k}/{case_id}: {got[k]['error']}")
        for key in IMPORT_ROWS:
            for k, c in mpi.get(key, {}).items():
                if isinstance(c, dict) and "error" in c:
                    out.append(f"{mpi_name}/{k}/{key}: {c['error']}")
    return out


def markdown(doc: dict[str, Any], plot_name: str | None = None) -> str:
    meta = doc["meta"]
    lines = [
        f"# mpi4py benchmark — {meta['date']}{' (quick)' if meta.get('quick') else ''}",
        "",
        f"2 ranks, one host, MPI_THREAD_{meta.get('thread_level', 'multiple').upper()} in all three contenders "
        f"(mpi4py's default). {meta['runs']} interleaved runs per contender (C, ours, upstream, C, ours, …); "
        f"a run's value is the fastest of {meta['blocks']} short timed blocks; tables show the median over runs. "
        "Send/Recv and lowercase send/recv are half a round trip. Ratios below 1 favour ours; "
        "the last column compares Python-side overheads over C (target ≤ 0.7 for small messages).",
        "",
        f"Machine: {meta.get('machine', '?')}. {meta.get('note', '')}".rstrip(),
        "",
    ]
    if plot_name:
        lines += [f"![latency vs size]({plot_name})", ""]
    for mpi_name, mpi in doc["mpis"].items():
        v = mpi.get("versions", {})
        lines += [
            f"## {mpi_name} {mpi.get('mpi_version', '')} — ours {v.get('ours', '?')}, upstream mpi4py {v.get('upstream', '?')}",
            "",
            f"Launched as `{mpi.get('launch', 'mpiexec -n 2')}`.",
            "",
            *case_rows(mpi.get("cases", {})),
            "",
            *extra_rows(mpi),
            "",
            "<details><summary>min / median / max over runs (µs)</summary>",
            "",
            *spread_rows(mpi.get("cases", {})),
            "",
            "</details>",
            "",
        ]
    fails = failures(doc)
    if fails:
        lines += ["## Failures", "", *(f"- {f}" for f in fails), ""]
    return "\n".join(lines)


def write(doc: dict[str, Any], outdir: Path, stem: str, plot: bool = True) -> dict[str, Path]:
    """Write STEM.json, STEM.png (when plotting) and STEM.md into OUTDIR; returns the paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = {"json": outdir / f"{stem}.json", "md": outdir / f"{stem}.md"}
    paths["json"].write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n")
    plot_name = None
    if plot:
        from bench.plot import plot_latency

        paths["png"] = outdir / f"{stem}.png"
        plot_latency(doc, paths["png"])
        plot_name = paths["png"].name
    paths["md"].write_text(markdown(doc, plot_name))
    return paths


def readme_block(doc: dict[str, Any], results_dir: str, stem: str) -> str:
    """The README's benchmark section body: the medians tables, linking the plot and the full report."""
    md = markdown(doc, None)
    body = md.split("\n", 2)[2]  # drop the report's title
    body = body.replace("\n## ", "\n### ")
    return f"Latest full run ({doc['meta']['date']}): [report]({results_dir}/{stem}.md), [JSON]({results_dir}/{stem}.json).\n\n" \
           f"![latency vs message size]({results_dir}/{stem}.png)\n\n{body.strip()}\n"


def update_readme(readme: Path, block: str, begin: str = "<!-- bench:begin -->", end: str = "<!-- bench:end -->") -> None:
    text = readme.read_text()
    if begin not in text or end not in text:
        raise SystemExit(f"{readme}: markers {begin} ... {end} not found; add them where the benchmark table belongs")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{begin}\n{block}{end}{tail}")
