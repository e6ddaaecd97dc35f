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
        if line.startswith("late "):  # the late blocks close the file (load_late)
            break
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


def emit_missing_h(symbols: list[Symbol], vendor: list[VendorFamily] | None = None,
                   late: list[LateFamily] | None = None) -> str:
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
    if late:
        out.extend(emit_late(symbols, late))
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


# -- late binding (merged-wheel variants) ---------------------------------------------------
#
# A variant of the merged wheel is compiled against the oldest library of its ABI family and must
# use what a newer library adds.  With ``PYMPI_LATE_BIND`` defined, every routine newer than the
# family's oldest release is called through a pointer looked up in the loaded library (dlsym /
# GetProcAddress, ``include/mpi4py/pympi_late.h``) on first use, and ``MPI._missing_symbols()`` reports what
# the running library has.  ``late`` blocks of ``libmpi.vendor`` name each family's oldest
# standard version and the values of constants/handles its oldest ``mpi.h`` lacks.


@dataclass(frozen=True)
class LateFact:
    """``NAME [= VALUE] [if WITNESS | always]``: a constant/handle of a family newer than its oldest mpi.h.

    ``value``: a C expression, or ``&symbol`` for a data symbol of the library (Open MPI's
    predefined handles); empty keeps the header's.  ``witness``: a routine whose presence in the
    running library makes the symbol available, ``always`` (every release has it), or empty: the
    library's MPI version decides.
    """

    name: str
    value: str = ""
    witness: str = ""


@dataclass(frozen=True)
class LateFamily:
    name: str
    condition: str
    oldest: tuple[int, int]  # MPI standard of the family's oldest supported release
    facts: tuple[LateFact, ...] = ()


_LATE_RE = re.compile(r"^late\s+(?P<name>\S+)\s+oldest\s+(?P<major>\d+)\.(?P<minor>\d+)\s+when\s+(?P<cond>.+)$")
_FACT_RE = re.compile(r"^(?P<name>MPI\w+)(?:\s*=\s*(?P<value>.+?))?(?:\s+if\s+(?P<witness>MPI\w+)|\s+(?P<always>always))?$")
ALWAYS = "always"  # a fact valid in every release of the family (an ABI fact, e.g. Open MPI's F_STATUS_SIZE)


def load_late(path: str | Path, table: list[Symbol]) -> list[LateFamily]:
    """Parse the ``late`` blocks of ``libmpi.vendor`` (after its ``family`` blocks)."""
    kinds = {s.name: s.kind for s in table}
    families: list[LateFamily] = []
    for lineno, raw in enumerate(Path(path).read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line or (not families and not line.startswith("late ")):
            continue
        head = _LATE_RE.match(line)
        if head:
            oldest = (int(head["major"]), int(head["minor"]))
            families.append(LateFamily(head["name"], head["cond"].strip(), oldest))
            continue
        if line.startswith(("late ", "family ")):
            raise SymbolTableError(f"{path}:{lineno}: expected 'late NAME oldest M.m when C-CONDITION' "
                                   f"(and no 'family' block after the first 'late' one), got {raw.strip()!r}")
        fact = _FACT_RE.match(line)
        if not fact:
            raise SymbolTableError(f"{path}:{lineno}: expected 'MPI_NAME [= C-VALUE] [if MPI_ROUTINE]', got {raw.strip()!r}")
        name, value, witness = fact["name"], (fact["value"] or "").strip(), fact["witness"] or fact["always"] or ""
        if kinds.get(name) not in ("const", "value"):
            raise SymbolTableError(f"{path}:{lineno}: {name} is not a const/value of libmpi.sym")
        if witness and witness != ALWAYS and kinds.get(witness) != "func":
            raise SymbolTableError(f"{path}:{lineno}: witness {witness} is not a routine of libmpi.sym")
        if value.startswith("&") and not re.fullmatch(r"&\w+", value):
            raise SymbolTableError(f"{path}:{lineno}: a data symbol is written '&name', got {value!r}")
        last = families[-1]
        families[-1] = LateFamily(last.name, last.condition, last.oldest, (*last.facts, LateFact(name, value, witness)))
    return families


def _hexver(version: tuple[int, int]) -> str:
    return f"0x{version[0]:02x}{version[1]:02x}"


def late_rows(symbols: list[Symbol], families: list[LateFamily]) -> list[Symbol]:
    """The symbols some family may have to decide at run time: routines/constants/handles newer than
    the oldest floor of any family."""
    floor = min((f.oldest for f in families), default=(99, 0))
    return [s for s in symbols if s.kind in ("func", "const", "value") and s.since > floor]


def _fn_pointer(s: Symbol) -> str:
    return f"{s.ctype} (*)({', '.join(s.args) or 'void'})"


def emit_late(symbols: list[Symbol], families: list[LateFamily]) -> list[str]:
    """C for ``PYMPI_LATE_BIND`` builds (appended to ``pympi_missing.h``); inert otherwise."""
    rows = late_rows(symbols, families)
    index = {s.name: i for i, s in enumerate(rows)}
    by_name = {s.name: s for s in symbols}
    out = ["/* Late binding: see conf/mpibuild/symbols.py emit_late. */", "#ifdef PYMPI_LATE_BIND"]
    data: list[str] = []  # data symbols of the library (Open MPI handles), after the rows
    for n, family in enumerate(families):
        out.append(f"#{'if' if n == 0 else 'elif'} {family.condition}")
        out.append(f'#  define PYMPI_LATE_FAMILY "{family.name}"')
        out.append(f"#  define PYMPI_LATE_FLOOR {_hexver(family.oldest)}")
        out.append("#  define PYMPI_LATE_FACTS { \\")
        for fact in family.facts:
            if fact.name not in index:
                raise SymbolTableError(f"late {family.name}: {fact.name} is not newer than every family's oldest release")
            data_slot = -1
            if fact.value.startswith("&"):
                data.append(fact.value[1:])
                data_slot = len(rows) + len(data) - 1
            witness = -2 if fact.witness == ALWAYS else index.get(fact.witness, -1)
            if fact.witness and witness == -1:
                raise SymbolTableError(f"late {family.name}: witness {fact.witness} is not a late routine")
            out.append(f"    {{{index[fact.name]}, {witness}, {data_slot}, {int(bool(fact.value))}}}, \\")
        out.append("    {-1, -1, -1, 0} }")
    out.append("#else")
    out.append('#  error "PYMPI_LATE_BIND: no late block of libmpi.vendor matches this mpi.h"')
    out.append("#endif")
    out.append("typedef struct { const char *name; int since; int routine; } PyMPI_LateRow;")
    out.append("typedef struct { int row, witness, slot, valued; } PyMPI_LateFact;")
    out.append(f"#define PYMPI_LATE_NROWS {len(rows)}")
    out.append(f"#define PYMPI_LATE_NSLOTS {len(rows) + len(data)}")
    # routine: 1 = looked up in the library; 2 = a macro of this mpi.h (MPICH's MPI_X_c2f): the build
    # decides, nothing to look up; 0 = a constant/handle.
    for i, s in enumerate(rows):
        if s.kind == "func":
            out.append(f"#if defined({s.macro}) && defined({s.name})\n#  define PYMPI_LATE_KIND_{i} 2\n"
                       f"#else\n#  define PYMPI_LATE_KIND_{i} 1\n#endif")
    out.append("static const PyMPI_LateRow pympi_late_rows[] = {")
    for i, s in enumerate(rows):
        out.append(f'  {{"{s.name}", {_hexver(s.since)}, {f"PYMPI_LATE_KIND_{i}" if s.kind == "func" else 0}}},')
    out.append('  {0, 0, 0}\n};')
    out.append("static const char *const pympi_late_data[] = {" + "".join(f'"{d}", ' for d in data) + "0};")
    out.append('#include "mpi4py/pympi_late.h"')
    # Family values (compile time) and data handles (looked up on first use).
    data_seen = 0
    for n, family in enumerate(families):
        out.append(f"#{'if' if n == 0 else 'elif'} {family.condition}")
        for fact in family.facts:
            if not fact.value:
                continue
            s = by_name[fact.name]
            out.append(f"#  undef {s.name}")
            if fact.value.startswith("&"):
                slot = len(rows) + data_seen
                data_seen += 1
                out.append(f"#  define {s.name} (({s.ctype})PyMPI_LateAddress({slot}, (void *)({s.fallback})))")
            else:
                out.append(f"#  define {s.name} ({fact.value})")
            out.append(f"#  ifndef {s.macro}\n#    define {s.macro} 1\n#  endif")
        out.append("#endif" if n == len(families) - 1 else "")
    out = [line for line in out if line]
    # Routines newer than the family's oldest release: through the looked-up pointer.
    for i, s in enumerate(rows):
        if s.kind != "func":
            continue
        ret = s.ctype
        absent = f'PyMPI_Unavailable("{s.name}")'
        if ret != "int":
            absent = f"(({ret})(intptr_t){absent})" if "*" in ret or ret.startswith("MPI_") else f"(({ret}){absent})"
        out.append(f"#if PYMPI_LATE_FLOOR < {_hexver(s.since)} && PYMPI_LATE_KIND_{i} == 1")
        out.append(f"#  undef {s.name}")
        out.append(f"#  define {s.name}(...) (PyMPI_LateBound({i}) ? (({_fn_pointer(s)})pympi_late_addr[{i}])(__VA_ARGS__) : {absent})")
        out.append(f"#  ifndef {s.macro}\n#    define {s.macro} 1\n#  endif")
        out.append("#endif")
    out.append("#define pympi_missing_names (PyMPI_LateMissingNames())")
    out.append("#define PyMPI_UnavailableName PyMPI_LateUnavailableName")
    out.append("#endif /* PYMPI_LATE_BIND */")
    return out


# -- the committed public files: libmpi.pxd and include/mpi4py/mpi4py_compat.h ---------------


COMPAT_HEADER = "include/mpi4py/mpi4py_compat.h"  # relative to src/mpi4py


def emit_compat_h(symbols: list[Symbol], vendor: list[VendorFamily] | None = None) -> str:
    """``mpi4py_compat.h``: the compat block of libmpi.pxd for C code (``mpi4py.h`` includes it)."""
    return "\n".join([
        "/* Generated from src/mpi4py/libmpi.sym by conf/mpibuild/symbols.py -- do not edit. */",
        "/* Stand-ins for the MPI handle types an older mpi.h lacks (MPI_Session before MPI-4, ...), so code",
        "   built against it can use the PyMPI<Type>_New/_Get prototypes; include <mpi.h> first. */",
        emit_compat_c(symbols, vendor),
    ]) + "\n"


def default_vendor() -> Path:
    return default_table().with_name("libmpi.vendor")


def default_pxd() -> Path:
    return default_table().with_name("libmpi.pxd")


def expected_files(table_path: str | Path | None = None, vendor_path: str | Path | None = None) -> dict[str, str]:
    """The committed generated files (paths relative to src/mpi4py) and their expected text."""
    table = load(table_path or default_table())
    vendor = load_vendor(vendor_path or default_vendor(), table)
    return {"libmpi.pxd": emit_pxd(table, vendor), COMPAT_HEADER: emit_compat_h(table, vendor)}


def out_of_sync(package_dir: str | Path | None = None, table_path: str | Path | None = None,
                vendor_path: str | Path | None = None) -> str | None:
    """Why the committed files in ``package_dir`` differ from what ``libmpi.sym`` generates, or None."""
    import difflib

    root = Path(package_dir or default_table().parent)
    problems = []
    for rel, expected in expected_files(table_path, vendor_path).items():
        path = root / rel
        if not path.exists():
            problems.append(f"{path} is missing")
            continue
        current = path.read_text()
        if current != expected:
            diff = difflib.unified_diff(expected.splitlines(), current.splitlines(), "generated", str(path), lineterm="", n=0)
            problems.append("\n".join(list(diff)[:20]))
    return "\n".join(problems) or None


REGENERATE = "python conf/mpibuild/symbols.py --write"


def main(argv: list[str] | None = None, package_dir: str | Path | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Write or check the files generated from libmpi.sym that are "
                                                 f"committed (src/mpi4py/libmpi.pxd, src/mpi4py/{COMPAT_HEADER}).")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="regenerate them")
    group.add_argument("--check", action="store_true", help="fail if one is out of date")
    args = parser.parse_args(argv)
    root = Path(package_dir or default_table().parent)
    if args.write:
        for rel, text in expected_files().items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        return 0
    problem = out_of_sync(root)
    if problem:
        print(f"out of sync with src/mpi4py/libmpi.sym; run: {REGENERATE}\n{problem}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
