"""A wheel per CPython from ``nox -s wheels``: the local image's copied interpreters (conf/cibw/build_image.py),
the build selector read from the image, the abi3 override of [tool.cibuildwheel], and which wheel each
consumer picks (host smoke tests, ``nox -s wheel_abi``, the variants kept by abi_repair.py)."""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

import pytest
from cibw import abi_repair, build_image
from noxlib import abi, wheels
from packaging.tags import Tag

TOP = Path(__file__).resolve().parents[2]


# -- build_image.py: host interpreters copied into the image ---------------------------------------


def test_a_python_of_its_own_prefix_is_accepted() -> None:
    python = build_image.CopiedPython(sys.executable)
    assert python.prefix == Path(sys.base_prefix) and python.minor == sys.version_info[1]
    assert python.tag == f"cp3{sys.version_info[1]}-cp3{sys.version_info[1]}"
    assert python.executable.is_file() and len(python.fingerprint()) == 16


@pytest.mark.skipif(not Path("/usr/bin/python3").is_file(), reason="no system python3 in /usr")
def test_a_python_of_the_shared_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match=r"--cpython /usr/bin/python3: installed in the shared prefix /usr"):
        build_image.CopiedPython("/usr/bin/python3")


def test_a_missing_python_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"--cpython .*nothing: does not run"):
        build_image.CopiedPython(str(tmp_path / "nothing"))


def fake_python(minor: int, prefix: str) -> build_image.CopiedPython:
    python = build_image.CopiedPython.__new__(build_image.CopiedPython)
    python.minor, python.prefix, python.version = minor, Path(prefix), f"3.{minor}.0"
    python.executable, python.ldlibrary = Path(prefix) / "bin" / f"python3.{minor}", f"libpython3.{minor}.so"
    return python


def test_image_pythons_sorted_one_per_version_never_3_11() -> None:
    pythons = build_image.image_pythons([fake_python(13, "/p/13"), fake_python(9, "/p/9")])
    assert [p.minor for p in pythons] == [9, 13]
    assert build_image.python_tags(pythons) == ["cp39", "cp311", "cp313"]  # Debian's 3.11 is always there
    assert build_image.python_tags([]) == ["cp311"]
    with pytest.raises(ValueError, match="image's 3.11 is Debian's"):
        build_image.image_pythons([fake_python(11, "/p/11")])
    with pytest.raises(ValueError, match=r"two 3\.9 interpreters \(/p/9, /q/9\)"):
        build_image.image_pythons([fake_python(9, "/p/9"), fake_python(9, "/q/9")])


def test_recipe_key_follows_the_interpreters(tmp_path: Path) -> None:
    prefix = tmp_path / "py"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "lib").mkdir()
    (prefix / "bin" / "python3.9").write_bytes(b"interpreter")
    (prefix / "lib" / "libpython3.9.so").write_bytes(b"library")
    python = fake_python(9, str(prefix))
    key = build_image.recipe_key([python])
    assert key == build_image.recipe_key([python]) != build_image.recipe_key([])
    (prefix / "lib" / "libpython3.9.so").write_bytes(b"library, rebuilt")
    assert build_image.recipe_key([python]) != key


def test_copy_keeps_the_installation_without_host_packages_tests_and_static_library(tmp_path: Path) -> None:
    prefix = tmp_path / "host" / "versions" / "3.12.1"
    files = ["bin/python3.12", "bin/pip3", "lib/libpython3.12.so.1.0", "lib/python3.12/os.py",
             "lib/python3.12/test/test_os.py", "lib/python3.12/unittest/test/test_case.py",
             "lib/python3.12/site-packages/pip/__init__.py", "lib/python3.12/site-packages/sandbox.pth",
             "lib/python3.12/config-3.12-x86_64-linux-gnu/libpython3.12.a",
             "lib/python3.12/config-3.12-x86_64-linux-gnu/Makefile", "include/python3.12/Python.h"]
    for name in files:
        (prefix / name).parent.mkdir(parents=True, exist_ok=True)
        (prefix / name).write_text(name)
    (prefix / "bin" / "python3").symlink_to("python3.12")
    root = tmp_path / "root"
    fake_python(12, str(prefix)).copy_into(root)
    copied = root / prefix.relative_to("/")  # the very same path inside the image
    kept = sorted(str(p.relative_to(copied)) for p in copied.rglob("*") if p.is_file() or p.is_symlink())
    assert kept == sorted(["bin/python3", "bin/python3.12", "lib/libpython3.12.so.1.0", "lib/python3.12/os.py",
                           "lib/python3.12/unittest/test/test_case.py", "lib/python3.12/config-3.12-x86_64-linux-gnu/Makefile",
                           "include/python3.12/Python.h"])
    assert os.readlink(copied / "bin" / "python3") == "python3.12"
    assert (copied / "lib/python3.12/site-packages").is_dir()  # emptied, not removed


# -- nox -s wheels: which CPythons, which wheel on which interpreter --------------------------------


def test_image_label_gives_the_build_selector() -> None:
    assert wheels.image_build_selector("cp39,cp310,cp311") == "cp39-manylinux_x86_64 cp310-manylinux_x86_64 cp311-manylinux_x86_64"
    assert wheels.built_minors(wheels.image_build_selector("cp39,cp311, cp313")) == {9, 11, 13}
    assert wheels.built_minors("cp3*") == set()  # a pattern names no interpreter: the host tests everything
    for bad in ("", "cp311;rm", "pp39", " , "):
        with pytest.raises(ValueError, match=r"mpi4py\.pythons=.*nox -s build_image"):
            wheels.image_build_selector(bad)


def test_wheel_minor_reads_the_tag() -> None:
    assert wheels.wheel_minor(Path("mpi4py-4.1.0-cp39-cp39-manylinux_2_36_x86_64.whl")) == 9
    assert wheels.wheel_minor(Path("mpi4py-4.1.0-cp311-abi3-manylinux_2_36_x86_64.whl")) == 11
    for bad in ("mpi4py-4.1.0-cp39-cp310-linux_x86_64.whl", "mpi4py-4.1.0-pp39-pypy39_pp73-linux_x86_64.whl", "numpy-2.0-cp39-cp39-x.whl"):
        with pytest.raises(ValueError, match="not a CPython wheel of ours"):
            wheels.wheel_minor(Path(bad))


@pytest.mark.parametrize(("identifier", "abi3"), [("cp39-manylinux_x86_64", False), ("cp310-manylinux_x86_64", False),
                                                   ("cp311-manylinux_x86_64", True), ("cp313-manylinux_x86_64", True)])
def test_abi3_from_3_11_on(identifier: str, abi3: bool) -> None:
    """The release policy, as cibuildwheel resolves it and as the host fallback (wheels.cibw_settings) does."""
    from cibuildwheel.environment import parse_environment
    from cibuildwheel.options import EnvironmentFormat, OptionsReader

    reader = OptionsReader(TOP / "pyproject.toml", platform="linux", env={})  # type: ignore[arg-type]
    reader.current_identifier = identifier
    env = parse_environment(reader.get("environment", option_format=EnvironmentFormat())).as_dictionary({})
    assert (env.get("MPI4PY_BUILD_PYSABI") == "1") is abi3, env
    assert env["MPI4PY_BUILD_MPIABI"] == "mpich", env  # the override appends: the merged-wheel settings stay
    host = wheels.cibw_settings("linux", identifier=identifier)["environment"]
    assert (host.get("MPI4PY_BUILD_PYSABI") == "1") is abi3 and host["MPI4PY_BUILD_MPIABI"] == "mpich", host
    assert "MPI4PY_BUILD_PYSABI" not in wheels.cibw_settings("linux")["environment"]


def test_cibuildwheel_tests_the_abi3_wheel_on_newer_pythons() -> None:
    from cibuildwheel.util.packaging import find_compatible_wheel

    abi3 = [Path("mpi4py-4.1.0-cp311-abi3-manylinux_2_36_x86_64.whl")]
    assert find_compatible_wheel(abi3, "cp313-manylinux_x86_64") == abi3[0]
    assert find_compatible_wheel(abi3, "cp310-manylinux_x86_64") is None


def test_host_overrides_refuse_brace_patterns(tmp_path: Path) -> None:
    text = (TOP / "pyproject.toml").read_text().replace('select = "cp31[1-9]-*"', 'select = "cp3{11,12}-*"')
    assert "cp3{11,12}" in text
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ValueError, match="braces are not read here"):
        wheels.cibw_settings("linux", tmp_path / "pyproject.toml", "cp311-manylinux_x86_64")


def tags(minor: int) -> frozenset[Tag]:
    """What CPython 3.<minor> on x86_64 Linux installs (the part that matters here)."""
    found = {Tag(f"cp3{minor}", f"cp3{minor}", "manylinux_2_36_x86_64")}
    found |= {Tag(f"cp3{m}", "abi3", "manylinux_2_36_x86_64") for m in range(2, minor + 1)}
    return frozenset(found)


def test_wheel_abi_takes_the_wheel_for_its_interpreter() -> None:
    cp39, cp310, abi3 = (f"mpi4py-4.1.0-{t}-manylinux_2_36_x86_64.whl" for t in ("cp39-cp39", "cp310-cp310", "cp311-abi3"))
    assert [abi.installable(w, tags(11)) for w in (cp39, cp310, abi3)] == [False, False, True]
    assert [abi.installable(w, tags(13)) for w in (cp39, cp310, abi3)] == [False, False, True]
    assert [abi.installable(w, tags(9)) for w in (cp39, cp310, abi3)] == [True, False, False]
    assert abi.installable(abi3)  # this interpreter (>= 3.11) takes the abi3 wheel


def test_kept_variants_of_each_python_stay_side_by_side(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """abi_repair.py runs once per CPython with the same keep folder: a later build must not drop an earlier one's."""
    variant_of = {}
    monkeypatch.setattr(abi_repair.merge_wheels, "read_variant", lambda wheel: types.SimpleNamespace(name=variant_of[wheel]))
    kept = tmp_path / "kept"
    for tag, variants in (("cp39-cp39", ("mpich", "openmpi")), ("cp311-abi3", ("mpich",))):
        built = []
        for variant in variants:
            wheel = tmp_path / tag / variant / f"mpi4py-4.1.0-{tag}-linux_x86_64.whl"
            wheel.parent.mkdir(parents=True)
            wheel.write_bytes(f"{tag} {variant}".encode())
            variant_of[wheel] = variant
            built.append(wheel)
        abi_repair.keep(built, kept)
    assert sorted(p.name for p in (kept / "mpich").iterdir()) == ["mpi4py-4.1.0-cp311-abi3-linux_x86_64.whl",
                                                                  "mpi4py-4.1.0-cp39-cp39-linux_x86_64.whl"]
    assert (kept / "mpich" / "mpi4py-4.1.0-cp39-cp39-linux_x86_64.whl").read_bytes() == b"cp39-cp39 mpich"
    assert [p.name for p in (kept / "openmpi").iterdir()] == ["mpi4py-4.1.0-cp39-cp39-linux_x86_64.whl"]
