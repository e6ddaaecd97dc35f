# Intracommunicators.


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
    def Create_from_group(cls, Group group not None, stringtag="org.mpi4py", info=None, errhandler=None):
        """New communicator from ``group`` without a parent communicator (MPI-4)."""
        cdef Intracomm comm = Intracomm.__new__(Intracomm)
        cdef bytes tag = arg_string(stringtag, "stringtag")
        cdef MPI_Errhandler eh = arg_errhandler("Intracomm.Create_from_group", errhandler)
        cdef MPI_Info cinfo = arg_info(info)
        cdef char *ctag = tag
        with nogil:
            CHKERR(MPI_Comm_create_from_group(group.ob_mpi, ctag, cinfo, eh, &comm.ob_mpi))
        return comm

    def Spawn(self, command, args=None, int maxprocs=1, info=None, int root=0, errcodes=None):
        """Start ``maxprocs`` copies of ``command args`` (collective); return the intercommunicator to them.

        ``command``, ``args`` and ``info`` are read at ``root`` only, as MPI reads them.
        """
        cdef bytes cmd = None
        cdef char *ccmd = NULL
        cdef _CStrings cargs = None
        cdef char **cargv = NULL  # MPI_ARGV_NULL
        cdef MPI_Info cinfo = MPI_INFO_NULL
        if comm_rank(self.ob_mpi) == root:
            cmd = arg_string(command, "command")
            ccmd = cmd
            cargs = _CStrings(arg_argv(args, "args"))
            cargv = cargs.data
            cinfo = arg_info(info)
        cdef _IntArray codes = _IntArray(range(max(maxprocs, 0)), "errcodes")
        cdef Intercomm comm = Intercomm.__new__(Intercomm)
        with nogil:
            CHKERR(MPI_Comm_spawn(ccmd, cargv, maxprocs, cinfo, root, self.ob_mpi, &comm.ob_mpi, codes.data))
        if errcodes is not None:
            errcodes[:] = codes.tolist()
        return comm

    def Spawn_multiple(self, command, args=None, maxprocs=None, info=None, int root=0, errcodes=None):
        """Start several commands (sequences of equal length) in one job; return the intercommunicator.

        ``command``, ``args``, ``maxprocs`` and ``info`` are read at ``root`` only (``maxprocs`` also
        elsewhere when ``errcodes`` is wanted, for its length). One string as ``args`` is the one
        argument of every command.
        """
        cdef int n = 0, i
        cdef list cmds = [], arglists = [], counts = [], infos = []
        if comm_rank(self.ob_mpi) == root:
            if isinstance(command, (str, bytes)):
                raise ValueError("command: expected a sequence of commands (str or bytes), got one string")
            cmds = [arg_string(c, "command") for c in command]
            n = <int>len(cmds)
            if args is None or isinstance(args, (str, bytes)):
                arglists = [arg_argv(args, "args")] * n
            else:
                arglists = [arg_argv(x, "args") for x in args]
            counts = list(maxprocs) if maxprocs is not None else [1] * n
            infos = list(info) if isinstance(info, (list, tuple)) else [info] * n
            for name, seq in (("args", arglists), ("maxprocs", counts), ("info", infos)):
                if len(seq) != n:
                    raise ValueError(f"{name}: expected {n} entries (one per command), got {len(seq)}")
        elif errcodes is not None:
            counts = list(maxprocs) if maxprocs is not None else []
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
        cdef bytes port = arg_string(port_name, "port_name")
        cdef char *cport = port
        cdef MPI_Info cinfo = arg_info(info)
        cdef Intercomm comm = Intercomm.__new__(Intercomm)
        with nogil:
            CHKERR(MPI_Comm_accept(cport, cinfo, root, self.ob_mpi, &comm.ob_mpi))
        return comm

    def Connect(self, port_name, info=None, int root=0):
        """Connect to a server accepting on ``port_name``; return the intercommunicator."""
        cdef bytes port = arg_string(port_name, "port_name")
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
        cdef Prequest req = _persistent(info)
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
        cdef Prequest req = _persistent(info)
        coll_reduce(self.ob_mpi, _RED_EXSCAN, sendbuf, recvbuf, op, 0, req, _PERSIST)
        return req

    def scan(self, sendobj, op=SUM):
        """Inclusive prefix reduction of Python objects."""
        return obj_scan(self.ob_mpi, sendobj, op, False)

    def exscan(self, sendobj, op=SUM):
        """Exclusive prefix reduction of Python objects (``None`` on rank 0)."""
        return obj_scan(self.ob_mpi, sendobj, op, True)
