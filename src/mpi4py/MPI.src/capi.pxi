# The C API for compiled packages, and the handle helpers for ctypes/cffi/numba callers.
#
# `cdef api` functions land in MPI.__pyx_capi__ and in the header Cython writes next to MPI.c
# (installed as mpi4py/include/mpi4py/MPI_api.h; C code includes mpi4py/mpi4py.h and calls
# import_mpi4py()).  PyMPI<Type>_New wraps a handle in a new Python object that does not own it
# (nothing frees a handle when its Python object dies); PyMPI<Type>_Get returns the address of
# the object's handle field, or NULL with TypeError for an object of another type.

cdef api object PyMPIDatatype_New(MPI_Datatype arg):
    return _handle_wrap(<Datatype>Datatype.__new__(Datatype), &arg)

cdef api MPI_Datatype *PyMPIDatatype_Get(object arg) except NULL:
    return &(<Datatype?>arg).ob_mpi


cdef api object PyMPIStatus_New(MPI_Status *arg):
    cdef Status obj = Status.__new__(Status)
    if arg != NULL:
        obj.ob_mpi = arg[0]
    return obj

cdef api MPI_Status *PyMPIStatus_Get(object arg) except? NULL:
    if arg is None:  # MPI_STATUS_IGNORE, as the Python methods accept status=None
        return NULL
    return &(<Status?>arg).ob_mpi


cdef api object PyMPIRequest_New(MPI_Request arg):
    return _handle_wrap(<Request>Request.__new__(Request), &arg)

cdef api object PyMPIPrequest_New(MPI_Request arg):
    return _handle_wrap(<Request>Prequest.__new__(Prequest), &arg)

cdef api object PyMPIGrequest_New(MPI_Request arg):
    return _handle_wrap(<Request>Grequest.__new__(Grequest), &arg)

cdef api MPI_Request *PyMPIRequest_Get(object arg) except NULL:
    return &(<Request?>arg).ob_mpi


cdef api object PyMPIMessage_New(MPI_Message arg):
    return _handle_wrap(<Message>Message.__new__(Message), &arg)

cdef api MPI_Message *PyMPIMessage_Get(object arg) except NULL:
    return &(<Message?>arg).ob_mpi


cdef api object PyMPIOp_New(MPI_Op arg):
    return _handle_wrap(<Op>Op.__new__(Op), &arg)

cdef api MPI_Op *PyMPIOp_Get(object arg) except NULL:
    return &(<Op?>arg).ob_mpi


cdef api object PyMPIGroup_New(MPI_Group arg):
    return _handle_wrap(<Group>Group.__new__(Group), &arg)

cdef api MPI_Group *PyMPIGroup_Get(object arg) except NULL:
    return &(<Group?>arg).ob_mpi


cdef api object PyMPIInfo_New(MPI_Info arg):
    return _handle_wrap(<Info>Info.__new__(Info), &arg)

cdef api MPI_Info *PyMPIInfo_Get(object arg) except NULL:
    return &(<Info?>arg).ob_mpi


cdef api object PyMPIErrhandler_New(MPI_Errhandler arg):
    return _handle_wrap(<Errhandler>Errhandler.__new__(Errhandler), &arg)

cdef api MPI_Errhandler *PyMPIErrhandler_Get(object arg) except NULL:
    return &(<Errhandler?>arg).ob_mpi


cdef api object PyMPISession_New(MPI_Session arg):
    return _handle_wrap(<Session>Session.__new__(Session), &arg)

cdef api MPI_Session *PyMPISession_Get(object arg) except NULL:
    return &(<Session?>arg).ob_mpi


# The class that matches a communicator: Intercomm, a topology class, Intracomm, or Comm for COMM_NULL.
cdef type _comm_class(MPI_Comm comm):
    if comm == MPI_COMM_NULL:
        return Comm
    cdef int inter = 0, topo = MPI_UNDEFINED
    CHKERR(MPI_Comm_test_inter(comm, &inter))
    if inter:
        return Intercomm
    CHKERR(MPI_Topo_test(comm, &topo))
    if topo == MPI_CART:
        return Cartcomm
    if topo == MPI_GRAPH:
        return Graphcomm
    if topo == MPI_DIST_GRAPH:
        return Distgraphcomm
    return Intracomm

cdef api object PyMPIComm_New(MPI_Comm arg):
    cdef type cls = _comm_class(arg)
    return _handle_wrap(<Comm?>cls.__new__(cls), &arg)

cdef api MPI_Comm *PyMPIComm_Get(object arg) except NULL:
    return &(<Comm?>arg).ob_mpi


cdef api object PyMPIWin_New(MPI_Win arg):
    return _handle_wrap(<Win>Win.__new__(Win), &arg)

cdef api MPI_Win *PyMPIWin_Get(object arg) except NULL:
    return &(<Win?>arg).ob_mpi


cdef api object PyMPIFile_New(MPI_File arg):
    return _handle_wrap(<File>File.__new__(File), &arg)

cdef api MPI_File *PyMPIFile_Get(object arg) except NULL:
    return &(<File?>arg).ob_mpi


# -- handle helpers (ctypes, cffi, numba-mpi, mpi4jax) -------------------------------------------

from libc.stdint cimport uintptr_t


# (address of the handle field, size of the handle type) of an instance, or (NULL, 0).
cdef void *_handle_field(object arg, size_t *size) noexcept:
    if isinstance(arg, Datatype):
        size[0] = sizeof(MPI_Datatype)
        return &(<Datatype>arg).ob_mpi
    if isinstance(arg, Request):
        size[0] = sizeof(MPI_Request)
        return &(<Request>arg).ob_mpi
    if isinstance(arg, Message):
        size[0] = sizeof(MPI_Message)
        return &(<Message>arg).ob_mpi
    if isinstance(arg, Op):
        size[0] = sizeof(MPI_Op)
        return &(<Op>arg).ob_mpi
    if isinstance(arg, Group):
        size[0] = sizeof(MPI_Group)
        return &(<Group>arg).ob_mpi
    if isinstance(arg, Info):
        size[0] = sizeof(MPI_Info)
        return &(<Info>arg).ob_mpi
    if isinstance(arg, Errhandler):
        size[0] = sizeof(MPI_Errhandler)
        return &(<Errhandler>arg).ob_mpi
    if isinstance(arg, Session):
        size[0] = sizeof(MPI_Session)
        return &(<Session>arg).ob_mpi
    if isinstance(arg, Comm):
        size[0] = sizeof(MPI_Comm)
        return &(<Comm>arg).ob_mpi
    if isinstance(arg, Win):
        size[0] = sizeof(MPI_Win)
        return &(<Win>arg).ob_mpi
    if isinstance(arg, File):
        size[0] = sizeof(MPI_File)
        return &(<File>arg).ob_mpi
    if isinstance(arg, Status):
        size[0] = sizeof(MPI_Status)
        return &(<Status>arg).ob_mpi
    size[0] = 0
    return NULL


def _sizeof(arg):
    """Size in bytes of the MPI handle (``MPI_Status`` for ``Status``) of an MPI object or class."""
    cdef size_t size = 0
    if isinstance(arg, type):
        for cls in (Datatype, Request, Message, Op, Group, Info, Errhandler, Session, Comm, Win, File, Status):
            if issubclass(arg, cls):
                _handle_field(cls.__new__(cls), &size)
                return size
    elif _handle_field(arg, &size) != NULL:
        return size
    raise TypeError(f"_sizeof: arg must be an MPI object or MPI class, got {arg!r}")


def _addressof(arg):
    """Memory address of the MPI handle (the ``MPI_Status`` for ``Status``) inside an MPI object."""
    cdef size_t size = 0
    cdef void *field = _handle_field(arg, &size)
    if field == NULL:
        raise TypeError(f"_addressof: arg must be an MPI object, got {type(arg).__name__}")
    return <uintptr_t>field


def _handleof(arg):
    """The MPI handle of an MPI object as an unsigned integer (for ``Status``: its address)."""
    cdef size_t size = 0
    cdef void *field = _handle_field(arg, &size)
    if field == NULL:
        raise TypeError(f"_handleof: arg must be an MPI object, got {type(arg).__name__}")
    if isinstance(arg, Status) or size > sizeof(uintptr_t):
        return <uintptr_t>field
    # A handle is a pointer (Open MPI) or an int (MPICH): its bytes as an unsigned integer.
    cdef uintptr_t value = 0
    memcpy(&value, field, size)
    if size < sizeof(uintptr_t) and _big_endian():
        value >>= 8 * (sizeof(uintptr_t) - size)
    return value


cdef bint _big_endian() noexcept:
    cdef unsigned int one = 1
    return (<unsigned char*>&one)[0] == 0


def _typecode(Datatype datatype):
    """The format code of a predefined datatype (``"i"`` for ``INT``), or None if it has none."""
    try:
        return datatype.tocode()
    except ValueError:
        return None


cdef dict _alignments = None  # handle of a predefined datatype -> alignment of its C type in bytes


cdef dict _alignment_table():
    global _alignments
    if _alignments is not None:
        return _alignments
    import ctypes as c
    exact = {1: c.c_int8, 2: c.c_int16, 4: c.c_int32, 8: c.c_int64}
    # Each predefined datatype with the C type(s) it lays out; a pair type (FLOAT_INT, ...) aligns as its
    # most aligned member, a complex type as its real parts.
    members = {
        "C_BOOL": (c.c_bool,), "CHAR": (c.c_char,), "SIGNED_CHAR": (c.c_byte,), "UNSIGNED_CHAR": (c.c_ubyte,),
        "BYTE": (c.c_ubyte,), "PACKED": (c.c_ubyte,), "WCHAR": (c.c_wchar,),
        "SHORT": (c.c_short,), "UNSIGNED_SHORT": (c.c_ushort,), "INT": (c.c_int,), "UNSIGNED": (c.c_uint,),
        "LONG": (c.c_long,), "UNSIGNED_LONG": (c.c_ulong,), "LONG_LONG": (c.c_longlong,),
        "UNSIGNED_LONG_LONG": (c.c_ulonglong,), "FLOAT": (c.c_float,), "DOUBLE": (c.c_double,),
        "LONG_DOUBLE": (c.c_longdouble,), "C_FLOAT_COMPLEX": (c.c_float,), "C_DOUBLE_COMPLEX": (c.c_double,),
        "C_LONG_DOUBLE_COMPLEX": (c.c_longdouble,),
        "INT8_T": (c.c_int8,), "INT16_T": (c.c_int16,), "INT32_T": (c.c_int32,), "INT64_T": (c.c_int64,),
        "UINT8_T": (c.c_uint8,), "UINT16_T": (c.c_uint16,), "UINT32_T": (c.c_uint32,), "UINT64_T": (c.c_uint64,),
        "AINT": (exact[sizeof(MPI_Aint)],), "OFFSET": (exact[sizeof(MPI_Offset)],),
        "COUNT": (exact[sizeof(MPI_Count)],),
        "SHORT_INT": (c.c_short, c.c_int), "TWOINT": (c.c_int,), "LONG_INT": (c.c_long, c.c_int),
        "FLOAT_INT": (c.c_float, c.c_int), "DOUBLE_INT": (c.c_double, c.c_int),
        "LONG_DOUBLE_INT": (c.c_longdouble, c.c_int),
    }
    table = {}
    for name, ctypes_types in members.items():
        datatype = globals().get(name)
        if isinstance(datatype, Datatype) and (<Datatype>datatype).ob_mpi != MPI_DATATYPE_NULL:
            table.setdefault(_handleof(datatype), max(c.alignment(t) for t in ctypes_types))
    _alignments = table
    return table


cdef object _datatype_alignment(Datatype datatype):
    if datatype.ob_mpi == MPI_DATATYPE_NULL:
        return None
    _, _, _, _, combiner = datatype.Get_envelope()
    if combiner == MPI_COMBINER_NAMED:
        return _alignment_table().get(_handleof(datatype))
    if combiner in (MPI_COMBINER_F90_INTEGER, MPI_COMBINER_F90_REAL, MPI_COMBINER_F90_COMPLEX):
        return None  # Fortran kinds: no C type to take the alignment of
    found = []
    for constituent in datatype.Get_contents()[3]:
        found.append(_datatype_alignment(constituent))
        if _is_contents_temporary(constituent):
            (<Datatype>constituent).Free()
    if not found or None in found:
        return None
    return max(found)


def _typealign(Datatype datatype):
    """Alignment in bytes of the C type a datatype lays out (a derived one: its most aligned constituent),
    or None when it has none (DATATYPE_NULL, Fortran or unknown types)."""
    return _datatype_alignment(datatype)
