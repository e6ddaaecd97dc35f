"""Tests that start their own processes: rc/initialization, the CLI, the bench, abort on error.

They run only in the single-process run (``mpiexec -n 1``), from a clean launcher environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from mpi_helpers import mpiexec, spawning
from mpi_plugin import clean_env

pytestmark = spawning


def run_python(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    # Under mpiexec -n 1, not as a singleton: Open MPI 4 wheels cannot start singletons.
    return subprocess.run([mpiexec(), "-n", "1", sys.executable, *args], capture_output=True, text=True,
                          timeout=timeout, env=clean_env(**env))


def run_mpiexec(n: int, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([mpiexec(), "-n", str(n), sys.executable, *args], capture_output=True, text=True,
                          timeout=timeout, env=clean_env())


# -- rc and initialization ---------------------------------------------------------------------

def test_rc_initialize_false_then_init() -> None:
    code = textwrap.dedent("""
        import mpi4py
        mpi4py.rc.initialize = False
        from mpi4py import MPI
        before = MPI.Is_initialized()
        MPI.Init()
        print(before, MPI.Is_initialized(), MPI.COMM_WORLD.Get_size())
        MPI.Finalize()
        print(MPI.Is_finalized())
    """)
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "1", "True"]


def test_rc_thread_level_and_init_thread() -> None:
    code = textwrap.dedent("""
        import mpi4py
        mpi4py.rc(thread_level="serialized")
        from mpi4py import MPI
        print(MPI.Query_thread() <= MPI.THREAD_SERIALIZED, MPI.Query_thread() >= MPI.THREAD_SINGLE)
    """)
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
    code = ("import mpi4py; mpi4py.rc(initialize=False); from mpi4py import MPI; "
            "p = MPI.Init_thread(MPI.THREAD_FUNNELED); print(p == MPI.Query_thread())")
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


def test_rc_finalize_false_leaves_mpi_running() -> None:
    code = textwrap.dedent("""
        import atexit, mpi4py
        mpi4py.rc.finalize = False
        from mpi4py import MPI
        atexit.register(lambda: print("finalized at exit:", MPI.Is_finalized()))
    """)
    result = run_python("-c", code)
    assert "finalized at exit: False" in result.stdout, result.stderr


def test_rc_bad_value_is_a_clear_error() -> None:
    result = run_python("-c", "import mpi4py; mpi4py.rc.thread_level = 'lots'; from mpi4py import MPI")
    assert result.returncode != 0
    assert "mpi4py.rc.thread_level" in result.stderr and "'multiple'" in result.stderr


def test_rc_errors_fatal_aborts() -> None:
    code = "import mpi4py; mpi4py.rc.errors = 'fatal'; from mpi4py import MPI; MPI.COMM_WORLD.Send(b'x', dest=99); print('survived')"
    result = run_python("-c", code)
    assert result.returncode != 0 and "survived" not in result.stdout


# -- command line ------------------------------------------------------------------------------

def test_cli_version_prefix() -> None:
    import mpi4py

    result = run_python("-m", "mpi4py", "--version")
    assert result.returncode == 0 and result.stdout.strip() == f"mpi4py {mpi4py.__version__}"
    result = run_python("-m", "mpi4py", "--prefix")
    assert result.returncode == 0 and Path(result.stdout.strip()) == Path(mpi4py.__file__).parent


def test_cli_mpi_library_is_the_loaded_libmpi() -> None:
    from mpi4py import MPI

    result = run_python("-m", "mpi4py", "--mpi-library")
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path.is_absolute() and path.is_file() and path == path.resolve()
    assert path.name.startswith("libmpi")
    assert path.read_bytes()[:4] == b"\x7fELF"
    with open("/proc/self/maps") as maps:
        loaded = {os.path.realpath(line.split()[-1]) for line in maps if "/" in line}
    assert str(path) in loaded  # the very library this process uses
    assert MPI._mpi_library_path()


def test_cli_mpi_versions() -> None:
    from mpi4py import MPI

    result = run_python("-m", "mpi4py", "--mpi-std-version")
    assert result.stdout.strip() == "MPI-{}.{}".format(*MPI.Get_version())
    result = run_python("-m", "mpi4py", "--mpi-lib-version")
    assert result.stdout.strip().splitlines()[0] == MPI.Get_library_version().strip().splitlines()[0]


def test_cli_help_and_usage_errors() -> None:
    result = run_python("-m", "mpi4py", "--help")
    assert result.returncode == 0 and "--mpi-library" in result.stdout and "-rc" in result.stdout
    result = run_python("-m", "mpi4py", "--bogus")
    assert result.returncode == 2 and "unknown option '--bogus'" in result.stderr
    result = run_python("-m", "mpi4py", "-rc", "nonsense=1", "-c", "pass")
    assert result.returncode == 2 and "unexpected argument 'nonsense'" in result.stderr
    result = run_python("-m", "mpi4py", "missing_script.py")
    assert result.returncode == 2 and "missing_script.py" in result.stderr


def test_cli_runs_command_module_script(tmp_path: Path) -> None:
    result = run_python("-m", "mpi4py", "-rc", "thread_level=single", "-c",
                        "import sys; from mpi4py import MPI; print(__name__, sys.argv[1:], MPI.Query_thread() == MPI.THREAD_SINGLE)",
                        "a", "b")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["__main__", "['a',", "'b']", "True"]
    script = tmp_path / "prog.py"
    script.write_text("import sys\nprint('script', __name__, sys.argv[1:])\n")
    result = run_python("-m", "mpi4py", str(script), "x")
    assert result.stdout.strip() == "script __main__ ['x']", result.stderr
    result = run_python("-m", "mpi4py", "-m", "mpi4py.bench", "helloworld")
    assert result.returncode == 0 and "Hello, World! I am process 0 of 1" in result.stdout


def test_cli_exception_aborts_job_fast(tmp_path: Path) -> None:
    script = tmp_path / "fail.py"
    script.write_text(textwrap.dedent("""
        from mpi4py import MPI
        comm = MPI.COMM_WORLD
        if comm.Get_rank() == 1:
            raise ZeroDivisionError("rank 1 failed on purpose")
        comm.recv(source=1)  # would wait forever without the abort
    """))
    start = time.monotonic()
    result = run_mpiexec(2, "-m", "mpi4py", str(script), timeout=60)
    elapsed = time.monotonic() - start
    assert result.returncode != 0
    assert "ZeroDivisionError: rank 1 failed on purpose" in result.stderr
    assert elapsed < 10, f"job took {elapsed:.1f} s to end"


def test_cli_sys_exit_nonzero_aborts_job() -> None:
    code = "import sys; from mpi4py import MPI; c = MPI.COMM_WORLD\nif c.rank == 1: sys.exit(5)\nc.recv(source=1)"
    result = run_mpiexec(2, "-m", "mpi4py", "-c", code, timeout=60)
    assert result.returncode != 0


def test_cli_clean_exit_is_zero() -> None:
    result = run_mpiexec(2, "-m", "mpi4py", "-c", "from mpi4py import MPI; MPI.COMM_WORLD.Barrier()")
    assert result.returncode == 0, result.stderr


# -- bench -------------------------------------------------------------------------------------

def test_bench_under_mpiexec() -> None:
    result = run_mpiexec(2, "-m", "mpi4py.bench", "helloworld")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        f"Hello, World! I am process {r} of 2 on {line.split(' on ', 1)[1]}" for r, line in enumerate(result.stdout.splitlines()[:2])
    ]
    result = run_mpiexec(2, "-m", "mpi4py.bench", "ringtest", "-n", "50", "-s", "4096")
    assert result.returncode == 0, result.stderr
    assert "time for 50 loops" in result.stdout and "2 processes, 4096 bytes" in result.stdout
    result = run_mpiexec(2, "-m", "mpi4py.bench", "pingpong", "-m", "1", "-M", "1024", "-n", "20")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if not line.startswith("#")]
    assert [int(r[0]) for r in rows] == [1 << i for i in range(11)]
    assert all(float(r[1]) > 0 for r in rows)
    result = run_mpiexec(2, "-m", "mpi4py.bench", "pingpong", "--pickle", "-M", "64", "-n", "5")
    assert result.returncode == 0 and "pickle" in result.stdout


def test_bench_help_and_errors() -> None:
    result = run_python("-m", "mpi4py.bench", "--help")
    assert result.returncode == 0 and all(cmd in result.stdout for cmd in ("helloworld", "ringtest", "pingpong"))
    for cmd in ("helloworld", "ringtest", "pingpong"):
        result = run_python("-m", "mpi4py.bench", cmd, "--help")
        assert result.returncode == 0 and "--quiet" in result.stdout
    result = run_python("-m", "mpi4py.bench", "pingpong")
    assert result.returncode != 0 and "at least 2 MPI processes" in result.stderr
    result = run_python("-m", "mpi4py.bench", "pingpong", "-m", "8", "-M", "4")
    assert result.returncode == 2 and "--min-size" in result.stderr


@pytest.mark.parametrize("args", [["-n", "3"], ["-n", "3", "-p"]])
def test_bench_ringtest_single_process(args: list[str]) -> None:
    result = run_python("-m", "mpi4py.bench", "ringtest", *args)
    assert result.returncode == 0 and "time for 3 loops" in result.stdout


def test_cli_reads_program_from_stdin() -> None:
    # Plain python, no MPI in the program: mpiexec stdin forwarding differs between launchers
    # (Open MPI 5 does not pass on EOF), and the CLI itself initializes MPI only to abort.
    code = "import sys\nprint('stdin', __name__, sys.argv)\n"
    result = subprocess.run([sys.executable, "-m", "mpi4py", "-", "arg"], input=code,
                            capture_output=True, text=True, timeout=60, env=clean_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "stdin __main__ ['-', 'arg']"


def test_cli_rc_several_options() -> None:
    code = "import mpi4py; from mpi4py import MPI; print(mpi4py.rc.thread_level, mpi4py.rc.irecv_bufsz, mpi4py.rc.threads)"
    result = run_python("-m", "mpi4py", "-rc", "thread_level=funneled, irecv_bufsz=1024,threads=true", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["funneled", "1024", "True"]


def test_comm_abort_ends_the_job() -> None:
    code = "from mpi4py import MPI\nc = MPI.COMM_WORLD\nif c.rank == 1: c.Abort(7)\nc.recv(source=1)\nprint('not reached')"
    start = time.monotonic()
    result = run_mpiexec(2, "-c", code, timeout=60)
    assert result.returncode != 0 and "not reached" not in result.stdout
    assert time.monotonic() - start < 10


def test_rc_errors_abort_aborts() -> None:
    code = "import mpi4py; mpi4py.rc.errors = 'abort'; from mpi4py import MPI; MPI.COMM_WORLD.Send(b'x', dest=99); print('survived')"
    result = run_python("-c", code)
    assert result.returncode != 0 and "survived" not in result.stdout
