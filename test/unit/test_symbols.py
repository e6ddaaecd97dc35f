from __future__ import annotations

from pathlib import Path

import pytest
from mpibuild import symbols


def test_table_parses_and_names_are_unique() -> None:
    table = symbols.load(symbols.default_table())
    names = [s.name for s in table]
    assert len(names) == len(set(names)) > 100
    assert {"MPI_Comm_rank", "MPI_COMM_WORLD", "MPI_SUCCESS", "MPI_Status"} <= set(names)


def test_func_line() -> None:
    s = symbols.parse_line("1.0 func int MPI_Send(void*, int, MPI_Datatype, int, int, MPI_Comm)")
    assert s is not None and s.kind == "func" and s.name == "MPI_Send" and len(s.args) == 6


@pytest.mark.parametrize("line", ["x func int MPI_X()", "1.0 bogus MPI_X", "1.0 func nonsense", "1.0"])
def test_bad_lines(line: str) -> None:
    with pytest.raises(symbols.SymbolTableError):
        symbols.parse_line(line, 3)


def test_missing_function_becomes_named_stub() -> None:
    s = symbols.parse_line("4.0 func int MPI_Foo(int)")
    assert s is not None
    text = symbols.emit_missing_h([s])
    assert "#ifndef PyMPI_HAVE_MPI_Foo" in text
    assert 'PyMPI_Unavailable("MPI_Foo")' in text


def test_version_config_uses_since() -> None:
    s = symbols.parse_line("3.1 const MPI_BAR")
    assert s is not None
    assert "PyMPI_VERSION_GE(3, 1)" in symbols.emit_version_config_h([s])


def test_routines_are_guarded_except_the_always_allowed_ones() -> None:
    table = symbols.load(symbols.default_table())
    by_name = {s.name: s for s in table}
    pxi = symbols.emit_pxi(table)
    guards = "\n".join(symbols.emit_guards(table))
    assert 'int MPI_Barrier "PyMPI_CALL_MPI_Barrier"(' in pxi
    assert '#define PyMPI_CALL_MPI_Barrier(...) (PyMPI_Usable("MPI_Barrier") ? MPI_Barrier(__VA_ARGS__)' in guards
    assert 'double MPI_Wtime "PyMPI_CALL_MPI_Wtime"() except? -1.0' in pxi
    assert "PyMPI_Forget(" in guards and 'PyMPI_InitAllowed("MPI_Init")' in guards
    for name in ("MPI_Initialized", "MPI_Finalized", "MPI_Get_version"):
        assert symbols.guarded_name(by_name[name]) == name and f"PyMPI_CALL_{name}" not in guards
    funcs = [s for s in table if s.kind == "func"]
    unguarded = {s.name for s in funcs if symbols.guarded_name(s) == s.name}
    # Only the always-allowed queries, the MPI-4 session routines (usable without MPI_Init) and the
    # value computations returning no error code (handle conversions, MPI_Aint_add/diff) run unguarded.
    pure = {s.name for s in funcs if s.ctype not in ("int", "double")}
    assert {"MPI_Comm_c2f", "MPI_Comm_f2c", "MPI_Aint_add"} <= pure
    assert unguarded == set(symbols.ALWAYS_ALLOWED) | {s.name for s in funcs if s.name.startswith("MPI_Session_")} | pure
    assert "MPI_Session_init" in unguarded


def test_vendor_facts_become_guarded_have_macros(tmp_path: Path) -> None:
    table = [s for s in (symbols.parse_line("4.0 func int MPI_Foo(int)"), symbols.parse_line("4.0 const MPI_BAR")) if s]
    vendor = tmp_path / "libmpi.vendor"
    vendor.write_text("# comment\nfamily acme when defined(ACME_MPI) && ACME_MAJOR >= 2\n  MPI_Foo MPI_BAR  # both\n")
    families = symbols.load_vendor(vendor, table)
    assert families == [symbols.VendorFamily("acme", "defined(ACME_MPI) && ACME_MAJOR >= 2", ("MPI_Foo", "MPI_BAR"))]
    text = symbols.emit_missing_h(table, families)
    # The family facts come before the fallbacks they switch off.
    assert text.index("#if defined(ACME_MPI) && ACME_MAJOR >= 2") < text.index("#    define PyMPI_HAVE_MPI_Foo 1")
    assert text.index("#    define PyMPI_HAVE_MPI_Foo 1") < text.index("#ifndef PyMPI_HAVE_MPI_Foo\n#undef MPI_Foo")


@pytest.mark.parametrize(("body", "message"), [
    ("family acme when X\n  MPI_Nope\n", "MPI_Nope is not a symbol of libmpi.sym"),
    ("MPI_Foo\n", "before the first 'family' line"),
    ("family acme\n  MPI_Foo\n", "expected 'family NAME when C-CONDITION'"),
])
def test_vendor_file_errors_name_the_line(tmp_path: Path, body: str, message: str) -> None:
    table = [s for s in (symbols.parse_line("4.0 func int MPI_Foo(int)"),) if s]
    vendor = tmp_path / "libmpi.vendor"
    vendor.write_text(body)
    with pytest.raises(symbols.SymbolTableError, match=message):
        symbols.load_vendor(vendor, table)


def test_shipped_vendor_file_names_only_known_symbols() -> None:
    table = symbols.load(symbols.default_table())
    families = symbols.load_vendor(symbols.default_table().with_name("libmpi.vendor"), table)
    assert families[0].name == "openmpi5" and "MPI_Allreduce_init" in families[0].names
    # The optional Fortran sized datatypes are available exactly when mpi.h defines them.
    optional = {f.names: f.condition for f in families[1:]}
    assert optional[("MPI_INTEGER16",)] == "defined(MPI_INTEGER16)"


# -- the public libmpi.pxd ------------------------------------------------------------------


def test_committed_libmpi_pxd_is_in_sync() -> None:
    assert symbols.pxd_out_of_sync() is None, f"run: {symbols.REGENERATE}"


def test_stale_libmpi_pxd_is_detected(tmp_path: Path) -> None:
    table = tmp_path / "libmpi.sym"
    table.write_text(symbols.default_table().read_text() + "4.1 func int MPI_Brand_new(MPI_Comm)\n")
    problem = symbols.pxd_out_of_sync(table_path=table, vendor_path=symbols.default_vendor())
    assert problem is not None and "MPI_Brand_new" in problem
    missing = symbols.pxd_out_of_sync(pxd_path=tmp_path / "libmpi.pxd")
    assert missing is not None and "missing" in missing


def test_check_pxd_command_fails_on_a_stale_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "libmpi.pxd"
    stale.write_text(symbols.default_pxd().read_text().replace("    enum: MPI_ANY_TAG\n", ""))
    monkeypatch.setattr(symbols, "default_pxd", lambda: stale)
    assert symbols.main(["--check-pxd"]) == 1
    out = capsys.readouterr().out
    assert symbols.REGENERATE in out and "-    enum: MPI_ANY_TAG" in out
    symbols.main(["--write-pxd"])
    assert symbols.main(["--check-pxd"]) == 0


def test_internal_pxi_cimports_the_types_and_declares_the_rest() -> None:
    table = symbols.load(symbols.default_table())
    pxi = symbols.emit_pxi(table)
    assert "ctypedef" not in pxi  # redeclaring a cimported type would make two distinct Cython types
    cimported = pxi.splitlines()[1].removeprefix("from mpi4py.libmpi cimport ").split(", ")
    assert cimported == [s.name for s in table if s.kind in symbols.TYPE_KINDS]
    pxd = symbols.emit_pxd(table)
    assert '    int MPI_Barrier(MPI_Comm)' in pxd and "PyMPI_CALL_" not in pxd  # plain names for users
    assert '    int MPI_Barrier "PyMPI_CALL_MPI_Barrier"(MPI_Comm)' in pxi  # our build keeps the guards


COMPAT_USER = """
#include "mpi.h"
{compat}
typedef struct {{ MPI_Comm comm; MPI_Session session; MPI_Count count; }} user_t;
int main(void) {{ user_t u; (void)u; return (int)sizeof(u.session); }}
"""


@pytest.mark.parametrize(("mpi_h", "with_compat", "compiles"), [
    ("#define MPI_VERSION 3\n#define MPI_SUBVERSION 1\ntypedef int MPI_Comm; typedef long long MPI_Count;\n", True, True),
    ("#define MPI_VERSION 3\n#define MPI_SUBVERSION 1\ntypedef int MPI_Comm; typedef long long MPI_Count;\n", False, False),
    # Open MPI 5 reports MPI 3.1 but has sessions: the compat block must not replace its type.
    ("#define MPI_VERSION 3\n#define MPI_SUBVERSION 1\n#define OPEN_MPI 1\n#define OMPI_MAJOR_VERSION 5\n"
     "typedef struct s *MPI_Comm; typedef struct t *MPI_Session; typedef long long MPI_Count;\n"
     "static MPI_Session check_type_is_real(struct t *p) { return p; }\n", True, True),
    ("#define MPI_VERSION 4\n#define MPI_SUBVERSION 0\ntypedef int MPI_Comm, MPI_Session; typedef long long MPI_Count;\n", True, True),
])
def test_compat_block_lets_old_mpi_headers_compile(tmp_path: Path, mpi_h: str, with_compat: bool, compiles: bool) -> None:
    import shutil
    import subprocess

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    table = symbols.load(symbols.default_table())
    compat = symbols.emit_compat_c(table, symbols.load_vendor(symbols.default_vendor(), table)) if with_compat else ""
    (tmp_path / "mpi.h").write_text(mpi_h)
    (tmp_path / "user.c").write_text(COMPAT_USER.format(compat=compat))
    result = subprocess.run([cc, "-Werror", "-c", "user.c", "-o", "user.o"], cwd=tmp_path, capture_output=True, text=True)
    assert (result.returncode == 0) == compiles, result.stderr
