# Errors: MPI.Exception, the CHKERR check every MPI call goes through, error classes.

cdef extern from "mpi4py/pympi.h" nogil:
    enum: PyMPI_ERR_UNAVAILABLE
    const char *PyMPI_UnavailableName()
    const char *PYMPI_MPI_ABI
    const char *PYMPI_CONFIG_SOURCE

# ``Exception`` below is MPI.Exception; code in this module that means Python's uses this.
import builtins as _builtins


class Exception(RuntimeError):
    """Exception raised when an MPI routine returns an error code."""

    def __init__(self, int ierr=MPI_SUCCESS):
        self.ob_mpi = ierr
        RuntimeError.__init__(self, ierr)

    def __eq__(self, other):
        try:
            return self.ob_mpi == int(other)
        except (TypeError, ValueError):
            return NotImplemented

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self):
        return hash(self.ob_mpi)

    def __bool__(self):
        return self.ob_mpi != MPI_SUCCESS

    def __int__(self):
        return self.ob_mpi

    def __repr__(self):
        return f"MPI.Exception({self.ob_mpi})"

    def __str__(self):
        try:
            return self.Get_error_string()
        except BaseException:
            return f"MPI error code {self.ob_mpi}"

    def Get_error_code(self):
        """Error code."""
        return self.ob_mpi

    def Get_error_class(self):
        """Error class of the error code."""
        return Get_error_class(self.ob_mpi)

    def Get_error_string(self):
        """Error string of the error code."""
        return Get_error_string(self.ob_mpi)

    error_code = property(Get_error_code, doc="error code")
    error_class = property(Get_error_class, doc="error class")
    error_string = property(Get_error_string, doc="error string")


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
    return string[:resultlen].decode(errors="replace")


SUCCESS = MPI_SUCCESS
ERR_BUFFER = MPI_ERR_BUFFER
ERR_COUNT = MPI_ERR_COUNT
ERR_TYPE = MPI_ERR_TYPE
ERR_TAG = MPI_ERR_TAG
ERR_COMM = MPI_ERR_COMM
ERR_RANK = MPI_ERR_RANK
ERR_REQUEST = MPI_ERR_REQUEST
ERR_ROOT = MPI_ERR_ROOT
ERR_GROUP = MPI_ERR_GROUP
ERR_OP = MPI_ERR_OP
ERR_TOPOLOGY = MPI_ERR_TOPOLOGY
ERR_DIMS = MPI_ERR_DIMS
ERR_ARG = MPI_ERR_ARG
ERR_UNKNOWN = MPI_ERR_UNKNOWN
ERR_TRUNCATE = MPI_ERR_TRUNCATE
ERR_OTHER = MPI_ERR_OTHER
ERR_INTERN = MPI_ERR_INTERN
ERR_IN_STATUS = MPI_ERR_IN_STATUS
ERR_PENDING = MPI_ERR_PENDING
ERR_KEYVAL = MPI_ERR_KEYVAL
ERR_NO_MEM = MPI_ERR_NO_MEM
ERR_BASE = MPI_ERR_BASE
ERR_INFO_KEY = MPI_ERR_INFO_KEY
ERR_INFO_VALUE = MPI_ERR_INFO_VALUE
ERR_INFO_NOKEY = MPI_ERR_INFO_NOKEY
ERR_SPAWN = MPI_ERR_SPAWN
ERR_PORT = MPI_ERR_PORT
ERR_SERVICE = MPI_ERR_SERVICE
ERR_NAME = MPI_ERR_NAME
ERR_WIN = MPI_ERR_WIN
ERR_SIZE = MPI_ERR_SIZE
ERR_DISP = MPI_ERR_DISP
ERR_INFO = MPI_ERR_INFO
ERR_LOCKTYPE = MPI_ERR_LOCKTYPE
ERR_ASSERT = MPI_ERR_ASSERT
ERR_RMA_CONFLICT = MPI_ERR_RMA_CONFLICT
ERR_RMA_SYNC = MPI_ERR_RMA_SYNC
ERR_FILE = MPI_ERR_FILE
ERR_NOT_SAME = MPI_ERR_NOT_SAME
ERR_AMODE = MPI_ERR_AMODE
ERR_UNSUPPORTED_DATAREP = MPI_ERR_UNSUPPORTED_DATAREP
ERR_UNSUPPORTED_OPERATION = MPI_ERR_UNSUPPORTED_OPERATION
ERR_NO_SUCH_FILE = MPI_ERR_NO_SUCH_FILE
ERR_FILE_EXISTS = MPI_ERR_FILE_EXISTS
ERR_BAD_FILE = MPI_ERR_BAD_FILE
ERR_ACCESS = MPI_ERR_ACCESS
ERR_NO_SPACE = MPI_ERR_NO_SPACE
ERR_QUOTA = MPI_ERR_QUOTA
ERR_READ_ONLY = MPI_ERR_READ_ONLY
ERR_FILE_IN_USE = MPI_ERR_FILE_IN_USE
ERR_DUP_DATAREP = MPI_ERR_DUP_DATAREP
ERR_CONVERSION = MPI_ERR_CONVERSION
ERR_IO = MPI_ERR_IO
ERR_RMA_RANGE = MPI_ERR_RMA_RANGE
ERR_RMA_ATTACH = MPI_ERR_RMA_ATTACH
ERR_RMA_SHARED = MPI_ERR_RMA_SHARED
ERR_RMA_FLAVOR = MPI_ERR_RMA_FLAVOR
ERR_SESSION = MPI_ERR_SESSION
ERR_PROC_ABORTED = MPI_ERR_PROC_ABORTED
ERR_VALUE_TOO_LARGE = MPI_ERR_VALUE_TOO_LARGE
ERR_ERRHANDLER = MPI_ERR_ERRHANDLER
ERR_LASTCODE = MPI_ERR_LASTCODE
