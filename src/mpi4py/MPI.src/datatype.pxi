# Datatypes: the Datatype class, predefined datatypes and the buffer-format -> datatype map.
from cpython.mem cimport PyMem_Malloc, PyMem_Free


@cython.final
cdef class _IntArray:
    """A C int array built from a Python sequence (freed with its owner)."""

    cdef int *data
    cdef int n

    def __cinit__(self, object seq, str argname, int width=1):
        cdef Py_ssize_t i, j, count
        items = list(seq)
        count = len(items)
        self.n = <int>count
        self.data = <int*>PyMem_Malloc(max(count * width, 1) * sizeof(int))
        if self.data == NULL:
            raise MemoryError
        for i in range(count):
            if width == 1:
                self.data[i] = _as_int(items[i], argname, i)
            else:
                row = tuple(items[i])
                if len(row) != width:
                    raise ValueError(f"{argname}[{i}]: expected {width} integers, got {len(row)}")
                for j in range(width):
                    self.data[i * width + j] = _as_int(row[j], argname, i)

    def __dealloc__(self):
        PyMem_Free(self.data)

    cdef list tolist(self):
        return [self.data[i] for i in range(self.n)]


cdef int _as_int(object value, str argname, Py_ssize_t index) except? -1:
    try:
        return value.__index__()
    except AttributeError:
        raise TypeError(f"{argname}[{index}]: expected an integer, got {type(value).__name__}") from None


@cython.final
cdef class _AintArray:
    """A C MPI_Aint array built from a Python sequence of integers."""

    cdef MPI_Aint *data
    cdef int n

    def __cinit__(self, object seq, str argname):
        cdef Py_ssize_t i
        items = list(seq)
        self.n = <int>len(items)
        self.data = <MPI_Aint*>PyMem_Malloc(max(self.n, 1) * sizeof(MPI_Aint))
        if self.data == NULL:
            raise MemoryError
        for i in range(self.n):
            try:
                self.data[i] = items[i].__index__()
            except AttributeError:
                raise TypeError(f"{argname}[{i}]: expected an integer, got {type(items[i]).__name__}") from None

    def __dealloc__(self):
        PyMem_Free(self.data)

    cdef list tolist(self):
        return [self.data[i] for i in range(self.n)]


cdef class Datatype:
    """Datatype object."""

    def __cinit__(self, Datatype datatype=None):
        _handle_init(self, datatype)

    def __richcmp__(self, other, int op):
        return _handle_richcmp(self, other, op)

    def __reduce__(self):
        return _reduce_handle(self, _datatype_rebuild)

    def __bool__(self):
        return _handle_bool(self)

    def __repr__(self):
        if self.ob_mpi == MPI_DATATYPE_NULL:
            return "<mpi4py.MPI.Datatype: DATATYPE_NULL>"
        name = self.Get_name()
        return f"<mpi4py.MPI.Datatype: {name or 'user-defined'}>"

    def Get_size(self):
        """Number of bytes occupied by entries in the datatype."""
        cdef int size = 0
        CHKERR(MPI_Type_size(self.ob_mpi, &size))
        return size

    def Get_extent(self):
        """Return the lower bound and extent of the datatype."""
        cdef MPI_Aint lb = 0, extent = 0
        CHKERR(MPI_Type_get_extent(self.ob_mpi, &lb, &extent))
        return (lb, extent)

    def Get_true_extent(self):
        """Return the true lower bound and extent of the datatype."""
        cdef MPI_Aint lb = 0, extent = 0
        CHKERR(MPI_Type_get_true_extent(self.ob_mpi, &lb, &extent))
        return (lb, extent)

    size = property(Get_size, doc="size (in bytes)")

    @property
    def extent(self):
        """Extent."""
        return self.Get_extent()[1]

    @property
    def lb(self):
        """Lower bound."""
        return self.Get_extent()[0]

    @property
    def ub(self):
        """Upper bound."""
        lb, extent = self.Get_extent()
        return lb + extent

    @property
    def true_extent(self):
        """True extent."""
        return self.Get_true_extent()[1]

    @property
    def true_lb(self):
        """True lower bound."""
        return self.Get_true_extent()[0]

    @property
    def true_ub(self):
        """True upper bound."""
        lb, extent = self.Get_true_extent()
        return lb + extent

    def Get_name(self):
        """Name of the datatype."""
        return _get_name(self)

    def Commit(self):
        """Commit the datatype so it can be used in communication."""
        CHKERR(MPI_Type_commit(&self.ob_mpi))
        return self

    def Free(self):
        """Free the datatype."""
        _owned_release(self)

    def Dup(self):
        """Duplicate the datatype."""
        cdef Datatype dup = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_dup(self.ob_mpi, &dup.ob_mpi))
        return dup

    def Create_contiguous(self, int count):
        """Contiguous datatype of ``count`` copies of this one."""
        if count < 0:
            raise ValueError(f"Datatype.Create_contiguous: count must be >= 0, got {count}")
        cdef Datatype newtype = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_contiguous(count, self.ob_mpi, &newtype.ob_mpi))
        return newtype

    def Create_vector(self, int count, int blocklength, int stride):
        """Vector datatype: ``count`` blocks, ``stride`` items apart."""
        cdef Datatype newtype = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_vector(count, blocklength, stride, self.ob_mpi, &newtype.ob_mpi))
        return newtype

    def Create_hvector(self, int count, int blocklength, MPI_Aint stride):
        """Vector datatype with the stride in bytes."""
        cdef Datatype newtype = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_create_hvector(count, blocklength, stride, self.ob_mpi, &newtype.ob_mpi))
        return newtype

    def Create_indexed(self, blocklengths, displacements):
        """Indexed datatype (displacements in items)."""
        cdef _IntArray b = _IntArray(blocklengths, "blocklengths"), d = _IntArray(displacements, "displacements")
        _same_len(b.n, d.n, "displacements")
        cdef Datatype newtype = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_indexed(b.n, b.data, d.data, self.ob_mpi, &newtype.ob_mpi))
        return newtype

    def Create_hindexed(self, blocklengths, displacements):
        """Indexed datatype (displacements in bytes)."""
        cdef _IntArray b = _IntArray(blocklengths, "blocklengths")
        cdef _AintArray d = _AintArray(displacements, "displacements")
        _same_len(b.n, d.n, "displacements")
        cdef Datatype newtype = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_create_hindexed(b.n, b.data, d.data, self.ob_mpi, &newtype.ob_mpi))
        return newtype

    def Create_indexed_block(self, int blocklength, displacements):
        """Indexed datatype with equal blocks (displacements in items)."""
        cdef _IntArray d = _IntArray(displacements, "displacements")
        cdef Datatype newtype = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_create_indexed_block(d.n, blocklength, d.data, self.ob_mpi, &newtype.ob_mpi))
        return newtype

    def Create_hindexed_block(self, int blocklength, displacements):
        """Indexed datatype with equal blocks (displacements in bytes)."""
        cdef _AintArray d = _AintArray(displacements, "displacements")
        cdef Datatype newtype = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_create_hindexed_block(d.n, blocklength, d.data, self.ob_mpi, &newtype.ob_mpi))
        return newtype

    @classmethod
    def Create_struct(cls, blocklengths, displacements, datatypes):
        """Struct datatype from blocks of (possibly different) datatypes at byte displacements."""
        cdef _IntArray b = _IntArray(blocklengths, "blocklengths")
        cdef _AintArray d = _AintArray(displacements, "displacements")
        types = list(datatypes)
        _same_len(b.n, d.n, "displacements")
        _same_len(b.n, len(types), "datatypes")
        cdef MPI_Datatype *t = <MPI_Datatype*>PyMem_Malloc(max(b.n, 1) * sizeof(MPI_Datatype))
        if t == NULL:
            raise MemoryError
        cdef Datatype newtype = Datatype.__new__(Datatype)
        cdef int i
        try:
            for i in range(b.n):
                if not isinstance(types[i], Datatype):
                    raise TypeError(f"datatypes[{i}]: expected an MPI.Datatype, got {type(types[i]).__name__}")
                t[i] = (<Datatype>types[i]).ob_mpi
            CHKERR(MPI_Type_create_struct(b.n, b.data, d.data, t, &newtype.ob_mpi))
        finally:
            PyMem_Free(t)
        return newtype

    def Create_subarray(self, sizes, subsizes, starts, int order=MPI_ORDER_C):
        """Subarray of a multidimensional array."""
        cdef _IntArray a = _IntArray(sizes, "sizes"), b = _IntArray(subsizes, "subsizes"), c = _IntArray(starts, "starts")
        _same_len(a.n, b.n, "subsizes")
        _same_len(a.n, c.n, "starts")
        cdef Datatype newtype = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_create_subarray(a.n, a.data, b.data, c.data, order, self.ob_mpi, &newtype.ob_mpi))
        return newtype

    def Create_darray(self, int size, int rank, gsizes, distribs, dargs, psizes, int order=MPI_ORDER_C):
        """Distributed array (HPF-style block/cyclic distribution) of process ``rank`` among ``size``."""
        cdef _IntArray g = _IntArray(gsizes, "gsizes"), d = _IntArray(distribs, "distribs")
        cdef _IntArray a = _IntArray(dargs, "dargs"), p = _IntArray(psizes, "psizes")
        for n, name in ((d.n, "distribs"), (a.n, "dargs"), (p.n, "psizes")):
            _same_len(g.n, n, name)
        cdef Datatype newtype = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_create_darray(size, rank, g.n, g.data, d.data, a.data, p.data, order,
                                      self.ob_mpi, &newtype.ob_mpi))
        return newtype

    def Create_resized(self, MPI_Aint lb, MPI_Aint extent):
        """Same type map with a new lower bound and extent."""
        cdef Datatype newtype = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_create_resized(self.ob_mpi, lb, extent, &newtype.ob_mpi))
        return newtype

    Resized = Create_resized

    def Get_envelope(self):
        """``(num_integers, num_addresses, num_counts, num_datatypes, combiner)``."""
        cdef int ni = 0, na = 0, nd = 0, combiner = MPI_UNDEFINED
        CHKERR(MPI_Type_get_envelope(self.ob_mpi, &ni, &na, &nd, &combiner))
        return (ni, na, 0, nd, combiner)

    envelope = property(Get_envelope, doc="envelope")
    combiner = property(lambda self: self.Get_envelope()[4], doc="combiner")

    def Get_contents(self):
        """``(integers, addresses, counts, datatypes)`` used to construct a derived datatype."""
        ni, na, _, nd, combiner = self.Get_envelope()
        if combiner == MPI_COMBINER_NAMED:
            raise ValueError("Datatype.Get_contents: a predefined (named) datatype has no contents")
        cdef _IntArray i = _IntArray(range(ni), "integers")
        cdef _AintArray a = _AintArray(range(na), "addresses")
        cdef int k, ntypes = nd
        cdef MPI_Datatype *t = <MPI_Datatype*>PyMem_Malloc(max(ntypes, 1) * sizeof(MPI_Datatype))
        if t == NULL:
            raise MemoryError
        types = []
        try:
            CHKERR(MPI_Type_get_contents(self.ob_mpi, i.n, a.n, ntypes, i.data, a.data, t))
            for k in range(ntypes):
                types.append(_contents_type(t[k]))
        finally:
            PyMem_Free(t)
        return (i.tolist(), a.tolist(), [], types)

    contents = property(Get_contents, doc="contents")

    def decode(self):
        """``(basetype, combiner_name, parameters)`` describing how the datatype was built."""
        ni, na, _, nd, combiner = self.Get_envelope()
        if combiner == MPI_COMBINER_NAMED:
            return (self, "NAMED", {})
        ints, addrs, _, types = self.Get_contents()
        name = _COMBINER_NAMES.get(combiner, str(combiner))
        if combiner == MPI_COMBINER_STRUCT:
            n = ints[0]
            # No single base type: the datatype itself stands in, as for NAMED.
            return (self, name, {"blocklengths": ints[1:1 + n], "displacements": addrs, "datatypes": types})
        if combiner in (MPI_COMBINER_F90_REAL, MPI_COMBINER_F90_COMPLEX, MPI_COMBINER_F90_INTEGER):
            # Parameterized predefined types have integers only (no constituent datatype).
            keys = ("r",) if combiner == MPI_COMBINER_F90_INTEGER else ("p", "r")
            return (self, name, dict(zip(keys, ints)))
        if not types:
            # An MPI extension combiner without constituents: the datatype stands in for its base.
            return (self, name, {"integers": ints, "addresses": addrs})
        base = types[0]
        if combiner == MPI_COMBINER_DUP:
            params = {}
        elif combiner == MPI_COMBINER_CONTIGUOUS:
            params = {"count": ints[0]}
        elif combiner == MPI_COMBINER_VECTOR:
            params = {"count": ints[0], "blocklength": ints[1], "stride": ints[2]}
        elif combiner == MPI_COMBINER_HVECTOR:
            params = {"count": ints[0], "blocklength": ints[1], "stride": addrs[0]}
        elif combiner == MPI_COMBINER_INDEXED:
            n = ints[0]
            params = {"blocklengths": ints[1:1 + n], "displacements": ints[1 + n:1 + 2 * n]}
        elif combiner == MPI_COMBINER_HINDEXED:
            params = {"blocklengths": ints[1:], "displacements": addrs}
        elif combiner == MPI_COMBINER_INDEXED_BLOCK:
            params = {"blocklength": ints[1], "displacements": ints[2:]}
        elif combiner == MPI_COMBINER_HINDEXED_BLOCK:
            params = {"blocklength": ints[1], "displacements": addrs}
        elif combiner == MPI_COMBINER_SUBARRAY:
            n = ints[0]
            params = {"sizes": ints[1:1 + n], "subsizes": ints[1 + n:1 + 2 * n], "starts": ints[1 + 2 * n:1 + 3 * n],
                      "order": ints[1 + 3 * n]}
        elif combiner == MPI_COMBINER_DARRAY:
            n = ints[2]
            params = {"size": ints[0], "rank": ints[1], "gsizes": ints[3:3 + n], "distribs": ints[3 + n:3 + 2 * n],
                      "dargs": ints[3 + 2 * n:3 + 3 * n], "psizes": ints[3 + 3 * n:3 + 4 * n], "order": ints[3 + 4 * n]}
        elif combiner == MPI_COMBINER_RESIZED:
            params = {"lb": addrs[0], "extent": addrs[1]}
        else:
            params = {"integers": ints, "addresses": addrs}
        return (base, name, params)

    # -- packing --------------------------------------------------------------------------------

    def Pack(self, inbuf, outbuf, int position, Comm comm):
        """Pack ``inbuf`` into ``outbuf`` at byte ``position``; return the new position."""
        cdef _Msg i = msg_build([inbuf, self], False, 0, "inbuf")
        cdef _Msg o = msg_build([outbuf, BYTE], True, 0, "outbuf")
        CHKERR(MPI_Pack(i.buf, i.count, self.ob_mpi, o.buf, o.count, &position, comm.ob_mpi))
        return position

    def Unpack(self, inbuf, int position, outbuf, Comm comm):
        """Unpack from ``inbuf`` at byte ``position`` into ``outbuf``; return the new position."""
        cdef _Msg i = msg_build([inbuf, BYTE], False, 0, "inbuf")
        cdef _Msg o = msg_build([outbuf, self], True, 0, "outbuf")
        CHKERR(MPI_Unpack(i.buf, i.count, &position, o.buf, o.count, self.ob_mpi, comm.ob_mpi))
        return position

    def Pack_size(self, int count, Comm comm):
        """Upper bound of the bytes needed to pack ``count`` items."""
        cdef int size = 0
        CHKERR(MPI_Pack_size(count, self.ob_mpi, comm.ob_mpi, &size))
        return size

    def Pack_external(self, datarep, inbuf, outbuf, MPI_Aint position):
        """Pack in a portable representation (``"external32"``); return the new position."""
        cdef bytes rep = arg_string(datarep, "datarep")
        cdef _Msg i = msg_build([inbuf, self], False, 0, "inbuf")
        cdef _Msg o = msg_build([outbuf, BYTE], True, 0, "outbuf")
        CHKERR(MPI_Pack_external(rep, i.buf, i.count, self.ob_mpi, o.buf, o.count, &position))
        return position

    def Unpack_external(self, datarep, inbuf, MPI_Aint position, outbuf):
        """Unpack from a portable representation; return the new position."""
        cdef bytes rep = arg_string(datarep, "datarep")
        cdef _Msg i = msg_build([inbuf, BYTE], False, 0, "inbuf")
        cdef _Msg o = msg_build([outbuf, self], True, 0, "outbuf")
        CHKERR(MPI_Unpack_external(rep, i.buf, i.count, &position, o.buf, o.count, self.ob_mpi))
        return position

    def Pack_external_size(self, datarep, int count):
        """Bytes needed to pack ``count`` items in a portable representation."""
        cdef bytes rep = arg_string(datarep, "datarep")
        cdef MPI_Aint size = 0
        CHKERR(MPI_Pack_external_size(rep, count, self.ob_mpi, &size))
        return size

    # -- Fortran 90 parameterized types, size matching, value-index pairs --------------------------

    @classmethod
    def Create_f90_integer(cls, int r):
        """Predefined integer datatype with at least ``r`` decimal digits (Fortran ``SELECTED_INT_KIND``)."""
        cdef MPI_Datatype newtype = MPI_DATATYPE_NULL
        CHKERR(MPI_Type_create_f90_integer(r, &newtype))
        return _predefined_type(newtype)

    @classmethod
    def Create_f90_real(cls, int p, int r):
        """Predefined real datatype with precision ``p`` and exponent range ``r`` (``UNDEFINED``: any)."""
        cdef MPI_Datatype newtype = MPI_DATATYPE_NULL
        CHKERR(MPI_Type_create_f90_real(p, r, &newtype))
        return _predefined_type(newtype)

    @classmethod
    def Create_f90_complex(cls, int p, int r):
        """Predefined complex datatype with precision ``p`` and exponent range ``r`` (``UNDEFINED``: any)."""
        cdef MPI_Datatype newtype = MPI_DATATYPE_NULL
        CHKERR(MPI_Type_create_f90_complex(p, r, &newtype))
        return _predefined_type(newtype)

    @classmethod
    def Match_size(cls, int typeclass, int size):
        """Predefined datatype of class ``typeclass`` (``TYPECLASS_*``) occupying ``size`` bytes."""
        cdef MPI_Datatype dtype = MPI_DATATYPE_NULL
        CHKERR(MPI_Type_match_size(typeclass, size, &dtype))
        return _predefined_type(dtype)

    @classmethod
    def Get_value_index(cls, Datatype value, Datatype index):
        """Predefined value-index pair datatype (e.g. ``FLOAT_INT``); ``DATATYPE_NULL`` if there is none (MPI-4.1)."""
        cdef MPI_Datatype dtype = MPI_DATATYPE_NULL
        CHKERR(MPI_Type_get_value_index(value.ob_mpi, index.ob_mpi, &dtype))
        return _predefined_type(dtype)

    # -- attributes ----------------------------------------------------------------------------

    @classmethod
    def Create_keyval(cls, copy_fn=None, delete_fn=None, nopython=False):
        """New attribute key: ``copy_fn(datatype, keyval, value)`` decides what ``Dup`` copies (return
        ``NotImplemented`` to skip; ``None``: not copied), ``delete_fn(datatype, keyval, value)`` runs on deletion."""
        return _keyval_create(KIND_DATATYPE, copy_fn, delete_fn)

    @classmethod
    def Free_keyval(cls, int keyval):
        """Free an attribute key; return ``KEYVAL_INVALID``."""
        return _keyval_free(KIND_DATATYPE, keyval)

    def Set_attr(self, int keyval, attrval):
        """Attach ``attrval`` to the datatype under ``keyval``."""
        _attr_set(KIND_DATATYPE, _h2i(self.ob_mpi), keyval, attrval)

    def Get_attr(self, int keyval):
        """Attribute value for ``keyval`` (``None`` if not set)."""
        cdef void *value = NULL
        cdef int found = _attr_get(KIND_DATATYPE, _h2i(self.ob_mpi), keyval, &value)
        if found == 2:
            return <object>value
        if found == 0 or value == NULL:
            return None
        return (<MPI_Aint*>value)[0]

    def Delete_attr(self, int keyval):
        """Delete the attribute for ``keyval``."""
        _attr_delete_of(KIND_DATATYPE, _h2i(self.ob_mpi), keyval)

    def py2f(self):
        """Fortran handle."""
        return _handle_py2f(self)

    @classmethod
    def f2py(cls, arg):
        """Datatype from a Fortran handle."""
        return _handle_f2py(<Datatype>Datatype.__new__(Datatype), arg)

    Create_dup = Dup

    is_named = property(lambda self: self.Get_envelope()[4] == MPI_COMBINER_NAMED, doc="is a named datatype")

    def tocode(self):
        """Buffer format code of a predefined datatype."""
        for code, dt in _typedict.items():
            if dt == self and len(code) == 1:
                return code
        for code, dt in _typedict.items():
            if dt == self:
                return code
        raise ValueError(f"Datatype.tocode: no format code for {self!r}")

    @classmethod
    def fromcode(cls, code):
        """Predefined datatype of a buffer format code."""
        dt = _typedict.get(code)
        if dt is None:
            raise ValueError(f"Datatype.fromcode: unknown format code {code!r} (known: {', '.join(sorted(_typedict))})")
        return dt

    typechar = property(lambda self: self.tocode(), doc="one-character format code")

    @property
    def typestr(self):
        """NumPy-style type string, e.g. ``'<f8'``."""
        import sys
        kind = {"?": "b", "c": "S", "f": "f", "d": "f", "g": "f", "F": "c", "D": "c", "G": "c"}.get(self.tocode()[0])
        if kind is None:
            kind = "u" if self.tocode()[0] in "BHILQu" else "i"
        return ("<" if sys.byteorder == "little" else ">") + kind + str(self.Get_size())

    def Set_name(self, name):
        """Set the print name of the datatype."""
        _set_name(self, name)

    def Is_predefined(self):
        """Whether the datatype is a predefined one."""
        return self.predefined or self.ob_mpi == MPI_DATATYPE_NULL

    is_predefined = property(Is_predefined, doc="is a predefined datatype")
    name = property(Get_name, Set_name, doc="datatype name")

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _handle_int(self)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        return _handle_fromhandle(<Datatype?>cls.__new__(cls), handle)

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return _handle_py2f(self)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        return _handle_f2py(<Datatype?>cls.__new__(cls), arg)

    def free(self):
        """Free the handle unless it is null or predefined (never raises for those)."""
        _owned_free(self)


cdef Datatype _predefined_type(MPI_Datatype handle):
    cdef Datatype t = Datatype.__new__(Datatype)
    t.ob_mpi = handle
    t.predefined = True
    return t


cdef int _same_len(int expected, int got, str argname) except -1:
    if expected != got:
        raise ValueError(f"{argname}: expected {expected} values (one per block), got {got}")
    return 0


cdef object _contents_type(MPI_Datatype handle):
    """A constituent datatype from Get_contents: predefined ones are not to be freed."""
    cdef int ni = 0, na = 0, nd = 0, combiner = MPI_UNDEFINED
    CHKERR(MPI_Type_get_envelope(handle, &ni, &na, &nd, &combiner))
    cdef Datatype dt = Datatype.__new__(Datatype)
    dt.ob_mpi = handle
    dt.predefined = combiner == MPI_COMBINER_NAMED
    return dt


cdef bint _is_contents_temporary(Datatype datatype) except -1:
    """Whether a constituent from Get_contents is a new handle the caller frees (not a named or F90 type)."""
    cdef int ni = 0, na = 0, nd = 0, combiner = MPI_UNDEFINED
    CHKERR(MPI_Type_get_envelope(datatype.ob_mpi, &ni, &na, &nd, &combiner))
    return combiner not in (MPI_COMBINER_NAMED, MPI_COMBINER_F90_INTEGER, MPI_COMBINER_F90_REAL,
                            MPI_COMBINER_F90_COMPLEX)


def Get_address(location):
    """Address of ``location`` (a buffer) as an integer."""
    cdef _Msg m = msg_build([location, BYTE], False, 0, "location")
    cdef MPI_Aint address = 0
    CHKERR(MPI_Get_address(m.buf, &address))
    return address


def Aint_add(MPI_Aint base, MPI_Aint disp):
    """Address ``base`` plus displacement ``disp``."""
    return MPI_Aint_add(base, disp)


def Aint_diff(MPI_Aint addr1, MPI_Aint addr2):
    """Difference of two addresses."""
    return MPI_Aint_diff(addr1, addr2)


ORDER_C = MPI_ORDER_C
ORDER_F = ORDER_FORTRAN = MPI_ORDER_FORTRAN
DISTRIBUTE_NONE = MPI_DISTRIBUTE_NONE
DISTRIBUTE_BLOCK = MPI_DISTRIBUTE_BLOCK
DISTRIBUTE_CYCLIC = MPI_DISTRIBUTE_CYCLIC
DISTRIBUTE_DFLT_DARG = MPI_DISTRIBUTE_DFLT_DARG
_COMBINER_NAMES = {}
for _name, _value in (("NAMED", MPI_COMBINER_NAMED), ("DUP", MPI_COMBINER_DUP), ("CONTIGUOUS", MPI_COMBINER_CONTIGUOUS),
                      ("VECTOR", MPI_COMBINER_VECTOR), ("HVECTOR", MPI_COMBINER_HVECTOR), ("INDEXED", MPI_COMBINER_INDEXED),
                      ("HINDEXED", MPI_COMBINER_HINDEXED), ("INDEXED_BLOCK", MPI_COMBINER_INDEXED_BLOCK),
                      ("HINDEXED_BLOCK", MPI_COMBINER_HINDEXED_BLOCK), ("STRUCT", MPI_COMBINER_STRUCT),
                      ("SUBARRAY", MPI_COMBINER_SUBARRAY), ("DARRAY", MPI_COMBINER_DARRAY),
                      ("F90_REAL", MPI_COMBINER_F90_REAL), ("F90_COMPLEX", MPI_COMBINER_F90_COMPLEX),
                      ("F90_INTEGER", MPI_COMBINER_F90_INTEGER), ("RESIZED", MPI_COMBINER_RESIZED)):
    globals()["COMBINER_" + _name] = _value
    _COMBINER_NAMES[_value] = _name
del _name, _value

COMBINER_VALUE_INDEX = MPI_COMBINER_VALUE_INDEX
if MPI_COMBINER_VALUE_INDEX != MPI_UNDEFINED:
    _COMBINER_NAMES[MPI_COMBINER_VALUE_INDEX] = "VALUE_INDEX"
TYPECLASS_INTEGER = MPI_TYPECLASS_INTEGER
TYPECLASS_REAL = MPI_TYPECLASS_REAL
TYPECLASS_COMPLEX = MPI_TYPECLASS_COMPLEX
TYPECLASS_LOGICAL = MPI_TYPECLASS_LOGICAL

DATATYPE_NULL = Datatype()
(<Datatype>DATATYPE_NULL).predefined = True
CHAR = _predefined_type(MPI_CHAR)
SIGNED_CHAR = _predefined_type(MPI_SIGNED_CHAR)
UNSIGNED_CHAR = _predefined_type(MPI_UNSIGNED_CHAR)
BYTE = _predefined_type(MPI_BYTE)
PACKED = _predefined_type(MPI_PACKED)
WCHAR = _predefined_type(MPI_WCHAR)
SHORT = _predefined_type(MPI_SHORT)
UNSIGNED_SHORT = _predefined_type(MPI_UNSIGNED_SHORT)
INT = _predefined_type(MPI_INT)
UNSIGNED = _predefined_type(MPI_UNSIGNED)
UNSIGNED_INT = UNSIGNED
LONG = _predefined_type(MPI_LONG)
UNSIGNED_LONG = _predefined_type(MPI_UNSIGNED_LONG)
LONG_LONG = _predefined_type(MPI_LONG_LONG)
UNSIGNED_LONG_LONG = _predefined_type(MPI_UNSIGNED_LONG_LONG)
FLOAT = _predefined_type(MPI_FLOAT)
DOUBLE = _predefined_type(MPI_DOUBLE)
LONG_DOUBLE = _predefined_type(MPI_LONG_DOUBLE)
C_BOOL = _predefined_type(MPI_C_BOOL)
BOOL = C_BOOL
SIGNED_SHORT = SHORT
SIGNED_INT = INT
SIGNED_LONG = LONG
SIGNED_LONG_LONG = LONG_LONG
INT8_T = _predefined_type(MPI_INT8_T)
INT16_T = _predefined_type(MPI_INT16_T)
INT32_T = _predefined_type(MPI_INT32_T)
INT64_T = _predefined_type(MPI_INT64_T)
UINT8_T = _predefined_type(MPI_UINT8_T)
UINT16_T = _predefined_type(MPI_UINT16_T)
UINT32_T = _predefined_type(MPI_UINT32_T)
UINT64_T = _predefined_type(MPI_UINT64_T)
AINT = _predefined_type(MPI_AINT)
OFFSET = _predefined_type(MPI_OFFSET)
COUNT = _predefined_type(MPI_COUNT)
C_COMPLEX = _predefined_type(MPI_C_COMPLEX)
C_FLOAT_COMPLEX = _predefined_type(MPI_C_FLOAT_COMPLEX)
C_DOUBLE_COMPLEX = _predefined_type(MPI_C_DOUBLE_COMPLEX)
C_LONG_DOUBLE_COMPLEX = _predefined_type(MPI_C_LONG_DOUBLE_COMPLEX)
FLOAT_INT = _predefined_type(MPI_FLOAT_INT)
DOUBLE_INT = _predefined_type(MPI_DOUBLE_INT)
LONG_INT = _predefined_type(MPI_LONG_INT)
INT_INT = TWOINT = _predefined_type(MPI_2INT)
SHORT_INT = _predefined_type(MPI_SHORT_INT)
LONG_DOUBLE_INT = _predefined_type(MPI_LONG_DOUBLE_INT)
CHARACTER = _predefined_type(MPI_CHARACTER)
LOGICAL = _predefined_type(MPI_LOGICAL)
INTEGER = _predefined_type(MPI_INTEGER)
REAL = _predefined_type(MPI_REAL)
DOUBLE_PRECISION = _predefined_type(MPI_DOUBLE_PRECISION)
COMPLEX = _predefined_type(MPI_COMPLEX)
DOUBLE_COMPLEX = _predefined_type(MPI_DOUBLE_COMPLEX)
# Optional Fortran sized types (DATATYPE_NULL when the library lacks them).
INTEGER1 = _predefined_type(MPI_INTEGER1)
INTEGER2 = _predefined_type(MPI_INTEGER2)
INTEGER4 = _predefined_type(MPI_INTEGER4)
INTEGER8 = _predefined_type(MPI_INTEGER8)
INTEGER16 = _predefined_type(MPI_INTEGER16)
REAL2 = _predefined_type(MPI_REAL2)
REAL4 = _predefined_type(MPI_REAL4)
REAL8 = _predefined_type(MPI_REAL8)
REAL16 = _predefined_type(MPI_REAL16)
COMPLEX4 = _predefined_type(MPI_COMPLEX4)
COMPLEX8 = _predefined_type(MPI_COMPLEX8)
COMPLEX16 = _predefined_type(MPI_COMPLEX16)
COMPLEX32 = _predefined_type(MPI_COMPLEX32)
LOGICAL1 = _predefined_type(MPI_LOGICAL1)
LOGICAL2 = _predefined_type(MPI_LOGICAL2)
LOGICAL4 = _predefined_type(MPI_LOGICAL4)
LOGICAL8 = _predefined_type(MPI_LOGICAL8)
LOGICAL16 = _predefined_type(MPI_LOGICAL16)
# Fortran names by their C counterparts.
F_BOOL = LOGICAL
F_INT = INTEGER
F_FLOAT = REAL
F_DOUBLE = DOUBLE_PRECISION
F_COMPLEX = F_FLOAT_COMPLEX = COMPLEX
F_DOUBLE_COMPLEX = DOUBLE_COMPLEX
# C++ types.
CXX_BOOL = _predefined_type(MPI_CXX_BOOL)
CXX_FLOAT_COMPLEX = _predefined_type(MPI_CXX_FLOAT_COMPLEX)
CXX_DOUBLE_COMPLEX = _predefined_type(MPI_CXX_DOUBLE_COMPLEX)
CXX_LONG_DOUBLE_COMPLEX = _predefined_type(MPI_CXX_LONG_DOUBLE_COMPLEX)
# Language-neutral fixed-size names: signed integers are the C intN_t types; 32/64-bit floats are C
# float/double (IEEE binary32/binary64 on every platform MPI builds for).  No MPI library exposes
# 16-bit floating types under an MPI_ name yet: those stay DATATYPE_NULL.
SINT8_T = INT8_T
SINT16_T = INT16_T
SINT32_T = INT32_T
SINT64_T = INT64_T
FLOAT32_T = FLOAT
FLOAT64_T = DOUBLE
FLOAT16_T = DATATYPE_NULL
BFLOAT16_T = DATATYPE_NULL


cdef Datatype _unsigned_of_size(size_t size):
    """The C unsigned integer datatype of ``size`` bytes (size_t, uintptr_t have no MPI datatype of their own)."""
    for dt, csize in ((UNSIGNED_LONG, sizeof(unsigned long)), (UNSIGNED_LONG_LONG, sizeof(unsigned long long)),
                      (UNSIGNED, sizeof(unsigned int))):
        if csize == size:
            return dt
    return DATATYPE_NULL


# Buffer-protocol format codes (struct/NumPy style, and the typecodes mpi4py maps) -> predefined datatype.
_typedict = {}
for _codes, _dt in (
    (("?", "b1"), C_BOOL),
    (("c", "s", "S", "S1"), CHAR),
    (("b",), SIGNED_CHAR),
    (("B",), UNSIGNED_CHAR),
    (("i1",), INT8_T),
    (("u1",), UINT8_T),
    (("w", "U"), WCHAR),
    (("h",), SHORT),
    (("H",), UNSIGNED_SHORT),
    (("i",), INT),
    (("I",), UNSIGNED),
    (("l",), LONG),
    (("L",), UNSIGNED_LONG),
    (("q",), LONG_LONG),
    (("Q",), UNSIGNED_LONG_LONG),
    (("f",), FLOAT),
    (("d",), DOUBLE),
    (("g",), LONG_DOUBLE),
    (("F", "Zf"), C_FLOAT_COMPLEX),
    (("D", "Zd"), C_DOUBLE_COMPLEX),
    (("G", "Zg"), C_LONG_DOUBLE_COMPLEX),
    (("i2",), INT16_T),
    (("i4",), INT32_T),
    (("i8",), INT64_T),
    (("u2",), UINT16_T),
    (("u4",), UINT32_T),
    (("u8",), UINT64_T),
    (("f4",), FLOAT),
    (("f8",), DOUBLE),
    (("c8",), C_FLOAT_COMPLEX),
    (("c16",), C_DOUBLE_COMPLEX),
    # last: the datatype of a C type's size (tocode gives the codes above first)
    (("p",), AINT),  # intptr_t: MPI_Aint is the signed address-sized integer
    (("n",), COUNT if sizeof(MPI_Count) == sizeof(Py_ssize_t) else AINT),  # ssize_t
    (("N",), _unsigned_of_size(sizeof(size_t))),
    (("P",), _unsigned_of_size(sizeof(void*))),
    (("e", "f2"), FLOAT16_T),  # when the MPI has a 16-bit float (else DATATYPE_NULL: skipped)
    # long double by size, unless it is just a double (f8/c16 stay DOUBLE/C_DOUBLE_COMPLEX)
    ((f"f{sizeof(long double)}",) if sizeof(long double) > sizeof(double) else (), LONG_DOUBLE),
    ((f"c{2 * sizeof(long double)}",) if sizeof(long double) > sizeof(double) else (), C_LONG_DOUBLE_COMPLEX),
):
    if _dt:
        for _code in _codes:
            _typedict[_code] = _dt
del _codes, _dt, _code

# Single-character formats resolved without touching Python dicts (the Send/Recv hot path).
cdef MPI_Datatype _fmt_type[128]
cdef bint _fmt_known[128]
for _code, _dt in _typedict.items():
    if len(_code) == 1:
        _fmt_type[ord(_code)] = (<Datatype>_dt).ob_mpi
        _fmt_known[ord(_code)] = True
del _code, _dt


cdef extern from *:
    """
    static int PyMPI_IsLittleEndian(void) { const unsigned int one = 1; return *(const unsigned char *)&one == 1; }
    """
    int _is_little_endian "PyMPI_IsLittleEndian" () nogil


cdef int format_to_type(const char *fmt, MPI_Datatype *dtype) except -1:
    """Datatype for a buffer format string; native byte order only."""
    cdef const char *f = fmt
    cdef unsigned char c
    if f == NULL:
        dtype[0] = MPI_BYTE
        return 0
    c = <unsigned char>f[0]
    if c == b'@' or c == b'=' or (c == b'<' and _is_little_endian()) or (c == b'>' and not _is_little_endian()):
        f += 1
        c = <unsigned char>f[0]
    if c < 128 and f[1] == 0 and _fmt_known[c]:
        dtype[0] = _fmt_type[c]
        return 0
    key = f.decode("latin-1")
    dt = _typedict.get(key)
    if dt is None:
        raise TypeError(f"no MPI datatype for buffer format {fmt.decode('latin-1')!r}; "
                        "pass the message as [buf, count, datatype] with an explicit MPI datatype")
    dtype[0] = (<Datatype>dt).ob_mpi
    return 0
