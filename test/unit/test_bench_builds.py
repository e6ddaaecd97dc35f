"""The bench session's builds: one set of flags for both bindings, the cache key honoured, stripped sizes."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from mpibuild.optflags import DEFAULT_FLAGS
from noxlib import bench


class FakeEnv:
    """Records installs; cached_build needs nothing else from a venv when the cache answers."""

    def __init__(self) -> None:
        self.installed: list[str] = []


def fill_slot(slot: Path, cflags: str) -> Path:
    slot.mkdir(parents=True)
    wheel = slot / "mpi4py-4.1.2-cp311-cp311-linux_x86_64.whl"
    wheel.write_bytes(b"wheel")
    (slot / "build.json").write_text(json.dumps({"wheel": wheel.name, "seconds": 99.0, "date": "2026-01-01", "cflags": cflags}))
    return wheel


@pytest.fixture
def no_pip(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    built: list[str] = []
    monkeypatch.setattr(bench, "install", lambda env, wheel: env.installed.append(str(wheel)))

    def fake_build(env: FakeEnv, sdist: Path, outdir: Path) -> tuple[Path, float]:
        outdir.mkdir(parents=True)
        wheel = outdir / "mpi4py-4.1.2-cp311-cp311-linux_x86_64.whl"
        wheel.write_bytes(b"fresh")
        built.append(str(sdist))
        return wheel, 12.5

    monkeypatch.setattr(bench, "timed_build", fake_build)
    return built


def test_both_bindings_share_our_default_flags() -> None:
    assert bench.BUILD_FLAGS == " ".join(DEFAULT_FLAGS)


def test_cached_wheel_is_used_only_with_the_same_flags_and_never_timed(tmp_path: Path, no_pip: list[str]) -> None:
    env = FakeEnv()
    fill_slot(tmp_path / "same", bench.BUILD_FLAGS)
    info = bench.cached_build(env, Path("up.tar.gz"), tmp_path / "same", reuse=True)  # type: ignore[arg-type]
    assert info["cached"] and info["seconds"] is None and no_pip == []  # a cached figure is never reported as a build time
    fill_slot(tmp_path / "other", "-O3 -g")
    info = bench.cached_build(env, Path("up.tar.gz"), tmp_path / "other", reuse=True)  # type: ignore[arg-type]
    assert not info["cached"] and info["seconds"] == 12.5 and no_pip == ["up.tar.gz"]
    assert json.loads((tmp_path / "other" / "build.json").read_text())["cflags"] == bench.BUILD_FLAGS


def test_full_run_rebuilds_even_with_a_matching_cache(tmp_path: Path, no_pip: list[str]) -> None:
    fill_slot(tmp_path / "slot", bench.BUILD_FLAGS)
    info = bench.cached_build(FakeEnv(), Path("ours.tar.gz"), tmp_path / "slot", reuse=False)  # type: ignore[arg-type]
    assert not info["cached"] and info["seconds"] == 12.5


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF strip")
def test_extension_sizes_strip_a_copy(tmp_path: Path) -> None:
    so = tmp_path / "MPI.so"
    src = tmp_path / "m.c"
    src.write_text("int answer(void) { return 42; }\n")
    subprocess.run([sysconfig.get_config_var("CC").split()[0], "-shared", "-fPIC", "-g", "-o", str(so), str(src)], check=True)
    wheel = tmp_path / "w.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.write(so, "mpi4py/MPI.cpython-311-x86_64-linux-gnu.so")
    sizes = bench.extension_sizes(wheel)
    assert sizes["unstripped"] == so.stat().st_size
    assert 0 < sizes["stripped"] < sizes["unstripped"]
    empty = tmp_path / "empty.whl"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("mpi4py/__init__.py", "")
    with pytest.raises(RuntimeError, match="expected one mpi4py/MPI extension"):
        bench.extension_sizes(empty)
