# Error handling: every MPI call goes through CHKERR.

cdef extern from "mpi4py/pympi.h" nogil:
    enum: PyMPI_ERR_UNAVAILABLE
    const char *PyMPI_UnavailableName()
    const char *PYMPI_MPI_ABI
    const char *PYMPI_CONFIG_SOURCE


class Exception(RuntimeError):
    """Exception raised when an MPI routine returns an error code."""

    def __init__(self, int ierr=0):
        self.ob_mpi = ierr
        RuntimeError.__init__(self, ierr)

    def Get_error_code(self):
        return self.ob_mpi

    def Get_error_class(self):
        return Get_error_class(self.ob_mpi)

    def Get_error_string(self):
        return Get_error_string(self.ob_mpi)

    error_code = property(Get_error_code)
    error_class = property(Get_error_class)
    error_string = property(Get_error_string)

    def __int__(self):
        return self.ob_mpi

    def __str__(self):
        return self.Get_error_string()


cdef int PyMPI_Raise(int ierr) except -1 with gil:
    if ierr == PyMPI_ERR_UNAVAILABLE:
        name = PyMPI_UnavailableName().decode()
        raise NotImplementedError(f"{name} is not available in this MPI library")
    raise Exception(ierr)


cdef inline int CHKERR(int ierr) except -1 nogil:
    if ierr == MPI_SUCCESS:
        return 0
    PyMPI_Raise(ierr)
    return -1


def Get_error_class(int errorcode):
    """Convert an error code into an error class."""
    cdef int errorclass = MPI_SUCCESS
    CHKERR(MPI_Error_class(errorcode, &errorclass))
    return errorclass


def Get_error_string(int errorcode):
    """Return the error string for an error class or code."""
    cdef char string[MPI_MAX_ERROR_STRING + 1]
    cdef int resultlen = 0
    CHKERR(MPI_Error_string(errorcode, string, &resultlen))
    return string[:resultlen].decode()


SUCCESS = MPI_SUCCESS
ERR_LASTCODE = MPI_ERR_LASTCODE
