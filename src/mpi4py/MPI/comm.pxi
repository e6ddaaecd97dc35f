# Communicators (minimal core; extended by the API issues).
import pickle as _pickle


cdef class Comm:
    """Communication context."""

    cdef MPI_Comm ob_mpi

    def __cinit__(self):
        self.ob_mpi = MPI_COMM_NULL

    def Get_rank(self):
        cdef int rank = MPI_PROC_NULL
        CHKERR(MPI_Comm_rank(self.ob_mpi, &rank))
        return rank

    def Get_size(self):
        cdef int size = 0
        CHKERR(MPI_Comm_size(self.ob_mpi, &size))
        return size

    rank = property(Get_rank)
    size = property(Get_size)

    def Barrier(self):
        with nogil:
            CHKERR(MPI_Barrier(self.ob_mpi))

    def Abort(self, int errorcode=0):
        CHKERR(MPI_Abort(self.ob_mpi, errorcode))

    def send(self, obj, int dest, int tag=0):
        cdef bytes data = _pickle.dumps(obj, _pickle.HIGHEST_PROTOCOL)
        cdef char *p = data
        cdef int n = <int>len(data)
        with nogil:
            CHKERR(MPI_Send(p, n, MPI_BYTE, dest, tag, self.ob_mpi))

    def recv(self, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG):
        cdef MPI_Status status
        cdef int n = 0
        with nogil:
            CHKERR(MPI_Probe(source, tag, self.ob_mpi, &status))
        CHKERR(MPI_Get_count(&status, MPI_BYTE, &n))
        cdef bytearray data = bytearray(n)
        cdef char *p = data
        with nogil:
            CHKERR(MPI_Recv(p, n, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, self.ob_mpi, MPI_STATUS_IGNORE))
        return _pickle.loads(data)


cdef class Intracomm(Comm):
    """Intracommunicator."""


COMM_NULL = Intracomm()
COMM_WORLD = Intracomm()
COMM_SELF = Intracomm()
(<Comm>COMM_WORLD).ob_mpi = MPI_COMM_WORLD
(<Comm>COMM_SELF).ob_mpi = MPI_COMM_SELF
