# Process topologies: Topocomm (neighborhood collectives), Cartcomm, Graphcomm, Distgraphcomm.


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
        cdef Prequest req = _persistent(info)
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
        cdef Prequest req = _persistent(info)
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
        cdef Prequest req = _persistent(info)
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
        cdef Prequest req = _persistent(info)
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
        cdef Prequest req = _persistent(info)
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


CART = MPI_CART
GRAPH = MPI_GRAPH
DIST_GRAPH = MPI_DIST_GRAPH
UNWEIGHTED = <Py_ssize_t>MPI_UNWEIGHTED
WEIGHTS_EMPTY = <Py_ssize_t>MPI_WEIGHTS_EMPTY
