# Initialization at import, finalization at exit, driven by mpi4py.rc.
import atexit as _atexit

cdef bint _we_initialized = False


cdef int _initialize() except -1:
    global _we_initialized
    from mpi4py import rc
    cdef int flag = 0, provided = MPI_THREAD_SINGLE
    CHKERR(MPI_Initialized(&flag))
    if flag or not rc.initialize:
        return 0
    levels = {"single": MPI_THREAD_SINGLE, "funneled": MPI_THREAD_FUNNELED,
              "serialized": MPI_THREAD_SERIALIZED, "multiple": MPI_THREAD_MULTIPLE}
    cdef int required = levels[rc.thread_level] if rc.threads else MPI_THREAD_SINGLE
    CHKERR(MPI_Init_thread(NULL, NULL, required, &provided))
    _we_initialized = True
    CHKERR(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN))
    CHKERR(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN))
    finalize = rc.finalize
    if finalize or (finalize is None and _we_initialized):
        _atexit.register(_finalize_at_exit)
    return 0


def _finalize_at_exit():
    cdef int flag = 0
    MPI_Finalized(&flag)
    if not flag:
        MPI_Finalize()


_initialize()
