# Reduction operations: the Op class, predefined operations and their Python-level meaning.


def _op_max(x, y):
    return y if y > x else x


def _op_min(x, y):
    return y if y < x else x


def _op_sum(x, y):
    return x + y


def _op_prod(x, y):
    return x * y


def _op_land(x, y):
    return bool(x and y)


def _op_band(x, y):
    return x & y


def _op_lor(x, y):
    return bool(x or y)


def _op_bor(x, y):
    return x | y


def _op_lxor(x, y):
    return bool(x) != bool(y)


def _op_bxor(x, y):
    return x ^ y


def _op_maxloc(x, y):
    (u, i), (v, j) = x, y
    if u > v:
        return (u, i)
    if v > u:
        return (v, j)
    return (u, min(i, j))


def _op_minloc(x, y):
    (u, i), (v, j) = x, y
    if u < v:
        return (u, i)
    if v < u:
        return (v, j)
    return (u, min(i, j))


def _op_replace(x, y):
    return y


def _op_no_op(x, y):
    return x


# User-defined operations: the trampoline of each slot (callbacks.pxi) calls _op_call with its number.
from cpython.memoryview cimport PyMemoryView_FromMemory
from cpython.buffer cimport PyBUF_READ, PyBUF_WRITE

cdef list _op_slots = [None] * PyMPI_OP_SLOTS


cdef void _op_call(int slot, void *a, void *b, int *n, MPI_Datatype *t) noexcept with gil:
    cdef MPI_Aint lb = 0, extent = 0
    try:
        MPI_Type_get_extent(t[0], &lb, &extent)
        size = n[0] * extent
        dt = _borrowed(KIND_DATATYPE, _h2i(t[0]))  # marked predefined: the function cannot free it
        _op_slots[slot](PyMemoryView_FromMemory(<char*>a, size, PyBUF_READ),
                        PyMemoryView_FromMemory(<char*>b, size, PyBUF_WRITE), dt)
    except BaseException:
        _callback_error("a user-defined Op function (MPI cannot fail a reduction: aborting)", MPI_SUCCESS)
        MPI_Abort(MPI_COMM_WORLD, 1)


pympi_op_hook = _op_call


cdef class Op:
    """Reduction operation."""

    def __cinit__(self, Op op=None):
        _handle_init(self, op)
        if op is not None:
            self.ob_func = op.ob_func
            self.ob_name = op.ob_name
            self.predefined = op.predefined

    def __richcmp__(self, other, int op):
        return _handle_richcmp(self, other, op)

    def __reduce__(self):
        return _reduce_handle(self, _op_rebuild)

    def __bool__(self):
        return _handle_bool(self)

    def __repr__(self):
        return f"<mpi4py.MPI.Op: {self.ob_name if isinstance(self.ob_name, str) else 'user-defined'}>"

    def __call__(self, x, y):
        """Apply the operation to two Python objects (as the object-based reductions do)."""
        if self.ob_func is None:
            raise TypeError(f"{self!r} has no Python-level implementation")
        return self.ob_func(x, y)

    def Is_commutative(self):
        """Whether the operation is commutative."""
        cdef int flag = 0
        CHKERR(MPI_Op_commutative(self.ob_mpi, &flag))
        return <bint>flag

    is_commutative = property(Is_commutative, doc="is commutative")

    def Is_predefined(self):
        """Whether the operation is a predefined one."""
        return self.predefined or self.ob_mpi == MPI_OP_NULL

    is_predefined = property(Is_predefined, doc="is a predefined operation")

    def Free(self):
        """Free a user-defined operation."""
        _owned_release(self)
        if self.ob_name is not None and isinstance(self.ob_name, int):
            _op_slots[self.ob_name] = None

    @classmethod
    def Create(cls, function, bint commute=False):
        """User-defined operation: ``function(inbuf, inoutbuf, datatype)`` combines ``inbuf`` into ``inoutbuf``.

        The buffers are byte memoryviews (e.g. ``numpy.frombuffer(inoutbuf, "d")``).
        """
        if not callable(function):
            raise TypeError(f"Op.Create: function must be callable, got {type(function).__name__}")
        if None not in _op_slots:
            raise RuntimeError(f"Op.Create: at most {len(_op_slots)} user operations can exist at once; Free() some")
        cdef int slot = _op_slots.index(None)
        cdef Op op = Op.__new__(Op)
        CHKERR(MPI_Op_create(pympi_op_tab[slot], commute, &op.ob_mpi))
        _op_slots[slot] = function
        op.ob_name = slot
        return op

    def Reduce_local(self, inbuf, inoutbuf):
        """Apply the operation locally: ``inoutbuf = inbuf op inoutbuf``."""
        cdef _Msg i = msg_build(inbuf, False, 0, "inbuf")
        cdef _Msg o = msg_build(inoutbuf, True, 0, "inoutbuf")
        if i.count != o.count:
            raise ValueError(f"inoutbuf: {o.count} items but inbuf has {i.count}")
        with nogil:
            CHKERR(MPI_Reduce_local(i.buf, o.buf, i.count, i.dtype, self.ob_mpi))

    def py2f(self):
        """Fortran handle."""
        return _handle_py2f(self)

    @classmethod
    def f2py(cls, arg):
        """Operation from a Fortran handle."""
        return _handle_f2py(<Op>Op.__new__(Op), arg)

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _handle_int(self)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        return _handle_fromhandle(<Op?>cls.__new__(cls), handle)

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return _handle_py2f(self)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        return _handle_f2py(<Op?>cls.__new__(cls), arg)

    def free(self):
        """Free the handle unless it is null or predefined (never raises for those)."""
        _owned_free(self)


cdef Op _predefined_op(MPI_Op handle, func, name):
    cdef Op op = Op.__new__(Op)
    op.ob_mpi = handle
    op.ob_func = func
    op.ob_name = name
    op.predefined = True
    return op


OP_NULL = _predefined_op(MPI_OP_NULL, None, "OP_NULL")
MAX = _predefined_op(MPI_MAX, _op_max, "MAX")
MIN = _predefined_op(MPI_MIN, _op_min, "MIN")
SUM = _predefined_op(MPI_SUM, _op_sum, "SUM")
PROD = _predefined_op(MPI_PROD, _op_prod, "PROD")
LAND = _predefined_op(MPI_LAND, _op_land, "LAND")
BAND = _predefined_op(MPI_BAND, _op_band, "BAND")
LOR = _predefined_op(MPI_LOR, _op_lor, "LOR")
BOR = _predefined_op(MPI_BOR, _op_bor, "BOR")
LXOR = _predefined_op(MPI_LXOR, _op_lxor, "LXOR")
BXOR = _predefined_op(MPI_BXOR, _op_bxor, "BXOR")
MAXLOC = _predefined_op(MPI_MAXLOC, _op_maxloc, "MAXLOC")
MINLOC = _predefined_op(MPI_MINLOC, _op_minloc, "MINLOC")
REPLACE = _predefined_op(MPI_REPLACE, _op_replace, "REPLACE")
NO_OP = _predefined_op(MPI_NO_OP, _op_no_op, "NO_OP")


cdef object _op_callable(object op, str argname):
    """A binary Python callable for the object-based reductions."""
    if isinstance(op, Op):
        if (<Op>op).ob_func is None:
            raise TypeError(f"{argname}: {op!r} cannot reduce Python objects")
        return (<Op>op).ob_func
    if callable(op):
        return op
    raise TypeError(f"{argname}: expected an MPI.Op or a callable taking two arguments, got {type(op).__name__}")
