"""common.build_inputs_digest: what decides whether a session reuses the wheel another session built."""

from __future__ import annotations

from pathlib import Path

import pytest
from noxlib import common


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("src/mpi4py/__init__.py", "conf/mpibuild/backend.py", "setup.py", "pyproject.toml", "MANIFEST.in", "README.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"# {name}\n")
    monkeypatch.setattr(common, "TOP", tmp_path)
    return tmp_path


def test_build_outputs_in_src_do_not_count(tree: Path) -> None:
    before = common.build_inputs_digest()
    (tree / "src/mpi4py.egg-info").mkdir()
    (tree / "src/mpi4py.egg-info/SOURCES.txt").write_text("written by a build, different after an sdist\n")
    (tree / "src/mpi4py/__pycache__").mkdir()
    (tree / "src/mpi4py/__pycache__/__init__.cpython-311.pyc").write_bytes(b"\0")
    assert common.build_inputs_digest() == before


@pytest.mark.parametrize("name", ["src/mpi4py/__init__.py", "conf/mpibuild/backend.py", "README.md", "pyproject.toml"])
def test_a_changed_input_counts(tree: Path, name: str) -> None:
    before = common.build_inputs_digest()
    with (tree / name).open("a") as f:
        f.write("changed\n")
    assert common.build_inputs_digest() != before
    assert common.build_inputs_digest("other settings") != common.build_inputs_digest()
