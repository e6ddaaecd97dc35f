# Pickling of handles, as mpi4py does it: a predefined handle by its name in this module (unpickled as
# the very same object); an Info, a derived Datatype and a user-defined Op by how to rebuild them.
# Every other handle (communicators, groups, requests, windows, files, ...) names state that lives
# only in this process: refused with ValueError.

_HANDLE_KINDS = (Comm, Group, Info, Datatype, Op, Request, Message, Errhandler, Win, File, Session)

cdef dict _predefined_handles = None  # handle kind -> [(name, object)] of the module's predefined handles


cdef object _kind_of(object handle):
    for kind in _HANDLE_KINDS:
        if isinstance(handle, kind):
            return kind
    raise TypeError(f"not an MPI handle: {type(handle).__name__}")


cdef list _predefined_of(object kind):
    global _predefined_handles
    if _predefined_handles is None:
        found = {}
        # *_NULL first, then by name: the same name among aliases every time (BFLOAT16_T may be DATATYPE_NULL)
        for name, value in sorted(globals().items(), key=lambda item: (not item[0].endswith("_NULL"), item[0])):
            if not name.startswith("_") and isinstance(value, _HANDLE_KINDS):
                found.setdefault(_kind_of(value), []).append((name, value))
        _predefined_handles = found
    return _predefined_handles.get(kind, [])


def _reduce_handle(handle, rebuild=None):
    """``__reduce__`` of every handle class; ``rebuild(handle)`` gives a recipe for the rebuildable ones."""
    equal = None
    for name, value in _predefined_of(_kind_of(handle)):
        if value is handle:
            return name
        if equal is None and value == handle:
            equal = value
    if equal is not None:  # another object over a predefined handle: a new object over it again
        return (type(handle), (equal,))
    recipe = rebuild(handle) if rebuild is not None else None
    if recipe is None:
        raise ValueError(f"cannot serialize '{type(handle).__module__}.{type(handle).__name__}' instance")
    return recipe


def _info_rebuild(Info info):
    return (Info.Create, (info.items(),))


def _op_rebuild(Op op):
    if not isinstance(op.ob_name, int) or _op_slots[op.ob_name] is None:
        return None
    return (Op.Create, (_op_slots[op.ob_name], op.Is_commutative()))


# decode() combiner name -> the constructor that takes its parameters as keywords
_DECODED_CONSTRUCTORS = {
    "DUP": "Dup", "CONTIGUOUS": "Create_contiguous", "VECTOR": "Create_vector", "HVECTOR": "Create_hvector",
    "INDEXED": "Create_indexed", "HINDEXED": "Create_hindexed", "INDEXED_BLOCK": "Create_indexed_block",
    "HINDEXED_BLOCK": "Create_hindexed_block", "SUBARRAY": "Create_subarray", "DARRAY": "Create_darray",
    "RESIZED": "Create_resized", "STRUCT": "Create_struct",
}


def _datatype_rebuild(Datatype datatype):
    if datatype.ob_mpi == MPI_DATATYPE_NULL:
        return None
    if _COMBINER_NAMES.get(datatype.Get_envelope()[4]) not in _DECODED_CONSTRUCTORS:
        return None  # decided before decode(): the F90 combiners have no constructor taking their contents
    base, combiner, params = datatype.decode()
    # A struct has no single base (decode gives the type itself): DATATYPE_NULL stands in.
    return (_datatype_create, (DATATYPE_NULL if combiner == "STRUCT" else base, combiner, params))


# Handles of the constituent datatypes _datatype_decode(mark=True) handed out: _datatype_create(free=True)
# frees these (new handles from MPI_Type_get_contents), never a datatype the caller made itself.
cdef set _decoded_temporaries = set()


def _datatype_decode(Datatype datatype, bint mark=False):
    """``datatype.decode()``; ``mark``: the derived constituent datatypes it returns are temporaries that
    ``_datatype_create(..., free=True)`` frees once it has built the new datatype."""
    base, combiner, params = datatype.decode()
    if mark and combiner != "NAMED":
        for constituent in params.get("datatypes") or [base]:
            if constituent is not datatype and _is_contents_temporary(constituent):
                _decoded_temporaries.add(_handleof(constituent))
    return (base, combiner, params)


def _datatype_create(Datatype datatype, str combiner, dict params, bint free=False):
    """Build and commit the datatype ``decode()`` described: ``datatype`` is the base (ignored for a
    struct), ``combiner`` the combiner's name, ``params`` the constructor's keyword arguments.
    ``free``: then free the constituents ``_datatype_decode(mark=True)`` marked as temporaries."""
    name = combiner.upper()
    if name not in _DECODED_CONSTRUCTORS:
        raise ValueError(f"combiner: {combiner!r} names no datatype constructor "
                         f"(one of {', '.join(sorted(_DECODED_CONSTRUCTORS))})")
    constituents = list(params.get("datatypes") or ()) if name == "STRUCT" else [datatype]
    try:
        maker = Datatype.Create_struct if name == "STRUCT" else getattr(datatype, _DECODED_CONSTRUCTORS[name])
        return maker(**params).Commit()
    finally:
        if free:
            for constituent in constituents:
                if isinstance(constituent, Datatype) and _handleof(constituent) in _decoded_temporaries:
                    _decoded_temporaries.discard(_handleof(constituent))
                    (<Datatype>constituent).Free()
