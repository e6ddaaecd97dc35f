"""Argument forms and results mpi4py 4.1 documents: weak references to handles, ``Create_cart``'s
scalar ``periods``, ``fromint``/``f2py``/``fromhandle`` giving the communicator subclass,
``Datatype.fromcode`` typecodes, and persistent collectives passing ``info`` on."""

from __future__ import annotations

import ctypes
import gc
import struct
import weakref

import numpy
import pytest
from mpi_helpers import library, mpi4_only

from mpi4py import MPI

HANDLE_CLASSES = ["Comm", "Intracomm", "Intercomm", "Cartcomm", "Graphcomm", "Distgraphcomm", "Group", "Info",
                  "Datatype", "Op", "Request", "Prequest", "Grequest", "Message", "Errhandler", "Win", "File",
                  "Session", "Status"]


@pytest.mark.parametrize("name", HANDLE_CLASSES)
def test_handles_take_weak_references(name: str) -> None:
    obj = getattr(MPI, name)()
    ref = weakref.ref(obj)
    assert ref() is obj
    del obj
    gc.collect()
    assert ref() is None
    assert weakref.ref(MPI.COMM_WORLD)() is MPI.COMM_WORLD


def test_create_cart_scalar_periods(comm: MPI.Intracomm) -> None:
    size = comm.Get_size()
    for periods, expected in ((True, [1, 1]), (False, [0, 0]), (None, [0, 0])):
        cart = comm.Create_cart([size, 1], periods=periods, reorder=True)
        assert isinstance(cart, MPI.Cartcomm) and cart.periods == expected and cart.dims == [size, 1]
        cart.Free()
    ring = comm.Create_cart([size], True)
    assert ring.Shift(0, 1) == ((ring.rank - 1) % size, (ring.rank + 1) % size)
    ring.Free()
    with pytest.raises(ValueError):
        comm.Create_cart([size, 1], periods=[True])  # a sequence must have one value per dimension


def _conversions(comm: MPI.Comm) -> list[MPI.Comm]:
    return [MPI.Comm.fromint(comm.toint()), MPI.Comm.f2py(comm.py2f()), MPI.Comm.fromhandle(comm.handle),
            MPI.Intracomm.fromint(comm.toint()), MPI.Cartcomm.f2py(comm.py2f())]


def test_from_handle_gives_the_subclass(comm: MPI.Intracomm) -> None:
    size = comm.Get_size()
    cart = comm.Create_cart([size])
    graph = comm.Create_graph([1] * size if size > 1 else [0], list(range(size))[::-1] if size > 1 else [])
    dist = comm.Create_dist_graph_adjacent([], [])
    made = {MPI.Cartcomm: cart, MPI.Graphcomm: graph, MPI.Distgraphcomm: dist, MPI.Intracomm: comm}
    try:
        for kind, original in made.items():
            for converted in _conversions(original):
                assert type(converted) is kind and converted == original
        for converted in _conversions(MPI.COMM_NULL):
            assert type(converted) is MPI.Comm and converted == MPI.COMM_NULL
        with pytest.raises(MPI.Exception):
            MPI.Comm.fromint(comm.toint()).Free()  # still COMM_WORLD: not freed through a converted copy
    finally:
        for topo in (cart, graph, dist):
            topo.Free()


def test_from_handle_gives_intercomm(comm: MPI.Intracomm) -> None:
    if comm.Get_size() < 2:
        pytest.skip("an intercommunicator needs two processes")
    rank = comm.Get_rank()
    low = rank < comm.Get_size() // 2 + comm.Get_size() % 2  # uneven split with 3 processes
    local = comm.Split(int(low), rank)
    remote_leader = (comm.Get_size() // 2 + comm.Get_size() % 2) if low else 0
    inter = local.Create_intercomm(0, comm, remote_leader, tag=7)
    try:
        for converted in _conversions(inter):
            assert type(converted) is MPI.Intercomm and converted == inter
    finally:
        inter.Free()
        local.Free()


FROMCODE = {
    "?": "C_BOOL", "b1": "C_BOOL", "c": "CHAR", "s": "CHAR", "S": "CHAR", "b": "SIGNED_CHAR", "B": "UNSIGNED_CHAR",
    "h": "SHORT", "H": "UNSIGNED_SHORT", "i": "INT", "I": "UNSIGNED", "l": "LONG", "L": "UNSIGNED_LONG",
    "q": "LONG_LONG", "Q": "UNSIGNED_LONG_LONG", "p": "AINT", "f": "FLOAT", "d": "DOUBLE", "g": "LONG_DOUBLE",
    "F": "C_FLOAT_COMPLEX", "D": "C_DOUBLE_COMPLEX", "G": "C_LONG_DOUBLE_COMPLEX", "Zf": "C_FLOAT_COMPLEX",
    "Zd": "C_DOUBLE_COMPLEX", "Zg": "C_LONG_DOUBLE_COMPLEX", "w": "WCHAR", "U": "WCHAR",
    "i1": "INT8_T", "i2": "INT16_T", "i4": "INT32_T", "i8": "INT64_T",
    "u1": "UINT8_T", "u2": "UINT16_T", "u4": "UINT32_T", "u8": "UINT64_T",
    "f4": "FLOAT", "f8": "DOUBLE", "c8": "C_FLOAT_COMPLEX", "c16": "C_DOUBLE_COMPLEX",
}


@pytest.mark.parametrize("code", sorted(FROMCODE))
def test_fromcode_typecodes(code: str) -> None:
    assert MPI.Datatype.fromcode(code) == getattr(MPI, FROMCODE[code])


def test_fromcode_size_typed_codes() -> None:
    # ssize_t, size_t, uintptr_t and long double: the MPI integer/float type of the C size (struct, not
    # numpy, for "n": numpy < 2 has no such dtype)
    for code, ctype in (("n", ctypes.c_ssize_t), ("N", ctypes.c_size_t), ("P", ctypes.c_void_p), ("p", ctypes.c_void_p)):
        datatype = MPI.Datatype.fromcode(code)
        assert datatype.Get_size() == ctypes.sizeof(ctype), code
    assert MPI.Datatype.fromcode("N").tocode() in "ILQ" and MPI.Datatype.fromcode("n").Get_size() == struct.calcsize("n")
    long_double = ctypes.sizeof(ctypes.c_longdouble)
    if long_double > ctypes.sizeof(ctypes.c_double):
        assert MPI.Datatype.fromcode(f"f{long_double}") == MPI.LONG_DOUBLE
        assert MPI.Datatype.fromcode(f"c{2 * long_double}") == MPI.C_LONG_DOUBLE_COMPLEX
    assert MPI.UNSIGNED_LONG.tocode() == "L" and MPI.AINT.tocode() == "p"
    for bad in ("x", "O", "", "i16", "2i", "<i"):
        with pytest.raises(ValueError):
            MPI.Datatype.fromcode(bad)


def _persistent_collectives(comm: MPI.Intracomm, topo: MPI.Cartcomm, info: object) -> list[MPI.Prequest]:
    size = comm.Get_size()
    one, many = numpy.zeros(1, "i"), numpy.zeros(size, "i")
    counts = ([1] * size, None)
    reqs = [
        comm.Barrier_init(info=info), comm.Bcast_init(one, info=info),
        comm.Scatter_init(many, numpy.zeros(1, "i"), info=info), comm.Gather_init(one, many.copy(), info=info),
        comm.Scatterv_init([many, counts, MPI.INT], numpy.zeros(1, "i"), info=info),
        comm.Gatherv_init(one, [many.copy(), counts, MPI.INT], info=info),
        comm.Allgather_init(one, many.copy(), info=info), comm.Allgatherv_init(one, [many.copy(), counts, MPI.INT], info=info),
        comm.Alltoall_init(many, many.copy(), info=info),
        comm.Alltoallv_init([many, counts, MPI.INT], [many.copy(), counts, MPI.INT], info=info),
        comm.Alltoallw_init([numpy.zeros(size, "i"), [1] * size, [4 * i for i in range(size)], [MPI.INT] * size],
                            [numpy.zeros(size, "i"), [1] * size, [4 * i for i in range(size)], [MPI.INT] * size], info=info),
        comm.Reduce_init(one, one.copy(), info=info), comm.Allreduce_init(one, one.copy(), info=info),
        comm.Reduce_scatter_block_init(many, numpy.zeros(1, "i"), info=info),
        comm.Reduce_scatter_init(many, numpy.zeros(1, "i"), [1] * size, info=info),
        comm.Scan_init(one, one.copy(), info=info), comm.Exscan_init(one, one.copy(), info=info),
    ]
    n = 2  # a periodic ring: two neighbours
    reqs += [
        topo.Neighbor_allgather_init(one, numpy.zeros(n, "i"), info=info),
        topo.Neighbor_allgatherv_init(one, [numpy.zeros(n, "i"), [1] * n, MPI.INT], info=info),
        topo.Neighbor_alltoall_init(numpy.zeros(n, "i"), numpy.zeros(n, "i"), info=info),
        topo.Neighbor_alltoallv_init([numpy.zeros(n, "i"), [1] * n, MPI.INT], [numpy.zeros(n, "i"), [1] * n, MPI.INT], info=info),
        topo.Neighbor_alltoallw_init([numpy.zeros(n, "i"), [1] * n, [4 * i for i in range(n)], [MPI.INT] * n],
                                     [numpy.zeros(n, "i"), [1] * n, [4 * i for i in range(n)], [MPI.INT] * n], info=info),
    ]
    return reqs


def test_persistent_collectives_pass_info(comm: MPI.Intracomm) -> None:
    if not mpi4_only(lambda: comm.Barrier_init(info=MPI.INFO_NULL).Free(), "MPI_Barrier_init"):
        pytest.skip(f"{library()} has no persistent collectives (MPI 4.0; unavailability checked)")
    info = MPI.Info.Create({"mpi_assert_no_any_source": "true"})
    topo = comm.Create_cart([comm.Get_size()], periods=True)  # outlives its requests (Open MPI crashes otherwise)
    try:
        reqs = _persistent_collectives(comm, topo, info)
        assert len(reqs) == 22
        MPI.Prequest.Startall(reqs)
        MPI.Request.Waitall(reqs)
        for req in reqs:
            req.Free()
    finally:
        topo.Free()
        info.Free()


@pytest.mark.parametrize("method", ["Barrier_init", "Allreduce_init", "Neighbor_alltoall_init"])
def test_persistent_collective_info_is_checked(comm: MPI.Intracomm, method: str) -> None:
    # mpi4py hands info to MPI, so a wrong type is an error (it was once silently ignored)
    target = comm.Create_cart([comm.Get_size()], periods=True) if method.startswith("Neighbor") else comm
    args = {"Barrier_init": (), "Allreduce_init": (numpy.zeros(1, "i"), numpy.zeros(1, "i")),
            "Neighbor_alltoall_init": (numpy.zeros(2, "i"), numpy.zeros(2, "i"))}[method]
    try:
        with pytest.raises(TypeError, match="info"):
            getattr(target, method)(*args, info="mpi_assert_no_any_tag=true")
    finally:
        if target is not comm:
            target.Free()
