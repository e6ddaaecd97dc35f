# The extension types of mpi4py.MPI and their C fields, for `cimport mpi4py.MPI` (`from mpi4py cimport MPI`):
#     cdef MPI.Comm comm = MPI.COMM_WORLD
#     MPI_Comm_rank(comm.ob_mpi, &rank)
# The handle of every MPI object is its `ob_mpi` field.  A new C field of one of these classes is
# declared here, not in src/mpi4py/MPI.src/*.pxi.  Fields of private helper types are typed `object`.
# Every handle class (and Status) takes weak references, as mpi4py's do: `__weakref__`.

cimport cython
from mpi4py.libmpi cimport (
    MPI_Comm, MPI_Datatype, MPI_Errhandler, MPI_File, MPI_Group, MPI_Info, MPI_Message,
    MPI_Op, MPI_Request, MPI_Session, MPI_Status, MPI_Win,
)


cdef class Errhandler:
    cdef MPI_Errhandler ob_mpi
    cdef bint predefined
    cdef object __weakref__


cdef class Info:
    cdef MPI_Info ob_mpi
    cdef bint predefined
    cdef object __weakref__


cdef class Datatype:
    cdef MPI_Datatype ob_mpi
    cdef bint predefined
    cdef object __weakref__


cdef class Op:
    cdef MPI_Op ob_mpi
    cdef object ob_func
    cdef object ob_name
    cdef bint predefined
    cdef object __weakref__


cdef class Status:
    cdef MPI_Status ob_mpi
    cdef object __weakref__


cdef class Request:
    cdef MPI_Request ob_mpi
    cdef object ob_buf  # keeps the buffers of the pending operation alive
    cdef int ob_kind
    cdef object __weakref__
    cdef Py_buffer ob_view  # the export of a bare buffer given to Isend/Irecv (obj NULL: none held)


cdef class Prequest(Request):
    cdef MPI_Info ob_info  # the info of the *_init call creating it, read during that call only


cdef class Grequest(Request):
    pass


cdef class Message:
    cdef MPI_Message ob_mpi
    cdef object ob_buf
    cdef object __weakref__


@cython.final
cdef class buffer:
    cdef void *base
    cdef Py_ssize_t length
    cdef bint ro
    cdef object owner
    cdef bint mpi_mem


cdef class Pickle:
    cdef object ob_dumps
    cdef object ob_loads
    cdef object ob_protocol
    cdef Py_ssize_t ob_threshold
    cdef bint ob_oob  # stdlib dumps/loads and protocol >= 5: out-of-band framing possible


cdef class Group:
    cdef MPI_Group ob_mpi
    cdef bint predefined
    cdef object __weakref__


cdef class Comm:
    cdef MPI_Comm ob_mpi
    cdef bint predefined
    cdef object __weakref__


cdef class Intracomm(Comm):
    pass


cdef class Topocomm(Intracomm):
    pass


cdef class Cartcomm(Topocomm):
    pass


cdef class Graphcomm(Topocomm):
    pass


cdef class Distgraphcomm(Topocomm):
    pass


cdef class Intercomm(Comm):
    pass


cdef class Win:
    cdef MPI_Win ob_mpi
    cdef bint predefined
    cdef object ob_mem  # the exposed memory (a private helper type), None if not owned
    cdef dict ob_attached
    cdef object __weakref__


cdef class File:
    cdef MPI_File ob_mpi
    cdef bint predefined
    cdef object ob_split  # message (a private helper type) of a pending split-collective operation
    cdef object __weakref__


cdef class Session:
    cdef MPI_Session ob_mpi
    cdef object __weakref__
