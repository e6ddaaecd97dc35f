"""mpi4py.util.dtlib: NumPy dtype <-> MPI datatype, checked against real transfers."""

from __future__ import annotations

import numpy as np
import pytest

from mpi4py import MPI
from mpi4py.util.dtlib import from_numpy_dtype, to_numpy_dtype

SCALARS = "?bBhHiIlLqQfdgFDG"


@pytest.mark.parametrize("code", list(SCALARS))
def test_scalar_round_trip(code: str) -> None:
    datatype = from_numpy_dtype(code)
    assert datatype.Is_predefined()
    assert datatype.Get_size() == np.dtype(code).itemsize
    assert to_numpy_dtype(datatype) == np.dtype(code)


def test_named_choices_and_fixed_width() -> None:
    assert from_numpy_dtype("i4") == MPI.INT
    assert from_numpy_dtype(np.float64) == MPI.DOUBLE
    assert from_numpy_dtype(np.intp).Get_size() == np.dtype(np.intp).itemsize
    assert to_numpy_dtype(MPI.INT32_T) == np.dtype("i4")
    assert to_numpy_dtype(MPI.UINT64_T) == np.dtype("u8")
    assert to_numpy_dtype(MPI.BYTE) == np.dtype("B")
    pair = to_numpy_dtype(MPI.DOUBLE_INT)
    assert pair.names == ("value", "index") and pair.itemsize == MPI.DOUBLE_INT.Get_extent()[1]


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="holds Python objects"):
        from_numpy_dtype(object)
    swapped = np.dtype("i4").newbyteorder("S")
    with pytest.raises(ValueError, match="native byte order"):
        from_numpy_dtype(swapped)
    with pytest.raises(ValueError, match="no MPI datatype for NumPy dtype '<f2'"):
        from_numpy_dtype("f2")
    with pytest.raises(ValueError, match="not a NumPy dtype"):
        from_numpy_dtype("not-a-dtype")
    with pytest.raises(TypeError, match="expected an MPI.Datatype"):
        to_numpy_dtype("i4")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="DATATYPE_NULL"):
        to_numpy_dtype(MPI.DATATYPE_NULL)


def test_strings_and_vectors_transfer(comm: MPI.Intracomm) -> None:
    """A derived datatype from from_numpy_dtype moves one dtype element per count in a real Bcast."""
    for dtype in (np.dtype("S7"), np.dtype(("f8", (3,)))):
        datatype = from_numpy_dtype(dtype)
        datatype.Commit()
        try:
            assert datatype.Get_size() == dtype.itemsize
            data = np.zeros(4, dtype=dtype)
            if comm.Get_rank() == 0:
                data[...] = np.array([b"abc", b"defghij", b"", b"x"], "S7") if dtype.kind == "S" else np.arange(12.0).reshape(4, 3)
            comm.Bcast([data, 4, datatype], root=0)
            expected = np.arange(12.0).reshape(4, 3) if dtype.kind != "S" else np.array([b"abc", b"defghij", b"", b"x"], "S7")
            assert np.array_equal(data, expected)
        finally:
            datatype.Free()


def test_contiguous_back_to_numpy() -> None:
    datatype = MPI.DOUBLE.Create_contiguous(3)
    try:
        assert to_numpy_dtype(datatype) == np.dtype(("f8", (3,)))
    finally:
        datatype.Free()


@pytest.mark.parametrize("spec", [
    [("a", "i4"), ("b", "f8")],
    {"names": ["x", "y"], "formats": ["u1", "f4"], "offsets": [0, 8], "itemsize": 16},
    [("m", "f8", (2, 3)), ("flag", "?")],
])
def test_structured_round_trip(comm: MPI.Intracomm, spec: object) -> None:
    dtype = np.dtype(spec, align=isinstance(spec, list))  # type: ignore[call-overload]
    datatype = from_numpy_dtype(dtype)
    datatype.Commit()
    try:
        lb, extent = datatype.Get_extent()
        assert (lb, extent) == (0, dtype.itemsize)
        back = to_numpy_dtype(datatype)
        assert back.itemsize == dtype.itemsize
        assert [back.fields[n][1] for n in back.names] == [dtype.fields[n][1] for n in dtype.names]
        data = np.zeros(3, dtype)
        if comm.Get_rank() == 0:
            for name in dtype.names:
                data[name] = 1
        comm.Bcast([data, 3, datatype], root=0)
        assert all(np.all(data[name] == 1) for name in dtype.names)
    finally:
        datatype.Free()
