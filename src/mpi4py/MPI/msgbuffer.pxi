# Buffer message specifications: buf, [buf, datatype], [buf, count, datatype],
# [buf, (count, displ), datatype], [buf, count, displ, datatype], with the datatype
# inferred from the buffer format when not given.

from cpython.buffer cimport (PyObject_CheckBuffer, PyObject_GetBuffer, PyBuffer_Release,
                             PyBUF_ANY_CONTIGUOUS, PyBUF_FORMAT, PyBUF_WRITABLE)

cdef extern from *:
    """
    #include <limits.h>
    """
    enum: INT_MAX


class BottomType(int):
    """Type of ``BOTTOM``: the absolute address zero as a buffer."""

    def __repr__(self):
        return "BOTTOM"


class InPlaceType(int):
    """Type of ``IN_PLACE``: take the input from the output buffer in collectives."""

    def __repr__(self):
        return "IN_PLACE"


BOTTOM = BottomType(<Py_ssize_t>MPI_BOTTOM)
IN_PLACE = InPlaceType(<Py_ssize_t>MPI_IN_PLACE)

cdef object __IN_PLACE__ = IN_PLACE
cdef object __BOTTOM__ = BOTTOM


@cython.final
@cython.freelist(16)
cdef class _Msg:
    """A buffer held for the duration of a communication."""

    cdef Py_buffer view
    cdef bint has_view
    cdef void *buf
    cdef int count
    cdef MPI_Datatype dtype
    cdef object keep

    def __dealloc__(self):
        if self.has_view:
            PyBuffer_Release(&self.view)


cdef inline Py_ssize_t _type_extent(MPI_Datatype dtype) except -1:
    cdef MPI_Aint lb = 0, extent = 0
    CHKERR(MPI_Type_get_extent(dtype, &lb, &extent))
    return extent


# -- DLPack and CUDA Array Interface exporters (host memory; the typed path is device-ready) ----------

cdef extern from *:
    """
    #include <stdint.h>
    typedef struct { int32_t device_type; int32_t device_id; } PyMPI_DLDevice;
    typedef struct { uint8_t code; uint8_t bits; uint16_t lanes; } PyMPI_DLDataType;
    typedef struct {
      void *data; PyMPI_DLDevice device; int32_t ndim; PyMPI_DLDataType dtype;
      int64_t *shape; int64_t *strides; uint64_t byte_offset;
    } PyMPI_DLTensor;
    typedef struct PyMPI_DLManagedTensor {
      PyMPI_DLTensor dl_tensor; void *manager_ctx; void (*deleter)(struct PyMPI_DLManagedTensor *);
    } PyMPI_DLManagedTensor;
    static void PyMPI_DLDelete(PyMPI_DLManagedTensor *t) { if (t && t->deleter) t->deleter(t); }
    """
    ctypedef struct PyMPI_DLDevice:
        int device_type
        int device_id
    ctypedef struct PyMPI_DLDataType:
        unsigned char code
        unsigned char bits
        unsigned short lanes
    ctypedef struct PyMPI_DLTensor:
        void *data
        PyMPI_DLDevice device
        int ndim
        PyMPI_DLDataType dtype
        long long *shape
        long long *strides
        unsigned long long byte_offset
    ctypedef struct PyMPI_DLManagedTensor:
        PyMPI_DLTensor dl_tensor
    void PyMPI_DLDelete(PyMPI_DLManagedTensor *)

from cpython.pycapsule cimport PyCapsule_GetPointer, PyCapsule_IsValid, PyCapsule_SetName

cdef enum:
    _kDLCPU = 1
    _kDLCUDAHost = 3
    _kDLROCMHost = 11


@cython.final
cdef class _ForeignMem:
    """Buffer-protocol view of memory exported with ``__dlpack__`` or ``__cuda_array_interface__``."""

    cdef void *base
    cdef Py_ssize_t length
    cdef Py_ssize_t itemsize
    cdef bint ro
    cdef bytes fmt
    cdef PyMPI_DLManagedTensor *managed
    cdef object owner

    def __dealloc__(self):
        if self.managed != NULL:
            PyMPI_DLDelete(self.managed)

    def __getbuffer__(self, Py_buffer *view, int flags):
        if (flags & PyBUF_WRITABLE) and self.ro:
            raise BufferError("the exported memory is read-only")
        view.buf = self.base
        view.obj = self
        view.len = self.length
        view.readonly = self.ro
        view.itemsize = self.itemsize
        view.format = NULL
        if flags & PyBUF_FORMAT:
            view.format = self.fmt
        view.ndim = 1
        view.shape = NULL
        view.strides = NULL
        view.suboffsets = NULL
        view.internal = NULL


cdef Py_ssize_t _contiguous_items(shape, strides, Py_ssize_t itemsize, str where) except -1:
    cdef Py_ssize_t n = 1, expected = itemsize
    for extent in shape:
        n *= extent
    if strides is not None and n > 1:
        for extent, stride in reversed(list(zip(shape, strides))):
            if extent > 1 and stride != expected:
                raise BufferError(f"{where}: only C-contiguous memory can be communicated directly")
            expected *= extent
    return n


cdef _ForeignMem _from_cai(object obj, str argname):
    cai = obj.__cuda_array_interface__
    cdef _ForeignMem f = _ForeignMem.__new__(_ForeignMem)
    ptr, readonly = cai["data"]
    typestr = cai["typestr"]
    f.itemsize = int(typestr[2:])
    f.length = _contiguous_items(cai["shape"], cai.get("strides"), f.itemsize, argname) * f.itemsize
    f.base = <void*><Py_ssize_t>ptr
    f.ro = readonly
    f.fmt = (("=" if typestr[0] == "|" else typestr[0]) + typestr[1:]).encode()
    f.owner = obj
    return f


cdef _ForeignMem _from_dlpack(object obj, str argname):
    capsule = obj.__dlpack__()
    if not PyCapsule_IsValid(capsule, b"dltensor"):
        raise BufferError(f"{argname}: __dlpack__() did not return an unconsumed 'dltensor' capsule")
    cdef PyMPI_DLManagedTensor *mt = <PyMPI_DLManagedTensor*>PyCapsule_GetPointer(capsule, b"dltensor")
    PyCapsule_SetName(capsule, b"used_dltensor")
    cdef _ForeignMem f = _ForeignMem.__new__(_ForeignMem)
    f.managed = mt
    f.owner = obj
    cdef PyMPI_DLTensor *t = &mt.dl_tensor
    if t.device.device_type not in (_kDLCPU, _kDLCUDAHost, _kDLROCMHost):
        raise BufferError(f"{argname}: DLPack device type {t.device.device_type} is device memory; this build "
                          "communicates host memory only")
    if t.dtype.lanes != 1:
        raise BufferError(f"{argname}: vector DLPack dtypes (lanes={t.dtype.lanes}) are not supported")
    cdef int i
    shape = [t.shape[i] for i in range(t.ndim)]
    strides = None if t.strides == NULL else [t.strides[i] * (t.dtype.bits // 8) for i in range(t.ndim)]
    f.itemsize = t.dtype.bits // 8
    f.length = _contiguous_items(shape, strides, f.itemsize, argname) * f.itemsize
    f.base = <char*>t.data + t.byte_offset
    kind = {0: "i", 1: "u", 2: "f", 5: "c", 6: "?"}.get(t.dtype.code)
    if kind is None:
        raise BufferError(f"{argname}: DLPack dtype code {t.dtype.code} has no MPI datatype")
    f.fmt = b"?" if kind == "?" else f"{kind}{f.itemsize}".encode()
    return f


cdef extern from *:
    """
    /* PyObject_GetBuffer that reports failure as 0 with no exception set (the caller falls back). */
    static int PyMPI_TryGetBuffer(PyObject *o, Py_buffer *view, int flags) {
      if (PyObject_GetBuffer(o, view, flags) < 0) { PyErr_Clear(); return 0; }
      return 1;
    }
    """
    int PyMPI_TryGetBuffer(object, Py_buffer *, int) noexcept


cdef int msg_view(object spec, bint writable, Py_buffer *view, MPI_Datatype *dtype, int *count) noexcept:
    """Fast path of ``msg_build`` for a bare buffer object with a one-character native format.

    Returns 1 with ``view`` held (the caller releases it), or 0 with nothing held and no exception:
    then ``msg_build`` handles the spec (and reports any error in full).
    """
    cdef const char *f
    cdef unsigned char c
    cdef Py_ssize_t items
    if type(spec) is list or type(spec) is tuple or spec is None or not PyObject_CheckBuffer(spec):
        return 0
    if not PyMPI_TryGetBuffer(spec, view, PyBUF_ANY_CONTIGUOUS | PyBUF_FORMAT | (PyBUF_WRITABLE if writable else 0)):
        return 0
    f = view.format
    if f == NULL:
        dtype[0] = MPI_BYTE
        items = view.len
    else:
        c = <unsigned char>f[0]
        if c == b'@' or c == b'=':
            f += 1
            c = <unsigned char>f[0]
        if c >= 128 or f[1] != 0 or not _fmt_known[c] or view.itemsize <= 0 or view.len % view.itemsize:
            PyBuffer_Release(view)
            return 0
        dtype[0] = _fmt_type[c]
        items = view.len // view.itemsize
    if items > INT_MAX:
        PyBuffer_Release(view)
        return 0
    count[0] = <int>items
    return 1


cdef _Msg msg_build(object spec, bint writable, int blocks, str argname):
    """Parse a message spec; ``count`` is per block when ``blocks`` > 1 (collectives)."""
    cdef _Msg m = _Msg.__new__(_Msg)
    cdef object o_buf = spec, o_count = None, o_displ = None, o_type = None
    cdef Py_ssize_t n, extent, count, displ = 0, total
    cdef int flags, fast_count = 0
    m.dtype = MPI_BYTE
    if spec is None:
        return m
    if blocks <= 1 and msg_view(spec, writable, &m.view, &m.dtype, &fast_count):
        m.has_view = True
        m.buf = m.view.buf
        m.count = fast_count
        return m
    if type(spec) is list or type(spec) is tuple:
        n = len(spec)
        if n == 1:
            o_buf = spec[0]
        elif n == 2:
            o_buf, o_type = spec
            if not isinstance(o_type, (Datatype, str)):
                o_count, o_type = o_type, None
        elif n == 3:
            o_buf, o_count, o_type = spec
            if type(o_count) is tuple or type(o_count) is list:
                o_count, o_displ = o_count
        elif n == 4:
            o_buf, o_count, o_displ, o_type = spec
        else:
            raise ValueError(f"{argname}: a message must be buf, [buf, datatype], [buf, count, datatype] "
                             f"or [buf, count, displ, datatype]; got a {type(spec).__name__} of length {n}")
    if o_buf is None or o_buf is __BOTTOM__:
        if o_type is None:
            raise ValueError(f"{argname}: a None/BOTTOM buffer needs an explicit datatype: [None, count, datatype]")
        m.buf = MPI_BOTTOM
    elif not PyObject_CheckBuffer(o_buf) and hasattr(o_buf, "__dlpack__"):
        o_buf = _from_dlpack(o_buf, argname)
    elif not PyObject_CheckBuffer(o_buf) and hasattr(o_buf, "__cuda_array_interface__"):
        o_buf = _from_cai(o_buf, argname)
    if o_buf is None or o_buf is __BOTTOM__:
        pass
    elif not PyObject_CheckBuffer(o_buf):
        raise TypeError(f"{argname}: expected an object supporting the buffer protocol (NumPy array, array.array, "
                        f"bytearray, memoryview, ...) or [buf, count, datatype], got {type(o_buf).__name__}")
    else:
        flags = PyBUF_ANY_CONTIGUOUS
        if writable:
            flags |= PyBUF_WRITABLE
        if o_type is None:
            flags |= PyBUF_FORMAT
        try:
            PyObject_GetBuffer(o_buf, &m.view, flags)
        except (BufferError, ValueError) as exc:
            if writable and isinstance(o_buf, bytes):
                raise BufferError(f"{argname}: a bytes object is read-only; receive into a bytearray, "
                                  "array.array or NumPy array") from None
            raise type(exc)(f"{argname}: {exc} (messages need contiguous, and for receiving writable, memory)") from None
        m.has_view = True
        m.buf = m.view.buf
    # datatype and its extent
    if o_type is None:
        format_to_type(m.view.format, &m.dtype)
        extent = m.view.itemsize if m.view.format != NULL else 1
    else:
        if isinstance(o_type, str):
            dt = _typedict.get(o_type)
            if dt is None:
                raise TypeError(f"{argname}: unknown datatype code {o_type!r} (known: {', '.join(sorted(_typedict))})")
            o_type = dt
        elif not isinstance(o_type, Datatype):
            raise TypeError(f"{argname}: datatype must be an MPI.Datatype or a type code string, got {type(o_type).__name__}")
        m.dtype = (<Datatype>o_type).ob_mpi
        m.keep = o_type
        extent = _type_extent(m.dtype)
    if o_displ is not None:
        displ = o_displ
        if displ < 0:
            raise ValueError(f"{argname}: displacement must be >= 0, got {displ}")
    # count
    if o_count is None:
        if not m.has_view:
            raise ValueError(f"{argname}: a None/BOTTOM buffer needs an explicit count")
        if extent <= 0:
            raise ValueError(f"{argname}: cannot infer a count for a datatype with extent {extent}; give [buf, count, datatype]")
        total = m.view.len - displ * extent
        if total < 0 or total % extent:
            raise ValueError(f"{argname}: buffer of {m.view.len} bytes is not a whole number of items of "
                             f"{extent} bytes (after displacement {displ}); give [buf, count, datatype]")
        count = total // extent
        if blocks > 1:
            if count % blocks:
                raise ValueError(f"{argname}: {count} items cannot be split evenly among {blocks} processes")
            count //= blocks
    else:
        count = o_count
        if count < 0:
            raise ValueError(f"{argname}: count must be >= 0, got {count}")
        if m.has_view and (displ + count * (blocks if blocks > 1 else 1)) * extent > m.view.len:
            raise ValueError(f"{argname}: count {count} x {max(blocks, 1)} block(s) of {extent}-byte items "
                             f"(displacement {displ}) exceeds the buffer size of {m.view.len} bytes")
    if count > INT_MAX:
        raise OverflowError(f"{argname}: count {count} exceeds the largest MPI int count {INT_MAX}")
    m.count = <int>count
    m.buf = <char*>m.buf + displ * extent
    return m


cdef inline bint is_in_place(object obj) noexcept:
    return obj is __IN_PLACE__
