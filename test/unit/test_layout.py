"""conf/mpibuild/layout.py: the version and package file list CMake and Meson read (no MPI needed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mpibuild import layout

TOP = Path(__file__).resolve().parents[2]
LAYOUT = [sys.executable, str(TOP / "conf" / "run.py"), "mpibuild.layout"]  # as CMake and Meson run it


def _tree(tmp_path: Path, pyproject: str, files: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_version_is_the_one_in_init() -> None:
    namespace: dict[str, object] = {}
    init = (TOP / "src" / "mpi4py" / "__init__.py").read_text()
    exec(compile(next(line for line in init.splitlines() if line.startswith("__version__")), "init", "exec"), namespace)
    assert layout.version() == namespace["__version__"]


def test_version_missing_is_a_clear_error(tmp_path: Path) -> None:
    _tree(tmp_path, "", {"src/mpi4py/__init__.py": "VERSION = '1'\n"})
    with pytest.raises(layout.LayoutError, match="__version__"):
        layout.version(tmp_path)


def test_files_follow_the_setuptools_table(tmp_path: Path) -> None:
    pyproject = """
[tool.setuptools]
package-dir = { "" = "src" }
packages = ["pkg", "pkg.sub"]
[tool.setuptools.package-data]
pkg = ["py.typed", "*.pyi", "include/pkg/*.h"]
"""
    top = _tree(tmp_path, pyproject, {
        "src/pkg/__init__.py": "", "src/pkg/mod.py": "", "src/pkg/py.typed": "", "src/pkg/MPI.pyi": "",
        "src/pkg/MPI.pyx": "", "src/pkg/include/pkg/a.h": "", "src/pkg/include/pkg/a.c": "",
        "src/pkg/sub/__init__.py": "", "src/pkg/sub/data.txt": "", "src/pkg/notpkg/x.py": "",
    })
    files = layout.package_files(top)
    assert [f.installed for f in files] == [
        "pkg/MPI.pyi", "pkg/__init__.py", "pkg/mod.py", "pkg/py.typed", "pkg/include/pkg/a.h", "pkg/sub/__init__.py"]
    assert layout.PackageFile("pkg/include/pkg", "src/pkg/include/pkg/a.h") in files


def test_find_directive_is_rejected(tmp_path: Path) -> None:
    top = _tree(tmp_path, "[tool.setuptools.packages.find]\nwhere = ['src']\n", {})
    with pytest.raises(layout.LayoutError, match="explicit list"):
        layout.package_files(top)


def test_missing_package_dir_is_named(tmp_path: Path) -> None:
    top = _tree(tmp_path, "[tool.setuptools]\npackages = ['ghost']\n", {})
    with pytest.raises(layout.LayoutError, match="ghost"):
        layout.package_files(top)


def test_real_tree_lists_init_and_headers() -> None:
    installed = {f.installed for f in layout.package_files()}
    assert {"mpi4py/__init__.py", "mpi4py/include/mpi4py/mpi4py.h", "mpi4py/include/mpi4py/mpi4py.i",
            "mpi4py/MPI.pxd", "mpi4py/libmpi.pxd", "mpi4py/__init__.pxd"} <= installed
    # The private C glue stays out of the public include directory (and out of the package).
    assert not any(name.endswith("pympi.h") for name in installed)
    assert not any(name.endswith((".pyx", ".pxi", ".sym", ".c")) for name in installed)


@pytest.mark.parametrize("command", ["version", "files", "gensrc-deps", "include-dirs", "defines"])
def test_script_interface_used_by_cmake_and_meson(command: str) -> None:
    result = subprocess.run([*LAYOUT, command],
                            capture_output=True, text=True, cwd=TOP, check=True)
    lines = result.stdout.splitlines()
    if command == "version":
        assert lines == [layout.version()]
    elif command == "files":
        assert lines == [f"{f.dest}|{f.source}" for f in layout.package_files()]
        assert all((TOP / line.split("|")[1]).is_file() for line in lines)
    elif command == "gensrc-deps":
        assert "src/mpi4py/libmpi.sym" in lines and "src/mpi4py/MPI.pyx" in lines
        areas = {p.relative_to(TOP).as_posix() for p in (TOP / "src/mpi4py/MPI.src").glob("*.pxi")}
        assert len(areas) > 20 and areas <= set(lines)
    elif command == "include-dirs":
        assert all((TOP / line).is_dir() for line in lines)
    else:
        assert lines == [n if v is None else f"{n}={v}" for n, v in layout.EXT_DEFINES]


def test_script_rejects_unknown_command() -> None:
    result = subprocess.run([*LAYOUT, "bogus"], capture_output=True, text=True)
    assert result.returncode == 2 and "usage" in result.stderr


def test_sdist_manifest_ships_the_cmake_and_meson_builds() -> None:
    manifest = (TOP / "MANIFEST.in").read_text().split()
    for name in ("CMakeLists.txt", "meson.build"):
        assert (TOP / name).is_file() and name in manifest
