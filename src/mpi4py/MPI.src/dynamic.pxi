# Dynamic processes: ports and published names (Intracomm.Spawn/Accept/Connect and Comm.Join are methods).


@cython.final
cdef class _CStrings:
    """A NULL-terminated C array of the given byte strings (kept alive by this object)."""

    cdef list items
    cdef char **data

    def __cinit__(self, list items):
        cdef Py_ssize_t i
        self.items = items
        self.data = <char**>PyMem_Malloc((len(items) + 1) * sizeof(char*))
        if self.data == NULL:
            raise MemoryError
        for i in range(len(items)):
            self.data[i] = <char*>(<bytes>items[i])
        self.data[len(items)] = NULL

    def __dealloc__(self):
        PyMem_Free(self.data)


def Open_port(info=None):
    """Open a port for ``Accept``; return its name."""
    cdef char name[MPI_MAX_PORT_NAME + 1]
    CHKERR(MPI_Open_port(arg_info(info), name))
    return name.decode()


def Close_port(port_name):
    """Close a port opened by ``Open_port``."""
    cdef bytes port = str(port_name).encode()
    CHKERR(MPI_Close_port(port))


def Publish_name(service_name, port_name, info=None):
    """Publish ``port_name`` under ``service_name``."""
    cdef bytes service = str(service_name).encode(), port = str(port_name).encode()
    CHKERR(MPI_Publish_name(service, arg_info(info), port))


def Unpublish_name(service_name, port_name, info=None):
    """Withdraw a published service name."""
    cdef bytes service = str(service_name).encode(), port = str(port_name).encode()
    CHKERR(MPI_Unpublish_name(service, arg_info(info), port))


def Lookup_name(service_name, info=None):
    """Port name published under ``service_name``."""
    cdef bytes service = str(service_name).encode()
    cdef char name[MPI_MAX_PORT_NAME + 1]
    CHKERR(MPI_Lookup_name(service, arg_info(info), name))
    return name.decode()


MAX_PORT_NAME = MPI_MAX_PORT_NAME
