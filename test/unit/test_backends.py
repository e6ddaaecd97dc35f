"""The PEP 517 dispatcher (conf/mpibuild/backend.py) without MPI or any build backend installed."""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from mpibuild import backend


@pytest.fixture
def fake_backend(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    """A stand-in build backend module that records every hook call."""
    calls: list[tuple[str, tuple[Any, ...]]] = []

    def hook(name: str) -> Any:
        def run(*args: Any) -> str:
            calls.append((name, args))
            return f"{name}-result"

        return run

    module = types.ModuleType("fake_build_backend")
    for name in ("build_wheel", "build_sdist", "build_editable", "prepare_metadata_for_build_wheel"):
        setattr(module, name, hook(name))
    monkeypatch.setitem(sys.modules, "fake_build_backend", module)
    for name in backend.BACKENDS:
        monkeypatch.setitem(backend.BACKENDS, name, ("fake_build_backend", backend.BACKENDS[name][1]))
    monkeypatch.delenv("MPI4PY_BUILD_CONFIGURE", raising=False)
    monkeypatch.setattr(backend, "check_license_form", lambda version: None)  # tested on its own below
    return types.SimpleNamespace(module=module, calls=calls)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", "setuptools"), ("SetupTools", "setuptools"), ("cmake", "scikit-build-core"), (" skbuild ", "scikit-build-core"),
     ("meson", "meson-python"), ("Meson-Python", "meson-python"), ("mesonpy", "meson-python")],
)
def test_backend_name_aliases(value: str, expected: str) -> None:
    assert backend.backend_name({"MPI4PY_BUILD_BACKEND": value}) == expected


def test_unknown_backend_lists_accepted_values() -> None:
    with pytest.raises(backend.BackendError) as info:
        backend.backend_name({"MPI4PY_BUILD_BACKEND": "bogus"})
    message = str(info.value)
    assert "MPI4PY_BUILD_BACKEND='bogus'" in message
    for name in backend.BACKENDS:
        assert name in message


@pytest.mark.parametrize("name", list(backend.BACKENDS))
def test_requires_names_the_backend_and_cython(name: str) -> None:
    reqs = backend.requires(name)
    assert backend.CYTHON in reqs
    assert reqs[0].startswith(name)


@pytest.mark.parametrize("env_backend", ["scikit-build-core", "meson-python", "setuptools"])
def test_config_settings_pass_through_unchanged(fake_backend: types.SimpleNamespace, monkeypatch: pytest.MonkeyPatch,
                                                env_backend: str) -> None:
    monkeypatch.setenv("MPI4PY_BUILD_BACKEND", env_backend)
    settings = {"build-dir": "/tmp/somewhere", "cmake.define.MPI_C_COMPILER": "/opt/mpi/bin/mpicc", "setup-args": ["-Dx=y"]}
    assert backend.build_wheel("wheels", settings, "meta") == "build_wheel-result"
    assert backend.build_sdist("sdists", settings) == "build_sdist-result"
    assert backend.build_editable("wheels", settings, None) == "build_editable-result"
    assert backend.prepare_metadata_for_build_wheel("meta", settings) == "prepare_metadata_for_build_wheel-result"
    assert [name for name, _ in fake_backend.calls] == [
        "build_wheel", "build_sdist", "build_editable", "prepare_metadata_for_build_wheel"]
    for _, args in fake_backend.calls:
        assert any(arg is settings for arg in args), "config_settings must reach the backend as the same object"


def test_optional_hook_missing_in_backend_is_attribute_error(fake_backend: types.SimpleNamespace,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(fake_backend.module, "build_editable")
    monkeypatch.setenv("MPI4PY_BUILD_BACKEND", "meson-python")
    assert not hasattr(backend, "build_editable")
    with pytest.raises(AttributeError):
        backend.no_such_hook  # noqa: B018


@pytest.mark.parametrize("name", ["scikit-build-core", "meson-python"])
@pytest.mark.parametrize("value", ["1", "yes", "anything"])
def test_configure_is_an_error_under_cmake_and_meson(name: str, value: str) -> None:
    with pytest.raises(backend.BackendError) as info:
        backend.check_settings(name, {"MPI4PY_BUILD_CONFIGURE": value})
    message = str(info.value)
    assert "MPI4PY_BUILD_CONFIGURE" in message and "MPI_VERSION" in message and "MPI4PY_BUILD_BACKEND=setuptools" in message


@pytest.mark.parametrize("value", ["", "0", "off", "false"])
def test_configure_off_values_are_accepted(value: str) -> None:
    assert backend.check_settings("meson-python", {"MPI4PY_BUILD_CONFIGURE": value}) == []


def test_configure_is_fine_with_setuptools() -> None:
    assert backend.check_settings("setuptools", {"MPI4PY_BUILD_CONFIGURE": "1", "MPICC": "mpicc"}) == []


def test_configure_error_stops_get_requires(fake_backend: types.SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPI4PY_BUILD_BACKEND", "cmake")
    monkeypatch.setenv("MPI4PY_BUILD_CONFIGURE", "1")
    with pytest.raises(backend.BackendError):
        backend.get_requires_for_build_wheel()
    with pytest.raises(backend.BackendError):
        backend.build_wheel("wheels")
    assert fake_backend.calls == []


@pytest.mark.parametrize(("name", "hint"), [("scikit-build-core", "MPI_C_COMPILER"), ("meson-python", "CC=")])
def test_setuptools_only_variables_warn_with_the_alternative(name: str, hint: str) -> None:
    (warning,) = backend.check_settings(name, {"MPICC": "mpicc", "MPI4PY_BUILD_MPICFG": "x.cfg"})
    assert "MPICC" in warning and "MPI4PY_BUILD_MPICFG" in warning and hint in warning


def _fake_tool(directory: Path, name: str, output: str, status: int = 0) -> None:
    path = directory / name
    path.write_text(f"#!/bin/sh\necho '{output}'\nexit {status}\n")
    path.chmod(0o755)


@pytest.mark.parametrize(
    ("cmake_out", "cmake_status", "wanted"),
    [("cmake version 3.28.3", 0, False), ("cmake version 3.10.2", 0, True), ("Traceback: no module named cmake", 1, True)],
)
def test_cmake_is_requested_only_when_no_usable_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    cmake_out: str, cmake_status: int, wanted: bool) -> None:
    _fake_tool(tmp_path, "cmake", cmake_out, cmake_status)
    _fake_tool(tmp_path, "ninja", "1.11.1")
    monkeypatch.setenv("PATH", str(tmp_path))
    reqs = backend.requires("scikit-build-core")
    assert any(r.startswith("cmake") for r in reqs) is wanted
    assert not any(r.startswith("ninja") for r in reqs)


def test_ninja_is_requested_when_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert "ninja>=1.8.2" in backend.requires("meson-python")
    assert not any(r.startswith(("cmake", "ninja")) for r in backend.requires("setuptools"))


def test_pyproject_points_at_the_dispatcher() -> None:
    from mpibuild.layout import load_toml

    top = Path(__file__).resolve().parents[2]
    build_system = load_toml(top / "pyproject.toml")["build-system"]
    assert build_system["build-backend"] == "mpibuild.backend"
    assert (top / build_system["backend-path"][0] / "mpibuild" / "backend.py").is_file()
    assert os.path.samefile(top / "conf" / "mpibuild" / "backend.py", backend.__file__)


@pytest.mark.parametrize("name", ["scikit-build-core", "meson-python"])
def test_pysabi_is_an_error_under_cmake_and_meson(name: str) -> None:
    with pytest.raises(backend.BackendError, match="MPI4PY_BUILD_PYSABI='3.10'.*setuptools feature"):
        backend.check_settings(name, {"MPI4PY_BUILD_PYSABI": "3.10"})
    assert backend.check_settings(name, {"MPI4PY_BUILD_PYSABI": "0"}) == []


SPDX_PYPROJECT = '[project]\nname = "mpi4py"\nlicense = "BSD-3-Clause"\n'
TABLE_PYPROJECT = '[project]\nname = "mpi4py"\nlicense = { text = "BSD-3-Clause" }\n'


def test_old_setuptools_with_an_spdx_license_is_refused_naming_the_fix(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(SPDX_PYPROJECT)
    with pytest.raises(backend.BackendError) as info:
        backend.check_license_form("66.1.1", pyproject)
    message = str(info.value)
    assert "MPI4PY_BUILD_BACKEND=setuptools needs setuptools>=77" in message and "found setuptools 66.1.1" in message
    assert "pip install -U 'setuptools>=77'" in message and "build isolation" in message


@pytest.mark.parametrize(("version", "text"), [
    ("77.0.3", SPDX_PYPROJECT),  # new enough for the SPDX string
    ("66.1.1", TABLE_PYPROJECT),  # Debian 12's setuptools with the table form of its patch
])
def test_license_form_that_setuptools_reads_is_accepted(tmp_path: Path, version: str, text: str) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(text)
    backend.check_license_form(version, pyproject)


def test_the_project_pyproject_is_what_the_check_reads() -> None:
    # the check guards the real file: were its license the table form, the check would guard nothing
    top = Path(backend.__file__).resolve().parents[2]
    assert backend.SPDX_LICENSE.search((top / "pyproject.toml").read_text())
