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
    _check_vector_bounds(v, buf is None, wtypes, argname)
    return v


cdef int _check_vector_bounds(_VMsg v, bint no_buffer, bint wtypes, str argname) except -1:
    """Every block (displacement + count items) lies inside the buffer; None holds no block at all."""
    cdef int i
    cdef Py_ssize_t extent = 0 if wtypes else _type_extent(v.m.dtype)
    cdef Py_ssize_t unit = 1 if wtypes else extent
    cdef Py_ssize_t end
    for i in range(v.counts.n):
        if v.counts.data[i] < 0 or v.displs.data[i] < 0:
            raise ValueError(f"{argname}: counts and displacements must be >= 0 "
                             f"(process {i}: count {v.counts.data[i]}, displacement {v.displs.data[i]})")
        if v.counts.data[i] == 0:
            continue
        if no_buffer:
            raise ValueError(f"{argname}: a None buffer holds no data, but process {i} has count {v.counts.data[i]}")
        if not PyMPI_ViewHeld(&v.m.view):
            continue  # BOTTOM: absolute addresses
        if wtypes:
            extent = _type_extent(v.types[i])
        end = v.displs.data[i] * unit + <Py_ssize_t>v.counts.data[i] * extent
        if end > v.m.view.len - (<char*>v.m.buf - <char*>v.m.view.buf):
            raise ValueError(f"{argname}: the block of process {i} (count {v.counts.data[i]}, displacement "
                             f"{v.displs.data[i]}) ends at byte {end}, past the buffer of {v.m.view.len} bytes")
    return 0


cdef _VMsg vmsg_of(_Msg m):
    """A vector message with no blocks around ``m`` (null, or IN_PLACE)."""
    cdef _VMsg v = _VMsg.__new__(_VMsg)
    v.m = m
    v.counts = _IntArray((), "counts")
    v.displs = v.counts
    return v


# -- who passes what: one answer for every collective ------------------------------------------
# Intracommunicator: every process is in one group; a rooted collective has the root (rank == root)
# and the others. Intercommunicator: the root's group passes MPI_ROOT at the root and MPI_PROC_NULL
# elsewhere (those pass no data at all); the other group passes the root's rank in the remote group.
# A buffer with one block per process holds one block per process of the *remote* group there.

cdef enum:
    _PART_ALL = 0    # an unrooted collective: every process sends and receives
    _PART_ROOT = 1   # the root: intra rank == root, inter root == MPI_ROOT
    _PART_LEAF = 2   # a process facing the root: intra any other rank, inter the group without the root
    _PART_IDLE = 3   # inter only: the root's group besides the root (MPI_PROC_NULL); buffers ignored


cdef struct _Part:
    bint inter
    int blocks  # blocks in a buffer with one block per process: group size, or remote group size (inter)
    int role    # _PART_*


cdef int coll_part(MPI_Comm comm, int root, bint rooted, _Part *p) except -1:
    cdef int flag = 0
    CHKERR(MPI_Comm_test_inter(comm, &flag))
    p.inter = flag != 0
    if p.inter:
        CHKERR(MPI_Comm_remote_size(comm, &p.blocks))
    else:
        CHKERR(MPI_Comm_size(comm, &p.blocks))
    if not rooted:
        p.role = _PART_ALL
    elif p.inter:
        p.role = _PART_ROOT if root == MPI_ROOT else _PART_IDLE if root == MPI_PROC_NULL else _PART_LEAF
    else:
        p.role = _PART_ROOT if comm_rank(comm) == root else _PART_LEAF
    return 0


cdef inline bint part_own(_Part *p) noexcept:
    """This process sends or receives its own single block (the root does so only on an intracommunicator)."""
    return p.role == _PART_ALL or p.role == _PART_LEAF or (p.role == _PART_ROOT and not p.inter)


cdef inline bint part_root(_Part *p) noexcept:
    """This process passes the root's buffer (one block per process of the other side)."""
    return p.role == _PART_ROOT


cdef inline bint part_in_place(_Part *p) noexcept:
    """IN_PLACE is allowed: intracommunicators only, at the root of rooted collectives."""
    return not p.inter and (p.role == _PART_ALL or p.role == _PART_ROOT)


cdef int _no_in_place(str argname) except -1:
    raise ValueError(f"{argname}: IN_PLACE is valid only on an intracommunicator, and in rooted collectives "
                     "only at the root")


cdef _Msg coll_msg(object spec, bint used, bint writable, int blocks, bint in_place_ok, str argname,
                   bint large=False):
    """The message this process passes: ``spec`` where MPI reads it, nothing where MPI ignores it."""
    if not used:
        return msg_null()
    if is_in_place(spec):
        if not in_place_ok:
            _no_in_place(argname)
        return msg_in_place()
    return msg_build(spec, writable, blocks, argname, large)


cdef _VMsg coll_vmsg(object spec, bint used, bint writable, int blocks, bint in_place_ok, str argname, bint wtypes):
    """``coll_msg`` for a vector message (``blocks`` counts and displacements)."""
    if not used:
        return vmsg_of(msg_null())  # not IN_PLACE: intercommunicators refuse it even where ignored
    if is_in_place(spec):
        if not in_place_ok:
            _no_in_place(argname)
        return vmsg_of(msg_in_place())
    return msg_vector(spec, writable, blocks, argname, wtypes)


cdef int coll_barrier(MPI_Comm comm, Request req, int mode) except -1:
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    with nogil:
        if mode == _BLOCK:
            CHKERR(MPI_Barrier(comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Ibarrier(comm, rq))
        else:
            CHKERR(MPI_Barrier_init(comm, pinfo, rq))
    return 0


cdef int coll_bcast(MPI_Comm comm, object buf, int root, Request req=None, int mode=_BLOCK) except -1:
    cdef _Part p
    coll_part(comm, root, True, &p)
    cdef _Msg m = msg_null() if p.role == _PART_IDLE else msg_build(buf, p.role == _PART_LEAF, 0, "buf", mode != _PERSIST)
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    cdef bint large = m.count > INT_MAX
    if large:
        need_large("MPI_Bcast_c" if mode == _BLOCK else "MPI_Ibcast_c", m.count, "buf")
    with nogil:
        if large and mode == _BLOCK:
            CHKERR(MPI_Bcast_c(m.buf, m.count, m.dtype, root, comm))
        elif large:
            CHKERR(MPI_Ibcast_c(m.buf, m.count, m.dtype, root, comm, rq))
        elif mode == _BLOCK:
            CHKERR(MPI_Bcast(m.buf, m.count, m.dtype, root, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Ibcast(m.buf, m.count, m.dtype, root, comm, rq))
        else:
            CHKERR(MPI_Bcast_init(m.buf, m.count, m.dtype, root, comm, pinfo, rq))
    return _keep(req, m)


cdef int coll_scatter(MPI_Comm comm, object sendbuf, object recvbuf, int root, Request req=None, int mode=_BLOCK) except -1:
    cdef _Part p
    coll_part(comm, root, True, &p)
    cdef _Msg s = coll_msg(sendbuf, part_root(&p), False, p.blocks, False, "sendbuf")
    cdef _Msg r = coll_msg(recvbuf, part_own(&p), True, 0, part_in_place(&p), "recvbuf")
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    with nogil:
        if mode == _BLOCK:
            CHKERR(MPI_Scatter(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, root, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Iscatter(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, root, comm, rq))
        else:
            CHKERR(MPI_Scatter_init(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, root, comm, pinfo, rq))
    return _keep(req, (s, r))


cdef int coll_gather(MPI_Comm comm, object sendbuf, object recvbuf, int root, Request req=None, int mode=_BLOCK) except -1:
    cdef _Part p
    coll_part(comm, root, True, &p)
    cdef _Msg s = coll_msg(sendbuf, part_own(&p), False, 0, part_in_place(&p), "sendbuf")
    cdef _Msg r = coll_msg(recvbuf, part_root(&p), True, p.blocks, False, "recvbuf")
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    with nogil:
        if mode == _BLOCK:
            CHKERR(MPI_Gather(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, root, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Igather(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, root, comm, rq))
        else:
            CHKERR(MPI_Gather_init(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, root, comm, pinfo, rq))
    return _keep(req, (s, r))


cdef int coll_allgather(MPI_Comm comm, object sendbuf, object recvbuf, Request req=None, int mode=_BLOCK) except -1:
    cdef _Part p
    coll_part(comm, 0, False, &p)
    cdef _Msg s = coll_msg(sendbuf, True, False, 0, part_in_place(&p), "sendbuf")
    cdef _Msg r = coll_msg(recvbuf, True, True, p.blocks, False, "recvbuf")
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    with nogil:
        if mode == _BLOCK:
            CHKERR(MPI_Allgather(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Iallgather(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, comm, rq))
        else:
            CHKERR(MPI_Allgather_init(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, comm, pinfo, rq))
    return _keep(req, (s, r))


cdef int coll_alltoall(MPI_Comm comm, object sendbuf, object recvbuf, Request req=None, int mode=_BLOCK) except -1:
    cdef _Part p
    coll_part(comm, 0, False, &p)
    cdef _Msg s = coll_msg(sendbuf, True, False, p.blocks, part_in_place(&p), "sendbuf")
    cdef _Msg r = coll_msg(recvbuf, True, True, p.blocks, False, "recvbuf")
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    with nogil:
        if mode == _BLOCK:
            CHKERR(MPI_Alltoall(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Ialltoall(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, comm, rq))
        else:
            CHKERR(MPI_Alltoall_init(s.buf, s.count, s.dtype, r.buf, r.count, r.dtype, comm, pinfo, rq))
    return _keep(req, (s, r))


cdef int coll_scatterv(MPI_Comm comm, object sendbuf, object recvbuf, int root, Request req=None, int mode=_BLOCK) except -1:
    cdef _Part p
    coll_part(comm, root, True, &p)
    cdef _VMsg s = coll_vmsg(sendbuf, part_root(&p), False, p.blocks, False, "sendbuf", False)
    cdef _Msg r = coll_msg(recvbuf, part_own(&p), True, 0, part_in_place(&p), "recvbuf")
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    with nogil:
        if mode == _BLOCK:
            CHKERR(MPI_Scatterv(s.m.buf, s.counts.data, s.displs.data, s.m.dtype, r.buf, r.count, r.dtype, root, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Iscatterv(s.m.buf, s.counts.data, s.displs.data, s.m.dtype, r.buf, r.count, r.dtype, root, comm,
                                 rq))
        else:
            CHKERR(MPI_Scatterv_init(s.m.buf, s.counts.data, s.displs.data, s.m.dtype, r.buf, r.count, r.dtype, root,
                                     comm, pinfo, rq))
    return _keep(req, (s, r))


cdef int coll_gatherv(MPI_Comm comm, object sendbuf, object recvbuf, int root, Request req=None, int mode=_BLOCK) except -1:
    cdef _Part p
    coll_part(comm, root, True, &p)
    cdef _Msg s = coll_msg(sendbuf, part_own(&p), False, 0, part_in_place(&p), "sendbuf")
    cdef _VMsg r = coll_vmsg(recvbuf, part_root(&p), True, p.blocks, False, "recvbuf", False)
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    with nogil:
        if mode == _BLOCK:
            CHKERR(MPI_Gatherv(s.buf, s.count, s.dtype, r.m.buf, r.counts.data, r.displs.data, r.m.dtype, root, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Igatherv(s.buf, s.count, s.dtype, r.m.buf, r.counts.data, r.displs.data, r.m.dtype, root, comm,
                                rq))
        else:
            CHKERR(MPI_Gatherv_init(s.buf, s.count, s.dtype, r.m.buf, r.counts.data, r.displs.data, r.m.dtype, root,
                                    comm, pinfo, rq))
    return _keep(req, (s, r))


cdef int coll_allgatherv(MPI_Comm comm, object sendbuf, object recvbuf, Request req=None, int mode=_BLOCK) except -1:
    cdef _Part p
    coll_part(comm, 0, False, &p)
    cdef _Msg s = coll_msg(sendbuf, True, False, 0, part_in_place(&p), "sendbuf")
    cdef _VMsg r = coll_vmsg(recvbuf, True, True, p.blocks, False, "recvbuf", False)
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    with nogil:
        if mode == _BLOCK:
            CHKERR(MPI_Allgatherv(s.buf, s.count, s.dtype, r.m.buf, r.counts.data, r.displs.data, r.m.dtype, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Iallgatherv(s.buf, s.count, s.dtype, r.m.buf, r.counts.data, r.displs.data, r.m.dtype, comm, rq))
        else:
            CHKERR(MPI_Allgatherv_init(s.buf, s.count, s.dtype, r.m.buf, r.counts.data, r.displs.data, r.m.dtype, comm,
                                       pinfo, rq))
    return _keep(req, (s, r))


cdef int coll_alltoallv(MPI_Comm comm, object sendbuf, object recvbuf, Request req=None, int mode=_BLOCK) except -1:
    cdef _Part p
    coll_part(comm, 0, False, &p)
    cdef _VMsg s = coll_vmsg(sendbuf, True, False, p.blocks, part_in_place(&p), "sendbuf", False)
    cdef _VMsg r = coll_vmsg(recvbuf, True, True, p.blocks, False, "recvbuf", False)
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    with nogil:
        if mode == _BLOCK:
            CHKERR(MPI_Alltoallv(s.m.buf, s.counts.data, s.displs.data, s.m.dtype,
                                 r.m.buf, r.counts.data, r.displs.data, r.m.dtype, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Ialltoallv(s.m.buf, s.counts.data, s.displs.data, s.m.dtype,
                                  r.m.buf, r.counts.data, r.displs.data, r.m.dtype, comm, rq))
        else:
            CHKERR(MPI_Alltoallv_init(s.m.buf, s.counts.data, s.displs.data, s.m.dtype,
                                      r.m.buf, r.counts.data, r.displs.data, r.m.dtype, comm, pinfo, rq))
    return _keep(req, (s, r))


cdef int coll_alltoallw(MPI_Comm comm, object sendbuf, object recvbuf, Request req=None, int mode=_BLOCK) except -1:
    """Alltoallw: displacements in bytes, one datatype per process."""
    cdef _Part p
    coll_part(comm, 0, False, &p)
    cdef _VMsg s = coll_vmsg(sendbuf, True, False, p.blocks, part_in_place(&p), "sendbuf", True)
    cdef _VMsg r = coll_vmsg(recvbuf, True, True, p.blocks, False, "recvbuf", True)
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    with nogil:
        if mode == _BLOCK:
            CHKERR(MPI_Alltoallw(s.m.buf, s.counts.data, s.displs.data, s.types,
                                 r.m.buf, r.counts.data, r.displs.data, r.types, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Ialltoallw(s.m.buf, s.counts.data, s.displs.data, s.types,
                                  r.m.buf, r.counts.data, r.displs.data, r.types, comm, rq))
        else:
            CHKERR(MPI_Alltoallw_init(s.m.buf, s.counts.data, s.displs.data, s.types,
                                      r.m.buf, r.counts.data, r.displs.data, r.types, comm, pinfo, rq))
    return _keep(req, (s, r))


cdef enum:
    _RED_REDUCE = 0
    _RED_ALLREDUCE = 1
    _RED_SCAN = 2
    _RED_EXSCAN = 3
    _RED_SCATTER_BLOCK = 4


cdef int _check_signature(_Msg s, _Msg r, int blocks) except -1:
    """A reduction reads ``blocks`` x recvcount items of the receive datatype from ``sendbuf``: anything
    else would combine unlike values or read past a buffer."""
    if s.dtype != r.dtype:
        raise ValueError(f"sendbuf, recvbuf: mismatch in send and receive MPI datatypes "
                         f"({_type_name(s.dtype)} and {_type_name(r.dtype)})")
    if s.count != <MPI_Count>r.count * blocks:
        what = f"{blocks} x the receive count {r.count}" if blocks > 1 else f"the receive count {r.count}"
        raise ValueError(f"sendbuf, recvbuf: mismatch in send count {s.count} and {what}")
    return 0


cdef str _type_name(MPI_Datatype dtype):
    cdef char name[MPI_MAX_OBJECT_NAME + 1]
    cdef int n = 0
    name[0] = 0
    if MPI_Type_get_name(dtype, name, &n) != MPI_SUCCESS or n == 0:
        return "a derived datatype"
    return name[:n].decode("latin-1")


cdef char _root_sendbuf_placeholder = 0  # see coll_reduce


cdef int coll_reduce(MPI_Comm comm, int kind, object sendbuf, object recvbuf, Op op, int root,
                     Request req=None, int mode=_BLOCK) except -1:
    cdef _Part p
    coll_part(comm, root, kind == _RED_REDUCE, &p)
    cdef bint receives = p.role == _PART_ALL or p.role == _PART_ROOT
    cdef bint sends = part_own(&p)
    # Reduce_scatter_block: sendbuf holds one block per process of the *local* group (intercommunicators
    # too: the remote group's reduction has as many items as this group's total)
    cdef int nblocks = comm_size(comm) if kind == _RED_SCATTER_BLOCK else 1
    # Reduce and Allreduce (blocking, nonblocking) have large-count forms (MPI_*_c)
    cdef bint large_ok = mode != _PERSIST and (kind == _RED_REDUCE or kind == _RED_ALLREDUCE)
    cdef _Msg r = coll_msg(recvbuf, receives, True, 0, False, "recvbuf", large_ok)
    cdef _Msg s = coll_msg(sendbuf, sends, False, 0, receives and part_in_place(&p), "sendbuf", large_ok)
    if p.inter and p.role == _PART_ROOT and s.buf == NULL:
        # MPI ignores sendbuf at MPI_ROOT, but MPICH before 4.1 refuses a NULL one there
        # (pmodels/mpich#6351) and MPICH 5 one that aliases recvbuf: a placeholder it never reads
        s.buf = &_root_sendbuf_placeholder
    cdef MPI_Count count = 0
    cdef MPI_Datatype dtype = MPI_BYTE
    if receives:
        count, dtype = r.count, r.dtype
        if sends and s.buf != MPI_IN_PLACE:
            _check_signature(s, r, nblocks)
    elif sends:
        count, dtype = s.count, s.dtype
    cdef MPI_Op mop = op.ob_mpi
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    cdef bint large = count > INT_MAX
    if large:
        routine = ("MPI_Reduce_c" if kind == _RED_REDUCE else "MPI_Allreduce_c") if mode == _BLOCK else \
                  ("MPI_Ireduce_c" if kind == _RED_REDUCE else "MPI_Iallreduce_c")
        need_large(routine, count, "recvbuf" if receives else "sendbuf")
    with nogil:
        if kind == _RED_REDUCE:
            if large and mode == _BLOCK:
                CHKERR(MPI_Reduce_c(s.buf, r.buf, count, dtype, mop, root, comm))
            elif large:
                CHKERR(MPI_Ireduce_c(s.buf, r.buf, count, dtype, mop, root, comm, rq))
            elif mode == _BLOCK:
                CHKERR(MPI_Reduce(s.buf, r.buf, count, dtype, mop, root, comm))
            elif mode == _NONBLOCK:
                CHKERR(MPI_Ireduce(s.buf, r.buf, count, dtype, mop, root, comm, rq))
            else:
                CHKERR(MPI_Reduce_init(s.buf, r.buf, count, dtype, mop, root, comm, pinfo, rq))
        elif kind == _RED_ALLREDUCE:
            if large and mode == _BLOCK:
                CHKERR(MPI_Allreduce_c(s.buf, r.buf, count, dtype, mop, comm))
            elif large:
                CHKERR(MPI_Iallreduce_c(s.buf, r.buf, count, dtype, mop, comm, rq))
            elif mode == _BLOCK:
                CHKERR(MPI_Allreduce(s.buf, r.buf, count, dtype, mop, comm))
            elif mode == _NONBLOCK:
                CHKERR(MPI_Iallreduce(s.buf, r.buf, count, dtype, mop, comm, rq))
            else:
                CHKERR(MPI_Allreduce_init(s.buf, r.buf, count, dtype, mop, comm, pinfo, rq))
        elif kind == _RED_SCAN:
            if mode == _BLOCK:
                CHKERR(MPI_Scan(s.buf, r.buf, count, dtype, mop, comm))
            elif mode == _NONBLOCK:
                CHKERR(MPI_Iscan(s.buf, r.buf, count, dtype, mop, comm, rq))
            else:
                CHKERR(MPI_Scan_init(s.buf, r.buf, count, dtype, mop, comm, pinfo, rq))
        elif kind == _RED_EXSCAN:
            if mode == _BLOCK:
                CHKERR(MPI_Exscan(s.buf, r.buf, count, dtype, mop, comm))
            elif mode == _NONBLOCK:
                CHKERR(MPI_Iexscan(s.buf, r.buf, count, dtype, mop, comm, rq))
            else:
                CHKERR(MPI_Exscan_init(s.buf, r.buf, count, dtype, mop, comm, pinfo, rq))
        else:
            if s.buf == MPI_IN_PLACE:
                count = r.count // nblocks  # recvbuf holds the whole input vector
            if mode == _BLOCK:
                CHKERR(MPI_Reduce_scatter_block(s.buf, r.buf, count, dtype, mop, comm))
            elif mode == _NONBLOCK:
                CHKERR(MPI_Ireduce_scatter_block(s.buf, r.buf, count, dtype, mop, comm, rq))
            else:
                CHKERR(MPI_Reduce_scatter_block_init(s.buf, r.buf, count, dtype, mop, comm, pinfo, rq))
    return _keep(req, (s, r, op))


cdef int coll_reduce_scatter(MPI_Comm comm, object sendbuf, object recvbuf, object recvcounts, Op op,
                             Request req=None, int mode=_BLOCK) except -1:
    cdef _Part p
    coll_part(comm, 0, False, &p)
    cdef int size = comm_size(comm)  # the result is scattered among the local group
    cdef _Msg r = msg_build(recvbuf, True, 0, "recvbuf")
    if recvcounts is None:
        recvcounts = local_allgather_int(comm, &p, <int>r.count)
    cdef _IntArray counts = _IntArray(recvcounts, "recvcounts")
    if counts.n != size:
        raise ValueError(f"recvcounts: expected {size} counts (one per process), got {counts.n}")
    cdef _Msg s = coll_msg(sendbuf, True, False, 0, part_in_place(&p), "sendbuf")
    cdef MPI_Count total = 0
    cdef int i, rank = comm_rank(comm)
    for i in range(size):
        total += counts.data[i]
    if r.count < (total if s.buf == MPI_IN_PLACE else counts.data[rank]):
        raise ValueError(f"recvbuf: room for {r.count} items, recvcounts asks for "
                         f"{total if s.buf == MPI_IN_PLACE else counts.data[rank]}")
    if s.buf != MPI_IN_PLACE:
        if s.dtype != r.dtype:
            _check_signature(s, r, 1)
        if s.count != total:
            raise ValueError(f"sendbuf, recvcounts: mismatch in send count {s.count} and the sum of recvcounts {total}")
    cdef MPI_Datatype dtype = r.dtype
    cdef MPI_Op mop = op.ob_mpi
    cdef MPI_Request *rq = _reqp(req)
    cdef MPI_Info pinfo = _pinfo(req)  # the info= of a persistent *_init
    with nogil:
        if mode == _BLOCK:
            CHKERR(MPI_Reduce_scatter(s.buf, r.buf, counts.data, dtype, mop, comm))
        elif mode == _NONBLOCK:
            CHKERR(MPI_Ireduce_scatter(s.buf, r.buf, counts.data, dtype, mop, comm, rq))
        else:
            CHKERR(MPI_Reduce_scatter_init(s.buf, r.buf, counts.data, dtype, mop, comm, pinfo, rq))
    return _keep(req, (s, r, counts, op))


cdef list local_allgather_int(MPI_Comm comm, _Part *p, int value):
    """One int from every process of the local group, in local rank order.

    An intercommunicator's Allgather delivers the *remote* group's values; a second step brings each
    group its own: remote process 0 sends the list it gathered to every process (Alltoallv).
    """
    cdef int i, local = comm_size(comm), rank = comm_rank(comm)
    cdef _IntArray out = _IntArray(range(local), "counts")
    if not p.inter:
        with nogil:
            CHKERR(MPI_Allgather(&value, 1, MPI_INT, out.data, 1, MPI_INT, comm))
        return out.tolist()
    cdef _IntArray remote = _IntArray(range(p.blocks), "counts")
    cdef _IntArray scounts = _IntArray([p.blocks if rank == 0 else 0] * p.blocks, "counts")
    cdef _IntArray rcounts = _IntArray([local] + [0] * (p.blocks - 1), "counts")
    cdef _IntArray zeros = _IntArray([0] * p.blocks, "displs")
    with nogil:
        CHKERR(MPI_Allgather(&value, 1, MPI_INT, remote.data, 1, MPI_INT, comm))
        CHKERR(MPI_Alltoallv(remote.data, scounts.data, zeros.data, MPI_INT,
                             out.data, rcounts.data, zeros.data, MPI_INT, comm))
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
    """One broadcast for a pickle of up to 248 bytes; larger ones follow in a second broadcast.

    On an intercommunicator the second broadcast always happens (the processes passing MPI_PROC_NULL
    never see the size); the root's group returns None there, as nothing is received.
    """
    cdef _Part p
    coll_part(comm, root, True, &p)
    cdef bint sends = part_root(&p)
    cdef bint receives = part_own(&p)
    cdef char head[_BCAST_HEAD]
    cdef int n = 0, rest = 0
    data, err = b"", None
    if sends:
        data, n, err = _try_dumps(obj)
        if 0 < n <= _BCAST_HEAD - 8:
            memcpy(head + 8, PyBytes_AS_STRING(data), n)
    memcpy(head, &n, sizeof(int))
    with nogil:
        CHKERR(MPI_Bcast(head, _BCAST_HEAD, MPI_BYTE, root, comm))
    memcpy(&n, head, sizeof(int))
    if n > _BCAST_HEAD - 8:
        rest = n
        if not sends:
            data = PyBytes_FromStringAndSize(NULL, n)
    elif n >= 0 and receives and not sends:
        data = PyBytes_FromStringAndSize(head + 8, n)
    cdef char *ptr = PyBytes_AS_STRING(data)
    if rest or p.inter:
        with nogil:
            CHKERR(MPI_Bcast(ptr, rest, MPI_BYTE, root, comm))
    if n < 0:
        _raise_failed(err, [root], "bcast")
    if not receives:
        return None
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
    cdef _Part p
    coll_part(comm, root, True, &p)
    cdef bint isroot = part_root(&p)
    if not p.inter and p.blocks <= _GATHER_HEADS_MAX:  # small pickles in one exchange: msgpickle.pxi
        return pickle_gather_heads(comm, sendobj, root, isroot, p.blocks)
    cdef _Ints counts = _Ints(p.blocks), displs = _Ints(p.blocks)
    data, n, err = _try_dumps(sendobj) if part_own(&p) else (b"", 0, None)
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
    cdef _Part p
    coll_part(comm, 0, False, &p)
    cdef _Ints counts = _Ints(p.blocks), displs = _Ints(p.blocks)
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


cdef object _dumps_each(object sendobj, int size, _Ints counts, str where):
    """(pickles, error): one pickle per process, or no pickles and every count -1 when that fails."""
    cdef int i
    try:
        items = list(sendobj)
        if len(items) != size:
            raise ValueError(f"{where}: sendobj must have one item per process ({size}), got {len(items)}")
        parts = [pickle_dumps(item) for item in items]
        for i in range(size):
            counts.data[i] = bytes_count(parts[i], "sendobj")
        return parts, None
    except _builtins.Exception as exc:
        for i in range(size):
            counts.data[i] = -1
        return [], exc


cdef object obj_scatter(MPI_Comm comm, object sendobj, int root):
    cdef _Part p
    coll_part(comm, root, True, &p)
    cdef bint isroot = part_root(&p)
    cdef bint receives = part_own(&p)
    cdef _Ints counts = _Ints(p.blocks), displs = _Ints(p.blocks)
    cdef int rn = 0
    parts, err = _dumps_each(sendobj, p.blocks, counts, "scatter") if isroot else ([], None)
    with nogil:
        CHKERR(MPI_Scatter(counts.data, 1, MPI_INT, &rn, 1, MPI_INT, root, comm))
    cdef bint failed = rn < 0 or err is not None
    if isroot:
        _clear_failed(counts)
        _displs(counts, displs, "scatter")
    if rn < 0:
        rn = 0
    cdef bytes sdata = b"".join(parts)
    cdef bytes rdata = PyBytes_FromStringAndSize(NULL, rn)
    cdef char *sp = PyBytes_AS_STRING(sdata)
    cdef char *rp = PyBytes_AS_STRING(rdata)
    with nogil:
        CHKERR(MPI_Scatterv(sp, counts.data, displs.data, MPI_BYTE, rp, rn, MPI_BYTE, root, comm))
    if failed:
        _raise_failed(err, [root], "scatter")
    if not receives:
        return None
    return pickle_loads(rdata, rn)


cdef object obj_alltoall(MPI_Comm comm, object sendobj):
    cdef _Part p
    coll_part(comm, 0, False, &p)
    cdef int size = p.blocks
    cdef _Ints scounts = _Ints(size), sdispls = _Ints(size)
    cdef _Ints rcounts = _Ints(size), rdispls = _Ints(size)
    parts, err = _dumps_each(sendobj, size, scounts, "alltoall")
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
