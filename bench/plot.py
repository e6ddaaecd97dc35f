"""PNG plot: Send/Recv latency vs message size per MPI (top) and the same relative to C (bottom)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.cases import CONTENDERS, LABELS, SIZE_CASES

STYLE = {"c": ("k", "s", "-"), "ours": ("tab:blue", "o", "-"), "upstream": ("tab:orange", "^", "--")}


def _series(mpi: dict[str, Any], contender: str) -> tuple[list[int], list[float], list[float], list[float]]:
    xs, med, lo, hi = [], [], [], []
    for case in SIZE_CASES:
        c = mpi.get("cases", {}).get(case.id, {}).get(contender, {})
        if "median" in c and case.size is not None:
            xs.append(case.size)
            med.append(c["median"])
            lo.append(c["median"] - c["min"])
            hi.append(c["max"] - c["median"])
    return xs, med, lo, hi


def _size_label(n: float, _pos: object = None) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n:g} B"


def plot_latency(doc: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, FuncFormatter

    mpis = list(doc["mpis"].items())
    fig, axes = plt.subplots(2, len(mpis), figsize=(6 * len(mpis), 8), squeeze=False, sharex=True,
                             gridspec_kw={"height_ratios": [3, 2]})
    sizes = [case.size for case in SIZE_CASES if case.size is not None]
    for col, (name, mpi) in enumerate(mpis):
        top, bottom = axes[0][col], axes[1][col]
        base = dict(zip(*_series(mpi, "c")[:2]))
        for k in CONTENDERS:
            xs, med, lo, hi = _series(mpi, k)
            if not xs:
                continue
            color, marker, line = STYLE[k]
            top.errorbar(xs, med, yerr=[lo, hi], color=color, marker=marker, linestyle=line, capsize=3, label=LABELS[k])
            rel = [(x, m / base[x]) for x, m in zip(xs, med) if base.get(x)]
            if rel:
                bottom.plot([x for x, _ in rel], [r for _, r in rel], color=color, marker=marker, linestyle=line, label=LABELS[k])
        missing = [k for k in CONTENDERS if not _series(mpi, k)[0]]
        title = f"{name} {mpi.get('mpi_version', '')}".strip()
        if missing:
            title += f"\n(no Send/Recv data: {', '.join(LABELS[k] for k in missing)})"
        top.set_title(title)
        top.set_xscale("log", base=2)
        top.set_yscale("log")
        top.set_ylabel("half round trip, µs (median; bars min–max)")
        top.grid(True, which="both", alpha=0.3)
        top.legend()
        bottom.set_xscale("log", base=2)
        bottom.axhline(1.0, color="k", linewidth=0.8)
        bottom.set_ylabel("latency / C latency")
        bottom.set_xlabel("message size")
        bottom.grid(True, alpha=0.3)
        bottom.xaxis.set_major_locator(FixedLocator(sizes))
        bottom.xaxis.set_major_formatter(FuncFormatter(_size_label))
    quick = " (quick run)" if doc["meta"].get("quick") else ""
    fig.suptitle(f"Send/Recv latency vs message size, 2 ranks\n{doc['meta']['date']}{quick}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
