# Status of a receive or of a completed request.

from cpython.buffer cimport PyBuffer_FillInfo
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef MPI_Fint *_fstatus_alloc(str where) except NULL:
    if MPI_F_STATUS_SIZE <= 0:
        raise NotImplementedError(f"{where}: MPI_F_STATUS_SIZE is not available in this MPI library")
    cdef MPI_Fint *f = <MPI_Fint*>PyMem_Malloc(MPI_F_STATUS_SIZE * sizeof(MPI_Fint))
    if f == NULL:
        raise MemoryError
    return f

cdef class Status:
    """Status object."""

    def __cinit__(self, Status status=None):
        self.ob_mpi.MPI_SOURCE = MPI_ANY_SOURCE
        self.ob_mpi.MPI_TAG = MPI_ANY_TAG
        self.ob_mpi.MPI_ERROR = MPI_SUCCESS
        if status is not None:
            self.ob_mpi = status.ob_mpi

    def __richcmp__(self, other, int op):
        if not isinstance(other, Status) or op not in (2, 3):
            return NotImplemented
        cdef Status a = <Status>self, b = <Status>other
        cdef bint same = (a.ob_mpi.MPI_SOURCE == b.ob_mpi.MPI_SOURCE and a.ob_mpi.MPI_TAG == b.ob_mpi.MPI_TAG
                          and a.ob_mpi.MPI_ERROR == b.ob_mpi.MPI_ERROR and a.Get_count() == b.Get_count())
        return same if op == 2 else not same

    def __repr__(self):
        return f"<mpi4py.MPI.Status: source={self.ob_mpi.MPI_SOURCE} tag={self.ob_mpi.MPI_TAG} error={self.ob_mpi.MPI_ERROR}>"

    def Get_source(self):
        """Message source."""
        return self.ob_mpi.MPI_SOURCE

    def Set_source(self, int source):
        """Set the message source."""
        self.ob_mpi.MPI_SOURCE = source

    def Get_tag(self):
        """Message tag."""
        return self.ob_mpi.MPI_TAG

    def Set_tag(self, int tag):
        """Set the message tag."""
        self.ob_mpi.MPI_TAG = tag

    def Get_error(self):
        """Message error."""
        return self.ob_mpi.MPI_ERROR

    def Set_error(self, int error):
        """Set the message error."""
        self.ob_mpi.MPI_ERROR = error

    def Get_count(self, Datatype datatype=BYTE):
        """Number of received entries of ``datatype`` (``UNDEFINED`` if not a whole number)."""
        cdef int count = MPI_UNDEFINED
        CHKERR(MPI_Get_count(&self.ob_mpi, datatype.ob_mpi, &count))
        return count

    def Get_elements(self, Datatype datatype):
        """Number of received basic elements of ``datatype``."""
        cdef int count = MPI_UNDEFINED
        CHKERR(MPI_Get_elements(&self.ob_mpi, datatype.ob_mpi, &count))
        return count

    def Set_elements(self, Datatype datatype, int count):
        """Set the number of elements in the status."""
        CHKERR(MPI_Status_set_elements(&self.ob_mpi, datatype.ob_mpi, count))

    def Is_cancelled(self):
        """Whether the request was cancelled."""
        cdef int flag = 0
        CHKERR(MPI_Test_cancelled(&self.ob_mpi, &flag))
        return <bint>flag

    def Set_cancelled(self, bint flag):
        """Set the cancelled state."""
        CHKERR(MPI_Status_set_cancelled(&self.ob_mpi, flag))

    source = property(Get_source, Set_source, doc="source")
    tag = property(Get_tag, Set_tag, doc="tag")
    error = property(Get_error, Set_error, doc="error")
    cancelled = property(Is_cancelled, Set_cancelled, doc="cancelled state")

    @property
    def count(self):
        """Byte count (setting it sets the number of ``BYTE`` elements)."""
        return self.Get_count(BYTE)

    @count.setter
    def count(self, value):
        self.Set_elements(BYTE, value)

    # Pickled by value: the fields a program can read back (the C struct layout is the MPI's own).
    def __getstate__(self):
        return {"source": self.source, "tag": self.tag, "error": self.error,
                "count": self.count, "cancelled": self.cancelled}

    def __setstate__(self, state):
        for name in ("source", "tag", "error", "count", "cancelled"):
            setattr(self, name, state[name])

    def __reduce__(self):
        return (Status, (), self.__getstate__())

    def __getbuffer__(self, Py_buffer *view, int flags):
        PyBuffer_FillInfo(view, self, <void*>&self.ob_mpi, sizeof(MPI_Status), False, flags)

    def tomemory(self):
        """Writable ``buffer`` over the bytes of the C ``MPI_Status`` (keeps this status alive)."""
        return buffer(self)

    def py2f(self):
        """Fortran status: a list of ``F_STATUS_SIZE`` integers (``F_SOURCE``, ``F_TAG``, ``F_ERROR`` index it)."""
        cdef MPI_Fint *f = _fstatus_alloc("Status.py2f")
        cdef int i
        try:
            CHKERR(MPI_Status_c2f(&self.ob_mpi, f))
            return [f[i] for i in range(MPI_F_STATUS_SIZE)]
        finally:
            PyMem_Free(f)

    @classmethod
    def f2py(cls, arg):
        """Status from a Fortran status (a sequence of ``F_STATUS_SIZE`` integers)."""
        cdef list values = list(arg)
        if len(values) != MPI_F_STATUS_SIZE:
            raise ValueError(f"Status.f2py: expected a sequence of F_STATUS_SIZE={MPI_F_STATUS_SIZE} integers, got {len(values)}")
        cdef MPI_Fint *f = _fstatus_alloc("Status.f2py")
        cdef Status status = cls.__new__(cls)
        cdef int i
        try:
            for i in range(MPI_F_STATUS_SIZE):
                f[i] = values[i]
            CHKERR(MPI_Status_f2c(f, &status.ob_mpi))
        finally:
            PyMem_Free(f)
        return status


cdef inline MPI_Status *_status_ptr(Status status) noexcept:
    return MPI_STATUS_IGNORE if status is None else &status.ob_mpi


F_STATUS_SIZE = MPI_F_STATUS_SIZE
F_SOURCE = MPI_F_SOURCE
F_TAG = MPI_F_TAG
F_ERROR = MPI_F_ERROR
