"""Try-compile/try-link checks against the configured MPI, and the CONFIGURE symbol probes."""

from __future__ import annotations

import os
import shlex
import subprocess
import sysconfig
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mpibuild import symbols
from mpibuild.config import CC_VARS, GET_MPI_HELP, ConfigError, MPIConfig

HELLO = r"""
#include <mpi.h>
int main(int argc, char **argv)
{
  int rank = 0;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Finalize();
  return rank < 0;
}
"""
BATCH = 48  # symbols per probe compile; bisect only when a batch fails


def _default_cc() -> list[str]:
    return shlex.split(sysconfig.get_config_var("CC") or "cc")


def compile_command(conf: MPIConfig) -> list[str]:
    cmd = list(conf.mpicc) or _default_cc()
    cmd += [f"-I{d}" for d in conf.include_dirs]
    for name, value in conf.define_macros:
        cmd.append(f"-D{name}" if value is None else f"-D{name}={value}")
    cmd += [f"-U{n}" for n in conf.undef_macros]
    return cmd + list(conf.extra_compile_args)


def link_flags(conf: MPIConfig) -> list[str]:
    flags = [f"-L{d}" for d in conf.library_dirs]
    flags += [f"-Wl,-rpath,{d}" for d in conf.runtime_library_dirs]
    flags += [f"-l{lib}" for lib in conf.libraries]
    return flags + list(conf.extra_link_args)


def link_command(conf: MPIConfig) -> list[str]:
    return list(conf.mpild or conf.mpicc) or _default_cc()


@dataclass
class Attempt:
    """The outcome of a try-compile/try-link: which step ran last, and what it printed."""

    ok: bool
    step: str = ""  # "compile" or "link"
    command: list[str] = field(default_factory=list)
    status: str = ""  # "exit 1", "not found", "timed out"
    output: str = ""


def _run(step: str, cmd: list[str], cwd: str) -> Attempt:
    try:
        result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    except OSError as exc:  # missing or non-executable program
        return Attempt(False, step, cmd, "could not run", str(exc))
    except subprocess.TimeoutExpired:
        return Attempt(False, step, cmd, "timed out after 300 s")
    output = (result.stdout + result.stderr).strip()
    return Attempt(result.returncode == 0, step, cmd, f"exit {result.returncode}", output)


def try_link(conf: MPIConfig, source: str, extra_cflags: list[str] | None = None) -> Attempt:
    """Compile and link ``source`` into an executable."""
    with tempfile.TemporaryDirectory(prefix="mpi4py-probe-") as tmp:
        Path(tmp, "hello.c").write_text(source)
        attempt = _run("compile", [*compile_command(conf), *(extra_cflags or []), "-c", "hello.c", "-o", "hello.o"], tmp)
        if not attempt.ok:
            return attempt
        return _run("link", [*link_command(conf), "hello.o", "-o", "hello.exe", *link_flags(conf)], tmp)


def _fix_hint(conf: MPIConfig) -> str:
    origin = conf.origin("mpicc")
    if origin in CC_VARS:
        return f"Fix: set {origin} to a working MPI C compiler wrapper (it is {shlex.join(conf.mpicc)!r}), or unset it."
    if origin == "PATH":
        return (f"Fix: the mpicc found on PATH ({conf.mpicc[0]}) does not work; repair that MPI, take it off PATH, "
                "or choose another with MPI4PY_BUILD_MPICC.")
    if conf.cfg:
        return f"Fix: correct the settings in {conf.cfg} (from MPI4PY_BUILD_MPICFG/MPICFG); mpi.cfg documents the keys."
    return "Fix: set MPI4PY_BUILD_MPICC or MPI4PY_BUILD_MPICFG."


def check_hello(conf: MPIConfig) -> None:
    """The first check of every build: can we build an MPI program at all? Raises ConfigError if not."""
    attempt = try_link(conf, HELLO)
    if attempt.ok:
        return
    said = attempt.output.splitlines()
    if len(said) > 8:
        said = ["...", *said[-8:]]
    shown = "\n".join(f"    {line}" for line in said) if said else "    (no output)"
    raise ConfigError(
        f"cannot build a minimal MPI program, so mpi4py cannot be built.\n"
        f"The {attempt.step} step failed ({attempt.status}):\n"
        f"  $ {shlex.join(attempt.command)}\n{shown}\n"
        f"Settings used:\n{conf.describe()}\n"
        f"{_fix_hint(conf)}\n\n{GET_MPI_HELP}"
    )


ABI_SOURCE = """\
#include "mpi4py/pympi.h"
pympi_abi_family = PYMPI_MPI_ABI ;
pympi_std_version = MPI_VERSION . MPI_SUBVERSION ;
"""


def header_facts(conf: MPIConfig, gendir: Path, include_dir: Path) -> dict[str, str]:
    """MPI family and standard version claimed by ``mpi.h``, read with the preprocessor (no run).

    Uses the family detection of ``pympi.h`` itself, so there is one definition of it.
    """
    with tempfile.TemporaryDirectory(prefix="mpi4py-probe-") as tmp:
        Path(tmp, "facts.c").write_text(ABI_SOURCE)
        cmd = [*compile_command(conf), f"-I{gendir}", f"-I{include_dir}", "-E", "facts.c"]
        attempt = _run("preprocess", cmd, tmp)
    facts: dict[str, str] = {}
    if not attempt.ok:
        return facts
    for line in attempt.output.splitlines():
        key, eq, value = line.partition("=")
        if eq and key.strip() in ("pympi_abi_family", "pympi_std_version"):
            facts[key.strip().removeprefix("pympi_")] = value.replace(";", "").replace(" ", "").strip('"')
    return facts


def _probe_source(batch: list[tuple[int, symbols.Symbol]]) -> str:
    body = "\n".join(symbols.probe_snippet(s, i) for i, s in batch)
    return f"#include <mpi.h>\n{body}\nint main(void) {{ return 0; }}\n"


# Missing declarations must fail the compile, not become implicit ones.
_STRICT = ["-Werror=implicit-function-declaration", "-Werror=int-conversion"]


_STATS_LOCK = threading.Lock()


@dataclass
class ProbeStats:
    symbols: int = 0
    batches: int = 0
    compiles: int = 0
    jobs: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.symbols} symbols in {self.batches} batches, {self.compiles} compiles "
                f"on {self.jobs} jobs, {self.seconds:.1f} s")


def _probe_batch(conf: MPIConfig, batch: list[tuple[int, symbols.Symbol]], stats: ProbeStats) -> set[str]:
    with _STATS_LOCK:
        stats.compiles += 1
    if try_link(conf, _probe_source(batch), _STRICT).ok:
        return {s.name for _, s in batch}
    if len(batch) == 1:
        return set()
    mid = len(batch) // 2
    return _probe_batch(conf, batch[:mid], stats) | _probe_batch(conf, batch[mid:], stats)


def probe_symbols(conf: MPIConfig, table: list[symbols.Symbol], jobs: int | None = None,
                  stats: ProbeStats | None = None) -> set[str]:
    """Names of the symbols that compile and link with this MPI (batched, parallel, bisect on failure)."""
    stats = stats if stats is not None else ProbeStats()
    start = time.monotonic()
    items = [(i, s) for i, s in enumerate(table) if s.kind in symbols.PROBED_KINDS]
    batches = [items[k : k + BATCH] for k in range(0, len(items), BATCH)]
    workers = jobs or max(1, min(len(batches), os.cpu_count() or 1))
    stats.symbols, stats.batches, stats.jobs = len(items), len(batches), workers
    present: set[str] = set()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for found in pool.map(lambda b: _probe_batch(conf, b, stats), batches):
            present |= found
    stats.seconds = time.monotonic() - start
    return present
