"""The tests session per platform (conf/noxlib/platforms.py), the Windows MPI build cfgs
(conf/cibw/install_mpi.py, read back by conf/mpibuild/config.py) and run_mpi's time limit
(conf/launch.py), exercised on Linux."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import launch
import pytest
from cibw import install_mpi
from mpibuild.config import resolve
from noxlib import platforms

TOP = Path(__file__).resolve().parents[2]
LAUNCH = TOP / "conf" / "launch.py"


# -- which MPIs on which platform ----------------------------------------------------------------


def test_platform_comes_from_the_variable_else_sys_platform() -> None:
    assert platforms.nox_platform({}, default="linux") == "linux"
    assert platforms.nox_platform({"MPI4PY_NOX_PLATFORM": " win32 "}, default="linux") == "win32"
    assert platforms.nox_platform({"MPI4PY_NOX_PLATFORM": ""}, default="darwin") == "darwin"
    with pytest.raises(platforms.PlatformError, match=r"MPI4PY_NOX_PLATFORM='windows'.*win32"):
        platforms.nox_platform({"MPI4PY_NOX_PLATFORM": "windows"})


def test_windows_gets_msmpi_and_intel_posix_gets_mpich_and_openmpi() -> None:
    assert platforms.test_mpis("win32") == ("msmpi", "intel")
    assert platforms.test_mpis("linux") == ("mpich", "openmpi")
    assert platforms.test_mpis("darwin") == ("mpich", "openmpi")


def list_tests_sessions(platform: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "MPI4PY_NOX_PLATFORM"}
    if platform:
        env["MPI4PY_NOX_PLATFORM"] = platform
    out = subprocess.run([sys.executable, "-m", "nox", "--list", "--json", "-k", "tests"], cwd=TOP, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return [s["session"] for s in json.loads(out.stdout) if s["name"] == "tests"]


def test_nox_lists_the_sessions_of_the_chosen_platform() -> None:
    assert list_tests_sessions("win32") == ["tests(mpi='msmpi')", "tests(mpi='intel')"]
    assert list_tests_sessions("linux") == ["tests(mpi='mpich')", "tests(mpi='openmpi')"]
    if sys.platform.startswith("linux"):  # unset: this machine's own (never MS-MPI on Linux)
        assert list_tests_sessions(None) == ["tests(mpi='mpich')", "tests(mpi='openmpi')"]


def test_a_wrong_platform_value_stops_nox_with_the_variable_named() -> None:
    env = {**os.environ, "MPI4PY_NOX_PLATFORM": "win64"}
    out = subprocess.run([sys.executable, "-m", "nox", "--list"], cwd=TOP, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert "MPI4PY_NOX_PLATFORM='win64'" in out.stdout + out.stderr
    assert "Traceback" not in out.stdout + out.stderr


def test_mpiexec_of_each_mpi() -> None:
    venv = Path("/venv")
    assert platforms.mpiexec_path("mpich", venv, "linux") == venv / "bin" / "mpiexec"
    assert platforms.mpiexec_path("intel", venv, "win32", {}) == venv / "Library" / "bin" / "mpiexec.exe"
    msmpi_bin = "C:\\Program Files\\Microsoft MPI\\Bin\\"
    assert platforms.mpiexec_path("msmpi", venv, "win32", {"MSMPI_BIN": msmpi_bin}) == Path(msmpi_bin) / "mpiexec.exe"
    with pytest.raises(platforms.PlatformError, match="MSMPI_BIN is not set.*install-msmpi.ps1"):
        platforms.mpiexec_path("msmpi", venv, "win32", {})
    with pytest.raises(platforms.PlatformError, match="mpi='mpich' is not a Windows MPI"):
        platforms.mpiexec_path("mpich", venv, "win32", {})


# -- build cfgs for the Windows MPIs ---------------------------------------------------------------


def fake_sdk(root: Path, library: str) -> tuple[Path, Path]:
    include, lib = root / "Include", root / "Lib" / "x64"
    include.mkdir(parents=True)
    lib.mkdir(parents=True)
    (include / "mpi.h").write_text("/* mpi.h */\n")
    (lib / f"{library}.lib").write_bytes(b"!<arch>\n")
    return include, lib


def test_msmpi_cfg_from_the_sdk_variables_is_what_the_build_reads(tmp_path: Path) -> None:
    include, lib = fake_sdk(tmp_path / "Microsoft SDKs" / "MPI", "msmpi")
    layout = install_mpi.msmpi_layout({"MSMPI_INC": f"{include}{os.sep}", "MSMPI_LIB64": f"{lib}{os.sep}"})
    cfg = install_mpi.write_windows_cfg(tmp_path / "out" / "msmpi.cfg", *layout)
    # A wrapper on PATH must not win over the cfg: the build uses the plain compiler with these settings.
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "mpicc").write_text("#!/bin/sh\n")
    (bindir / "mpicc").chmod(0o755)
    conf = resolve({"PATH": str(bindir), "MPI4PY_BUILD_MPICFG": str(cfg)})
    assert conf.mpicc == []
    assert conf.include_dirs == [str(include)]  # the folder with a space in its name stays one path
    assert conf.library_dirs == [str(lib)]
    assert conf.libraries == ["msmpi"]


def test_msmpi_without_the_sdk_variables_says_what_to_install() -> None:
    with pytest.raises(ValueError, match=r"MSMPI_INC and MSMPI_LIB64 not set: install the MS-MPI SDK"):
        install_mpi.msmpi_layout({})
    with pytest.raises(ValueError, match=r"^MSMPI_LIB64 not set"):
        install_mpi.msmpi_layout({"MSMPI_INC": "C:\\x"})


def test_intel_cfg_from_the_venv_layout(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    include, lib, library = install_mpi.impi_layout(venv)
    assert (include, lib, library) == (venv / "Library" / "include", venv / "Library" / "lib", "impi")
    with pytest.raises(ValueError, match=r"no mpi\.h in .*Library.include"):
        install_mpi.write_windows_cfg(tmp_path / "intel.cfg", include, lib, library)
    include.mkdir(parents=True)
    (include / "mpi.h").write_text("")
    with pytest.raises(ValueError, match=r"no impi\.lib in"):
        install_mpi.write_windows_cfg(tmp_path / "intel.cfg", include, lib, library)
    lib.mkdir(parents=True)
    (lib / "impi.lib").write_bytes(b"")
    cfg = install_mpi.write_windows_cfg(tmp_path / "intel.cfg", include, lib, library)
    conf = resolve({"PATH": "", "MPI4PY_BUILD_MPICFG": str(cfg)})
    assert (conf.mpicc, conf.include_dirs, conf.library_dirs, conf.libraries) == ([], [str(include)], [str(lib)], ["impi"])


# -- run_mpi's time limit ---------------------------------------------------------------------------

# A parent that starts a child ignoring SIGTERM and prints its pid, then both sleep: like mpiexec and a hung rank.
HUNG = """
import signal, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(600)"],
    stdout=subprocess.PIPE, text=True)
child.stdout.readline()
print(child.pid, flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie waiting for its reaper is dead


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc (Linux)")
def test_timeout_kills_the_command_and_its_children(tmp_path: Path) -> None:
    start = time.monotonic()
    out = subprocess.run([sys.executable, str(LAUNCH), "--timeout", "2", "--grace", "1", "--", sys.executable, "-c", HUNG],
                         capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - start
    assert out.returncode == launch.TIMED_OUT, out.stderr
    assert "still running after 2 s" in out.stderr
    child = int(out.stdout.split()[-1])
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child), f"the child {child} (ignoring SIGTERM) survived the timeout"
    assert elapsed < 30


def test_timeout_passes_the_exit_status_and_output_through() -> None:
    out = subprocess.run([sys.executable, str(LAUNCH), "--timeout", "60", "--", sys.executable, "-c",
                          "import sys; print('hello'); sys.exit(3)"], capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout) == (3, "hello\n")


def test_timeout_bad_arguments_are_named() -> None:
    assert launch.main(["--timeout", "5", "--", "/nonexistent/mpiexec"]) == 127
    with pytest.raises(SystemExit) as exc:
        launch.main(["--timeout", "5"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        launch.main(["--timeout", "0", "--", "true"])
