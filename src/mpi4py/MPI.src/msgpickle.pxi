# Python objects as messages: serialization with pickle.
#
# Blocking point-to-point sends (send, ssend, sendrecv) of objects holding large contiguous buffers
# (NumPy arrays, PickleBuffer) use pickle protocol 5 with out-of-band buffers: the message is one
# contiguous MPI message [frame header, pickle stream, buffer 0, buffer 1, ...], the buffers copied
# once into it (not into a pickle stream, and not out of it again); the receiver unpickles with
# ``buffers=`` slices of the received bytearray (no copy). Every receive path recognises the frame by
# its 8-byte magic.
# Nonblocking sends stay in band: the caller may modify the object before the request completes.

import pickle as _pickle_module

from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.bytearray cimport PyByteArray_FromStringAndSize, PyByteArray_AS_STRING
from libc.string cimport memcmp, memcpy, memset
from libc.stdint cimport uint64_t
from cpython.mem cimport PyMem_Malloc, PyMem_Free

cdef extern from *:
    """
    /* The limited API (abi3 builds) lacks the unchecked accessor macros: use the checked functions. */
    #if defined(Py_LIMITED_API)
    #define PyBytes_AS_STRING(o) PyBytes_AsString(o)
    #define PyBytes_GET_SIZE(o) PyBytes_Size(o)
    #define PyByteArray_AS_STRING(o) PyByteArray_AsString(o)
    #endif
    /* f(a0, a1, <kwname>=kv) through vectorcall with a cached kwnames tuple (no dict per call). */
    static PyObject *PyMPI_Call2Kw(PyObject *f, PyObject *a0, PyObject *a1, PyObject *kwnames, PyObject *kv) {
    #if !defined(Py_LIMITED_API) || Py_LIMITED_API+0 >= 0x030C0000
      PyObject *args[3];
      args[0] = a0; args[1] = a1; args[2] = kv;
      return PyObject_Vectorcall(f, args, 2, kwnames);
    #else
      PyObject *res = NULL, *tup = NULL, *kw = NULL;
      tup = PyTuple_Pack(2, a0, a1);
      if (tup == NULL) goto done;
      kw = PyDict_New();
      if (kw == NULL || PyDict_SetItem(kw, PyTuple_GetItem(kwnames, 0), kv) < 0) goto done;
      res = PyObject_Call(f, tup, kw);
    done:
      Py_XDECREF(tup); Py_XDECREF(kw);
      return res;
    #endif
    }
    static const char PyMPI_FRAME_MAGIC[8] = {0, 'M', 'P', 'I', '4', 'P', 'Y', '5'};
    """
    object PyMPI_Call2Kw(object f, object a0, object a1, object kwnames, object kv)
    const char *_FRAME_MAGIC "PyMPI_FRAME_MAGIC"

cdef enum:
    _FRAME_ALIGN = 64  # out-of-band buffers start at multiples of this offset in the message
    _FRAME_FIXED = 16  # magic + number of buffers; then (offset, length) of the stream and each buffer

cdef object _KW_BUFFER_CALLBACK = ("buffer_callback",)
cdef object _stdlib_dumps = _pickle_module.dumps
cdef object _stdlib_loads = _pickle_module.loads
cdef object _PickleBuffer = getattr(_pickle_module, "PickleBuffer", None)
cdef Py_ssize_t _DEFAULT_THRESHOLD = 256 * 1024


@cython.final
cdef class _OOBCollector:
    """``buffer_callback`` for pickle.dumps: buffers of at least ``threshold`` bytes go out of band."""

    cdef Py_ssize_t threshold
    cdef list bufs
    cdef bint busy

    def __call__(self, pb):
        cdef Py_buffer view
        try:
            PyMPI_GetBuffer(pb, &view, PyBUF_ANY_CONTIGUOUS)
        except BufferError:
            return True  # non-contiguous: pickle copies it in band
        cdef Py_ssize_t n = view.len
        PyBuffer_Release(&view)
        if n < self.threshold:
            return True
        if self.bufs is None:
            self.bufs = []
        self.bufs.append(pb)
        return False


# Whether out-of-band framing is possible with the current dumps/loads/protocol.
cdef void _pickle_update(Pickle pickle) noexcept:
    pickle.ob_oob = (pickle.ob_dumps is _stdlib_dumps and pickle.ob_loads is _stdlib_loads and
                     _PickleBuffer is not None and type(pickle.ob_protocol) is int and pickle.ob_protocol >= 5)


cdef class Pickle:
    """Serialization of Python objects for the lowercase (object) communication methods.

    Buffers of at least ``THRESHOLD`` bytes (pickle protocol 5 ``PickleBuffer``, e.g. NumPy arrays)
    travel out of band in point-to-point messages and in ``dumps_oob``.
    """

    def __cinit__(self, *args, **kwargs):
        self.ob_dumps = _stdlib_dumps
        self.ob_loads = _stdlib_loads
        self.ob_protocol = _pickle_module.HIGHEST_PROTOCOL
        self.ob_threshold = _DEFAULT_THRESHOLD
        _pickle_update(self)

    def __init__(self, dumps=None, loads=None, protocol=None, threshold=None):
        if dumps is not None and not callable(dumps):
            raise TypeError(f"Pickle: dumps must be callable, got {type(dumps).__name__}")
        if loads is not None and not callable(loads):
            raise TypeError(f"Pickle: loads must be callable, got {type(loads).__name__}")
        self.ob_dumps = _stdlib_dumps if dumps is None else dumps
        self.ob_loads = _stdlib_loads if loads is None else loads
        self.PROTOCOL = protocol
        self.THRESHOLD = threshold

    def dumps(self, obj):
        """Serialize a Python object to bytes (every buffer in band)."""
        return _call_dumps(self, obj)

    def loads(self, data):
        """Deserialize a Python object from a bytes-like object."""
        return self.ob_loads(data)

    def dumps_oob(self, obj):
        """Serialize ``obj`` to ``(data, buffers)``: buffers of at least ``THRESHOLD`` bytes stay out of band.

        ``buffers`` is a list of ``MPI.buffer`` views of the object's own memory (no copy); it is empty
        unless pickle protocol 5 or higher is in use.
        """
        if self.ob_protocol is None or self.ob_protocol < 5 or _PickleBuffer is None:
            return (self.dumps(obj), [])
        cdef _OOBCollector cb = _OOBCollector.__new__(_OOBCollector)
        cb.threshold = self.ob_threshold
        data = PyMPI_Call2Kw(self.ob_dumps, obj, self.ob_protocol, _KW_BUFFER_CALLBACK, cb)
        return (data, [buffer(pb) for pb in (cb.bufs or ())])

    def loads_oob(self, data, buffers):
        """Deserialize a Python object from ``data`` and the out-of-band ``buffers`` of ``dumps_oob``."""
        try:
            bufs = list(buffers)
        except TypeError:
            raise TypeError(f"Pickle.loads_oob: buffers must be an iterable of buffer-like objects, "
                            f"got {type(buffers).__name__}") from None
        return self.ob_loads(data, buffers=bufs)

    property PROTOCOL:
        """Pickle protocol in use, passed to ``dumps`` as its second argument.

        ``None`` resets it: to ``pickle.HIGHEST_PROTOCOL`` with the standard ``pickle.dumps``, to no
        protocol at all with a custom ``dumps``, which is then called with the object alone (e.g.
        ``lambda obj: json.dumps(obj).encode()``)."""
        def __get__(self):
            return self.ob_protocol

        def __set__(self, value):
            if value is None:
                self.ob_protocol = _pickle_module.HIGHEST_PROTOCOL if self.ob_dumps is _stdlib_dumps else None
                _pickle_update(self)
                return
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"Pickle.PROTOCOL must be an int or None, got {type(value).__name__}")
            elif value < 0:
                value = _pickle_module.HIGHEST_PROTOCOL
            self.ob_protocol = int(value)
            _pickle_update(self)

    property THRESHOLD:
        """Buffers of at least this many bytes are sent out of band (``None`` resets to 256 KiB)."""
        def __get__(self):
            return self.ob_threshold

        def __set__(self, value):
            if value is None:
                self.ob_threshold = _DEFAULT_THRESHOLD
                return
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"Pickle.THRESHOLD must be an int (bytes) or None, got {type(value).__name__}")
            if value < 0:
                raise ValueError(f"Pickle.THRESHOLD must be >= 0 bytes, got {value}")
            self.ob_threshold = value


pickle = Pickle()
cdef Pickle _pickle = pickle


cdef inline object _call_dumps(Pickle pickle, object obj):
    if pickle.ob_protocol is None:
        return pickle.ob_dumps(obj)
    return pickle.ob_dumps(obj, pickle.ob_protocol)


cdef inline bytes pickle_dumps(object obj):
    data = _call_dumps(_pickle, obj)
    if type(data) is not bytes:
        data = bytes(data)
    return <bytes>data


cdef inline int bytes_count(bytes data, str argname) except -1:
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    if n > INT_MAX:
        raise OverflowError(f"{argname}: pickled object of {n} bytes exceeds the largest MPI int count {INT_MAX}")
    return <int>n


# -- out-of-band frames (point-to-point) -----------------------------------------------------------

cdef inline Py_ssize_t _align_up(Py_ssize_t n) noexcept:
    return (n + _FRAME_ALIGN - 1) // _FRAME_ALIGN * _FRAME_ALIGN


cdef _OOBCollector _collector = None  # reused while no out-of-band buffer shows up (and not in use)


cdef bytes frame_dumps(object obj, str argname):
    """Pickle ``obj`` for a point-to-point send: plain pickle bytes, or a frame when it holds large buffers."""
    global _collector
    cdef _OOBCollector cb
    if not _pickle.ob_oob:
        data = pickle_dumps(obj)
        bytes_count(<bytes>data, argname)
        return <bytes>data
    cb = _collector
    if cb is None or cb.busy:
        cb = _OOBCollector.__new__(_OOBCollector)
        if _collector is None:
            _collector = cb
    cb.busy = True
    cb.bufs = None
    cb.threshold = _pickle.ob_threshold
    bufs = None
    try:
        data = PyMPI_Call2Kw(_stdlib_dumps, obj, _pickle.ob_protocol, _KW_BUFFER_CALLBACK, cb)
        bufs = cb.bufs
    finally:
        cb.bufs = None
        cb.busy = False
    if bufs is None:
        bytes_count(<bytes>data, argname)
        return <bytes>data
    return _frame_build(<bytes>data, bufs, argname)


cdef bytes _frame_build(bytes stream, list bufs, str argname):
    """[header, stream, buffer 0, buffer 1, ...] copied into one contiguous message. A datatype over
    the parts in place would save the copy, but MPICH packs such a message through bounce buffers instead
    of its single-copy path for contiguous data: a 1 MiB array took 2.2 times upstream's time. One memcpy
    here still spares the copy into the stream and the one out of it."""
    cdef Py_ssize_t nbuf = len(bufs), i, off, hsize = _FRAME_FIXED + 16 * (nbuf + 1)
    cdef Py_ssize_t slen = PyBytes_GET_SIZE(stream)
    cdef Py_buffer *views = <Py_buffer*>PyMem_Malloc(sizeof(Py_buffer) * nbuf)
    cdef Py_ssize_t *offsets = <Py_ssize_t*>PyMem_Malloc(sizeof(Py_ssize_t) * nbuf)
    cdef int nviews = 0
    cdef char *h
    cdef uint64_t *fields
    cdef bytes frame
    try:
        if views == NULL or offsets == NULL:
            raise MemoryError()
        off = hsize + slen
        for i in range(nbuf):
            PyMPI_GetBuffer(bufs[i], &views[i], PyBUF_ANY_CONTIGUOUS)
            nviews += 1
            off = _align_up(off)
            offsets[i] = off
            off += views[i].len
        if off > INT_MAX:
            raise OverflowError(f"{argname}: pickled object of {off} bytes exceeds the largest MPI int "
                                "count; send it with mpi4py.util.pkl5")
        frame = PyBytes_FromStringAndSize(NULL, off)
        h = PyBytes_AS_STRING(frame)
        memset(h, 0, hsize)
        memcpy(h, _FRAME_MAGIC, 8)
        fields = <uint64_t*>(h + 8)
        fields[0] = <uint64_t>nbuf
        fields[1] = <uint64_t>hsize
        fields[2] = <uint64_t>slen
        memcpy(h + hsize, PyBytes_AS_STRING(stream), slen)
        off = hsize + slen
        for i in range(nbuf):
            memset(h + off, 0, offsets[i] - off)  # alignment padding: no stale memory on the wire
            fields[3 + 2 * i] = <uint64_t>offsets[i]
            fields[4 + 2 * i] = <uint64_t>views[i].len
            with nogil:
                memcpy(h + offsets[i], views[i].buf, views[i].len)
            off = offsets[i] + views[i].len
    finally:
        for i in range(nviews):
            PyBuffer_Release(&views[i])
        PyMem_Free(views)
        PyMem_Free(offsets)
    return frame


cdef inline uint64_t _frame_field(const char *p, Py_ssize_t k) noexcept:
    """Header field ``k`` (after the magic); memcpy: a user's receive buffer may be unaligned."""
    cdef uint64_t value
    memcpy(&value, p + 8 + 8 * k, 8)
    return value


cdef object _frame_loads(object data, const char *p, Py_ssize_t n, bint copy):
    """Unpickle a frame; buffers are slices of ``data`` (copied when ``copy``: the memory is not ours)."""
    cdef uint64_t nbuf = _frame_field(p, 0), i, off, length
    if nbuf > <uint64_t>((n - _FRAME_FIXED) // 16) or _FRAME_FIXED + 16 * (nbuf + 1) > <uint64_t>n:
        raise ValueError(f"received a corrupt out-of-band pickle frame ({n} bytes, {nbuf} buffers)")
    mv = memoryview(data)
    if mv.ndim != 1 or mv.itemsize != 1:
        mv = mv.cast("B")
    bufs = []
    for i in range(nbuf + 1):
        off, length = _frame_field(p, 1 + 2 * i), _frame_field(p, 2 + 2 * i)
        if off > <uint64_t>n or length > <uint64_t>n - off:
            raise ValueError(f"received a corrupt out-of-band pickle frame (part {i} at {off}+{length} of {n} bytes)")
        part = mv[off:off + length]
        if i == 0:
            stream = part
        else:
            bufs.append(bytearray(part) if copy else part)
    return _stdlib_loads(stream, buffers=bufs)


cdef object pickle_loads(object data, Py_ssize_t n):
    """Unpickle a received message (plain pickle or out-of-band frame) of ``n`` bytes."""
    cdef Py_buffer view
    cdef const char *p
    if n == 0:
        return None
    if n >= _FRAME_FIXED + 16:
        if type(data) is bytearray:
            p = PyByteArray_AS_STRING(data)
            if memcmp(p, _FRAME_MAGIC, 8) == 0:
                return _frame_loads(data, p, n, False)
        elif type(data) is bytes:
            p = PyBytes_AS_STRING(data)
            if memcmp(p, _FRAME_MAGIC, 8) == 0:
                return _frame_loads(data, p, n, True)
        else:
            PyMPI_GetBuffer(data, &view, PyBUF_ANY_CONTIGUOUS)
            try:
                if view.len >= n and memcmp(view.buf, _FRAME_MAGIC, 8) == 0:
                    return _frame_loads(data, <const char*>view.buf, n, True)
            finally:
                PyBuffer_Release(&view)
    return _pickle.ob_loads(data)


# -- gather of small pickles in one message per process -------------------------------------------
#
# Upstream's protocol, a gather of the sizes and then a gatherv of the pickles, sends two messages per
# process. Here one gather of fixed heads (the pickle's size, then the pickle itself when it fits)
# carries small pickles whole and tells the root every size; a gatherv follows always (every process
# must call it, and only the root knows all sizes), but its counts are zero for the pickles that fit,
# so when all fit no process sends a byte in it (MPICH and Open MPI skip zero-count parts). Non-root
# processes never wait for the root to learn anything: like a plain gather, it does not synchronize.
# Used by coll.pxi's obj_gather on intracommunicators (the helpers named here live there).

cdef enum:
    _GATHER_HEAD = 256  # bytes per process: int size (-1: pickling failed), 4 spare, then the pickle if it fits
    _GATHER_HEAD_DATA = _GATHER_HEAD - 8
    _GATHER_HEADS_MAX = 1024  # the root receives size * _GATHER_HEAD bytes: at most 256 KiB


cdef object pickle_gather_heads(MPI_Comm comm, object sendobj, int root, bint isroot, int size):
    cdef char mine[_GATHER_HEAD]
    cdef int n, c, i, sn = 0
    data, n, err = _try_dumps(sendobj)
    memset(mine, 0, _GATHER_HEAD)
    memcpy(mine, &n, sizeof(int))
    if 0 < n <= _GATHER_HEAD_DATA:
        memcpy(mine + 8, PyBytes_AS_STRING(data), n)
    elif n > _GATHER_HEAD_DATA:
        sn = n
    cdef bytes heads = PyBytes_FromStringAndSize(NULL, <Py_ssize_t>size * _GATHER_HEAD if isroot else 0)
    cdef char *hp = PyBytes_AS_STRING(heads)
    with nogil:
        CHKERR(MPI_Gather(mine, _GATHER_HEAD, MPI_BYTE, hp, _GATHER_HEAD, MPI_BYTE, root, comm))
    cdef _Ints counts = None, displs = None  # the root's; nobody else's are read
    cdef int *cp = NULL
    cdef int *dp = NULL
    cdef list failed = []
    cdef Py_ssize_t total = 0
    if isroot:
        counts, displs = _Ints(size), _Ints(size)
        cp, dp = counts.data, displs.data
        for i in range(size):
            memcpy(&c, hp + <Py_ssize_t>i * _GATHER_HEAD, sizeof(int))
            counts.data[i] = c if c > _GATHER_HEAD_DATA else 0
            if c < 0:
                failed.append(i)
        total = _displs(counts, displs, "gather")
    cdef bytes rdata = PyBytes_FromStringAndSize(NULL, total)
    cdef char *sp = PyBytes_AS_STRING(data)
    cdef char *rp = PyBytes_AS_STRING(rdata)
    with nogil:
        CHKERR(MPI_Gatherv(sp, sn, MPI_BYTE, rp, cp, dp, MPI_BYTE, root, comm))
    _raise_failed(err, failed, "gather")
    if not isroot:
        return None
    cdef list result = []
    cdef Py_ssize_t at
    for i in range(size):
        if counts.data[i] > 0:
            result.append(pickle_loads(rdata[displs.data[i]:displs.data[i] + counts.data[i]], counts.data[i]))
        else:
            at = <Py_ssize_t>i * _GATHER_HEAD
            memcpy(&c, hp + at, sizeof(int))
            result.append(pickle_loads(heads[at + 8:at + 8 + c], c))
    return result
