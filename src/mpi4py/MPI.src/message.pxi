# Matched messages (Comm.Mprobe/Improbe): Message.


# The receive buffer of a matched object message: as large as the message.
cdef int _message_size(Message msg, MPI_Status *st, Status status) except -1:
    cdef int n = 0
    CHKERR(MPI_Get_count(st, MPI_BYTE, &n))
    msg.ob_buf = bytearray(n)
    if status is not None:
        status.ob_mpi = st[0]
    return 0


cdef class Message:
    """Matched message (from a matched probe), received exactly once."""

    def __cinit__(self, Message message=None):
        _handle_init(self, message)

    def __richcmp__(self, other, int op):
        return _handle_richcmp(self, other, op)

    def __reduce__(self):
        return _reduce_handle(self)

    def __bool__(self):
        return _handle_bool(self)

    @classmethod
    def Probe(cls, Comm comm, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Blocking matched probe."""
        cdef Message msg = Message.__new__(Message)
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Mprobe(source, tag, comm.ob_mpi, &msg.ob_mpi, st))
        return msg

    @classmethod
    def Iprobe(cls, Comm comm, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Nonblocking matched probe: a ``Message`` or ``None``."""
        cdef Message msg = Message.__new__(Message)
        cdef int flag = 0
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Improbe(source, tag, comm.ob_mpi, &flag, &msg.ob_mpi, st))
        return msg if flag else None

    def Recv(self, buf, Status status=None):
        """Blocking receive of the matched message."""
        cdef _Msg m = msg_build(buf, True, 0, "buf")
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Mrecv(m.buf, m.count, m.dtype, &self.ob_mpi, st))

    def Irecv(self, buf):
        """Nonblocking receive of the matched message."""
        cdef _Msg m = msg_build(buf, True, 0, "buf")
        cdef Request req = Request.__new__(Request)
        with nogil:
            CHKERR(MPI_Imrecv(m.buf, m.count, m.dtype, &self.ob_mpi, &req.ob_mpi))
        req.ob_buf = m
        return req

    @classmethod
    def probe(cls, Comm comm, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Blocking matched probe for a Python object."""
        cdef Message msg = Message.__new__(Message)
        cdef MPI_Status st
        with nogil:
            CHKERR(MPI_Mprobe(source, tag, comm.ob_mpi, &msg.ob_mpi, &st))
        _message_size(msg, &st, status)
        return msg

    @classmethod
    def iprobe(cls, Comm comm, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Nonblocking matched probe for a Python object: a ``Message`` or ``None``."""
        cdef Message msg = Message.__new__(Message)
        cdef MPI_Status st
        cdef int flag = 0
        with nogil:
            CHKERR(MPI_Improbe(source, tag, comm.ob_mpi, &flag, &msg.ob_mpi, &st))
        if not flag:
            return None
        _message_size(msg, &st, status)
        return msg

    def recv(self, Status status=None):
        """Receive the matched Python object."""
        buf = self.ob_buf if self.ob_buf is not None else bytearray(0)
        cdef Py_ssize_t n = len(buf)
        cdef char *p = buf
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Mrecv(p, <int>n, MPI_BYTE, &self.ob_mpi, st))
        self.ob_buf = None
        return pickle_loads(buf, n)

    def irecv(self):
        """Nonblocking receive of the matched Python object."""
        buf = self.ob_buf if self.ob_buf is not None else bytearray(0)
        cdef char *p = buf
        cdef Request req = Request.__new__(Request)
        cdef int n = <int>len(buf)
        with nogil:
            CHKERR(MPI_Imrecv(p, n, MPI_BYTE, &self.ob_mpi, &req.ob_mpi))
        self.ob_buf = None
        req.ob_buf = (buf, None)  # a private bytearray: nobody else can resize it
        req.ob_kind = _REQ_OBJ_RECV
        return req

    def py2f(self):
        """Fortran handle."""
        return _handle_py2f(self)

    @classmethod
    def f2py(cls, arg):
        """Message from a Fortran handle."""
        return _handle_f2py(<Message>Message.__new__(Message), arg)

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _handle_int(self)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        return _handle_fromhandle(<Message?>cls.__new__(cls), handle)

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return _handle_py2f(self)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        return _handle_f2py(<Message?>cls.__new__(cls), arg)

    def free(self):
        """Free the handle unless it is null or predefined (never raises for those)."""
        if self.ob_mpi != MPI_MESSAGE_NULL and self.ob_mpi != MPI_MESSAGE_NO_PROC:
            self.ob_mpi = MPI_MESSAGE_NULL


MESSAGE_NULL = Message()
MESSAGE_NO_PROC = Message()
(<Message>MESSAGE_NO_PROC).ob_mpi = MPI_MESSAGE_NO_PROC
