# Errors: MPI.Exception, the CHKERR check every MPI call goes through, error classes.

cdef extern from "mpi4py/pympi.h" nogil:
    enum: PyMPI_ERR_UNAVAILABLE
    const char *PyMPI_UnavailableName()
    enum: PyMPI_ERR_INACTIVE
    const char *PyMPI_InactiveName()
    int PyMPI_InactiveFinalized()
    const char *PYMPI_MPI_ABI
    const char *PYMPI_CONFIG_SOURCE

# ``Exception`` below is MPI.Exception; code in this module that means Python's uses this.
import builtins as _builtins


class Exception(RuntimeError):
    """Exception raised when an MPI routine returns an error code."""

    def __init__(self, *args):
        # (ierr=SUCCESS, /) as mpi4py declares it; spelled with *args because Cython 0.29 (Debian's
        # cython3, which the deb and rpm builds use) has no positional-only syntax
        if len(args) > 1:
            raise TypeError(f"Exception() takes at most 1 argument ({len(args)} given)")
        cdef int ierr = args[0] if args else MPI_SUCCESS
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

    # Ordered by error code, against another MPI.Exception or a number (ERR_* constants), as mpi4py's are.
    def __lt__(self, other):
        return self.ob_mpi < _error_code_of(other)

    def __le__(self, other):
        return self.ob_mpi <= _error_code_of(other)

    def __gt__(self, other):
        return self.ob_mpi > _error_code_of(other)

    def __ge__(self, other):
        return self.ob_mpi >= _error_code_of(other)

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


cdef object _error_code_of(object other):
    # Another MPI.Exception compares by its code; anything else as itself (a str raises TypeError, as int's do).
    return other.ob_mpi if isinstance(other, Exception) else other


cdef int PyMPI_Raise(int ierr) except -1 with gil:
    if ierr == PyMPI_ERR_UNAVAILABLE:
        name = PyMPI_UnavailableName().decode()
        raise NotImplementedError(f"{name} is not available in this MPI library")
    if ierr == PyMPI_ERR_INACTIVE:
        name = PyMPI_InactiveName().decode()
        if PyMPI_InactiveFinalized():
            raise RuntimeError(f"{name}: MPI is finalized (MPI.Finalize() was called); no MPI call is allowed after it")
        raise RuntimeError(f"{name}: MPI is not initialized; call MPI.Init() first (mpi4py.rc.initialize is False)")
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
ERR_ABI = MPI_ERR_ABI

# Fault-tolerance (ULFM) error classes: MPI_ERR_* in Open MPI, MPIX_ERR_* in MPICH; UNDEFINED elsewhere.
cdef extern from *:
    """
    #if defined(MPI_ERR_PROC_FAILED)
    #  define PyMPI_ERR_PROC_FAILED MPI_ERR_PROC_FAILED
    #elif defined(MPIX_ERR_PROC_FAILED)
    #  define PyMPI_ERR_PROC_FAILED MPIX_ERR_PROC_FAILED
    #else
    #  define PyMPI_ERR_PROC_FAILED MPI_UNDEFINED
    #endif
    #if defined(MPI_ERR_PROC_FAILED_PENDING)
    #  define PyMPI_ERR_PROC_FAILED_PENDING MPI_ERR_PROC_FAILED_PENDING
    #elif defined(MPIX_ERR_PROC_FAILED_PENDING)
    #  define PyMPI_ERR_PROC_FAILED_PENDING MPIX_ERR_PROC_FAILED_PENDING
    #else
    #  define PyMPI_ERR_PROC_FAILED_PENDING MPI_UNDEFINED
    #endif
    #if defined(MPI_ERR_REVOKED)
    #  define PyMPI_ERR_REVOKED MPI_ERR_REVOKED
    #elif defined(MPIX_ERR_REVOKED)
    #  define PyMPI_ERR_REVOKED MPIX_ERR_REVOKED
    #else
    #  define PyMPI_ERR_REVOKED MPI_UNDEFINED
    #endif
    """
    enum: PyMPI_ERR_PROC_FAILED
    enum: PyMPI_ERR_PROC_FAILED_PENDING
    enum: PyMPI_ERR_REVOKED

ERR_PROC_FAILED = PyMPI_ERR_PROC_FAILED
ERR_PROC_FAILED_PENDING = PyMPI_ERR_PROC_FAILED_PENDING
ERR_REVOKED = PyMPI_ERR_REVOKED


cdef class Errhandler:
    """Error handler."""

    def __cinit__(self, Errhandler errhandler=None):
        _handle_init(self, errhandler)

    def __richcmp__(self, other, int op):
        return _handle_richcmp(self, other, op)

    def __reduce__(self):
        return _reduce_handle(self)

    def __bool__(self):
        return _handle_bool(self)

    def Free(self):
        """Free the error handler."""
        _owned_release(self)

    def py2f(self):
        """Fortran handle."""
        return _handle_py2f(self)

    @classmethod
    def f2py(cls, arg):
        """Error handler from a Fortran handle."""
        return _handle_f2py(<Errhandler>Errhandler.__new__(Errhandler), arg)

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _handle_int(self)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        return _handle_fromhandle(<Errhandler?>cls.__new__(cls), handle)

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return _handle_py2f(self)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        return _handle_f2py(<Errhandler?>cls.__new__(cls), arg)

    def free(self):
        """Free the handle unless it is null or predefined (never raises for those)."""
        _owned_free(self)


cdef Errhandler _predefined_errhandler(MPI_Errhandler handle):
    cdef Errhandler eh = Errhandler.__new__(Errhandler)
    eh.ob_mpi = handle
    eh.predefined = True
    return eh


ERRHANDLER_NULL = _predefined_errhandler(MPI_ERRHANDLER_NULL)
ERRORS_RETURN = _predefined_errhandler(MPI_ERRORS_RETURN)
ERRORS_ARE_FATAL = _predefined_errhandler(MPI_ERRORS_ARE_FATAL)
ERRORS_ABORT = _predefined_errhandler(MPI_ERRORS_ABORT)


def Add_error_class():
    """Create a new error class; return it."""
    cdef int errorclass = 0
    CHKERR(MPI_Add_error_class(&errorclass))
    return errorclass


def Add_error_code(int errorclass):
    """Create a new error code in ``errorclass``; return it."""
    cdef int errorcode = 0
    CHKERR(MPI_Add_error_code(errorclass, &errorcode))
    return errorcode


def Add_error_string(int errorcode, string):
    """Associate an error string with a user error class or code."""
    cdef bytes data = arg_string(string, "string")
    CHKERR(MPI_Add_error_string(errorcode, data))


def Remove_error_class(int errorclass):
    """Remove a user error class (MPI-4.1)."""
    CHKERR(MPI_Remove_error_class(errorclass))


def Remove_error_code(int errorcode):
    """Remove a user error code (MPI-4.1)."""
    CHKERR(MPI_Remove_error_code(errorcode))


def Remove_error_string(int errorcode):
    """Remove the string of a user error class or code (MPI-4.1)."""
    CHKERR(MPI_Remove_error_string(errorcode))
