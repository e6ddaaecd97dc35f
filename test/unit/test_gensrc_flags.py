"""conf/mpibuild/gensrc.py: the limited-API translation uses its own Cython flags, and a change of
flags in the same build folder translates again (a stale MPI.c of the other kind would not import)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mpibuild import gensrc

pytest.importorskip("Cython")

# Like the real MPI.pyx it exports a C API, so the translation also writes MPI_api.h (gensrc
# translates again when that header is missing).
TINY = '''\
cdef api int tiny_api() noexcept:
    return 0

cdef class Handle:
    @classmethod
    def f2py(cls, arg):
        return cls()
'''


@pytest.fixture
def tiny_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """gensrc pointed at a one-class MPI.pyx (the real one takes seconds to translate)."""
    pkg = tmp_path / "src" / "mpi4py"
    pkg.mkdir(parents=True)
    (pkg / "MPI.pyx").write_text(TINY)
    monkeypatch.setattr(gensrc, "TOP", tmp_path)
    monkeypatch.setattr(gensrc, "PKG", pkg)
    return tmp_path / "gen"


def _flags(c_source: Path) -> str:
    return (c_source.with_name(c_source.name + ".flags")).read_text()


def test_flags_change_translates_again(tiny_package: Path) -> None:
    out = tiny_package
    out.mkdir()
    (target,) = gensrc.run_cython(out)
    assert "binding=False" in _flags(target) and "binding=True" not in _flags(target)
    first = target.stat().st_mtime_ns

    gensrc.run_cython(out)  # same flags, sources unchanged: kept
    assert target.stat().st_mtime_ns == first

    gensrc.run_cython(out, limited_api=True)  # other flags: translated again
    assert _flags(target).endswith("-X binding=True")
    assert target.stat().st_mtime_ns != first
    limited = target.read_text()

    gensrc.run_cython(out)  # and back
    assert "binding=True" not in _flags(target) and target.read_text() != limited


def test_mpi_c_without_a_flags_record_counts_as_the_default(tiny_package: Path) -> None:
    """An MPI.c from before the flags record was written with CYTHON_FLAGS: kept for a default build only."""
    out = tiny_package
    out.mkdir()
    (target,) = gensrc.run_cython(out)
    target.with_name(target.name + ".flags").unlink()
    first = target.stat().st_mtime_ns
    gensrc.run_cython(out)
    assert target.stat().st_mtime_ns == first
    gensrc.run_cython(out, limited_api=True)
    assert target.stat().st_mtime_ns != first and _flags(target).endswith("-X binding=True")


def test_limited_api_flags() -> None:
    assert gensrc.cython_flags() == gensrc.CYTHON_FLAGS
    assert gensrc.cython_flags(limited_api=True) == (*gensrc.CYTHON_FLAGS, "-X", "binding=True")
