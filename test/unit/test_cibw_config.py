"""The [tool.cibuildwheel] configuration is valid for Linux, macOS and Windows (real cibuildwheel), and its helpers."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from cibw import build_variants, install_mpi, podman_setup
from mpibuild import pysabi, reproducible

TOP = Path(__file__).resolve().parents[2]

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def identifiers(platform: str, *extra: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIBW_")}
    result = subprocess.run([sys.executable, "-m", "cibuildwheel", "--print-build-identifiers", "--platform", platform, *extra],
                            cwd=TOP, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.parametrize(("platform", "archs", "suffixes"), [
    ("linux", "x86_64,i686,aarch64", {"manylinux_x86_64", "manylinux_aarch64"}),
    ("macos", "x86_64,arm64", {"macosx_x86_64", "macosx_arm64"}),
    ("windows", "AMD64,x86", {"win_amd64"}),
])
def test_print_build_identifiers(platform: str, archs: str, suffixes: set[str]) -> None:
    ids = identifiers(platform, "--archs", archs)
    pythons = {i.split("-")[0] for i in ids}
    assert {"cp39", "cp310", "cp311", "cp312", "cp313"} <= pythons, ids
    assert all(re.fullmatch(r"cp3\d+", p) for p in pythons), pythons  # CPython only, no free-threaded (cp3XXt)
    # Every selected CPython for every wanted architecture, and nothing else (no musllinux, i686, win32).
    assert set(ids) == {f"{p}-{s}" for p in pythons for s in suffixes}, ids


def resolved(platform: str) -> tuple[dict[str, str], dict[str, str]]:
    """(environment, other options) exactly as cibuildwheel's own reader resolves pyproject.toml for ``platform``."""
    from cibuildwheel.environment import parse_environment
    from cibuildwheel.options import EnvironmentFormat, OptionsReader

    reader = OptionsReader(TOP / "pyproject.toml", platform=platform, env={})  # type: ignore[arg-type]
    env = parse_environment(reader.get("environment", option_format=EnvironmentFormat())).as_dictionary({"HOME": "/home/u"})
    options = {name: reader.get(name) for name in ("repair-wheel-command", "test-command", "before-all", "build-frontend")}
    return env, options


@pytest.mark.parametrize("platform", ["linux", "macos"])
def test_posix_wheels_are_merged_for_every_mpi(platform: str) -> None:
    env, options = resolved(platform)
    # cibuildwheel builds the MPICH-ABI variant against the oldest MPICH ABI release it supports ...
    assert env["MPI4PY_BUILD_MPIABI"] == "mpich" and env["MPI4PY_CIBW_MPI"] == "mpich4", env
    assert env["MPI4PY_BUILD_MPICFG"] == env["MPI4PY_CIBW_PREFIX"] + "/mpi4py-build.cfg", env
    # ... and the repair step adds the other variants and merges: one wheel for every MPI.
    assert options["repair-wheel-command"].startswith("python {project}/conf/run.py cibw.abi_repair "), options
    assert "--isolation" in options["repair-wheel-command"] and options["repair-wheel-command"].endswith(" -w {dest_dir} {wheel}")
    assert "--expect-abi mpich" in options["test-command"], options
    assert build_variants.BUILD_MPI[env["MPI4PY_BUILD_MPIABI"]] == env["MPI4PY_CIBW_MPI"]  # same build MPI as the repair step's variants
    if platform == "macos":
        assert env["MACOSX_DEPLOYMENT_TARGET"] == "11.0" and env["MPI4PY_CIBW_PREFIX"] == "/home/u/.cache/mpi4py-cibw/mpi"
        assert options["build-frontend"] == "build"  # the build venv needs pip (delocate, the variant builds)


def test_windows_wheels_merge_intel_mpi_and_msmpi() -> None:
    env, options = resolved("windows")
    assert env["MPI4PY_BUILD_MPIABI"] == "impi" and env["MPI4PY_CIBW_MPI"] == "impi", env
    assert env["MPI4PY_BUILD_MPICFG"] == "C:/mpi4py-cibw/mpi/mpi4py-build.cfg"
    assert options["repair-wheel-command"].startswith("python {project}/conf/run.py cibw.abi_repair ")
    assert "--expect-library Intel" in options["test-command"] and "--expect-abi impi" in options["test-command"]


def test_windows_variants_are_intel_mpi_and_msmpi() -> None:
    assert build_variants.platform_variants("win32") == ("impi", "msmpi")
    assert build_variants.platform_variants("linux") == ("mpich", "openmpi", "mpiabi")
    assert {build_variants.BUILD_MPI[v] for v in build_variants.platform_variants("win32")} <= set(install_mpi.WINDOWS_MPIS)


def test_commands_name_existing_scripts() -> None:
    config = tomllib.loads((TOP / "pyproject.toml").read_text())["tool"]["cibuildwheel"]
    commands = [config["before-all"], config["repair-wheel-command"], config["test-command"],
                config["windows"]["test-command"], config["windows"]["repair-wheel-command"]]
    scripts = [m for c in commands for m in re.findall(r"\{project\}/(\S+\.py)", c)]
    assert len(scripts) == len(commands)
    for script in scripts:
        assert (TOP / script).is_file(), script


def test_podman_setup_adds_missing_and_keeps_existing(tmp_path: Path) -> None:
    assert tomllib.loads(podman_setup.add_settings("")) == {"engine": {"runtime": "runc"}, "containers": {"default_ulimits": []}}
    existing = '[engine]\nruntime = "crun"\ncgroup_manager = "cgroupfs"\n\n[network]\nx = 1\n'
    text = podman_setup.add_settings(existing)
    data = tomllib.loads(text)
    assert data["engine"] == {"runtime": "crun", "cgroup_manager": "cgroupfs"}  # never overwritten
    assert data["containers"] == {"default_ulimits": []} and data["network"] == {"x": 1}
    assert podman_setup.add_settings(text) == text  # idempotent
    conf = tmp_path / "containers.conf"
    assert podman_setup.main(["--conf", str(conf), "--check"]) == 1
    assert podman_setup.main(["--conf", str(conf)]) == 0
    assert podman_setup.main(["--conf", str(conf), "--check"]) == 0


@pytest.mark.parametrize(("value", "expected"), [("", None), ("0", None), ("1", (3, 11)), ("3.11", (3, 11)),
                                                 ("cp311", (3, 11)), ("311", (3, 11))])
def test_pysabi_values(value: str, expected: tuple[int, int] | None) -> None:
    assert pysabi.requested({pysabi.VARIABLE: value}, python=(3, 11), free_threaded=False) == expected


@pytest.mark.parametrize(("value", "python", "free", "message"), [
    ("yes please", (3, 11), False, "give the minimum CPython"),
    ("3.10", (3, 11), False, "oldest supported minimum is 3.11"),
    ("cp39", (3, 11), False, "oldest supported minimum is 3.11"),
    ("3.12", (3, 11), False, "this is 3.11"),
    ("1", (3, 13), True, "free-threaded"),
])
def test_pysabi_errors_name_the_variable(value: str, python: tuple[int, int], free: bool, message: str) -> None:
    with pytest.raises(SystemExit) as info:
        pysabi.requested({pysabi.VARIABLE: value}, python=python, free_threaded=free)
    assert pysabi.VARIABLE in str(info.value) and message in str(info.value)
    assert pysabi.macros((3, 10)) == [("Py_LIMITED_API", "0x030A0000"), ("CYTHON_LIMITED_API", "1")]


def _sdist(path: Path, mtime: float, uid: int, mode: int) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name in ("pkg/b.txt", "pkg/a.txt"):  # unsorted on purpose
            info = tarfile.TarInfo(name)
            data = name.encode()
            info.size, info.mtime, info.uid, info.uname, info.mode = len(data), mtime, uid, f"user{uid}", mode
            tar.addfile(info, io.BytesIO(data))


def test_normalize_sdist_makes_archives_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "one.tar.gz", tmp_path / "two.tar.gz"
    _sdist(first, 2_000_000_000.5, 0, 0o664)
    _sdist(second, 2_000_000_100.0, 1000, 0o644)
    assert first.read_bytes() != second.read_bytes()
    for path in (first, second):
        reproducible.normalize_sdist(path, 1_700_000_000)
    assert first.read_bytes() == second.read_bytes()
    with tarfile.open(first) as tar:
        members = tar.getmembers()
        assert [m.name for m in members] == ["pkg/a.txt", "pkg/b.txt"]
        assert {(m.mtime, m.uid, m.uname, m.mode) for m in members} == {(1_700_000_000, 0, "", 0o644)}
        assert tar.extractfile("pkg/b.txt").read() == b"pkg/b.txt"  # type: ignore[union-attr]
    with pytest.raises(SystemExit, match="SOURCE_DATE_EPOCH='soon' is not an integer"):
        reproducible.source_date_epoch({"SOURCE_DATE_EPOCH": "soon"})


def test_variant_build_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MPI4PY_BUILD_JOBS", raising=False)
    assert 1 <= build_variants.default_jobs() <= 2
    monkeypatch.setenv("MPI4PY_BUILD_JOBS", "3")
    assert build_variants.default_jobs() == 3
    for bad in ("0", "two"):
        monkeypatch.setenv("MPI4PY_BUILD_JOBS", bad)
        with pytest.raises(SystemExit, match=rf"MPI4PY_BUILD_JOBS='{bad}' is not a positive integer"):
            build_variants.default_jobs()


def test_sync_tree_mirrors_sources_only(tmp_path: Path) -> None:
    src, dest = tmp_path / "src", tmp_path / "dest"
    files = {"setup.py": "a", "src/mpi4py/MPI.pyx": "b", "test/t.py": "c"}
    # Not sources: build outputs, caches, egg-info, and setuptools' release tree of a concurrent sdist build.
    skipped = {"build/x.o": "", "src/mpi4py.egg-info/PKG-INFO": "", "src/__pycache__/m.pyc": "",
               "mpi4py-4.2.0/test/t.py": "", ".git/HEAD": ""}
    for rel, text in {**files, **skipped}.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text)
    (dest / "gone.py").parent.mkdir(parents=True)
    (dest / "gone.py").write_text("stale")
    build_variants.sync_tree(src, dest)
    mirrored = {p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()}
    assert mirrored == set(files)
    kept = (dest / "setup.py").stat().st_mtime_ns
    (src / "test/t.py").write_text("changed")
    build_variants.sync_tree(src, dest)
    assert (dest / "setup.py").stat().st_mtime_ns == kept  # unchanged bytes keep their copy
    assert (dest / "test/t.py").read_text() == "changed"
