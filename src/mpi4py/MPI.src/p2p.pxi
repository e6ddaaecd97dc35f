# Point-to-point communication: buffers (Send/Recv/...) and pickled objects (send/recv/...).
# Comm methods in comm.pxi are thin wrappers over these functions.

cdef int irecv_bufsz = 32768


# -- send modes x blocking/nonblocking/persistent -------------------------------------------------

cdef enum:
    _SEND_STANDARD = 0
    _SEND_SYNC = 1
    _SEND_BUFFERED = 2
    _SEND_READY = 3


cdef int p2p_send_mode(MPI_Comm comm, object buf, int dest, int tag, int smode, Request req, int mode) except -1:
    """Every send mode in every form; ``req`` is filled for _NONBLOCK/_PERSIST."""
    cdef _Msg m = msg_build(buf, False, 0, "buf")
    cdef MPI_Request *rq = NULL if req is None else &req.ob_mpi
    with nogil:
        if mode == _BLOCK:
            if smode == _SEND_BUFFERED:
                CHKERR(MPI_Bsend(m.buf, m.count, m.dtype, dest, tag, comm))
            else:
                CHKERR(MPI_Rsend(m.buf, m.count, m.dtype, dest, tag, comm))
        elif mode == _NONBLOCK:
            if smode == _SEND_BUFFERED:
                CHKERR(MPI_Ibsend(m.buf, m.count, m.dtype, dest, tag, comm, rq))
            else:
                CHKERR(MPI_Irsend(m.buf, m.count, m.dtype, dest, tag, comm, rq))
        elif smode == _SEND_STANDARD:
            CHKERR(MPI_Send_init(m.buf, m.count, m.dtype, dest, tag, comm, rq))
        elif smode == _SEND_SYNC:
            CHKERR(MPI_Ssend_init(m.buf, m.count, m.dtype, dest, tag, comm, rq))
        elif smode == _SEND_BUFFERED:
            CHKERR(MPI_Bsend_init(m.buf, m.count, m.dtype, dest, tag, comm, rq))
        else:
            CHKERR(MPI_Rsend_init(m.buf, m.count, m.dtype, dest, tag, comm, rq))
    if req is not None:
        req.ob_buf = m
    return 0


cdef Prequest p2p_recv_init(MPI_Comm comm, object buf, int source, int tag):
    cdef _Msg m = msg_build(buf, True, 0, "buf")
    cdef Prequest req = Prequest.__new__(Prequest)
    cdef MPI_Request *rq = &req.ob_mpi
    with nogil:
        CHKERR(MPI_Recv_init(m.buf, m.count, m.dtype, source, tag, comm, rq))
    req.ob_buf = m
    return req


cdef object _attached = None


def Attach_buffer(buf):
    """Attach a user buffer for buffered sends (``Bsend``); keep it until ``Detach_buffer``."""
    global _attached
    cdef _Msg m = msg_build([buf, BYTE], True, 0, "buf")
    CHKERR(MPI_Buffer_attach(m.buf, m.count))
    _attached = (buf, m)


def Detach_buffer():
    """Detach the buffered-send buffer (waits for pending buffered sends); return it."""
    global _attached
    cdef void *addr = NULL
    cdef int size = 0
    with nogil:
        CHKERR(MPI_Buffer_detach(&addr, &size))
    buf, _attached = (_attached or (None, None))[0], None
    return buf


# -- buffers ----------------------------------------------------------------------------------

cdef int p2p_send(MPI_Comm comm, object buf, int dest, int tag, bint sync) except -1:
    cdef Py_buffer view
    cdef MPI_Datatype dt = MPI_BYTE
    cdef int count = 0
    if msg_view(buf, False, &view, &dt, &count):
        try:
            if sync:
                with nogil:
                    CHKERR(MPI_Ssend(view.buf, count, dt, dest, tag, comm))
            else:
                with nogil:
                    CHKERR(MPI_Send(view.buf, count, dt, dest, tag, comm))
        finally:
            PyBuffer_Release(&view)
        return 0
    cdef _Msg m = msg_build(buf, False, 0, "buf", True)
    cdef bint large = m.count > INT_MAX
    if large:
        need_large("MPI_Ssend_c" if sync else "MPI_Send_c", m.count, "buf")
    with nogil:
        if large and sync:
            CHKERR(MPI_Ssend_c(m.buf, m.count, m.dtype, dest, tag, comm))
        elif large:
            CHKERR(MPI_Send_c(m.buf, m.count, m.dtype, dest, tag, comm))
        elif sync:
            CHKERR(MPI_Ssend(m.buf, <int>m.count, m.dtype, dest, tag, comm))
        else:
            CHKERR(MPI_Send(m.buf, <int>m.count, m.dtype, dest, tag, comm))
    return 0


cdef int p2p_recv(MPI_Comm comm, object buf, int source, int tag, Status status) except -1:
    cdef MPI_Status *st = _status_ptr(status)
    cdef Py_buffer view
    cdef MPI_Datatype dt = MPI_BYTE
    cdef int count = 0
    if msg_view(buf, True, &view, &dt, &count):
        try:
            with nogil:
                CHKERR(MPI_Recv(view.buf, count, dt, source, tag, comm, st))
        finally:
            PyBuffer_Release(&view)
        return 0
    cdef _Msg m = msg_build(buf, True, 0, "buf", True)
    cdef bint large = m.count > INT_MAX
    if large:
        need_large("MPI_Recv_c", m.count, "buf")
    with nogil:
        if large:
            CHKERR(MPI_Recv_c(m.buf, m.count, m.dtype, source, tag, comm, st))
        else:
            CHKERR(MPI_Recv(m.buf, <int>m.count, m.dtype, source, tag, comm, st))
    return 0


cdef Request p2p_isend(MPI_Comm comm, object buf, int dest, int tag, bint sync):
    cdef Request req = Request.__new__(Request)
    cdef MPI_Request *rq = &req.ob_mpi
    cdef Py_buffer *view = &req.ob_view
    cdef MPI_Datatype dt = MPI_BYTE
    cdef int count = 0
    if msg_view(buf, False, view, &dt, &count):  # the request holds the export (no _Msg)
        with nogil:
            if sync:
                CHKERR(MPI_Issend(view.buf, count, dt, dest, tag, comm, rq))
            else:
                CHKERR(MPI_Isend(view.buf, count, dt, dest, tag, comm, rq))
        return req
    cdef _Msg m = msg_build(buf, False, 0, "buf", True)
    cdef bint large = m.count > INT_MAX
    if large:
        need_large("MPI_Issend_c" if sync else "MPI_Isend_c", m.count, "buf")
    with nogil:
        if large and sync:
            CHKERR(MPI_Issend_c(m.buf, m.count, m.dtype, dest, tag, comm, rq))
        elif large:
            CHKERR(MPI_Isend_c(m.buf, m.count, m.dtype, dest, tag, comm, rq))
        elif sync:
            CHKERR(MPI_Issend(m.buf, <int>m.count, m.dtype, dest, tag, comm, rq))
        else:
            CHKERR(MPI_Isend(m.buf, <int>m.count, m.dtype, dest, tag, comm, rq))
    req.ob_buf = m
    return req


cdef Request p2p_irecv(MPI_Comm comm, object buf, int source, int tag):
    cdef Request req = Request.__new__(Request)
    cdef MPI_Request *rq = &req.ob_mpi
    cdef Py_buffer *view = &req.ob_view
    cdef MPI_Datatype dt = MPI_BYTE
    cdef int count = 0
    if msg_view(buf, True, view, &dt, &count):  # the request holds the export (no _Msg)
        with nogil:
            CHKERR(MPI_Irecv(view.buf, count, dt, source, tag, comm, rq))
        return req
    cdef _Msg m = msg_build(buf, True, 0, "buf", True)
    cdef bint large = m.count > INT_MAX
    if large:
        need_large("MPI_Irecv_c", m.count, "buf")
    with nogil:
        if large:
            CHKERR(MPI_Irecv_c(m.buf, m.count, m.dtype, source, tag, comm, rq))
        else:
            CHKERR(MPI_Irecv(m.buf, <int>m.count, m.dtype, source, tag, comm, rq))
    req.ob_buf = m
    return req


cdef int p2p_sendrecv(MPI_Comm comm, object sendbuf, int dest, int sendtag,
                      object recvbuf, int source, int recvtag, Status status) except -1:
    cdef MPI_Status *st = _status_ptr(status)
    cdef Py_buffer sview, rview
    cdef MPI_Datatype sdt = MPI_BYTE, rdt = MPI_BYTE
    cdef int scount = 0, rcount = 0
    if msg_view(sendbuf, False, &sview, &sdt, &scount):
        if msg_view(recvbuf, True, &rview, &rdt, &rcount):
            try:
                with nogil:
                    CHKERR(MPI_Sendrecv(sview.buf, scount, sdt, dest, sendtag,
                                        rview.buf, rcount, rdt, source, recvtag, comm, st))
            finally:
                PyBuffer_Release(&rview)
                PyBuffer_Release(&sview)
            return 0
        PyBuffer_Release(&sview)
    cdef _Msg s = msg_build(sendbuf, False, 0, "sendbuf")
    cdef _Msg r = msg_build(recvbuf, True, 0, "recvbuf")
    with nogil:
        CHKERR(MPI_Sendrecv(s.buf, s.count, s.dtype, dest, sendtag,
                            r.buf, r.count, r.dtype, source, recvtag, comm, st))
    return 0


cdef bint p2p_probe(MPI_Comm comm, int source, int tag, Status status, bint blocking) except -1:
    cdef int flag = 1
    cdef MPI_Status *st = _status_ptr(status)
    with nogil:
        if blocking:
            CHKERR(MPI_Probe(source, tag, comm, st))
        else:
            CHKERR(MPI_Iprobe(source, tag, comm, &flag, st))
    return flag != 0


# -- pickled objects --------------------------------------------------------------------------

cdef int obj_send(MPI_Comm comm, object obj, int dest, int tag, bint sync) except -1:
    cdef bytes data = frame_dumps(obj, "obj")
    cdef char *p = PyBytes_AS_STRING(data)
    cdef int n = <int>PyBytes_GET_SIZE(data)
    if sync:
        with nogil:
            CHKERR(MPI_Ssend(p, n, MPI_BYTE, dest, tag, comm))
    else:
        with nogil:
            CHKERR(MPI_Send(p, n, MPI_BYTE, dest, tag, comm))
    return 0


cdef object obj_mrecv(MPI_Message *message, MPI_Status *st):
    """Receive a matched message (from ``MPI_Mprobe``/``MPI_Improbe``) and unpickle it."""
    cdef int n = 0
    CHKERR(MPI_Get_count(st, MPI_BYTE, &n))
    # a bytearray: out-of-band buffers of a frame become writable slices of it, without a copy
    cdef object data = PyByteArray_FromStringAndSize(NULL, n)
    cdef char *p = PyByteArray_AS_STRING(data)
    with nogil:
        CHKERR(MPI_Mrecv(p, n, MPI_BYTE, message, st))
    return pickle_loads(data, n)


cdef object obj_recv(MPI_Comm comm, int source, int tag, Status status):
    cdef MPI_Message message = MPI_MESSAGE_NULL
    cdef MPI_Status st
    with nogil:
        CHKERR(MPI_Mprobe(source, tag, comm, &message, &st))
    obj = obj_mrecv(&message, &st)
    if status is not None:
        status.ob_mpi = st
    return obj


cdef Request obj_isend(MPI_Comm comm, object obj, int dest, int tag, bint sync):
    # Always in band: the pickle is a snapshot, so the caller may modify ``obj`` before the request completes.
    cdef bytes data = pickle_dumps(obj)
    cdef int n = bytes_count(data, "obj")
    cdef Request req = Request.__new__(Request)
    cdef MPI_Request *rq = &req.ob_mpi
    cdef char *p = PyBytes_AS_STRING(data)
    with nogil:
        if sync:
            CHKERR(MPI_Issend(p, n, MPI_BYTE, dest, tag, comm, rq))
        else:
            CHKERR(MPI_Isend(p, n, MPI_BYTE, dest, tag, comm, rq))
    req.ob_buf = data
    return req


cdef Request obj_irecv(MPI_Comm comm, object buf, int source, int tag):
    if buf is None:
        buf = bytearray(irecv_bufsz)
    elif isinstance(buf, int):
        buf = bytearray(buf)
    cdef _Msg m = msg_build(buf, True, 0, "buf")
    cdef Request req = Request.__new__(Request)
    cdef MPI_Request *rq = &req.ob_mpi
    with nogil:
        CHKERR(MPI_Irecv(m.buf, m.count, MPI_BYTE, source, tag, comm, rq))
    req.ob_buf = (buf, m)  # m keeps buf exported (not resizable) until the receive completes
    req.ob_kind = _REQ_OBJ_RECV
    return req


cdef object obj_sendrecv(MPI_Comm comm, object sendobj, int dest, int sendtag,
                         int source, int recvtag, Status status):
    cdef bytes data = frame_dumps(sendobj, "sendobj")
    cdef char *p = PyBytes_AS_STRING(data)
    cdef int n = <int>PyBytes_GET_SIZE(data)
    cdef MPI_Request req = MPI_REQUEST_NULL
    with nogil:
        CHKERR(MPI_Isend(p, n, MPI_BYTE, dest, sendtag, comm, &req))
    try:
        obj = obj_recv(comm, source, recvtag, status)
    except BaseException:
        with nogil:
            MPI_Cancel(&req)
            MPI_Wait(&req, MPI_STATUS_IGNORE)
        raise
    with nogil:
        CHKERR(MPI_Wait(&req, MPI_STATUS_IGNORE))
    return obj


def Flush_buffer():
    """Wait until the buffered sends using the process buffer have been delivered (MPI-4.1)."""
    with nogil:
        CHKERR(MPI_Buffer_flush())


def Iflush_buffer():
    """Nonblocking ``Flush_buffer`` (MPI-4.1)."""
    cdef Request req = Request.__new__(Request)
    cdef MPI_Request *rq = &req.ob_mpi
    with nogil:
        CHKERR(MPI_Buffer_iflush(rq))
    return req
