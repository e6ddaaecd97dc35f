# Python callbacks MPI calls: the handle kinds they are made for, the objects they receive, how their
# exceptions are reported, and the error-handler trampolines (attribute callbacks: attr.pxi).

# Handle kinds, the same numbers in the C glue below and in attr.pxi.
cdef enum:
    KIND_COMM = 0
    KIND_DATATYPE = 1
    KIND_WIN = 2
    KIND_FILE = 3
    KIND_SESSION = 4

cdef tuple _KIND_NAMES = ("Comm", "Datatype", "Win", "File", "Session")


cdef object _borrowed(int kind, Py_ssize_t handle):
    """The object a callback receives for ``handle``: marked predefined (the classes that have the mark),
    so that the callback cannot free what MPI is using."""
    cdef Comm comm
    cdef Datatype datatype
    cdef Win win
    cdef File file
    cdef Session session
    if kind == KIND_COMM:
        comm = Comm.__new__(Comm)
        comm.ob_mpi, comm.predefined = _i2h_Comm(handle), True
        return comm
    if kind == KIND_DATATYPE:
        datatype = Datatype.__new__(Datatype)
        datatype.ob_mpi, datatype.predefined = _i2h_Datatype(handle), True
        return datatype
    if kind == KIND_WIN:
        win = Win.__new__(Win)
        win.ob_mpi, win.predefined = _i2h_Win(handle), True
        return win
    if kind == KIND_FILE:
        file = File.__new__(File)
        file.ob_mpi, file.predefined = _i2h_File(handle), True
        return file
    session = Session.__new__(Session)  # a Session has nothing to free but by Finalize
    session.ob_mpi = _i2h_Session(handle)
    return session


cdef int _callback_error(str where, int otherwise) noexcept:
    """The error code MPI gets for the exception a Python callback raised: an ``MPI.Exception``'s own code
    where MPI takes a code (``otherwise`` is not ``SUCCESS``); any other exception is reported (MPI cannot
    carry it, so it is printed like an unraisable one) and gives ``otherwise``."""
    import sys
    import traceback
    exc = sys.exc_info()[1]
    if otherwise != MPI_SUCCESS and isinstance(exc, Exception):
        try:
            return int(exc)
        except BaseException:
            pass
    try:
        sys.stderr.write(f"mpi4py: exception in {where} (MPI cannot receive it; ignored):\n")
        traceback.print_exc()
    except BaseException:
        pass
    return otherwise


# -- C trampolines -------------------------------------------------------------------------------

# MPI passes neither an error handler's callback nor a user-defined Op's function the handle it belongs to
# or user data (and MPICH holds a lock while an error handler runs), so each one created from Python gets
# its own C function: a slot of a table.  The preprocessor generates every table from one slot generator:
# M(K, T, hi, lo) defines (or names) slot hi * 8 + lo of kind K, whose handle type is T.
cdef extern from *:
    """
    #define PyMPI_SLOTS_8(M, K, T, hi) M(K, T, hi, 0) M(K, T, hi, 1) M(K, T, hi, 2) M(K, T, hi, 3) \\
                                       M(K, T, hi, 4) M(K, T, hi, 5) M(K, T, hi, 6) M(K, T, hi, 7)
    #define PyMPI_SLOTS_16(M, K, T) PyMPI_SLOTS_8(M, K, T, 0) PyMPI_SLOTS_8(M, K, T, 1)
    #define PyMPI_SLOTS_32(M, K, T) PyMPI_SLOTS_16(M, K, T) PyMPI_SLOTS_8(M, K, T, 2) PyMPI_SLOTS_8(M, K, T, 3)

    /* Error handlers: 32 per handle kind. */
    #define PyMPI_EH_SLOTS 32
    typedef void (*PyMPI_eh_hook_t)(int, int, Py_ssize_t, int *);
    static PyMPI_eh_hook_t pympi_eh_hook = 0;
    #define PyMPI_EH_FN(K, T, hi, lo) \\
      static void pympi_eh_##K##_##hi##_##lo(T *h, int *c, ...) \\
      { if (pympi_eh_hook) pympi_eh_hook(K, hi * 8 + lo, (Py_ssize_t)(*h), c); }
    #define PyMPI_EH_REF(K, T, hi, lo) pympi_eh_##K##_##hi##_##lo,
    #define PyMPI_EH_KIND(K, T) PyMPI_SLOTS_32(PyMPI_EH_FN, K, T) \\
      static void (*const pympi_eh_tab_##K[PyMPI_EH_SLOTS])(T *, int *, ...) = { PyMPI_SLOTS_32(PyMPI_EH_REF, K, T) };
    PyMPI_EH_KIND(0, MPI_Comm)
    PyMPI_EH_KIND(2, MPI_Win)
    PyMPI_EH_KIND(3, MPI_File)
    PyMPI_EH_KIND(4, MPI_Session)
    static int PyMPI_Create_errhandler(int kind, int slot, MPI_Errhandler *eh)
    {
      if (slot < 0 || slot >= PyMPI_EH_SLOTS) return MPI_ERR_ARG;
      switch (kind) {
      case 0: return PyMPI_CALL_MPI_Comm_create_errhandler(pympi_eh_tab_0[slot], eh);
      case 2: return PyMPI_CALL_MPI_Win_create_errhandler(pympi_eh_tab_2[slot], eh);
      case 3: return PyMPI_CALL_MPI_File_create_errhandler(pympi_eh_tab_3[slot], eh);
      case 4: return MPI_Session_create_errhandler(pympi_eh_tab_4[slot], eh);
      }
      return MPI_ERR_ARG;
    }

    /* User-defined reduction operations (Op.Create): 16, the kind unused. */
    #define PyMPI_OP_SLOTS 16
    typedef void (*PyMPI_op_hook_t)(int, void *, void *, int *, MPI_Datatype *);
    static PyMPI_op_hook_t pympi_op_hook = 0;
    #define PyMPI_OP_FN(K, T, hi, lo) \\
      static void pympi_op_##hi##_##lo(void *a, void *b, int *n, MPI_Datatype *t) \\
      { pympi_op_hook(hi * 8 + lo, a, b, n, t); }
    #define PyMPI_OP_REF(K, T, hi, lo) pympi_op_##hi##_##lo,
    PyMPI_SLOTS_16(PyMPI_OP_FN, op, void)
    static MPI_User_function *pympi_op_tab[PyMPI_OP_SLOTS] = { PyMPI_SLOTS_16(PyMPI_OP_REF, op, void) };
    """
    enum: PyMPI_EH_SLOTS
    ctypedef void (*PyMPI_eh_hook_t)(int, int, Py_ssize_t, int *) noexcept
    PyMPI_eh_hook_t pympi_eh_hook
    int PyMPI_Create_errhandler(int, int, MPI_Errhandler *)
    enum: PyMPI_OP_SLOTS
    ctypedef void (*PyMPI_op_hook_t)(int, void *, void *, int *, MPI_Datatype *) noexcept
    PyMPI_op_hook_t pympi_op_hook
    MPI_User_function *pympi_op_tab[PyMPI_OP_SLOTS]

# _eh_fns[kind]: the Python callable of each slot taken so far.  A slot is never given to another
# callable (MPI may call a handler after Errhandler.Free while an object still uses it); creating a
# handler again from the same callable reuses its slot.
cdef list _eh_fns = [[] for _ in _KIND_NAMES]


cdef void _errhandler_dispatch(int kind, int slot, Py_ssize_t handle, int *code) noexcept with gil:
    try:
        _eh_fns[kind][slot](_borrowed(kind, handle), code[0])
    except BaseException:
        _callback_error(f"a {_KIND_NAMES[kind]} error handler", MPI_SUCCESS)


pympi_eh_hook = _errhandler_dispatch


cdef Errhandler _create_errhandler(int kind, object errhandler_fn):
    cdef str where = f"{_KIND_NAMES[kind]}.Create_errhandler"
    if not callable(errhandler_fn):
        raise TypeError(f"{where}: errhandler_fn must be a callable fn(obj, errorcode), got {type(errhandler_fn).__name__}")
    cdef list fns = _eh_fns[kind]
    cdef int slot = next((i for i, fn in enumerate(fns) if fn is errhandler_fn), len(fns))
    if slot >= PyMPI_EH_SLOTS:
        raise RuntimeError(f"{where}: errhandler_fn would be the {PyMPI_EH_SLOTS + 1}th distinct callable, and at most "
                           f"{PyMPI_EH_SLOTS} error handlers with different Python callbacks can exist per class; "
                           "reuse one callable (or one Errhandler) for several objects")
    cdef Errhandler eh = Errhandler.__new__(Errhandler)
    CHKERR(PyMPI_Create_errhandler(kind, slot, &eh.ob_mpi))
    if slot == len(fns):
        fns.append(errhandler_fn)
    return eh
