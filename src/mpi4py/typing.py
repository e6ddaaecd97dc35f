# ruff: noqa: UP007, UP045 -- runtime aliases: X | Y needs Python >= 3.10
"""Type aliases for annotating code that calls mpi4py (buffers, counts, message specifications).

``from mpi4py.typing import BufSpec`` etc.; the names follow mpi4py's documented ``mpi4py.typing``.
Importing this module imports ``mpi4py.MPI`` (its ``Datatype``, ``BottomType`` and ``InPlaceType``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, Optional, Protocol, SupportsIndex, TypeVar, Union

from mpi4py.MPI import BottomType, Datatype, InPlaceType

__all__ = [
    "SupportsBuffer",
    "SupportsDLPack",
    "SupportsCAI",
    "Buffer",
    "Bottom",
    "InPlace",
    "Aint",
    "Count",
    "Displ",
    "Offset",
    "TypeSpec",
    "BufSpec",
    "BufSpecB",
    "BufSpecV",
    "BufSpecW",
    "TargetSpec",
]


class SupportsBuffer(Protocol):
    """An object exporting the Python buffer protocol (bytes, bytearray, NumPy arrays, ...)."""

    if sys.version_info >= (3, 12):

        def __buffer__(self, flags: int, /) -> memoryview: ...


class SupportsDLPack(Protocol):
    """An object exporting a DLPack capsule (GPU and CPU arrays of array libraries)."""

    def __dlpack__(self, /, *, stream: Optional[Union[int, Any]] = None) -> object: ...

    def __dlpack_device__(self) -> tuple[int, int]: ...


class SupportsCAI(Protocol):
    """An object exposing the CUDA Array Interface."""

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]: ...


# Memory mpi4py sends from or receives into.
Buffer = Union[SupportsBuffer, SupportsDLPack, SupportsCAI]
# MPI.BOTTOM (absolute addresses in the datatype) and MPI.IN_PLACE; None means the same.
Bottom = Union[BottomType, None]
InPlace = Union[InPlaceType, None]
# Integers of the MPI sizes: address-sized, count, displacement, file offset.
Aint = SupportsIndex
Count = SupportsIndex
Displ = SupportsIndex
Offset = SupportsIndex
# A datatype, or a format code such as "i" or "d".
TypeSpec = Union[Datatype, str]
# Message specifications: [buffer, (count,) (datatype)] for point-to-point and most collectives ...
BufSpec = Union[
    Buffer,
    tuple[Buffer, Count],
    tuple[Buffer, TypeSpec],
    tuple[Buffer, Count, TypeSpec],
    tuple[Bottom, Count, Datatype],
    list[Any],
]
# ... with a block count for the block-wise collectives (Scatter/Gather/Alltoall) ...
BufSpecB = Union[
    Buffer,
    tuple[Buffer, Count],
    tuple[Buffer, TypeSpec],
    tuple[Buffer, Count, TypeSpec],
    list[Any],
]
# ... with per-process counts and displacements for the vector collectives (*v) ...
BufSpecV = Union[
    Buffer,
    tuple[Buffer, Sequence[Count]],
    tuple[Buffer, tuple[Sequence[Count], Sequence[Displ]]],
    tuple[Buffer, TypeSpec],
    tuple[Buffer, Sequence[Count], TypeSpec],
    tuple[Buffer, tuple[Sequence[Count], Sequence[Displ]], TypeSpec],
    tuple[Buffer, Sequence[Count], Sequence[Displ], TypeSpec],
    tuple[Bottom, tuple[Sequence[Count], Sequence[Displ]], Datatype],
    tuple[Bottom, Sequence[Count], Sequence[Displ], Datatype],
    list[Any],
]
# ... and with per-process datatypes too (Alltoallw).
BufSpecW = Union[
    tuple[Buffer, Sequence[Datatype]],
    tuple[Buffer, tuple[Sequence[Count], Sequence[Displ]], Sequence[Datatype]],
    tuple[Buffer, Sequence[Count], Sequence[Displ], Sequence[Datatype]],
    tuple[Bottom, tuple[Sequence[Count], Sequence[Displ]], Sequence[Datatype]],
    tuple[Bottom, Sequence[Count], Sequence[Displ], Sequence[Datatype]],
    list[Any],
]
# One-sided target: displacement, (displacement, count, datatype), ...
TargetSpec = Union[
    Displ,
    tuple[()],
    tuple[Displ],
    tuple[Displ, Count],
    tuple[Displ, Count, TypeSpec],
    list[Any],
]

# Generic parameters of the annotations in MPI.pyi and mpi4py.util.
S = TypeVar("S")
T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")
