"""Sessions: tests_pythons (every supported CPython, and the abi3 wheel), tests_network (TCP instead of shared memory).

``nox -s tests_pythons`` builds and runs the MPI tests at 2 ranks with MPICH from PyPI on each CPython of
``interpreters.SUPPORTED`` (3.9 ... 3.13; found on PATH or in pyenv's versions). From the oldest limited
API on (3.11, ``mpibuild.pysabi.OLDEST``) the same session also runs them with the one ``cp311-abi3``
wheel: built once (by the first session that needs it, 3.11 in a full run), ``abi3audit --strict`` clean,
reused by the newer CPythons. One CPython: ``nox -s "tests_pythons(3.13)"``.

``nox -s tests_network`` runs the 2-rank MPI tests with shared memory off and TCP on loopback forced
(the stand-in for a job across nodes), reusing the wheels of ``nox -s tests``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import nox
from mpibuild import pysabi

from noxlib.common import QUICK_BUILD_ENV, TOP, build_wheel, install_mpi, install_ours, run_mpi
from noxlib.interpreters import interpreters

PYTHONS = interpreters()
VERSION_OF = {python: version for version, python in PYTHONS.items()}
BUILD = TOP / "build" / "pythons"
RANKS = 2
MPI_TESTS = ("python", "-m", "pytest", "-p", "no:cacheprovider", "-q", "test/mpi")
# The per-version builds check each CPython's C API and runtime, not the optimizer (QUICK_BUILD_ENV).
# The -O2 builds are tested by `nox -s tests` (3.11) and, below, the abi3 wheel (3.11-3.13), which is
# built exactly as a release builds it.
ABI3_ENV = {"MPI4PY_BUILD_PYSABI": "1"}  # the oldest limited API (pysabi.OLDEST)


def _tag(wheel: Path) -> str:
    """The python-abi part of a wheel's name, e.g. cp39-cp39 or cp311-abi3."""
    return "-".join(wheel.name.split("-")[2:4])


def _mpi_tests(session: nox.Session, label: str, env: dict[str, str] | None = None) -> float:
    session.log(f"==> {label}: MPI tests with {RANKS} ranks (MPICH from PyPI)")
    start = time.monotonic()
    session.chdir(TOP)
    run_mpi(session, RANKS, *MPI_TESTS, *session.posargs, mpi="mpich", env=env)
    return time.monotonic() - start


@nox.session
@nox.parametrize("python", list(PYTHONS.values()), ids=list(PYTHONS))
def tests_pythons(session: nox.Session) -> None:
    """MPI tests at 2 ranks with PyPI MPICH on one CPython: its own build, then (3.11+) the abi3 wheel."""
    version = VERSION_OF[str(session.python)]
    major, minor = map(int, version.split("."))
    timings: list[tuple[str, float]] = []
    start = time.monotonic()
    install_mpi(session, "mpich")
    session.install("pytest", "numpy")
    timings.append(("venv", time.monotonic() - start))

    start = time.monotonic()
    wheel = build_wheel(session, BUILD / f"cp{major}{minor}", env=QUICK_BUILD_ENV)
    if _tag(wheel) != f"cp{major}{minor}-cp{major}{minor}":
        session.error(f"{wheel.name}: expected a cp{major}{minor} wheel from Python {version}")
    timings.append((f"build {_tag(wheel)} (-O0)", time.monotonic() - start))
    install_ours(session, wheel)
    timings.append((f"tests {_tag(wheel)}", _mpi_tests(session, f"Python {version}, {wheel.name}")))

    if (major, minor) >= pysabi.OLDEST:
        start = time.monotonic()
        abi3 = build_wheel(session, BUILD / "abi3", env=ABI3_ENV)
        expected = f"{pysabi.tag(pysabi.OLDEST)}-abi3"
        if _tag(abi3) != expected:
            session.error(f"{abi3.name}: MPI4PY_BUILD_PYSABI=1 should give a {expected} wheel")
        session.install("abi3audit")
        session.run("abi3audit", "--strict", "--verbose", str(abi3))
        timings.append(("abi3 wheel (built once, then reused) + abi3audit", time.monotonic() - start))
        install_ours(session, abi3)
        # The wheel's run path names the venv that built it: this venv's own MPICH comes first.
        libdir = Path(session.virtualenv.location) / "lib"
        timings.append((f"tests {expected}", _mpi_tests(session, f"Python {version}, {abi3.name}", {"LD_LIBRARY_PATH": str(libdir)})))
    for name, seconds in timings:
        session.log(f"timing Python {version}: {name:48s} {seconds:6.1f} s")


# Shared memory off, TCP on the loopback interface: what the ranks of a job on several nodes use.
NETWORK_ENV: dict[str, dict[str, str]] = {
    # CH4 with the libfabric netmod and its tcp provider on lo; NOLOCAL makes every peer "remote".
    "mpich": {"MPIR_CVAR_CH4_NETMOD": "ofi", "FI_PROVIDER": "tcp", "FI_TCP_IFACE": "lo", "MPIR_CVAR_NOLOCAL": "1"},
    # The ob1 PML over the self and tcp BTLs only (no shared-memory BTL), on lo.
    "openmpi": {"OMPI_MCA_pml": "ob1", "OMPI_MCA_btl": "self,tcp", "OMPI_MCA_btl_tcp_if_include": "lo"},
}
# Proof that the settings took: rank 0 prints how the library sees the job, plus the MPI's own report.
TRANSPORT_PROBE = """\
from mpi4py import MPI
comm = MPI.COMM_WORLD
shared = comm.Split_type(MPI.COMM_TYPE_SHARED)
assert comm.allreduce(comm.Get_rank()) == 1
if comm.Get_rank() == 0:
    print("shared-memory peers:", shared.Get_size(), flush=True)
"""
TRANSPORT_REPORT: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "mpich": ({"MPIR_CVAR_DEBUG_SUMMARY": "1"}, (r"libfabric provider: tcp - 127\.0\.0\.1",)),
    "openmpi": ({"OMPI_MCA_btl_base_verbose": "100"}, (r"btl: tcp: Using interface: lo\b", r"bml: Using tcp btl for send to")),
}


@nox.session
@nox.parametrize("mpi", list(NETWORK_ENV))
def tests_network(session: nox.Session, mpi: str) -> None:
    """2-rank MPI tests with the network transport forced (TCP on loopback, no shared memory)."""
    build_env = install_mpi(session, mpi)
    session.install("pytest", "numpy")
    wheel = build_wheel(session, TOP / "build" / f"wheel-{mpi}", env=build_env)  # the wheel of `nox -s tests`
    install_ours(session, wheel)
    env = NETWORK_ENV[mpi]
    extra, patterns = TRANSPORT_REPORT[mpi]
    output = run_mpi(session, RANKS, "python", "-c", TRANSPORT_PROBE, mpi=mpi, env={**env, **extra}, silent=True) or ""
    missing = [pattern for pattern in patterns if not re.search(pattern, output)]
    if missing:
        session.error(f"{mpi}: {' '.join(f'{k}={v}' for k, v in env.items())} did not select TCP on loopback "
                      f"(no {missing} in the job's output):\n{output}")
    shared = re.search(r"shared-memory peers: (\d+)", output)
    session.log(f"{mpi}: transport report matches {list(patterns)}; {shared.group(0) if shared else 'no probe output'}")
    if mpi == "mpich" and (shared is None or shared.group(1) != "1"):
        session.error(f"mpich: MPIR_CVAR_NOLOCAL=1 should leave each rank without shared-memory peers:\n{output}")
    start = time.monotonic()
    session.chdir(TOP)
    run_mpi(session, RANKS, *MPI_TESTS, *session.posargs, mpi=mpi, env=env)
    session.log(f"timing {mpi} over TCP: MPI tests at {RANKS} ranks {time.monotonic() - start:.1f} s")
