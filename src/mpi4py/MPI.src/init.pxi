# Initialization at import and finalization at exit, driven by mpi4py.rc.

import atexit as _atexit

cdef bint _we_initialized = False
cdef bint _atexit_registered = False

_THREAD_LEVELS = {
    "single": MPI_THREAD_SINGLE,
    "funneled": MPI_THREAD_FUNNELED,
    "serialized": MPI_THREAD_SERIALIZED,
    "multiple": MPI_THREAD_MULTIPLE,
}
_ERRORS = ("exception", "default", "abort", "fatal")


cdef object _rc():
    from mpi4py import rc
    return rc


cdef int _rc_thread_level() except -1:
    rc = _rc()
    if not rc.threads:
        return MPI_THREAD_SINGLE
    level = str(rc.thread_level).lower()
    if level not in _THREAD_LEVELS:
        raise ValueError(f"mpi4py.rc.thread_level: invalid value {rc.thread_level!r}; "
                         f"use one of {', '.join(map(repr, _THREAD_LEVELS))}")
    return _THREAD_LEVELS[level]


cdef int _set_errors() except -1:
    """Apply ``rc.errors`` to COMM_SELF and COMM_WORLD."""
    errors = str(getattr(_rc(), "errors", "exception")).lower()
    if errors not in _ERRORS:
        raise ValueError(f"mpi4py.rc.errors: invalid value {errors!r}; use one of {', '.join(map(repr, _ERRORS))}")
    cdef MPI_Errhandler eh
    if errors == "default":
        return 0
    if errors == "exception":
        eh = MPI_ERRORS_RETURN
    elif errors == "abort" and MPI_ERRORS_ABORT != MPI_ERRHANDLER_NULL:
        eh = MPI_ERRORS_ABORT
    else:
        eh = MPI_ERRORS_ARE_FATAL
    CHKERR(MPI_Comm_set_errhandler(MPI_COMM_SELF, eh))
    CHKERR(MPI_Comm_set_errhandler(MPI_COMM_WORLD, eh))
    return 0


cdef int _startup(bint by_us) except -1:
    """Bookkeeping after MPI has been initialized."""
    global _we_initialized, _atexit_registered, irecv_bufsz
    rc = _rc()
    _we_initialized = _we_initialized or by_us
    bufsz = getattr(rc, "irecv_bufsz", 32768)
    if not isinstance(bufsz, int) or bufsz <= 0:
        raise ValueError(f"mpi4py.rc.irecv_bufsz: expected a positive integer, got {bufsz!r}")
    irecv_bufsz = bufsz
    _set_errors()
    if not _atexit_registered:
        _atexit.register(_finalize_at_exit)
        _atexit_registered = True
    return 0


cdef int _abort_status = 0  # nonzero: abort the job with it at exit instead of finalizing (mpi4py.run)


def _set_abort_status(status):
    """At Python exit, terminate every process of the job with ``MPI_Abort(COMM_WORLD, status)`` instead
    of finalizing MPI (``python -m mpi4py`` on an uncaught exception).  ``status`` as ``sys.exit`` takes
    it: an int, ``None`` (0: finalize as usual) or anything else (1)."""
    global _abort_status
    if status is None:
        _abort_status = 0
    elif isinstance(status, int):
        _abort_status = <int>status
    else:
        _abort_status = 1


def _finalize_at_exit():
    cdef int initialized = 0, finalized = 1
    MPI_Initialized(&initialized)
    MPI_Finalized(&finalized)
    if not initialized or finalized:
        return
    if _abort_status != 0:
        _abort_job(_abort_status)
    _commctx_finalize()
    finalize = _rc().finalize
    if finalize or (finalize is None and _we_initialized):
        MPI_Finalize()


def _abort_job(int status):
    """Flush Python's output and terminate every process of the job with ``status``: ``MPI_Abort`` on
    ``COMM_WORLD`` while MPI runs, else ``os._exit``.  The one way out of ``python -m mpi4py`` on an
    uncaught exception and of the exit handler after ``_set_abort_status``."""
    import os
    import sys
    import time
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # a closed stream must not prevent the abort
            pass
    cdef int initialized = 0, finalized = 1
    MPI_Initialized(&initialized)
    MPI_Finalized(&finalized)
    if initialized and not finalized:
        # The launcher forwards output asynchronously: a moment to drain our pipes before the abort kills the job.
        time.sleep(0.25)
        MPI_Abort(MPI_COMM_WORLD, status)
    os._exit(status)  # MPI_Abort does not return; this is a safety net


def Init():
    """Initialize the MPI execution environment."""
    CHKERR(MPI_Init(NULL, NULL))
    _startup(True)


def Init_thread(int required=MPI_THREAD_MULTIPLE):
    """Initialize MPI with the ``required`` thread support level; return the provided level."""
    cdef int provided = MPI_THREAD_SINGLE
    CHKERR(MPI_Init_thread(NULL, NULL, required, &provided))
    _startup(True)
    return provided


def Finalize():
    """Terminate the MPI execution environment."""
    _commctx_finalize()
    CHKERR(MPI_Finalize())


cdef int _initialize_at_import() except -1:
    rc = _rc()
    cdef int flag = 0, provided = MPI_THREAD_SINGLE, required
    CHKERR(MPI_Initialized(&flag))
    if flag:
        _startup(False)
        return 0
    if not rc.initialize:
        return 0
    required = _rc_thread_level()
    if rc.threads:
        CHKERR(MPI_Init_thread(NULL, NULL, required, &provided))
    else:
        CHKERR(MPI_Init(NULL, NULL))
    _startup(True)
    return 0


_initialize_at_import()
