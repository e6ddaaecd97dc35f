# Communicators: Comm (management, attributes, point-to-point, collectives, error handlers), the
# predefined communicators.  Intracomm: intra.pxi; Intercomm: inter.pxi; topologies: topo.pxi;
# dynamic processes: dynamic.pxi; matched messages: message.pxi.
# The work is done by the functions in p2p.pxi and coll.pxi; these methods only adapt arguments.


cdef MPI_Info arg_info(object info) except? <MPI_Info>0:
    """The MPI handle of an ``info`` argument: ``None`` or an ``MPI.Info``."""
    if info is None:
        return MPI_INFO_NULL
    if not isinstance(info, Info):
        raise TypeError(f"info: expected an MPI.Info or None, got {type(info).__name__}")
    return (<Info>info).ob_mpi


cdef MPI_Errhandler arg_errhandler(str where, object errhandler) except? <MPI_Errhandler>0:
    """The MPI handle of an ``errhandler`` argument: ``None`` (``ERRORS_RETURN``) or an ``MPI.Errhandler``."""
    if errhandler is None:
        return MPI_ERRORS_RETURN
    if not isinstance(errhandler, Errhandler):
        raise TypeError(f"{where}: errhandler must be an MPI.Errhandler or None, got {type(errhandler).__name__}")
    return (<Errhandler>errhandler).ob_mpi


# Fortran handle of a communicator -> its attached buffered-send buffer (kept alive while attached).
cdef dict _comm_buffers = {}


cdef class Comm:
    """Communication context."""

    def __cinit__(self, Comm comm=None):
        _handle_init(self, comm)

    def __richcmp__(self, other, int op):
        return _handle_richcmp(self, other, op)

    def __reduce__(self):
        return _reduce_handle(self)

    def __bool__(self):
        return _handle_bool(self)

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
        return _get_name(self)

    def Set_name(self, name):
        """Set the print name of the communicator."""
        _set_name(self, name)

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
        """Duplicate the communicator (with ``info`` hints when given)."""
        if info is not None:
            return self.Dup_with_info(info)
        cdef Comm comm = type(self).__new__(type(self))
        with nogil:
            CHKERR(MPI_Comm_dup(self.ob_mpi, &comm.ob_mpi))
        return comm

    def Dup_with_info(self, info):
        """Duplicate the communicator with ``info`` hints."""
        cdef Comm comm = type(self).__new__(type(self))
        cdef MPI_Info cinfo = arg_info(info)
        with nogil:
            CHKERR(MPI_Comm_dup_with_info(self.ob_mpi, cinfo, &comm.ob_mpi))
        return comm

    def Idup(self, info=None):
        """Nonblocking duplicate; return ``(newcomm, request)``."""
        cdef Comm comm = type(self).__new__(type(self))
        cdef Request req = Request.__new__(Request)
        cdef bint hinted = info is not None
        cdef MPI_Info cinfo = arg_info(info)
        with nogil:
            if not hinted:
                CHKERR(MPI_Comm_idup(self.ob_mpi, &comm.ob_mpi, &req.ob_mpi))
            else:
                CHKERR(MPI_Comm_idup_with_info(self.ob_mpi, cinfo, &comm.ob_mpi, &req.ob_mpi))
        req.ob_buf = comm  # the library may write the new handle at completion (Open MPI does)
        return (comm, req)

    def Create(self, Group group):
        """New communicator from the processes of ``group`` (collective over this one)."""
        cdef Comm comm = type(self).__new__(type(self))
        with nogil:
            CHKERR(MPI_Comm_create(self.ob_mpi, group.ob_mpi, &comm.ob_mpi))
        return comm

    def Split_type(self, int split_type, int key=0, info=None):
        """Split by type (e.g. ``COMM_TYPE_SHARED``: processes sharing memory)."""
        cdef Comm comm = type(self).__new__(type(self))
        cdef MPI_Info cinfo = arg_info(info)
        with nogil:
            CHKERR(MPI_Comm_split_type(self.ob_mpi, split_type, key, cinfo, &comm.ob_mpi))
        return comm

    @classmethod
    def Get_parent(cls):
        """Intercommunicator to the parent job of a spawned process (``COMM_NULL`` otherwise)."""
        cdef Intercomm comm = Intercomm.__new__(Intercomm)
        CHKERR(MPI_Comm_get_parent(&comm.ob_mpi))
        return comm

    def Disconnect(self):
        """Wait for pending communication, then free the communicator."""
        if self.predefined:
            raise ValueError("Comm.Disconnect: cannot disconnect a predefined communicator")
        with nogil:
            CHKERR(MPI_Comm_disconnect(&self.ob_mpi))

    @classmethod
    def Join(cls, int fd):
        """Intercommunicator with the process at the other end of the connected socket ``fd``."""
        cdef Intercomm comm = Intercomm.__new__(Intercomm)
        with nogil:
            CHKERR(MPI_Comm_join(fd, &comm.ob_mpi))
        return comm

    # -- attributes -----------------------------------------------------------------------------

    @classmethod
    def Create_keyval(cls, copy_fn=None, delete_fn=None, nopython=False):
        """New attribute key: ``copy_fn(comm, keyval, value)`` decides what ``Dup`` copies (return
        ``NotImplemented`` to skip; ``None``: not copied), ``delete_fn(comm, keyval, value)`` runs on deletion."""
        return _keyval_create(KIND_COMM, copy_fn, delete_fn)

    @classmethod
    def Free_keyval(cls, int keyval):
        """Free an attribute key; return ``KEYVAL_INVALID``."""
        return _keyval_free(KIND_COMM, keyval)

    def Set_attr(self, int keyval, attrval):
        """Attach ``attrval`` to the communicator under ``keyval``."""
        _attr_set(KIND_COMM, _h2i(self.ob_mpi), keyval, attrval)

    def Get_attr(self, int keyval):
        """Attribute value for ``keyval`` (``None`` if not set); predefined keys give integers."""
        cdef void *value = NULL
        cdef int found = _attr_get(KIND_COMM, _h2i(self.ob_mpi), keyval, &value)
        if found == 2:
            return <object>value
        if found == 0 or value == NULL:
            return None
        return (<int*>value)[0]

    def Delete_attr(self, int keyval):
        """Delete the attribute for ``keyval``."""
        _attr_delete_of(KIND_COMM, _h2i(self.ob_mpi), keyval)

    def Get_topology(self):
        """Topology type: ``CART``, ``GRAPH``, ``DIST_GRAPH`` or ``UNDEFINED``."""
        cdef int topo = MPI_UNDEFINED
        CHKERR(MPI_Topo_test(self.ob_mpi, &topo))
        return topo

    topology = property(Get_topology, doc="topology type")
    is_topo = property(lambda self: self.Get_topology() != MPI_UNDEFINED, doc="has a process topology")

    def Idup_with_info(self, info):
        """Nonblocking duplicate with ``info`` hints; return ``(newcomm, request)``."""
        return self.Idup(info)

    def Get_errhandler(self):
        """Error handler of the communicator."""
        return _get_errhandler(self)

    def Set_errhandler(self, Errhandler errhandler):
        """Set the error handler of the communicator."""
        _set_errhandler(self, errhandler)

    def Call_errhandler(self, int errorcode):
        """Invoke the error handler of the communicator with ``errorcode``."""
        _call_errhandler(self, errorcode)

    def py2f(self):
        """Fortran handle."""
        return _handle_py2f(self)

    @classmethod
    def f2py(cls, arg):
        """Communicator from a Fortran handle."""
        return _comm_of_handle(MPI_Comm_f2c(arg))

    # -- matched probes -------------------------------------------------------------------------

    def Mprobe(self, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Blocking matched probe: the matched ``Message``."""
        return Message.Probe(self, source, tag, status)

    def Improbe(self, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Nonblocking matched probe: a ``Message`` or ``None``."""
        return Message.Iprobe(self, source, tag, status)

    def mprobe(self, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Blocking matched probe for a Python object message."""
        return Message.probe(self, source, tag, status)

    def improbe(self, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Nonblocking matched probe for a Python object message."""
        return Message.iprobe(self, source, tag, status)

    def Split(self, int color=0, int key=0):
        """Split into subcommunicators by ``color``, ordered by ``key``."""
        cdef Comm comm = type(self).__new__(type(self))
        with nogil:
            CHKERR(MPI_Comm_split(self.ob_mpi, color, key, &comm.ob_mpi))
        return comm

    def Free(self):
        """Free the communicator."""
        _owned_release(self)

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

    def Sendrecv_replace(self, buf, int dest, int sendtag=0, int source=MPI_ANY_SOURCE, int recvtag=MPI_ANY_TAG,
                         Status status=None):
        """Send and receive a message using one buffer."""
        cdef _Msg m = msg_build(buf, True, 0, "buf")
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Sendrecv_replace(m.buf, m.count, m.dtype, dest, sendtag, source, recvtag, self.ob_mpi, st))

    def Isendrecv(self, sendbuf, int dest, int sendtag=0, recvbuf=None, int source=MPI_ANY_SOURCE,
                  int recvtag=MPI_ANY_TAG):
        """Nonblocking send and receive (MPI-4)."""
        cdef _Msg s = msg_build(sendbuf, False, 0, "sendbuf")
        cdef _Msg r = msg_build(recvbuf, True, 0, "recvbuf")
        cdef Request req = Request.__new__(Request)
        with nogil:
            CHKERR(MPI_Isendrecv(s.buf, s.count, s.dtype, dest, sendtag, r.buf, r.count, r.dtype, source, recvtag,
                                 self.ob_mpi, &req.ob_mpi))
        req.ob_buf = (s, r)
        return req

    def Isendrecv_replace(self, buf, int dest, int sendtag=0, int source=MPI_ANY_SOURCE, int recvtag=MPI_ANY_TAG):
        """Nonblocking send and receive using one buffer (MPI-4)."""
        cdef _Msg m = msg_build(buf, True, 0, "buf")
        cdef Request req = Request.__new__(Request)
        with nogil:
            CHKERR(MPI_Isendrecv_replace(m.buf, m.count, m.dtype, dest, sendtag, source, recvtag, self.ob_mpi,
                                         &req.ob_mpi))
        req.ob_buf = m
        return req

    def Attach_buffer(self, buf):
        """Attach a buffer for buffered sends on this communicator only (MPI-4.1)."""
        cdef _Msg m = msg_build([buf, BYTE], True, 0, "buf")
        CHKERR(MPI_Comm_attach_buffer(self.ob_mpi, m.buf, m.count))
        _comm_buffers[self.py2f()] = (buf, m)

    def Detach_buffer(self):
        """Detach this communicator's buffered-send buffer (MPI-4.1); return it."""
        cdef void *addr = NULL
        cdef int size = 0
        with nogil:
            CHKERR(MPI_Comm_detach_buffer(self.ob_mpi, &addr, &size))
        return _comm_buffers.pop(self.py2f(), (None, None))[0]

    def Flush_buffer(self):
        """Wait until the buffered sends of this communicator have been delivered (MPI-4.1)."""
        with nogil:
            CHKERR(MPI_Comm_flush_buffer(self.ob_mpi))

    def Iflush_buffer(self):
        """Nonblocking ``Flush_buffer`` (MPI-4.1)."""
        cdef Request req = Request.__new__(Request)
        CHKERR(MPI_Comm_iflush_buffer(self.ob_mpi, &req.ob_mpi))
        return req

    def Probe(self, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Blocking test for a message."""
        return p2p_probe(self.ob_mpi, source, tag, status, True)

    def Iprobe(self, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Nonblocking test for a message."""
        return p2p_probe(self.ob_mpi, source, tag, status, False)

    def Bsend(self, buf, int dest, int tag=0):
        """Blocking send in buffered mode (needs ``Attach_buffer``)."""
        p2p_send_mode(self.ob_mpi, buf, dest, tag, _SEND_BUFFERED, None, _BLOCK)

    def Rsend(self, buf, int dest, int tag=0):
        """Blocking send in ready mode (the receive must already be posted)."""
        p2p_send_mode(self.ob_mpi, buf, dest, tag, _SEND_READY, None, _BLOCK)

    def Ibsend(self, buf, int dest, int tag=0):
        """Nonblocking send in buffered mode."""
        cdef Request req = Request.__new__(Request)
        p2p_send_mode(self.ob_mpi, buf, dest, tag, _SEND_BUFFERED, req, _NONBLOCK)
        return req

    def Irsend(self, buf, int dest, int tag=0):
        """Nonblocking send in ready mode."""
        cdef Request req = Request.__new__(Request)
        p2p_send_mode(self.ob_mpi, buf, dest, tag, _SEND_READY, req, _NONBLOCK)
        return req

    def Send_init(self, buf, int dest, int tag=0):
        """Persistent send."""
        cdef Prequest req = Prequest.__new__(Prequest)
        p2p_send_mode(self.ob_mpi, buf, dest, tag, _SEND_STANDARD, req, _PERSIST)
        return req

    def Ssend_init(self, buf, int dest, int tag=0):
        """Persistent send in synchronous mode."""
        cdef Prequest req = Prequest.__new__(Prequest)
        p2p_send_mode(self.ob_mpi, buf, dest, tag, _SEND_SYNC, req, _PERSIST)
        return req

    def Bsend_init(self, buf, int dest, int tag=0):
        """Persistent send in buffered mode."""
        cdef Prequest req = Prequest.__new__(Prequest)
        p2p_send_mode(self.ob_mpi, buf, dest, tag, _SEND_BUFFERED, req, _PERSIST)
        return req

    def Rsend_init(self, buf, int dest, int tag=0):
        """Persistent send in ready mode."""
        cdef Prequest req = Prequest.__new__(Prequest)
        p2p_send_mode(self.ob_mpi, buf, dest, tag, _SEND_READY, req, _PERSIST)
        return req

    def Recv_init(self, buf, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG):
        """Persistent receive."""
        return p2p_recv_init(self.ob_mpi, buf, source, tag)

    def bsend(self, obj, int dest, int tag=0):
        """Send a Python object in buffered mode."""
        self.Bsend(pickle_dumps(obj), dest, tag)

    def ibsend(self, obj, int dest, int tag=0):
        """Nonblocking buffered send of a Python object."""
        return self.Ibsend(pickle_dumps(obj), dest, tag)

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

    # -- collectives, buffers (blocking, nonblocking I..., persistent ..._init) -------------
    def Barrier(self):
        """Barrier synchronization."""
        coll_barrier(self.ob_mpi, None, _BLOCK)

    def Ibarrier(self):
        """Nonblocking ``Barrier``."""
        cdef Request req = Request.__new__(Request)
        coll_barrier(self.ob_mpi, req, _NONBLOCK)
        return req

    def Barrier_init(self, info=None):
        """Persistent ``Barrier``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_barrier(self.ob_mpi, req, _PERSIST)
        return req

    def Bcast(self, buf, int root=0):
        """Broadcast from ``root``."""
        coll_bcast(self.ob_mpi, buf, root, None, _BLOCK)

    def Ibcast(self, buf, int root=0):
        """Nonblocking ``Bcast``."""
        cdef Request req = Request.__new__(Request)
        coll_bcast(self.ob_mpi, buf, root, req, _NONBLOCK)
        return req

    def Bcast_init(self, buf, int root=0, info=None):
        """Persistent ``Bcast``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_bcast(self.ob_mpi, buf, root, req, _PERSIST)
        return req

    def Scatter(self, sendbuf, recvbuf, int root=0):
        """Scatter equal blocks from ``root``."""
        coll_scatter(self.ob_mpi, sendbuf, recvbuf, root, None, _BLOCK)

    def Iscatter(self, sendbuf, recvbuf, int root=0):
        """Nonblocking ``Scatter``."""
        cdef Request req = Request.__new__(Request)
        coll_scatter(self.ob_mpi, sendbuf, recvbuf, root, req, _NONBLOCK)
        return req

    def Scatter_init(self, sendbuf, recvbuf, int root=0, info=None):
        """Persistent ``Scatter``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_scatter(self.ob_mpi, sendbuf, recvbuf, root, req, _PERSIST)
        return req

    def Scatterv(self, sendbuf, recvbuf, int root=0):
        """Scatter blocks of varying size from ``root``."""
        coll_scatterv(self.ob_mpi, sendbuf, recvbuf, root, None, _BLOCK)

    def Iscatterv(self, sendbuf, recvbuf, int root=0):
        """Nonblocking ``Scatterv``."""
        cdef Request req = Request.__new__(Request)
        coll_scatterv(self.ob_mpi, sendbuf, recvbuf, root, req, _NONBLOCK)
        return req

    def Scatterv_init(self, sendbuf, recvbuf, int root=0, info=None):
        """Persistent ``Scatterv``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_scatterv(self.ob_mpi, sendbuf, recvbuf, root, req, _PERSIST)
        return req

    def Gather(self, sendbuf, recvbuf, int root=0):
        """Gather equal blocks at ``root``."""
        coll_gather(self.ob_mpi, sendbuf, recvbuf, root, None, _BLOCK)

    def Igather(self, sendbuf, recvbuf, int root=0):
        """Nonblocking ``Gather``."""
        cdef Request req = Request.__new__(Request)
        coll_gather(self.ob_mpi, sendbuf, recvbuf, root, req, _NONBLOCK)
        return req

    def Gather_init(self, sendbuf, recvbuf, int root=0, info=None):
        """Persistent ``Gather``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_gather(self.ob_mpi, sendbuf, recvbuf, root, req, _PERSIST)
        return req

    def Gatherv(self, sendbuf, recvbuf, int root=0):
        """Gather blocks of varying size at ``root``."""
        coll_gatherv(self.ob_mpi, sendbuf, recvbuf, root, None, _BLOCK)

    def Igatherv(self, sendbuf, recvbuf, int root=0):
        """Nonblocking ``Gatherv``."""
        cdef Request req = Request.__new__(Request)
        coll_gatherv(self.ob_mpi, sendbuf, recvbuf, root, req, _NONBLOCK)
        return req

    def Gatherv_init(self, sendbuf, recvbuf, int root=0, info=None):
        """Persistent ``Gatherv``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_gatherv(self.ob_mpi, sendbuf, recvbuf, root, req, _PERSIST)
        return req

    def Allgather(self, sendbuf, recvbuf):
        """Gather to all."""
        coll_allgather(self.ob_mpi, sendbuf, recvbuf, None, _BLOCK)

    def Iallgather(self, sendbuf, recvbuf):
        """Nonblocking ``Allgather``."""
        cdef Request req = Request.__new__(Request)
        coll_allgather(self.ob_mpi, sendbuf, recvbuf, req, _NONBLOCK)
        return req

    def Allgather_init(self, sendbuf, recvbuf, info=None):
        """Persistent ``Allgather``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_allgather(self.ob_mpi, sendbuf, recvbuf, req, _PERSIST)
        return req

    def Allgatherv(self, sendbuf, recvbuf):
        """Gather blocks of varying size to all."""
        coll_allgatherv(self.ob_mpi, sendbuf, recvbuf, None, _BLOCK)

    def Iallgatherv(self, sendbuf, recvbuf):
        """Nonblocking ``Allgatherv``."""
        cdef Request req = Request.__new__(Request)
        coll_allgatherv(self.ob_mpi, sendbuf, recvbuf, req, _NONBLOCK)
        return req

    def Allgatherv_init(self, sendbuf, recvbuf, info=None):
        """Persistent ``Allgatherv``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_allgatherv(self.ob_mpi, sendbuf, recvbuf, req, _PERSIST)
        return req

    def Alltoall(self, sendbuf, recvbuf):
        """All-to-all exchange of equal blocks."""
        coll_alltoall(self.ob_mpi, sendbuf, recvbuf, None, _BLOCK)

    def Ialltoall(self, sendbuf, recvbuf):
        """Nonblocking ``Alltoall``."""
        cdef Request req = Request.__new__(Request)
        coll_alltoall(self.ob_mpi, sendbuf, recvbuf, req, _NONBLOCK)
        return req

    def Alltoall_init(self, sendbuf, recvbuf, info=None):
        """Persistent ``Alltoall``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_alltoall(self.ob_mpi, sendbuf, recvbuf, req, _PERSIST)
        return req

    def Alltoallv(self, sendbuf, recvbuf):
        """All-to-all exchange of blocks of varying size."""
        coll_alltoallv(self.ob_mpi, sendbuf, recvbuf, None, _BLOCK)

    def Ialltoallv(self, sendbuf, recvbuf):
        """Nonblocking ``Alltoallv``."""
        cdef Request req = Request.__new__(Request)
        coll_alltoallv(self.ob_mpi, sendbuf, recvbuf, req, _NONBLOCK)
        return req

    def Alltoallv_init(self, sendbuf, recvbuf, info=None):
        """Persistent ``Alltoallv``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_alltoallv(self.ob_mpi, sendbuf, recvbuf, req, _PERSIST)
        return req

    def Alltoallw(self, sendbuf, recvbuf):
        """All-to-all exchange with byte displacements and per-process datatypes."""
        coll_alltoallw(self.ob_mpi, sendbuf, recvbuf, None, _BLOCK)

    def Ialltoallw(self, sendbuf, recvbuf):
        """Nonblocking ``Alltoallw``."""
        cdef Request req = Request.__new__(Request)
        coll_alltoallw(self.ob_mpi, sendbuf, recvbuf, req, _NONBLOCK)
        return req

    def Alltoallw_init(self, sendbuf, recvbuf, info=None):
        """Persistent ``Alltoallw``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_alltoallw(self.ob_mpi, sendbuf, recvbuf, req, _PERSIST)
        return req

    def Reduce(self, sendbuf, recvbuf, Op op=SUM, int root=0):
        """Reduce to ``root``."""
        coll_reduce(self.ob_mpi, _RED_REDUCE, sendbuf, recvbuf, op, root, None, _BLOCK)

    def Ireduce(self, sendbuf, recvbuf, Op op=SUM, int root=0):
        """Nonblocking ``Reduce``."""
        cdef Request req = Request.__new__(Request)
        coll_reduce(self.ob_mpi, _RED_REDUCE, sendbuf, recvbuf, op, root, req, _NONBLOCK)
        return req

    def Reduce_init(self, sendbuf, recvbuf, Op op=SUM, int root=0, info=None):
        """Persistent ``Reduce``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_reduce(self.ob_mpi, _RED_REDUCE, sendbuf, recvbuf, op, root, req, _PERSIST)
        return req

    def Allreduce(self, sendbuf, recvbuf, Op op=SUM):
        """Reduce to all."""
        coll_reduce(self.ob_mpi, _RED_ALLREDUCE, sendbuf, recvbuf, op, 0, None, _BLOCK)

    def Iallreduce(self, sendbuf, recvbuf, Op op=SUM):
        """Nonblocking ``Allreduce``."""
        cdef Request req = Request.__new__(Request)
        coll_reduce(self.ob_mpi, _RED_ALLREDUCE, sendbuf, recvbuf, op, 0, req, _NONBLOCK)
        return req

    def Allreduce_init(self, sendbuf, recvbuf, Op op=SUM, info=None):
        """Persistent ``Allreduce``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_reduce(self.ob_mpi, _RED_ALLREDUCE, sendbuf, recvbuf, op, 0, req, _PERSIST)
        return req

    def Reduce_scatter_block(self, sendbuf, recvbuf, Op op=SUM):
        """Reduce, then scatter equal blocks."""
        coll_reduce(self.ob_mpi, _RED_SCATTER_BLOCK, sendbuf, recvbuf, op, 0, None, _BLOCK)

    def Ireduce_scatter_block(self, sendbuf, recvbuf, Op op=SUM):
        """Nonblocking ``Reduce_scatter_block``."""
        cdef Request req = Request.__new__(Request)
        coll_reduce(self.ob_mpi, _RED_SCATTER_BLOCK, sendbuf, recvbuf, op, 0, req, _NONBLOCK)
        return req

    def Reduce_scatter_block_init(self, sendbuf, recvbuf, Op op=SUM, info=None):
        """Persistent ``Reduce_scatter_block``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_reduce(self.ob_mpi, _RED_SCATTER_BLOCK, sendbuf, recvbuf, op, 0, req, _PERSIST)
        return req

    def Reduce_scatter(self, sendbuf, recvbuf, recvcounts=None, Op op=SUM):
        """Reduce, then scatter blocks of ``recvcounts`` items."""
        coll_reduce_scatter(self.ob_mpi, sendbuf, recvbuf, recvcounts, op, None, _BLOCK)

    def Ireduce_scatter(self, sendbuf, recvbuf, recvcounts=None, Op op=SUM):
        """Nonblocking ``Reduce_scatter``."""
        cdef Request req = Request.__new__(Request)
        coll_reduce_scatter(self.ob_mpi, sendbuf, recvbuf, recvcounts, op, req, _NONBLOCK)
        return req

    def Reduce_scatter_init(self, sendbuf, recvbuf, recvcounts=None, Op op=SUM, info=None):
        """Persistent ``Reduce_scatter``: start with ``Start()``."""
        cdef Prequest req = _persistent(info)
        coll_reduce_scatter(self.ob_mpi, sendbuf, recvbuf, recvcounts, op, req, _PERSIST)
        return req

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

    # -- info, error handlers -----------------------------------------------------------------

    def Set_info(self, Info info not None):
        """Set the communicator's ``info`` hints."""
        _set_info(self, info)

    def Get_info(self):
        """A new Info holding the hints in use by the communicator (free it when done)."""
        return _get_info(self)

    info = property(Get_info, Set_info, doc="info hints")

    @classmethod
    def Create_errhandler(cls, errhandler_fn):
        """New error handler calling ``errhandler_fn(comm, errorcode)`` on errors of the communicators it is set on."""
        return _create_errhandler(KIND_COMM, errhandler_fn)

    # -- partitioned point-to-point (MPI-4) -----------------------------------------------------

    def Psend_init(self, buf, int partitions, int dest, int tag=0, info=None):
        """Persistent partitioned send of ``buf`` split into ``partitions`` equal parts (mark each with ``Pready``)."""
        return _partitioned_init(self.ob_mpi, buf, partitions, dest, tag, info, True)

    def Precv_init(self, buf, int partitions, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, info=None):
        """Persistent partitioned receive into ``buf`` split into ``partitions`` equal parts (poll with ``Parrived``)."""
        return _partitioned_init(self.ob_mpi, buf, partitions, source, tag, info, False)

    # -- fault tolerance (ULFM) -----------------------------------------------------------------

    def Revoke(self):
        """Revoke the communicator: pending and later operations on it fail everywhere."""
        CHKERR(MPI_Comm_revoke(self.ob_mpi))

    def Is_revoked(self):
        """Whether the communicator has been revoked."""
        cdef int flag = 0
        CHKERR(MPI_Comm_is_revoked(self.ob_mpi, &flag))
        return <bint>flag

    def Shrink(self):
        """New communicator of the processes of this one that have not failed."""
        cdef Comm comm = type(self).__new__(type(self))
        with nogil:
            CHKERR(MPI_Comm_shrink(self.ob_mpi, &comm.ob_mpi))
        return comm

    def Ishrink(self):
        """Nonblocking ``Shrink``; return ``(newcomm, request)``."""
        cdef Comm comm = type(self).__new__(type(self))
        cdef Request req = Request.__new__(Request)
        with nogil:
            CHKERR(MPI_Comm_ishrink(self.ob_mpi, &comm.ob_mpi, &req.ob_mpi))
        req.ob_buf = comm  # written by the library at completion
        return (comm, req)

    def Agree(self, int flag):
        """Fault-tolerant agreement: the bitwise AND of ``flag`` over the live processes."""
        cdef int value = flag
        with nogil:
            CHKERR(MPI_Comm_agree(self.ob_mpi, &value))
        return value

    def Iagree(self, flag):
        """Nonblocking ``Agree`` on a one-int buffer ``flag`` (updated in place on completion)."""
        cdef _Msg m = msg_build([flag, INT], True, 0, "flag")
        if m.count != 1:
            raise ValueError(f"Comm.Iagree: flag must hold exactly one C int, got {m.count}")
        cdef Request req = Request.__new__(Request)
        CHKERR(MPI_Comm_iagree(self.ob_mpi, <int*>m.buf, &req.ob_mpi))
        req.ob_buf = m
        return req

    def Get_failed(self):
        """Group of the processes of the communicator known to have failed."""
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Comm_get_failed(self.ob_mpi, &group.ob_mpi))
        return group

    def Ack_failed(self, num_to_ack=None):
        """Acknowledge up to ``num_to_ack`` failed processes (default: all); return how many are acknowledged."""
        cdef int n = self.Get_size() if num_to_ack is None else num_to_ack
        cdef int acked = 0
        CHKERR(MPI_Comm_ack_failed(self.ob_mpi, n, &acked))
        return acked

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _handle_int(self)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        return _comm_of_handle(_i2h_Comm(handle))

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return _handle_py2f(self)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        return _comm_of_handle(MPI_Comm_f2c(arg))

    def free(self):
        """Free the handle unless it is null or predefined (never raises for those)."""
        _owned_free(self)


# -- partitioned point-to-point requests -------------------------------------------------------

cdef Prequest _partitioned_init(MPI_Comm comm, object buf, int partitions, int peer, int tag, object info, bint send):
    argname = "Psend_init" if send else "Precv_init"
    if partitions <= 0:
        raise ValueError(f"Comm.{argname}: partitions must be >= 1, got {partitions}")
    cdef _Msg m = msg_build(buf, not send, 0, "buf")
    if m.count % partitions:
        raise ValueError(f"Comm.{argname}: buf holds {m.count} items, which do not split into {partitions} equal partitions")
    cdef MPI_Count count = m.count // partitions
    cdef MPI_Info cinfo = arg_info(info)
    cdef Prequest req = Prequest.__new__(Prequest)
    if send:
        CHKERR(MPI_Psend_init(m.buf, partitions, count, m.dtype, peer, tag, comm, cinfo, &req.ob_mpi))
    else:
        CHKERR(MPI_Precv_init(m.buf, partitions, count, m.dtype, peer, tag, comm, cinfo, &req.ob_mpi))
    req.ob_buf = m
    return req


cdef Comm _comm_of_handle(MPI_Comm handle):
    """A communicator object of the class its handle calls for, as mpi4py's fromint/f2py/fromhandle give:
    Comm (null), Intercomm, Cartcomm, Graphcomm, Distgraphcomm or Intracomm."""
    cdef int inter = 0, topo = MPI_UNDEFINED
    kind = Comm
    if handle != MPI_COMM_NULL:
        CHKERR(MPI_Comm_test_inter(handle, &inter))
        if not inter:
            CHKERR(MPI_Topo_test(handle, &topo))
        kind = Intercomm if inter else {MPI_CART: Cartcomm, MPI_GRAPH: Graphcomm,
                                        MPI_DIST_GRAPH: Distgraphcomm}.get(topo, Intracomm)
    cdef Comm comm = kind.__new__(kind)
    comm.ob_mpi = handle
    comm.predefined = handle == MPI_COMM_NULL or handle == MPI_COMM_WORLD or handle == MPI_COMM_SELF
    return comm


cdef Intracomm _predefined_comm(MPI_Comm handle):
    cdef Intracomm comm = Intracomm.__new__(Intracomm)
    comm.ob_mpi = handle
    comm.predefined = True
    return comm


COMM_NULL = Comm()
(<Comm>COMM_NULL).predefined = True
COMM_SELF = _predefined_comm(MPI_COMM_SELF)
COMM_WORLD = _predefined_comm(MPI_COMM_WORLD)

COMM_TYPE_SHARED = MPI_COMM_TYPE_SHARED
COMM_TYPE_HW_GUIDED = MPI_COMM_TYPE_HW_GUIDED
COMM_TYPE_HW_UNGUIDED = MPI_COMM_TYPE_HW_UNGUIDED
COMM_TYPE_RESOURCE_GUIDED = MPI_COMM_TYPE_RESOURCE_GUIDED

HOST = MPI_HOST
IO = MPI_IO
WTIME_IS_GLOBAL = MPI_WTIME_IS_GLOBAL
UNIVERSE_SIZE = MPI_UNIVERSE_SIZE
APPNUM = MPI_APPNUM
LASTUSEDCODE = MPI_LASTUSEDCODE
