# Communicators: Comm (management, point-to-point, collectives) and Intracomm.
# The work is done by the functions in p2p.pxi and coll.pxi; these methods only adapt arguments.


cdef class Comm:
    """Communication context."""

    cdef MPI_Comm ob_mpi
    cdef bint predefined

    def __cinit__(self, Comm comm=None):
        self.ob_mpi = MPI_COMM_NULL
        if comm is not None:
            self.ob_mpi = comm.ob_mpi
            self.predefined = comm.predefined

    def __richcmp__(self, other, int op):
        if not isinstance(other, Comm) or op not in (2, 3):
            return NotImplemented
        cdef bint same = (<Comm>self).ob_mpi == (<Comm>other).ob_mpi
        return same if op == 2 else not same

    def __bool__(self):
        return self.ob_mpi != MPI_COMM_NULL

    def __repr__(self):
        if self.ob_mpi == MPI_COMM_NULL:
            return f"<mpi4py.MPI.{type(self).__name__}: COMM_NULL>"
        return f"<mpi4py.MPI.{type(self).__name__}: {self.Get_name() or 'unnamed'}>"

    # -- management -----------------------------------------------------------------------------

    def Get_rank(self):
        """Rank of this process in the communicator."""
        cdef int rank = MPI_PROC_NULL
        CHKERR(MPI_Comm_rank(self.ob_mpi, &rank))
        return rank

    def Get_size(self):
        """Number of processes in the communicator."""
        cdef int size = 0
        CHKERR(MPI_Comm_size(self.ob_mpi, &size))
        return size

    def Get_group(self):
        """Group of processes of the communicator."""
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Comm_group(self.ob_mpi, &group.ob_mpi))
        return group

    rank = property(Get_rank, doc="rank of this process")
    size = property(Get_size, doc="number of processes")
    group = property(Get_group, doc="communicator group")

    def Get_name(self):
        """Print name of the communicator."""
        cdef char name[MPI_MAX_OBJECT_NAME + 1]
        cdef int nlen = 0
        CHKERR(MPI_Comm_get_name(self.ob_mpi, name, &nlen))
        return name[:nlen].decode(errors="replace")

    def Set_name(self, name):
        """Set the print name of the communicator."""
        cdef bytes data = str(name).encode()
        CHKERR(MPI_Comm_set_name(self.ob_mpi, data))

    name = property(Get_name, Set_name, doc="print name")

    def Is_inter(self):
        """Whether the communicator is an intercommunicator."""
        cdef int flag = 0
        CHKERR(MPI_Comm_test_inter(self.ob_mpi, &flag))
        return <bint>flag

    def Is_intra(self):
        """Whether the communicator is an intracommunicator."""
        return not self.Is_inter()

    is_inter = property(Is_inter, doc="is intercommunicator")
    is_intra = property(Is_intra, doc="is intracommunicator")

    def Compare(self, Comm comm):
        """Compare two communicators: ``IDENT``, ``CONGRUENT``, ``SIMILAR`` or ``UNEQUAL``."""
        cdef int flag = MPI_UNEQUAL
        CHKERR(MPI_Comm_compare(self.ob_mpi, comm.ob_mpi, &flag))
        return flag

    def Clone(self):
        """Clone an existing communicator (same as ``Dup``)."""
        return self.Dup()

    def Dup(self, info=None):
        """Duplicate the communicator."""
        cdef Comm comm = type(self).__new__(type(self))
        with nogil:
            CHKERR(MPI_Comm_dup(self.ob_mpi, &comm.ob_mpi))
        return comm

    def Split(self, int color=0, int key=0):
        """Split into subcommunicators by ``color``, ordered by ``key``."""
        cdef Comm comm = type(self).__new__(type(self))
        with nogil:
            CHKERR(MPI_Comm_split(self.ob_mpi, color, key, &comm.ob_mpi))
        return comm

    def Free(self):
        """Free the communicator."""
        if self.predefined:
            raise ValueError(f"Comm.Free: cannot free the predefined communicator {self.Get_name()}")
        with nogil:
            CHKERR(MPI_Comm_free(&self.ob_mpi))

    def Abort(self, int errorcode=0):
        """Terminate the MPI execution environment of every process in the communicator."""
        CHKERR(MPI_Abort(self.ob_mpi, errorcode))

    # -- point-to-point, buffers --------------------------------------------------------------

    def Send(self, buf, int dest, int tag=0):
        """Blocking send."""
        p2p_send(self.ob_mpi, buf, dest, tag, False)

    def Ssend(self, buf, int dest, int tag=0):
        """Blocking send in synchronous mode."""
        p2p_send(self.ob_mpi, buf, dest, tag, True)

    def Recv(self, buf, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Blocking receive."""
        p2p_recv(self.ob_mpi, buf, source, tag, status)

    def Isend(self, buf, int dest, int tag=0):
        """Nonblocking send."""
        return p2p_isend(self.ob_mpi, buf, dest, tag, False)

    def Issend(self, buf, int dest, int tag=0):
        """Nonblocking send in synchronous mode."""
        return p2p_isend(self.ob_mpi, buf, dest, tag, True)

    def Irecv(self, buf, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG):
        """Nonblocking receive."""
        return p2p_irecv(self.ob_mpi, buf, source, tag)

    def Sendrecv(self, sendbuf, int dest, int sendtag=0, recvbuf=None,
                 int source=MPI_ANY_SOURCE, int recvtag=MPI_ANY_TAG, Status status=None):
        """Send and receive a message."""
        p2p_sendrecv(self.ob_mpi, sendbuf, dest, sendtag, recvbuf, source, recvtag, status)

    def Probe(self, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Blocking test for a message."""
        return p2p_probe(self.ob_mpi, source, tag, status, True)

    def Iprobe(self, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Nonblocking test for a message."""
        return p2p_probe(self.ob_mpi, source, tag, status, False)

    # -- point-to-point, objects --------------------------------------------------------------

    def send(self, obj, int dest, int tag=0):
        """Send a Python object."""
        obj_send(self.ob_mpi, obj, dest, tag, False)

    def ssend(self, obj, int dest, int tag=0):
        """Send a Python object in synchronous mode."""
        obj_send(self.ob_mpi, obj, dest, tag, True)

    def recv(self, buf=None, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Receive a Python object."""
        return obj_recv(self.ob_mpi, source, tag, status)

    def isend(self, obj, int dest, int tag=0):
        """Nonblocking send of a Python object."""
        return obj_isend(self.ob_mpi, obj, dest, tag, False)

    def issend(self, obj, int dest, int tag=0):
        """Nonblocking synchronous send of a Python object."""
        return obj_isend(self.ob_mpi, obj, dest, tag, True)

    def irecv(self, buf=None, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG):
        """Nonblocking receive of a Python object (into ``buf``, default ``rc.irecv_bufsz`` bytes)."""
        return obj_irecv(self.ob_mpi, buf, source, tag)

    def sendrecv(self, sendobj, int dest, int sendtag=0, recvbuf=None,
                 int source=MPI_ANY_SOURCE, int recvtag=MPI_ANY_TAG, Status status=None):
        """Send and receive Python objects."""
        return obj_sendrecv(self.ob_mpi, sendobj, dest, sendtag, source, recvtag, status)

    def probe(self, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Blocking test for a message."""
        return p2p_probe(self.ob_mpi, source, tag, status, True)

    def iprobe(self, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Nonblocking test for a message."""
        return p2p_probe(self.ob_mpi, source, tag, status, False)

    # -- collectives, buffers -----------------------------------------------------------------

    def Barrier(self):
        """Barrier synchronization."""
        with nogil:
            CHKERR(MPI_Barrier(self.ob_mpi))

    def Bcast(self, buf, int root=0):
        """Broadcast data from ``root`` to all processes."""
        coll_bcast(self.ob_mpi, buf, root)

    def Scatter(self, sendbuf, recvbuf, int root=0):
        """Scatter equal blocks of ``sendbuf`` at ``root`` to all processes."""
        coll_scatter(self.ob_mpi, sendbuf, recvbuf, root)

    def Gather(self, sendbuf, recvbuf, int root=0):
        """Gather equal blocks from all processes into ``recvbuf`` at ``root``."""
        coll_gather(self.ob_mpi, sendbuf, recvbuf, root)

    def Allgather(self, sendbuf, recvbuf):
        """Gather to all processes."""
        coll_allgather(self.ob_mpi, sendbuf, recvbuf)

    def Alltoall(self, sendbuf, recvbuf):
        """Every process sends a block to every other."""
        coll_alltoall(self.ob_mpi, sendbuf, recvbuf)

    def Reduce(self, sendbuf, recvbuf, Op op=SUM, int root=0):
        """Reduce to ``root``."""
        coll_reduce(self.ob_mpi, _RED_REDUCE, sendbuf, recvbuf, op, root)

    def Allreduce(self, sendbuf, recvbuf, Op op=SUM):
        """Reduce to all processes."""
        coll_reduce(self.ob_mpi, _RED_ALLREDUCE, sendbuf, recvbuf, op, 0)

    # -- collectives, objects -----------------------------------------------------------------

    def barrier(self):
        """Barrier synchronization."""
        with nogil:
            CHKERR(MPI_Barrier(self.ob_mpi))

    def bcast(self, obj, int root=0):
        """Broadcast a Python object from ``root``."""
        return obj_bcast(self.ob_mpi, obj, root)

    def scatter(self, sendobj, int root=0):
        """Scatter the items of ``sendobj`` (one per process) from ``root``."""
        return obj_scatter(self.ob_mpi, sendobj, root)

    def gather(self, sendobj, int root=0):
        """Gather Python objects at ``root`` (a list there, ``None`` elsewhere)."""
        return obj_gather(self.ob_mpi, sendobj, root)

    def allgather(self, sendobj):
        """Gather Python objects to all processes."""
        return obj_allgather(self.ob_mpi, sendobj)

    def alltoall(self, sendobj):
        """Exchange one Python object with every process."""
        return obj_alltoall(self.ob_mpi, sendobj)

    def reduce(self, sendobj, op=SUM, int root=0):
        """Reduce Python objects at ``root`` with an ``Op`` or a binary callable."""
        return obj_reduce(self.ob_mpi, sendobj, op, root)

    def allreduce(self, sendobj, op=SUM):
        """Reduce Python objects to all processes."""
        return obj_allreduce(self.ob_mpi, sendobj, op)


cdef class Intracomm(Comm):
    """Intracommunicator."""

    def __cinit__(self, Comm comm=None):
        if self.ob_mpi != MPI_COMM_NULL and self.Is_inter():
            raise TypeError("Intracomm: expected an intracommunicator")

    def Scan(self, sendbuf, recvbuf, Op op=SUM):
        """Inclusive prefix reduction."""
        coll_reduce(self.ob_mpi, _RED_SCAN, sendbuf, recvbuf, op, 0)

    def Exscan(self, sendbuf, recvbuf, Op op=SUM):
        """Exclusive prefix reduction (``recvbuf`` is undefined on rank 0)."""
        coll_reduce(self.ob_mpi, _RED_EXSCAN, sendbuf, recvbuf, op, 0)

    def scan(self, sendobj, op=SUM):
        """Inclusive prefix reduction of Python objects."""
        return obj_scan(self.ob_mpi, sendobj, op, False)

    def exscan(self, sendobj, op=SUM):
        """Exclusive prefix reduction of Python objects (``None`` on rank 0)."""
        return obj_scan(self.ob_mpi, sendobj, op, True)


cdef Intracomm _predefined_comm(MPI_Comm handle):
    cdef Intracomm comm = Intracomm.__new__(Intracomm)
    comm.ob_mpi = handle
    comm.predefined = True
    return comm


COMM_NULL = Comm()
(<Comm>COMM_NULL).predefined = True
COMM_SELF = _predefined_comm(MPI_COMM_SELF)
COMM_WORLD = _predefined_comm(MPI_COMM_WORLD)
