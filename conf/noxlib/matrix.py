"""Session build_matrix: one sdist, installed with every build backend, against MPI from PyPI.

``nox -s build_matrix`` builds each backend against one MPI and setuptools against both (four builds,
not six: ``MATRIX_BACKENDS``): MPICH with setuptools and meson-python, Open MPI with setuptools and
scikit-build-core. For each: ``pip install <sdist>`` (build isolation, as a user would), the MPI tests
from the sdist under ``mpiexec -n 1`` and ``-n 2``, and the installed file list and METADATA, which
must be identical for the backends of one MPI (setuptools, in both, links the three). Subsets:

    nox -s "build_matrix(mpi='mpich')"                   # one MPI
    nox -s build_matrix -- scikit-build-core meson-python  # these backends for each MPI (>= 2 to compare)

With MPICH it also checks editable installs (setuptools, meson-python; meson-python rebuilds on import).
"""

from __future__ import annotations

import json
import os
import shutil
import tarfile
import time
from pathlib import Path

import nox

from noxlib import installed
from noxlib.common import MPIS, QUICK_BUILD_ENV, TOP, build_sdist_from_checkout, install_mpi, run_mpi, venv_bin

BACKENDS = ("setuptools", "scikit-build-core", "meson-python")
# Which backends each MPI builds by default: every backend once, setuptools (the default) with both.
MATRIX_BACKENDS = {"mpich": ("setuptools", "meson-python"), "openmpi": ("setuptools", "scikit-build-core")}
# What differs between backends is the built module, which 2 ranks exercise; the 1-rank-only tests
# (spawning jobs: a minute with Open MPI) run in `nox -s tests` on its wheel.
RANKS = (2,)
EDITABLE_MPI = "mpich"  # editable installs (setuptools, meson-python) are checked against this MPI only
MATRIX = TOP / "build" / "matrix"
# Not part of the sdist's inputs: build outputs, caches, VCS and CI state.
_NOT_SOURCES = {"build", "dist", "wheelhouse", "__pycache__", "venv", "node_modules"}


def _newest_source_mtime(top: Path = TOP) -> float:
    newest = 0.0
    for root, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in _NOT_SOURCES and not d.startswith(".")]
        for name in files:
            if not name.endswith((".pyc", ".so")):
                newest = max(newest, (Path(root) / name).lstat().st_mtime)  # lstat: dangling links too
    return newest


def _sdist_name() -> str:
    from mpibuild import layout  # conf/ is the import root of the sessions (noxfile.py)

    return f"mpi4py-{layout.version()}.tar.gz"


def fresh_sdist(candidates: list[Path]) -> Path | None:
    """An existing sdist newer than every source file, if any."""
    newest = _newest_source_mtime()
    name = _sdist_name()
    for directory in candidates:
        sdist = directory / name
        if sdist.is_file() and sdist.stat().st_mtime >= newest:
            return sdist
    return None


def get_sdist(session: nox.Session) -> Path:
    """Reuse a fresh sdist from dist/ (or from an earlier matrix run); else build one into build/matrix/sdist."""
    outdir = MATRIX / "sdist"
    sdist = fresh_sdist([TOP / "dist", outdir])
    if sdist is not None:
        session.log(f"reusing fresh sdist {sdist}")
        return sdist
    session.install("build")
    if outdir.exists():
        shutil.rmtree(outdir)
    build_sdist_from_checkout(session, outdir)
    return outdir / _sdist_name()


def _unpack(sdist: Path, dest: Path) -> Path:
    """The sdist's own tree, for its tests: a file missing from the sdist fails here."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with tarfile.open(sdist) as tar:
        tar.extractall(dest, filter="data")
    (top,) = dest.iterdir()
    return top


def _site_packages(session: nox.Session) -> Path:
    out = session.run("python", "-c", "import sysconfig; print(sysconfig.get_paths()['platlib'])", silent=True)
    return Path(str(out).strip().splitlines()[-1])


def _backend_args(backend: str, mpicc: str, build_dir: Path) -> tuple[list[str], dict[str, str]]:
    """pip -C settings and environment that point each build system at the session's MPI."""
    if backend == "setuptools":
        return [], {"MPI4PY_BUILD_MPICC": mpicc}
    if build_dir.exists():
        shutil.rmtree(build_dir)  # a build dir configured from another unpacked sdist cannot be reused
    settings = [f"-Cbuild-dir={build_dir}"]
    if backend == "scikit-build-core":
        return [*settings, f"-Ccmake.define.MPI_C_COMPILER={mpicc}"], {}
    return settings, {"CC": mpicc}


def _check_build_dir(session: nox.Session, backend: str, build_dir: Path, mpicc: str) -> None:
    """The -Cbuild-dir setting went through the dispatcher to the backend (and FindMPI used our mpicc)."""
    if backend == "scikit-build-core":
        cache = build_dir / "CMakeCache.txt"
        if not cache.is_file() or f"MPI_C_COMPILER:FILEPATH={mpicc}" not in cache.read_text():
            session.error(f"{backend}: -Cbuild-dir/-Ccmake.define.MPI_C_COMPILER did not reach CMake ({cache})")
    elif backend == "meson-python" and not (build_dir / "build.ninja").is_file():
        session.error(f"{backend}: -Cbuild-dir did not reach meson-python ({build_dir})")


def _check_record(session: nox.Session, backend: str, mpi: str, site: Path) -> None:
    """The installed build record (mpi4py/mpi.cfg) names this backend and the MPI family built against."""
    code = ("import json, mpi4py; print(json.dumps({'file': mpi4py.__file__, 'version': mpi4py.__version__, "
            "**mpi4py.get_config()}))")
    out = session.run("python", "-c", code, silent=True, env={"PYTHONSAFEPATH": "1"})
    got = json.loads(str(out).strip().splitlines()[-1])
    expected = {"backend": backend, "mpi_abi": mpi.rstrip("0123456789"), "version": _sdist_name()[len("mpi4py-"):-len(".tar.gz")]}
    wrong = {k: got.get(k) for k, v in expected.items() if got.get(k) != v}
    if wrong or not Path(got["file"]).is_relative_to(site):
        session.error(f"{backend}: installed mpi4py {got['file']} reports {wrong}, expected {expected}")
    session.log(f"{backend}: mpi4py.get_config() = {got}")


EDITABLE_BACKENDS = ("setuptools", "meson-python")
EDITABLE_SMOKE = """\
import sys, mpi4py
from mpi4py import MPI
tree, backend = sys.argv[1], sys.argv[2]
assert mpi4py.__file__.startswith(tree), (mpi4py.__file__, tree)
assert mpi4py.get_config()["backend"] == backend, mpi4py.get_config()
comm = MPI.COMM_WORLD
assert comm.allreduce(comm.Get_rank() + 1) == comm.Get_size() * (comm.Get_size() + 1) // 2
"""
# Appended to an area file: an editable meson-python install must rebuild on the next import.
EDITABLE_CHANGE = "\n\ndef _editable_marker():\n    return 42\n"


def _check_editable(session: nox.Session, backend: str, sdist_tree: Path, workdir: Path, mpicc: str) -> None:
    """``pip install -e`` (no build isolation) of a copy of the sdist tree: import, MPI, build record."""
    tree = workdir / f"editable-{backend}"
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(sdist_tree, tree)
    env = {"MPI4PY_BUILD_BACKEND": backend, **QUICK_BUILD_ENV,  # they check the install mechanism; meson-python compiles twice
           **({"CC": mpicc} if backend == "meson-python" else {"MPI4PY_BUILD_MPICC": mpicc})}
    session.log(f"==> {backend}: editable install of {tree} ({QUICK_BUILD_ENV['CFLAGS']})")
    session.run("python", "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-e", str(tree), env=env)
    session.chdir(workdir)
    run_mpi(session, 2, "python", "-c", EDITABLE_SMOKE, str(tree), backend)
    if backend == "meson-python":
        with (tree / "src" / "mpi4py" / "MPI.src" / "env.pxi").open("a") as f:
            f.write(EDITABLE_CHANGE)
        session.run("python", "-c", "from mpi4py import MPI; assert MPI._editable_marker() == 42", env=env)
    session.chdir(TOP)
    session.run("python", "-m", "pip", "uninstall", "-y", "mpi4py")


def _selected_backends(session: nox.Session, mpi: str) -> list[str]:
    chosen = list(session.posargs) or list(MATRIX_BACKENDS.get(mpi, BACKENDS))
    unknown = [b for b in chosen if b not in BACKENDS]
    if unknown:
        session.error(f"unknown backend(s) {unknown} in posargs; choose from {', '.join(BACKENDS)}")
    return chosen


@nox.session
@nox.parametrize("mpi", MPIS)
def build_matrix(session: nox.Session, mpi: str) -> None:
    """Install the sdist with each build backend against MPI from PyPI; test; compare installed files."""
    backends = _selected_backends(session, mpi)
    timings: list[tuple[str, float]] = []
    start = time.monotonic()
    sdist = get_sdist(session)
    timings.append(("sdist", time.monotonic() - start))

    start = time.monotonic()
    install_mpi(session, mpi)
    # pip for the user-style installs (isolated: they fetch their own backend, Cython, cmake, ninja);
    # the backends here serve test/backends and the editable installs (pip --no-build-isolation).
    session.install("pip", "pytest", "numpy", "Cython>=3.0", "setuptools>=77", "scikit-build-core>=0.11",
                    "meson-python>=0.17", "cmake>=3.17", "ninja")
    timings.append(("venv", time.monotonic() - start))
    workdir = MATRIX / mpi
    workdir.mkdir(parents=True, exist_ok=True)
    tests_top = _unpack(sdist, workdir / "sdist-src")

    start = time.monotonic()
    session.log("==> error messages of the CMake/Meson builds without MPI (test/backends, from the sdist)")
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tests_top / "test" / "backends"))
    timings.append(("test/backends (errors)", time.monotonic() - start))
    mpicc = venv_bin(session, "mpicc")
    site = _site_packages(session)

    results: dict[str, installed.Installed] = {}
    for backend in backends:
        start = time.monotonic()
        session.log(f"==> {mpi} / {backend}: pip install {sdist.name}")
        build_dir = workdir / f"build-{backend}"
        settings, env = _backend_args(backend, mpicc, build_dir)
        env = {"MPI4PY_BUILD_BACKEND": backend, **env}
        # The WHEEL Generator check below proves the wheel was built now, by this backend (not from a cache).
        session.run("python", "-m", "pip", "install", "--no-deps", "--force-reinstall",
                    *settings, str(sdist), env=env)
        _check_build_dir(session, backend, build_dir, mpicc)
        built = time.monotonic()
        result = installed.read_installed(site)
        problem = installed.check_generator(backend, result)
        if problem:
            session.error(problem)
        results[backend] = result
        _check_record(session, backend, mpi, site)
        (workdir / f"{backend}.files").write_text("\n".join(result.files) + "\n")
        session.chdir(tests_top)
        for n in RANKS:
            session.log(f"==> {mpi} / {backend}: MPI tests with {n} rank(s)")
            run_mpi(session, n, "python", "-m", "pytest", "-p", "no:cacheprovider", "-q", "test/mpi")
        session.chdir(TOP)
        session.run("python", "-m", "pip", "uninstall", "-y", "mpi4py")
        if (site / "mpi4py").exists():
            session.error(f"{backend}: files left in {site / 'mpi4py'} after pip uninstall (not in RECORD): "
                          f"{sorted(str(p.relative_to(site)) for p in (site / 'mpi4py').rglob('*'))}")
        timings.append((f"{backend} build+install", built - start))
        timings.append((f"{backend} tests", time.monotonic() - built))

    if mpi == EDITABLE_MPI:
        for backend in [b for b in backends if b in EDITABLE_BACKENDS]:
            start = time.monotonic()
            _check_editable(session, backend, tests_top, workdir, mpicc)
            timings.append((f"{backend} editable", time.monotonic() - start))

    problems = installed.differences(results)
    for name, seconds in timings:
        session.log(f"timing {mpi}: {name:32s} {seconds:7.1f} s")
    if len(results) < 2:
        session.warn("only one backend built: nothing to compare")
    elif problems:
        session.error(f"{mpi}: the backends installed different packages:\n  " + "\n  ".join(problems))
    else:
        files = next(iter(results.values())).files
        session.log(f"{mpi}: {', '.join(results)} installed the same {len(files)} files and METADATA: {', '.join(files)}")
