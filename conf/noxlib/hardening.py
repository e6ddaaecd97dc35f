"""Session: hardening -- bad input at build and run time, rank failures, fuzzing, supply-chain checks.

``nox -s hardening`` runs everything for MPICH and Open MPI from PyPI and prints the number of cases
per category; MPICH's fuzz run generates >= 10,000 cases.  ``nox -s hardening -- --fuzz-nightly`` raises
the fuzz size of both runs.
The fast subset (build catalogue in test/unit, misuse catalogue) also runs in ``nox -s tests``.

Needs (CI installs them): gcc, util-linux ``unshare`` (read-only mount), and Debian's
libmpich-dev + libopenmpi-dev for the real mixed-wrapper build (``apt-get install -y ...``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import nox

from noxlib.common import TOP, build_sdist_from_checkout, build_wheel, install_mpi, install_ours, mpiexec_env, run_mpi

OUT = TOP / "build" / "hardening"
# Examples per fuzz test (7 tests; the unsupported-format one has only 160 distinct cases).  MPICH's run
# generates >= 10,000 cases (6 x 1650 + 160; ~90 s on 2 busy cores); the fuzzed parsers are ours, not the
# MPI's, so Open MPI's run keeps a quick sample.
CI_FUZZ = {"mpich": 1650, "openmpi": 150}
FUZZ_MINIMUM = 10_000
NIGHTLY_FUZZ = 2500
# Build requirements of every backend (conf/mpibuild/backend.py asks for these), for pip-audit.
BUILD_REQUIREMENTS = ["setuptools>=64", "Cython>=3.0", "wheel", "scikit-build-core>=0.10", "meson-python>=0.15",
                      "cmake>=3.15", "ninja", "build"]


def category(classname: str, name: str) -> str:
    if "test_build_catalogue" in classname:
        return "build-time bad input (fake compilers)" if name.startswith("test_bad_build_input") else "build catalogue checks"
    if "test_build_real" in classname:
        return "build-time bad input (real pip builds)"
    if "test_misuse" in classname:
        return "runtime misuse (mpiexec -n 2)"
    if "test_jobs" in classname:
        return "rank failure (mpiexec -n 3)" if "rank" in name or "fail" in name else "runtime misuse (Init/Finalize)"
    if "test_fuzz" in classname:
        return "fuzz properties"
    if "test_sdist" in classname:
        return "supply chain"
    return "other"


def tally(reports: list[Path]) -> tuple[Counter[str], Counter[str]]:
    passed: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for report in reports:
        for case in ET.parse(report).iter("testcase"):
            cat = category(case.get("classname", ""), case.get("name", ""))
            bad = any(child.tag in ("failure", "error") for child in case)
            skipped = any(child.tag == "skipped" for child in case)
            if bad:
                failed[cat] += 1
            elif not skipped:
                passed[cat] += 1
    return passed, failed


def pytest_args(name: str) -> list[str]:
    return ["-p", "no:cacheprovider", "-q", "-rfE", f"--junitxml={OUT / name}.xml"]


@nox.session
@nox.parametrize("mpi", ["mpich", "openmpi"])
def hardening(session: nox.Session, mpi: str) -> None:
    """The full catalogue for one MPI (MPICH also runs the real builds and the supply-chain checks)."""
    nightly = "--fuzz-nightly" in session.posargs
    install_mpi(session, mpi)
    session.install("pytest", "numpy", "hypothesis")
    wheel = build_wheel(session, TOP / "build" / f"wheel-{mpi}")
    install_ours(session, wheel)
    session.chdir(TOP)
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob(f"{mpi}-*.xml"):
        old.unlink()
    fuzz_report = OUT / f"{mpi}-fuzz.json"
    examples = NIGHTLY_FUZZ if nightly else CI_FUZZ.get(mpi, min(CI_FUZZ.values()))
    fuzz = {"MPI4PY_FUZZ_EXAMPLES": str(examples), "MPI4PY_FUZZ_REPORT": str(fuzz_report)}

    session.run("python", "-m", "pytest", *pytest_args(f"{mpi}-catalogue"), "test/unit/test_build_catalogue.py")
    run_mpi(session, 2, "python", "-m", "pytest", *pytest_args(f"{mpi}-mpi"), "test/hardening/mpi", env=fuzz, timeout=1800, mpi=mpi)
    session.run("python", "-m", "pytest", *pytest_args(f"{mpi}-jobs"), "test/hardening/test_jobs.py", env=mpiexec_env())
    supply: list[str] = []
    if mpi == "mpich":
        session.install("Cython>=3.0", "setuptools>=64", "wheel", "build", "twine", "check-wheel-contents", "pip-audit")
        session.run("python", "-m", "pytest", *pytest_args(f"{mpi}-builds"), "test/hardening/build", env=mpiexec_env())
        supply = supply_chain(session, wheel)

    passed, failed = tally(sorted(OUT.glob(f"{mpi}-*.xml")))
    generated = json.loads(fuzz_report.read_text()) if fuzz_report.exists() else {}
    lines = [f"hardening ({mpi}): cases per category"]
    for cat in sorted(set(passed) | set(failed)):
        lines.append(f"  {cat:<42} {passed[cat]:>4} passed {failed[cat]:>3} failed")
    lines.append(f"  {'fuzz examples generated (per rank)':<42} {sum(generated.values()):>4}  {generated}")
    for step in supply:
        lines.append(f"  supply chain: {step}")
    session.log("\n".join(lines))
    if (nightly or mpi == "mpich") and sum(generated.values()) < FUZZ_MINIMUM:
        session.error(f"fuzz generated only {sum(generated.values())} cases (< {FUZZ_MINIMUM:,})")
    if sum(failed.values()):
        session.error(f"{sum(failed.values())} hardening case(s) failed")


def supply_chain(session: nox.Session, wheel: Path) -> list[str]:
    """twine/check-wheel-contents on the sdist and wheel, sdist contents, pip-audit of the build requirements."""
    dist = OUT / "dist"
    for old in dist.glob("*"):
        old.unlink()
    build_sdist_from_checkout(session, dist)
    (sdist,) = dist.glob("mpi4py-*.tar.gz")
    session.run("python", "-m", "twine", "check", "--strict", str(sdist), str(wheel))
    # No ignores needed today; if one ever is, add --ignore with the reason next to it.
    session.run("check-wheel-contents", str(wheel))
    session.run("python", "-m", "pytest", *pytest_args("mpich-sdist"), "test/hardening/test_sdist.py",
                env={"MPI4PY_SDIST": str(sdist)})
    steps = ["twine check --strict (sdist, wheel): ok", "check-wheel-contents: ok (no ignores)",
             "sdist contents vs git ls-files: ok"]
    steps.append(audit(session))
    return steps


def audit(session: nox.Session) -> str:
    """pip-audit of the build requirements.  Its services (PyPI's JSON API, OSV) may be unreachable from
    CI; then it says so and the session falls back to a hash-pinned lock of the same requirements."""
    reqs = OUT / "build-requirements.in"
    reqs.write_text("\n".join(BUILD_REQUIREMENTS) + "\n")
    report = OUT / "pip-audit.json"
    result = subprocess.run([str(Path(session.bin) / "pip-audit"), "-r", str(reqs), "--format", "json",
                             "--progress-spinner", "off", "-o", str(report)], capture_output=True, text=True)
    data = json.loads(report.read_text()) if report.exists() and report.stat().st_size else {"dependencies": []}
    deps = data.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    unaudited = [d["name"] for d in deps if d.get("skip_reason")]
    if vulnerable:
        session.error("pip-audit: vulnerable build requirements: "
                      + ", ".join(f"{d['name']} {d['version']} ({', '.join(v['id'] for v in d['vulns'])})" for d in vulnerable))
    if result.returncode not in (0, 1) or not deps or len(unaudited) == len(deps):
        lock = OUT / "build-requirements.lock"
        session.run("uv", "pip", "compile", "--quiet", "--generate-hashes", "-o", str(lock), str(reqs), external=True)
        reasons = sorted({d["skip_reason"].split(":")[0] for d in deps if d.get("skip_reason")})
        said = "; ".join(reasons) or (result.stderr.strip().splitlines() or ["no output"])[-1][:160]
        return (f"pip-audit could not audit here ({len(unaudited)}/{len(deps)} requirements not audited: {said} -- "
                "its advisory source, PyPI's JSON API, is not reachable through this index); offline fallback: "
                f"hash-pinned lock of the build requirements in {lock.relative_to(TOP)}")
    return f"pip-audit: {len(deps) - len(unaudited)} build requirements audited, no known vulnerabilities" + (
        f" ({len(unaudited)} not audited: {', '.join(unaudited)})" if unaudited else "")


# The MPI tests that exercise our buffer, request and foreign-memory code (a subset: the whole suite under
# AddressSanitizer would cost CI several minutes for code paths these already cover).
# (test/mpi and test/hardening/mpi have a conftest each: one pytest run per suite.)
ASAN_TESTS = (("test/mpi/test_memory_safety.py", "test/mpi/test_foreign_buffers.py", "test/mpi/test_p2p_buffer.py",
               "test/mpi/test_request.py", "test/mpi/test_datatype.py", "test/mpi/test_coll_buffer.py",
               "test/mpi/test_no_hang.py", "test/mpi/test_gil_completion.py", "test/mpi/test_gil_message_layer.py",
               # Python callbacks MPI calls: attributes, error-handler trampolines, generalized requests
               "test/mpi/test_callbacks.py", "test/mpi/test_attr_mem.py", "test/mpi/test_grequest.py"),
              ("test/hardening/mpi/test_misuse.py",))
ASAN_FLAGS = "-fsanitize=address -fno-omit-frame-pointer -g"
ASAN_INSTRUMENTED = ("import pathlib, mpi4py.MPI as m; "
                     "assert b'__asan_report_' in pathlib.Path(m.__file__).read_bytes(), 'MPI extension not instrumented'")
ASAN_CANARY = ("import ctypes; libc = ctypes.CDLL(None); libc.malloc.restype = ctypes.c_void_p; "
               "ctypes.memset(libc.malloc(8), 0, 64)")


@nox.session
def asan(session: nox.Session) -> None:
    """The extension built with AddressSanitizer (gcc), MPI tests at 2 ranks with MPICH from PyPI, the ASan
    runtime preloaded into the (uninstrumented) Python; any report fails the session."""
    if not shutil.which("gcc"):
        session.error("asan needs gcc and its libasan (apt-get install -y gcc)")
    runtime = subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True).stdout.strip()
    if not runtime or not Path(runtime).is_file():
        session.error(f"asan: gcc has no libasan.so ({runtime!r}); apt-get install -y libasan8 (or gcc)")
    install_mpi(session, "mpich")
    session.install("pytest", "numpy")
    wheel = build_wheel(session, TOP / "build" / "wheel-mpich-asan", env={"CFLAGS": ASAN_FLAGS, "LDFLAGS": ASAN_FLAGS})
    install_ours(session, wheel)
    session.chdir(TOP)
    # Python's own allocations are never freed at exit (leak checks would drown in them); the rest of the
    # checks stay on, and the first error ends the rank (then mpiexec the job) with status 99.
    env = {"LD_PRELOAD": runtime, "ASAN_OPTIONS": "detect_leaks=0:halt_on_error=1:exitcode=99:abort_on_error=0",
           "PYTHONMALLOC": "malloc"}
    # The checks are live: the extension is instrumented, and the preloaded runtime reports an overflow.
    session.run("python", "-c", ASAN_INSTRUMENTED, env=env)
    session.run("python", "-c", ASAN_CANARY, env=env, success_codes=[99], silent=True)
    for tests in ASAN_TESTS:
        run_mpi(session, 2, "python", "-m", "pytest", "-p", "no:cacheprovider", "-q", *tests, env=env, mpi="mpich",
                timeout=1200)
