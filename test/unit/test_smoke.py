"""conf/smoke.py against a stand-in mpi4py and a stand-in mpiexec (its logic; the channels run it for real).

The fake launcher starts N copies of the program with FAKE_RANK/FAKE_SIZE set; the fake package's
MPI module and bench commands read them and can be told to misbehave through FAKE_* variables.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
SMOKE = TOP / "conf" / "smoke.py"

FAKE_MPI = """
import os
def Get_version():
    return (3, 1)
def Get_library_version():
    return os.environ.get("FAKE_LIBRARY", "Open MPI v4.1.4, package: Debian")
"""

FAKE_BENCH = """
import os, sys, time
rank, size = int(os.environ.get("FAKE_RANK", 0)), int(os.environ.get("FAKE_SIZE", 1))
command = sys.argv[1]
if os.environ.get("FAKE_PIDDIR"):
    open(os.path.join(os.environ["FAKE_PIDDIR"], str(os.getpid())), "w").close()
if os.environ.get("FAKE_HANG") == command:
    time.sleep(600)
if os.environ.get("FAKE_FAIL") == command:
    sys.exit(3)
if command == "helloworld":
    if not (os.environ.get("FAKE_SILENT_RANK") == str(rank)):
        print(f"Hello, World! I am process {rank} of {size} on host42.")
elif command == "ringtest":
    if rank == 0:
        print(f"time for 1 loops = 1e-05 seconds ({size} processes, 1 bytes)")
else:
    sys.exit(f"unknown command {command}")
"""

FAKE_MAIN = """
import os, sys
if sys.argv[1:] == ["--version"]:
    import mpi4py
    print("mpi4py", os.environ.get("FAKE_CLI_VERSION", mpi4py.__version__))
elif sys.argv[1:] == ["--mpi-library"]:
    print(os.environ.get("FAKE_LIBMPI", os.path.join(os.path.dirname(__file__), "libmpi.so.40")))
else:
    sys.exit(2)
"""

FAKE_MPIEXEC = """
import os, subprocess, sys
args = sys.argv[1:]
assert args[0] == "-n", args
n, cmd = int(args[1]), args[2:]
procs = [subprocess.Popen(cmd, env=dict(os.environ, FAKE_RANK=str(r), FAKE_SIZE=str(n))) for r in range(n)]
sys.exit(max(p.wait() for p in procs))
"""


@pytest.fixture
def fake(tmp_path: Path) -> dict[str, Path]:
    pkg = tmp_path / "site" / "mpi4py"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text('__version__ = "4.2.0"\n')
    (pkg / "MPI.py").write_text(textwrap.dedent(FAKE_MPI))
    (pkg / "bench.py").write_text(textwrap.dedent(FAKE_BENCH))
    (pkg / "__main__.py").write_text(textwrap.dedent(FAKE_MAIN))
    (pkg / "libmpi.so.40").write_bytes(b"")
    launcher = tmp_path / "bin" / "mpiexec"
    launcher.parent.mkdir()
    launcher.write_text(f"#!{sys.executable}\n" + textwrap.dedent(FAKE_MPIEXEC))
    launcher.chmod(0o755)
    return {"site": pkg.parent, "pkg": pkg, "mpiexec": launcher}


def smoke(fake: dict[str, Path], *args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, str(SMOKE), "--python", sys.executable, "--mpiexec", str(fake["mpiexec"]),
           "--pythonpath", str(fake["site"]), *args]
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("FAKE_") and k != "PYTHONPATH"}
    child_env.update(env or {})
    return subprocess.run(cmd, env=child_env, capture_output=True, text=True, timeout=timeout)


def test_passes_and_reports(fake: dict[str, Path]) -> None:
    r = smoke(fake, "--expect-path", str(fake["pkg"]), "--expect-version", "4.2.0", "--expect-library", "open mpi")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "mpi4py      4.2.0 from " + str(fake["pkg"]) in r.stdout
    assert "library     Open MPI v4.1.4" in r.stdout
    assert "I am process 1 of 2" in r.stdout
    assert f"MPI library {fake['pkg'] / 'libmpi.so.40'}" in r.stdout
    assert r.stdout.rstrip().splitlines()[-1].startswith("smoke: OK: mpi4py 4.2.0 with 2 ranks")


def test_three_ranks(fake: dict[str, Path]) -> None:
    r = smoke(fake, "-n", "3")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "I am process 2 of 3" in r.stdout


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--expect-version", "4.1.6"], {}, "imported mpi4py 4.2.0, expected 4.1.6"),
        (["--expect-path", "/usr/lib/python3/dist-packages/mpi4py"], {}, "expected it under /usr/lib/python3/dist-packages/mpi4py"),
        (["--expect-library", "MPICH"], {}, "expected an MPI library matching 'MPICH'"),
        ([], {"FAKE_FAIL": "helloworld"}, "helloworld exited with status 3"),
        ([], {"FAKE_FAIL": "ringtest"}, "ringtest exited with status 3"),
        ([], {"FAKE_SILENT_RANK": "1"}, "saw 1 greeting(s) from ranks [0]"),
        ([], {"FAKE_CLI_VERSION": "4.1.6"}, "python -m mpi4py --version printed 'mpi4py 4.1.6', expected 'mpi4py 4.2.0'"),
        ([], {"FAKE_LIBMPI": "/nonexistent/libmpi.so.12"}, "printed '/nonexistent/libmpi.so.12', expected the path of an existing"),
    ],
)
def test_failures(fake: dict[str, Path], args: list[str], env: dict[str, str], message: str) -> None:
    r = smoke(fake, *args, env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    assert message in r.stdout
    assert "smoke: FAILED at step" in r.stdout


def test_broken_import_fails(fake: dict[str, Path]) -> None:
    (fake["pkg"] / "MPI.py").write_text("raise ImportError('libmpi.so.40: cannot open shared object file')\n")
    r = smoke(fake)
    assert r.returncode == 1
    assert "FAILED at step 'import': importing mpi4py.MPI exited with status 1" in r.stdout
    assert "libmpi.so.40" in r.stdout


def test_timeout_kills_the_ranks(fake: dict[str, Path], tmp_path: Path) -> None:
    piddir = tmp_path / "pids"
    piddir.mkdir()
    start = time.monotonic()
    r = smoke(fake, "--timeout", "3", env={"FAKE_HANG": "ringtest", "FAKE_PIDDIR": str(piddir)})
    assert r.returncode == 1
    assert "timed out after 3 s" in r.stdout
    assert time.monotonic() - start < 30
    # Every rank (2 helloworld + 2 ringtest) recorded its pid; the hanging ones were in the killed group.
    pids = [int(p.name) for p in piddir.iterdir()]
    assert len(pids) == 4
    # SIGKILL is delivered asynchronously: on a busy machine a killed rank may still show as running for a moment.
    deadline = time.monotonic() + 10
    alive = [pid for pid in pids if _running(pid)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [pid for pid in alive if _running(pid)]
    assert not alive, f"ranks still running after the timeout kill: {alive}"


def _running(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except FileNotFoundError:
        return False


def test_cli_is_required(fake: dict[str, Path]) -> None:
    (fake["pkg"] / "__main__.py").write_text("import sys\nsys.exit(2)\n")
    r = smoke(fake)
    assert r.returncode == 1
    assert "python -m mpi4py --version exited with status 2" in r.stdout
    (fake["pkg"] / "__main__.py").unlink()
    r = smoke(fake)
    assert r.returncode == 1
    assert "FAILED at step 'cli': this mpi4py has no command line" in r.stdout


def test_env_option_reaches_children(fake: dict[str, Path]) -> None:
    r = smoke(fake, "--env", "FAKE_LIBRARY=MPICH Version: 4.0", "--expect-library", "mpich")
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--env", "NOVALUE"], "--env 'NOVALUE': expected NAME=VALUE"),
        (["--np", "0"], "--np 0: give at least 1 rank"),
        (["--timeout", "-1"], "--timeout -1: give a positive number"),
    ],
)
def test_bad_arguments(fake: dict[str, Path], args: list[str], message: str) -> None:
    r = smoke(fake, *args)
    assert r.returncode == 2
    assert message in r.stderr


def test_missing_mpiexec_is_named(fake: dict[str, Path]) -> None:
    r = subprocess.run([sys.executable, str(SMOKE), "--mpiexec", "no-such-mpiexec-here"], capture_output=True, text=True)
    assert r.returncode == 1
    assert "--mpiexec 'no-such-mpiexec-here': not found or not executable" in r.stdout


def test_help() -> None:
    r = subprocess.run([sys.executable, str(SMOKE), "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for option in ("--python", "--mpiexec", "--pythonpath", "--env", "--expect-path", "--expect-version", "--expect-library", "--timeout"):
        assert option in r.stdout
