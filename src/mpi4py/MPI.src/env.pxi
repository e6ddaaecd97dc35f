# Environment: constants, versions, timers, processor name, thread support queries.

cdef extern from *:
    """
    #if !defined(_WIN32)
    #include <dlfcn.h>
    static const char *PyMPI_LibraryPath(void)
    {
      Dl_info info;
      int (*fn)(char *, int *) = MPI_Get_processor_name;
      if (dladdr(*(void **)&fn, &info) && info.dli_fname) return info.dli_fname;
      return "";
    }
    #else
    static const char *PyMPI_LibraryPath(void) { return ""; }
    #endif
    """
    const char *PyMPI_LibraryPath()

VERSION = MPI_VERSION
SUBVERSION = MPI_SUBVERSION

UNDEFINED = MPI_UNDEFINED
ANY_SOURCE = MPI_ANY_SOURCE
ANY_TAG = MPI_ANY_TAG
PROC_NULL = MPI_PROC_NULL
ROOT = MPI_ROOT
TAG_UB = MPI_TAG_UB
KEYVAL_INVALID = MPI_KEYVAL_INVALID
BSEND_OVERHEAD = MPI_BSEND_OVERHEAD

IDENT = MPI_IDENT
CONGRUENT = MPI_CONGRUENT
SIMILAR = MPI_SIMILAR
UNEQUAL = MPI_UNEQUAL

THREAD_SINGLE = MPI_THREAD_SINGLE
THREAD_FUNNELED = MPI_THREAD_FUNNELED
THREAD_SERIALIZED = MPI_THREAD_SERIALIZED
THREAD_MULTIPLE = MPI_THREAD_MULTIPLE

MAX_PROCESSOR_NAME = MPI_MAX_PROCESSOR_NAME
MAX_ERROR_STRING = MPI_MAX_ERROR_STRING
MAX_LIBRARY_VERSION_STRING = MPI_MAX_LIBRARY_VERSION_STRING
MAX_OBJECT_NAME = MPI_MAX_OBJECT_NAME


def Get_version():
    """Return the version of the MPI standard as ``(version, subversion)``."""
    cdef int version = 1, subversion = 0
    CHKERR(MPI_Get_version(&version, &subversion))
    return (version, subversion)


def Get_library_version():
    """Return the version string of the MPI library."""
    cdef char name[MPI_MAX_LIBRARY_VERSION_STRING + 1]
    cdef int nlen = 0
    CHKERR(MPI_Get_library_version(name, &nlen))
    # Open MPI counts the terminating NUL in the length: stop at the first one.
    return name[:nlen].split(b"\0", 1)[0].decode(errors="replace")


def get_vendor():
    """Name and ``(major, minor, micro)`` version of the MPI implementation, from its library version string."""
    return _vendor_of(Get_library_version())


def _vendor_of(text):
    # mpi4py._mpiabi.vendor is the one parser of library version strings (the ABI selector uses it too);
    # this only turns its version string into numbers.
    import re
    from mpi4py._mpiabi import vendor
    name, version = vendor(text)
    found = re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if not name or found is None:
        return ("unknown", (0, 0, 0))
    return (name, tuple(int(part or 0) for part in found.groups()))


def Get_processor_name():
    """Return the name of this processor."""
    cdef char name[MPI_MAX_PROCESSOR_NAME + 1]
    cdef int nlen = 0
    CHKERR(MPI_Get_processor_name(name, &nlen))
    return name[:nlen].decode(errors="replace")


def Wtime():
    """Return elapsed wall-clock time in seconds."""
    return MPI_Wtime()


def Wtick():
    """Return the resolution of ``Wtime``."""
    return MPI_Wtick()


def Is_initialized():
    """Whether ``MPI_Init`` has been called."""
    cdef int flag = 0
    CHKERR(MPI_Initialized(&flag))
    return <bint>flag


def Is_finalized():
    """Whether ``MPI_Finalize`` has completed."""
    cdef int flag = 0
    CHKERR(MPI_Finalized(&flag))
    return <bint>flag


def Query_thread():
    """Return the level of thread support provided by the MPI library."""
    cdef int provided = MPI_THREAD_SINGLE
    CHKERR(MPI_Query_thread(&provided))
    return provided


def Is_thread_main():
    """Whether the calling thread is the one that initialized MPI."""
    cdef int flag = 0
    CHKERR(MPI_Is_thread_main(&flag))
    return <bint>flag


def Pcontrol(int level):
    """Control the level of profiling."""
    CHKERR(MPI_Pcontrol(level))


def Get_hw_resource_info():
    """Hardware resources of the calling process as a new Info object (MPI-4.1)."""
    cdef Info info = Info.__new__(Info)
    CHKERR(MPI_Get_hw_resource_info(&info.ob_mpi))
    return info


def Get_abi_version():
    """Version ``(major, minor)`` of the MPI standard ABI the library implements (MPI-5.0);
    ``(-1, -1)`` when the library is not built for the standard ABI."""
    cdef int major = -1, minor = -1
    CHKERR(MPI_Abi_get_version(&major, &minor))
    return (major, minor)


def Get_abi_info():
    """Facts about the library's ABI as a new Info object (MPI-5.0)."""
    cdef Info info = Info.__new__(Info)
    CHKERR(MPI_Abi_get_info(&info.ob_mpi))
    return info


def Get_abi_fortran_info():
    """Fortran ABI facts (sizes of Fortran types) as a new Info object (MPI-5.0)."""
    cdef Info info = Info.__new__(Info)
    CHKERR(MPI_Abi_get_fortran_info(&info.ob_mpi))
    return info


def _build_info():
    """How this extension was built: MPI family of the headers and config source."""
    return {"abi": PYMPI_MPI_ABI.decode(), "config": PYMPI_CONFIG_SOURCE.decode()}


def _mpi_library_path():
    """File name of the shared library providing MPI routines ('' if unknown)."""
    return PyMPI_LibraryPath().decode(errors="replace")
