# One-sided communication: the Win class (window creation, RMA operations, synchronization).

from cpython.memoryview cimport PyMemoryView_FromMemory

cdef extern from "Python.h":
    enum: PyBUF_READ
    enum: PyBUF_WRITE


cdef int _new_handle_errors(int kind, void *handle) except -1:
    """Give a new window/file the MPI.Exception error behaviour when ``rc.errors`` asks for it."""
    from mpi4py import rc
    if str(getattr(rc, "errors", "exception")).lower() != "exception":
        return 0
    if kind == 0:
        CHKERR(MPI_Win_set_errhandler((<MPI_Win*>handle)[0], MPI_ERRORS_RETURN))
    else:
        CHKERR(MPI_File_set_errhandler((<MPI_File*>handle)[0], MPI_ERRORS_RETURN))
    return 0


@cython.final
cdef class _Memory:
    """A writable buffer held while MPI may access its memory (window memory, attached regions)."""

    cdef _Export export  # the held buffer export (memory.pxi); None: no memory
    cdef void *buf
    cdef Py_ssize_t size


cdef _Memory _get_memory(object memory, str argname):
    cdef _Memory mem = _Memory.__new__(_Memory)
    if memory is None or memory is __BOTTOM__:
        return mem
    if not PyObject_CheckBuffer(memory):
        raise TypeError(f"{argname}: expected a writable object supporting the buffer protocol (NumPy array, "
                        f"array.array, bytearray, ...) or None, got {type(memory).__name__}")
    try:
        mem.export = _export_of(memory, PyBUF_WRITABLE)
    except (BufferError, ValueError) as exc:
        raise BufferError(f"{argname}: window memory must be contiguous and writable ({exc})") from None
    mem.buf = mem.export.view.buf
    mem.size = mem.export.view.len
    return mem


cdef object _as_memory(void *base, MPI_Aint size):
    if base == NULL or size <= 0:
        return memoryview(bytearray(0))
    return PyMemoryView_FromMemory(<char*>base, size, PyBUF_WRITE)


cdef int _rma_target(object target, _Msg origin, MPI_Aint *disp, int *count, MPI_Datatype *dtype) except -1:
    """Parse a target spec: None, disp, [disp], [disp, count] or [disp, count, datatype]."""
    cdef object o_disp = 0, o_count = None, o_type = None
    cdef Py_ssize_t n
    if target is None:
        pass
    elif isinstance(target, int):
        o_disp = target
    elif type(target) is list or type(target) is tuple:
        n = len(target)
        if n == 1:
            o_disp, = target
        elif n == 2:
            o_disp, o_count = target
        elif n == 3:
            o_disp, o_count, o_type = target
        else:
            raise ValueError(f"target: expected disp, [disp], [disp, count] or [disp, count, datatype], "
                             f"got a {type(target).__name__} of length {n}")
    else:
        raise TypeError(f"target: expected None, an int displacement or [disp, count, datatype], "
                        f"got {type(target).__name__}")
    disp[0] = o_disp
    if disp[0] < 0:
        raise ValueError(f"target: displacement must be >= 0, got {o_disp}")
    if o_count is None:
        count[0] = origin.count
    else:
        count[0] = o_count
        if count[0] < 0:
            raise ValueError(f"target: count must be >= 0, got {o_count}")
    if o_type is None:
        dtype[0] = origin.dtype
    elif isinstance(o_type, Datatype):
        dtype[0] = (<Datatype>o_type).ob_mpi
    elif isinstance(o_type, str) and o_type in _typedict:
        dtype[0] = (<Datatype>_typedict[o_type]).ob_mpi
    else:
        raise TypeError(f"target: datatype must be an MPI.Datatype or a type code string, got {o_type!r}")
    return 0


cdef Request _new_request(object keep):
    cdef Request req = Request.__new__(Request)
    req.ob_buf = keep
    return req


cdef class Win:
    """Window: memory exposed to one-sided (RMA) operations by the processes of a communicator."""

    def __cinit__(self, Win win=None):
        _handle_init(self, win)
        if win is not None:
            self.ob_mem = win.ob_mem
            self.ob_attached = win.ob_attached

    def __richcmp__(self, other, int op):
        return _handle_richcmp(self, other, op)

    def __reduce__(self):
        return _reduce_handle(self)

    def __bool__(self):
        return _handle_bool(self)

    def __repr__(self):
        if self.ob_mpi == MPI_WIN_NULL:
            return "<mpi4py.MPI.Win: WIN_NULL>"
        return f"<mpi4py.MPI.Win: {self.Get_name() or 'unnamed'}>"

    # -- creation -------------------------------------------------------------------------------

    @classmethod
    def Create(cls, memory, int disp_unit=1, Info info not None=INFO_NULL, Intracomm comm not None=COMM_SELF):
        """Create a window over existing ``memory`` (a writable buffer, or None for no memory)."""
        cdef _Memory mem = _get_memory(memory, "Win.Create: memory")
        cdef Win win = cls.__new__(cls)
        with nogil:
            CHKERR(MPI_Win_create(mem.buf, mem.size, disp_unit, info.ob_mpi, comm.ob_mpi, &win.ob_mpi))
        win.ob_mem = mem
        _new_handle_errors(0, &win.ob_mpi)
        return win

    @classmethod
    def Allocate(cls, Py_ssize_t size, int disp_unit=1, Info info not None=INFO_NULL, Intracomm comm not None=COMM_SELF):
        """Create a window over ``size`` bytes of new memory allocated by MPI."""
        if size < 0:
            raise ValueError(f"Win.Allocate: size must be >= 0, got {size}")
        cdef void *base = NULL
        cdef Win win = cls.__new__(cls)
        with nogil:
            CHKERR(MPI_Win_allocate(size, disp_unit, info.ob_mpi, comm.ob_mpi, &base, &win.ob_mpi))
        _new_handle_errors(0, &win.ob_mpi)
        return win

    @classmethod
    def Allocate_shared(cls, Py_ssize_t size, int disp_unit=1, Info info not None=INFO_NULL, Intracomm comm not None=COMM_SELF):
        """Create a window over new memory shared by the processes of ``comm`` (same node)."""
        if size < 0:
            raise ValueError(f"Win.Allocate_shared: size must be >= 0, got {size}")
        cdef void *base = NULL
        cdef Win win = cls.__new__(cls)
        with nogil:
            CHKERR(MPI_Win_allocate_shared(size, disp_unit, info.ob_mpi, comm.ob_mpi, &base, &win.ob_mpi))
        _new_handle_errors(0, &win.ob_mpi)
        return win

    @classmethod
    def Create_dynamic(cls, Info info not None=INFO_NULL, Intracomm comm not None=COMM_SELF):
        """Create a window without memory; expose memory later with ``Attach``."""
        cdef Win win = cls.__new__(cls)
        with nogil:
            CHKERR(MPI_Win_create_dynamic(info.ob_mpi, comm.ob_mpi, &win.ob_mpi))
        win.ob_attached = {}
        _new_handle_errors(0, &win.ob_mpi)
        return win

    def Shared_query(self, int rank):
        """Memory and displacement unit of ``rank``'s segment of a shared window: ``(memory, disp_unit)``."""
        cdef MPI_Aint size = 0
        cdef int disp_unit = 1
        cdef void *base = NULL
        CHKERR(MPI_Win_shared_query(self.ob_mpi, rank, &size, &disp_unit, &base))
        return (_window_memory(base, size, self), disp_unit)

    def Attach(self, memory):
        """Attach ``memory`` (a writable buffer) to a dynamic window."""
        cdef _Memory mem = _get_memory(memory, "Win.Attach: memory")
        with nogil:
            CHKERR(MPI_Win_attach(self.ob_mpi, mem.buf, mem.size))
        if self.ob_attached is None:
            self.ob_attached = {}
        self.ob_attached[<Py_ssize_t>mem.buf] = mem

    def Detach(self, memory):
        """Detach ``memory`` from a dynamic window."""
        cdef _Memory mem = _get_memory(memory, "Win.Detach: memory")
        with nogil:
            CHKERR(MPI_Win_detach(self.ob_mpi, mem.buf))
        if self.ob_attached is not None:
            self.ob_attached.pop(<Py_ssize_t>mem.buf, None)

    def Free(self):
        """Free the window (collective)."""
        with nogil:
            CHKERR(MPI_Win_free(&self.ob_mpi))
        self.ob_mem = None
        self.ob_attached = None

    # -- memory, attributes, info, names ------------------------------------------------------

    def tomemory(self):
        """The local window memory as a writable ``buffer``."""
        base, size, _ = self.attrs
        return _window_memory(<void*><Py_ssize_t>base, size, self)

    def __getbuffer__(self, Py_buffer *view, int flags):
        # The window exports its local memory itself (``memoryview(win)``, ``numpy.asarray(win)``), as
        # mpi4py's does: writable, the window kept alive by the view.
        base, size, _ = self.attrs
        PyBuffer_FillInfo(view, self, <void*><Py_ssize_t>base, size, 0, flags)

    def Get_attr(self, int keyval):
        """Value of an attribute: ``WIN_BASE`` (address), ``WIN_SIZE``, ``WIN_DISP_UNIT``,
        ``WIN_CREATE_FLAVOR``, ``WIN_MODEL`` (ints); ``None`` when not set."""
        cdef void *value = NULL
        cdef int found = _attr_get(KIND_WIN, _h2i(self.ob_mpi), keyval, &value)
        if found == 2:
            return <object>value
        if found == 0:
            return None
        if keyval == MPI_WIN_BASE:
            return <Py_ssize_t>value
        if keyval == MPI_WIN_SIZE:
            return (<MPI_Aint*>value)[0]
        if keyval in (MPI_WIN_DISP_UNIT, MPI_WIN_CREATE_FLAVOR, MPI_WIN_MODEL):
            return (<int*>value)[0]
        return <Py_ssize_t>value

    @property
    def attrs(self):
        """Window ``(base address, size in bytes, displacement unit)``."""
        base = self.Get_attr(MPI_WIN_BASE)
        size = self.Get_attr(MPI_WIN_SIZE)
        unit = self.Get_attr(MPI_WIN_DISP_UNIT)
        return (base or 0, size or 0, 1 if unit is None else unit)

    @property
    def flavor(self):
        """How the window was created (``WIN_FLAVOR_*``)."""
        return self.Get_attr(MPI_WIN_CREATE_FLAVOR)

    @property
    def model(self):
        """Memory model (``WIN_SEPARATE`` or ``WIN_UNIFIED``)."""
        return self.Get_attr(MPI_WIN_MODEL)

    def Get_group(self):
        """Group of the processes sharing the window."""
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Win_get_group(self.ob_mpi, &group.ob_mpi))
        return group

    @property
    def group(self):
        """Group of the window."""
        return self.Get_group()

    @property
    def group_size(self):
        """Number of processes in the window group."""
        group = self.Get_group()
        try:
            return group.Get_size()
        finally:
            group.Free()

    @property
    def group_rank(self):
        """Rank of this process in the window group."""
        group = self.Get_group()
        try:
            return group.Get_rank()
        finally:
            group.Free()

    def Set_info(self, Info info not None):
        """Set new hints for the window."""
        _set_info(self, info)

    def Get_info(self):
        """Hints actually used by the window (a new Info object)."""
        return _get_info(self)

    info = property(Get_info, Set_info, doc="window hints")

    def Get_name(self):
        """Print name of the window."""
        return _get_name(self)

    def Set_name(self, name):
        """Set the print name of the window."""
        _set_name(self, name)

    name = property(Get_name, Set_name, doc="print name")

    # -- communication --------------------------------------------------------------------------

    def Put(self, origin, int target_rank, target=None):
        """Put the ``origin`` buffer into the window of ``target_rank`` at ``target``."""
        cdef _Msg o = msg_build(origin, False, 0, "Win.Put: origin")
        cdef MPI_Aint disp = 0
        cdef int count = 0
        cdef MPI_Datatype dtype = MPI_BYTE
        _rma_target(target, o, &disp, &count, &dtype)
        with nogil:
            CHKERR(MPI_Put(o.buf, o.count, o.dtype, target_rank, disp, count, dtype, self.ob_mpi))

    def Get(self, origin, int target_rank, target=None):
        """Get data from the window of ``target_rank`` at ``target`` into the ``origin`` buffer."""
        cdef _Msg o = msg_build(origin, True, 0, "Win.Get: origin")
        cdef MPI_Aint disp = 0
        cdef int count = 0
        cdef MPI_Datatype dtype = MPI_BYTE
        _rma_target(target, o, &disp, &count, &dtype)
        with nogil:
            CHKERR(MPI_Get(o.buf, o.count, o.dtype, target_rank, disp, count, dtype, self.ob_mpi))

    def Accumulate(self, origin, int target_rank, target=None, Op op not None=SUM):
        """Combine ``origin`` into the window of ``target_rank`` with ``op``."""
        cdef _Msg o = msg_build(origin, False, 0, "Win.Accumulate: origin")
        cdef MPI_Aint disp = 0
        cdef int count = 0
        cdef MPI_Datatype dtype = MPI_BYTE
        _rma_target(target, o, &disp, &count, &dtype)
        with nogil:
            CHKERR(MPI_Accumulate(o.buf, o.count, o.dtype, target_rank, disp, count, dtype, op.ob_mpi, self.ob_mpi))

    def Get_accumulate(self, origin, result, int target_rank, target=None, Op op not None=SUM):
        """Fetch the target data into ``result``, then combine ``origin`` into it with ``op``."""
        cdef _Msg o = msg_build(origin, False, 0, "Win.Get_accumulate: origin")
        cdef _Msg r = msg_build(result, True, 0, "Win.Get_accumulate: result")
        cdef MPI_Aint disp = 0
        cdef int count = 0
        cdef MPI_Datatype dtype = MPI_BYTE
        _rma_target(target, r, &disp, &count, &dtype)
        with nogil:
            CHKERR(MPI_Get_accumulate(o.buf, o.count, o.dtype, r.buf, r.count, r.dtype,
                                      target_rank, disp, count, dtype, op.ob_mpi, self.ob_mpi))

    def Fetch_and_op(self, origin, result, int target_rank, Py_ssize_t target_disp=0, Op op not None=SUM):
        """Atomically fetch one element into ``result`` and combine ``origin`` into it with ``op``."""
        cdef _Msg o = msg_build(origin, False, 0, "Win.Fetch_and_op: origin")
        cdef _Msg r = msg_build(result, True, 0, "Win.Fetch_and_op: result")
        if r.count < 1:
            raise ValueError("Win.Fetch_and_op: result must hold one element")
        with nogil:
            CHKERR(MPI_Fetch_and_op(o.buf, r.buf, r.dtype, target_rank, target_disp, op.ob_mpi, self.ob_mpi))

    def Compare_and_swap(self, origin, compare, result, int target_rank, Py_ssize_t target_disp=0):
        """Atomically replace the target element by ``origin`` if it equals ``compare``; old value into ``result``."""
        cdef _Msg o = msg_build(origin, False, 0, "Win.Compare_and_swap: origin")
        cdef _Msg c = msg_build(compare, False, 0, "Win.Compare_and_swap: compare")
        cdef _Msg r = msg_build(result, True, 0, "Win.Compare_and_swap: result")
        if o.count < 1 or c.count < 1 or r.count < 1:
            raise ValueError("Win.Compare_and_swap: origin, compare and result must each hold one element")
        with nogil:
            CHKERR(MPI_Compare_and_swap(o.buf, c.buf, r.buf, o.dtype, target_rank, target_disp, self.ob_mpi))

    def Rput(self, origin, int target_rank, target=None):
        """Request-based ``Put`` (passive target epochs)."""
        cdef _Msg o = msg_build(origin, False, 0, "Win.Rput: origin")
        cdef MPI_Aint disp = 0
        cdef int count = 0
        cdef MPI_Datatype dtype = MPI_BYTE
        _rma_target(target, o, &disp, &count, &dtype)
        cdef Request req = _new_request(o)
        with nogil:
            CHKERR(MPI_Rput(o.buf, o.count, o.dtype, target_rank, disp, count, dtype, self.ob_mpi, &req.ob_mpi))
        return req

    def Rget(self, origin, int target_rank, target=None):
        """Request-based ``Get`` (passive target epochs)."""
        cdef _Msg o = msg_build(origin, True, 0, "Win.Rget: origin")
        cdef MPI_Aint disp = 0
        cdef int count = 0
        cdef MPI_Datatype dtype = MPI_BYTE
        _rma_target(target, o, &disp, &count, &dtype)
        cdef Request req = _new_request(o)
        with nogil:
            CHKERR(MPI_Rget(o.buf, o.count, o.dtype, target_rank, disp, count, dtype, self.ob_mpi, &req.ob_mpi))
        return req

    def Raccumulate(self, origin, int target_rank, target=None, Op op not None=SUM):
        """Request-based ``Accumulate`` (passive target epochs)."""
        cdef _Msg o = msg_build(origin, False, 0, "Win.Raccumulate: origin")
        cdef MPI_Aint disp = 0
        cdef int count = 0
        cdef MPI_Datatype dtype = MPI_BYTE
        _rma_target(target, o, &disp, &count, &dtype)
        cdef Request req = _new_request(o)
        with nogil:
            CHKERR(MPI_Raccumulate(o.buf, o.count, o.dtype, target_rank, disp, count, dtype,
                                   op.ob_mpi, self.ob_mpi, &req.ob_mpi))
        return req

    def Rget_accumulate(self, origin, result, int target_rank, target=None, Op op not None=SUM):
        """Request-based ``Get_accumulate`` (passive target epochs)."""
        cdef _Msg o = msg_build(origin, False, 0, "Win.Rget_accumulate: origin")
        cdef _Msg r = msg_build(result, True, 0, "Win.Rget_accumulate: result")
        cdef MPI_Aint disp = 0
        cdef int count = 0
        cdef MPI_Datatype dtype = MPI_BYTE
        _rma_target(target, r, &disp, &count, &dtype)
        cdef Request req = _new_request((o, r))
        with nogil:
            CHKERR(MPI_Rget_accumulate(o.buf, o.count, o.dtype, r.buf, r.count, r.dtype,
                                       target_rank, disp, count, dtype, op.ob_mpi, self.ob_mpi, &req.ob_mpi))
        return req

    # -- synchronization ------------------------------------------------------------------------

    def Fence(self, int assertion=0):
        """Fence: close the current access/exposure epoch and open a new one (collective)."""
        with nogil:
            CHKERR(MPI_Win_fence(assertion, self.ob_mpi))

    def Start(self, Group group not None, int assertion=0):
        """Start an access epoch to the processes of ``group`` (PSCW)."""
        with nogil:
            CHKERR(MPI_Win_start(group.ob_mpi, assertion, self.ob_mpi))

    def Complete(self):
        """Complete the access epoch opened by ``Start``."""
        with nogil:
            CHKERR(MPI_Win_complete(self.ob_mpi))

    def Post(self, Group group not None, int assertion=0):
        """Start an exposure epoch to the processes of ``group`` (PSCW)."""
        with nogil:
            CHKERR(MPI_Win_post(group.ob_mpi, assertion, self.ob_mpi))

    def Wait(self):
        """Complete the exposure epoch opened by ``Post``."""
        with nogil:
            CHKERR(MPI_Win_wait(self.ob_mpi))

    def Test(self):
        """Test whether the exposure epoch opened by ``Post`` has completed."""
        cdef int flag = 0
        with nogil:
            CHKERR(MPI_Win_test(self.ob_mpi, &flag))
        return <bint>flag

    def Lock(self, int rank, int lock_type=MPI_LOCK_EXCLUSIVE, int assertion=0):
        """Start a passive-target access epoch at ``rank``."""
        with nogil:
            CHKERR(MPI_Win_lock(lock_type, rank, assertion, self.ob_mpi))

    def Unlock(self, int rank):
        """Complete the passive-target access epoch at ``rank``."""
        with nogil:
            CHKERR(MPI_Win_unlock(rank, self.ob_mpi))

    def Lock_all(self, int assertion=0):
        """Start a shared passive-target access epoch at every process."""
        with nogil:
            CHKERR(MPI_Win_lock_all(assertion, self.ob_mpi))

    def Unlock_all(self):
        """Complete the access epoch opened by ``Lock_all``."""
        with nogil:
            CHKERR(MPI_Win_unlock_all(self.ob_mpi))

    def Flush(self, int rank):
        """Complete every pending RMA operation to ``rank`` at origin and target."""
        with nogil:
            CHKERR(MPI_Win_flush(rank, self.ob_mpi))

    def Flush_all(self):
        """Complete every pending RMA operation at origin and targets."""
        with nogil:
            CHKERR(MPI_Win_flush_all(self.ob_mpi))

    def Flush_local(self, int rank):
        """Complete locally every pending RMA operation to ``rank``."""
        with nogil:
            CHKERR(MPI_Win_flush_local(rank, self.ob_mpi))

    def Flush_local_all(self):
        """Complete locally every pending RMA operation."""
        with nogil:
            CHKERR(MPI_Win_flush_local_all(self.ob_mpi))

    def Sync(self):
        """Synchronize the public and private copies of the window."""
        with nogil:
            CHKERR(MPI_Win_sync(self.ob_mpi))

    # -- attributes from Python keyvals -------------------------------------------------------

    @classmethod
    def Create_keyval(cls, copy_fn=None, delete_fn=None, nopython=False):
        """New window attribute key; ``delete_fn(win, keyval, value)`` runs when the attribute is deleted
        (or the window freed).  ``copy_fn`` is checked as ``Comm``'s is (windows are never copied)."""
        return _keyval_create(KIND_WIN, copy_fn, delete_fn)

    @classmethod
    def Free_keyval(cls, int keyval):
        """Free a window attribute key; return ``KEYVAL_INVALID``."""
        return _keyval_free(KIND_WIN, keyval)

    def Set_attr(self, int keyval, attrval):
        """Attach ``attrval`` to the window under ``keyval`` (from ``Win.Create_keyval``)."""
        _attr_set(KIND_WIN, _h2i(self.ob_mpi), keyval, attrval)

    def Delete_attr(self, int keyval):
        """Delete the attribute for ``keyval``."""
        _attr_delete_of(KIND_WIN, _h2i(self.ob_mpi), keyval)

    # -- error handling -----------------------------------------------------------------------

    @classmethod
    def Create_errhandler(cls, errhandler_fn):
        """Error handler calling ``errhandler_fn(win, errorcode)``; attach it with ``Set_errhandler``."""
        return _create_errhandler(KIND_WIN, errhandler_fn)

    def Get_errhandler(self):
        """Error handler of the window (free it with ``Errhandler.Free`` when done)."""
        return _get_errhandler(self)

    def Set_errhandler(self, Errhandler errhandler not None):
        """Set the error handler of the window."""
        _set_errhandler(self, errhandler)

    def Call_errhandler(self, int errorcode):
        """Invoke the error handler of the window with ``errorcode``."""
        _call_errhandler(self, errorcode)

    # -- handles ------------------------------------------------------------------------------

    def py2f(self):
        """Fortran handle."""
        return _handle_py2f(self)

    @classmethod
    def f2py(cls, arg):
        """Window from a Fortran handle."""
        return _handle_f2py(<Win?>cls.__new__(cls), arg)

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _handle_int(self)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        return _handle_fromhandle(<Win?>cls.__new__(cls), handle)

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return _handle_py2f(self)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        return _handle_f2py(<Win?>cls.__new__(cls), arg)

    def free(self):
        """Free the window unless it is null or predefined (never raises for those)."""
        _owned_free(self)


WIN_NULL = Win()
(<Win>WIN_NULL).predefined = True

LOCK_EXCLUSIVE = MPI_LOCK_EXCLUSIVE
LOCK_SHARED = MPI_LOCK_SHARED
MODE_NOCHECK = MPI_MODE_NOCHECK
MODE_NOSTORE = MPI_MODE_NOSTORE
MODE_NOPUT = MPI_MODE_NOPUT
MODE_NOPRECEDE = MPI_MODE_NOPRECEDE
MODE_NOSUCCEED = MPI_MODE_NOSUCCEED
WIN_BASE = MPI_WIN_BASE
WIN_SIZE = MPI_WIN_SIZE
WIN_DISP_UNIT = MPI_WIN_DISP_UNIT
WIN_CREATE_FLAVOR = MPI_WIN_CREATE_FLAVOR
WIN_FLAVOR = MPI_WIN_CREATE_FLAVOR  # upstream alias
WIN_MODEL = MPI_WIN_MODEL
WIN_FLAVOR_CREATE = MPI_WIN_FLAVOR_CREATE
WIN_FLAVOR_ALLOCATE = MPI_WIN_FLAVOR_ALLOCATE
WIN_FLAVOR_DYNAMIC = MPI_WIN_FLAVOR_DYNAMIC
WIN_FLAVOR_SHARED = MPI_WIN_FLAVOR_SHARED
WIN_SEPARATE = MPI_WIN_SEPARATE
WIN_UNIFIED = MPI_WIN_UNIFIED
