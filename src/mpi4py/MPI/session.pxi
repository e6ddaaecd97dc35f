# MPI-4 sessions: Session (init/finalize, process sets, groups from process sets).


cdef class Session:
    """Session: an isolated MPI environment (MPI-4), started without ``MPI_Init``."""

    cdef MPI_Session ob_mpi

    def __cinit__(self, Session session=None):
        self.ob_mpi = MPI_SESSION_NULL
        if session is not None:
            self.ob_mpi = session.ob_mpi

    def __richcmp__(self, other, int op):
        if not isinstance(other, Session) or op not in (2, 3):
            return NotImplemented
        cdef bint same = (<Session>self).ob_mpi == (<Session>other).ob_mpi
        return same if op == 2 else not same

    def __bool__(self):
        return self.ob_mpi != MPI_SESSION_NULL

    def __repr__(self):
        return "<mpi4py.MPI.Session: SESSION_NULL>" if self.ob_mpi == MPI_SESSION_NULL else "<mpi4py.MPI.Session>"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.ob_mpi != MPI_SESSION_NULL:
            self.Finalize()

    @classmethod
    def Init(cls, Info info not None=INFO_NULL, errhandler=None):
        """Start a session; errors on it raise MPI.Exception (``errhandler`` other than None is
        not supported yet)."""
        if errhandler is not None:
            raise NotImplementedError("Session.Init: only errhandler=None (errors raise MPI.Exception) is supported")
        cdef Session session = cls.__new__(cls)
        with nogil:
            CHKERR(MPI_Session_init(info.ob_mpi, MPI_ERRORS_RETURN, &session.ob_mpi))
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
        cdef Info info = Info.__new__(Info)
        CHKERR(MPI_Session_get_info(self.ob_mpi, &info.ob_mpi))
        return info

    def Get_pset_info(self, pset_name):
        """Info of the process set ``pset_name`` (has at least the key ``mpi_size``)."""
        cdef bytes name = str(pset_name).encode()
        cdef Info info = Info.__new__(Info)
        CHKERR(MPI_Session_get_pset_info(self.ob_mpi, name, &info.ob_mpi))
        return info

    def Create_group(self, pset_name):
        """Group of the processes of the process set ``pset_name`` (e.g. ``"mpi://WORLD"``)."""
        cdef bytes name = str(pset_name).encode()
        cdef char *cname = name
        cdef Group group = Group.__new__(Group)
        with nogil:
            CHKERR(MPI_Group_from_session_pset(self.ob_mpi, cname, &group.ob_mpi))
        return group


def _comm_create_from_group(Group group not None, stringtag="org.mpi4py", Info info not None=INFO_NULL):
    """Intracomm from ``group`` (MPI_Comm_create_from_group), errors raising MPI.Exception.

    The implementation behind ``Comm.Create_from_group`` (that method belongs in comm.pxi)."""
    cdef bytes tag = str(stringtag).encode()
    cdef char *ctag = tag
    if len(tag) > MPI_MAX_STRINGTAG_LEN:
        raise ValueError(f"Create_from_group: stringtag is longer than MAX_STRINGTAG_LEN={MPI_MAX_STRINGTAG_LEN}")
    cdef Intracomm comm = Intracomm.__new__(Intracomm)
    with nogil:
        CHKERR(MPI_Comm_create_from_group(group.ob_mpi, ctag, info.ob_mpi, MPI_ERRORS_RETURN, &comm.ob_mpi))
    return comm


SESSION_NULL = Session()
MAX_PSET_NAME_LEN = MPI_MAX_PSET_NAME_LEN
MAX_STRINGTAG_LEN = MPI_MAX_STRINGTAG_LEN
