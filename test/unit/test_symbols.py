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
    assert [f.name for f in families] == ["openmpi5"] and "MPI_Allreduce_init" in families[0].names
