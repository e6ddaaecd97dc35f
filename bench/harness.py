"""The measuring driver: runs the contenders of a plan in rounds, times imports, writes the results.

Each round runs every contender once (all its cases in one ``mpiexec -n 2`` job), in an order drawn
at random per round (the seed is recorded), so no contender always runs right after another; rows
then compare contenders within each round (bench/stats.py).

``python -m bench.harness PLAN.json`` (from the repository root). The plan is written by the nox
session ``bench`` (conf/noxlib/bench.py), which prepares one venv per contender and MPI; see
``Plan`` below for its fields. Exit status 1 when any contender failed any case (the results are
written first, with the failures listed), so a missing feature never passes as a skipped row.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import cases as C
from bench import report

PINGPONG_PY = Path(__file__).resolve().parent / "pingpong.py"
# pingpong.py imports bench.stats: the repository (whose top level holds no mpi4py) goes on PYTHONPATH.
REPO = Path(__file__).resolve().parents[1]
# argv[1] == "noinit": rc.initialize=False, so only the module itself is timed (no MPI_Init_thread).
IMPORT_SNIPPET = (
    "import json, sys, time\n"
    "t0 = time.perf_counter()\n"
    "import mpi4py\n"
    "if sys.argv[1:] == ['noinit']:\n"
    "    mpi4py.rc.initialize = False\n"
    "    mpi4py.rc.finalize = False\n"
    "import mpi4py.MPI\n"
    "t1 = time.perf_counter()\n"
    "print(json.dumps({'ms': (t1 - t0) * 1e3, 'version': mpi4py.__version__, 'file': mpi4py.__file__}))\n"
)
IMPORT_VARIANTS = {"import_ms": "init", "import_noinit_ms": "noinit"}
LAUNCH_TIMEOUT = 600
THREAD_LEVELS = ("single", "funneled", "serialized", "multiple")


@dataclass
class Contender:
    name: str
    cmd: list[str] = field(default_factory=list)  # program + leading args; BLOCKS TARGET_S CASE... are appended
    python: str | None = None  # for the import timing (Python contenders only)
    version: str | None = None  # expected mpi4py.__version__: guards against running the wrong package
    error: str | None = None  # set when preparing it failed: every case is reported failed
    mpiexec: str | None = None  # the launcher of its own venv (default: the MPI's)
    env: dict[str, str] = field(default_factory=dict)  # added to the MPI's environment (PATH of its venv)


@dataclass
class MPISetup:
    name: str
    mpi_version: str
    mpiexec: str
    env: dict[str, str]
    contenders: dict[str, Contender]
    build_s: dict[str, Any]
    wheel_bytes: dict[str, int]
    launch_args: list[str]
    launch_env: dict[str, str]
    ext_bytes: dict[str, dict[str, int]] = field(default_factory=dict)  # contender -> {"stripped", "unstripped"}
    build_flags: str = ""


def load_plan(path: Path) -> tuple[dict[str, Any], list[MPISetup]]:
    plan = json.loads(path.read_text())
    setups = []
    for name, m in plan["mpis"].items():
        contenders = {k: Contender(name=k, **m["contenders"][k]) for k in C.CONTENDERS}
        setups.append(MPISetup(name, m["mpi_version"], m["mpiexec"], m["env"], contenders, m.get("build_s", {}), m.get("wheel_bytes", {}),
                               m.get("launch_args", []), m.get("launch_env", {}), m.get("ext_bytes", {}), m.get("build_flags", "")))
    return plan, setups


def launch(cmd: list[str], env: dict[str, str], timeout: int) -> tuple[int, str, str]:
    """Run CMD in its own process group; on timeout kill the whole group (mpiexec and its ranks)."""
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return -1, out, err + f"\n[harness] killed after {timeout} s"
    return proc.returncode, out, err


def parse_lines(text: str) -> list[dict[str, Any]]:
    records = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return records


def run_value(block_us: list[float]) -> float:
    """One run's value for a case: the median of its timed blocks (each at least the target duration,
    so a single stalled time slice moves one block, not the value)."""
    return statistics.median(block_us)


class CaseRuns:
    """Per contender and case: one value per round (None where that round produced none), and errors."""

    def __init__(self, rounds: int) -> None:
        self.rounds = rounds
        self.values: dict[tuple[str, str], list[float | None]] = {}
        self.iters: dict[tuple[str, str], list[int]] = {}
        self.errors: dict[tuple[str, str], list[str]] = {}
        self.na: set[tuple[str, str]] = set()
        self.thread_levels: dict[str, set[tuple[str, str]]] = {}

    def broken(self, contender: str) -> set[str]:
        return {case for (k, case), errs in self.errors.items() if k == contender and errs}

    def add(self, contender: str, rnd: int, rec: dict[str, Any]) -> None:
        key = (contender, rec["case"])
        if rec.get("na"):
            self.na.add(key)
        elif "error" in rec:
            where = f" (rank {rec['rank']})" if "rank" in rec else ""
            self.errors.setdefault(key, []).append(rec["error"] + where)
        else:
            self.values.setdefault(key, [None] * self.rounds)[rnd] = run_value(rec["block_us"])
            if "iters" in rec:
                self.iters.setdefault(key, []).append(int(rec["iters"]))

    def thread_level(self, contender: str, level: dict[str, str]) -> None:
        self.thread_levels.setdefault(contender, set()).add((level["requested"], level["provided"]))

    def fail(self, contender: str, case: str, error: str) -> None:
        self.errors.setdefault((contender, case), []).append(error)

    def table(self) -> dict[str, dict[str, report.Cell]]:
        out: dict[str, dict[str, report.Cell]] = {}
        for case in C.CASES:
            row: dict[str, report.Cell] = {}
            for k in C.CONTENDERS:
                key = (k, case.id)
                if (k == "c" and not case.in_c) or key in self.na:
                    row[k] = {"na": True}
                else:
                    row[k] = report.cell(self.values.get(key, [None] * self.rounds), self.errors.get(key, []), self.iters.get(key, []))
            out[case.id] = row
        return out

    def levels(self) -> dict[str, list[dict[str, str]]]:
        return {k: [{"requested": r, "provided": p} for r, p in sorted(v)] for k, v in self.thread_levels.items()}


def one_run(setup: MPISetup, contender: Contender, rnd: int, quick: bool, thread_level: str, results: CaseRuns, log: Any) -> None:
    k = contender.name
    wanted = [c for c in C.CASES if (c.in_c or k != "c") and c.id not in results.broken(k)]
    if contender.error:
        for case in wanted:
            results.fail(k, case.id, contender.error)
        return
    if not wanted:
        return
    cmd = [contender.mpiexec or setup.mpiexec, *setup.launch_args, "-n", "2", *contender.cmd, str(C.blocks(quick)),
           str(C.target_s(quick)), *C.case_args({c.id for c in wanted})]
    t0 = time.perf_counter()
    env = {**setup.env, **contender.env, "MPI4PY_BENCH_THREAD_LEVEL": thread_level, "PYTHONPATH": str(REPO)}
    rc, out, err = launch(cmd, env, LAUNCH_TIMEOUT)
    records = parse_lines(out)
    header = next((r for r in records if "mpi4py" in r), None)
    if contender.version and header and header["mpi4py"] != contender.version:
        for case in wanted:
            results.fail(k, case.id, f"wrong mpi4py: expected {contender.version}, imported {header['mpi4py']} from {header['file']}")
        return
    seen = set()
    for rec in records:
        if "thread_level" in rec:
            results.thread_level(k, rec["thread_level"])
        if "case" in rec:
            results.add(k, rnd, rec)
            seen.add(rec["case"])
    if rc != 0:
        tail = " | ".join(err.strip().splitlines()[-3:]) if err.strip() else "no stderr"
        fatal = [r["case"] for r in records if r.get("fatal")]
        for case in wanted:
            if case.id not in seen:
                results.fail(k, case.id, f"job exited with status {rc} before this case finished: {tail}")
        log(f"  {k}: exit {rc} (failed cases: {', '.join(fatal) or 'unknown'}): {tail}")
    log(f"  {setup.name}/{k}: {len(seen)} cases in {time.perf_counter() - t0:.1f} s")


def time_imports(setup: MPISetup, samples: int, variant: str, log: Any) -> dict[str, Any]:
    """``import mpi4py.MPI`` in fresh processes, ours and upstream interleaved; singleton init if it works.

    VARIANT ``init`` times the import as users see it (it calls MPI_Init_thread); ``noinit`` sets
    ``mpi4py.rc.initialize = False`` first, which leaves the cost of loading the module itself.
    """
    pythons = {k: c for k, c in setup.contenders.items() if c.python and not c.error}
    out: dict[str, Any] = {k: {"error": c.error or "no python"} for k, c in setup.contenders.items() if k != "c" and k not in pythons}
    if not pythons:
        return out
    mode = "singleton init"
    probe = next(iter(pythons.values()))
    rc, _, _ = launch([probe.python, "-c", IMPORT_SNIPPET, variant], {**setup.env, **probe.env}, 120)
    if rc != 0:
        mode = "mpiexec -n 1"
    samples_ms: dict[str, list[float]] = {k: [] for k in pythons}
    errors: dict[str, str] = {}
    for _ in range(samples):
        for k, c in pythons.items():
            if k in errors:
                continue
            prefix = [c.mpiexec or setup.mpiexec, "-n", "1"] if mode != "singleton init" else []
            rc, text, err = launch([*prefix, c.python, "-c", IMPORT_SNIPPET, variant], {**setup.env, **c.env}, 120)
            recs = parse_lines(text)
            if rc != 0 or not recs:
                errors[k] = f"import failed (exit {rc}): {' | '.join(err.strip().splitlines()[-2:])}"
            elif c.version and recs[0]["version"] != c.version:
                errors[k] = f"wrong mpi4py: expected {c.version}, imported {recs[0]['version']} from {recs[0]['file']}"
            else:
                samples_ms[k].append(recs[0]["ms"])
    for k in pythons:
        out[k] = {"error": errors[k]} if k in errors else {"samples": samples_ms[k], **report.summarize(samples_ms[k])}
    out["mode"] = mode
    log(f"  {setup.name}: import timing ({variant}) done ({mode})")
    return out


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def load() -> str:
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def measure(setups: list[MPISetup], quick: bool, runs: int, thread_level: str, note: str, log: Any,
            seed: int | None = None) -> dict[str, Any]:
    load_start = load()
    seed = random.SystemRandom().randrange(1 << 32) if seed is None else seed
    rng = random.Random(seed)
    doc: dict[str, Any] = {
        "schema": 1,
        "meta": {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "quick": quick,
            "runs": runs,
            "blocks": C.blocks(quick),
            "target_s": C.target_s(quick),
            "order_seed": seed,
            "thread_level": thread_level,
            "machine": machine(),
            "note": note,
        },
        "mpis": {},
    }
    for setup in setups:
        log(f"==> {setup.name} {setup.mpi_version}: {runs} rounds x {len(C.CONTENDERS)} contenders, random order per round")
        results = CaseRuns(runs)
        orders = []
        for r in range(runs):
            order = list(C.CONTENDERS)
            rng.shuffle(order)
            orders.append(order)
            log(f" round {r + 1}/{runs}: {', '.join(order)}")
            for k in order:
                one_run(setup, setup.contenders[k], r, quick, thread_level, results, log)
        doc["mpis"][setup.name] = {
            "mpi_version": setup.mpi_version,
            "launch": " ".join([*(f"{k}={v}" for k, v in setup.launch_env.items()), "mpiexec", *setup.launch_args, "-n", "2"]),
            "versions": {k: c.version for k, c in setup.contenders.items() if c.version},
            "orders": orders,
            "thread_levels": results.levels(),
            "cases": results.table(),
            **{key: time_imports(setup, C.import_samples(quick), variant, log) for key, variant in IMPORT_VARIANTS.items()},
            "build_s": setup.build_s,
            "wheel_bytes": setup.wheel_bytes,
            "ext_bytes": setup.ext_bytes,
            "build_flags": setup.build_flags,
        }
    doc["meta"]["load_average"] = f"{load_start} at start, {load()} at end (1/5/15 min)"
    return doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.harness", description=__doc__.split("\n\n")[0])
    ap.add_argument("plan", type=Path, help="plan JSON written by the nox session 'bench'")
    ap.add_argument("--runs", type=int, default=None, help="rounds (each contender once per round; default: 3 quick, 9 full)")
    ap.add_argument("--seed", type=int, default=None, help="seed of the contender order per round (default: random, recorded)")
    args = ap.parse_args(argv)
    if not args.plan.is_file():
        ap.error(f"plan {args.plan} does not exist; run 'nox -s bench' which writes it")
    if args.runs is not None and args.runs < 1:
        ap.error(f"--runs must be at least 1, got {args.runs}")

    start = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f} s] {msg}", flush=True)

    plan, setups = load_plan(args.plan)
    quick = bool(plan.get("quick"))
    runs = args.runs or C.runs(quick)
    note = plan.get("note", "")
    thread_level = plan.get("thread_level") or "multiple"
    if thread_level not in THREAD_LEVELS:
        ap.error(f"plan: thread_level={thread_level!r} is not one of {', '.join(THREAD_LEVELS)}")
    doc = measure(setups, quick, runs, thread_level, note, log, args.seed)
    doc["meta"]["note"] = (note + " " if note else "") + f"Load average {doc['meta']['load_average']}."
    outdir = Path(plan["out"])
    paths = report.write(doc, outdir, plan["stem"])
    for kind, path in paths.items():
        log(f"wrote {kind}: {path}")
    if plan.get("readme"):
        rel = os.path.relpath(outdir, Path(plan["readme"]).parent)
        report.update_readme(Path(plan["readme"]), report.readme_block(doc, rel, plan["stem"]))
        log(f"updated {plan['readme']}")
    print(report.markdown(doc, None))
    fails = report.failures(doc)
    if fails:
        print(f"\nFAILED: {len(fails)} case(s) did not run:", *fails, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
