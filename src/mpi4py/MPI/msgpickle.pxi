# Python objects as messages: serialization with pickle.

import pickle as _pickle_module

from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING, PyBytes_GET_SIZE


cdef class Pickle:
    """Serialization of Python objects for the lowercase (object) communication methods."""

    cdef object ob_dumps
    cdef object ob_loads
    cdef object ob_protocol

    def __cinit__(self, dumps=None, loads=None, protocol=None):
        self.ob_dumps = _pickle_module.dumps if dumps is None else dumps
        self.ob_loads = _pickle_module.loads if loads is None else loads
        self.ob_protocol = _pickle_module.HIGHEST_PROTOCOL if protocol is None else protocol

    def dumps(self, obj):
        """Serialize a Python object to bytes."""
        return self.ob_dumps(obj, self.ob_protocol)

    def loads(self, data):
        """Deserialize a Python object from a bytes-like object."""
        return self.ob_loads(data)

    property PROTOCOL:
        """Pickle protocol in use."""
        def __get__(self):
            return self.ob_protocol

        def __set__(self, value):
            self.ob_protocol = _pickle_module.HIGHEST_PROTOCOL if value is None else int(value)


pickle = Pickle()
cdef Pickle _pickle = pickle


cdef inline bytes pickle_dumps(object obj):
    data = _pickle.ob_dumps(obj, _pickle.ob_protocol)
    if type(data) is not bytes:
        data = bytes(data)
    return <bytes>data


cdef inline object pickle_loads(object data, Py_ssize_t n):
    if n == 0:
        return None
    return _pickle.ob_loads(data)


cdef inline int bytes_count(bytes data, str argname) except -1:
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data)
    if n > INT_MAX:
        raise OverflowError(f"{argname}: pickled object of {n} bytes exceeds the largest MPI int count {INT_MAX}")
    return <int>n
