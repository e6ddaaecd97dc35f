# Communicators: Comm (management, point-to-point, collectives) and Intracomm.
# The work is done by the functions in p2p.pxi and coll.pxi; these methods only adapt arguments.


cdef MPI_Info arg_info(object info) except? <MPI_Info>0:
    """The MPI handle of an ``info`` argument: ``None`` or an ``MPI.Info``."""
    if info is None:
        return MPI_INFO_NULL
    if not isinstance(info, Info):
        raise TypeError(f"info: expected an MPI.Info or None, got {type(info).__name__}")
    return (<Info>info).ob_mpi



# Fortran handle of a communicator -> its attached buffered-send buffer (kept alive while attached).
cdef dict _comm_buffers = {}

# keyval -> (copy_fn, delete_fn) for attribute keys created from Python.
cdef dict _keyvals = {}


cdef int _attr_copy(MPI_Comm oldcomm, int keyval, void *extra, void *value_in, void *value_out, int *flag) noexcept with gil:
    flag[0] = 0
    try:
        copy_fn = _keyvals.get(keyval, (None, None))[0]
        if copy_fn is None:
            return MPI_SUCCESS
        comm = Comm.__new__(Comm)
        (<Comm>comm).ob_mpi = oldcomm
        (<Comm>comm).predefined = True
        new = copy_fn(comm, keyval, <object>value_in) if callable(copy_fn) else <object>value_in
        if new is NotImplemented:
            return MPI_SUCCESS
        Py_INCREF(new)
        (<void**>value_out)[0] = <void*>new
        flag[0] = 1
        return MPI_SUCCESS
    except BaseException:
        return MPI_ERR_OTHER


cdef int _attr_delete(MPI_Comm comm, int keyval, void *value, void *extra) noexcept with gil:
    try:
        delete_fn = _keyvals.get(keyval, (None, None))[1]
        obj = <object>value
        Py_DECREF(obj)
        if delete_fn is not None:
            c = Comm.__new__(Comm)
            (<Comm>c).ob_mpi = comm
            (<Comm>c).predefined = True
            delete_fn(c, keyval, obj)
        return MPI_SUCCESS
    except BaseException:
        return MPI_ERR_OTHER


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


cdef extern from *:
    Py_ssize_t _h2i_Comm "(Py_ssize_t)" (MPI_Comm) nogil
    MPI_Comm _i2h_Comm "(MPI_Comm)(Py_ssize_t)" (Py_ssize_t) nogil


cdef class Comm:
    """Communication context."""

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

    def __reduce__(self):
        return _reduce_handle(self)

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
        if info is None:
            CHKERR(MPI_Comm_idup(self.ob_mpi, &comm.ob_mpi, &req.ob_mpi))
        else:
            CHKERR(MPI_Comm_idup_with_info(self.ob_mpi, arg_info(info), &comm.ob_mpi, &req.ob_mpi))
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
        cdef int keyval = MPI_KEYVAL_INVALID
        CHKERR(MPI_Comm_create_keyval(_attr_copy, _attr_delete, &keyval, NULL))
        _keyvals[keyval] = (copy_fn, delete_fn)
        return keyval

    @classmethod
    def Free_keyval(cls, int keyval):
        """Free an attribute key; return ``KEYVAL_INVALID``."""
        CHKERR(MPI_Comm_free_keyval(&keyval))
        return keyval

    def Set_attr(self, int keyval, attrval):
        """Attach ``attrval`` to the communicator under ``keyval``."""
        if keyval not in _keyvals:
            raise ValueError(f"Comm.Set_attr: keyval {keyval} was not created by Comm.Create_keyval")
        Py_INCREF(attrval)
        try:
            CHKERR(MPI_Comm_set_attr(self.ob_mpi, keyval, <void*>attrval))
        except BaseException:
            Py_DECREF(attrval)
            raise

    def Get_attr(self, int keyval):
        """Attribute value for ``keyval`` (``None`` if not set); predefined keys give integers."""
        cdef void *value = NULL
        cdef int flag = 0
        CHKERR(MPI_Comm_get_attr(self.ob_mpi, keyval, &value, &flag))
        if not flag or value == NULL:
            return None
        if keyval in _keyvals:
            return <object>value
        return (<int*>value)[0]

    def Delete_attr(self, int keyval):
        """Delete the attribute for ``keyval``."""
        CHKERR(MPI_Comm_delete_attr(self.ob_mpi, keyval))

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
        cdef Errhandler eh = Errhandler.__new__(Errhandler)
        CHKERR(MPI_Comm_get_errhandler(self.ob_mpi, &eh.ob_mpi))
        return eh

    def Set_errhandler(self, Errhandler errhandler):
        """Set the error handler of the communicator."""
        CHKERR(MPI_Comm_set_errhandler(self.ob_mpi, errhandler.ob_mpi))

    def Call_errhandler(self, int errorcode):
        """Invoke the error handler of the communicator with ``errorcode``."""
        CHKERR(MPI_Comm_call_errhandler(self.ob_mpi, errorcode))

    def py2f(self):
        """Fortran handle."""
        return MPI_Comm_c2f(self.ob_mpi)

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
        if self.predefined:
            raise Exception(MPI_ERR_COMM)  # what MPI reports; some MPIs abort on it
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
        CHKERR(MPI_Isendrecv(s.buf, s.count, s.dtype, dest, sendtag, r.buf, r.count, r.dtype, source, recvtag,
                             self.ob_mpi, &req.ob_mpi))
        req.ob_buf = (s, r)
        return req

    def Isendrecv_replace(self, buf, int dest, int sendtag=0, int source=MPI_ANY_SOURCE, int recvtag=MPI_ANY_TAG):
        """Nonblocking send and receive using one buffer (MPI-4)."""
        cdef _Msg m = msg_build(buf, True, 0, "buf")
        cdef Request req = Request.__new__(Request)
        CHKERR(MPI_Isendrecv_replace(m.buf, m.count, m.dtype, dest, sendtag, source, recvtag, self.ob_mpi, &req.ob_mpi))
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
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

    # -- info, error handlers (s2-comm) ---------------------------------------------------------

    def Set_info(self, Info info not None):
        """Set the communicator's ``info`` hints."""
        CHKERR(MPI_Comm_set_info(self.ob_mpi, info.ob_mpi))

    def Get_info(self):
        """A new Info holding the hints in use by the communicator (free it when done)."""
        cdef Info info = Info.__new__(Info)
        CHKERR(MPI_Comm_get_info(self.ob_mpi, &info.ob_mpi))
        return info

    info = property(Get_info, Set_info, doc="info hints")

    @classmethod
    def Create_errhandler(cls, errhandler_fn):
        """New error handler calling ``errhandler_fn(comm, errorcode)`` on errors of the communicators it is set on."""
        if not callable(errhandler_fn):
            raise TypeError(f"Comm.Create_errhandler: errhandler_fn must be callable (comm, errorcode), "
                            f"got {type(errhandler_fn).__name__}")
        cdef int slot = len(_comm_eh_slots)
        if slot >= _EH_SLOTS:
            raise RuntimeError(f"Comm.Create_errhandler: at most {_EH_SLOTS} error handlers can be created from Python "
                               "per process; reuse one Errhandler for several communicators")
        cdef Errhandler eh = Errhandler.__new__(Errhandler)
        CHKERR(MPI_Comm_create_errhandler(_comm_eh_fn(slot), &eh.ob_mpi))
        _comm_eh_slots.append(errhandler_fn)
        return eh

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
        CHKERR(MPI_Comm_ishrink(self.ob_mpi, &comm.ob_mpi, &req.ob_mpi))
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
        return _h2i_Comm(self.ob_mpi)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        return _comm_of_handle(_i2h_Comm(handle))

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return MPI_Comm_c2f(self.ob_mpi)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        return _comm_of_handle(MPI_Comm_f2c(arg))

    def free(self):
        """Free the handle unless it is null or predefined (never raises for those)."""
        if self.ob_mpi != MPI_COMM_NULL and not self.predefined:
            CHKERR(MPI_Comm_free(&self.ob_mpi))


# -- s2-comm: error handler callbacks, partitioned requests, vendor -----------------------------

# Error handlers created from Python.  MPI passes the callback neither the error handler nor user data,
# and MPICH holds a lock while it runs (so the callback cannot query the communicator's error handler):
# each Create_errhandler gets its own C entry point from a fixed table, which knows its slot number.
cdef extern from *:
    """
    #define PyMPI_COMM_EH_SLOTS 32
    static void (*PyMPI_comm_eh_target)(int, MPI_Comm *, int *) = 0;
    #define PyMPI_COMM_EH_DEF(i) \\
      static void PyMPI_comm_eh_##i(MPI_Comm *comm, int *code, ...) \\
      { if (PyMPI_comm_eh_target) PyMPI_comm_eh_target(i, comm, code); }
    PyMPI_COMM_EH_DEF(0)
    PyMPI_COMM_EH_DEF(1)
    PyMPI_COMM_EH_DEF(2)
    PyMPI_COMM_EH_DEF(3)
    PyMPI_COMM_EH_DEF(4)
    PyMPI_COMM_EH_DEF(5)
    PyMPI_COMM_EH_DEF(6)
    PyMPI_COMM_EH_DEF(7)
    PyMPI_COMM_EH_DEF(8)
    PyMPI_COMM_EH_DEF(9)
    PyMPI_COMM_EH_DEF(10)
    PyMPI_COMM_EH_DEF(11)
    PyMPI_COMM_EH_DEF(12)
    PyMPI_COMM_EH_DEF(13)
    PyMPI_COMM_EH_DEF(14)
    PyMPI_COMM_EH_DEF(15)
    PyMPI_COMM_EH_DEF(16)
    PyMPI_COMM_EH_DEF(17)
    PyMPI_COMM_EH_DEF(18)
    PyMPI_COMM_EH_DEF(19)
    PyMPI_COMM_EH_DEF(20)
    PyMPI_COMM_EH_DEF(21)
    PyMPI_COMM_EH_DEF(22)
    PyMPI_COMM_EH_DEF(23)
    PyMPI_COMM_EH_DEF(24)
    PyMPI_COMM_EH_DEF(25)
    PyMPI_COMM_EH_DEF(26)
    PyMPI_COMM_EH_DEF(27)
    PyMPI_COMM_EH_DEF(28)
    PyMPI_COMM_EH_DEF(29)
    PyMPI_COMM_EH_DEF(30)
    PyMPI_COMM_EH_DEF(31)
    static MPI_Comm_errhandler_function *PyMPI_comm_eh_table[PyMPI_COMM_EH_SLOTS] = { PyMPI_comm_eh_0, PyMPI_comm_eh_1, PyMPI_comm_eh_2, PyMPI_comm_eh_3, PyMPI_comm_eh_4, PyMPI_comm_eh_5, PyMPI_comm_eh_6, PyMPI_comm_eh_7, PyMPI_comm_eh_8, PyMPI_comm_eh_9, PyMPI_comm_eh_10, PyMPI_comm_eh_11, PyMPI_comm_eh_12, PyMPI_comm_eh_13, PyMPI_comm_eh_14, PyMPI_comm_eh_15, PyMPI_comm_eh_16, PyMPI_comm_eh_17, PyMPI_comm_eh_18, PyMPI_comm_eh_19, PyMPI_comm_eh_20, PyMPI_comm_eh_21, PyMPI_comm_eh_22, PyMPI_comm_eh_23, PyMPI_comm_eh_24, PyMPI_comm_eh_25, PyMPI_comm_eh_26, PyMPI_comm_eh_27, PyMPI_comm_eh_28, PyMPI_comm_eh_29, PyMPI_comm_eh_30, PyMPI_comm_eh_31 };
    static MPI_Comm_errhandler_function *PyMPI_comm_eh_fn(int i) { return PyMPI_comm_eh_table[i]; }
    """
    enum: _EH_SLOTS "PyMPI_COMM_EH_SLOTS"
    ctypedef void (*_comm_eh_target_t)(int, MPI_Comm*, int*) noexcept
    _comm_eh_target_t _comm_eh_target "PyMPI_comm_eh_target"
    MPI_Comm_errhandler_function *_comm_eh_fn "PyMPI_comm_eh_fn" (int)

# slot -> the Python function of Comm.Create_errhandler (slots are not reused: MPI may keep calling an
# error handler after Errhandler.Free while a communicator still uses it).
cdef list _comm_eh_slots = []


cdef void _comm_eh_call(int slot, MPI_Comm *comm, int *code) noexcept with gil:
    if slot >= len(_comm_eh_slots):
        return
    cdef Comm c = Comm.__new__(Comm)
    c.ob_mpi = comm[0]
    c.predefined = True  # borrowed: the callback must not free it
    _comm_eh_slots[slot](c, code[0])

_comm_eh_target = _comm_eh_call


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


# Library version string prefix -> vendor name reported by get_vendor().
_VENDORS = (
    ("MPICH", "MPICH"),
    ("Open MPI", "Open MPI"),
    ("Intel(R) MPI", "Intel MPI"),
    ("Microsoft MPI", "Microsoft MPI"),
    ("MVAPICH", "MVAPICH"),
)


def get_vendor():
    """Name and ``(major, minor, micro)`` version of the MPI implementation, from its library version string."""
    import re
    text = Get_library_version()
    name = "unknown"
    for prefix, vendor in _VENDORS:
        if text.lstrip().startswith(prefix) or (vendor != "MPICH" and prefix in text):
            name = vendor
            break
    found = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text) if name != "unknown" else None
    if found is None:
        return (name, (0, 0, 0))
    return (name, (int(found.group(1)), int(found.group(2)), int(found.group(3) or 0)))


cdef class Intracomm(Comm):
    """Intracommunicator."""

    def __cinit__(self, Comm comm=None):
        if self.ob_mpi != MPI_COMM_NULL and self.Is_inter():
            raise TypeError("Intracomm: expected an intracommunicator")

    def Create_group(self, Group group, int tag=0):
        """New communicator from ``group`` (collective over the group only)."""
        cdef Intracomm comm = Intracomm.__new__(Intracomm)
        with nogil:
            CHKERR(MPI_Comm_create_group(self.ob_mpi, group.ob_mpi, tag, &comm.ob_mpi))
        return comm

    @classmethod
    def Create_from_group(cls, Group group, stringtag="org.mpi4py", info=None, errhandler=None):
        """New communicator from ``group`` without a parent communicator (MPI-4)."""
        cdef Intracomm comm = Intracomm.__new__(Intracomm)
        cdef bytes tag = str(stringtag).encode()
        cdef MPI_Errhandler eh = MPI_ERRORS_RETURN if errhandler is None else (<Errhandler>errhandler).ob_mpi
        cdef MPI_Info cinfo = arg_info(info)
        cdef char *ctag = tag
        with nogil:
            CHKERR(MPI_Comm_create_from_group(group.ob_mpi, ctag, cinfo, eh, &comm.ob_mpi))
        return comm

    def Spawn(self, command, args=None, int maxprocs=1, info=None, int root=0, errcodes=None):
        """Start ``maxprocs`` copies of ``command args`` (collective); return the intercommunicator to them."""
        cdef bytes cmd = str(command).encode()
        cdef list argv = [str(a).encode() for a in (args or ())]
        cdef _CStrings cargs = _CStrings(argv)
        cdef _IntArray codes = _IntArray(range(max(maxprocs, 0)), "errcodes")
        cdef Intercomm comm = Intercomm.__new__(Intercomm)
        cdef MPI_Info cinfo = arg_info(info)
        cdef char *ccmd = cmd
        with nogil:
            CHKERR(MPI_Comm_spawn(ccmd, cargs.data, maxprocs, cinfo, root, self.ob_mpi, &comm.ob_mpi, codes.data))
        if errcodes is not None:
            errcodes[:] = codes.tolist()
        return comm

    def Spawn_multiple(self, command, args=None, maxprocs=None, info=None, int root=0, errcodes=None):
        """Start several commands (sequences of equal length) in one job; return the intercommunicator."""
        cmds = [str(c).encode() for c in command]
        cdef int n = <int>len(cmds), i
        arglists = [[str(a).encode() for a in x] for x in (args or [()] * n)]
        counts = list(maxprocs) if maxprocs is not None else [1] * n
        infos = list(info) if isinstance(info, (list, tuple)) else [info] * n
        for name, seq in (("args", arglists), ("maxprocs", counts), ("info", infos)):
            if len(seq) != n:
                raise ValueError(f"{name}: expected {n} entries (one per command), got {len(seq)}")
        cdef _CStrings ccmds = _CStrings(cmds)
        cargs = [_CStrings(a) for a in arglists]
        cdef _IntArray cmax = _IntArray(counts, "maxprocs")
        cdef _IntArray codes = _IntArray(range(sum(counts)), "errcodes")
        cdef char ***argvs = <char***>PyMem_Malloc(max(n, 1) * sizeof(char**))
        cdef MPI_Info *cinfos = <MPI_Info*>PyMem_Malloc(max(n, 1) * sizeof(MPI_Info))
        cdef Intercomm comm = Intercomm.__new__(Intercomm)
        try:
            if argvs == NULL or cinfos == NULL:
                raise MemoryError
            for i in range(n):
                argvs[i] = (<_CStrings>cargs[i]).data
                cinfos[i] = arg_info(infos[i])
            with nogil:
                CHKERR(MPI_Comm_spawn_multiple(n, ccmds.data, argvs, cmax.data, cinfos, root, self.ob_mpi,
                                               &comm.ob_mpi, codes.data))
        finally:
            PyMem_Free(argvs)
            PyMem_Free(cinfos)
        if errcodes is not None:
            errcodes[:] = codes.tolist()
        return comm

    def Accept(self, port_name, info=None, int root=0):
        """Accept a connection on ``port_name`` (collective); return the intercommunicator."""
        cdef bytes port = str(port_name).encode()
        cdef char *cport = port
        cdef MPI_Info cinfo = arg_info(info)
        cdef Intercomm comm = Intercomm.__new__(Intercomm)
        with nogil:
            CHKERR(MPI_Comm_accept(cport, cinfo, root, self.ob_mpi, &comm.ob_mpi))
        return comm

    def Connect(self, port_name, info=None, int root=0):
        """Connect to a server accepting on ``port_name``; return the intercommunicator."""
        cdef bytes port = str(port_name).encode()
        cdef char *cport = port
        cdef MPI_Info cinfo = arg_info(info)
        cdef Intercomm comm = Intercomm.__new__(Intercomm)
        with nogil:
            CHKERR(MPI_Comm_connect(cport, cinfo, root, self.ob_mpi, &comm.ob_mpi))
        return comm

    def Create_intercomm(self, int local_leader, Intracomm peer_comm, int remote_leader, int tag=0):
        """Intercommunicator between this group and a remote one reached through ``peer_comm``."""
        cdef Intercomm comm = Intercomm.__new__(Intercomm)
        with nogil:
            CHKERR(MPI_Intercomm_create(self.ob_mpi, local_leader, peer_comm.ob_mpi, remote_leader, tag, &comm.ob_mpi))
        return comm

    def Create_cart(self, dims, periods=None, bint reorder=False):
        """Communicator with a Cartesian topology."""
        cdef _IntArray d = _IntArray(dims, "dims")
        if periods is None or isinstance(periods, bool):  # one value for every dimension, as mpi4py takes
            periods = [bool(periods)] * d.n
        cdef _IntArray p = _IntArray([1 if x else 0 for x in periods], "periods")
        if p.n != d.n:
            raise ValueError(f"periods: expected {d.n} values (one per dimension), got {p.n}")
        cdef Cartcomm comm = Cartcomm.__new__(Cartcomm)
        with nogil:
            CHKERR(MPI_Cart_create(self.ob_mpi, d.n, d.data, p.data, reorder, &comm.ob_mpi))
        return comm

    def Create_graph(self, index, edges, bint reorder=False):
        """Communicator with a graph topology (``index``: cumulative degrees)."""
        cdef _IntArray i = _IntArray(index, "index"), e = _IntArray(edges, "edges")
        cdef Graphcomm comm = Graphcomm.__new__(Graphcomm)
        with nogil:
            CHKERR(MPI_Graph_create(self.ob_mpi, i.n, i.data, e.data, reorder, &comm.ob_mpi))
        return comm

    def Create_dist_graph_adjacent(self, sources, destinations, sourceweights=None, destweights=None,
                                   info=None, bint reorder=False):
        """Distributed graph from each process's own incoming and outgoing neighbors."""
        cdef _IntArray s = _IntArray(sources, "sources"), d = _IntArray(destinations, "destinations")
        cdef _IntArray sw = _IntArray(sourceweights or (), "sourceweights")
        cdef _IntArray dw = _IntArray(destweights or (), "destweights")
        if sourceweights is not None and sw.n != s.n:
            raise ValueError(f"sourceweights: expected {s.n} weights, got {sw.n}")
        if destweights is not None and dw.n != d.n:
            raise ValueError(f"destweights: expected {d.n} weights, got {dw.n}")
        cdef Distgraphcomm comm = Distgraphcomm.__new__(Distgraphcomm)
        cdef int *sweights = _weights(sw, sourceweights)
        cdef int *dweights = _weights(dw, destweights)
        cdef MPI_Info cinfo = arg_info(info)
        with nogil:  # a collective: waits for the other processes
            CHKERR(MPI_Dist_graph_create_adjacent(self.ob_mpi, s.n, s.data, sweights, d.n, d.data,
                                                  dweights, cinfo, reorder, &comm.ob_mpi))
        return comm

    def Create_dist_graph(self, sources, degrees, destinations, weights=None, info=None, bint reorder=False):
        """Distributed graph from any edges known to each process."""
        cdef _IntArray s = _IntArray(sources, "sources"), g = _IntArray(degrees, "degrees")
        cdef _IntArray d = _IntArray(destinations, "destinations"), w = _IntArray(weights or (), "weights")
        if g.n != s.n:
            raise ValueError(f"degrees: expected {s.n} values (one per source), got {g.n}")
        cdef Distgraphcomm comm = Distgraphcomm.__new__(Distgraphcomm)
        cdef int *cweights = _weights(w, weights)
        cdef MPI_Info cinfo = arg_info(info)
        with nogil:  # a collective: waits for the other processes
            CHKERR(MPI_Dist_graph_create(self.ob_mpi, s.n, s.data, g.data, d.data, cweights,
                                         cinfo, reorder, &comm.ob_mpi))
        return comm

    def Cart_map(self, dims, periods=None):
        """Suggested rank of this process in a Cartesian topology."""
        cdef _IntArray d = _IntArray(dims, "dims")
        cdef _IntArray p = _IntArray([1 if x else 0 for x in (periods or [False] * d.n)], "periods")
        cdef int rank = MPI_UNDEFINED
        CHKERR(MPI_Cart_map(self.ob_mpi, d.n, d.data, p.data, &rank))
        return rank

    def Graph_map(self, index, edges):
        """Suggested rank of this process in a graph topology."""
        cdef _IntArray i = _IntArray(index, "index"), e = _IntArray(edges, "edges")
        cdef int rank = MPI_UNDEFINED
        CHKERR(MPI_Graph_map(self.ob_mpi, i.n, i.data, e.data, &rank))
        return rank

    def Scan(self, sendbuf, recvbuf, Op op=SUM):
        """Inclusive prefix reduction."""
        coll_reduce(self.ob_mpi, _RED_SCAN, sendbuf, recvbuf, op, 0, None, _BLOCK)

    def Iscan(self, sendbuf, recvbuf, Op op=SUM):
        """Nonblocking ``Scan``."""
        cdef Request req = Request.__new__(Request)
        coll_reduce(self.ob_mpi, _RED_SCAN, sendbuf, recvbuf, op, 0, req, _NONBLOCK)
        return req

    def Scan_init(self, sendbuf, recvbuf, Op op=SUM, info=None):
        """Persistent ``Scan``."""
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
        coll_reduce(self.ob_mpi, _RED_SCAN, sendbuf, recvbuf, op, 0, req, _PERSIST)
        return req

    def Exscan(self, sendbuf, recvbuf, Op op=SUM):
        """Exclusive prefix reduction (``recvbuf`` undefined on rank 0)."""
        coll_reduce(self.ob_mpi, _RED_EXSCAN, sendbuf, recvbuf, op, 0, None, _BLOCK)

    def Iexscan(self, sendbuf, recvbuf, Op op=SUM):
        """Nonblocking ``Exscan``."""
        cdef Request req = Request.__new__(Request)
        coll_reduce(self.ob_mpi, _RED_EXSCAN, sendbuf, recvbuf, op, 0, req, _NONBLOCK)
        return req

    def Exscan_init(self, sendbuf, recvbuf, Op op=SUM, info=None):
        """Persistent ``Exscan``."""
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
        coll_reduce(self.ob_mpi, _RED_EXSCAN, sendbuf, recvbuf, op, 0, req, _PERSIST)
        return req

    def scan(self, sendobj, op=SUM):
        """Inclusive prefix reduction of Python objects."""
        return obj_scan(self.ob_mpi, sendobj, op, False)

    def exscan(self, sendobj, op=SUM):
        """Exclusive prefix reduction of Python objects (``None`` on rank 0)."""
        return obj_scan(self.ob_mpi, sendobj, op, True)



cdef class Intercomm(Comm):
    """Intercommunicator."""

    def Get_remote_group(self):
        """Group of the remote processes."""
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Comm_remote_group(self.ob_mpi, &group.ob_mpi))
        return group

    def Get_remote_size(self):
        """Number of remote processes."""
        cdef int size = 0
        CHKERR(MPI_Comm_remote_size(self.ob_mpi, &size))
        return size

    remote_group = property(Get_remote_group, doc="remote group")
    remote_size = property(Get_remote_size, doc="number of remote processes")

    @classmethod
    def Create_from_groups(cls, Group local_group, int local_leader, Group remote_group, int remote_leader,
                           stringtag="org.mpi4py", info=None, errhandler=None):
        """Intercommunicator between two disjoint groups without a parent communicator (MPI-4)."""
        cdef Intercomm comm = Intercomm.__new__(Intercomm)
        cdef bytes tag = str(stringtag).encode()
        cdef char *ctag = tag
        if errhandler is not None and not isinstance(errhandler, Errhandler):
            raise TypeError(f"Intercomm.Create_from_groups: errhandler must be an MPI.Errhandler or None, "
                            f"got {type(errhandler).__name__}")
        cdef MPI_Errhandler eh = MPI_ERRORS_RETURN if errhandler is None else (<Errhandler>errhandler).ob_mpi
        cdef MPI_Info cinfo = arg_info(info)
        with nogil:
            CHKERR(MPI_Intercomm_create_from_groups(local_group.ob_mpi, local_leader, remote_group.ob_mpi,
                                                    remote_leader, ctag, cinfo, eh, &comm.ob_mpi))
        return comm

    def Merge(self, bint high=False):
        """Merge both sides into an intracommunicator (``high`` side ordered last)."""
        cdef Intracomm comm = Intracomm.__new__(Intracomm)
        with nogil:
            CHKERR(MPI_Intercomm_merge(self.ob_mpi, high, &comm.ob_mpi))
        return comm


cdef class Topocomm(Intracomm):
    """Intracommunicator with a process topology."""

    def Get_dist_neighbors_count(self):
        """``(indegree, outdegree, weighted)`` (any topology)."""
        cdef int indeg = 0, outdeg = 0, weighted = 0
        cdef int topo = self.Get_topology()
        if topo == MPI_CART:
            indeg = outdeg = 2 * self.Get_dim()
        elif topo == MPI_GRAPH:
            indeg = outdeg = self.Get_neighbors_count(self.Get_rank())
        else:
            CHKERR(MPI_Dist_graph_neighbors_count(self.ob_mpi, &indeg, &outdeg, &weighted))
        return (indeg, outdeg, <bint>weighted)

    @property
    def degrees(self):
        """``(indegree, outdegree)``."""
        indeg, outdeg, _ = self.Get_dist_neighbors_count()
        return (indeg, outdeg)

    @property
    def indegree(self):
        """Number of incoming neighbors."""
        return self.degrees[0]

    @property
    def outdegree(self):
        """Number of outgoing neighbors."""
        return self.degrees[1]

    @property
    def inoutedges(self):
        """``(inedges, outedges)``: neighbor ranks in neighborhood-collective order."""
        cdef int topo = self.Get_topology()
        if topo == MPI_CART:
            ranks = []
            for d in range(self.Get_dim()):
                ranks.extend(self.Shift(d, 1))
            return (ranks, ranks)
        if topo == MPI_GRAPH:
            ranks = self.Get_neighbors(self.Get_rank())
            return (ranks, ranks)
        sources, destinations, _ = self.Get_dist_neighbors()
        return (sources, destinations)

    @property
    def inedges(self):
        """Incoming neighbors."""
        return self.inoutedges[0]

    @property
    def outedges(self):
        """Outgoing neighbors."""
        return self.inoutedges[1]

    # neighborhood collectives (buffers): blocking, nonblocking, persistent

    def Neighbor_allgather(self, sendbuf, recvbuf):
        """Gather one block from every incoming neighbor."""
        coll_neighbor(self, 0, sendbuf, recvbuf, None, _BLOCK)

    def Ineighbor_allgather(self, sendbuf, recvbuf):
        """Nonblocking ``Neighbor_allgather``."""
        cdef Request req = Request.__new__(Request)
        coll_neighbor(self, 0, sendbuf, recvbuf, req, _NONBLOCK)
        return req

    def Neighbor_allgather_init(self, sendbuf, recvbuf, info=None):
        """Persistent ``Neighbor_allgather``."""
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
        coll_neighbor(self, 0, sendbuf, recvbuf, req, _PERSIST)
        return req

    def Neighbor_allgatherv(self, sendbuf, recvbuf):
        """Gather blocks of varying size from the incoming neighbors."""
        coll_neighbor(self, 2, sendbuf, recvbuf, None, _BLOCK)

    def Ineighbor_allgatherv(self, sendbuf, recvbuf):
        """Nonblocking ``Neighbor_allgatherv``."""
        cdef Request req = Request.__new__(Request)
        coll_neighbor(self, 2, sendbuf, recvbuf, req, _NONBLOCK)
        return req

    def Neighbor_allgatherv_init(self, sendbuf, recvbuf, info=None):
        """Persistent ``Neighbor_allgatherv``."""
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
        coll_neighbor(self, 2, sendbuf, recvbuf, req, _PERSIST)
        return req

    def Neighbor_alltoall(self, sendbuf, recvbuf):
        """Exchange one block with every neighbor."""
        coll_neighbor(self, 1, sendbuf, recvbuf, None, _BLOCK)

    def Ineighbor_alltoall(self, sendbuf, recvbuf):
        """Nonblocking ``Neighbor_alltoall``."""
        cdef Request req = Request.__new__(Request)
        coll_neighbor(self, 1, sendbuf, recvbuf, req, _NONBLOCK)
        return req

    def Neighbor_alltoall_init(self, sendbuf, recvbuf, info=None):
        """Persistent ``Neighbor_alltoall``."""
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
        coll_neighbor(self, 1, sendbuf, recvbuf, req, _PERSIST)
        return req

    def Neighbor_alltoallv(self, sendbuf, recvbuf):
        """Exchange blocks of varying size with the neighbors."""
        coll_neighbor(self, 3, sendbuf, recvbuf, None, _BLOCK)

    def Ineighbor_alltoallv(self, sendbuf, recvbuf):
        """Nonblocking ``Neighbor_alltoallv``."""
        cdef Request req = Request.__new__(Request)
        coll_neighbor(self, 3, sendbuf, recvbuf, req, _NONBLOCK)
        return req

    def Neighbor_alltoallv_init(self, sendbuf, recvbuf, info=None):
        """Persistent ``Neighbor_alltoallv``."""
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
        coll_neighbor(self, 3, sendbuf, recvbuf, req, _PERSIST)
        return req

    def Neighbor_alltoallw(self, sendbuf, recvbuf):
        """Exchange blocks with byte displacements and per-neighbor datatypes."""
        coll_neighbor(self, 4, sendbuf, recvbuf, None, _BLOCK)

    def Ineighbor_alltoallw(self, sendbuf, recvbuf):
        """Nonblocking ``Neighbor_alltoallw``."""
        cdef Request req = Request.__new__(Request)
        coll_neighbor(self, 4, sendbuf, recvbuf, req, _NONBLOCK)
        return req

    def Neighbor_alltoallw_init(self, sendbuf, recvbuf, info=None):
        """Persistent ``Neighbor_alltoallw``."""
        cdef Prequest req = Prequest.__new__(Prequest)
        req.ob_info = arg_info(info)
        coll_neighbor(self, 4, sendbuf, recvbuf, req, _PERSIST)
        return req

    # neighborhood collectives (objects)

    def neighbor_allgather(self, sendobj):
        """Gather a Python object from every incoming neighbor."""
        inedges, outedges = self.inoutedges
        return _obj_neighbor(self, [sendobj] * len(outedges), inedges, outedges)

    def neighbor_alltoall(self, sendobj):
        """Send ``sendobj[i]`` to outgoing neighbor ``i``; receive one object per incoming neighbor."""
        inedges, outedges = self.inoutedges
        items = list(sendobj)
        if len(items) != len(outedges):
            raise ValueError(f"neighbor_alltoall: sendobj must have one item per outgoing neighbor ({len(outedges)}), "
                             f"got {len(items)}")
        return _obj_neighbor(self, items, inedges, outedges)


cdef object _obj_neighbor(Comm comm, list items, list inedges, list outedges):
    cdef int tag = 0x6e62
    reqs = [comm.isend(items[i], outedges[i], tag) for i in range(len(outedges)) if outedges[i] != MPI_PROC_NULL]
    result = [None if src == MPI_PROC_NULL else comm.recv(None, src, tag) for src in inedges]
    Request.waitall(reqs)
    return result


cdef int coll_neighbor(Comm comm, int kind, object sendbuf, object recvbuf, Request req, int mode) except -1:
    """kind: 0 allgather, 1 alltoall, 2 allgatherv, 3 alltoallv, 4 alltoallw."""
    indeg, outdeg = (<Topocomm>comm).degrees
    cdef _Msg s, r
    cdef _VMsg sv, rv
    cdef MPI_Comm c = comm.ob_mpi
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    if kind <= 1:
        s = msg_build(sendbuf, False, outdeg if kind == 1 else 0, "sendbuf")
        r = msg_build(recvbuf, True, indeg, "recvbuf")
        _keep(req, (s, r))
        if kind == 0:
            with nogil:
                if mode == _BLOCK:
                    CHKERR(MPI_Neighbor_allgather(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, c))
                elif mode == _NONBLOCK:
                    CHKERR(MPI_Ineighbor_allgather(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, c, rq))
                else:
                    CHKERR(MPI_Neighbor_allgather_init(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, c, pinfo, rq))
        else:
            with nogil:
                if mode == _BLOCK:
                    CHKERR(MPI_Neighbor_alltoall(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, c))
                elif mode == _NONBLOCK:
                    CHKERR(MPI_Ineighbor_alltoall(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, c, rq))
                else:
                    CHKERR(MPI_Neighbor_alltoall_init(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, c, pinfo, rq))
    elif kind == 2:
        s = msg_build(sendbuf, False, 0, "sendbuf")
        rv = msg_vector(recvbuf, True, indeg, "recvbuf", False)
        _keep(req, (s, rv))
        with nogil:
            if mode == _BLOCK:
                CHKERR(MPI_Neighbor_allgatherv(s.buf, s.count, s.dtype, rv.m.buf, rv.counts.data, rv.displs.data, rv.m.dtype, c))
            elif mode == _NONBLOCK:
                CHKERR(MPI_Ineighbor_allgatherv(s.buf, s.count, s.dtype, rv.m.buf, rv.counts.data, rv.displs.data, rv.m.dtype,
                                                c, rq))
            else:
                CHKERR(MPI_Neighbor_allgatherv_init(s.buf, s.count, s.dtype, rv.m.buf, rv.counts.data, rv.displs.data,
                                                    rv.m.dtype, c, pinfo, rq))
    else:
        sv = msg_vector(sendbuf, False, outdeg, "sendbuf", kind == 4)
        rv = msg_vector(recvbuf, True, indeg, "recvbuf", kind == 4)
        _keep(req, (sv, rv))
        if kind == 3:
            with nogil:
                if mode == _BLOCK:
                    CHKERR(MPI_Neighbor_alltoallv(sv.m.buf, sv.counts.data, sv.displs.data, sv.m.dtype,
                                                  rv.m.buf, rv.counts.data, rv.displs.data, rv.m.dtype, c))
                elif mode == _NONBLOCK:
                    CHKERR(MPI_Ineighbor_alltoallv(sv.m.buf, sv.counts.data, sv.displs.data, sv.m.dtype,
                                                   rv.m.buf, rv.counts.data, rv.displs.data, rv.m.dtype, c, rq))
                else:
                    CHKERR(MPI_Neighbor_alltoallv_init(sv.m.buf, sv.counts.data, sv.displs.data, sv.m.dtype,
                                                       rv.m.buf, rv.counts.data, rv.displs.data, rv.m.dtype, c, pinfo, rq))
        else:
            with nogil:
                if mode == _BLOCK:
                    CHKERR(MPI_Neighbor_alltoallw(sv.m.buf, sv.counts.data, <MPI_Aint*>sv.aints, sv.types,
                                                  rv.m.buf, rv.counts.data, <MPI_Aint*>rv.aints, rv.types, c))
                elif mode == _NONBLOCK:
                    CHKERR(MPI_Ineighbor_alltoallw(sv.m.buf, sv.counts.data, sv.aints, sv.types,
                                                   rv.m.buf, rv.counts.data, rv.aints, rv.types, c, rq))
                else:
                    CHKERR(MPI_Neighbor_alltoallw_init(sv.m.buf, sv.counts.data, sv.aints, sv.types,
                                                       rv.m.buf, rv.counts.data, rv.aints, rv.types, c, pinfo, rq))
    return 0


cdef class Cartcomm(Topocomm):
    """Communicator with a Cartesian topology."""

    def Get_dim(self):
        """Number of dimensions."""
        cdef int ndims = 0
        CHKERR(MPI_Cartdim_get(self.ob_mpi, &ndims))
        return ndims

    ndim = property(Get_dim, doc="number of dimensions")
    dim = property(Get_dim, doc="number of dimensions (same as ``ndim``)")

    def Get_topo(self):
        """``(dims, periods, coords)``."""
        cdef int ndims = self.Get_dim()
        cdef _IntArray dims = _IntArray(range(ndims), "dims")
        cdef _IntArray periods = _IntArray(range(ndims), "periods")
        cdef _IntArray coords = _IntArray(range(ndims), "coords")
        CHKERR(MPI_Cart_get(self.ob_mpi, ndims, dims.data, periods.data, coords.data))
        return (dims.tolist(), [bool(p) for p in periods.tolist()], coords.tolist())

    topo = property(Get_topo, doc="topology information")
    dims = property(lambda self: self.Get_topo()[0], doc="dimensions")
    periods = property(lambda self: self.Get_topo()[1], doc="periodicity")
    coords = property(lambda self: self.Get_topo()[2], doc="coordinates of this process")

    def Get_cart_rank(self, coords):
        """Rank of the process at ``coords``."""
        cdef _IntArray c = _IntArray(coords, "coords")
        cdef int rank = MPI_PROC_NULL
        CHKERR(MPI_Cart_rank(self.ob_mpi, c.data, &rank))
        return rank

    def Get_coords(self, int rank):
        """Coordinates of ``rank``."""
        cdef _IntArray c = _IntArray(range(self.Get_dim()), "coords")
        CHKERR(MPI_Cart_coords(self.ob_mpi, rank, c.n, c.data))
        return c.tolist()

    def Shift(self, int direction, int disp):
        """``(source, dest)`` ranks for a shift of ``disp`` along ``direction``."""
        cdef int source = MPI_PROC_NULL, dest = MPI_PROC_NULL
        CHKERR(MPI_Cart_shift(self.ob_mpi, direction, disp, &source, &dest))
        return (source, dest)

    def Sub(self, remain_dims):
        """Cartesian subcommunicators keeping the dimensions where ``remain_dims`` is true."""
        cdef _IntArray r = _IntArray([1 if x else 0 for x in remain_dims], "remain_dims")
        cdef Cartcomm comm = Cartcomm.__new__(Cartcomm)
        with nogil:
            CHKERR(MPI_Cart_sub(self.ob_mpi, r.data, &comm.ob_mpi))
        return comm


def Compute_dims(int nnodes, dims):
    """Balanced Cartesian dimensions for ``nnodes`` processes (``dims``: an int ndims or a list, 0 = free)."""
    if isinstance(dims, int):
        dims = [0] * dims
    cdef _IntArray d = _IntArray(dims, "dims")
    CHKERR(MPI_Dims_create(nnodes, d.n, d.data))
    return d.tolist()


cdef class Graphcomm(Topocomm):
    """Communicator with a general graph topology."""

    def Get_dims(self):
        """``(nnodes, nedges)``."""
        cdef int nnodes = 0, nedges = 0
        CHKERR(MPI_Graphdims_get(self.ob_mpi, &nnodes, &nedges))
        return (nnodes, nedges)

    dims = property(Get_dims, doc="number of nodes and edges")
    nnodes = property(lambda self: self.Get_dims()[0], doc="number of nodes")
    nedges = property(lambda self: self.Get_dims()[1], doc="number of edges")

    def Get_topo(self):
        """``(index, edges)``."""
        nnodes, nedges = self.Get_dims()
        cdef _IntArray index = _IntArray(range(nnodes), "index")
        cdef _IntArray edges = _IntArray(range(nedges), "edges")
        CHKERR(MPI_Graph_get(self.ob_mpi, index.n, edges.n, index.data, edges.data))
        return (index.tolist(), edges.tolist())

    topo = property(Get_topo, doc="topology information")
    index = property(lambda self: self.Get_topo()[0], doc="index")
    edges = property(lambda self: self.Get_topo()[1], doc="edges")

    def Get_neighbors_count(self, int rank):
        """Number of neighbors of ``rank``."""
        cdef int n = 0
        CHKERR(MPI_Graph_neighbors_count(self.ob_mpi, rank, &n))
        return n

    def Get_neighbors(self, int rank):
        """Neighbors of ``rank``."""
        cdef _IntArray nb = _IntArray(range(self.Get_neighbors_count(rank)), "neighbors")
        CHKERR(MPI_Graph_neighbors(self.ob_mpi, rank, nb.n, nb.data))
        return nb.tolist()

    nneighbors = property(lambda self: self.Get_neighbors_count(self.Get_rank()), doc="number of neighbors")
    neighbors = property(lambda self: self.Get_neighbors(self.Get_rank()), doc="neighbors")


cdef class Distgraphcomm(Topocomm):
    """Communicator with a distributed graph topology."""

    def Get_dist_neighbors(self):
        """``(sources, destinations, (sourceweights, destweights) or None)``."""
        indeg, outdeg, weighted = self.Get_dist_neighbors_count()
        cdef _IntArray src = _IntArray(range(indeg), "sources")
        cdef _IntArray dst = _IntArray(range(outdeg), "destinations")
        cdef _IntArray sw = _IntArray(range(indeg), "sourceweights")
        cdef _IntArray dw = _IntArray(range(outdeg), "destweights")
        CHKERR(MPI_Dist_graph_neighbors(self.ob_mpi, src.n, src.data, sw.data if weighted else MPI_UNWEIGHTED,
                                        dst.n, dst.data, dw.data if weighted else MPI_UNWEIGHTED))
        return (src.tolist(), dst.tolist(), (sw.tolist(), dw.tolist()) if weighted else None)


cdef int *_weights(_IntArray arr, object weights) noexcept:
    if weights is None:
        return MPI_UNWEIGHTED
    if arr.n == 0:
        return MPI_WEIGHTS_EMPTY
    return arr.data



cdef extern from *:
    Py_ssize_t _h2i_Message "(Py_ssize_t)" (MPI_Message) nogil
    MPI_Message _i2h_Message "(MPI_Message)(Py_ssize_t)" (Py_ssize_t) nogil


# The receive buffer of a matched object message: as large as the message.
cdef int _message_size(Message msg, MPI_Status *st, Status status) except -1:
    cdef int n = 0
    CHKERR(MPI_Get_count(st, MPI_BYTE, &n))
    msg.ob_buf = bytearray(n)
    if status is not None:
        status.ob_mpi = st[0]
    return 0


cdef class Message:
    """Matched message (from a matched probe), received exactly once."""

    def __cinit__(self, Message message=None):
        self.ob_mpi = MPI_MESSAGE_NULL
        if message is not None:
            self.ob_mpi = message.ob_mpi

    def __richcmp__(self, other, int op):
        if not isinstance(other, Message) or op not in (2, 3):
            return NotImplemented
        cdef bint same = (<Message>self).ob_mpi == (<Message>other).ob_mpi
        return same if op == 2 else not same

    def __reduce__(self):
        return _reduce_handle(self)

    def __bool__(self):
        return self.ob_mpi != MPI_MESSAGE_NULL

    @classmethod
    def Probe(cls, Comm comm, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Blocking matched probe."""
        cdef Message msg = Message.__new__(Message)
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Mprobe(source, tag, comm.ob_mpi, &msg.ob_mpi, st))
        return msg

    @classmethod
    def Iprobe(cls, Comm comm, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Nonblocking matched probe: a ``Message`` or ``None``."""
        cdef Message msg = Message.__new__(Message)
        cdef int flag = 0
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Improbe(source, tag, comm.ob_mpi, &flag, &msg.ob_mpi, st))
        return msg if flag else None

    def Recv(self, buf, Status status=None):
        """Blocking receive of the matched message."""
        cdef _Msg m = msg_build(buf, True, 0, "buf")
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Mrecv(m.buf, m.count, m.dtype, &self.ob_mpi, st))

    def Irecv(self, buf):
        """Nonblocking receive of the matched message."""
        cdef _Msg m = msg_build(buf, True, 0, "buf")
        cdef Request req = Request.__new__(Request)
        CHKERR(MPI_Imrecv(m.buf, m.count, m.dtype, &self.ob_mpi, &req.ob_mpi))
        req.ob_buf = m
        return req

    @classmethod
    def probe(cls, Comm comm, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Blocking matched probe for a Python object."""
        cdef Message msg = Message.__new__(Message)
        cdef MPI_Status st
        with nogil:
            CHKERR(MPI_Mprobe(source, tag, comm.ob_mpi, &msg.ob_mpi, &st))
        _message_size(msg, &st, status)
        return msg

    @classmethod
    def iprobe(cls, Comm comm, int source=MPI_ANY_SOURCE, int tag=MPI_ANY_TAG, Status status=None):
        """Nonblocking matched probe for a Python object: a ``Message`` or ``None``."""
        cdef Message msg = Message.__new__(Message)
        cdef MPI_Status st
        cdef int flag = 0
        with nogil:
            CHKERR(MPI_Improbe(source, tag, comm.ob_mpi, &flag, &msg.ob_mpi, &st))
        if not flag:
            return None
        _message_size(msg, &st, status)
        return msg

    def recv(self, Status status=None):
        """Receive the matched Python object."""
        buf = self.ob_buf if self.ob_buf is not None else bytearray(0)
        cdef Py_ssize_t n = len(buf)
        cdef char *p = buf
        cdef MPI_Status *st = _status_ptr(status)
        with nogil:
            CHKERR(MPI_Mrecv(p, <int>n, MPI_BYTE, &self.ob_mpi, st))
        self.ob_buf = None
        return pickle_loads(buf, n)

    def irecv(self):
        """Nonblocking receive of the matched Python object."""
        buf = self.ob_buf if self.ob_buf is not None else bytearray(0)
        cdef char *p = buf
        cdef Request req = Request.__new__(Request)
        CHKERR(MPI_Imrecv(p, <int>len(buf), MPI_BYTE, &self.ob_mpi, &req.ob_mpi))
        self.ob_buf = None
        req.ob_buf = (buf, None)  # a private bytearray: nobody else can resize it
        req.ob_kind = _REQ_OBJ_RECV
        return req

    def py2f(self):
        """Fortran handle."""
        return MPI_Message_c2f(self.ob_mpi)

    @classmethod
    def f2py(cls, arg):
        """Message from a Fortran handle."""
        cdef Message msg = Message.__new__(Message)
        msg.ob_mpi = MPI_Message_f2c(arg)
        return msg

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _h2i_Message(self.ob_mpi)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        cdef Message obj = cls.__new__(cls)
        obj.ob_mpi = _i2h_Message(handle)
        return obj

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return MPI_Message_c2f(self.ob_mpi)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        cdef Message obj = cls.__new__(cls)
        obj.ob_mpi = MPI_Message_f2c(arg)
        return obj

    def free(self):
        """Free the handle unless it is null or predefined (never raises for those)."""
        if self.ob_mpi != MPI_MESSAGE_NULL and self.ob_mpi != MPI_MESSAGE_NO_PROC:
            self.ob_mpi = MPI_MESSAGE_NULL


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


MESSAGE_NULL = Message()
MESSAGE_NO_PROC = Message()
(<Message>MESSAGE_NO_PROC).ob_mpi = MPI_MESSAGE_NO_PROC


cdef Intracomm _predefined_comm(MPI_Comm handle):
    cdef Intracomm comm = Intracomm.__new__(Intracomm)
    comm.ob_mpi = handle
    comm.predefined = True
    return comm


COMM_NULL = Comm()
(<Comm>COMM_NULL).predefined = True
COMM_SELF = _predefined_comm(MPI_COMM_SELF)
COMM_WORLD = _predefined_comm(MPI_COMM_WORLD)

CART = MPI_CART
GRAPH = MPI_GRAPH
DIST_GRAPH = MPI_DIST_GRAPH
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
MAX_PORT_NAME = MPI_MAX_PORT_NAME
UNWEIGHTED = <Py_ssize_t>MPI_UNWEIGHTED
WEIGHTS_EMPTY = <Py_ssize_t>MPI_WEIGHTS_EMPTY
