"""Try-compile/try-link checks against the configured MPI, and the CONFIGURE symbol probes."""

from __future__ import annotations

import os
import shlex
import subprocess
import sysconfig
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mpibuild import symbols
from mpibuild.config import GET_MPI_HELP, ConfigError, MPIConfig

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


def _run(cmd: list[str], cwd: str) -> tuple[bool, str]:
    try:
        result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    except FileNotFoundError as exc:
        return False, str(exc)
    except subprocess.TimeoutExpired:
        return False, "timed out after 300 s"
    return result.returncode == 0, (result.stdout + result.stderr).strip()


def try_link(conf: MPIConfig, source: str, extra_cflags: list[str] | None = None) -> tuple[bool, str]:
    """Compile and link ``source`` into an executable; (ok, compiler output)."""
    with tempfile.TemporaryDirectory(prefix="mpi4py-probe-") as tmp:
        Path(tmp, "probe.c").write_text(source)
        ok, out = _run([*compile_command(conf), *(extra_cflags or []), "-c", "probe.c", "-o", "probe.o"], tmp)
        if not ok:
            return False, out
        return _run([*link_command(conf), "probe.o", "-o", "probe.exe", *link_flags(conf)], tmp)


def check_hello(conf: MPIConfig) -> None:
    """The first check of every build: can we build an MPI program at all?"""
    ok, output = try_link(conf, HELLO)
    if ok:
        return
    tail = "\n".join(output.splitlines()[-6:])
    raise ConfigError(
        "cannot compile and link an MPI program.\n"
        f"Tried: {shlex.join(compile_command(conf))} ... && {shlex.join(link_command(conf))} ...\n"
        f"Settings:\n{conf.describe()}\n"
        f"Compiler said:\n{tail}\n\n{GET_MPI_HELP}"
    )


def _probe_source(batch: list[tuple[int, symbols.Symbol]]) -> str:
    body = "\n".join(symbols.probe_snippet(s, i) for i, s in batch)
    return f"#include <mpi.h>\n{body}\nint main(void) {{ return 0; }}\n"


# Missing declarations must fail the compile, not become implicit ones.
_STRICT = ["-Werror=implicit-function-declaration", "-Werror=int-conversion"]


def _probe_batch(conf: MPIConfig, batch: list[tuple[int, symbols.Symbol]]) -> set[str]:
    ok, _ = try_link(conf, _probe_source(batch), _STRICT)
    if ok:
        return {s.name for _, s in batch}
    if len(batch) == 1:
        return set()
    mid = len(batch) // 2
    return _probe_batch(conf, batch[:mid]) | _probe_batch(conf, batch[mid:])


def probe_symbols(conf: MPIConfig, table: list[symbols.Symbol], jobs: int | None = None) -> set[str]:
    """Names of the symbols that compile and link with this MPI (batched, parallel)."""
    items = [(i, s) for i, s in enumerate(table) if s.kind in symbols.PROBED_KINDS]
    batches = [items[k : k + BATCH] for k in range(0, len(items), BATCH)]
    workers = jobs or max(2, (os.cpu_count() or 1) * 2)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda b: _probe_batch(conf, b), batches)
        present: set[str] = set()
        for found in results:
            present |= found
    return present
