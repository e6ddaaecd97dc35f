# Requests for nonblocking operations; object requests unpickle their message on completion.

from cpython.mem cimport PyMem_Malloc, PyMem_Free
from cpython.ref cimport Py_INCREF, Py_DECREF

cdef enum:
    _REQ_PLAIN = 0
    _REQ_OBJ_RECV = 1
    _REQ_GREQ_OBJ = 2  # generalized request completed with ``complete(obj)``: ob_buf is the object

# How a communication routine runs: _BLOCK (wait), _NONBLOCK (I..., fills a Request) or
# _PERSIST (..._init, fills a Prequest).
cdef enum:
    _BLOCK = 0
    _NONBLOCK = 1
    _PERSIST = 2


cdef class _ReqArray
cdef class _Msg  # msgbuffer.pxi


cdef extern from *:
    """
    /* A Py_buffer holds an export exactly when its obj is set: PyBuffer_Release clears it, and so does
       PyMPI_GetBuffer on failure -- PyObject_GetBuffer leaves whatever a broken exporter wrote there, and a
       later release of that view would drop a reference nobody gave. Every export goes through these. */
    static int PyMPI_ViewHeld(const Py_buffer *view) { return view->obj != NULL; }
    static void PyMPI_ViewMove(Py_buffer *dst, Py_buffer *src) { *dst = *src; src->obj = NULL; }
    static int PyMPI_GetBuffer(PyObject *o, Py_buffer *view, int flags) {
      if (PyObject_GetBuffer(o, view, flags) < 0) { view->obj = NULL; return -1; }
      return 0;
    }
    /* The same, reporting failure as 0 with no exception set (the caller falls back). */
    static int PyMPI_TryGetBuffer(PyObject *o, Py_buffer *view, int flags) {
      if (PyMPI_GetBuffer(o, view, flags) < 0) { PyErr_Clear(); return 0; }
      return 1;
    }
    """
    bint PyMPI_ViewHeld(const Py_buffer *) noexcept
    void PyMPI_ViewMove(Py_buffer *, Py_buffer *) noexcept
    int PyMPI_GetBuffer(object, Py_buffer *, int) except -1
    int PyMPI_TryGetBuffer(object, Py_buffer *, int) noexcept


cdef void _request_drop_buffers(Request req) noexcept:
    # A completed nonpersistent request is freed by MPI: its buffers may go.  A persistent
    # (inactive) one keeps them for the next Start, until it is freed.
    if req.ob_mpi == MPI_REQUEST_NULL and req.ob_kind == _REQ_PLAIN:
        req.ob_buf = None
        if PyMPI_ViewHeld(&req.ob_view):
            PyBuffer_Release(&req.ob_view)


cdef int _request_box_view(Request req) except -1:
    # Two Request objects for one operation (the copy constructor) must share its buffers: a view
    # held in the request itself moves into a _Msg that both keep (released when both let go).
    if not PyMPI_ViewHeld(&req.ob_view):
        return 0
    cdef _Msg m = _Msg.__new__(_Msg)
    PyMPI_ViewMove(&m.view, &req.ob_view)
    m.buf = m.view.buf
    req.ob_buf = m
    return 0


# What a completed request returns: the received object, a Grequest's value, or None.
cdef object _request_complete(Request req, MPI_Status *st):
    if req.ob_kind == _REQ_PLAIN:
        _request_drop_buffers(req)
        return None
    buf, req.ob_buf = req.ob_buf, None
    if req.ob_kind == _REQ_GREQ_OBJ:
        req.ob_kind = _REQ_PLAIN
        return buf
    if req.ob_kind != _REQ_OBJ_RECV:
        return None
    req.ob_kind = _REQ_PLAIN
    cdef int n = 0
    CHKERR(MPI_Get_count(st, MPI_BYTE, &n))
    data, export = buf  # the receive buffer and the _Msg that kept it exported while pending
    obj = pickle_loads(memoryview(data).cast("B")[:n], n)
    export = None
    return obj


# Waitsome, Testsome and Get_status_some (and the object API's waitsome/testsome): one routine each, the
# same arguments and result.
cdef enum:
    _SOME_WAIT
    _SOME_TEST
    _SOME_STATUS


cdef object _request_some(object requests, object statuses, int which, bint objects):
    """The indices of the completed requests, or with ``objects`` their received objects (``None`` if none is
    active)."""
    cdef _ReqArray ra = _ReqArray(requests, objects or statuses is not None)
    cdef int outcount = MPI_UNDEFINED
    with nogil:
        if which == _SOME_WAIT:
            CHKERR(MPI_Waitsome(ra.n, ra.reqs, &outcount, ra.indices, ra.stats))
        elif which == _SOME_TEST:
            CHKERR(MPI_Testsome(ra.n, ra.reqs, &outcount, ra.indices, ra.stats))
        else:
            CHKERR(MPI_Request_get_status_some(ra.n, ra.reqs, &outcount, ra.indices, ra.stats))
    return ra.some_objects(outcount, statuses) if objects else ra.some(outcount, statuses)


@cython.freelist(16)  # as _Msg: no allocator round trip per nonblocking call (subclass instances are not pooled)
cdef class Request:
    """Request handle for a nonblocking operation."""

    def __cinit__(self, Request request=None):
        _handle_init(self, request)
        if request is not None:
            _request_box_view(request)
            self.ob_buf = request.ob_buf
            self.ob_kind = request.ob_kind

    def __dealloc__(self):
        if PyMPI_ViewHeld(&self.ob_view):
            PyBuffer_Release(&self.ob_view)

    def __richcmp__(self, other, int op):
        return _handle_richcmp(self, other, op)

    def __reduce__(self):
        return _reduce_handle(self)

    def __bool__(self):
        return _handle_bool(self)

    def py2f(self):
        """Fortran handle."""
        return _handle_py2f(self)

    @classmethod
    def f2py(cls, arg):
        """Request from a Fortran handle."""
        return _handle_f2py(<Request?>cls.__new__(cls), arg)

    def cancel(self):
        """Cancel the operation (object API)."""
        CHKERR(MPI_Cancel(&self.ob_mpi))

    def get_status(self, Status status=None):
        """Non-destructive test for completion (object API)."""
        return self.Get_status(status)

    @classmethod
    def waitsome(cls, requests, statuses=None):
        """Wait for some requests; return the received objects of the completed ones (``None`` if none active)."""
        return _request_some(requests, statuses, _SOME_WAIT, True)

    @classmethod
    def testsome(cls, requests, statuses=None):
        """Test some requests; return the received objects of the completed ones (``None`` if none active)."""
        return _request_some(requests, statuses, _SOME_TEST, True)

    # -- buffer-based completion --------------------------------------------------------------

    def Wait(self, Status status=None):
        """Wait for the operation to complete."""
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Wait(&self.ob_mpi, st))
        _request_drop_buffers(self)
        return True

    def Test(self, Status status=None):
        """Test whether the operation has completed."""
        cdef int flag = 0
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Test(&self.ob_mpi, &flag, st))
        if flag:
            _request_drop_buffers(self)
        return <bint>flag

    def Get_status(self, Status status=None):
        """Non-destructive test for completion."""
        cdef int flag = 0
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Request_get_status(self.ob_mpi, &flag, st))
        return <bint>flag

    def Free(self):
        """Free the request (the operation still completes)."""
        CHKERR(MPI_Request_free(&self.ob_mpi))

    def Cancel(self):
        """Cancel the operation."""
        with nogil:
            CHKERR(MPI_Cancel(&self.ob_mpi))

    @classmethod
    def Waitall(cls, requests, statuses=None):
        """Wait for every request in the sequence to complete."""
        cdef _ReqArray ra = _ReqArray(requests, statuses is not None)
        with nogil:
            CHKERR(MPI_Waitall(ra.n, ra.reqs, ra.stats))
        ra.finish(statuses)
        return True

    @classmethod
    def Testall(cls, requests, statuses=None):
        """Test whether every request in the sequence has completed."""
        cdef _ReqArray ra = _ReqArray(requests, statuses is not None)
        cdef int flag = 0
        with nogil:
            CHKERR(MPI_Testall(ra.n, ra.reqs, &flag, ra.stats))
        ra.finish(statuses if flag else None)
        return <bint>flag

    @classmethod
    def Waitany(cls, requests, Status status=None):
        """Wait for any request to complete; return its index (``UNDEFINED`` if none active)."""
        cdef _ReqArray ra = _ReqArray(requests, False)
        cdef int index = MPI_UNDEFINED
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Waitany(ra.n, ra.reqs, &index, st))
        ra.finish(None)
        return index

    @classmethod
    def Testany(cls, requests, Status status=None):
        """Test for completion of any request; return ``(index, flag)``."""
        cdef _ReqArray ra = _ReqArray(requests, False)
        cdef int index = MPI_UNDEFINED, flag = 0
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Testany(ra.n, ra.reqs, &index, &flag, st))
        ra.finish(None)
        return (index, <bint>flag)

    @classmethod
    def Waitsome(cls, requests, statuses=None):
        """Wait for some requests to complete; return the completed indices (``None`` if none active)."""
        return _request_some(requests, statuses, _SOME_WAIT, False)

    @classmethod
    def Testsome(cls, requests, statuses=None):
        """Test for completion of some requests; return the completed indices (``None`` if none active)."""
        return _request_some(requests, statuses, _SOME_TEST, False)

    @classmethod
    def Get_status_any(cls, requests, Status status=None):
        """Non-destructive test of any request (MPI-4.1): ``(index, flag)``."""
        cdef _ReqArray ra = _ReqArray(requests, False)
        cdef int index = MPI_UNDEFINED, flag = 0
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Request_get_status_any(ra.n, ra.reqs, &index, &flag, st))
        return (index, <bint>flag)

    @classmethod
    def Get_status_all(cls, requests, statuses=None):
        """Non-destructive test of every request (MPI-4.1)."""
        cdef _ReqArray ra = _ReqArray(requests, statuses is not None)
        cdef int flag = 0
        with nogil:
            CHKERR(MPI_Request_get_status_all(ra.n, ra.reqs, &flag, ra.stats))
        if flag and statuses is not None:
            ra.fill(statuses)
        return <bint>flag

    @classmethod
    def Get_status_some(cls, requests, statuses=None):
        """Non-destructive test of some requests (MPI-4.1): completed indices or ``None``."""
        return _request_some(requests, statuses, _SOME_STATUS, False)

    # -- object-based completion --------------------------------------------------------------

    @classmethod
    def get_status_all(cls, requests, statuses=None):
        """Non-destructive test of every request (MPI-4.1, object API): whether all completed."""
        return cls.Get_status_all(requests, statuses)

    @classmethod
    def get_status_any(cls, requests, Status status=None):
        """Non-destructive test of any request (MPI-4.1, object API): ``(index, flag)``."""
        return cls.Get_status_any(requests, status)

    @classmethod
    def get_status_some(cls, requests, statuses=None):
        """Non-destructive test of some requests (MPI-4.1, object API): completed indices or ``None``."""
        return cls.Get_status_some(requests, statuses)

    def wait(self, Status status=None):
        """Wait for completion; return the received object (``None`` for sends)."""
        cdef MPI_Status st
        with nogil:
            CHKERR(MPI_Wait(&self.ob_mpi, &st))
        if status is not None:
            status.ob_mpi = st
        return _request_complete(self, &st)

    def test(self, Status status=None):
        """Test for completion; return ``(flag, object)``."""
        cdef MPI_Status st
        cdef int flag = 0
        with nogil:
            CHKERR(MPI_Test(&self.ob_mpi, &flag, &st))
        if not flag:
            return (False, None)
        if status is not None:
            status.ob_mpi = st
        return (True, _request_complete(self, &st))

    @classmethod
    def waitall(cls, requests, statuses=None):
        """Wait for every request; return the list of received objects."""
        cdef _ReqArray ra = _ReqArray(requests, True)
        with nogil:
            CHKERR(MPI_Waitall(ra.n, ra.reqs, ra.stats))
        return ra.objects(statuses)

    @classmethod
    def testall(cls, requests, statuses=None):
        """Test every request; return ``(flag, objects)`` (objects is ``None`` unless all completed)."""
        cdef _ReqArray ra = _ReqArray(requests, True)
        cdef int flag = 0
        with nogil:
            CHKERR(MPI_Testall(ra.n, ra.reqs, &flag, ra.stats))
        if not flag:
            return (False, None)
        return (True, ra.objects(statuses))

    @classmethod
    def waitany(cls, requests, Status status=None):
        """Wait for any request; return ``(index, object)``."""
        cdef _ReqArray ra = _ReqArray(requests, False)
        cdef int index = MPI_UNDEFINED
        cdef MPI_Status st
        with nogil:
            CHKERR(MPI_Waitany(ra.n, ra.reqs, &index, &st))
        return ra.one(index, &st, status)

    @classmethod
    def testany(cls, requests, Status status=None):
        """Test any request; return ``(index, flag, object)``."""
        cdef _ReqArray ra = _ReqArray(requests, False)
        cdef int index = MPI_UNDEFINED, flag = 0
        cdef MPI_Status st
        with nogil:
            CHKERR(MPI_Testany(ra.n, ra.reqs, &index, &flag, &st))
        if not flag:
            ra.finish(None)
            return (index, False, None)
        index, obj = ra.one(index, &st, status)
        return (index, True, obj)

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _handle_int(self)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        return _handle_fromhandle(<Request?>cls.__new__(cls), handle)

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return _handle_py2f(self)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        return _handle_f2py(<Request?>cls.__new__(cls), arg)

    def free(self):
        """Free the handle unless it is null or predefined (never raises for those)."""
        if self.ob_mpi != MPI_REQUEST_NULL :
            CHKERR(MPI_Request_free(&self.ob_mpi))


REQUEST_NULL = Request()


cdef class Prequest(Request):
    """Persistent request: ``Start`` it any number of times, complete it each time."""

    def Start(self):
        """Start the communication."""
        with nogil:
            CHKERR(MPI_Start(&self.ob_mpi))

    @classmethod
    def Startall(cls, requests):
        """Start every persistent request in the sequence."""
        cdef _ReqArray ra = _ReqArray(requests, False)
        with nogil:
            CHKERR(MPI_Startall(ra.n, ra.reqs))
        ra.finish(None)

    def Wait(self, Status status=None):
        """Wait for this start of the communication to complete (the request stays usable)."""
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Wait(&self.ob_mpi, st))
        return True

    def Test(self, Status status=None):
        """Test whether this start of the communication has completed."""
        cdef int flag = 0
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Test(&self.ob_mpi, &flag, st))
        return <bint>flag

    # -- partitioned communication (MPI-4) ------------------------------------------------------

    def Pready(self, int partition):
        """Mark ``partition`` of a started partitioned send as ready to transfer."""
        with nogil:
            CHKERR(MPI_Pready(partition, self.ob_mpi))

    def Pready_range(self, int partition_low, int partition_high):
        """Mark partitions ``partition_low`` to ``partition_high`` (inclusive) as ready."""
        with nogil:
            CHKERR(MPI_Pready_range(partition_low, partition_high, self.ob_mpi))

    def Pready_list(self, partitions):
        """Mark every partition in the sequence ``partitions`` as ready."""
        cdef _IntArray parts = _IntArray(partitions, "partitions")
        with nogil:
            CHKERR(MPI_Pready_list(parts.n, parts.data, self.ob_mpi))

    def Parrived(self, int partition):
        """Whether ``partition`` of a started partitioned receive has arrived."""
        cdef int flag = 0
        with nogil:
            CHKERR(MPI_Parrived(self.ob_mpi, partition, &flag))
        return <bint>flag


# -- generalized requests ------------------------------------------------------------------------

cdef int _greq_query(void *extra, MPI_Status *status) noexcept with gil:
    cdef tuple state = <tuple>extra
    cdef Status st
    try:
        query_fn, args, kwargs = state[0], state[3], state[4]
        if query_fn is None:
            status.MPI_SOURCE = MPI_ANY_SOURCE
            status.MPI_TAG = MPI_ANY_TAG
            status.MPI_ERROR = MPI_SUCCESS
            MPI_Status_set_elements(status, MPI_BYTE, 0)
            MPI_Status_set_cancelled(status, 0)
            return MPI_SUCCESS
        st = Status.__new__(Status)
        st.ob_mpi = status[0]
        query_fn(st, *args, **kwargs)
        status[0] = st.ob_mpi
        return MPI_SUCCESS
    except BaseException:
        return _callback_error("a Grequest query_fn", MPI_ERR_OTHER)


cdef int _greq_free(void *extra) noexcept with gil:
    cdef object state = <object>extra
    try:
        free_fn, args, kwargs = state[1], state[3], state[4]
        if free_fn is not None:
            free_fn(*args, **kwargs)
        return MPI_SUCCESS
    except BaseException:
        return _callback_error("a Grequest free_fn", MPI_ERR_OTHER)
    finally:
        Py_DECREF(state)  # the reference Grequest.Start handed to MPI


cdef int _greq_cancel(void *extra, int completed) noexcept with gil:
    cdef tuple state = <tuple>extra
    try:
        cancel_fn, args, kwargs = state[2], state[3], state[4]
        if cancel_fn is not None:
            cancel_fn(<bint>completed, *args, **kwargs)
        return MPI_SUCCESS
    except BaseException:
        return _callback_error("a Grequest cancel_fn", MPI_ERR_OTHER)


cdef inline MPI_Info _pinfo(Request req) noexcept:
    """The info a persistent collective ``*_init`` passes to MPI (set by the method from its ``info``)."""
    # Blocking and nonblocking calls share the code path with a plain Request (or None): no info field.
    return (<Prequest>req).ob_info if isinstance(req, Prequest) else MPI_INFO_NULL


cdef Prequest _persistent(object info):
    """The request of a persistent collective ``*_init`` method, carrying its ``info`` hints to MPI."""
    cdef Prequest req = Prequest.__new__(Prequest)
    req.ob_info = arg_info(info)
    return req


cdef class Grequest(Request):
    """Generalized request: an operation the program itself carries out and completes.

    ``Start(query_fn, free_fn, cancel_fn, args, kwargs)`` creates it; MPI calls
    ``query_fn(status, *args, **kwargs)`` to fill the status on completion, ``free_fn(*args, **kwargs)``
    when the request is freed and ``cancel_fn(completed, *args, **kwargs)`` on ``Cancel``.
    """

    @classmethod
    def Start(cls, query_fn=None, free_fn=None, cancel_fn=None, args=None, kwargs=None):
        """Create and return a generalized request (callbacks may be ``None``)."""
        for argname, fn in (("query_fn", query_fn), ("free_fn", free_fn), ("cancel_fn", cancel_fn)):
            if fn is not None and not callable(fn):
                raise TypeError(f"Grequest.Start: {argname} must be callable or None, got {type(fn).__name__}")
        cdef tuple state = (query_fn, free_fn, cancel_fn, tuple(args or ()), dict(kwargs or {}))
        cdef Grequest req = cls.__new__(cls)
        Py_INCREF(state)  # released by _greq_free, which MPI calls exactly once
        try:
            CHKERR(MPI_Grequest_start(_greq_query, _greq_free, _greq_cancel, <void*>state, &req.ob_mpi))
        except BaseException:
            Py_DECREF(state)
            raise
        return req

    def Complete(self):
        """Tell MPI the operation is complete (``Wait``/``Test`` then succeed)."""
        with nogil:
            CHKERR(MPI_Grequest_complete(self.ob_mpi))

    def complete(self, obj=None):
        """Complete the request; ``wait``/``test`` then return ``obj``."""
        CHKERR(MPI_Grequest_complete(self.ob_mpi))
        self.ob_buf = obj
        self.ob_kind = _REQ_GREQ_OBJ


@cython.final
cdef class _ReqArray:
    """C arrays of request handles (and statuses) for the Wait*/Test* family."""

    cdef list requests
    cdef int n
    cdef MPI_Request *reqs
    cdef MPI_Status *stats
    cdef int *indices

    def __cinit__(self, requests, bint want_statuses):
        cdef Py_ssize_t i, count
        self.requests = list(requests)
        count = len(self.requests)
        if count > INT_MAX:
            raise OverflowError("requests: too many requests")
        self.n = <int>count
        self.reqs = <MPI_Request*>PyMem_Malloc(max(count, 1) * sizeof(MPI_Request))
        self.indices = <int*>PyMem_Malloc(max(count, 1) * sizeof(int))
        if self.reqs == NULL or self.indices == NULL:
            raise MemoryError
        if want_statuses:
            self.stats = <MPI_Status*>PyMem_Malloc(max(count, 1) * sizeof(MPI_Status))
            if self.stats == NULL:
                raise MemoryError
        else:
            self.stats = MPI_STATUSES_IGNORE
        for i in range(count):
            req = self.requests[i]
            if not isinstance(req, Request):
                raise TypeError(f"requests[{i}]: expected an MPI.Request, got {type(req).__name__}")
            self.reqs[i] = (<Request>req).ob_mpi

    def __dealloc__(self):
        PyMem_Free(self.reqs)
        PyMem_Free(self.indices)
        if self.stats != MPI_STATUSES_IGNORE:
            PyMem_Free(self.stats)

    cdef int finish(self, statuses) except -1:
        """Write back the (possibly nulled) handles, drop finished buffers, fill ``statuses``."""
        cdef Py_ssize_t i
        cdef Request req
        for i in range(self.n):
            req = <Request>self.requests[i]
            req.ob_mpi = self.reqs[i]
            _request_drop_buffers(req)
        if statuses is not None and self.stats != MPI_STATUSES_IGNORE:
            self.fill(statuses)
        return 0

    cdef int fill(self, statuses) except -1:
        cdef Py_ssize_t i
        cdef Status s
        for i in range(self.n):
            if i < len(statuses):
                s = statuses[i]
            else:
                s = Status.__new__(Status)
                statuses.append(s)
            s.ob_mpi = self.stats[i]
        return 0

    cdef list objects(self, statuses):
        cdef Py_ssize_t i
        cdef Request req
        cdef list result = []
        for i in range(self.n):
            req = <Request>self.requests[i]
            req.ob_mpi = self.reqs[i]
            result.append(_request_complete(req, &self.stats[i]))
        if statuses is not None:
            self.fill(statuses)
        return result

    cdef tuple one(self, int index, MPI_Status *st, Status status):
        cdef Request req
        self.finish(None)
        if index == MPI_UNDEFINED:
            return (index, None)
        if status is not None:
            status.ob_mpi = st[0]
        req = <Request>self.requests[index]
        return (index, _request_complete(req, st))

    cdef object some_objects(self, int outcount, statuses):
        """Objects of the completed requests (statuses are indexed like the completed ones)."""
        cdef Py_ssize_t i
        cdef list result = []
        cdef Request req
        if outcount == MPI_UNDEFINED:
            self.finish(None)
            return None
        for i in range(outcount):
            req = <Request>self.requests[self.indices[i]]
            req.ob_mpi = self.reqs[self.indices[i]]
            result.append(_request_complete(req, &self.stats[i]))
        if statuses is not None:
            del statuses[:]
            for i in range(outcount):
                s = Status.__new__(Status)
                (<Status>s).ob_mpi = self.stats[i]
                statuses.append(s)
        self.finish(None)
        return result

    cdef object some(self, int outcount, statuses):
        cdef Py_ssize_t i
        cdef list done
        self.finish(None)
        if outcount == MPI_UNDEFINED:
            return None
        done = [self.indices[i] for i in range(outcount)]
        if statuses is not None and self.stats != MPI_STATUSES_IGNORE:
            del statuses[:]
            for i in range(outcount):
                s = Status.__new__(Status)
                (<Status>s).ob_mpi = self.stats[i]
                statuses.append(s)
        return done
