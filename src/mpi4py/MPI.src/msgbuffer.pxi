# Buffer message specifications: buf, [buf, datatype], [buf, count, datatype],
# [buf, (count, displ), datatype], [buf, count, displ, datatype], with the datatype
# inferred from the buffer format when not given.

from cpython.buffer cimport (PyObject_CheckBuffer, PyBuffer_Release, PyBuffer_FillInfo,
                             PyBUF_ANY_CONTIGUOUS, PyBUF_FORMAT, PyBUF_WRITABLE)

cdef extern from *:
    """
    #include <limits.h>
    #define PyMPI_COUNT_MAX LLONG_MAX
    """
    enum: INT_MAX
    long long MPI_COUNT_MAX "PyMPI_COUNT_MAX"

import operator as _operator


cdef int need_large(str routine, MPI_Count count, str argname) except -1:
    """A count above INT_MAX needs the MPI-4 large-count ``routine``: OverflowError where the library lacks it."""
    if routine in _missing_symbols():
        raise OverflowError(f"{argname}: count {count} exceeds the largest MPI int count {INT_MAX}, and this MPI "
                            f"library has no {routine} for larger counts")
    return 0


cdef class _AddressConstant:
    """Buffer protocol of BOTTOM, IN_PLACE and BUFFER_AUTOMATIC: zero bytes at the address each stands for.

    mpi4py's constants export such a buffer (``memoryview(MPI.BOTTOM)``, ``MPI.buffer(MPI.IN_PLACE).address``).
    A base of its own, not a C field on ``int``: the limited API cannot extend ``int``'s layout."""

    def __getbuffer__(self, Py_buffer *view, int flags):
        PyBuffer_FillInfo(view, self, _constant_address(self), 0, 0, flags)

    def __reduce__(self):
        # The module's constant unpickles as that very object (by name); any other instance by value.
        name = repr(self)
        return name if globals().get(name) is self else (type(self), (int(self),))


cdef void *_constant_address(object constant) except? NULL:
    if isinstance(constant, BottomType):
        return MPI_BOTTOM
    if isinstance(constant, InPlaceType):
        return MPI_IN_PLACE
    if isinstance(constant, BufferAutomaticType):
        return MPI_BUFFER_AUTOMATIC
    raise TypeError(f"{type(constant).__name__} stands for no MPI address")


class BottomType(int, _AddressConstant):
    """Type of ``BOTTOM``: the absolute address zero as a buffer."""

    def __repr__(self):
        return "BOTTOM"


class InPlaceType(int, _AddressConstant):
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

    cdef Py_buffer view  # held when view.obj is set (PyMPI_ViewHeld), as in Request.ob_view
    cdef void *buf
    cdef MPI_Count count  # above INT_MAX only where the caller asked for large counts (the MPI-4 _c routines)
    cdef MPI_Datatype dtype
    cdef object keep

    def __dealloc__(self):
        if PyMPI_ViewHeld(&self.view):
            PyBuffer_Release(&self.view)


cdef inline Py_ssize_t _type_extent(MPI_Datatype dtype) except -1:
    cdef MPI_Aint lb = 0, extent = 0
    CHKERR(MPI_Type_get_extent(dtype, &lb, &extent))
    return extent


cdef inline int _type_size_is(MPI_Datatype dtype, Py_ssize_t nbytes) noexcept:
    """1 when ``dtype`` holds exactly ``nbytes`` bytes, 0 when not, -1 when MPI cannot say."""
    cdef int size = 0
    if MPI_Type_size(dtype, &size) != MPI_SUCCESS:
        return -1
    return size == nbytes


cdef MPI_Datatype _format_type(Py_buffer *view, str argname) except *:
    """The MPI datatype of a buffer's items, of exactly the buffer's item size.

    A standard-size format can name a C type of another size ('=l' is 4 bytes, a C long 8 on
    LP64): its items then map to the fixed-width type, so counts never overrun the buffer.
    """
    cdef MPI_Datatype dtype = MPI_BYTE
    format_to_type(view.format, &dtype)
    if view.format == NULL or _type_size_is(dtype, view.itemsize) == 1:
        return dtype
    fmt = view.format.decode("latin-1")
    code = fmt.lstrip("@=<>!")
    kind = "i" if code in ("b", "h", "i", "l", "q") else "u" if code in ("B", "H", "I", "L", "Q") else None
    dt = _typedict.get(f"{kind}{view.itemsize}") if kind else None
    if dt is None:
        raise TypeError(f"{argname}: buffer format {fmt!r} has {view.itemsize}-byte items, which no MPI datatype "
                        "of that size matches; pass [buf, count, datatype]")
    return (<Datatype>dt).ob_mpi


# -- DLPack and CUDA Array Interface exporters (host memory; the typed path is device-ready) ----------
#
# DLPack's capsule protocol: the consumer takes a capsule named "dltensor" (0.x) or "dltensor_versioned"
# (1.x), renames it "used_..." and from then on owns the managed tensor: it calls the deleter exactly
# once, when done with the memory.  Every refusal below releases the tensor first and raises after,
# so neither the deleter nor the producer's capsule destructor ever runs with an exception pending.

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
    typedef struct { uint32_t major; uint32_t minor; } PyMPI_DLPackVersion;
    typedef struct PyMPI_DLManagedTensorVersioned {
      PyMPI_DLPackVersion version; void *manager_ctx;
      void (*deleter)(struct PyMPI_DLManagedTensorVersioned *);
      uint64_t flags; PyMPI_DLTensor dl_tensor;
    } PyMPI_DLManagedTensorVersioned;
    static void PyMPI_DLDelete(PyMPI_DLManagedTensor *t) { if (t && t->deleter) t->deleter(t); }
    static void PyMPI_DLDeleteVersioned(PyMPI_DLManagedTensorVersioned *t) { if (t && t->deleter) t->deleter(t); }
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
    ctypedef struct PyMPI_DLPackVersion:
        unsigned int major
        unsigned int minor
    ctypedef struct PyMPI_DLManagedTensorVersioned:
        PyMPI_DLPackVersion version
        unsigned long long flags
        PyMPI_DLTensor dl_tensor
    void PyMPI_DLDelete(PyMPI_DLManagedTensor *)
    void PyMPI_DLDeleteVersioned(PyMPI_DLManagedTensorVersioned *)

from cpython.pycapsule cimport (PyCapsule_CheckExact, PyCapsule_GetName, PyCapsule_GetPointer, PyCapsule_IsValid,
                                PyCapsule_SetName)
cdef extern from "Python.h":  # not cpython.pyport: Cython 0.29 (Debian's cython3) lacks it
    const Py_ssize_t PY_SSIZE_T_MAX

cdef enum:
    _kDLCPU = 1
    _kDLCUDAHost = 3
    _kDLROCMHost = 11
    _DLPACK_MAJOR = 1
    _DLPACK_FLAG_READ_ONLY = 1

# The newest DLPack version this consumer understands (any 1.x shares the 1.0 layout).
_DLPACK_MAX_VERSION = (1, 1)
_DLPACK_HOST_DEVICES = (_kDLCPU, _kDLCUDAHost, _kDLROCMHost)
# DLPack dtype codes -> struct format kinds (bfloat16, opaque handles, ... have no MPI datatype).
_DLPACK_KINDS = {0: "i", 1: "u", 2: "f", 5: "c", 6: "?"}


@cython.final
cdef class _ForeignMem:
    """Buffer-protocol view of memory exported with ``__dlpack__`` or ``__cuda_array_interface__``."""

    cdef void *base
    cdef Py_ssize_t length
    cdef Py_ssize_t itemsize
    cdef bint ro
    cdef bytes fmt
    cdef void *managed
    cdef bint versioned
    cdef object owner

    cdef void release(self) noexcept:
        # The one place the producer's deleter runs; ``managed`` is cleared first so it runs once.
        cdef void *managed = self.managed
        self.managed = NULL
        if managed == NULL:
            return
        if self.versioned:
            PyMPI_DLDeleteVersioned(<PyMPI_DLManagedTensorVersioned*>managed)
        else:
            PyMPI_DLDelete(<PyMPI_DLManagedTensor*>managed)

    def __dealloc__(self):
        self.release()  # Cython saves any pending exception around __dealloc__

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


cdef object _contiguous_bytes(shape, strides, Py_ssize_t itemsize, str argname):
    """Size in bytes of C-contiguous memory, or an error message (a str) for any other layout."""
    cdef object n = 1, expected = itemsize
    for extent in shape:
        if extent < 0:
            return f"{argname}: negative extent in shape {tuple(shape)}"
        n *= extent
    if strides is not None and len(strides) != len(shape):
        return f"{argname}: {len(strides)} strides for {len(shape)} dimensions"
    if strides is not None and n > 1:
        for extent, stride in reversed(list(zip(shape, strides))):
            if extent > 1 and stride != expected:
                return f"{argname}: only C-contiguous memory can be communicated directly (strides {tuple(strides)})"
            expected *= extent
    n *= itemsize
    if n > PY_SSIZE_T_MAX:
        return f"{argname}: {n} bytes is larger than any buffer"
    return <Py_ssize_t>n


cdef object _known_format(str fmt, str argname):
    if fmt != "?" and fmt not in _typedict:
        return f"{argname}: no MPI datatype for items of format {fmt!r}"
    return None


cdef bint _is_int(object value) noexcept:
    return isinstance(value, int) and not isinstance(value, bool)


# -- CUDA Array Interface

cdef object _cuda_driver = None


cdef bint _is_device_pointer(Py_ssize_t ptr) except -1:
    """Whether ``ptr`` is CUDA device memory.  Device memory needs the CUDA driver loaded and initialized
    in this process, so without it (the usual case here) any pointer is host memory; with it, the
    driver tells the memory type."""
    global _cuda_driver
    if _cuda_driver is None:
        _cuda_driver = False
        import ctypes, os, sys
        try:
            if sys.platform == "win32":
                loaded = ctypes.windll.kernel32.GetModuleHandleW("nvcuda.dll")
                _cuda_driver = ctypes.WinDLL("nvcuda.dll") if loaded else False
            else:
                mode = getattr(os, "RTLD_NOLOAD", 0) | getattr(os, "RTLD_LAZY", 1)
                _cuda_driver = ctypes.CDLL("libcuda.so.1", mode=mode) if hasattr(os, "RTLD_NOLOAD") else False
        except (OSError, AttributeError):
            _cuda_driver = False
    if _cuda_driver is False:
        return False
    import ctypes
    memtype = ctypes.c_uint(0)
    # CU_POINTER_ATTRIBUTE_MEMORY_TYPE = 2; CU_MEMORYTYPE_DEVICE = 2, CU_MEMORYTYPE_ARRAY = 3
    rc = _cuda_driver.cuPointerGetAttribute(ctypes.byref(memtype), 2, ctypes.c_void_p(ptr))
    return rc == 0 and memtype.value in (2, 3)


cdef _ForeignMem _from_cai(object obj, str argname):
    cai = obj.__cuda_array_interface__
    if not isinstance(cai, dict):
        raise TypeError(f"{argname}: __cuda_array_interface__ must be a dict, got {type(cai).__name__}")
    version = cai.get("version")
    if not _is_int(version) or not 0 <= version <= 3:
        raise BufferError(f"{argname}: __cuda_array_interface__ version {version!r} is not supported (0 to 3)")
    if cai.get("mask") is not None:
        raise BufferError(f"{argname}: masked __cuda_array_interface__ arrays are not supported")
    data, shape, typestr, strides = cai.get("data"), cai.get("shape"), cai.get("typestr"), cai.get("strides")
    if (not isinstance(data, tuple) or len(data) != 2 or not _is_int(data[0]) or data[0] < 0
            or not isinstance(data[1], bool)):
        raise BufferError(f"{argname}: __cuda_array_interface__['data'] must be (pointer, read_only), got {data!r}")
    if not isinstance(shape, tuple) or not all(_is_int(e) for e in shape):
        raise BufferError(f"{argname}: __cuda_array_interface__['shape'] must be a tuple of ints, got {shape!r}")
    if strides is not None and (not isinstance(strides, tuple) or not all(_is_int(e) for e in strides)):
        raise BufferError(f"{argname}: __cuda_array_interface__['strides'] must be None or a tuple of ints, "
                          f"got {strides!r}")
    native = "<" if _is_little_endian() else ">"
    if (not isinstance(typestr, str) or len(typestr) < 3 or typestr[0] not in ("|", native)
            or typestr[1] not in "biufc" or not typestr[2:].isdigit() or int(typestr[2:]) == 0):
        raise BufferError(f"{argname}: __cuda_array_interface__['typestr'] {typestr!r} is not a native-order "
                          "bool, integer, floating or complex type")
    cdef _ForeignMem f = _ForeignMem.__new__(_ForeignMem)
    f.itemsize = int(typestr[2:])
    fmt = "?" if typestr[1] == "b" and f.itemsize == 1 else typestr[1] + typestr[2:]
    nbytes = _contiguous_bytes(shape, strides, f.itemsize, argname)
    if isinstance(nbytes, str):
        raise BufferError(nbytes)
    problem = _known_format(fmt, argname)
    if problem is not None:
        raise BufferError(problem)
    if data[0] == 0 and nbytes > 0:
        raise BufferError(f"{argname}: __cuda_array_interface__ has a null data pointer for {nbytes} bytes")
    if _is_device_pointer(data[0]):
        raise BufferError(f"{argname}: __cuda_array_interface__ points to CUDA device memory; this build "
                          "communicates host memory only (no CUDA-aware path)")
    f.length = nbytes
    f.base = <void*><Py_ssize_t>data[0]
    f.ro = data[1]
    f.fmt = fmt.encode()
    f.owner = obj
    return f


# -- DLPack

cdef object _dlpack_capsule(object obj, str argname):
    """The capsule of ``obj.__dlpack__``, asking for a versioned one first (0.x producers refuse
    ``max_version`` with TypeError)."""
    device = getattr(obj, "__dlpack_device__", None)
    if device is not None:
        dev = device()
        if not isinstance(dev, tuple) or len(dev) != 2:
            raise BufferError(f"{argname}: __dlpack_device__() must return (device_type, device_id), got {dev!r}")
        if dev[0] not in _DLPACK_HOST_DEVICES:
            raise BufferError(f"{argname}: DLPack device type {dev[0]} is device memory; this build "
                              "communicates host memory only")
    try:
        return obj.__dlpack__(max_version=_DLPACK_MAX_VERSION)
    except TypeError:
        return obj.__dlpack__()


cdef object _dlpack_problem(PyMPI_DLTensor *t, str argname):
    """What makes the tensor unusable (a message naming ``argname``), or (format, nbytes, base)."""
    if t.device.device_type not in _DLPACK_HOST_DEVICES:
        return (f"{argname}: DLPack device type {t.device.device_type} is device memory; this build "
                "communicates host memory only")
    if t.dtype.lanes != 1:
        return f"{argname}: vector DLPack dtypes (lanes={t.dtype.lanes}) are not supported"
    if t.dtype.bits == 0 or t.dtype.bits % 8:
        return f"{argname}: DLPack dtype of {t.dtype.bits} bits is not a whole number of bytes"
    kind = _DLPACK_KINDS.get(t.dtype.code)
    if kind is None or (kind == "?" and t.dtype.bits != 8):
        return f"{argname}: DLPack dtype (code {t.dtype.code}, {t.dtype.bits} bits) has no MPI datatype"
    # DLPack's 128-bit float is IEEE binary128; the 16-byte 'f16' format is the C long double (x87
    # extended on x86): same size, other bits, so it must not stand in for it.
    if (kind == "f" and t.dtype.bits > 64) or (kind == "c" and t.dtype.bits > 128):
        return f"{argname}: DLPack {t.dtype.bits}-bit IEEE floating point has no MPI datatype"
    if t.ndim < 0 or (t.ndim > 0 and t.shape == NULL):
        return f"{argname}: DLPack tensor with ndim={t.ndim} has no shape"
    cdef Py_ssize_t itemsize = t.dtype.bits // 8
    cdef int i
    shape = [t.shape[i] for i in range(t.ndim)]
    strides = None if t.strides == NULL else [t.strides[i] * itemsize for i in range(t.ndim)]
    nbytes = _contiguous_bytes(shape, strides, itemsize, argname)
    if isinstance(nbytes, str):
        return nbytes
    fmt = "?" if kind == "?" else f"{kind}{itemsize}"
    problem = _known_format(fmt, argname)
    if problem is not None:
        return problem
    if t.data == NULL and nbytes > 0:
        return f"{argname}: DLPack tensor has a null data pointer for {nbytes} bytes"
    return (fmt, nbytes, itemsize)


cdef object _capsule_name(object capsule):
    """The name of a capsule (b"" for an unnamed one), None for any other object."""
    if not PyCapsule_CheckExact(capsule):
        return None
    cdef const char *name = PyCapsule_GetName(capsule)
    return b"" if name == NULL else <bytes>name


cdef _ForeignMem _from_dlpack(object obj, str argname):
    capsule = _dlpack_capsule(obj, argname)
    cdef _ForeignMem f = _ForeignMem.__new__(_ForeignMem)
    cdef PyMPI_DLTensor *t = NULL
    cdef PyMPI_DLManagedTensorVersioned *mv = NULL
    problem = None
    if PyCapsule_IsValid(capsule, b"dltensor_versioned"):
        mv = <PyMPI_DLManagedTensorVersioned*>PyCapsule_GetPointer(capsule, b"dltensor_versioned")
        PyCapsule_SetName(capsule, b"used_dltensor_versioned")
        f.managed, f.versioned = mv, True
        if mv.version.major != _DLPACK_MAJOR:
            problem = f"{argname}: DLPack {mv.version.major}.{mv.version.minor} tensors are not supported (1.x only)"
        else:
            t = &mv.dl_tensor
            f.ro = (mv.flags & _DLPACK_FLAG_READ_ONLY) != 0
    elif PyCapsule_IsValid(capsule, b"dltensor"):
        f.managed = PyCapsule_GetPointer(capsule, b"dltensor")
        PyCapsule_SetName(capsule, b"used_dltensor")
        t = &(<PyMPI_DLManagedTensor*>f.managed).dl_tensor
    else:
        name = _capsule_name(capsule)
        what = f"a capsule named {name.decode('latin-1')!r}" if name is not None else type(capsule).__name__
        problem = (f"{argname}: __dlpack__() returned {what}, not an unconsumed 'dltensor' or 'dltensor_versioned' "
                   "capsule" + (" (already consumed)" if name is not None and name.startswith(b"used_") else ""))
    if problem is None:
        problem = _dlpack_problem(t, argname)
    if isinstance(problem, tuple):
        fmt, f.length, f.itemsize = problem
        f.fmt = fmt.encode()
        f.base = <char*>t.data + t.byte_offset
        f.owner = obj
        return f
    # Refused: hand the tensor back and drop the capsule while no exception is pending, then raise.
    f.release()
    f = None
    capsule = None
    raise BufferError(problem)


cdef int msg_view(object spec, bint writable, Py_buffer *view, MPI_Datatype *dtype, int *count) noexcept:
    """Fast path of ``msg_build`` for a bare buffer object with a one-character native format.

    Returns 1 with ``view`` held (the caller releases it), or 0 with nothing held and no exception:
    then ``msg_build`` handles the spec (and reports any error in full).
    """
    cdef const char *f
    cdef unsigned char c
    cdef bint standard
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
        standard = c == b'='
        if c == b'@' or standard:
            f += 1
            c = <unsigned char>f[0]
        if c >= 128 or f[1] != 0 or not _fmt_known[c] or view.itemsize <= 0 or view.len % view.itemsize:
            PyBuffer_Release(view)
            return 0
        dtype[0] = _fmt_type[c]
        # A native code has its C type's size, which its MPI type has too; only a standard-size code
        # ('=l' is 4 bytes, C long 8) needs asking MPI -- an MPI_Type_size call per message otherwise.
        if standard and _type_size_is(dtype[0], view.itemsize) != 1:
            PyBuffer_Release(view)  # msg_build decides
            return 0
        items = view.len // view.itemsize
    if items > INT_MAX:
        PyBuffer_Release(view)
        return 0
    count[0] = <int>items
    return 1


cdef _Msg msg_build(object spec, bint writable, int blocks, str argname, bint large=False):
    """Parse a message spec; ``count`` is per block when ``blocks`` > 1 (collectives).

    Counts above INT_MAX are refused with OverflowError unless ``large`` (the caller then routes
    them through an MPI-4 ``_c`` routine, see ``need_large``).
    """
    cdef _Msg m = _Msg.__new__(_Msg)
    cdef object o_buf = spec, o_count = None, o_displ = None, o_type = None
    cdef Py_ssize_t n, extent, displ = 0, total
    cdef MPI_Count count
    cdef int flags, fast_count = 0
    m.dtype = MPI_BYTE
    if spec is None:
        return m
    if blocks <= 1 and msg_view(spec, writable, &m.view, &m.dtype, &fast_count):
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
        # None holds no data (a zero-length message); BOTTOM is absolute addressing with an explicit count
        m.buf = NULL if o_buf is None else MPI_BOTTOM
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
            PyMPI_GetBuffer(o_buf, &m.view, flags)
        except (BufferError, ValueError) as exc:
            if writable and isinstance(o_buf, bytes):
                raise BufferError(f"{argname}: a bytes object is read-only; receive into a bytearray, "
                                  "array.array or NumPy array") from None
            raise type(exc)(f"{argname}: {exc} (messages need contiguous, and for receiving writable, memory)") from None
        m.buf = m.view.buf
    # datatype and its extent
    if o_type is None:
        m.dtype = _format_type(&m.view, argname)
        extent = _type_extent(m.dtype)
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
    if o_count is None and o_buf is None:
        count = 0
    elif o_count is None:
        if not PyMPI_ViewHeld(&m.view):
            raise ValueError(f"{argname}: a BOTTOM buffer needs an explicit count: [BOTTOM, count, datatype]")
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
        o_count = _operator.index(o_count)
        if o_count < 0:
            raise ValueError(f"{argname}: count must be >= 0, got {o_count}")
        if o_buf is None and o_count > 0:
            raise ValueError(f"{argname}: a None buffer holds no data, so its count must be 0, got {o_count} "
                             "(absolute addresses take BOTTOM)")
        if PyMPI_ViewHeld(&m.view) and (displ + o_count * max(blocks, 1)) * extent > m.view.len:
            raise ValueError(f"{argname}: count {o_count} x {max(blocks, 1)} block(s) of {extent}-byte items "
                             f"(displacement {displ}) exceeds the buffer size of {m.view.len} bytes")
        if o_count > MPI_COUNT_MAX:
            raise OverflowError(f"{argname}: count {o_count} exceeds the largest MPI count {MPI_COUNT_MAX}")
        count = o_count
    if count > INT_MAX and not large:
        raise OverflowError(f"{argname}: count {count} exceeds the largest MPI int count {INT_MAX} "
                            "(this routine has no large-count form)")
    m.count = count
    m.buf = <char*>m.buf + displ * extent
    return m


cdef inline bint is_in_place(object obj) noexcept:
    return obj is __IN_PLACE__
