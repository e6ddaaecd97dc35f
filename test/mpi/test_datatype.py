from __future__ import annotations

import struct

import pytest

from mpi4py import MPI

C_TYPES = {
    "CHAR": "c", "SIGNED_CHAR": "b", "UNSIGNED_CHAR": "B", "SHORT": "h", "UNSIGNED_SHORT": "H", "INT": "i",
    "UNSIGNED": "I", "LONG": "l", "UNSIGNED_LONG": "L", "LONG_LONG": "q", "UNSIGNED_LONG_LONG": "Q",
    "FLOAT": "f", "DOUBLE": "d", "C_BOOL": "?",
}
FIXED = {"INT8_T": 1, "INT16_T": 2, "INT32_T": 4, "INT64_T": 8, "UINT8_T": 1, "UINT16_T": 2, "UINT32_T": 4, "UINT64_T": 8,
         "C_FLOAT_COMPLEX": 8, "C_DOUBLE_COMPLEX": 16, "BYTE": 1, "AINT": struct.calcsize("n")}


@pytest.mark.parametrize("name", sorted(C_TYPES))
def test_predefined_c_types(name: str) -> None:
    dt = getattr(MPI, name)
    size = struct.calcsize(C_TYPES[name])
    assert isinstance(dt, MPI.Datatype) and dt
    assert dt.Get_size() == dt.size == size
    assert dt.Get_extent() == (0, size) and dt.extent == size and dt.lb == 0 and dt.ub == size
    assert dt.Get_true_extent() == (0, size)
    assert dt.is_predefined and dt.Is_predefined()
    assert MPI._typedict[C_TYPES[name]] == dt


@pytest.mark.parametrize("name", sorted(FIXED))
def test_predefined_fixed_types(name: str) -> None:
    assert getattr(MPI, name).Get_size() == FIXED[name]


def test_datatype_null_and_equality() -> None:
    assert not MPI.DATATYPE_NULL
    assert MPI.INT == MPI.Datatype(MPI.INT) and MPI.INT != MPI.DOUBLE
    assert MPI.UNSIGNED_INT == MPI.UNSIGNED


def test_names() -> None:
    assert "INT" in MPI.INT.Get_name().upper()
    assert "DOUBLE" in MPI.DOUBLE.name.upper()


def test_contiguous_dup_commit_free() -> None:
    vec = MPI.DOUBLE.Create_contiguous(5)
    assert vec.Commit() is vec
    assert vec.Get_size() == 40 and vec.Get_extent() == (0, 40) and not vec.is_predefined
    dup = vec.Dup()
    assert dup.Get_size() == 40 and dup != vec
    dup.Free()
    vec.Free()
    assert not vec and vec == MPI.DATATYPE_NULL
    with pytest.raises(ValueError, match="count must be >= 0"):
        MPI.INT.Create_contiguous(-1)


def test_free_predefined_is_an_error() -> None:
    with pytest.raises(MPI.Exception) as failure:
        MPI.INT.Free()
    assert failure.value.Get_error_class() == MPI.ERR_TYPE
    assert MPI.INT.Get_size() == 4


def test_contiguous_type_in_communication(comm: MPI.Intracomm) -> None:
    import array

    triple = MPI.INT.Create_contiguous(3).Commit()
    rank = comm.Get_rank()
    send = array.array("i", [rank, rank + 1, rank + 2, rank + 3, rank + 4, rank + 5])
    recv = array.array("i", [0] * 6)
    comm.Sendrecv([send, 2, triple], rank, 3, [recv, 2, triple], rank, 3)
    triple.Free()
    assert recv == send
