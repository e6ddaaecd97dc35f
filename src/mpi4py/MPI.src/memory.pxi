# Memory: MPI.buffer (a byte sequence over raw or exported memory) and Alloc_mem/Free_mem.

from cpython.buffer cimport PyBuffer_FillInfo
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.long cimport PyLong_AsVoidPtr
from libc.string cimport memmove, memset


@cython.final
cdef class _Export:
    """Another object's buffer export, held while any ``buffer`` over its memory lives."""

    cdef Py_buffer view  # held when view.obj is set (PyMPI_ViewHeld), as in _Msg and Request

    def __dealloc__(self):
        if PyMPI_ViewHeld(&self.view):
            PyBuffer_Release(&self.view)


cdef _Export _export_of(object obj, int flags):
    cdef _Export export = _Export.__new__(_Export)
    PyMPI_GetBuffer(obj, &export.view, flags | PyBUF_ANY_CONTIGUOUS)
    return export


cdef void _buffer_attach(buffer self, _Export export):
    self.base, self.length, self.ro = export.view.buf, export.view.len, export.view.readonly
    self.owner = export


cdef int _buffer_check_live(buffer self) except -1:
    # A slice is over its parent's memory: once an ancestor is released (Free_mem included)
    # or its window freed, touching the slice would read freed memory.
    cdef char *lo = <char*>self.base
    cdef buffer parent
    owner = self.owner
    while self.length and isinstance(owner, buffer):
        parent = <buffer>owner
        if parent.base == NULL or lo < <char*>parent.base or lo + self.length > <char*>parent.base + parent.length:
            raise ValueError("buffer: the memory it views was released")
        owner = parent.owner
    if self.length and isinstance(owner, Win) and not owner:
        raise ValueError("buffer: the memory it views belonged to a freed window")
    return 0


cdef Py_ssize_t _buffer_index(buffer self, object item) except -1:
    cdef Py_ssize_t i = item
    if i < 0:
        i += self.length
    if i < 0 or i >= self.length:
        raise IndexError("buffer index out of range")
    return i


cdef tuple _buffer_span(buffer self, slice item):
    start, stop, step = item.indices(self.length)
    if step != 1:
        raise IndexError("buffer: slice with step not supported")
    return start, max(stop - start, 0)


cdef class buffer:
    """Byte buffer over raw memory (``Alloc_mem``, ``fromaddress``) or another object's buffer.

    A mutable sequence of bytes: indexing gives ints, slicing (step 1) gives a ``buffer`` over the
    same memory."""

    # C fields in MPI.pxd; owner: the _Export of another object, the parent buffer of a slice, a Win, or None

    def __cinit__(self, *args):
        # buffer() is empty; buffer(obj) views obj's memory (positional only, like upstream).
        if not args:
            return
        if len(args) > 1:
            raise TypeError(f"buffer() takes at most 1 argument ({len(args)} given)")
        _buffer_attach(self, _export_of(args[0], 0))

    @staticmethod
    def allocate(Py_ssize_t nbytes, bint clear=False):
        """A new buffer of ``nbytes`` bytes (zero-filled when ``clear``)."""
        if nbytes < 0:
            raise ValueError(f"buffer.allocate: expecting non-negative size, got nbytes={nbytes}")
        return buffer(bytearray(nbytes))  # a new bytearray is always zero-filled

    @staticmethod
    def fromaddress(address, Py_ssize_t nbytes, bint readonly=False):
        """Buffer over ``nbytes`` bytes of raw memory at integer ``address`` (no ownership)."""
        if nbytes < 0:
            raise ValueError(f"buffer.fromaddress: expecting non-negative buffer length, got nbytes={nbytes}")
        cdef void *base = PyLong_AsVoidPtr(address)
        if base == NULL and nbytes > 0:
            raise ValueError("buffer.fromaddress: expecting non-NULL address")
        cdef buffer b = buffer.__new__(buffer)
        b.base, b.length, b.ro = base, nbytes, readonly
        return b

    @staticmethod
    def frombuffer(obj, bint readonly=False):
        """Buffer over the memory of ``obj`` (writable unless ``readonly``: BufferError if obj is not)."""
        cdef buffer b = buffer.__new__(buffer)
        _buffer_attach(b, _export_of(obj, 0 if readonly else PyBUF_WRITABLE))
        b.ro = readonly
        return b

    def __getbuffer__(self, Py_buffer *view, int flags):
        _buffer_check_live(self)
        PyBuffer_FillInfo(view, self, self.base, self.length, self.ro, flags)

    def __len__(self):
        return self.length

    def __getitem__(self, item):
        cdef buffer part
        cdef Py_ssize_t start, n
        _buffer_check_live(self)
        if isinstance(item, slice):
            start, n = _buffer_span(self, item)
            part = buffer.__new__(buffer)
            part.base = <char*>self.base + start if self.base != NULL else NULL
            part.length, part.ro, part.owner = n, self.ro, self
            return part
        if not hasattr(item, "__index__"):
            raise TypeError(f"buffer index must be integer or slice, not {type(item).__name__}")
        return (<unsigned char*>self.base)[_buffer_index(self, item)]

    def __setitem__(self, item, value):
        cdef Py_ssize_t start, n
        cdef unsigned char byte
        cdef Py_buffer src
        if self.ro:
            raise TypeError("buffer is read-only")
        _buffer_check_live(self)
        if isinstance(item, slice):
            start, n = _buffer_span(self, item)
            if hasattr(value, "__index__"):
                byte = value  # OverflowError outside 0..255, like bytearray
                memset(<char*>self.base + start, byte, <size_t>n)
                return
            PyMPI_GetBuffer(value, &src, PyBUF_ANY_CONTIGUOUS)
            try:
                if src.len != n:
                    raise ValueError(f"buffer: slice length {n} does not match the {src.len}-byte value")
                memmove(<char*>self.base + start, src.buf, <size_t>n)
            finally:
                PyBuffer_Release(&src)
            return
        if not hasattr(item, "__index__"):
            raise TypeError(f"buffer index must be integer or slice, not {type(item).__name__}")
        byte = value
        (<unsigned char*>self.base)[_buffer_index(self, item)] = byte

    address = property(lambda self: <Py_ssize_t>(<buffer>self).base, doc="buffer address")
    nbytes = property(lambda self: (<buffer>self).length, doc="buffer size (in bytes)")
    readonly = property(lambda self: (<buffer>self).ro, doc="buffer is read-only")
    format = property(lambda self: "B", doc="struct format of the items (always unsigned bytes)")
    itemsize = property(lambda self: 1, doc="size of an item in bytes (always 1)")

    @property
    def obj(self):
        """The object exposing the memory (None for raw memory)."""
        owner = self.owner
        if isinstance(owner, _Export):
            return <object>(<_Export>owner).view.obj
        return owner

    def tobytes(self, order=None):
        """Copy of the contents (``order`` is accepted for ``memoryview.tobytes`` compatibility)."""
        _buffer_check_live(self)
        return PyBytes_FromStringAndSize(<char*>self.base, self.length)

    def cast(self, format, shape=None):
        """memoryview of the buffer with a struct ``format`` (and ``shape``)."""
        view = memoryview(self)
        return view.cast(format) if shape is None else view.cast(format, shape)

    def release(self):
        """Release the memory (``Free_mem`` for memory from ``Alloc_mem``); the buffer becomes empty."""
        if self.mpi_mem and self.base != NULL:
            CHKERR(MPI_Free_mem(self.base))
        self.base, self.length, self.owner, self.mpi_mem = NULL, 0, None, False

    def toreadonly(self):
        """Read-only buffer over the same memory (keeps this buffer alive)."""
        cdef buffer b = buffer.__new__(buffer)
        b.base, b.length, b.ro, b.owner = self.base, self.length, True, self
        return b


memory = buffer  # upstream's older name, kept as an alias


cdef buffer _window_memory(void *base, MPI_Aint size, object win):
    """The memory of ``win`` as a writable buffer (empty when the window has none)."""
    cdef buffer b = buffer.__new__(buffer)
    if base != NULL and size > 0:
        b.base, b.length = base, size
    b.owner = win
    return b


def Alloc_mem(MPI_Aint size, info=None):
    """Allocate ``size`` bytes of memory (possibly special, e.g. for RMA); return a ``buffer``."""
    if size < 0:
        raise ValueError(f"Alloc_mem: size must be >= 0, got {size}")
    cdef buffer b = buffer.__new__(buffer)
    CHKERR(MPI_Alloc_mem(size, arg_info(info), &b.base))
    b.length, b.mpi_mem = size, True
    return b


def Free_mem(mem):
    """Free memory from ``Alloc_mem``."""
    if not isinstance(mem, buffer) or not ((<buffer>mem).mpi_mem or (<buffer>mem).base == NULL):
        raise TypeError("Free_mem: expected a buffer returned by Alloc_mem")
    (<buffer>mem).release()
