"""What the tests under mpiexec import by name (test/mpi, test/hardening/mpi): the launcher of the jobs
they start themselves, what this build compiled, job-size marks and the expected-MPI-error check.

Imported as ``mpi_helpers`` (pytest's ``pythonpath`` puts ``test/`` on the path); the suites' conftests
hold only pytest hooks and fixtures.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from mpi4py import MPI

MPIEXEC_VARIABLE = "MPI4PY_TEST_MPIEXEC"


def mpiexec() -> str:
    """The launcher of the jobs the tests start themselves (test_spawning, test_futures_launch, test_stubs).

    ``MPI4PY_TEST_MPIEXEC`` (a path, or a command name looked up on PATH) when set: the distro checks
    name the mpiexec of the MPI the package was built for, which need not be /usr/bin/mpiexec.
    Otherwise the mpiexec next to the running Python (an MPI installed from PyPI), then ``mpiexec`` on PATH.
    """
    chosen = os.environ.get(MPIEXEC_VARIABLE, "").strip()
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise FileNotFoundError(f"{MPIEXEC_VARIABLE}={chosen!r} is not an executable file nor a command on PATH; "
                                    "set it to the mpiexec of the MPI that mpi4py was built with, or unset it")
        return found
    beside = Path(sys.executable).parent / "mpiexec"
    if beside.exists():
        return str(beside)
    found = shutil.which("mpiexec")
    if found is None:
        raise FileNotFoundError(f"no mpiexec next to {sys.executable} nor on PATH; install an MPI into this environment "
                                f"or set {MPIEXEC_VARIABLE} to the mpiexec of the MPI that mpi4py was built with")
    return found


# Starts its own MPI jobs: only from the single-process run (the 2- and 3-rank runs would start it N times).
spawning = pytest.mark.ranks(max=1)


# Open MPI 4.1 built against an external PMIx 4 (Debian 12: Open MPI 4.1.4 with PMIx 4.2.2) hangs now
# and then in MPI_Comm_spawn: the parent waits forever in the connect/accept that follows the launch
# (ORTE's publish/lookup; the job log ends with "LOOKUP ... pmix_server_pub.c timed out").
SPAWN_HANG_BUGS = "openpmix/openpmix#2735; the same log: mpi4py/mpi4py#247"


def pmix_library_version() -> str | None:
    """``PMIx_Get_version()`` of a PMIx shared library this process has loaded (an MPI built against an
    external PMIx), else None (no such library, or not Linux)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            paths = {line.split()[-1] for line in maps if "/libpmix.so" in line}
    except OSError:
        return None
    for path in sorted(paths):
        try:
            get_version = ctypes.CDLL(path).PMIx_Get_version
        except (OSError, AttributeError):
            continue
        get_version.restype = ctypes.c_char_p
        text = get_version()
        return text.decode(errors="replace") if text else None
    return None


def spawn_hang_reason(vendor: tuple[str, tuple[int, ...]], pmix_version: str | None) -> str | None:
    """Why MPI_Comm_spawn cannot be tested reliably with this MPI, or None when it can.

    ``vendor`` is ``MPI.get_vendor()``; ``pmix_version`` what ``pmix_library_version()`` found.
    Only Open MPI 4.x running on an external PMIx of major version 4 or later is named: upstream's table
    has Open MPI 4.1.2 and 4.1.4 hanging with PMIx 4.1 to 4.2 and 4.1.4 passing with PMIx 3.2.
    """
    name, version = vendor
    if name != "Open MPI" or version[:1] != (4,) or not pmix_version:
        return None
    found = re.search(r"(\d+)\.(\d+)", pmix_version)
    if found is None or int(found.group(1)) < 4:
        return None
    release = ".".join(map(str, version))
    return (f"Open MPI {release} on an external PMIx ({pmix_version.split(' (')[0]}) hangs intermittently in "
            f"MPI_Comm_spawn's connect/accept ({SPAWN_HANG_BUGS})")


# MPICH's ch4:ucx netmod, when a parent job of several ranks spawns again soon after an earlier child
# exited: a non-root rank connects to the earlier child's shared-memory address ("open(/proc/<old pid>/fd/..)
# failed", "MPIDI_UCX_insert_upid ... Shared memory error"). Seen with PyPI MPICH 5.0.2 at 2 ranks, about
# 1 in 500 spawns on a loaded machine (3 in 1500), 0 in 1200 with the ofi netmod under the same load.
RESPAWN_RACE = "MPICH ch4:ucx reconnects to a child that already exited"


def mpich_netmod(library_version: str, environ: Mapping[str, str]) -> str | None:
    """The CH4 netmod an MPICH job runs on (``ucx``, ``ofi``), or None for other MPIs and MPICH's ch3.

    ``MPIR_CVAR_CH4_NETMOD`` picks one when set; otherwise MPICH takes the first of the netmods it was
    configured with, in the order ``MPI.Get_library_version()`` lists them ("MPICH Device: ch4:ucx ofi").
    """
    device = re.search(r"^MPICH Device:\s*ch4:(\S+)((?:[ \t]+\S+)*)", library_version, re.MULTILINE)
    if device is None:
        return None
    configured = [name for part in (device.group(1), device.group(2)) for name in re.split(r"[\s,]+", part) if name]
    chosen = environ.get("MPIR_CVAR_CH4_NETMOD", "").strip().lower()
    return chosen if chosen in configured else configured[0]


def respawn_race_reason() -> str | None:
    """Why this job cannot spawn a second child from several ranks reliably, or None when it can."""
    if MPI.COMM_WORLD.Get_size() > 1 and mpich_netmod(MPI.Get_library_version(), os.environ) == "ucx":
        return (f"{RESPAWN_RACE} when a job of several ranks spawns twice; this job spawns once "
                "(the ofi netmod, as in `nox -s tests_network`, and Open MPI run both)")
    return None


def built_with(routine: str) -> bool:
    """Whether this build compiled ``routine`` from the MPI library (not its fallback stub).

    Decided by what the build found, not by ``MPI.Get_version()``: some libraries (Open MPI 5) provide
    MPI-4 routines while their mpi.h reports MPI 3.1.
    """
    return routine not in MPI._missing_symbols()


def library() -> str:
    """The running MPI library, for skip reasons: ``MPICH 3.4.3``."""
    name, version = MPI.get_vendor()
    return f"{name} {'.'.join(map(str, version))}"


def mpi4_only(call, routine: str) -> bool:  # noqa: ANN001
    """Run ``call``; when the build lacks ``routine`` it must raise NotImplementedError naming it instead.

    Returns True when the call ran, False after checking the unavailable-routine error.
    """
    if built_with(routine):
        call()
        return True
    with pytest.raises(NotImplementedError, match=routine):
        call()
    return False


@contextmanager
def mpi_error(*classes: int) -> Iterator[None]:
    """Expect ``MPI.Exception`` whose error class is one of ``classes`` (MPIs differ for some misuse)."""
    try:
        yield
    except MPI.Exception as exc:
        assert exc.Get_error_class() in classes, (
            f"error class {exc.Get_error_class()} ({exc}), expected one of {classes}")
        assert str(exc), "an MPI error must have a message"
    else:
        raise AssertionError(f"no MPI.Exception raised (expected error class in {classes})")
