# Per-communicator state kept as MPI attributes (gone when the communicator is freed, never copied by Dup):
# a table of thread locks (``_comm_lock``), and a private duplicate with a tag counter (``_commctx_intra``,
# ``_commctx_inter``) that library code such as mpi4py.util.pkl5 communicates on, apart from the user's
# messages.

import threading as _threading

cdef object _commctx_guard = _threading.Lock()  # one thread at a time creates a table or looks one up
cdef object _CONTEXT_LOCK = "@commctx"  # the key of a communicator's lock guarding its context
cdef int _lock_keyval = MPI_KEYVAL_INVALID
cdef int _context_keyval = MPI_KEYVAL_INVALID


cdef object _comm_attr(Comm comm, int *keyval, object delete_fn):
    """The attribute of ``comm`` under the internal key ``keyval`` (created on first use), or None."""
    if comm.ob_mpi == MPI_COMM_NULL:
        raise ValueError("comm: a null communicator (COMM_NULL) has no locks or context")
    if keyval[0] == MPI_KEYVAL_INVALID:
        keyval[0] = Comm.Create_keyval(None, delete_fn)
    return comm.Get_attr(keyval[0])


def _comm_lock_table(Comm comm):
    """The communicator's table of locks (``{key: threading.Lock}``), created empty on first use."""
    with _commctx_guard:
        table = _comm_attr(comm, &_lock_keyval, None)
        if table is None:
            table = {}
            comm.Set_attr(_lock_keyval, table)
        return table


def _comm_lock(Comm comm, key=None):
    """The ``threading.Lock`` of the communicator for ``key`` (any hashable), created on first use."""
    table = _comm_lock_table(comm)
    with _commctx_guard:
        lock = table.get(key)
        if lock is None:
            lock = table[key] = _threading.Lock()
        return lock


@cython.final
cdef class _CommContext:
    """The private duplicate of a communicator, the next tag to hand out, and (intercommunicators) the
    intracommunicator of the local group and whether it is the low group."""

    cdef Comm dupcomm
    cdef int tag
    cdef Intracomm localcomm
    cdef bint low_group

    cdef int next_tag(self) noexcept:
        cdef int tag = self.tag
        self.tag = 0 if self.tag >= MPI_TAG_UB_VALUE() - 1 else self.tag + 1
        return tag


cdef extern from *:
    """
    static int PyMPI_tag_ub_value = -1;
    static int PyMPI_TAG_UB_VALUE(void) {
      int *value = NULL, flag = 0;
      if (PyMPI_tag_ub_value < 0) {
        if (MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &value, &flag) == MPI_SUCCESS && flag && value)
          PyMPI_tag_ub_value = *value;
        else
          PyMPI_tag_ub_value = 32767; /* the least upper bound MPI guarantees */
      }
      return PyMPI_tag_ub_value;
    }
    """
    int MPI_TAG_UB_VALUE "PyMPI_TAG_UB_VALUE"() noexcept


def _free_context(comm, keyval, _CommContext ctx):
    # The communicator is being freed: free the duplicates with it (not after MPI_Finalize).
    cdef int finalized = 1
    MPI_Finalized(&finalized)
    if finalized:
        return
    if ctx.localcomm is not None and ctx.localcomm.ob_mpi != MPI_COMM_NULL:
        CHKERR(MPI_Comm_free(&ctx.localcomm.ob_mpi))
    if ctx.dupcomm.ob_mpi != MPI_COMM_NULL:
        CHKERR(MPI_Comm_free(&ctx.dupcomm.ob_mpi))


cdef _CommContext _comm_context(Comm comm, type kind):
    """The context of ``comm``; the first call on a communicator is collective (it duplicates it).
    The caller holds the communicator's own lock (not the global guard: another communicator's
    collective creation must not wait for this one's)."""
    cdef _CommContext ctx
    with _commctx_guard:
        ctx = _comm_attr(comm, &_context_keyval, _free_context)
    if ctx is None:
        ctx = _CommContext.__new__(_CommContext)
        ctx.dupcomm = kind.__new__(kind)
        with nogil:
            CHKERR(MPI_Comm_dup(comm.ob_mpi, &ctx.dupcomm.ob_mpi))
        comm.Set_attr(_context_keyval, ctx)
    return ctx


cdef Comm _view_of(Comm comm):
    """A new object over the same handle (the context keeps ownership)."""
    cdef Comm view = type(comm).__new__(type(comm))
    view.ob_mpi = comm.ob_mpi
    return view


def _commctx_intra(Intracomm comm):
    """``(dupcomm, tag)``: the communicator's private duplicate and a tag not handed out before (cycling
    below ``TAG_UB``).  Collective on the first call for a communicator."""
    cdef _CommContext ctx
    with _comm_lock(comm, _CONTEXT_LOCK):
        ctx = _comm_context(comm, Intracomm)
        return (_view_of(ctx.dupcomm), ctx.next_tag())


def _commctx_inter(Intercomm comm):
    """``(dupcomm, tag, localcomm, low_group)``: the private duplicate, a fresh tag, an intracommunicator of
    the local group and whether the local group is the low one (the smaller group; on equal sizes both
    sides agree through ``Intercomm.Merge``).  Collective on the first call for a communicator."""
    cdef _CommContext ctx
    cdef int local_size = 0, remote_size = 0, merged_rank = 0
    cdef MPI_Comm merged = MPI_COMM_NULL
    cdef MPI_Group local_group = MPI_GROUP_NULL
    with _comm_lock(comm, _CONTEXT_LOCK):
        ctx = _comm_context(comm, Intercomm)
        if ctx.localcomm is None:
            with nogil:
                CHKERR(MPI_Comm_size(comm.ob_mpi, &local_size))
                CHKERR(MPI_Comm_remote_size(comm.ob_mpi, &remote_size))
                CHKERR(MPI_Intercomm_merge(comm.ob_mpi, local_size > remote_size, &merged))
            localcomm = Intracomm.__new__(Intracomm)
            try:
                CHKERR(MPI_Comm_rank(merged, &merged_rank))
                # Equal sizes: each side merged with high=0, so MPI ordered the groups; ours is low if first.
                ctx.low_group = local_size < remote_size or (local_size == remote_size and merged_rank < local_size)
                CHKERR(MPI_Comm_group(comm.ob_mpi, &local_group))
                with nogil:
                    CHKERR(MPI_Comm_create(merged, local_group, &(<Intracomm>localcomm).ob_mpi))
            finally:
                if local_group != MPI_GROUP_NULL:
                    MPI_Group_free(&local_group)
                MPI_Comm_free(&merged)
            ctx.localcomm = localcomm
        return (_view_of(ctx.dupcomm), ctx.next_tag(), _view_of(ctx.localcomm), ctx.low_group)


cdef int _commctx_finalize() except -1:
    """Before MPI_Finalize: drop the contexts of the predefined communicators (frees their duplicates)."""
    if _context_keyval == MPI_KEYVAL_INVALID:
        return 0
    _drop_context(MPI_COMM_SELF)
    _drop_context(MPI_COMM_WORLD)
    return 0


cdef int _drop_context(MPI_Comm comm) except -1:
    cdef int found = 0
    cdef void *value = NULL
    CHKERR(MPI_Comm_get_attr(comm, _context_keyval, &value, &found))
    if found:
        CHKERR(MPI_Comm_delete_attr(comm, _context_keyval))
    return 0
