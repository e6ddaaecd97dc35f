"""Result writer: per-contender cells, the JSON document, and the Markdown tables (median, spread, verdicts)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from bench import stats
from bench.cases import CASES, CONTENDERS

IMPORT_ROWS = {"import_ms": "`import mpi4py.MPI` incl. MPI init", "import_noinit_ms": "`import mpi4py.MPI`, `rc.initialize=False`"}
Cell = dict[str, Any]  # {"rounds_us": [...], "min", "median", "max"} | {"error": str} | {"na": True}
SMALL_OBJECT_TARGET = 0.7  # ours/upstream for pickled small objects (median; the interval's top below 1)
OVERHEAD_TARGET = 0.5  # (ours−C)/(upstream−C) for buffer messages of 1 KiB and below
SMALL_BUFFER = 1024


def summarize(values: list[float]) -> dict[str, float]:
    if not values:
        raise ValueError("summarize: no values (a case with no successful run must be recorded as an error)")
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def cell(rounds_us: list[float | None], errors: list[str], iters: list[int] | None = None) -> Cell:
    """One contender's result for one case: its value in each round (None: no value that round).
    Any error wins, so failures stay visible."""
    got = [x for x in rounds_us if x is not None]
    if errors:
        return {"error": "; ".join(dict.fromkeys(errors)), "rounds_us": rounds_us}
    if not got:
        return {"error": "no result (the job ended before this case ran)", "rounds_us": rounds_us}
    return {"rounds_us": rounds_us, "iters": iters or [], **summarize(got)}


fmt_us = stats.fmt_number


def rounds_of(c: Cell | None) -> list[float | None] | None:
    return None if c is None or "median" not in c else list(c["rounds_us"])


def show(c: Cell | None) -> str:
    """Median over rounds with min–max, or why there is none."""
    if c is None or c.get("na"):
        return "—"
    if "error" in c:
        return "**FAIL**"
    return f"{fmt_us(c['median'])} ({fmt_us(c['min'])}–{fmt_us(c['max'])})"


def paired_interval(a: list[float | None] | None, b: list[float | None] | None) -> stats.Interval | None:
    if a is None or b is None:
        return None
    values = stats.paired(a, b, stats.ratio)
    return stats.median_interval(values) if values else None


def row_intervals(got: dict[str, Cell]) -> dict[str, stats.Interval | None]:
    c, ours, up = (rounds_of(got.get(k)) for k in CONTENDERS)
    return {
        "ours/upstream": paired_interval(ours, up),
        "ours/C": paired_interval(ours, c),
        "upstream/C": paired_interval(up, c),
        "overhead": stats.overhead_ratio(ours, up, c) if c is not None and ours is not None and up is not None else None,
    }


def case_rows(cases: dict[str, dict[str, Cell]]) -> list[str]:
    rows = [
        "| case | C µs | ours µs | upstream µs | ours/upstream | ours/C | upstream/C | (ours−C)/(upstream−C) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in CASES:
        if case.id not in cases:
            continue
        got = cases[case.id]
        iv = row_intervals(got)
        has_c = rounds_of(got.get("c")) is not None
        rows.append(
            f"| {case.label} | {show(got.get('c'))} | {show(got.get('ours'))} | {show(got.get('upstream'))} "
            f"| {stats.show_ratio(iv['ours/upstream'])} | {stats.show_vs_c(iv['ours/C'])} | {stats.show_vs_c(iv['upstream/C'])} "
            f"| {stats.show_overhead(iv['overhead']) if has_c else '—'} |"
        )
    return rows


def targets(cases: dict[str, dict[str, Cell]]) -> list[str]:
    """The issue's targets, row by row: met or not, with the figure that decides."""
    out = []
    for case in CASES:
        got = cases.get(case.id)
        if got is None:
            continue
        iv = row_intervals(got)
        if case.small_object:
            r = iv["ours/upstream"]
            ok = r is not None and r.median <= SMALL_OBJECT_TARGET and r.hi < 1
            figure = "no figure" if r is None else f"{r.median:.2f} ({r.lo:.2f}–{r.hi:.2f})"
            out.append(f"- {case.label}: ours/upstream {figure}, target ≤ {SMALL_OBJECT_TARGET} with the interval below 1: "
                       f"**{'met' if ok else 'not met'}**")
        elif case.in_c and case.size is not None and case.size <= SMALL_BUFFER:
            r = iv["overhead"]
            ok = r is not None and r.median <= OVERHEAD_TARGET
            figure = "no figure (upstream ≈ C)" if r is None else f"{r.median:.2f} ({r.lo:.2f}–{r.hi:.2f})"
            out.append(f"- {case.label}: (ours−C)/(upstream−C) {figure}, target ≤ {OVERHEAD_TARGET}: **{'met' if ok else 'not met'}**")
    return out


def not_faster(cases: dict[str, dict[str, Cell]]) -> list[str]:
    """Rows where ours is not measurably faster than upstream (interval reaching 1 or above it)."""
    out = []
    for case in CASES:
        got = cases.get(case.id)
        r = row_intervals(got)["ours/upstream"] if got else None
        if r is not None and r.hi >= 1:
            out.append(f"{case.label} ({stats.show_ratio(r)})")
    return out


def extra_rows(mpi: dict[str, Any]) -> list[str]:
    rows = ["| | ours | upstream | ours/upstream |", "|---|---:|---:|---:|"]
    for key, what in IMPORT_ROWS.items():
        imp = mpi.get(key, {})
        if not imp:
            continue
        o, u = imp.get("ours", {}), imp.get("upstream", {})
        n = max(len(x.get("samples", [])) for x in (o, u))
        both = "samples" in o and "samples" in u and len(o["samples"]) == len(u["samples"])
        iv = stats.median_interval(stats.paired(o["samples"], u["samples"], stats.ratio)) if both else None
        rows.append(f"| {what}, ms (median (min–max) of {n}, {imp.get('mode', '?')}) | {show(o)} | {show(u)} | {stats.show_ratio(iv)} |")
    build = mpi.get("build_s", {})
    if build:
        o, u = (build.get(k, {}).get("seconds") for k in ("ours", "upstream"))
        notes = [f"{k}: {build[k]['note']}" for k in ("ours", "upstream") if build.get(k, {}).get("note")]
        label = "clean build+install from sdist, s" + (f" ({'; '.join(notes)})" if notes else "")
        ratio = f"{o / u:.2f}" if o and u else "—"
        rows.append(f"| {label} | {'—' if o is None else f'{o:.1f}'} | {'—' if u is None else f'{u:.1f}'} | {ratio} |")
    ext = mpi.get("ext_bytes", {})
    if ext:
        for kind in ("stripped", "unstripped"):
            o, u = (ext.get(k, {}).get(kind) for k in ("ours", "upstream"))
            ratio = f"{o / u:.2f}" if o and u else "—"
            rows.append(f"| `MPI` extension module, {kind}, KiB | {'—' if o is None else f'{o / 1024:.0f}'} "
                        f"| {'—' if u is None else f'{u / 1024:.0f}'} | {ratio} |")
    return rows


def thread_line(mpi: dict[str, Any]) -> str:
    levels = mpi.get("thread_levels", {})
    parts = []
    for k in CONTENDERS:
        seen = levels.get(k) or []
        shown = ", ".join(f"{x['requested']} → {x['provided']}" for x in seen) or "not reported"
        parts.append(f"{k} {shown}")
    return "MPI thread level requested → provided: " + "; ".join(parts) + "."


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


def method(meta: dict[str, Any]) -> str:
    n = meta["runs"]
    cover = stats.median_interval([float(i) for i in range(n)]).coverage
    spread = "min–max" if n < 6 else "order statistics"
    return (
        f"2 ranks, one host, MPI_THREAD_{meta.get('thread_level', 'multiple').upper()} requested by all three contenders. "
        f"{n} rounds; each round runs every contender once, in a random order (seed {meta.get('order_seed', '?')}). "
        f"In each case the iteration count is grown until one block lasts at least {meta.get('target_s', '?')} s; "
        f"then {meta['blocks']} blocks are timed and their median is the round's value. "
        "Times: median over rounds (min–max). Ratios are taken within each round (paired) and shown as their "
        f"median with a {cover:.0%} interval of that median ({spread} of the per-round ratios). A ratio whose interval "
        "includes 1 is shown as ≈ 1; a time over C's is never shown below 1: anything not above C beyond the noise is ≈ C. "
        "(ours−C)/(upstream−C) compares the bindings' own overheads; it is left out (—) when upstream's overhead "
        "itself is within the noise. Send/Recv and lowercase send/recv are half a round trip."
    )


def markdown(doc: dict[str, Any], plot_name: str | None = None) -> str:
    meta = doc["meta"]
    lines = [
        f"# mpi4py benchmark — {meta['date']}{' (quick)' if meta.get('quick') else ''}",
        "",
        method(meta),
        "",
        f"Machine: {meta.get('machine', '?')}. {meta.get('note', '')}".rstrip(),
        "",
    ]
    if plot_name:
        lines += [f"![latency vs size]({plot_name})", ""]
    for mpi_name, mpi in doc["mpis"].items():
        v = mpi.get("versions", {})
        cases = mpi.get("cases", {})
        slower = not_faster(cases)
        flags = mpi.get("build_flags")
        lines += [
            f"## {mpi_name} {mpi.get('mpi_version', '')} — ours {v.get('ours', '?')}, upstream mpi4py {v.get('upstream', '?')}",
            "",
            f"Launched as `{mpi.get('launch', 'mpiexec -n 2')}`. {thread_line(mpi)}",
            "",
            *case_rows(cases),
            "",
            *targets(cases),
            "",
            "Not measurably faster than upstream here: " + ("; ".join(slower) if slower else "none") + ".",
            "",
            *extra_rows(mpi),
            "",
            *([f"Both built from their sdists with CFLAGS=`{flags}`; extension sizes of a `strip`ped copy and as built.", ""]
              if flags else []),
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
