from __future__ import annotations

import re
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


# -- late binding (merged-wheel variants) ------------------------------------------------------

LATE_TABLE = """
1.0 func int MPI_Init(int*, char***)
4.0 func int MPI_Session_init(MPI_Info, MPI_Errhandler, MPI_Session*)
4.0 func MPI_Fint MPI_Session_c2f(MPI_Session)
4.1 func int MPI_Buffer_iflush(MPI_Request*)
4.0 const MPI_ERR_SESSION
4.1 const MPI_ERR_ERRHANDLER
4.0 value MPI_Session MPI_SESSION_NULL [0]
"""


def late_setup(tmp_path: Path, vendor: str) -> tuple[list[symbols.Symbol], list[symbols.LateFamily]]:
    (tmp_path / "t.sym").write_text(LATE_TABLE)
    (tmp_path / "t.vendor").write_text(vendor)
    table = symbols.load(tmp_path / "t.sym")
    return table, symbols.load_late(tmp_path / "t.vendor", table)


def test_late_blocks_parse_after_family_blocks(tmp_path: Path) -> None:
    table, late = late_setup(tmp_path, "family f when defined(X)\n  MPI_ERR_SESSION\n"
                             "late ompi oldest 3.1 when defined(OPEN_MPI)\n  MPI_ERR_SESSION = 78 if MPI_Session_init\n"
                             "  MPI_SESSION_NULL = &ompi_mpi_instance_null\n"
                             "late mpich oldest 3.1 when defined(MPICH)\n  MPI_ERR_ERRHANDLER = 80\n  MPI_ERR_SESSION = 75 always\n")
    assert [(f.name, f.oldest) for f in late] == [("ompi", (3, 1)), ("mpich", (3, 1))]
    assert late[0].facts[0] == symbols.LateFact("MPI_ERR_SESSION", "78", "MPI_Session_init")
    assert late[1].facts == (symbols.LateFact("MPI_ERR_ERRHANDLER", "80", ""), symbols.LateFact("MPI_ERR_SESSION", "75", "always"))
    # the family blocks before are still read by load_vendor, which stops at the first late block
    assert [f.name for f in symbols.load_vendor(tmp_path / "t.vendor", table)] == ["f"]


def test_late_code_binds_newer_routines_only(tmp_path: Path) -> None:
    table, late = late_setup(tmp_path, "late mpich oldest 4.0 when defined(MPICH)\n  MPI_ERR_ERRHANDLER = 80\n"
                             "late ompi oldest 3.1 when defined(OPEN_MPI)\n  MPI_SESSION_NULL = &ompi_mpi_instance_null\n")
    text = symbols.emit_missing_h(table, [], late)
    late_part = text[text.index("#ifdef PYMPI_LATE_BIND"):]
    rows = [s.name for s in symbols.late_rows(table, late)]
    assert rows == ["MPI_Session_init", "MPI_Session_c2f", "MPI_Buffer_iflush", "MPI_ERR_SESSION", "MPI_ERR_ERRHANDLER",
                    "MPI_SESSION_NULL"]  # newer than the lowest floor (3.1); MPI_Init never
    assert "#  define PYMPI_LATE_FLOOR 0x0400" in late_part and "#  define PYMPI_LATE_FLOOR 0x0301" in late_part
    # a routine is bound only above the floor of the family compiled, and never when mpi.h makes it a macro
    assert "#if PYMPI_LATE_FLOOR < 0x0401 && PYMPI_LATE_KIND_2 == 1\n#  undef MPI_Buffer_iflush" in late_part
    assert "#if defined(PyMPI_HAVE_MPI_Session_c2f) && defined(MPI_Session_c2f)\n#  define PYMPI_LATE_KIND_1 2" in late_part
    assert 'PyMPI_Unavailable("MPI_Buffer_iflush")' in late_part and "(int (*)(MPI_Request*))pympi_late_addr[2]" in late_part
    # a non-int routine absent: its type, from the stub's error code
    assert '((MPI_Fint)(intptr_t)PyMPI_Unavailable("MPI_Session_c2f"))' in late_part
    # values: a fact's C value, a data symbol looked up with the table's fallback
    assert "#  define MPI_ERR_ERRHANDLER (80)" in late_part
    assert "#  define MPI_SESSION_NULL ((MPI_Session)PyMPI_LateAddress(6, (void *)(0)))" in late_part
    assert 'pympi_late_data[] = {"ompi_mpi_instance_null", 0};' in late_part
    assert "#define pympi_missing_names (PyMPI_LateMissingNames())" in late_part
    assert "#  error" in late_part  # an mpi.h of no known family cannot be late-bound silently


@pytest.mark.parametrize(("body", "message"), [
    ("late x oldest 3 when defined(X)\n", "expected 'late NAME oldest M.m when"),
    ("late x oldest 3.1 when defined(X)\n  MPI_Nope = 1\n", "MPI_Nope is not a const/value"),
    ("late x oldest 3.1 when defined(X)\n  MPI_ERR_SESSION = 1 if MPI_ERR_ERRHANDLER\n", "witness MPI_ERR_ERRHANDLER is not a routine"),
    ("late x oldest 3.1 when defined(X)\n  MPI_SESSION_NULL = &a b\n", "a data symbol is written '&name'"),
    ("late x oldest 3.1 when defined(X)\nfamily y when defined(Y)\n", "no 'family' block after the first 'late'"),
    ("late x oldest 3.1 when defined(X)\n  ERR_SESSION = 1\n", "expected 'MPI_NAME [= C-VALUE]"),
])
def test_late_block_errors_name_the_line(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(symbols.SymbolTableError, match=re.escape(message)):
        late_setup(tmp_path, body)


def test_late_fact_must_be_newer_than_every_floor(tmp_path: Path) -> None:
    table, late = late_setup(tmp_path, "late x oldest 4.1 when defined(X)\n  MPI_ERR_SESSION = 1\n")
    with pytest.raises(symbols.SymbolTableError, match="MPI_ERR_SESSION is not newer"):
        symbols.emit_late(table, late)


def test_shipped_late_blocks_cover_every_variant_family() -> None:
    table = symbols.load(symbols.default_table())
    late = symbols.load_late(symbols.default_table().with_name("libmpi.vendor"), table)
    assert {f.name for f in late} >= {"mpich", "openmpi", "mpiabi", "msmpi"}
    assert symbols.emit_late(table, late)  # every fact names a late symbol


# -- the public libmpi.pxd ------------------------------------------------------------------


def test_committed_generated_files_are_in_sync() -> None:
    assert symbols.out_of_sync() is None, f"run: {symbols.REGENERATE}"


def test_stale_generated_files_are_detected(tmp_path: Path) -> None:
    table = tmp_path / "libmpi.sym"
    table.write_text(symbols.default_table().read_text() + "4.1 func int MPI_Brand_new(MPI_Comm)\n"
                     "5.0 handle MPI_Brand_handle\n")
    problem = symbols.out_of_sync(table_path=table, vendor_path=symbols.default_vendor())
    assert problem is not None and "MPI_Brand_new" in problem  # libmpi.pxd
    assert "typedef void * PyMPI_MPI_Brand_handle;" in problem  # mpi4py_compat.h
    missing = symbols.out_of_sync(package_dir=tmp_path)
    assert missing is not None and "libmpi.pxd is missing" in missing and "mpi4py_compat.h is missing" in missing


def test_check_command_fails_on_a_stale_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert symbols.main(["--write"], package_dir=tmp_path) == 0
    assert symbols.main(["--check"], package_dir=tmp_path) == 0
    stale = tmp_path / "libmpi.pxd"
    stale.write_text(stale.read_text().replace("    enum: MPI_ANY_TAG\n", ""))
    assert symbols.main(["--check"], package_dir=tmp_path) == 1
    out = capsys.readouterr().out
    assert symbols.REGENERATE in out and "-    enum: MPI_ANY_TAG" in out


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
