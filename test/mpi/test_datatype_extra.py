"""Datatype extras: Fortran 90 parameterized types, Match_size, Get_value_index, datatype attributes,
and the Fortran sized / C++ / fixed-size datatype constants (real sizes, real communication)."""

from __future__ import annotations

import array

import pytest

from mpi4py import MPI


def _missing(symbol: str) -> bool:
    return symbol in MPI._missing_symbols()


SIZED = {
    "INTEGER": (1, 2, 4, 8, 16),
    "REAL": (2, 4, 8, 16),
    "COMPLEX": (4, 8, 16, 32),
    "LOGICAL": (1, 2, 4, 8, 16),
}


@pytest.mark.parametrize("family", sorted(SIZED))
def test_fortran_sized_constants(family: str) -> None:
    present = 0
    for n in SIZED[family]:
        dt = getattr(MPI, f"{family}{n}")
        assert isinstance(dt, MPI.Datatype)
        if _missing(f"MPI_{family}{n}"):
            assert dt == MPI.DATATYPE_NULL  # the library has no such Fortran kind
            continue
        present += 1
        if dt == MPI.DATATYPE_NULL:  # MPICH defines unsupported kinds as DATATYPE_NULL
            continue
        assert dt.Get_size() == n, (family, n)
        assert dt.Get_name() == f"MPI_{family}{n}"
    if family == "INTEGER":
        assert present >= 1  # every MPI library we build against has some sized integer


def test_fortran_aliases_and_cxx() -> None:
    assert MPI.F_BOOL == MPI.LOGICAL and MPI.F_INT == MPI.INTEGER
    assert MPI.F_FLOAT == MPI.REAL and MPI.F_DOUBLE == MPI.DOUBLE_PRECISION
    assert MPI.F_COMPLEX == MPI.F_FLOAT_COMPLEX == MPI.COMPLEX and MPI.F_DOUBLE_COMPLEX == MPI.DOUBLE_COMPLEX
    assert MPI.CXX_BOOL.Get_size() == 1
    assert MPI.CXX_FLOAT_COMPLEX.Get_size() == 2 * MPI.FLOAT.Get_size()
    assert MPI.CXX_DOUBLE_COMPLEX.Get_size() == 2 * MPI.DOUBLE.Get_size()
    assert MPI.CXX_LONG_DOUBLE_COMPLEX.Get_size() == 2 * MPI.LONG_DOUBLE.Get_size()


def test_fixed_size_constants() -> None:
    for name, size in (("SINT8_T", 1), ("SINT16_T", 2), ("SINT32_T", 4), ("SINT64_T", 8), ("FLOAT32_T", 4), ("FLOAT64_T", 8)):
        assert getattr(MPI, name).Get_size() == size, name
    assert MPI.SINT32_T == MPI.INT32_T
    assert MPI.FLOAT16_T == MPI.DATATYPE_NULL and MPI.BFLOAT16_T == MPI.DATATYPE_NULL


def test_typeclass_and_combiner_constants() -> None:
    classes = {MPI.TYPECLASS_INTEGER, MPI.TYPECLASS_REAL, MPI.TYPECLASS_COMPLEX}
    assert len(classes) == 3 and MPI.UNDEFINED not in classes
    assert isinstance(MPI.TYPECLASS_LOGICAL, int)
    assert isinstance(MPI.COMBINER_VALUE_INDEX, int)
    if not _missing("MPI_COMBINER_VALUE_INDEX"):
        known = {getattr(MPI, n) for n in dir(MPI) if n.startswith("COMBINER_") and n != "COMBINER_VALUE_INDEX"}
        assert MPI.COMBINER_VALUE_INDEX not in known


def test_sized_types_communicate(comm: MPI.Intracomm) -> None:
    # INTEGER8 values round-trip through a collective with the C int64 reading of the bytes.
    assert MPI.INTEGER8 != MPI.DATATYPE_NULL  # every MPI library we build against has it
    send = array.array("q", [comm.Get_rank() + 1])
    recv = array.array("q", [0])
    comm.Allreduce([send, 1, MPI.INTEGER8], [recv, 1, MPI.INTEGER8], op=MPI.SUM)
    n = comm.Get_size()
    assert recv[0] == n * (n + 1) // 2


def test_create_f90() -> None:
    t = MPI.Datatype.Create_f90_integer(9)
    assert t.Get_size() >= 4 and t.Get_envelope()[-1] == MPI.COMBINER_F90_INTEGER
    r = MPI.Datatype.Create_f90_real(6, MPI.UNDEFINED)
    assert r.Get_size() >= 4 and r.Get_envelope()[-1] == MPI.COMBINER_F90_REAL
    c = MPI.Datatype.Create_f90_complex(15, MPI.UNDEFINED)
    assert c.Get_size() >= 16 and c.Get_envelope()[-1] == MPI.COMBINER_F90_COMPLEX
    # The results are predefined: freeing them is refused before reaching MPI.
    with pytest.raises(MPI.Exception) as failure:
        t.Free()
    assert failure.value.Get_error_class() == MPI.ERR_TYPE


def test_match_size() -> None:
    assert MPI.Datatype.Match_size(MPI.TYPECLASS_INTEGER, 4).Get_size() == 4
    assert MPI.Datatype.Match_size(MPI.TYPECLASS_REAL, 8).Get_size() == 8
    assert MPI.Datatype.Match_size(MPI.TYPECLASS_COMPLEX, 16).Get_size() == 16
    with pytest.raises(MPI.Exception):
        MPI.Datatype.Match_size(MPI.TYPECLASS_INTEGER, 3)


def test_get_value_index() -> None:
    if _missing("MPI_Type_get_value_index"):
        with pytest.raises(NotImplementedError, match="MPI_Type_get_value_index"):
            MPI.Datatype.Get_value_index(MPI.FLOAT, MPI.INT)
        return
    assert MPI.Datatype.Get_value_index(MPI.FLOAT, MPI.INT) == MPI.FLOAT_INT
    assert MPI.Datatype.Get_value_index(MPI.DOUBLE, MPI.INT) == MPI.DOUBLE_INT
    assert MPI.Datatype.Get_value_index(MPI.INT, MPI.INT) == MPI.INT_INT
    assert MPI.Datatype.Get_value_index(MPI.INT, MPI.DOUBLE) == MPI.DATATYPE_NULL


def test_datatype_attributes() -> None:
    copied: list[object] = []
    deleted: list[object] = []

    def copy_fn(dt: MPI.Datatype, keyval: int, value: object) -> object:
        copied.append(value)
        return ("copy", value)

    def delete_fn(dt: MPI.Datatype, keyval: int, value: object) -> None:
        deleted.append(value)

    keyval = MPI.Datatype.Create_keyval(copy_fn, delete_fn)
    plain = MPI.Datatype.Create_keyval()
    t = MPI.INT.Create_contiguous(2)
    assert t.Get_attr(keyval) is None
    payload = {"answer": 42}
    t.Set_attr(keyval, payload)
    t.Set_attr(plain, "not copied")
    assert t.Get_attr(keyval) is payload
    d = t.Dup()
    assert copied == [payload]
    assert d.Get_attr(keyval) == ("copy", payload)
    assert d.Get_attr(plain) is None  # no copy_fn: Dup leaves it behind
    d.Delete_attr(keyval)
    assert deleted == [("copy", payload)] and d.Get_attr(keyval) is None
    # Freeing the types deletes their attributes (the library may defer it while the duplicate
    # still refers to the original, so check once both are gone).
    t.Free()
    d.Free()
    assert deleted == [("copy", payload), payload]
    assert MPI.Datatype.Free_keyval(keyval) == MPI.KEYVAL_INVALID
    assert MPI.Datatype.Free_keyval(plain) == MPI.KEYVAL_INVALID


def test_datatype_attributes_bad_input() -> None:
    with pytest.raises(TypeError, match="copy_fn"):
        MPI.Datatype.Create_keyval(copy_fn=3)  # type: ignore[arg-type]
    t = MPI.INT.Create_contiguous(1)
    with pytest.raises(ValueError, match="Datatype.Create_keyval"):
        t.Set_attr(123456, "x")
    t.Free()
