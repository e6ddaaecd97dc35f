"""Handle conversions (handle/fromhandle, toint/fromint, py2f/f2py, free), sendrecv-replace, request object API."""

from __future__ import annotations

import array

import numpy
import pytest
from mpi_helpers import mpi4_only

from mpi4py import MPI


@pytest.mark.parametrize("name", ["COMM_WORLD", "GROUP_EMPTY", "DOUBLE", "SUM", "ERRORS_RETURN", "MESSAGE_NO_PROC"])
def test_handle_roundtrip(name: str) -> None:
    obj = getattr(MPI, name)
    cls = type(obj)
    assert cls.fromhandle(obj.handle) == obj
    assert cls.fromint(obj.toint()) == obj
    assert obj.toint() == obj.py2f()
    assert cls.f2py(obj.py2f()) == obj
    obj.free()  # predefined/null: a no-op
    assert getattr(MPI, name) == obj


def test_free_user_objects(comm: MPI.Intracomm) -> None:
    dup = comm.Dup()
    dt = MPI.INT.Dup()
    dup.free()
    dt.free()
    assert not dup and not dt
    assert MPI.Request.fromhandle(MPI.REQUEST_NULL.handle) == MPI.REQUEST_NULL


def test_sendrecv_replace(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    buf = array.array("i", [rank, rank])
    comm.Sendrecv_replace(buf, (rank + 1) % size, 1, (rank - 1) % size, 1)
    assert list(buf) == [(rank - 1) % size] * 2
    buf2 = numpy.array([float(rank)])
    if mpi4_only(lambda: comm.Isendrecv_replace(buf2, (rank + 1) % size, 2, (rank - 1) % size, 2).Wait(),
                 "MPI_Isendrecv_replace"):
        assert buf2[0] == (rank - 1) % size
    out = bytearray(1)
    if mpi4_only(lambda: comm.Isendrecv(bytearray([rank]), (rank + 1) % size, 3, out, (rank - 1) % size, 3).Wait(),
                 "MPI_Isendrecv"):
        assert out[0] == (rank - 1) % size


def test_request_object_api(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    reqs = [comm.irecv(source=(rank - 1) % size, tag=t) for t in (7, 8)]
    sends = [comm.isend((rank, t), (rank + 1) % size, tag=t) for t in (7, 8)]
    got: list[object] = []
    while len(got) < 2:
        done = MPI.Request.waitsome(reqs)
        assert done is not None
        got.extend(done)
    assert sorted(got) == [((rank - 1) % size, 7), ((rank - 1) % size, 8)]
    assert MPI.Request.testsome(reqs) is None  # nothing active any more
    MPI.Request.waitall(sends)
    assert comm.is_topo is False
    assert MPI.Datatype.fromcode("d") == MPI.DOUBLE and MPI.DOUBLE.tocode() == "d"
    assert MPI.DOUBLE.typestr[1:] == "f8" and MPI.INT.is_named and not MPI.INT.Create_contiguous(2).is_named

