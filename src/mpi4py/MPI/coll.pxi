# Collective communication: buffers (Bcast/Scatter/...) and pickled objects (bcast/scatter/...).
# Object collectives never leave a peer waiting: a rank that fails to serialize its input still
# takes part (sending a count of -1 and no data), and every rank that sees -1 raises.


cdef inline int comm_size(MPI_Comm comm) except -1:
    cdef int size = 0
    CHKERR(MPI_Comm_size(comm, &size))
    return size


cdef inline int comm_rank(MPI_Comm comm) except -1:
    cdef int rank = MPI_PROC_NULL
    CHKERR(MPI_Comm_rank(comm, &rank))
    return rank


cdef _Msg msg_null():
    cdef _Msg m = _Msg.__new__(_Msg)
    m.dtype = MPI_BYTE
    return m


cdef _Msg msg_in_place():
    cdef _Msg m = msg_null()
    m.buf = MPI_IN_PLACE
    return m


# -- buffers ----------------------------------------------------------------------------------
# Every buffer collective takes ``mode`` (see request.pxi); the request keeps the message buffers alive.

cdef inline int _keep(Request req, object bufs) except -1:
    if req is not None:
        req.ob_buf = bufs
    return 0


cdef inline MPI_Request *_reqp(Request req) noexcept:
    return NULL if req is None else &req.ob_mpi


@cython.final
cdef class _VMsg:
    """A vector message: one buffer, per-process counts and displacements (or datatypes for w)."""

    cdef _Msg m
    cdef _IntArray counts
    cdef _IntArray displs
    cdef MPI_Datatype *types
    cdef MPI_Aint *aints
    cdef object keep

    def __dealloc__(self):
        PyMem_Free(self.types)
        PyMem_Free(self.aints)


cdef _VMsg msg_vector(object spec, bint writable, int size, str argname, bint wtypes):
    """``[buf, counts, displs, datatype(s)]``, ``[buf, (counts, displs), datatype(s)]``, ``[buf, counts, datatype]``
    or ``[buf, counts]`` (displacements packed in order)."""
    cdef _VMsg v = _VMsg.__new__(_VMsg)
    cdef int i
    cdef Py_ssize_t total = 0
    if not isinstance(spec, (list, tuple)) or not 2 <= len(spec) <= 4:
        raise ValueError(f"{argname}: a vector message is [buf, counts, displs, datatype], [buf, (counts, displs), datatype] "
                         "or [buf, counts, datatype]")
    buf, counts, displs, dtype = (list(spec) + [None, None])[:4] if len(spec) < 4 else spec
    if len(spec) == 3:
        buf, counts, dtype, displs = spec[0], spec[1], spec[2], None
        if isinstance(counts, tuple) and len(counts) == 2 and not isinstance(counts[0], int):
            counts, displs = counts
    elif len(spec) == 2:
        buf, counts, dtype, displs = spec[0], spec[1], None, None
    v.counts = _IntArray(counts, argname + " counts")
    if v.counts.n != size:
        raise ValueError(f"{argname}: expected {size} counts (one per process), got {v.counts.n}")
    if displs is None:
        v.displs = _IntArray(range(size), argname + " displs")
        for i in range(size):
            v.displs.data[i] = <int>total
            total += v.counts.data[i]
    else:
        v.displs = _IntArray(displs, argname + " displs")
        if v.displs.n != size:
            raise ValueError(f"{argname}: expected {size} displacements, got {v.displs.n}")
    if wtypes:
        types = list(dtype)
        if len(types) != size:
            raise ValueError(f"{argname}: expected {size} datatypes, got {len(types)}")
        v.types = <MPI_Datatype*>PyMem_Malloc(max(size, 1) * sizeof(MPI_Datatype))
        if v.types == NULL:
            raise MemoryError
        for i in range(size):
            v.types[i] = (<Datatype?>types[i]).ob_mpi
        v.keep = types
        v.aints = <MPI_Aint*>PyMem_Malloc(max(size, 1) * sizeof(MPI_Aint))
        if v.aints == NULL:
            raise MemoryError
        for i in range(size):
            v.aints[i] = v.displs.data[i]
        v.m = msg_build([buf, BYTE] if buf is not None else [None, 0, BYTE], writable, 0, argname)
    else:
        v.m = msg_build([buf, dtype] if dtype is not None else buf, writable, 0, argname)
    return v


cdef _VMsg vmsg_in_place():
    cdef _VMsg v = _VMsg.__new__(_VMsg)
    v.m = msg_in_place()
    v.counts = _IntArray((), "counts")
    v.displs = v.counts
    return v


cdef int coll_barrier(MPI_Comm comm, Request req, int mode) except -1:
    if mode == _BLOCK:
        with nogil:
            CHKERR(MPI_Barrier(comm))
    elif mode == _NONBLOCK:
        CHKERR(MPI_Ibarrier(comm, _reqp(req)))
    else:
        CHKERR(MPI_Barrier_init(comm, _pinfo(req), _reqp(req)))
    return 0


cdef int coll_bcast(MPI_Comm comm, object buf, int root, Request req=None, int mode=_BLOCK) except -1:
    cdef _Msg m = msg_build(buf, comm_rank(comm) != root, 0, "buf")
    if mode == _BLOCK:
        with nogil:
            CHKERR(MPI_Bcast(m.buf, m.count, m.dtype, root, comm))
    elif mode == _NONBLOCK:
        CHKERR(MPI_Ibcast(m.buf, m.count, m.dtype, root, comm, _reqp(req)))
    else:
        CHKERR(MPI_Bcast_init(m.buf, m.count, m.dtype, root, comm, _pinfo(req), _reqp(req)))
    return _keep(req, m)


cdef int coll_scatter(MPI_Comm comm, object sendbuf, object recvbuf, int root, Request req=None, int mode=_BLOCK) except -1:
    cdef int size = comm_size(comm)
    cdef bint isroot = comm_rank(comm) == root
    cdef _Msg s = msg_build(sendbuf, False, size, "sendbuf") if isroot else msg_null()
    cdef _Msg r = msg_in_place() if (isroot and is_in_place(recvbuf)) else msg_build(recvbuf, True, 0, "recvbuf")
    if mode == _BLOCK:
        with nogil:
            CHKERR(MPI_Scatter(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, root, comm))
    elif mode == _NONBLOCK:
        CHKERR(MPI_Iscatter(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, root, comm, _reqp(req)))
    else:
        CHKERR(MPI_Scatter_init(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, root, comm, _pinfo(req), _reqp(req)))
    return _keep(req, (s, r))


cdef int coll_gather(MPI_Comm comm, object sendbuf, object recvbuf, int root, Request req=None, int mode=_BLOCK) except -1:
    cdef int size = comm_size(comm)
    cdef bint isroot = comm_rank(comm) == root
    cdef _Msg s = msg_in_place() if (isroot and is_in_place(sendbuf)) else msg_build(sendbuf, False, 0, "sendbuf")
    cdef _Msg r = msg_build(recvbuf, True, size, "recvbuf") if isroot else msg_null()
    if mode == _BLOCK:
        with nogil:
            CHKERR(MPI_Gather(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, root, comm))
    elif mode == _NONBLOCK:
        CHKERR(MPI_Igather(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, root, comm, _reqp(req)))
    else:
        CHKERR(MPI_Gather_init(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, root, comm, _pinfo(req), _reqp(req)))
    return _keep(req, (s, r))


cdef int coll_allgather(MPI_Comm comm, object sendbuf, object recvbuf, Request req=None, int mode=_BLOCK) except -1:
    cdef int size = comm_size(comm)
    cdef _Msg s = msg_in_place() if is_in_place(sendbuf) else msg_build(sendbuf, False, 0, "sendbuf")
    cdef _Msg r = msg_build(recvbuf, True, size, "recvbuf")
    if mode == _BLOCK:
        with nogil:
            CHKERR(MPI_Allgather(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, comm))
    elif mode == _NONBLOCK:
        CHKERR(MPI_Iallgather(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, comm, _reqp(req)))
    else:
        CHKERR(MPI_Allgather_init(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, comm, _pinfo(req), _reqp(req)))
    return _keep(req, (s, r))


cdef int coll_alltoall(MPI_Comm comm, object sendbuf, object recvbuf, Request req=None, int mode=_BLOCK) except -1:
    cdef int size = comm_size(comm)
    cdef _Msg s = msg_in_place() if is_in_place(sendbuf) else msg_build(sendbuf, False, size, "sendbuf")
    cdef _Msg r = msg_build(recvbuf, True, size, "recvbuf")
    if mode == _BLOCK:
        with nogil:
            CHKERR(MPI_Alltoall(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, comm))
    elif mode == _NONBLOCK:
        CHKERR(MPI_Ialltoall(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, comm, _reqp(req)))
    else:
        CHKERR(MPI_Alltoall_init(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, comm, _pinfo(req), _reqp(req)))
    return _keep(req, (s, r))


cdef int coll_scatterv(MPI_Comm comm, object sendbuf, object recvbuf, int root, Request req=None, int mode=_BLOCK) except -1:
    cdef int size = comm_size(comm)
    cdef bint isroot = comm_rank(comm) == root
    cdef _VMsg s = msg_vector(sendbuf, False, size, "sendbuf", False) if isroot else vmsg_in_place()
    cdef _Msg r = msg_in_place() if (isroot and is_in_place(recvbuf)) else msg_build(recvbuf, True, 0, "recvbuf")
    if mode == _BLOCK:
        with nogil:
            CHKERR(MPI_Scatterv(s.m.buf, s.counts.data, s.displs.data, s.m.dtype, r.buf, r.count, r.dtype, root, comm))
    elif mode == _NONBLOCK:
        CHKERR(MPI_Iscatterv(s.m.buf, s.counts.data, s.displs.data, s.m.dtype, r.buf, r.count, r.dtype, root, comm,
                             _reqp(req)))
    else:
        CHKERR(MPI_Scatterv_init(s.m.buf, s.counts.data, s.displs.data, s.m.dtype, r.buf, r.count, r.dtype, root, comm,
                                 _pinfo(req), _reqp(req)))
    return _keep(req, (s, r))


cdef int coll_gatherv(MPI_Comm comm, object sendbuf, object recvbuf, int root, Request req=None, int mode=_BLOCK) except -1:
    cdef int size = comm_size(comm)
    cdef bint isroot = comm_rank(comm) == root
    cdef _Msg s = msg_in_place() if (isroot and is_in_place(sendbuf)) else msg_build(sendbuf, False, 0, "sendbuf")
    cdef _VMsg r = msg_vector(recvbuf, True, size, "recvbuf", False) if isroot else vmsg_in_place()
    if mode == _BLOCK:
        with nogil:
            CHKERR(MPI_Gatherv(s.buf, s.count, s.dtype, r.m.buf, r.counts.data, r.displs.data, r.m.dtype, root, comm))
    elif mode == _NONBLOCK:
        CHKERR(MPI_Igatherv(s.buf, s.count, s.dtype, r.m.buf, r.counts.data, r.displs.data, r.m.dtype, root, comm,
                            _reqp(req)))
    else:
        CHKERR(MPI_Gatherv_init(s.buf, s.count, s.dtype, r.m.buf, r.counts.data, r.displs.data, r.m.dtype, root, comm,
                                _pinfo(req), _reqp(req)))
    return _keep(req, (s, r))


cdef int coll_allgatherv(MPI_Comm comm, object sendbuf, object recvbuf, Request req=None, int mode=_BLOCK) except -1:
    cdef int size = comm_size(comm)
    cdef _Msg s = msg_in_place() if is_in_place(sendbuf) else msg_build(sendbuf, False, 0, "sendbuf")
    cdef _VMsg r = msg_vector(recvbuf, True, size, "recvbuf", False)
    if mode == _BLOCK:
        with nogil:
            CHKERR(MPI_Allgatherv(s.buf, s.count, s.dtype, r.m.buf, r.counts.data, r.displs.data, r.m.dtype, comm))
    elif mode == _NONBLOCK:
        CHKERR(MPI_Iallgatherv(s.buf, s.count, s.dtype, r.m.buf, r.counts.data, r.displs.data, r.m.dtype, comm, _reqp(req)))
    else:
        CHKERR(MPI_Allgatherv_init(s.buf, s.count, s.dtype, r.m.buf, r.counts.data, r.displs.data, r.m.dtype, comm,
                                   _pinfo(req), _reqp(req)))
    return _keep(req, (s, r))


cdef int coll_alltoallv(MPI_Comm comm, object sendbuf, object recvbuf, Request req=None, int mode=_BLOCK) except -1:
    cdef int size = comm_size(comm)
    cdef _VMsg s = vmsg_in_place() if is_in_place(sendbuf) else msg_vector(sendbuf, False, size, "sendbuf", False)
    cdef _VMsg r = msg_vector(recvbuf, True, size, "recvbuf", False)
    if mode == _BLOCK:
        with nogil:
            CHKERR(MPI_Alltoallv(s.m.buf, s.counts.data, s.displs.data, s.m.dtype,
                                 r.m.buf, r.counts.data, r.displs.data, r.m.dtype, comm))
    elif mode == _NONBLOCK:
        CHKERR(MPI_Ialltoallv(s.m.buf, s.counts.data, s.displs.data, s.m.dtype,
                              r.m.buf, r.counts.data, r.displs.data, r.m.dtype, comm, _reqp(req)))
    else:
        CHKERR(MPI_Alltoallv_init(s.m.buf, s.counts.data, s.displs.data, s.m.dtype,
                                  r.m.buf, r.counts.data, r.displs.data, r.m.dtype, comm, _pinfo(req), _reqp(req)))
    return _keep(req, (s, r))


cdef int coll_alltoallw(MPI_Comm comm, object sendbuf, object recvbuf, Request req=None, int mode=_BLOCK) except -1:
    """Alltoallw: displacements in bytes, one datatype per process."""
    cdef int size = comm_size(comm)
    cdef _VMsg s = vmsg_in_place() if is_in_place(sendbuf) else msg_vector(sendbuf, False, size, "sendbuf", True)
    cdef _VMsg r = msg_vector(recvbuf, True, size, "recvbuf", True)
    if mode == _BLOCK:
        with nogil:
            CHKERR(MPI_Alltoallw(s.m.buf, s.counts.data, s.displs.data, s.types,
                                 r.m.buf, r.counts.data, r.displs.data, r.types, comm))
    elif mode == _NONBLOCK:
        CHKERR(MPI_Ialltoallw(s.m.buf, s.counts.data, s.displs.data, s.types,
                              r.m.buf, r.counts.data, r.displs.data, r.types, comm, _reqp(req)))
    else:
        CHKERR(MPI_Alltoallw_init(s.m.buf, s.counts.data, s.displs.data, s.types,
                                  r.m.buf, r.counts.data, r.displs.data, r.types, comm, _pinfo(req), _reqp(req)))
    return _keep(req, (s, r))


cdef enum:
    _RED_REDUCE = 0
    _RED_ALLREDUCE = 1
    _RED_SCAN = 2
    _RED_EXSCAN = 3
    _RED_SCATTER_BLOCK = 4


cdef int coll_reduce(MPI_Comm comm, int kind, object sendbuf, object recvbuf, Op op, int root,
                     Request req=None, int mode=_BLOCK) except -1:
    cdef bint needs_recv = kind != _RED_REDUCE or comm_rank(comm) == root
    cdef _Msg r = msg_build(recvbuf, True, 0, "recvbuf") if (needs_recv or recvbuf is not None) else msg_null()
    cdef _Msg s
    cdef int count
    cdef MPI_Datatype dtype
    cdef int nblocks = comm_size(comm) if kind == _RED_SCATTER_BLOCK else 1
    if is_in_place(sendbuf):
        if not needs_recv:
            raise ValueError("sendbuf: IN_PLACE is only valid at the root of Reduce")
        s = msg_in_place()
        count, dtype = r.count, r.dtype
    else:
        s = msg_build(sendbuf, False, nblocks, "sendbuf")
        count, dtype = s.count, s.dtype
        if needs_recv and r.count < count:
            raise ValueError(f"recvbuf: room for {r.count} items but sendbuf has {count}")
    cdef MPI_Op mop = op.ob_mpi
    cdef MPI_Request *rq = _reqp(req)
    if kind == _RED_REDUCE:
        if mode == _BLOCK:
            with nogil:
                CHKERR(MPI_Reduce(s.buf, r.buf, count, dtype, mop, root, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Ireduce(s.buf, r.buf, count, dtype, mop, root, comm, rq))
        else:
            CHKERR(MPI_Reduce_init(s.buf, r.buf, count, dtype, mop, root, comm, _pinfo(req), rq))
    elif kind == _RED_ALLREDUCE:
        if mode == _BLOCK:
            with nogil:
                CHKERR(MPI_Allreduce(s.buf, r.buf, count, dtype, mop, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Iallreduce(s.buf, r.buf, count, dtype, mop, comm, rq))
        else:
            CHKERR(MPI_Allreduce_init(s.buf, r.buf, count, dtype, mop, comm, _pinfo(req), rq))
    elif kind == _RED_SCAN:
        if mode == _BLOCK:
            with nogil:
                CHKERR(MPI_Scan(s.buf, r.buf, count, dtype, mop, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Iscan(s.buf, r.buf, count, dtype, mop, comm, rq))
        else:
            CHKERR(MPI_Scan_init(s.buf, r.buf, count, dtype, mop, comm, _pinfo(req), rq))
    elif kind == _RED_EXSCAN:
        if mode == _BLOCK:
            with nogil:
                CHKERR(MPI_Exscan(s.buf, r.buf, count, dtype, mop, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Iexscan(s.buf, r.buf, count, dtype, mop, comm, rq))
        else:
            CHKERR(MPI_Exscan_init(s.buf, r.buf, count, dtype, mop, comm, _pinfo(req), rq))
    else:
        if is_in_place(sendbuf):
            count = r.count // nblocks
        if mode == _BLOCK:
            with nogil:
                CHKERR(MPI_Reduce_scatter_block(s.buf, r.buf, count, dtype, mop, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Ireduce_scatter_block(s.buf, r.buf, count, dtype, mop, comm, rq))
        else:
            CHKERR(MPI_Reduce_scatter_block_init(s.buf, r.buf, count, dtype, mop, comm, _pinfo(req), rq))
    return _keep(req, (s, r, op))


cdef int coll_reduce_scatter(MPI_Comm comm, object sendbuf, object recvbuf, object recvcounts, Op op,
                             Request req=None, int mode=_BLOCK) except -1:
    cdef int size = comm_size(comm)
    cdef _Msg r = msg_build(recvbuf, True, 0, "recvbuf")
    if recvcounts is None:
        recvcounts = comm_allgather_int(comm, r.count)
    cdef _IntArray counts = _IntArray(recvcounts, "recvcounts")
    if counts.n != size:
        raise ValueError(f"recvcounts: expected {size} counts (one per process), got {counts.n}")
    cdef _Msg s = msg_in_place() if is_in_place(sendbuf) else msg_build(sendbuf, False, 0, "sendbuf")
    cdef MPI_Datatype dtype = r.dtype if is_in_place(sendbuf) else s.dtype
    cdef MPI_Op mop = op.ob_mpi
    if mode == _BLOCK:
        with nogil:
            CHKERR(MPI_Reduce_scatter(s.buf, r.buf, counts.data, dtype, mop, comm))
    elif mode == _NONBLOCK:
        CHKERR(MPI_Ireduce_scatter(s.buf, r.buf, counts.data, dtype, mop, comm, _reqp(req)))
    else:
        CHKERR(MPI_Reduce_scatter_init(s.buf, r.buf, counts.data, dtype, mop, comm, _pinfo(req), _reqp(req)))
    return _keep(req, (s, r, counts, op))


cdef list comm_allgather_int(MPI_Comm comm, int value):
    cdef _IntArray out = _IntArray(range(comm_size(comm)), "counts")
    with nogil:
        CHKERR(MPI_Allgather(&value, 1, MPI_INT, out.data, 1, MPI_INT, comm))
    return out.tolist()


# -- pickled objects --------------------------------------------------------------------------

@cython.final
cdef class _Ints:
    """A C int array freed with its owner."""

    cdef int *data
    cdef int n

    def __cinit__(self, int n):
        self.n = n
        self.data = <int*>PyMem_Malloc(max(n, 1) * sizeof(int))
        if self.data == NULL:
            raise MemoryError

    def __dealloc__(self):
        PyMem_Free(self.data)


cdef tuple _try_dumps(object obj):
    """(data, count, error): count is -1 and data empty when serialization failed."""
    try:
        data = pickle_dumps(obj)
        return (data, bytes_count(data, "obj"), None)
    except _builtins.Exception as exc:
        return (b"", -1, exc)


cdef int _displs(_Ints counts, _Ints displs, str where) except -1:
    cdef Py_ssize_t total = 0
    cdef int i
    for i in range(counts.n):
        displs.data[i] = <int>total
        if counts.data[i] > 0:
            total += counts.data[i]
    if total > INT_MAX:
        raise OverflowError(f"{where}: {total} bytes of pickled data exceed the largest MPI int count")
    return <int>total


cdef int _raise_failed(object err, list failed, str where) except -1:
    if err is not None:
        raise err
    if failed:
        raise RuntimeError(f"{where}: could not serialize the object on rank(s) {failed}")
    return 0


cdef list _unpickle_parts(bytes data, _Ints counts, _Ints displs):
    cdef list result = []
    cdef int i
    view = memoryview(data)
    for i in range(counts.n):
        result.append(pickle_loads(view[displs.data[i]:displs.data[i] + counts.data[i]], counts.data[i]))
    return result


cdef enum:
    _BCAST_HEAD = 256  # first broadcast: the pickle's size (8 bytes) and, if it fits, the pickle itself


cdef object obj_bcast(MPI_Comm comm, object obj, int root):
    """One broadcast for a pickle of up to 248 bytes; larger ones follow in a second broadcast."""
    cdef bint isroot = comm_rank(comm) == root
    cdef char head[_BCAST_HEAD]
    cdef int n = 0
    data, err = None, None
    if isroot:
        data, n, err = _try_dumps(obj)
        if 0 < n <= _BCAST_HEAD - 8:
            memcpy(head + 8, PyBytes_AS_STRING(data), n)
    memcpy(head, &n, sizeof(int))
    with nogil:
        CHKERR(MPI_Bcast(head, _BCAST_HEAD, MPI_BYTE, root, comm))
    memcpy(&n, head, sizeof(int))
    if n < 0:
        _raise_failed(err, [root], "bcast")
    if n <= _BCAST_HEAD - 8:
        if not isroot:
            data = PyBytes_FromStringAndSize(head + 8, n)
        return pickle_loads(data, n)
    if not isroot:
        data = PyBytes_FromStringAndSize(NULL, n)
    cdef char *p = PyBytes_AS_STRING(data)
    with nogil:
        CHKERR(MPI_Bcast(p, n, MPI_BYTE, root, comm))
    return pickle_loads(data, n)


cdef list _clear_failed(_Ints counts):
    """Ranks whose count is -1 (serialization failed); their counts become 0."""
    cdef list failed = []
    cdef int i
    for i in range(counts.n):
        if counts.data[i] < 0:
            failed.append(i)
            counts.data[i] = 0
    return failed


cdef object obj_gather(MPI_Comm comm, object sendobj, int root):
    cdef int size = comm_size(comm)
    cdef bint isroot = comm_rank(comm) == root
    cdef _Ints counts = _Ints(size), displs = _Ints(size)
    data, n, err = _try_dumps(sendobj)
    cdef int sn = n
    with nogil:
        CHKERR(MPI_Gather(&sn, 1, MPI_INT, counts.data, 1, MPI_INT, root, comm))
    cdef list failed = _clear_failed(counts) if isroot else []
    if sn < 0:
        sn = 0
    cdef bytes rdata = PyBytes_FromStringAndSize(NULL, _displs(counts, displs, "gather") if isroot else 0)
    cdef char *sp = PyBytes_AS_STRING(data)
    cdef char *rp = PyBytes_AS_STRING(rdata)
    with nogil:
        CHKERR(MPI_Gatherv(sp, sn, MPI_BYTE, rp, counts.data, displs.data, MPI_BYTE, root, comm))
    _raise_failed(err, failed, "gather")
    if not isroot:
        return None
    return _unpickle_parts(rdata, counts, displs)


cdef object obj_allgather(MPI_Comm comm, object sendobj):
    cdef int size = comm_size(comm)
    cdef _Ints counts = _Ints(size), displs = _Ints(size)
    data, n, err = _try_dumps(sendobj)
    cdef int sn = n
    with nogil:
        CHKERR(MPI_Allgather(&sn, 1, MPI_INT, counts.data, 1, MPI_INT, comm))
    cdef list failed = _clear_failed(counts)
    if sn < 0:
        sn = 0
    cdef bytes rdata = PyBytes_FromStringAndSize(NULL, _displs(counts, displs, "allgather"))
    cdef char *sp = PyBytes_AS_STRING(data)
    cdef char *rp = PyBytes_AS_STRING(rdata)
    with nogil:
        CHKERR(MPI_Allgatherv(sp, sn, MPI_BYTE, rp, counts.data, displs.data, MPI_BYTE, comm))
    _raise_failed(err, failed, "allgather")
    return _unpickle_parts(rdata, counts, displs)


cdef object obj_scatter(MPI_Comm comm, object sendobj, int root):
    cdef int size = comm_size(comm)
    cdef bint isroot = comm_rank(comm) == root
    cdef _Ints counts = _Ints(size), displs = _Ints(size)
    cdef int i, rn = 0
    cdef list parts = []
    err = None
    if isroot:
        try:
            items = list(sendobj)
            if len(items) != size:
                raise ValueError(f"scatter: sendobj must have one item per process ({size}), got {len(items)}")
            parts = [pickle_dumps(item) for item in items]
            for i in range(size):
                counts.data[i] = bytes_count(parts[i], "sendobj")
        except _builtins.Exception as exc:
            err, parts = exc, []
            for i in range(size):
                counts.data[i] = -1
    with nogil:
        CHKERR(MPI_Scatter(counts.data, 1, MPI_INT, &rn, 1, MPI_INT, root, comm))
    cdef bint failed = rn < 0
    if isroot:
        _clear_failed(counts)
        _displs(counts, displs, "scatter")
    cdef bytes sdata = b"".join(parts)
    cdef bytes rdata = PyBytes_FromStringAndSize(NULL, 0 if failed else rn)
    cdef char *sp = PyBytes_AS_STRING(sdata)
    cdef char *rp = PyBytes_AS_STRING(rdata)
    if failed:
        rn = 0
    with nogil:
        CHKERR(MPI_Scatterv(sp, counts.data, displs.data, MPI_BYTE, rp, rn, MPI_BYTE, root, comm))
    if failed:
        _raise_failed(err, [root], "scatter")
    return pickle_loads(rdata, rn)


cdef object obj_alltoall(MPI_Comm comm, object sendobj):
    cdef int size = comm_size(comm)
    cdef _Ints scounts = _Ints(size), sdispls = _Ints(size)
    cdef _Ints rcounts = _Ints(size), rdispls = _Ints(size)
    cdef int i
    cdef list parts = []
    err = None
    try:
        items = list(sendobj)
        if len(items) != size:
            raise ValueError(f"alltoall: sendobj must have one item per process ({size}), got {len(items)}")
        parts = [pickle_dumps(item) for item in items]
        for i in range(size):
            scounts.data[i] = bytes_count(parts[i], "sendobj")
    except _builtins.Exception as exc:
        err, parts = exc, []
        for i in range(size):
            scounts.data[i] = -1
    with nogil:
        CHKERR(MPI_Alltoall(scounts.data, 1, MPI_INT, rcounts.data, 1, MPI_INT, comm))
    _clear_failed(scounts)
    cdef list failed = _clear_failed(rcounts)
    _displs(scounts, sdispls, "alltoall")
    cdef bytes sdata = b"".join(parts)
    cdef bytes rdata = PyBytes_FromStringAndSize(NULL, _displs(rcounts, rdispls, "alltoall"))
    cdef char *sp = PyBytes_AS_STRING(sdata)
    cdef char *rp = PyBytes_AS_STRING(rdata)
    with nogil:
        CHKERR(MPI_Alltoallv(sp, scounts.data, sdispls.data, MPI_BYTE,
                             rp, rcounts.data, rdispls.data, MPI_BYTE, comm))
    _raise_failed(err, failed, "alltoall")
    return _unpickle_parts(rdata, rcounts, rdispls)


cdef object _fold(object func, list items):
    result = items[0]
    for item in items[1:]:
        result = func(result, item)
    return result


cdef object obj_reduce(MPI_Comm comm, object sendobj, object op, int root):
    func = _op_callable(op, "op")
    items = obj_gather(comm, sendobj, root)
    if items is None:
        return None
    return _fold(func, items)


cdef object obj_allreduce(MPI_Comm comm, object sendobj, object op):
    func = _op_callable(op, "op")
    return _fold(func, obj_allgather(comm, sendobj))


cdef object obj_scan(MPI_Comm comm, object sendobj, object op, bint exclusive):
    func = _op_callable(op, "op")
    cdef int rank = comm_rank(comm)
    items = obj_allgather(comm, sendobj)
    if exclusive:
        return None if rank == 0 else _fold(func, items[:rank])
    return _fold(func, items[:rank + 1])
