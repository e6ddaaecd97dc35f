"""Build-time catalogue cases checked with real ``pip install`` runs (MPICH from PyPI in this venv)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from build_helpers import IGNORE, PINGPONG, TOP, VENV_BIN, Result, build_env, mpiexec, pip, pip_install

APT_MPICC = {"mpich": Path("/usr/bin/mpicc.mpich"), "openmpi": Path("/usr/bin/mpicc.openmpi")}


def short_error(result: Result, *needles: str) -> None:
    """The build failed with our one message: exit != 0, every needle present, no traceback."""
    assert result.returncode != 0, result.show()
    for needle in needles:
        assert needle in result.output, f"{needle!r} not in:\n{result.show(60)}"
    assert "Traceback" not in result.output, result.show(80)


def digest(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((site / "mpi4py").rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def test_read_only_source_dir(tree: Path, tmp_path: Path) -> None:
    """pip install from a read-only mount: one message naming the directory and the fix."""
    if shutil.which("unshare") is None:
        pytest.fail("needs unshare (util-linux) to make a read-only bind mount")
    site = tmp_path / "site-packages"
    cmd = (f"mount --bind {tree} {tree} && mount -o remount,bind,ro {tree} && "
           f"{sys.executable} -m pip install -v --no-deps --no-build-isolation --no-index --target {site} {tree}")
    done = subprocess.run(["unshare", "-m", "sh", "-c", cmd], env=build_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=300)
    result = Result(done.returncode, done.stdout)
    short_error(result, f"the mpi4py source directory {tree} is read-only", "Copy the sources to a writable directory")
    assert not (site / "mpi4py").exists()


def test_mixed_real_wrappers(tree: Path, tmp_path: Path) -> None:
    """MPICH's mpicc with Open MPI's linker wrapper (Debian's libmpich-dev + libopenmpi-dev)."""
    missing = [str(p) for p in APT_MPICC.values() if not p.exists()]
    assert not missing, f"install libmpich-dev and libopenmpi-dev (apt) for this test: missing {missing}"
    env = build_env(MPICC=str(APT_MPICC["mpich"]), MPILD=str(APT_MPICC["openmpi"]))
    result = pip_install(tree, tmp_path / "site-packages", env)
    short_error(result, "error: cannot build a minimal MPI program", "undefined reference to `MPIR_Dup_fn'",
                "Fix: set MPILD to the linker wrapper of the same MPI as the compiler wrapper")
    assert "cythonizing" not in result.output  # stopped before any real work


def test_configure_with_broken_probe_compiler(tree: Path, tmp_path: Path) -> None:
    cc = tmp_path / "oldcc"
    cc.write_text(f'#!/bin/sh\ncase "$*" in *-Werror=*) echo "cc: unknown option -Werror" >&2; exit 1;; esac\n'
                  f'exec "{VENV_BIN / "mpicc"}" "$@"\n')
    cc.chmod(0o755)
    start = time.monotonic()
    result = pip_install(tree, tmp_path / "site-packages", build_env(MPICC=str(cc), MPI4PY_BUILD_CONFIGURE="1"))
    short_error(result, "MPI4PY_BUILD_CONFIGURE: the compiler cannot build even an empty symbol probe",
                "unset MPI4PY_BUILD_CONFIGURE", "cc: unknown option -Werror")
    assert time.monotonic() - start < 120  # no bisection through hundreds of probe compiles


def test_interrupted_build_then_rebuild_then_failed_upgrade(tmp_path: Path) -> None:
    """Ctrl-C during Cython, rebuild from the same tree (must work), then failing builds over the
    installed copy must leave it intact and importable."""
    src = tmp_path / "src"
    shutil.copytree(TOP, src, ignore=IGNORE, symlinks=True)  # own tree: Cython must really run
    site = tmp_path / "site-packages"
    cmd = [sys.executable, "-m", "pip", "install", "-v", "--no-deps", "--no-build-isolation", "--no-index",
           "--target", str(site), str(src)]
    # Unbuffered: pip's stdout is a pipe, and a block-buffered "cythonizing" line could arrive only when
    # the build is nearly done, too late to interrupt Cython.
    # SIGINT's default action restored in the child: a job started in the background of a non-interactive
    # shell (`bash .ci/run &`, or a step of .ci/run's together()) inherits SIGINT ignored, and Python then
    # never raises KeyboardInterrupt -- the build ran to the end (exit 0) in two CI rehearsals.
    proc = subprocess.Popen(cmd, env=dict(build_env(), PYTHONUNBUFFERED="1"), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seen = []
    assert proc.stdout is not None
    for line in proc.stdout:
        seen.append(line)
        if "mpi4py: cythonizing" in line:
            time.sleep(3)  # well inside Cython's run
            os.killpg(proc.pid, signal.SIGINT)
            break
    proc.stdout.read()
    code = proc.wait(timeout=120)
    assert code != 0, "".join(seen[-30:])
    assert not (site / "mpi4py").exists()
    assert not list(src.glob("build/temp.*/gensrc/MPI.c")), "an interrupted Cython run left a (truncated) MPI.c"

    again = pip_install(src, site, build_env())
    assert again.returncode == 0, again.show(60)
    run = mpiexec(2, site, "-c", PINGPONG)
    assert run.returncode == 0 and "reply 42" in run.output, run.show()
    before = digest(site)

    upgrade = ["--upgrade"]
    broken = tmp_path / "broken.cfg"  # passes the hello check, breaks the compile of MPI.c itself
    broken.write_text(f"[mpi]\nmpicc = {VENV_BIN / 'mpicc'}\ndefine_macros = CYTHON_INLINE=pympi_broken_inline\n")
    failing = [
        ({"MPICC": "/bin/false"}, "Fix: set MPICC to a working MPI C compiler wrapper"),
        ({"MPICFG": str(broken)}, "pympi_broken_inline"),
    ]
    for extra, needle in failing:
        result = pip("install", "-v", "--no-deps", "--no-build-isolation", "--no-index", *upgrade, "--target",
                     str(site), str(src), env=build_env(**extra))
        assert result.returncode != 0 and needle in result.output, result.show(40)
        assert digest(site) == before, f"a failed build ({extra}) changed the installed copy"
        run = mpiexec(2, site, "-c", PINGPONG)
        assert run.returncode == 0 and "reply 42" in run.output, run.show()
