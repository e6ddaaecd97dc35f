"""Derived datatypes: constructors, extents, envelope/contents, packing, and non-contiguous messages."""

from __future__ import annotations

import array

import numpy
import pytest

from mpi4py import MPI


def _committed(dt: MPI.Datatype) -> MPI.Datatype:
    return dt.Commit()


def test_vector_column_exchange(comm: MPI.Intracomm) -> None:
    """Send a column of a C-ordered 4x3 matrix to the next rank with a vector datatype."""
    rank, size = comm.Get_rank(), comm.Get_size()
    column = _committed(MPI.DOUBLE.Create_vector(4, 1, 3))
    assert column.Get_size() == 4 * 8
    assert column.Get_extent() == (0, (3 * 3 + 1) * 8)
    a = numpy.arange(12, dtype="d").reshape(4, 3) + 100 * rank
    b = numpy.zeros((4, 3))
    comm.Sendrecv([a, 1, column], (rank + 1) % size, 1, [b.reshape(-1)[1:], 1, column], (rank - 1) % size, 1)
    src = (rank - 1) % size
    assert b[:, 1].tolist() == (numpy.arange(0, 12, 3) + 100 * src).tolist()
    assert b[:, 0].tolist() == [0.0] * 4 and b[:, 2].tolist() == [0.0] * 4
    column.Free()


@pytest.mark.parametrize("kind", ["numpy", "array", "bytearray"])
def test_indexed_bcast(comm: MPI.Intracomm, kind: str) -> None:
    base = {"numpy": MPI.INT, "array": MPI.INT, "bytearray": MPI.BYTE}[kind]
    idx = _committed(base.Create_indexed([2, 1], [0, 4]))
    hidx = _committed(base.Create_hindexed([2, 1], [0, 4 * base.Get_size()]))
    blk = _committed(base.Create_indexed_block(1, [1, 3, 5]))
    hblk = _committed(base.Create_hindexed_block(1, [base.Get_size(), 3 * base.Get_size(), 5 * base.Get_size()]))
    for dt, picked in ((idx, [0, 1, 4]), (hidx, [0, 1, 4]), (blk, [1, 3, 5]), (hblk, [1, 3, 5])):
        values = list(range(1, 7))
        buf = {"numpy": lambda v: numpy.array(v, dtype="i"), "array": lambda v: array.array("i", v),
               "bytearray": bytearray}[kind](values if comm.Get_rank() == 0 else [0] * 6)
        comm.Bcast([buf, 1, dt], root=0)
        assert [int(x) for x in buf] == [values[i] if (i in picked or comm.Get_rank() == 0) else 0 for i in range(6)]
        dt.Free()


def test_struct_contiguous_resized(comm: MPI.Intracomm) -> None:
    rec = numpy.dtype([("a", "i4"), ("b", "f8")], align=True)
    st = MPI.Datatype.Create_struct([1, 1], [rec.fields["a"][1], rec.fields["b"][1]], [MPI.INT32_T, MPI.DOUBLE])
    st = st.Create_resized(0, rec.itemsize).Commit()
    assert st.Get_extent() == (0, rec.itemsize) and st.Get_size() == 12
    data = numpy.zeros(3, dtype=rec)
    if comm.Get_rank() == 0:
        data["a"], data["b"] = [1, 2, 3], [0.5, 1.5, 2.5]
    comm.Bcast([data, 3, st], root=0)
    assert data["a"].tolist() == [1, 2, 3] and data["b"].tolist() == [0.5, 1.5, 2.5]
    base, name, params = st.decode()
    assert name == "RESIZED" and params == {"lb": 0, "extent": rec.itemsize}
    _, sname, sparams = base.decode()
    assert sname == "STRUCT" and sparams["blocklengths"] == [1, 1]
    cont = MPI.INT.Create_contiguous(3).Commit()
    assert cont.Get_envelope()[4] == MPI.COMBINER_CONTIGUOUS
    assert cont.decode()[1:] == ("CONTIGUOUS", {"count": 3})
    assert MPI.INT.decode()[1] == "NAMED"
    with pytest.raises(ValueError, match="predefined"):
        MPI.INT.Get_contents()
    cont.Free()
    st.Free()


def test_subarray_darray(comm: MPI.Intracomm) -> None:
    sub = MPI.DOUBLE.Create_subarray([4, 5], [2, 3], [1, 1]).Commit()
    assert sub.Get_size() == 6 * 8 and sub.Get_extent() == (0, 20 * 8)
    assert sub.decode()[2]["subsizes"] == [2, 3]
    a = numpy.arange(20, dtype="d").reshape(4, 5)
    packed = bytearray(sub.Pack_size(1, comm))
    pos = sub.Pack(a, packed, 0, comm)
    assert pos == 48
    assert numpy.frombuffer(packed[:pos], dtype="d").tolist() == [6, 7, 8, 11, 12, 13]
    b = numpy.zeros((4, 5))
    assert sub.Unpack(packed, 0, b, comm) == 48
    assert b[1:3, 1:4].tolist() == a[1:3, 1:4].tolist() and b.sum() == a[1:3, 1:4].sum()
    size, rank = comm.Get_size(), comm.Get_rank()
    da = MPI.INT.Create_darray(size, rank, [2 * size], [MPI.DISTRIBUTE_BLOCK], [MPI.DISTRIBUTE_DFLT_DARG], [size]).Commit()
    assert da.Get_size() == 2 * 4
    assert da.Get_true_extent() == (2 * rank * 4, 2 * 4)
    da.Free()
    sub.Free()


def test_external32_and_address() -> None:
    x = array.array("i", [1, 256])
    n = MPI.INT.Pack_external_size("external32", 2)
    assert n == 8
    out = bytearray(n)
    assert MPI.INT.Pack_external("external32", x, out, 0) == 8
    name, version = MPI.get_vendor()
    if name == "MPICH" and version < (4, 0) and bytes(out) == x.tobytes():
        pytest.skip(f"MPICH {'.'.join(map(str, version))} packs external32 in native byte order (a bug of the library)")
    assert bytes(out) == b"\x00\x00\x00\x01\x00\x00\x01\x00"  # big-endian by definition
    y = array.array("i", [0, 0])
    assert MPI.INT.Unpack_external("external32", out, 0, y) == 8
    assert y == x
    buf = numpy.zeros(4, dtype="d")
    assert MPI.Get_address(buf[2:]) - MPI.Get_address(buf) == 16
    assert MPI.Aint_diff(MPI.Aint_add(100, 28), 100) == 28


def test_dup_and_names() -> None:
    dup = MPI.DOUBLE.Dup()
    assert dup.Get_size() == 8 and dup.decode()[1] == "DUP"
    dup.Set_name("mydouble")
    assert dup.name == "mydouble"
    assert MPI.Datatype.f2py(dup.py2f()) == dup
    dup.Free()
    with pytest.raises(ValueError, match="blocklengths|displacements"):
        MPI.INT.Create_indexed([1, 2], [0])
    with pytest.raises(TypeError, match="datatypes"):
        MPI.Datatype.Create_struct([1], [0], ["int"])
