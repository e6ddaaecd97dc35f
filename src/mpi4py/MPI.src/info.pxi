# Info objects: (key, value) string hints, usable as a mutable mapping.

from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef bytes _info_string(object s, bint key, str where):
    """An info key or value as MPI takes it: a str, at most MAX_INFO_KEY / MAX_INFO_VAL bytes encoded."""
    cdef str what = "key" if key else "value"
    if not isinstance(s, str):
        raise TypeError(f"{where}: info {what}s must be str, got {type(s).__name__}")
    cdef bytes data = s.encode()
    if key and len(data) > MPI_MAX_INFO_KEY:
        raise ValueError(f"{where}: info key {s!r} is longer than MAX_INFO_KEY={MPI_MAX_INFO_KEY}")
    if not key and len(data) > MPI_MAX_INFO_VAL:
        raise ValueError(f"{where}: info value is longer than MAX_INFO_VAL={MPI_MAX_INFO_VAL}")
    return data


cdef inline bytes _info_key(object key, str where):
    return _info_string(key, True, where)


cdef inline bytes _info_value(object value, str where):
    return _info_string(value, False, where)


cdef object _info_get(MPI_Info info, bytes key):
    """Value for ``key`` or ``None`` when absent."""
    cdef int vlen = 0, flag = 0
    if info == MPI_INFO_NULL:
        return None
    CHKERR(MPI_Info_get_valuelen(info, key, &vlen, &flag))
    if not flag:
        return None
    cdef bytearray value = bytearray(vlen + 1)
    cdef char *p = value
    CHKERR(MPI_Info_get(info, key, vlen, p, &flag))
    if not flag:
        return None
    return bytes(value[:vlen]).decode(errors="replace")


cdef class Info:
    """Info object: an ordered set of ``(key, value)`` string pairs passed as hints to MPI."""

    def __cinit__(self, Info info=None):
        _handle_init(self, info)

    def __richcmp__(self, other, int op):
        return _handle_richcmp(self, other, op)

    def __reduce__(self):
        return _reduce_handle(self, _info_rebuild)

    def __bool__(self):
        return _handle_bool(self)

    def __repr__(self):
        if self.ob_mpi == MPI_INFO_NULL:
            return "<mpi4py.MPI.Info: INFO_NULL>"
        return f"<mpi4py.MPI.Info: {dict(self.items())!r}>"

    @classmethod
    def Create(cls, items=None):
        """Create a new info object, optionally filled from a mapping or ``(key, value)`` pairs."""
        cdef Info info = cls.__new__(cls)
        CHKERR(MPI_Info_create(&info.ob_mpi))
        if items is not None:
            try:
                info.update(items)
            except BaseException:
                MPI_Info_free(&info.ob_mpi)
                raise
        return info

    @classmethod
    def Create_env(cls, args=None):
        """Create an info object with the execution environment of the process (MPI-4);
        ``args`` (a sequence of str) are the command-line arguments to describe."""
        cdef list argv = [] if args is None else [_info_value(a, "Info.Create_env: args") for a in args]
        cdef Py_ssize_t i, n = len(argv)
        cdef char **cargv = <char**>PyMem_Malloc((n + 1) * sizeof(char*))
        if cargv == NULL:
            raise MemoryError("Info.Create_env: cannot allocate the argument vector")
        cdef Info info = cls.__new__(cls)
        try:
            for i in range(n):
                cargv[i] = <char*>(<bytes>argv[i])
            cargv[n] = NULL
            CHKERR(MPI_Info_create_env(<int>n, cargv if n else NULL, &info.ob_mpi))
        finally:
            PyMem_Free(cargv)
        return info

    def Free(self):
        """Free the info object."""
        _owned_release(self)

    def Dup(self):
        """Duplicate the info object."""
        cdef Info info = type(self).__new__(type(self))
        CHKERR(MPI_Info_dup(self.ob_mpi, &info.ob_mpi))
        return info

    def Get(self, key):
        """Value of ``key`` (a ``str``), or ``None`` when the key is not set."""
        return _info_get(self.ob_mpi, _info_key(key, "Info.Get"))

    def Set(self, key, value):
        """Set ``key`` to ``value`` (both ``str``)."""
        cdef bytes k = _info_key(key, "Info.Set")
        cdef bytes v = _info_value(value, "Info.Set")
        CHKERR(MPI_Info_set(self.ob_mpi, k, v))

    def Delete(self, key):
        """Remove ``key``; raises MPI.Exception (``ERR_INFO_NOKEY``) when it is not set."""
        cdef bytes k = _info_key(key, "Info.Delete")
        CHKERR(MPI_Info_delete(self.ob_mpi, k))

    def Get_nkeys(self):
        """Number of keys set."""
        cdef int n = 0
        if self.ob_mpi == MPI_INFO_NULL:
            return 0
        CHKERR(MPI_Info_get_nkeys(self.ob_mpi, &n))
        return n

    def Get_nthkey(self, int n):
        """The ``n``-th key (0-based)."""
        cdef char key[MPI_MAX_INFO_KEY + 1]
        key[0] = 0
        CHKERR(MPI_Info_get_nthkey(self.ob_mpi, n, key))
        return key.decode(errors="replace")

    # -- mapping protocol -----------------------------------------------------------------------

    def __len__(self):
        return self.Get_nkeys()

    def __contains__(self, key):
        if not isinstance(key, str):
            return False
        return _info_get(self.ob_mpi, _info_key(key, "Info")) is not None

    def __iter__(self):
        return iter(self.keys())

    def __getitem__(self, key):
        value = _info_get(self.ob_mpi, _info_key(key, "Info[key]"))
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key, value):
        self.Set(key, value)

    def __delitem__(self, key):
        if key not in self:
            raise KeyError(key)
        self.Delete(key)

    def keys(self):
        """List of keys."""
        return [self.Get_nthkey(i) for i in range(self.Get_nkeys())]

    def values(self):
        """List of values."""
        return [self[k] for k in self.keys()]

    def items(self):
        """List of ``(key, value)`` pairs."""
        return [(k, self[k]) for k in self.keys()]

    def get(self, key, default=None):
        """Value of ``key``, or ``default`` when not set."""
        value = _info_get(self.ob_mpi, _info_key(key, "Info.get"))
        return default if value is None else value

    def pop(self, key, *default):
        """Remove ``key`` and return its value (or ``default``; ``KeyError`` without one)."""
        if len(default) > 1:
            raise TypeError(f"Info.pop: expected at most 2 arguments, got {1 + len(default)}")
        value = _info_get(self.ob_mpi, _info_key(key, "Info.pop"))
        if value is None:
            if default:
                return default[0]
            raise KeyError(key)
        self.Delete(key)
        return value

    def popitem(self):
        """Remove and return the last ``(key, value)`` pair (``KeyError`` when empty)."""
        n = self.Get_nkeys()
        if n == 0:
            raise KeyError("Info.popitem: info is empty")
        key = self.Get_nthkey(n - 1)
        value = self[key]
        self.Delete(key)
        return (key, value)

    def update(self, other=(), **kwds):
        """Set keys from a mapping or iterable of pairs, then from keyword arguments."""
        if hasattr(other, "keys"):
            pairs = [(k, other[k]) for k in other.keys()]
        else:
            pairs = list(other)
        for pair in pairs:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"Info.update: expected a mapping or (key, value) pairs, got the item {pair!r}")
            self.Set(pair[0], pair[1])
        for key, value in kwds.items():
            self.Set(key, value)

    def copy(self):
        """Shallow copy (same as ``Dup``)."""
        return self.Dup()

    def clear(self):
        """Remove every key."""
        for key in self.keys():
            self.Delete(key)

    # -- handles ------------------------------------------------------------------------------

    def py2f(self):
        """Fortran handle."""
        return _handle_py2f(self)

    @classmethod
    def f2py(cls, arg):
        """Info from a Fortran handle."""
        return _handle_f2py(<Info?>cls.__new__(cls), arg)

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _handle_int(self)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        return _handle_fromhandle(<Info?>cls.__new__(cls), handle)

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return _handle_py2f(self)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        return _handle_f2py(<Info?>cls.__new__(cls), arg)

    def free(self):
        """Free the info object unless it is null or predefined (never raises for those)."""
        _owned_free(self)


cdef Info _new_info(MPI_Info handle):
    cdef Info info = Info.__new__(Info)
    info.ob_mpi = handle
    return info


INFO_NULL = Info()
(<Info>INFO_NULL).predefined = True
INFO_ENV = _new_info(MPI_INFO_ENV)
(<Info>INFO_ENV).predefined = True
MAX_INFO_KEY = MPI_MAX_INFO_KEY
MAX_INFO_VAL = MPI_MAX_INFO_VAL
