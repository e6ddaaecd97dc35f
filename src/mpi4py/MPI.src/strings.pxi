# String arguments: what every routine that hands MPI a C string accepts (names, tags, ports, data
# representations, commands and their argument vectors).

from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef bytes arg_string(object value, str name):
    """The bytes MPI gets for a string argument: a ``str`` (UTF-8) or ``bytes``, without NUL."""
    cdef bytes data
    if isinstance(value, str):
        data = (<str>value).encode()
    elif isinstance(value, bytes):
        data = <bytes>value
    else:
        raise TypeError(f"{name}: expected str or bytes, got {type(value).__name__}")
    if b"\0" in data:
        raise ValueError(f"{name}: embedded null character")
    return data


cdef list arg_argv(object args, str name):
    """An argument vector: ``None`` (none), one string, or a sequence of strings."""
    if args is None:
        return []
    if isinstance(args, (str, bytes)):
        return [arg_string(args, name)]
    return [arg_string(item, name) for item in args]


cdef class _CStrings:
    """A NULL-terminated C array of the given byte strings (kept alive by this object)."""

    cdef list items
    cdef char **data

    def __cinit__(self, list items):
        cdef Py_ssize_t i
        self.items = items
        self.data = <char**>PyMem_Malloc((len(items) + 1) * sizeof(char*))
        if self.data == NULL:
            raise MemoryError
        for i in range(len(items)):
            self.data[i] = <char*>(<bytes>items[i])
        self.data[len(items)] = NULL

    def __dealloc__(self):
        PyMem_Free(self.data)
