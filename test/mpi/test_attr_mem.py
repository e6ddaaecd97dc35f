"""Attributes (keyvals), predefined attributes, names, Alloc_mem/Free_mem and MPI.buffer."""

from __future__ import annotations

import array

import numpy
import pytest

from mpi4py import MPI


def test_keyval_attributes(comm: MPI.Intracomm) -> None:
    deleted: list[object] = []
    copied = MPI.Comm.Create_keyval(copy_fn=lambda c, k, v: [*v, "copied"], delete_fn=lambda c, k, v: deleted.append(v))
    plain = MPI.Comm.Create_keyval()
    dup0 = comm.Dup()
    dup0.Set_attr(copied, ["orig"])
    dup0.Set_attr(plain, {"x": 1})
    assert dup0.Get_attr(copied) == ["orig"] and dup0.Get_attr(plain) == {"x": 1}
    dup1 = dup0.Dup()
    assert dup1.Get_attr(copied) == ["orig", "copied"]
    assert dup1.Get_attr(plain) is None  # no copy_fn: not inherited
    dup0.Delete_attr(copied)
    assert deleted == [["orig"]] and dup0.Get_attr(copied) is None
    dup1.Free()
    assert deleted == [["orig"], ["orig", "copied"]]
    dup0.Free()
    assert MPI.Comm.Free_keyval(copied) == MPI.KEYVAL_INVALID
    MPI.Comm.Free_keyval(plain)
    with pytest.raises(ValueError, match="keyval"):
        comm.Set_attr(12345, "x")


def test_predefined_attributes(comm: MPI.Intracomm) -> None:
    tag_ub = comm.Get_attr(MPI.TAG_UB)
    assert isinstance(tag_ub, int) and tag_ub >= 32767


def test_names(comm: MPI.Intracomm) -> None:
    dup = comm.Dup()
    dup.Set_name("my-comm")
    assert dup.Get_name() == "my-comm" and dup.name == "my-comm"
    dup.Free()


def test_alloc_mem_buffer(comm: MPI.Intracomm) -> None:
    mem = MPI.Alloc_mem(64)
    assert isinstance(mem, MPI.buffer) and mem.nbytes == 64 and mem.address != 0
    arr = numpy.frombuffer(mem, dtype="d")
    arr[:] = comm.Get_rank()
    out = numpy.zeros(8)
    comm.Allreduce([mem, MPI.DOUBLE], out)
    assert out.tolist() == [float(sum(range(comm.Get_size())))] * 8
    view = MPI.buffer.fromaddress(mem.address, 16)
    assert view.cast("d").tolist() == [comm.Get_rank()] * 2
    del arr
    MPI.Free_mem(mem)
    assert mem.nbytes == 0
    with pytest.raises(TypeError, match="Alloc_mem"):
        MPI.Free_mem(bytearray(4))
    b = MPI.buffer(array.array("i", [1, 2]))
    assert b.tobytes() == array.array("i", [1, 2]).tobytes() and b.obj is not None
