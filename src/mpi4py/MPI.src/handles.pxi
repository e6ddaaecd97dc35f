# The handle protocol every MPI object class shares (comparison, truth, Fortran and integer handles,
# Free/free): written once here over a fused type that Cython specialises per class at compile time,
# so each class's method is a one-line delegation and the generated C calls the class's own MPI
# routine directly.  What differs per class is the tables below (one branch per class).

from libc.string cimport memcpy


# Integer <-> handle casts: a handle is an int in MPICH, a pointer in Open MPI.
cdef extern from *:
    Py_ssize_t _h2i "(Py_ssize_t)" (...) nogil
    MPI_Comm _i2h_Comm "(MPI_Comm)(Py_ssize_t)" (Py_ssize_t) nogil
    MPI_Datatype _i2h_Datatype "(MPI_Datatype)(Py_ssize_t)" (Py_ssize_t) nogil
    MPI_Errhandler _i2h_Errhandler "(MPI_Errhandler)(Py_ssize_t)" (Py_ssize_t) nogil
    MPI_File _i2h_File "(MPI_File)(Py_ssize_t)" (Py_ssize_t) nogil
    MPI_Group _i2h_Group "(MPI_Group)(Py_ssize_t)" (Py_ssize_t) nogil
    MPI_Info _i2h_Info "(MPI_Info)(Py_ssize_t)" (Py_ssize_t) nogil
    MPI_Message _i2h_Message "(MPI_Message)(Py_ssize_t)" (Py_ssize_t) nogil
    MPI_Op _i2h_Op "(MPI_Op)(Py_ssize_t)" (Py_ssize_t) nogil
    MPI_Request _i2h_Request "(MPI_Request)(Py_ssize_t)" (Py_ssize_t) nogil
    MPI_Session _i2h_Session "(MPI_Session)(Py_ssize_t)" (Py_ssize_t) nogil
    MPI_Win _i2h_Win "(MPI_Win)(Py_ssize_t)" (Py_ssize_t) nogil


ctypedef fused _Handle:
    Comm
    Datatype
    Errhandler
    File
    Group
    Info
    Message
    Op
    Request
    Session
    Win

# The classes with a ``predefined`` mark (a predefined handle is never freed from Python).
ctypedef fused _Owned:
    Comm
    Datatype
    Errhandler
    Group
    Info
    Op
    Win

# The classes whose ``Free`` is the MPI call alone (Op's also drops its callback).
ctypedef fused _Freed:
    Comm
    Datatype
    Errhandler
    Group
    Info
    Op


# -- per-class tables ---------------------------------------------------------------------------

cdef inline type _handle_class(_Handle obj):
    """The class whose instances compare with ``obj`` by handle."""
    if _Handle is Comm:
        return Comm
    elif _Handle is Datatype:
        return Datatype
    elif _Handle is Errhandler:
        return Errhandler
    elif _Handle is File:
        return File
    elif _Handle is Group:
        return Group
    elif _Handle is Info:
        return Info
    elif _Handle is Message:
        return Message
    elif _Handle is Op:
        return Op
    elif _Handle is Request:
        return Request
    elif _Handle is Session:
        return Session
    elif _Handle is Win:
        return Win


cdef inline bint _handle_isnull(_Handle obj) noexcept:
    if _Handle is Comm:
        return obj.ob_mpi == MPI_COMM_NULL
    elif _Handle is Datatype:
        return obj.ob_mpi == MPI_DATATYPE_NULL
    elif _Handle is Errhandler:
        return obj.ob_mpi == MPI_ERRHANDLER_NULL
    elif _Handle is File:
        return obj.ob_mpi == MPI_FILE_NULL
    elif _Handle is Group:
        return obj.ob_mpi == MPI_GROUP_NULL
    elif _Handle is Info:
        return obj.ob_mpi == MPI_INFO_NULL
    elif _Handle is Message:
        return obj.ob_mpi == MPI_MESSAGE_NULL
    elif _Handle is Op:
        return obj.ob_mpi == MPI_OP_NULL
    elif _Handle is Request:
        return obj.ob_mpi == MPI_REQUEST_NULL
    elif _Handle is Session:
        return obj.ob_mpi == MPI_SESSION_NULL
    elif _Handle is Win:
        return obj.ob_mpi == MPI_WIN_NULL


cdef int _handle_init(_Handle obj, _Handle other) except -1:
    """``__cinit__``: the null handle, or ``other``'s handle (with its predefined mark, where the class has one)."""
    if _Handle is Comm:
        obj.ob_mpi = MPI_COMM_NULL
    elif _Handle is Datatype:
        obj.ob_mpi = MPI_DATATYPE_NULL
    elif _Handle is Errhandler:
        obj.ob_mpi = MPI_ERRHANDLER_NULL
    elif _Handle is File:
        obj.ob_mpi = MPI_FILE_NULL
    elif _Handle is Group:
        obj.ob_mpi = MPI_GROUP_NULL
    elif _Handle is Info:
        obj.ob_mpi = MPI_INFO_NULL
    elif _Handle is Message:
        obj.ob_mpi = MPI_MESSAGE_NULL
    elif _Handle is Op:
        obj.ob_mpi = MPI_OP_NULL
    elif _Handle is Request:
        obj.ob_mpi = MPI_REQUEST_NULL
    elif _Handle is Session:
        obj.ob_mpi = MPI_SESSION_NULL
    elif _Handle is Win:
        obj.ob_mpi = MPI_WIN_NULL
    if other is None:
        return 0
    obj.ob_mpi = other.ob_mpi
    if (_Handle is Comm or _Handle is Datatype or _Handle is Errhandler or _Handle is File or _Handle is Group
            or _Handle is Info or _Handle is Op or _Handle is Win):
        obj.predefined = other.predefined
    return 0


cdef object _handle_py2f(_Handle obj):
    """The Fortran handle of ``obj``."""
    cdef MPI_Fint value = 0
    if _Handle is Comm:
        value = MPI_Comm_c2f(obj.ob_mpi)
    elif _Handle is Datatype:
        value = MPI_Type_c2f(obj.ob_mpi)
    elif _Handle is Errhandler:
        value = MPI_Errhandler_c2f(obj.ob_mpi)
    elif _Handle is File:
        value = MPI_File_c2f(obj.ob_mpi)
    elif _Handle is Group:
        value = MPI_Group_c2f(obj.ob_mpi)
    elif _Handle is Info:
        value = MPI_Info_c2f(obj.ob_mpi)
    elif _Handle is Message:
        value = MPI_Message_c2f(obj.ob_mpi)
    elif _Handle is Op:
        value = MPI_Op_c2f(obj.ob_mpi)
    elif _Handle is Request:
        value = MPI_Request_c2f(obj.ob_mpi)
    elif _Handle is Session:
        CHKERR(PyMPI_Session_c2f(obj.ob_mpi, &value))
    elif _Handle is Win:
        value = MPI_Win_c2f(obj.ob_mpi)
    return value


cdef object _handle_f2py(_Handle obj, object arg):
    """``obj`` (a new object) set to the handle of Fortran handle ``arg``."""
    if _Handle is Comm:
        obj.ob_mpi = MPI_Comm_f2c(arg)
    elif _Handle is Datatype:
        obj.ob_mpi = MPI_Type_f2c(arg)
    elif _Handle is Errhandler:
        obj.ob_mpi = MPI_Errhandler_f2c(arg)
    elif _Handle is File:
        obj.ob_mpi = MPI_File_f2c(arg)
    elif _Handle is Group:
        obj.ob_mpi = MPI_Group_f2c(arg)
    elif _Handle is Info:
        obj.ob_mpi = MPI_Info_f2c(arg)
    elif _Handle is Message:
        obj.ob_mpi = MPI_Message_f2c(arg)
    elif _Handle is Op:
        obj.ob_mpi = MPI_Op_f2c(arg)
    elif _Handle is Request:
        obj.ob_mpi = MPI_Request_f2c(arg)
    elif _Handle is Session:
        CHKERR(PyMPI_Session_f2c(arg, &obj.ob_mpi))
    elif _Handle is Win:
        obj.ob_mpi = MPI_Win_f2c(arg)
    return obj


cdef object _handle_fromhandle(_Handle obj, object handle):
    """``obj`` (a new object) set to the integer MPI handle ``handle``."""
    if _Handle is Comm:
        obj.ob_mpi = _i2h_Comm(handle)
    elif _Handle is Datatype:
        obj.ob_mpi = _i2h_Datatype(handle)
    elif _Handle is Errhandler:
        obj.ob_mpi = _i2h_Errhandler(handle)
    elif _Handle is File:
        obj.ob_mpi = _i2h_File(handle)
    elif _Handle is Group:
        obj.ob_mpi = _i2h_Group(handle)
    elif _Handle is Info:
        obj.ob_mpi = _i2h_Info(handle)
    elif _Handle is Message:
        obj.ob_mpi = _i2h_Message(handle)
    elif _Handle is Op:
        obj.ob_mpi = _i2h_Op(handle)
    elif _Handle is Request:
        obj.ob_mpi = _i2h_Request(handle)
    elif _Handle is Session:
        obj.ob_mpi = _i2h_Session(handle)
    elif _Handle is Win:
        obj.ob_mpi = _i2h_Win(handle)
    return obj


cdef int _owned_release(_Freed obj) except -1:
    """The MPI call that frees the handle; the error class MPI reports for freeing a predefined one."""
    if obj.predefined:
        # What MPI reports; some MPIs abort on it (Open MPI on INFO_ENV).
        if _Freed is Comm:
            raise Exception(MPI_ERR_COMM)
        elif _Freed is Datatype:
            raise Exception(MPI_ERR_TYPE)
        elif _Freed is Errhandler:
            raise Exception(MPI_ERR_ERRHANDLER)
        elif _Freed is Group:
            raise Exception(MPI_ERR_GROUP)
        elif _Freed is Info:
            raise Exception(MPI_ERR_INFO)
        elif _Freed is Op:
            raise Exception(MPI_ERR_OP)
    if _Freed is Comm:
        with nogil:
            CHKERR(MPI_Comm_free(&obj.ob_mpi))
    elif _Freed is Datatype:
        CHKERR(MPI_Type_free(&obj.ob_mpi))
    elif _Freed is Errhandler:
        CHKERR(MPI_Errhandler_free(&obj.ob_mpi))
    elif _Freed is Group:
        CHKERR(MPI_Group_free(&obj.ob_mpi))
    elif _Freed is Info:
        CHKERR(MPI_Info_free(&obj.ob_mpi))
    elif _Freed is Op:
        CHKERR(MPI_Op_free(&obj.ob_mpi))
    return 0


# -- the shared method bodies -------------------------------------------------------------------

cdef object _handle_richcmp(_Handle obj, object other, int op):
    """``==``/``!=``: the same MPI handle; other comparisons are not defined."""
    if not isinstance(other, _handle_class(obj)) or op not in (2, 3):
        return NotImplemented
    cdef bint same = obj.ob_mpi == (<_Handle>other).ob_mpi
    return same if op == 2 else not same


cdef inline bint _handle_bool(_Handle obj) noexcept:
    return not _handle_isnull(obj)


cdef object _handle_wrap(_Handle obj, const void *handle):
    """``obj`` (a new object) wrapping the MPI handle stored at ``handle`` (the C API's ``PyMPI<Type>_New``)."""
    memcpy(&obj.ob_mpi, handle, sizeof(obj.ob_mpi))
    return obj


cdef inline object _handle_int(_Handle obj):
    """The MPI handle as an integer (``handle``)."""
    return _h2i(obj.ob_mpi)


cdef int _owned_free(_Owned obj) except -1:
    """``free()``: free the handle unless it is null or predefined (never raises for those)."""
    if not _handle_isnull(obj) and not obj.predefined:
        if _Owned is Op or _Owned is Win:
            obj.Free()  # which also drops the Op's callback, the Win's memory
        else:
            _owned_release(obj)
    return 0


# -- error handlers and info hints (Comm, Win, File, Session) -----------------------------------

ctypedef fused _Errhandled:
    Comm
    File
    Session
    Win

# The classes whose hints can be set after creation.
ctypedef fused _Hinted:
    Comm
    File
    Win


cdef Errhandler _get_errhandler(_Errhandled obj):
    cdef Errhandler eh = Errhandler.__new__(Errhandler)
    if _Errhandled is Comm:
        CHKERR(MPI_Comm_get_errhandler(obj.ob_mpi, &eh.ob_mpi))
    elif _Errhandled is File:
        CHKERR(MPI_File_get_errhandler(obj.ob_mpi, &eh.ob_mpi))
    elif _Errhandled is Session:
        CHKERR(MPI_Session_get_errhandler(obj.ob_mpi, &eh.ob_mpi))
    elif _Errhandled is Win:
        CHKERR(MPI_Win_get_errhandler(obj.ob_mpi, &eh.ob_mpi))
    return eh


cdef int _set_errhandler(_Errhandled obj, Errhandler errhandler) except -1:
    if _Errhandled is Comm:
        CHKERR(MPI_Comm_set_errhandler(obj.ob_mpi, errhandler.ob_mpi))
    elif _Errhandled is File:
        CHKERR(MPI_File_set_errhandler(obj.ob_mpi, errhandler.ob_mpi))
    elif _Errhandled is Session:
        CHKERR(MPI_Session_set_errhandler(obj.ob_mpi, errhandler.ob_mpi))
    elif _Errhandled is Win:
        CHKERR(MPI_Win_set_errhandler(obj.ob_mpi, errhandler.ob_mpi))
    return 0


cdef int _call_errhandler(_Errhandled obj, int errorcode) except -1:
    # Without the GIL: a handler created from Python takes it back in its trampoline (callbacks.pxi).
    with nogil:
        if _Errhandled is Comm:
            CHKERR(MPI_Comm_call_errhandler(obj.ob_mpi, errorcode))
        elif _Errhandled is File:
            CHKERR(MPI_File_call_errhandler(obj.ob_mpi, errorcode))
        elif _Errhandled is Session:
            CHKERR(MPI_Session_call_errhandler(obj.ob_mpi, errorcode))
        elif _Errhandled is Win:
            CHKERR(MPI_Win_call_errhandler(obj.ob_mpi, errorcode))
    return 0


cdef Info _get_info(_Errhandled obj):
    """A new Info holding the hints in use."""
    cdef Info info = Info.__new__(Info)
    if _Errhandled is Comm:
        CHKERR(MPI_Comm_get_info(obj.ob_mpi, &info.ob_mpi))
    elif _Errhandled is File:
        CHKERR(MPI_File_get_info(obj.ob_mpi, &info.ob_mpi))
    elif _Errhandled is Session:
        CHKERR(MPI_Session_get_info(obj.ob_mpi, &info.ob_mpi))
    elif _Errhandled is Win:
        CHKERR(MPI_Win_get_info(obj.ob_mpi, &info.ob_mpi))
    return info


cdef int _set_info(_Hinted obj, Info info) except -1:
    # Without the GIL: collective (Comm in MPI-4, File, Win), it may wait for the other processes.
    with nogil:
        if _Hinted is Comm:
            CHKERR(MPI_Comm_set_info(obj.ob_mpi, info.ob_mpi))
        elif _Hinted is File:
            CHKERR(MPI_File_set_info(obj.ob_mpi, info.ob_mpi))
        elif _Hinted is Win:
            CHKERR(MPI_Win_set_info(obj.ob_mpi, info.ob_mpi))
    return 0


# -- print names (Comm, Datatype, Win) ----------------------------------------------------------

ctypedef fused _Named:
    Comm
    Datatype
    Win


cdef str _get_name(_Named obj):
    cdef char name[MPI_MAX_OBJECT_NAME + 1]
    cdef int nlen = 0
    if _Named is Comm:
        CHKERR(MPI_Comm_get_name(obj.ob_mpi, name, &nlen))
    elif _Named is Datatype:
        CHKERR(MPI_Type_get_name(obj.ob_mpi, name, &nlen))
    elif _Named is Win:
        CHKERR(MPI_Win_get_name(obj.ob_mpi, name, &nlen))
    return name[:nlen].decode(errors="replace")


cdef int _set_name(_Named obj, object name) except -1:
    cdef bytes data = arg_string(name, "name")
    if _Named is Comm:
        CHKERR(MPI_Comm_set_name(obj.ob_mpi, data))
    elif _Named is Datatype:
        CHKERR(MPI_Type_set_name(obj.ob_mpi, data))
    elif _Named is Win:
        CHKERR(MPI_Win_set_name(obj.ob_mpi, data))
    return 0
