# Environment: versions, timers, processor name.

UNDEFINED = MPI_UNDEFINED
ANY_SOURCE = MPI_ANY_SOURCE
ANY_TAG = MPI_ANY_TAG
PROC_NULL = MPI_PROC_NULL


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
    return name[:nlen].decode()


def Get_processor_name():
    """Return the name of this processor."""
    cdef char name[MPI_MAX_PROCESSOR_NAME + 1]
    cdef int nlen = 0
    CHKERR(MPI_Get_processor_name(name, &nlen))
    return name[:nlen].decode()


def Wtime():
    """Return elapsed wall-clock time in seconds."""
    return MPI_Wtime()


def Wtick():
    """Return the resolution of ``Wtime``."""
    return MPI_Wtick()


def Is_initialized():
    cdef int flag = 0
    CHKERR(MPI_Initialized(&flag))
    return bool(flag)


def Is_finalized():
    cdef int flag = 0
    CHKERR(MPI_Finalized(&flag))
    return bool(flag)


def Pcontrol(int level):
    """Control the level of profiling."""
    CHKERR(MPI_Pcontrol(level))


def _build_info():
    """How this extension was built: MPI family of the headers and config source."""
    return {"abi": PYMPI_MPI_ABI.decode(), "config": PYMPI_CONFIG_SOURCE.decode()}
