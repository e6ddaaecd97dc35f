"""Buffers exported through DLPack (``__dlpack__``) and the CUDA Array Interface (host memory)."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

from mpi4py import MPI


class DLPackOnly:
    """Exposes an array only through ``__dlpack__`` (no buffer protocol)."""

    def __init__(self, array: numpy.ndarray) -> None:
        self.array = array

    def __dlpack__(self, stream: Any = None) -> Any:
        return self.array.__dlpack__()

    def __dlpack_device__(self) -> tuple[int, int]:
        return self.array.__dlpack_device__()


class CAIOnly:
    """Exposes host memory through ``__cuda_array_interface__`` only."""

    def __init__(self, array: numpy.ndarray) -> None:
        self.array = array

    @property
    def __cuda_array_interface__(self) -> dict[str, Any]:
        return {"data": (self.array.ctypes.data, False), "shape": self.array.shape, "typestr": self.array.dtype.str,
                "strides": None, "version": 3}


@pytest.mark.parametrize("wrap", [DLPackOnly, CAIOnly])
def test_allreduce_foreign(comm: MPI.Intracomm, wrap: type) -> None:
    size, rank = comm.Get_size(), comm.Get_rank()
    send = numpy.arange(4, dtype="f8") + rank
    recv = numpy.zeros(4, dtype="f8")
    comm.Allreduce(wrap(send), wrap(recv), op=MPI.SUM)
    assert recv.tolist() == (numpy.arange(4) * size + sum(range(size))).tolist()
    ints = numpy.zeros(3, dtype="i4")
    if rank == 0:
        ints[:] = [7, 8, 9]
    comm.Bcast(wrap(ints), root=0)
    assert ints.tolist() == [7, 8, 9]


def test_noncontiguous_foreign_rejected(comm: MPI.Intracomm) -> None:
    with pytest.raises(BufferError, match="contiguous"):
        comm.Bcast(DLPackOnly(numpy.zeros((4, 4))[:, 1]), root=0)
