# MPI-4 sessions: Session (init/finalize, process sets, groups from process sets).


cdef extern from *:
    """
    /* MPI_Session_c2f/f2c return no error code: report their absence as one. */
    static int PyMPI_Session_c2f(MPI_Session session, MPI_Fint *f)
    {
    #ifdef PyMPI_HAVE_MPI_Session_c2f
      *f = MPI_Session_c2f(session); return MPI_SUCCESS;
    #else
      (void)session; (void)f; return PyMPI_Unavailable("MPI_Session_c2f");
    #endif
    }
    static int PyMPI_Session_f2c(MPI_Fint f, MPI_Session *session)
    {
    #ifdef PyMPI_HAVE_MPI_Session_f2c
      *session = MPI_Session_f2c(f); return MPI_SUCCESS;
    #else
      (void)f; (void)session; return PyMPI_Unavailable("MPI_Session_f2c");
    #endif
    }
    """
    int PyMPI_Session_c2f(MPI_Session, MPI_Fint *)
    int PyMPI_Session_f2c(MPI_Fint, MPI_Session *)


class BufferAutomaticType(int, _AddressConstant):
    """Type of ``BUFFER_AUTOMATIC``: let MPI manage the buffered-send buffer (MPI-4.1 ``Attach_buffer``)."""

    def __repr__(self):
        return "BUFFER_AUTOMATIC"


BUFFER_AUTOMATIC = BufferAutomaticType(<Py_ssize_t>MPI_BUFFER_AUTOMATIC)

# Fortran handle of a session -> its attached buffered-send buffer (kept alive while attached).
cdef dict _session_buffers = {}


cdef class Session:
    """Session: an isolated MPI environment (MPI-4), started without ``MPI_Init``."""

    def __cinit__(self, Session session=None):
        _handle_init(self, session)

    def __richcmp__(self, other, int op):
        return _handle_richcmp(self, other, op)

    def __reduce__(self):
        return _reduce_handle(self)

    def __bool__(self):
        return _handle_bool(self)

    def __repr__(self):
        return "<mpi4py.MPI.Session: SESSION_NULL>" if self.ob_mpi == MPI_SESSION_NULL else "<mpi4py.MPI.Session>"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.ob_mpi != MPI_SESSION_NULL:
            self.Finalize()

    @classmethod
    def Init(cls, Info info not None=INFO_NULL, Errhandler errhandler=None):
        """Start a session.  With ``errhandler=None`` errors on it raise MPI.Exception; otherwise
        ``errhandler`` (e.g. from ``Session.Create_errhandler``) is attached to it."""
        cdef MPI_Errhandler eh = MPI_ERRORS_RETURN if errhandler is None else errhandler.ob_mpi
        cdef Session session = cls.__new__(cls)
        with nogil:
            CHKERR(MPI_Session_init(info.ob_mpi, eh, &session.ob_mpi))
        return session

    def Finalize(self):
        """Finalize the session."""
        with nogil:
            CHKERR(MPI_Session_finalize(&self.ob_mpi))

    def Get_num_psets(self, Info info not None=INFO_NULL):
        """Number of process sets available to the session."""
        cdef int n = 0
        CHKERR(MPI_Session_get_num_psets(self.ob_mpi, info.ob_mpi, &n))
        return n

    def Get_nth_pset(self, int n, Info info not None=INFO_NULL):
        """Name of the ``n``-th process set."""
        cdef int nlen = 0
        CHKERR(MPI_Session_get_nth_pset(self.ob_mpi, info.ob_mpi, n, &nlen, NULL))
        cdef bytearray name = bytearray(nlen + 1)
        cdef char *p = name
        CHKERR(MPI_Session_get_nth_pset(self.ob_mpi, info.ob_mpi, n, &nlen, p))
        return bytes(name).split(b"\0", 1)[0].decode(errors="replace")

    def Get_info(self):
        """Hints of the session (a new Info object)."""
        return _get_info(self)

    def Get_pset_info(self, pset_name):
        """Info of the process set ``pset_name`` (has at least the key ``mpi_size``)."""
        cdef bytes name = arg_string(pset_name, "pset_name")
        cdef Info info = Info.__new__(Info)
        CHKERR(MPI_Session_get_pset_info(self.ob_mpi, name, &info.ob_mpi))
        return info

    def Create_group(self, pset_name):
        """Group of the processes of the process set ``pset_name`` (e.g. ``"mpi://WORLD"``)."""
        cdef bytes name = arg_string(pset_name, "pset_name")
        cdef char *cname = name
        cdef Group group = Group.__new__(Group)
        with nogil:
            CHKERR(MPI_Group_from_session_pset(self.ob_mpi, cname, &group.ob_mpi))
        return group

    # -- buffered sends (MPI-4.1) -------------------------------------------------------------

    def Attach_buffer(self, buf):
        """Attach a buffer for buffered sends on the communicators of this session (MPI-4.1);
        ``BUFFER_AUTOMATIC`` lets MPI allocate what it needs."""
        cdef void *addr = MPI_BUFFER_AUTOMATIC
        cdef int size = 0
        cdef _Msg m = None
        if isinstance(buf, BufferAutomaticType):
            if MPI_BUFFER_AUTOMATIC == NULL:
                raise NotImplementedError("MPI_BUFFER_AUTOMATIC is not available in this MPI library")
        else:
            m = msg_build([buf, BYTE], True, 0, "Session.Attach_buffer: buf")
            addr, size = m.buf, m.count
        CHKERR(MPI_Session_attach_buffer(self.ob_mpi, addr, size))
        _session_buffers[_h2i(self.ob_mpi)] = (buf, m)

    def Detach_buffer(self):
        """Detach the session's buffered-send buffer (MPI-4.1); return it (``BUFFER_AUTOMATIC`` if
        MPI managed it)."""
        cdef void *addr = NULL
        cdef int size = 0
        with nogil:
            CHKERR(MPI_Session_detach_buffer(self.ob_mpi, &addr, &size))
        buf = _session_buffers.pop(_h2i(self.ob_mpi), (None, None))[0]
        if addr == MPI_BUFFER_AUTOMATIC and MPI_BUFFER_AUTOMATIC != NULL:
            return BUFFER_AUTOMATIC
        return buf

    def Flush_buffer(self):
        """Wait until the buffered sends of this session have been delivered (MPI-4.1)."""
        with nogil:
            CHKERR(MPI_Session_flush_buffer(self.ob_mpi))

    def Iflush_buffer(self):
        """Nonblocking ``Flush_buffer`` (MPI-4.1)."""
        cdef Request req = Request.__new__(Request)
        CHKERR(MPI_Session_iflush_buffer(self.ob_mpi, &req.ob_mpi))
        return req

    # -- error handling -----------------------------------------------------------------------

    @classmethod
    def Create_errhandler(cls, errhandler_fn):
        """Error handler calling ``errhandler_fn(session, errorcode)``; pass it to ``Init`` or ``Set_errhandler``."""
        return _create_errhandler(KIND_SESSION, errhandler_fn)

    def Get_errhandler(self):
        """Error handler of the session (free it with ``Errhandler.Free`` when done)."""
        return _get_errhandler(self)

    def Set_errhandler(self, Errhandler errhandler not None):
        """Set the error handler of the session."""
        _set_errhandler(self, errhandler)

    def Call_errhandler(self, int errorcode):
        """Invoke the error handler of the session with ``errorcode``."""
        _call_errhandler(self, errorcode)

    # -- handles ------------------------------------------------------------------------------

    def py2f(self):
        """Fortran handle."""
        return _handle_py2f(self)

    @classmethod
    def f2py(cls, arg):
        """Session from a Fortran handle."""
        return _handle_f2py(<Session?>cls.__new__(cls), arg)

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _handle_int(self)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        return _handle_fromhandle(<Session?>cls.__new__(cls), handle)

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return _handle_py2f(self)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        return _handle_f2py(<Session?>cls.__new__(cls), arg)

    def free(self):
        """Finalize the session unless it is null (never raises for that)."""
        if self.ob_mpi != MPI_SESSION_NULL:
            self.Finalize()


SESSION_NULL = Session()
MAX_PSET_NAME_LEN = MPI_MAX_PSET_NAME_LEN
MAX_STRINGTAG_LEN = MPI_MAX_STRINGTAG_LEN
