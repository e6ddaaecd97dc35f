# Datatypes: the Datatype class, predefined datatypes and the buffer-format -> datatype map.

cdef class Datatype:
    """Datatype object."""

    cdef MPI_Datatype ob_mpi
    cdef bint predefined

    def __cinit__(self, Datatype datatype=None):
        self.ob_mpi = MPI_DATATYPE_NULL
        if datatype is not None:
            self.ob_mpi = datatype.ob_mpi
            self.predefined = datatype.predefined

    def __richcmp__(self, other, int op):
        if not isinstance(other, Datatype) or op not in (2, 3):
            return NotImplemented
        cdef bint same = (<Datatype>self).ob_mpi == (<Datatype>other).ob_mpi
        return same if op == 2 else not same

    def __bool__(self):
        return self.ob_mpi != MPI_DATATYPE_NULL

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
        cdef char name[MPI_MAX_OBJECT_NAME + 1]
        cdef int nlen = 0
        CHKERR(MPI_Type_get_name(self.ob_mpi, name, &nlen))
        return name[:nlen].decode(errors="replace")

    name = property(Get_name, doc="datatype name")

    def Commit(self):
        """Commit the datatype so it can be used in communication."""
        CHKERR(MPI_Type_commit(&self.ob_mpi))
        return self

    def Free(self):
        """Free the datatype."""
        if self.predefined:
            raise ValueError(f"Datatype.Free: cannot free the predefined datatype {self.Get_name()}")
        CHKERR(MPI_Type_free(&self.ob_mpi))

    def Dup(self):
        """Duplicate the datatype."""
        cdef Datatype dup = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_dup(self.ob_mpi, &dup.ob_mpi))
        return dup

    def Create_contiguous(self, int count):
        """Create a contiguous datatype of ``count`` copies of this one."""
        if count < 0:
            raise ValueError(f"Datatype.Create_contiguous: count must be >= 0, got {count}")
        cdef Datatype newtype = Datatype.__new__(Datatype)
        CHKERR(MPI_Type_contiguous(count, self.ob_mpi, &newtype.ob_mpi))
        return newtype

    def Is_predefined(self):
        """Whether the datatype is a predefined one."""
        return self.predefined or self.ob_mpi == MPI_DATATYPE_NULL

    is_predefined = property(Is_predefined, doc="is a predefined datatype")


cdef Datatype _predefined_type(MPI_Datatype handle):
    cdef Datatype t = Datatype.__new__(Datatype)
    t.ob_mpi = handle
    t.predefined = True
    return t


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

# Buffer-protocol format codes (struct/NumPy style) -> predefined datatype.
_typedict = {}
for _codes, _dt in (
    (("?",), C_BOOL),
    (("c", "S1"), CHAR),
    (("b", "i1"), SIGNED_CHAR),
    (("B", "u1"), UNSIGNED_CHAR),
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
