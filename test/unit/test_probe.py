"""conf/mpibuild/probe.py with fake compilers: the hello check's message and the batched probes (no MPI)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from mpibuild import config, probe, symbols

FAKE_CC = """\
#!{python}
# A stand-in compiler: "compiles" unless the source mentions a name listed in MISSING.
import sys
MISSING = {missing!r}
args = sys.argv[1:]
out = args[args.index("-o") + 1]
if "-c" in args:
    text = open(args[args.index("-c") + 1]).read()
    bad = [name for name in MISSING if name + "(" in text or name + ";" in text or name + ")" in text]
    if bad:
        sys.exit("error: implicit declaration of function " + bad[0])
open(out, "w").write("ok")
"""


def fake_compiler(tmp_path: Path, missing: list[str]) -> Path:
    path = tmp_path / "fakecc"
    path.write_text(FAKE_CC.format(python=sys.executable, missing=missing))
    path.chmod(0o755)
    return path


def test_hello_failure_names_the_variable_and_the_fix(tmp_path: Path) -> None:
    conf = config.resolve({"PATH": str(tmp_path), "MPICC": "/bin/false"})
    with pytest.raises(config.ConfigError) as exc:
        probe.check_hello(conf)
    text = str(exc.value)
    assert "cannot build a minimal MPI program" in text
    assert "The compile step failed (exit 1)" in text and "$ /bin/false" in text
    assert "Fix: set MPICC to a working MPI C compiler wrapper" in text
    assert "pip install mpich" in text and "apt install libmpich-dev" in text
    assert len(text.splitlines()) < 25  # short: no compiler novel, no traceback


def test_hello_failure_shows_the_tail_of_the_compiler_output(tmp_path: Path) -> None:
    cc = fake_compiler(tmp_path, ["MPI_Init"])
    conf = config.resolve({"PATH": str(tmp_path), "MPI4PY_BUILD_MPICC": str(cc)})
    with pytest.raises(config.ConfigError) as exc:
        probe.check_hello(conf)
    assert "implicit declaration of function MPI_Init" in str(exc.value)
    assert "Fix: set MPI4PY_BUILD_MPICC" in str(exc.value)


def test_hello_with_cfg_only_points_at_the_cfg(tmp_path: Path) -> None:
    cfg = tmp_path / "x.cfg"
    cfg.write_text("[mpi]\nmpicc =\ninclude_dirs = /nonexistent/include\nlibraries = pympi_no_such_lib\n")
    conf = config.resolve({"PATH": "/usr/bin:/bin", "MPICFG": str(cfg)})
    with pytest.raises(config.ConfigError, match=rf"Fix: correct the settings in {cfg}:mpi"):
        probe.check_hello(conf)


def test_hello_passes_with_a_working_compiler(tmp_path: Path) -> None:
    conf = config.resolve({"PATH": str(tmp_path), "MPICC": str(fake_compiler(tmp_path, []))})
    probe.check_hello(conf)  # no exception


def test_commands_carry_every_cfg_setting() -> None:
    conf = config.MPIConfig(mpicc=["mpicc", "-v"], include_dirs=["/i"], define_macros=[("A", None), ("B", "2")],
                            undef_macros=["C"], extra_compile_args=["-O0"], library_dirs=["/l"],
                            runtime_library_dirs=["/r"], libraries=["mpi"], extra_link_args=["-s"])
    assert probe.compile_command(conf) == ["mpicc", "-v", "-I/i", "-DA", "-DB=2", "-UC", "-O0"]
    assert probe.link_command(conf) == ["mpicc", "-v"]
    assert probe.link_flags(conf) == ["-L/l", "-Wl,-rpath,/r", "-lmpi", "-s"]


def _table(count: int) -> list[symbols.Symbol]:
    table = [symbols.parse_line(f"1.0 func int MPI_Fake{i}(int)") for i in range(count)]
    return [s for s in table if s is not None]


@pytest.mark.parametrize("missing", [[], ["MPI_Fake7"], ["MPI_Fake3", "MPI_Fake60", "MPI_Fake99"]])
def test_probes_batch_and_bisect_only_on_failure(tmp_path: Path, missing: list[str]) -> None:
    table = _table(100)
    conf = config.MPIConfig(mpicc=[str(fake_compiler(tmp_path, missing))])
    stats = probe.ProbeStats()
    present = probe.probe_symbols(conf, table, jobs=2, stats=stats)
    assert present == {s.name for s in table} - set(missing)
    batches = math.ceil(100 / probe.BATCH)
    assert stats.batches == batches and stats.symbols == 100 and stats.jobs == 2
    # One compile per batch, plus a bisection of at most 2*log2(BATCH) compiles per missing symbol.
    assert batches <= stats.compiles <= batches + len(missing) * 2 * math.ceil(math.log2(probe.BATCH))
    if not missing:
        assert stats.compiles == batches
    assert "symbols in" in stats.summary()
