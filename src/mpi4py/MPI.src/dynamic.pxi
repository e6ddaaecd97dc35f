# Dynamic processes: ports and published names (Intracomm.Spawn/Accept/Connect and Comm.Join are methods).


@cython.final
def Open_port(info=None):
    """Open a port for ``Accept``; return its name."""
    cdef char name[MPI_MAX_PORT_NAME + 1]
    CHKERR(MPI_Open_port(arg_info(info), name))
    return name.decode()


def Close_port(port_name):
    """Close a port opened by ``Open_port``."""
    cdef bytes port = arg_string(port_name, "port_name")
    CHKERR(MPI_Close_port(port))


def Publish_name(service_name, port_name, info=None):
    """Publish ``port_name`` under ``service_name``."""
    cdef bytes service = arg_string(service_name, "service_name"), port = arg_string(port_name, "port_name")
    CHKERR(MPI_Publish_name(service, arg_info(info), port))


def Unpublish_name(service_name, port_name, info=None):
    """Withdraw a published service name."""
    cdef bytes service = arg_string(service_name, "service_name"), port = arg_string(port_name, "port_name")
    CHKERR(MPI_Unpublish_name(service, arg_info(info), port))


def Lookup_name(service_name, info=None):
    """Port name published under ``service_name``."""
    cdef bytes service = arg_string(service_name, "service_name")
    cdef char name[MPI_MAX_PORT_NAME + 1]
    CHKERR(MPI_Lookup_name(service, arg_info(info), name))
    return name.decode()


MAX_PORT_NAME = MPI_MAX_PORT_NAME
