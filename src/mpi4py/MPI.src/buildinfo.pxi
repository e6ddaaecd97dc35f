# What this extension was compiled with: symbols that became fallbacks (stubs raising
# NotImplementedError, MPI_UNDEFINED constants, *_NULL handles) in this build.

cdef extern from "mpi4py/pympi.h" nogil:
    const char *const pympi_missing_names[]


def _missing_symbols():
    """Names from libmpi.sym that this build compiled as fallbacks (frozenset of str)."""
    cdef Py_ssize_t i = 0
    names = []
    while pympi_missing_names[i] != NULL:
        names.append(pympi_missing_names[i].decode())
        i += 1
    return frozenset(names)
