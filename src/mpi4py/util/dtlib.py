"""Conversion between NumPy dtypes and MPI datatypes.

``from_numpy_dtype(dtype)`` returns a predefined datatype for a native scalar dtype, or a new
(uncommitted: call ``Commit()`` before use, ``Free()`` after) derived datatype for strings,
sub-arrays and structured dtypes (field offsets and padding kept). ``to_numpy_dtype(datatype)``
goes back, decoding derived datatypes with ``Datatype.decode()``.
"""

from __future__ import annotations

from typing import Any

from .. import MPI

__all__ = ["from_numpy_dtype", "to_numpy_dtype"]


def _np() -> Any:
    try:
        import numpy
    except ImportError:
        raise ImportError("mpi4py.util.dtlib needs NumPy: pip install numpy") from None
    return numpy


# dtype.char -> name of the predefined MPI datatype (C types, as NumPy names them).
_CHAR_TO_MPI = {
    "?": "C_BOOL", "b": "SIGNED_CHAR", "B": "UNSIGNED_CHAR",
    "h": "SHORT", "H": "UNSIGNED_SHORT", "i": "INT", "I": "UNSIGNED",
    "l": "LONG", "L": "UNSIGNED_LONG", "q": "LONG_LONG", "Q": "UNSIGNED_LONG_LONG",
    "f": "FLOAT", "d": "DOUBLE", "g": "LONG_DOUBLE",
    "F": "C_FLOAT_COMPLEX", "D": "C_DOUBLE_COMPLEX", "G": "C_LONG_DOUBLE_COMPLEX",
}
# Fallback by kind + itemsize (e.g. NumPy 2's intp character 'n').
_SIZED = {"i": "INT{}_T", "u": "UINT{}_T"}

# Predefined MPI datatype name -> NumPy dtype string (checked in this order).
_MPI_TO_NUMPY = [
    ("C_BOOL", "?"), ("BOOL", "?"), ("CHAR", "S1"), ("SIGNED_CHAR", "b"), ("UNSIGNED_CHAR", "B"), ("BYTE", "B"),
    ("WCHAR", "U1"), ("SHORT", "h"), ("UNSIGNED_SHORT", "H"), ("INT", "i"), ("UNSIGNED", "I"),
    ("LONG", "l"), ("UNSIGNED_LONG", "L"), ("LONG_LONG", "q"), ("UNSIGNED_LONG_LONG", "Q"),
    ("FLOAT", "f"), ("DOUBLE", "d"), ("LONG_DOUBLE", "g"),
    ("C_FLOAT_COMPLEX", "F"), ("C_COMPLEX", "F"), ("C_DOUBLE_COMPLEX", "D"), ("C_LONG_DOUBLE_COMPLEX", "G"),
    ("INT8_T", "i1"), ("INT16_T", "i2"), ("INT32_T", "i4"), ("INT64_T", "i8"),
    ("UINT8_T", "u1"), ("UINT16_T", "u2"), ("UINT32_T", "u4"), ("UINT64_T", "u8"),
    ("AINT", "p"), ("OFFSET", "q"), ("COUNT", "q"),
    ("CHARACTER", "S1"), ("LOGICAL", "i4"), ("INTEGER", "i4"), ("REAL", "f4"), ("DOUBLE_PRECISION", "f8"),
    ("COMPLEX", "c8"), ("DOUBLE_COMPLEX", "c16"),
]
_PAIR_TYPES = {"FLOAT_INT": "f", "DOUBLE_INT": "d", "LONG_INT": "l", "INT_INT": "i", "SHORT_INT": "h", "LONG_DOUBLE_INT": "g"}


def _predefined(name: str) -> MPI.Datatype:
    datatype = getattr(MPI, name, None)
    if datatype is None or datatype == MPI.DATATYPE_NULL:
        raise ValueError(f"MPI datatype MPI.{name} is not available in this MPI build")
    return datatype  # type: ignore[no-any-return]


def _scalar(dtype: Any) -> MPI.Datatype:
    if not dtype.isnative:
        raise ValueError(f"from_numpy_dtype: dtype {dtype.str!r} is not in native byte order; use dtype.newbyteorder('=')")
    if dtype.kind in "SV":
        base = _predefined("CHAR" if dtype.kind == "S" else "BYTE")
        return base if dtype.itemsize == 1 else base.Create_contiguous(dtype.itemsize)
    if dtype.kind == "U":
        wchar = _predefined("WCHAR")
        count = dtype.itemsize // 4
        if wchar.Get_size() != 4:
            raise ValueError("from_numpy_dtype: unicode dtypes need a 4-byte MPI.WCHAR")
        return wchar if count == 1 else wchar.Create_contiguous(count)
    name = _CHAR_TO_MPI.get(dtype.char)
    if name is None and dtype.kind in _SIZED:
        name = _SIZED[dtype.kind].format(8 * dtype.itemsize)
    if name is None:
        raise ValueError(f"from_numpy_dtype: no MPI datatype for NumPy dtype {dtype.str!r} (kind {dtype.kind!r})")
    return _predefined(name)


def from_numpy_dtype(dtype: Any) -> MPI.Datatype:
    """MPI datatype matching a NumPy dtype (anything ``numpy.dtype()`` accepts)."""
    np = _np()
    try:
        dtype = np.dtype(dtype)
    except TypeError as exc:
        raise ValueError(f"from_numpy_dtype: {dtype!r} is not a NumPy dtype ({exc})") from None
    if dtype.hasobject:
        raise ValueError(f"from_numpy_dtype: dtype {dtype} holds Python objects, which have no MPI datatype")
    if dtype.fields is not None:
        return _struct(dtype)
    if dtype.subdtype is not None:
        base, shape = dtype.subdtype
        inner = from_numpy_dtype(base)
        try:
            if len(shape) == 1:
                return inner.Create_contiguous(shape[0])
            return inner.Create_subarray(list(shape), list(shape), [0] * len(shape), MPI.ORDER_C)
        finally:
            if not inner.Is_predefined():
                inner.Free()
    return _scalar(dtype)


def _struct(dtype: Any) -> MPI.Datatype:
    names = [n for n in dtype.names]
    fields = [dtype.fields[n] for n in names]
    types = [from_numpy_dtype(f[0]) for f in fields]
    try:
        struct = MPI.Datatype.Create_struct([1] * len(fields), [f[1] for f in fields], types)
        lb, extent = struct.Get_extent()
        if lb != 0 or extent != dtype.itemsize:
            try:
                return struct.Create_resized(0, dtype.itemsize)
            finally:
                struct.Free()
        return struct
    finally:
        for datatype in types:
            if not datatype.Is_predefined():
                datatype.Free()


def to_numpy_dtype(datatype: MPI.Datatype) -> Any:
    """NumPy dtype matching an MPI datatype (predefined or derived)."""
    np = _np()
    if not isinstance(datatype, MPI.Datatype):
        raise TypeError(f"to_numpy_dtype: expected an MPI.Datatype, got {datatype!r}")
    if datatype == MPI.DATATYPE_NULL:
        raise ValueError("to_numpy_dtype: MPI.DATATYPE_NULL has no NumPy dtype")
    for name, code in _MPI_TO_NUMPY:
        if getattr(MPI, name, None) == datatype:
            return np.dtype(code)
    for name, code in _PAIR_TYPES.items():
        if getattr(MPI, name, None) == datatype:
            return _pair(np, code, datatype)
    if datatype.Is_predefined():
        raise ValueError(f"to_numpy_dtype: no NumPy dtype for predefined datatype {datatype.Get_name()!r}")
    base, combiner, params = datatype.decode()
    try:
        return _derived(np, base, str(combiner).upper(), params, datatype)
    finally:
        if base is not None and not base.Is_predefined() and base is not datatype:
            base.Free()


def _pair(np: Any, code: str, datatype: MPI.Datatype) -> Any:
    value = np.dtype(code)
    lb, extent = datatype.Get_extent()
    return np.dtype({"names": ["value", "index"], "formats": [value, "i"],
                     "offsets": [0, max(value.itemsize, datatype.Get_size() - 4)], "itemsize": extent})


def _derived(np: Any, base: Any, combiner: str, params: dict[str, Any], datatype: MPI.Datatype) -> Any:
    combiner = combiner.replace("COMBINER_", "")
    if combiner == "DUP":
        return to_numpy_dtype(base)
    if combiner == "CONTIGUOUS":
        inner = to_numpy_dtype(base)
        if inner.kind in "SU" and inner.subdtype is None and inner.itemsize == (4 if inner.kind == "U" else 1):
            return np.dtype(f"{inner.kind}{params['count']}")
        return np.dtype((inner, (params["count"],)))
    if combiner == "SUBARRAY":
        inner = to_numpy_dtype(base)
        sizes, subsizes, starts = params["sizes"], params["subsizes"], params["starts"]
        if list(sizes) == list(subsizes) and not any(starts):
            order_f = params.get("order") == getattr(MPI, "ORDER_FORTRAN", object())
            shape = tuple(reversed(sizes)) if order_f else tuple(sizes)
            return np.dtype((inner, shape))
        return _as_fields(np, datatype)
    if combiner == "STRUCT":
        members = params["datatypes"]
        try:
            formats = [to_numpy_dtype(t) for t in members]
        finally:
            for member in members:
                if not member.Is_predefined():
                    member.Free()
        counts = params["blocklengths"]
        fields = [f if c == 1 else np.dtype((f, (c,))) for f, c in zip(formats, counts)]
        offsets = list(params["displacements"])
        lb, extent = datatype.Get_extent()
        # A struct's extent is implementation-padded (Open MPI may report less than the last member's end):
        # never smaller than what the fields occupy; an enclosing RESIZED sets the final itemsize.
        end = max((off + f.itemsize for off, f in zip(offsets, fields)), default=0)
        return np.dtype({
            "names": [f"f{i}" for i in range(len(formats))],
            "formats": fields,
            "offsets": offsets,
            "itemsize": max(extent, end),
        })
    if combiner == "RESIZED":
        inner = to_numpy_dtype(base)
        if params.get("lb", 0) != 0:
            raise ValueError("to_numpy_dtype: a resized datatype with a nonzero lower bound has no NumPy dtype")
        if inner.fields is not None:
            return np.dtype({"names": inner.names, "formats": [inner.fields[n][0] for n in inner.names],
                             "offsets": [inner.fields[n][1] for n in inner.names], "itemsize": params["extent"]})
        return np.dtype({"names": ["f0"], "formats": [inner], "offsets": [0], "itemsize": params["extent"]})
    return _as_fields(np, datatype, base, combiner, params)


def _as_fields(np: Any, datatype: MPI.Datatype, base: Any = None, combiner: str = "", params: Any = None) -> Any:
    """Vector/indexed layouts: one field per block at its byte offset."""
    if base is None:
        raise ValueError(f"to_numpy_dtype: cannot express datatype {datatype!r} as a NumPy dtype")
    inner = to_numpy_dtype(base)
    step = inner.itemsize
    if combiner in ("VECTOR", "HVECTOR"):
        stride = params["stride"] * (step if combiner == "VECTOR" else 1)
        blocks = [(i * stride, params["blocklength"]) for i in range(params["count"])]
    elif combiner in ("INDEXED", "HINDEXED", "INDEXED_BLOCK", "HINDEXED_BLOCK"):
        scale = 1 if combiner.startswith("H") else step
        lengths = params.get("blocklengths") or [params["blocklength"]] * len(params["displacements"])
        blocks = [(d * scale, n) for d, n in zip(params["displacements"], lengths)]
    else:
        raise ValueError(f"to_numpy_dtype: MPI combiner {combiner!r} has no NumPy equivalent")
    lb, extent = datatype.Get_extent()
    return np.dtype({
        "names": [f"f{i}" for i in range(len(blocks))],
        "formats": [inner if n == 1 else np.dtype((inner, (n,))) for _, n in blocks],
        "offsets": [off - lb for off, _ in blocks],
        "itemsize": extent,
    })

