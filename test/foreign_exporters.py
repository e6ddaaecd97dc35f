"""Small DLPack and CUDA Array Interface producers written with ctypes, for tests of hostile exporters.

``DLPackExporter`` works the way many small producers do: ``__dlpack__`` allocates a managed tensor
whose deleter drops the reference to the exporting object (kept in ``LIVE`` until then), and a capsule
whose destructor calls the deleter only while the capsule still has its unconsumed name.  Each field of
the tensor can be overridden to make the exporter hostile (bad lanes, bits, strides, device, version).
``events`` records what the consumer did: deleter calls, capsule destructor calls, and whether an
exception was pending when either ran (``sys.unraisablehook`` sees ctypes callbacks that fail so).
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy

DLPACK_FLAG_READ_ONLY = 1
KDL_CPU, KDL_CUDA = 1, 2
# DLPack dtype codes
KDL_INT, KDL_UINT, KDL_FLOAT, KDL_BFLOAT, KDL_COMPLEX, KDL_BOOL = 0, 1, 2, 4, 5, 6
CODES = {"i": KDL_INT, "u": KDL_UINT, "f": KDL_FLOAT, "c": KDL_COMPLEX, "b": KDL_BOOL}


class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", DLDevice), ("ndim", ctypes.c_int32), ("dtype", DLDataType),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("strides", ctypes.POINTER(ctypes.c_int64)),
                ("byte_offset", ctypes.c_uint64)]


class DLManagedTensor(ctypes.Structure):
    pass


DELETER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
DLManagedTensor._fields_ = [("dl_tensor", DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", DELETER)]


class DLPackVersion(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32)]


class DLManagedTensorVersioned(ctypes.Structure):
    _fields_ = [("version", DLPackVersion), ("manager_ctx", ctypes.c_void_p), ("deleter", DELETER),
                ("flags", ctypes.c_uint64), ("dl_tensor", DLTensor)]


CAPSULE_DESTRUCTOR = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_capi = ctypes.PyDLL(None)
_capi.PyCapsule_New.restype = ctypes.py_object
_capi.PyCapsule_New.argtypes = [ctypes.c_void_p, ctypes.c_char_p, CAPSULE_DESTRUCTOR]
_capi.PyCapsule_IsValid.restype = ctypes.c_int
_capi.PyCapsule_IsValid.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_capi.PyCapsule_GetPointer.restype = ctypes.c_void_p
_capi.PyCapsule_GetPointer.argtypes = [ctypes.c_void_p, ctypes.c_char_p]

_capi.Py_IsInitialized.restype = ctypes.c_int


def _exception_pending() -> bool:
    """Whether the caller left an exception set: ctypes raises it from any C-API call made through PyDLL
    (catching it here clears it, so the consumer then fails visibly too)."""
    try:
        _capi.Py_IsInitialized()
    except BaseException:
        return True
    return False


# Managed tensors not yet deleted, by address: each holds its exporter (the reference the deleter drops).
LIVE: dict[int, tuple[Any, ...]] = {}
# Misuse seen by capsule destructors (which cannot tell their exporter once the capsule is renamed).
ALERTS: list[str] = []


@DELETER
def _deleter(address: int) -> None:
    pending = _exception_pending()
    exporter = LIVE.pop(address)[0]
    exporter.events.append("deleter" + (" with an exception pending" if pending else ""))


@CAPSULE_DESTRUCTOR
def _capsule_destructor(capsule: int) -> None:
    if _exception_pending():
        ALERTS.append("capsule destructor ran with an exception pending")
    for name in (b"dltensor", b"dltensor_versioned"):
        if _capi.PyCapsule_IsValid(capsule, name):
            address = _capi.PyCapsule_GetPointer(capsule, name)
            LIVE[address][0].events.append("capsule-destructor-deleted")
            _deleter(address)


class DLPackExporter:
    """Exports ``array`` (host memory) through ``__dlpack__`` only; keyword arguments override tensor fields.

    ``versioned``: answer ``max_version=(1, x)`` with a ``dltensor_versioned`` capsule (``version``: its
    DLPack version, ``flags``: its flags); ``legacy``: a ``__dlpack__`` without ``max_version``.
    """

    def __init__(self, array: numpy.ndarray, *, versioned: bool = False, legacy: bool = False,
                 version: tuple[int, int] = (1, 0), flags: int = 0, device: tuple[int, int] = (KDL_CPU, 0),
                 **fields: Any) -> None:
        self.array = array
        self.versioned, self.legacy, self.version, self.flags, self.device = versioned, legacy, version, flags, device
        self.fields = fields
        self.events: list[str] = []
        self.capsules: list[Any] = []

    def __dlpack_device__(self) -> tuple[int, int]:
        return self.device

    def __dlpack__(self, stream: Any = None, max_version: tuple[int, int] | None = None, **kwargs: Any) -> Any:
        if self.legacy and max_version is not None:
            raise TypeError("__dlpack__() got an unexpected keyword argument 'max_version'")
        self.events.append(f"export max_version={max_version}")
        array = self.array
        shape = (ctypes.c_int64 * max(array.ndim, 1))(*array.shape)
        strides = (ctypes.c_int64 * max(array.ndim, 1))(*(s // array.itemsize for s in array.strides))
        kind = array.dtype.kind
        tensor = DLTensor(data=array.ctypes.data, device=DLDevice(*self.device), ndim=array.ndim,
                          dtype=DLDataType(CODES[kind], array.itemsize * 8, 1), shape=shape, strides=strides,
                          byte_offset=0)
        for name, value in self.fields.items():
            if name in ("code", "bits", "lanes"):
                setattr(tensor.dtype, name, value)
            elif name in ("shape", "strides"):
                setattr(tensor, name, None if value is None else (ctypes.c_int64 * max(len(value), 1))(*value))
            else:
                setattr(tensor, name, value)
        versioned = self.versioned and max_version is not None and max_version[0] >= 1
        if versioned:
            managed: Any = DLManagedTensorVersioned(version=DLPackVersion(*self.version), deleter=_deleter,
                                                    flags=self.flags, dl_tensor=tensor)
        else:
            managed = DLManagedTensor(dl_tensor=tensor, deleter=_deleter)
        address = ctypes.addressof(managed)
        LIVE[address] = (self, managed, shape, strides, tensor)
        name = b"dltensor_versioned" if versioned else b"dltensor"
        return _capi.PyCapsule_New(address, name, _capsule_destructor)


class ReusedCapsule(DLPackExporter):
    """Hands out the capsule of its first export again (already consumed by then)."""

    def __dlpack__(self, stream: Any = None, max_version: tuple[int, int] | None = None, **kwargs: Any) -> Any:
        if not self.capsules:
            self.capsules.append(super().__dlpack__(stream, max_version))
        return self.capsules[0]


class CAIExporter:
    """Exposes host memory through ``__cuda_array_interface__`` only; keyword arguments override its keys."""

    def __init__(self, array: numpy.ndarray, **overrides: Any) -> None:
        self.array = array
        self.overrides = overrides

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        cai = {"data": (self.array.ctypes.data, False), "shape": self.array.shape, "typestr": self.array.dtype.str,
               "strides": None, "version": 3}
        cai.update(self.overrides)
        return cai


_UNNAMED_TARGET = ctypes.c_int(0)


def unnamed_capsule() -> Any:
    """A capsule without a name (nothing a DLPack producer should return)."""
    return _capi.PyCapsule_New(ctypes.addressof(_UNNAMED_TARGET), None, CAPSULE_DESTRUCTOR(0))
