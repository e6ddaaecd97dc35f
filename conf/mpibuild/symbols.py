"""The MPI symbol table (``src/mpi4py/libmpi.sym``) and what is generated from it.

One line per symbol: ``SINCE KIND DECLARATION``; ``#`` starts a comment.

=========  ==========================================  ======================================
kind       declaration                                 example
=========  ==========================================  ======================================
``int``    ``NAME = CYTHON_TYPE`` (integer typedef)     ``2.0 int MPI_Aint = Py_ssize_t``
``handle`` ``NAME`` (opaque handle typedef)             ``1.0 handle MPI_Comm``
``struct`` ``NAME { TYPE FIELD; ... }``                 ``1.0 struct MPI_Status { int MPI_TAG; }``
``fntype`` ``RET NAME(ARGS)`` (function typedef)        ``1.0 fntype void MPI_User_function(...)``
``const``  ``NAME`` (integer constant)                  ``1.0 const MPI_ANY_TAG``
``value``  ``TYPE NAME`` (predefined handle/object)     ``1.0 value MPI_Comm MPI_COMM_WORLD``
``func``   ``RET NAME(ARGS)`` (routine)                 ``1.0 func int MPI_Barrier(MPI_Comm)``
=========  ==========================================  ======================================

``SINCE`` is the MPI standard version that introduced the symbol; it decides availability when
no probe was run.  ``value`` declarations name a fallback handle in brackets when the inert value
is not ``TYPE`` with ``_NULL`` appended, e.g. ``1.0 value MPI_Datatype MPI_INT [MPI_DATATYPE_NULL]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

KINDS = ("int", "handle", "struct", "fntype", "const", "value", "func")
# Kinds whose absence can be compensated and which the probes test.
PROBED_KINDS = ("int", "handle", "const", "value", "func", "fntype")

_FUNC_RE = re.compile(r"^(?P<ret>[\w\s\*]+?)\s*\b(?P<name>MPI\w+)\s*\((?P<args>.*)\)$")
_NULL_HANDLES = {
    "MPI_Comm": "MPI_COMM_NULL",
    "MPI_Group": "MPI_GROUP_NULL",
    "MPI_Datatype": "MPI_DATATYPE_NULL",
    "MPI_Op": "MPI_OP_NULL",
    "MPI_Request": "MPI_REQUEST_NULL",
    "MPI_Errhandler": "MPI_ERRHANDLER_NULL",
    "MPI_Info": "MPI_INFO_NULL",
    "MPI_Win": "MPI_WIN_NULL",
    "MPI_File": "MPI_FILE_NULL",
    "MPI_Message": "MPI_MESSAGE_NULL",
    "MPI_Session": "MPI_SESSION_NULL",
}


class SymbolTableError(ValueError):
    """A malformed line in the symbol table."""


@dataclass(frozen=True)
class Symbol:
    since: tuple[int, int]
    kind: str
    name: str
    decl: str  # the declaration text after the kind
    ctype: str = ""  # int: cython base type; value: handle type; func/fntype: return type
    args: tuple[str, ...] = ()  # func/fntype argument types
    fields: tuple[tuple[str, str], ...] = ()  # struct fields (type, name)
    fallback: str = ""  # value: the inert replacement

    @property
    def macro(self) -> str:
        return f"PyMPI_HAVE_{self.name}"


def _split_args(text: str) -> tuple[str, ...]:
    text = text.strip()
    if text in ("", "void"):
        return ()
    return tuple(a.strip() for a in text.split(","))


def parse_line(line: str, lineno: int = 0) -> Symbol | None:
    line = line.split("#", 1)[0].strip()
    if not line:
        return None
    try:
        since_text, kind, decl = line.split(None, 2)
        major, minor = (int(p) for p in since_text.split("."))
    except ValueError:
        raise SymbolTableError(f"line {lineno}: expected 'SINCE KIND DECLARATION': {line!r}") from None
    if kind not in KINDS:
        raise SymbolTableError(f"line {lineno}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
    since = (major, minor)
    if kind == "int":
        name, _, base = (p.strip() for p in decl.partition("="))
        return Symbol(since, kind, name, decl, ctype=base or "long")
    if kind in ("handle", "const"):
        return Symbol(since, kind, decl.strip(), decl)
    if kind == "struct":
        m = re.match(r"^(\w+)\s*\{(.*)\}$", decl)
        if not m:
            raise SymbolTableError(f"line {lineno}: struct must be 'NAME {{ TYPE FIELD; ... }}'")
        fields = tuple(
            tuple(f.rsplit(None, 1)) for f in (x.strip() for x in m.group(2).split(";")) if f
        )
        return Symbol(since, kind, m.group(1), decl, fields=fields)  # type: ignore[arg-type]
    if kind == "value":
        m = re.match(r"^([\w\s\*]+?)\s+(\w+)\s*(?:\[(\w+)\])?$", decl)
        if not m:
            raise SymbolTableError(f"line {lineno}: value must be 'TYPE NAME [FALLBACK]'")
        ctype, name, fallback = m.group(1), m.group(2), m.group(3)
        return Symbol(since, kind, name, decl, ctype=ctype, fallback=fallback or _NULL_HANDLES.get(ctype, "0"))
    m = _FUNC_RE.match(decl)
    if not m:
        raise SymbolTableError(f"line {lineno}: {kind} must be 'RET NAME(ARGS)': {decl!r}")
    return Symbol(since, kind, m.group("name"), decl, ctype=m.group("ret").strip(), args=_split_args(m.group("args")))


def load(path: str | Path) -> list[Symbol]:
    symbols: list[Symbol] = []
    seen: set[str] = set()
    for lineno, line in enumerate(Path(path).read_text().splitlines(), 1):
        sym = parse_line(line, lineno)
        if sym is None:
            continue
        if sym.name in seen:
            raise SymbolTableError(f"line {lineno}: {sym.name} declared twice")
        seen.add(sym.name)
        symbols.append(sym)
    return symbols


def default_table() -> Path:
    return Path(__file__).resolve().parents[2] / "src" / "mpi4py" / "libmpi.sym"


# -- Cython declarations ---------------------------------------------------------------------


def _cy_type(ctype: str) -> str:
    return ctype.replace("const ", "")


# Kinds that are C types: declared once, in the public libmpi.pxd, and cimported by the internal pxi.
TYPE_KINDS = ("int", "handle", "struct", "fntype")
PXD_HEADER = "# Generated from src/mpi4py/libmpi.sym by conf/mpibuild/symbols.py -- do not edit."
# Defined when compiling mpi4py itself (conf/mpibuild/layout.py EXT_DEFINES): pympi_missing.h then
# supplies the fallbacks the build's configuration decided, so the downstream compat block stays out.
OWN_BUILD_MACRO = "PYMPI_BUILDING_MPI4PY"


def _cy_decl(s: Symbol, name: str | None = None) -> list[str]:
    """The Cython declaration lines of ``s`` (indented for an extern block)."""
    if s.kind == "int":
        return [f"    ctypedef {s.ctype} {s.name}"]
    if s.kind == "handle":
        return [f"    ctypedef struct _pympi_{s.name}_t", f"    ctypedef _pympi_{s.name}_t* {s.name}"]
    if s.kind == "struct":
        return [f"    ctypedef struct {s.name}:", *(f"        {_cy_type(t)} {n}" for t, n in s.fields)]
    if s.kind == "fntype":
        return [f"    ctypedef {_cy_type(s.ctype)} {s.name}({', '.join(map(_cy_type, s.args))}) noexcept"]
    if s.kind == "const":
        return [f"    enum: {s.name}"]
    if s.kind == "value":
        return [f"    {_cy_type(s.ctype)} {s.name}"]
    cname = name or s.name
    alias = f' "{cname}"' if cname != s.name else ""
    check = " except? -1.0" if cname != s.name and s.ctype == "double" else ""
    return [f"    {_cy_type(s.ctype)} {s.name}{alias}({', '.join(map(_cy_type, s.args))}){check}"]


def type_fallback(s: Symbol) -> list[str]:
    """C lines that stand in for the int/handle type ``s`` when mpi.h lacks it.

    A rename instead of a typedef of the MPI name: the type may exist although reported missing (an
    mpi.h older than the library's features), and both cases must compile."""
    base = "long long" if s.kind == "int" else "void *"
    return [f"typedef {base} PyMPI_{s.name};", f"#undef {s.name}", f"#define {s.name} PyMPI_{s.name}"]


def emit_compat_c(symbols: list[Symbol], vendor: list[VendorFamily] | None = None) -> str:
    """C for packages that ``cimport mpi4py.MPI``: stand-ins for the types an older mpi.h lacks.

    The extension types' structs name every handle type (``MPI_Session`` of MPI-4, ...); a package
    compiled against an older mpi.h (MPICH 3.x, Open MPI 4.x) gets the same stand-ins mpi4py's own
    build uses, decided by MPI_VERSION and the family facts of libmpi.vendor."""
    provided = {}
    for family in vendor or []:
        for name in family.names:
            provided.setdefault(name, []).append(family.condition)
    out = [f"#if !defined({OWN_BUILD_MACRO}) && !defined(PYMPI_LIBMPI_COMPAT)", "#define PYMPI_LIBMPI_COMPAT 1"]
    for s in symbols:
        if s.kind not in ("int", "handle") or s.since <= (1, 0):
            continue
        major, minor = s.since
        conditions = [f"!(MPI_VERSION > {major} || (MPI_VERSION == {major} && MPI_SUBVERSION >= {minor}))"]
        conditions += [f"!({c})" for c in provided.get(s.name, [])]
        out.append(f"#if {' && '.join(conditions)}")
        out.extend(type_fallback(s))
        out.append("#endif")
    out.append("#endif")
    return "\n".join(out)


def emit_pxd(symbols: list[Symbol], vendor: list[VendorFamily] | None = None) -> str:
    """``src/mpi4py/libmpi.pxd``: the MPI C API with its plain names, for ``from mpi4py.libmpi cimport``."""
    out = [
        PXD_HEADER,
        "# The MPI declarations mpi4py uses, under their mpi.h names: from mpi4py.libmpi cimport MPI_Comm, ...",
        "",
        'cdef extern from "<mpi.h>" nogil:',
        "    pass",
        "",
        "cdef extern from *:",
        '    """',
        *(f"    {line}" if line else "" for line in emit_compat_c(symbols, vendor).splitlines()),
        '    """',
        "",
        'cdef extern from "<mpi.h>" nogil:',
    ]
    for s in symbols:
        out.extend(_cy_decl(s))
    return "\n".join(out) + "\n"


def emit_pxi(symbols: list[Symbol]) -> str:
    """The internal ``libmpi.pxi``: the types from libmpi.pxd, the rest through pympi.h's guards."""
    types = [s.name for s in symbols if s.kind in TYPE_KINDS]
    out = [
        "# Generated from libmpi.sym by conf/mpibuild/symbols.py -- do not edit.",
        f"from mpi4py.libmpi cimport {', '.join(types)}",
        "",
        'cdef extern from "mpi4py/pympi.h" nogil:',
    ]
    for s in symbols:
        if s.kind not in TYPE_KINDS:
            out.extend(_cy_decl(s, guarded_name(s)))
    return "\n".join(out) + "\n"


# Routines MPI allows at any time, before MPI_Init and after MPI_Finalize.  Every other routine is
# called through a PyMPI_CALL_<name> guard (emit_guards_h): outside that window it does not reach
# the MPI library (MPICH aborts the process there) and becomes a Python exception instead.
ALWAYS_ALLOWED = frozenset({"MPI_Initialized", "MPI_Finalized", "MPI_Get_version", "MPI_Get_library_version"})


def guarded_name(s: Symbol) -> str:
    # Routines returning neither an error code nor a time (handle conversions MPI_X_c2f/f2c,
    # MPI_Aint_add/diff) compute a value without touching MPI state: callable at any time.
    if s.kind != "func" or s.ctype not in ("int", "double") or s.name in ALWAYS_ALLOWED or s.name.startswith("MPI_Session_"):
        return s.name
    return f"PyMPI_CALL_{s.name}"


def emit_guards(symbols: list[Symbol]) -> list[str]:
    """``#define PyMPI_CALL_MPI_X(...)``: call MPI_X only while MPI is initialized and not finalized."""
    out = ["/* Guards: MPI routines called outside MPI_Init..MPI_Finalize raise instead (see pympi.h). */"]
    for s in symbols:
        cname = guarded_name(s)
        if cname == s.name:
            continue
        call = f"{s.name}(__VA_ARGS__)"
        if s.name in ("MPI_Init", "MPI_Init_thread"):
            out.append(f'#define {cname}(...) (PyMPI_InitAllowed("{s.name}") ? {call} : PyMPI_ERR_INACTIVE)')
        elif s.name == "MPI_Finalize":
            out.append(f'#define {cname}(...) PyMPI_Forget(PyMPI_Usable("{s.name}") ? {call} : PyMPI_ERR_INACTIVE)')
        elif s.ctype == "double":
            out.append(f'#define {cname}(...) (PyMPI_Usable("{s.name}") ? {call} : PyMPI_InactiveDouble())')
        else:
            out.append(f'#define {cname}(...) (PyMPI_Usable("{s.name}") ? {call} : PyMPI_ERR_INACTIVE)')
    return out


# -- C fallbacks and configuration ----------------------------------------------------------


@dataclass(frozen=True)
class VendorFamily:
    """An MPI family known to provide ``names`` although its mpi.h reports an older standard."""

    name: str
    condition: str  # C preprocessor expression that identifies the family
    names: tuple[str, ...]


def load_vendor(path: str | Path, table: list[Symbol]) -> list[VendorFamily]:
    """Parse ``libmpi.vendor`` (see its header); every name must be a probed symbol of ``table``."""
    known = {s.name for s in table if s.kind in PROBED_KINDS}
    families: list[VendorFamily] = []
    current: tuple[str, str, list[str]] | None = None
    for lineno, raw in enumerate(Path(path).read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("family "):
            name, sep, condition = line[len("family "):].partition(" when ")
            if not sep or not name.strip() or not condition.strip():
                raise SymbolTableError(f"{path}:{lineno}: expected 'family NAME when C-CONDITION', got {raw.strip()!r}")
            current = (name.strip(), condition.strip(), [])
            families.append(VendorFamily(current[0], current[1], ()))
            continue
        if current is None:
            raise SymbolTableError(f"{path}:{lineno}: symbol names before the first 'family' line")
        for word in line.split():
            if word not in known:
                raise SymbolTableError(f"{path}:{lineno}: {word} is not a symbol of libmpi.sym (add it there first)")
            current[2].append(word)
        families[-1] = VendorFamily(current[0], current[1], tuple(current[2]))
    return families


def emit_vendor(families: list[VendorFamily]) -> list[str]:
    """``PyMPI_HAVE_*`` for what each family provides beyond its mpi.h's MPI_VERSION."""
    out: list[str] = []
    for family in families:
        out.append(f"/* {family.name}: provides these although its mpi.h reports an older MPI_VERSION */")
        out.append(f"#if {family.condition}")
        for name in family.names:
            out.append(f"#  ifndef PyMPI_HAVE_{name}\n#    define PyMPI_HAVE_{name} 1\n#  endif")
        out.append("#endif")
    return out


def emit_missing_h(symbols: list[Symbol], vendor: list[VendorFamily] | None = None) -> str:
    """Replacements for every symbol whose PyMPI_HAVE_ macro is not set (after the ``vendor`` facts)."""
    out = [
        "/* Generated from libmpi.sym by conf/mpibuild/symbols.py -- do not edit. */",
        "#ifndef PYMPI_MISSING_H",
        "#define PYMPI_MISSING_H",
        *emit_vendor(vendor or []),
    ]
    for s in symbols:
        if s.kind not in PROBED_KINDS:
            continue
        out.append(f"#ifndef {s.macro}")
        # A type may exist even when reported missing (mpi.h older than the MPI library's
        # features): rename instead of redefining so both cases compile.
        if s.kind in ("int", "handle"):
            out.extend(type_fallback(s))
        elif s.kind == "fntype":
            out.append(f"typedef {s.ctype} (PyMPI_{s.name})({', '.join(s.args) or 'void'});")
            out.append(f"#define {s.name} PyMPI_{s.name}")
        elif s.kind == "const":
            out.append(f"#undef {s.name}\n#define {s.name} (MPI_UNDEFINED)")
        elif s.kind == "value":
            out.append(f"#undef {s.name}\n#define {s.name} (({s.ctype})({s.fallback}))")
        elif s.kind == "func":
            out.append(f'#undef {s.name}\n#define {s.name}(...) PyMPI_Unavailable("{s.name}")')
        out.append("#endif")
    # The names compiled as fallbacks, for MPI._missing_symbols() (tests and diagnostics).
    out.append("static const char *const pympi_missing_names[] = {")
    for s in symbols:
        if s.kind in PROBED_KINDS:
            out.append(f'#ifndef {s.macro}\n  "{s.name}",\n#endif')
    out.append("  0\n};")
    out.extend(emit_guards(symbols))
    out.append("#endif /* PYMPI_MISSING_H */")
    return "\n".join(out) + "\n"


def emit_version_config_h(symbols: list[Symbol]) -> str:
    """Availability decided by the standard version that ``mpi.h`` claims."""
    out = [
        "/* Generated from libmpi.sym: availability from MPI_VERSION/MPI_SUBVERSION. */",
        "#ifndef PYMPI_CONFIG_H",
        "#define PYMPI_CONFIG_H",
        "#define PYMPI_CONFIG_SOURCE \"mpi-version\"",
        "#define PyMPI_VERSION_GE(M, m) (MPI_VERSION > (M) || (MPI_VERSION == (M) && MPI_SUBVERSION >= (m)))",
    ]
    for s in symbols:
        if s.kind not in PROBED_KINDS:
            continue
        major, minor = s.since
        out.append(f"#if PyMPI_VERSION_GE({major}, {minor})\n#define {s.macro} 1\n#endif")
    out.append("#endif /* PYMPI_CONFIG_H */")
    return "\n".join(out) + "\n"


def emit_probed_config_h(symbols: list[Symbol], present: set[str]) -> str:
    """Availability measured by the CONFIGURE probes."""
    out = [
        "/* Generated by MPI4PY_BUILD_CONFIGURE probes -- do not edit. */",
        "#ifndef PYMPI_CONFIG_H",
        "#define PYMPI_CONFIG_H",
        "#define PYMPI_CONFIG_SOURCE \"configure\"",
    ]
    missing = []
    for s in symbols:
        if s.kind not in PROBED_KINDS:
            continue
        if s.name in present:
            out.append(f"#define {s.macro} 1")
        else:
            missing.append(s.name)
    out.append(f"/* missing ({len(missing)}): {' '.join(missing)} */")
    out.append("#endif /* PYMPI_CONFIG_H */")
    return "\n".join(out) + "\n"


def probe_snippet(s: Symbol, index: int) -> str:
    """C code that compiles and links only if the symbol ``s`` is available."""
    if s.kind in ("int", "handle"):
        return f"void pympi_probe_{index}(void) {{ {s.name} v; (void)&v; }}"
    if s.kind == "fntype":
        return f"void pympi_probe_{index}(void) {{ {s.name} *v = 0; (void)v; }}"
    if s.kind == "const":
        return f"int pympi_probe_{index}(void) {{ int v = (int)({s.name}); return v; }}"
    if s.kind == "value":
        return f"void pympi_probe_{index}(void) {{ {s.ctype} v = {s.name}; (void)&v; }}"
    if s.kind == "func":
        args = ", ".join(f"({a})0" for a in s.args)
        ret = "" if s.ctype == "void" else "(void)"
        return f"void pympi_probe_{index}(void) {{ {ret}{s.name}({args}); }}"
    raise ValueError(f"{s.kind} symbols are not probed")


# -- the committed public libmpi.pxd --------------------------------------------------------


def default_vendor() -> Path:
    return default_table().with_name("libmpi.vendor")


def default_pxd() -> Path:
    return default_table().with_name("libmpi.pxd")


def expected_pxd(table_path: str | Path | None = None, vendor_path: str | Path | None = None) -> str:
    table = load(table_path or default_table())
    return emit_pxd(table, load_vendor(vendor_path or default_vendor(), table))


def pxd_out_of_sync(pxd_path: str | Path | None = None, table_path: str | Path | None = None,
                    vendor_path: str | Path | None = None) -> str | None:
    """Why ``libmpi.pxd`` differs from what ``libmpi.sym`` generates, or None when in sync."""
    path = Path(pxd_path or default_pxd())
    if not path.exists():
        return f"{path} is missing"
    current, expected = path.read_text(), expected_pxd(table_path, vendor_path)
    if current == expected:
        return None
    import difflib

    diff = difflib.unified_diff(expected.splitlines(), current.splitlines(), "generated", str(path), lineterm="", n=0)
    return "\n".join(list(diff)[:20])


REGENERATE = "python conf/mpibuild/symbols.py --write-pxd"


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Write or check src/mpi4py/libmpi.pxd (generated from libmpi.sym).")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write-pxd", action="store_true", help="regenerate src/mpi4py/libmpi.pxd")
    group.add_argument("--check-pxd", action="store_true", help="fail if src/mpi4py/libmpi.pxd is out of date")
    args = parser.parse_args(argv)
    if args.write_pxd:
        default_pxd().write_text(expected_pxd())
        return 0
    problem = pxd_out_of_sync()
    if problem:
        print(f"src/mpi4py/libmpi.pxd is out of sync with libmpi.sym; run: {REGENERATE}\n{problem}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
