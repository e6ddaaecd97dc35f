# Attributes under keyvals created from Python, one mechanism for Comm, Datatype and Win: the classes'
# Create_keyval/Free_keyval/Set_attr/Get_attr/Delete_attr only name their kind and handle.

from cpython.ref cimport Py_INCREF, Py_DECREF

# The C functions MPI calls (one pair per kind, generated) forward to the hooks below; the dispatchers
# take the handle as an integer and call the MPI routine of the kind.
cdef extern from *:
    """
    typedef int (*PyMPI_attr_copy_hook_t)(int, Py_ssize_t, int, void *, void *, int *);
    typedef int (*PyMPI_attr_delete_hook_t)(int, Py_ssize_t, int, void *);
    static PyMPI_attr_copy_hook_t pympi_attr_copy_hook = 0;
    static PyMPI_attr_delete_hook_t pympi_attr_delete_hook = 0;
    #define PyMPI_ATTR_GLUE(Name, K, T) \\
      static int pympi_attr_copy_##Name(T h, int keyval, void *extra, void *in, void *out, int *flag) \\
      { (void)extra; *flag = 0; \\
        return pympi_attr_copy_hook ? pympi_attr_copy_hook(K, (Py_ssize_t)h, keyval, in, out, flag) : MPI_SUCCESS; } \\
      static int pympi_attr_delete_##Name(T h, int keyval, void *value, void *extra) \\
      { (void)extra; \\
        return pympi_attr_delete_hook ? pympi_attr_delete_hook(K, (Py_ssize_t)h, keyval, value) : MPI_SUCCESS; }
    PyMPI_ATTR_GLUE(Comm, 0, MPI_Comm)
    PyMPI_ATTR_GLUE(Type, 1, MPI_Datatype)
    PyMPI_ATTR_GLUE(Win, 2, MPI_Win)
    #define PyMPI_ATTR_DISPATCH(kind, Op, ...) \\
      switch (kind) { \\
      case 0: return PyMPI_CALL_MPI_Comm_##Op(__VA_ARGS__); \\
      case 1: return PyMPI_CALL_MPI_Type_##Op(__VA_ARGS__); \\
      case 2: return PyMPI_CALL_MPI_Win_##Op(__VA_ARGS__); \\
      } \\
      return MPI_ERR_ARG
    #define PyMPI_ATTR_HANDLE_DISPATCH(kind, Op, h, ...) \\
      switch (kind) { \\
      case 0: return PyMPI_CALL_MPI_Comm_##Op((MPI_Comm)(h), __VA_ARGS__); \\
      case 1: return PyMPI_CALL_MPI_Type_##Op((MPI_Datatype)(h), __VA_ARGS__); \\
      case 2: return PyMPI_CALL_MPI_Win_##Op((MPI_Win)(h), __VA_ARGS__); \\
      } \\
      return MPI_ERR_ARG
    static int PyMPI_Keyval_create(int kind, int *keyval)
    {
      switch (kind) {
      case 0: return PyMPI_CALL_MPI_Comm_create_keyval(pympi_attr_copy_Comm, pympi_attr_delete_Comm, keyval, NULL);
      case 1: return PyMPI_CALL_MPI_Type_create_keyval(pympi_attr_copy_Type, pympi_attr_delete_Type, keyval, NULL);
      case 2: return PyMPI_CALL_MPI_Win_create_keyval(pympi_attr_copy_Win, pympi_attr_delete_Win, keyval, NULL);
      }
      return MPI_ERR_ARG;
    }
    static int PyMPI_Keyval_free(int kind, int *keyval)
    { PyMPI_ATTR_DISPATCH(kind, free_keyval, keyval); }
    static int PyMPI_Attr_set(int kind, Py_ssize_t h, int keyval, void *value)
    { PyMPI_ATTR_HANDLE_DISPATCH(kind, set_attr, h, keyval, value); }
    static int PyMPI_Attr_get(int kind, Py_ssize_t h, int keyval, void *value, int *flag)
    { PyMPI_ATTR_HANDLE_DISPATCH(kind, get_attr, h, keyval, value, flag); }
    static int PyMPI_Attr_delete(int kind, Py_ssize_t h, int keyval)
    { PyMPI_ATTR_HANDLE_DISPATCH(kind, delete_attr, h, keyval); }
    """
    ctypedef int (*PyMPI_attr_copy_hook_t)(int, Py_ssize_t, int, void *, void *, int *) noexcept
    ctypedef int (*PyMPI_attr_delete_hook_t)(int, Py_ssize_t, int, void *) noexcept
    PyMPI_attr_copy_hook_t pympi_attr_copy_hook
    PyMPI_attr_delete_hook_t pympi_attr_delete_hook
    int PyMPI_Keyval_create(int, int *)
    int PyMPI_Keyval_free(int, int *)
    int PyMPI_Attr_set(int, Py_ssize_t, int, void *)
    int PyMPI_Attr_get(int, Py_ssize_t, int, void *, int *)
    int PyMPI_Attr_delete(int, Py_ssize_t, int)


@cython.final
cdef class _Keyval:
    """The callbacks of a keyval created from Python, and how many attributes MPI holds under it: MPI keeps a
    freed keyval (and calls its delete_fn) until the last of them is deleted, and so does this registry."""

    cdef object copy_fn
    cdef object delete_fn
    cdef Py_ssize_t attached
    cdef bint freed


# (kind, keyval) -> _Keyval, for the keyvals created from Python that MPI still knows.
cdef dict _keyvals = {}


cdef void _keyval_detach(int kind, int keyval, _Keyval kv) noexcept:
    kv.attached -= 1
    if kv.freed and kv.attached == 0:
        _keyvals.pop((kind, keyval), None)


cdef int _attr_copy(int kind, Py_ssize_t handle, int keyval, void *value_in, void *value_out,
                    int *flag) noexcept with gil:
    # copy_fn None: the attribute is not copied; NotImplemented from copy_fn: not copied either.
    cdef _Keyval kv
    try:
        kv = _keyvals.get((kind, keyval))
        if kv is None or kv.copy_fn is None:
            return MPI_SUCCESS
        new = kv.copy_fn(_borrowed(kind, handle), keyval, <object>value_in)
        if new is NotImplemented:
            return MPI_SUCCESS
        Py_INCREF(new)
        kv.attached += 1
        (<void**>value_out)[0] = <void*>new
        flag[0] = 1
        return MPI_SUCCESS
    except BaseException:
        return _callback_error(f"a {_KIND_NAMES[kind]} attribute copy_fn", MPI_ERR_OTHER)


cdef int _attr_delete(int kind, Py_ssize_t handle, int keyval, void *value) noexcept with gil:
    # The reference MPI held is released only when delete_fn succeeds: when it fails, MPI may keep the
    # attribute, and a kept attribute must still point to a live object (a leak, never a dangling pointer).
    cdef _Keyval kv
    try:
        kv = _keyvals.get((kind, keyval))
        attrval = <object>value
        if kv is not None and kv.delete_fn is not None:
            kv.delete_fn(_borrowed(kind, handle), keyval, attrval)
        Py_DECREF(attrval)
        if kv is not None:
            _keyval_detach(kind, keyval, kv)
        return MPI_SUCCESS
    except BaseException:
        return _callback_error(f"a {_KIND_NAMES[kind]} attribute delete_fn", MPI_ERR_OTHER)


pympi_attr_copy_hook = _attr_copy
pympi_attr_delete_hook = _attr_delete


cdef int _keyval_create(int kind, object copy_fn, object delete_fn) except? -1:
    cdef str name = _KIND_NAMES[kind]
    for argname, fn in (("copy_fn", copy_fn), ("delete_fn", delete_fn)):
        if fn is not None and not callable(fn):
            raise TypeError(f"{name}.Create_keyval: {argname} must be callable or None, got {type(fn).__name__}")
    cdef int keyval = MPI_KEYVAL_INVALID
    CHKERR(PyMPI_Keyval_create(kind, &keyval))
    cdef _Keyval kv = _Keyval.__new__(_Keyval)
    kv.copy_fn, kv.delete_fn = copy_fn, delete_fn
    _keyvals[(kind, keyval)] = kv
    return keyval


cdef int _keyval_free(int kind, int keyval) except? -1:
    cdef int freed = keyval
    CHKERR(PyMPI_Keyval_free(kind, &freed))
    cdef _Keyval kv = _keyvals.get((kind, keyval))
    if kv is not None:
        kv.freed = True
        kv.attached += 1  # _keyval_detach drops it now unless attributes still hold it
        _keyval_detach(kind, keyval, kv)
    return freed


cdef int _attr_set(int kind, Py_ssize_t handle, int keyval, object attrval) except -1:
    cdef str name = _KIND_NAMES[kind]
    cdef _Keyval kv = _keyvals.get((kind, keyval))
    if kv is None or kv.freed:
        raise ValueError(f"{name}.Set_attr: keyval {keyval} was not created by {name}.Create_keyval "
                         "(or was freed by Free_keyval)")
    Py_INCREF(attrval)
    kv.attached += 1
    cdef int ierr = PyMPI_Attr_set(kind, handle, keyval, <void*>attrval)
    if ierr != MPI_SUCCESS:
        Py_DECREF(attrval)
        _keyval_detach(kind, keyval, kv)
    return CHKERR(ierr)


cdef int _attr_get(int kind, Py_ssize_t handle, int keyval, void **value) except -1:
    """0: not set; 1: set, ``value[0]`` as MPI gives it; 2: set from Python, ``value[0]`` the object."""
    cdef int flag = 0
    CHKERR(PyMPI_Attr_get(kind, handle, keyval, value, &flag))
    if not flag:
        return 0
    return 2 if (kind, keyval) in _keyvals else 1


cdef int _attr_delete_of(int kind, Py_ssize_t handle, int keyval) except -1:
    return CHKERR(PyMPI_Attr_delete(kind, handle, keyval))
