"""conf/noxlib/installed.py: the comparison build_matrix uses to prove the backends install the same package."""

from __future__ import annotations

from pathlib import Path

import pytest
from noxlib import installed

METADATA = """\
Metadata-Version: 2.4
Name: mpi4py
Version: 4.2.0
Summary: Python bindings for MPI
Keywords: MPI,parallel
Requires-Python: >=3.9

# mpi4py
"""


def _install(site: Path, generator: str, files: list[str], metadata: str = METADATA, extra_dist_info: tuple[str, ...] = ()) -> Path:
    dist_info = site / "mpi4py-4.2.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(metadata)
    (dist_info / "WHEEL").write_text(f"Wheel-Version: 1.0\nGenerator: {generator}\nRoot-Is-Purelib: false\n")
    rows = [f"{f},sha256=x,1" for f in files]
    rows += [f"mpi4py-4.2.0.dist-info/{n}," for n in ("METADATA", "WHEEL", "RECORD", "INSTALLER", "REQUESTED", *extra_dist_info)]
    (dist_info / "RECORD").write_text("\n".join(rows) + "\n")
    return site


FILES = ["mpi4py/__init__.py", "mpi4py/MPI.cpython-311-x86_64-linux-gnu.so", "mpi4py/include/mpi4py/mpi4py.h"]


def test_byproducts_are_ignored_but_package_files_and_licenses_kept() -> None:
    assert installed.is_byproduct("mpi4py/__pycache__/__init__.cpython-311.pyc")
    assert installed.is_byproduct("mpi4py-4.2.0.dist-info/top_level.txt")
    assert installed.is_byproduct("mpi4py-4.2.0.dist-info/direct_url.json")
    assert not installed.is_byproduct("mpi4py-4.2.0.dist-info/METADATA")
    assert not installed.is_byproduct("mpi4py-4.2.0.dist-info/licenses/LICENSE.rst")
    assert not installed.is_byproduct("mpi4py/include/mpi4py/mpi4py.h")


def test_same_package_from_two_backends_agrees(tmp_path: Path) -> None:
    a = installed.read_installed(_install(tmp_path / "a", "setuptools (80.0)", FILES, extra_dist_info=("top_level.txt",)))
    b = installed.read_installed(_install(tmp_path / "b", "meson", list(reversed(FILES))))
    assert a.files == b.files == tuple(sorted([*FILES, "mpi4py-4.2.0.dist-info/METADATA"]))
    assert installed.differences({"setuptools": a, "meson-python": b}) == []


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    a = installed.read_installed(_install(tmp_path / "a", "setuptools", FILES))
    b = installed.read_installed(_install(tmp_path / "b", "scikit-build-core 0.11", FILES[:-1]))
    (problem,) = installed.differences({"setuptools": a, "scikit-build-core": b})
    assert "mpi4py.h" in problem and "only setuptools" in problem


def test_different_metadata_is_reported(tmp_path: Path) -> None:
    a = installed.read_installed(_install(tmp_path / "a", "setuptools", FILES))
    b = installed.read_installed(_install(tmp_path / "b", "meson", FILES, METADATA.replace("4.2.0", "0.0.0")))
    (problem,) = installed.differences({"setuptools": a, "meson-python": b})
    assert "Version" in problem and "0.0.0" in problem


def test_header_order_does_not_matter(tmp_path: Path) -> None:
    lines = METADATA.splitlines()
    reordered = "\n".join([lines[0], lines[4], *lines[1:4], *lines[5:]]) + "\n"
    a = installed.read_installed(_install(tmp_path / "a", "setuptools", FILES))
    b = installed.read_installed(_install(tmp_path / "b", "meson", FILES, reordered))
    assert installed.differences({"setuptools": a, "meson-python": b}) == []


def test_dynamic_header_is_a_build_tool_detail(tmp_path: Path) -> None:
    with_dynamic = METADATA.replace("Keywords", "Dynamic: license-file\nKeywords")
    a = installed.read_installed(_install(tmp_path / "a", "setuptools", FILES, with_dynamic))
    b = installed.read_installed(_install(tmp_path / "b", "meson", FILES))
    assert installed.differences({"setuptools": a, "meson-python": b}) == []


@pytest.mark.parametrize(("backend", "generator", "ok"), [
    ("setuptools", "setuptools (80.9.0)", True), ("meson-python", "meson", True),
    ("scikit-build-core", "scikit-build-core 0.11.1", True), ("meson-python", "setuptools (80.9.0)", False)])
def test_generator_proves_which_backend_built(tmp_path: Path, backend: str, generator: str, ok: bool) -> None:
    result = installed.read_installed(_install(tmp_path, generator, FILES))
    assert (installed.check_generator(backend, result) is None) is ok


def test_no_dist_info_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="mpi4py"):
        installed.read_installed(tmp_path)
