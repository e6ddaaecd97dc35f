"""Process topologies: Cartesian, graph and distributed graph communicators, neighborhood collectives."""

from __future__ import annotations

import array

import numpy
import pytest
from mpi_helpers import built_with, library

from mpi4py import MPI


def test_compute_dims() -> None:
    assert MPI.Compute_dims(12, 2) == [4, 3]
    assert MPI.Compute_dims(12, [0, 2]) == [6, 2]
    assert sorted(MPI.Compute_dims(8, 3)) == [2, 2, 2]


def test_cart(comm: MPI.Intracomm) -> None:
    size, rank = comm.Get_size(), comm.Get_rank()
    dims = MPI.Compute_dims(size, 2)
    cart = comm.Create_cart(dims, periods=[True, False])
    assert isinstance(cart, MPI.Cartcomm)
    assert cart.Get_topology() == MPI.CART
    assert cart.ndim == 2 and cart.dims == dims and cart.periods == [True, False]
    coords = cart.coords
    assert cart.Get_cart_rank(coords) == cart.Get_rank()
    assert cart.Get_coords(cart.Get_rank()) == coords
    src, dst = cart.Shift(0, 1)
    assert dst == cart.Get_cart_rank([(coords[0] + 1) % dims[0], coords[1]])
    assert src == cart.Get_cart_rank([(coords[0] - 1) % dims[0], coords[1]])
    src, dst = cart.Shift(1, 1)
    assert dst == (MPI.PROC_NULL if coords[1] == dims[1] - 1 else cart.Get_cart_rank([coords[0], coords[1] + 1]))
    rows = cart.Sub([True, False])
    assert rows.Get_size() == dims[0] and rows.dims == [dims[0]]
    # Neighbor allgather: each process receives its neighbors' ranks, PROC_NULL slots untouched.
    sendbuf = array.array("i", [cart.Get_rank()])
    recvbuf = array.array("i", [-1] * 4)
    cart.Neighbor_allgather(sendbuf, recvbuf)
    expected = [-1 if r == MPI.PROC_NULL else r for d in range(2) for r in cart.Shift(d, 1)]
    assert list(recvbuf) == expected
    assert cart.inedges == [r for d in range(2) for r in cart.Shift(d, 1)]
    assert cart.neighbor_allgather(rank) == [None if r == MPI.PROC_NULL else r for d in range(2) for r in cart.Shift(d, 1)]
    assert MPI.COMM_WORLD.Cart_map(dims) in range(size)
    for c in (rows, cart):
        c.Free()


def test_cart_bad_periods(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="periods"):
        comm.Create_cart([comm.Get_size()], periods=[True, True])


def test_graph_ring(comm: MPI.Intracomm) -> None:
    size, rank = comm.Get_size(), comm.Get_rank()
    index = [2 * (i + 1) for i in range(size)]
    edges = [x for i in range(size) for x in ((i - 1) % size, (i + 1) % size)]
    graph = comm.Create_graph(index, edges)
    assert isinstance(graph, MPI.Graphcomm) and graph.Get_topology() == MPI.GRAPH
    assert graph.Get_dims() == (size, 2 * size)
    assert graph.Get_topo() == (index, edges)
    assert graph.neighbors == [(rank - 1) % size, (rank + 1) % size]
    recv = numpy.full(2, -1.0)
    graph.Neighbor_alltoall(numpy.array([rank * 10.0, rank * 10.0 + 1]), recv)
    left, right = (rank - 1) % size, (rank + 1) % size
    objs = graph.neighbor_alltoall(["to-left", "to-right"])
    if size > 2:
        assert recv.tolist() == [left * 10.0 + 1, right * 10.0]
        assert objs == ["to-right", "to-left"]
    else:  # both neighbors are the same process: messages arrive in sending order
        assert sorted(recv.tolist()) == [left * 10.0, left * 10.0 + 1]
        assert objs == ["to-left", "to-right"]
    graph.Free()


def test_dist_graph(comm: MPI.Intracomm) -> None:
    size, rank = comm.Get_size(), comm.Get_rank()
    nxt, prv = (rank + 1) % size, (rank - 1) % size
    dg = comm.Create_dist_graph_adjacent([prv], [nxt], sourceweights=[1], destweights=[2])
    assert isinstance(dg, MPI.Distgraphcomm) and dg.Get_topology() == MPI.DIST_GRAPH
    assert dg.Get_dist_neighbors_count() == (1, 1, True)
    assert dg.Get_dist_neighbors() == ([prv], [nxt], ([1], [2]))
    recv = bytearray(1)
    req = dg.Ineighbor_allgather(bytearray([rank]), recv)
    req.Wait()
    assert recv[0] == prv
    dg.Free()
    dg2 = comm.Create_dist_graph([rank], [1], [nxt])
    assert dg2.Get_dist_neighbors_count() == (1, 1, False)
    assert dg2.Get_dist_neighbors()[2] is None
    assert dg2.neighbor_alltoall([rank]) == [prv]
    dg2.Free()


@pytest.mark.parametrize("form", ["blocking", "nonblocking", "persistent"])
def test_neighbor_vector_variants(comm: MPI.Intracomm, form: str) -> None:
    """Ring distributed graph: receive (from prev) and send (to next) with v and w variants in every form."""
    size, rank = comm.Get_size(), comm.Get_rank()
    nxt, prv = (rank + 1) % size, (rank - 1) % size
    ring = comm.Create_dist_graph_adjacent([prv], [nxt])

    def run(name: str, *args: object) -> None:
        if form == "blocking":
            getattr(ring, name)(*args)
        elif form == "nonblocking":
            getattr(ring, "I" + name[0].lower() + name[1:])(*args).Wait()
        else:
            if not built_with(f"MPI_{name}_init"):  # the library lacks it: it must be reported as unavailable
                with pytest.raises(NotImplementedError, match=f"MPI_{name}_init"):
                    getattr(ring, name + "_init")(*args)
                pytest.skip(f"{library()} lacks MPI_{name}_init (unavailability checked)")
            req = getattr(ring, name + "_init")(*args)
            req.Start()
            req.Wait()
            req.Free()

    out = numpy.zeros(3)
    run("Neighbor_allgatherv", numpy.full(2, float(rank)), [out, [2], [1], MPI.DOUBLE])
    assert out.tolist() == [0.0, prv, prv]
    outi = array.array("i", [-1, -1])
    run("Neighbor_alltoallv", [array.array("i", [rank, rank]), [2], [0], MPI.INT], [outi, [2], [0], MPI.INT])
    assert list(outi) == [prv, prv]
    outw = numpy.zeros(2, dtype="i")
    run("Neighbor_alltoallw", [numpy.array([rank, 7], dtype="i"), [1], [0], [MPI.INT]], [outw, [1], [4], [MPI.INT]])
    assert outw.tolist() == [0, prv]
    run("Neighbor_allgather", bytearray([rank]), rb := bytearray(1))
    assert rb[0] == prv
    run("Neighbor_alltoall", array.array("d", [rank + 0.5]), rd := array.array("d", [0.0]))
    assert rd[0] == prv + 0.5
    ring.Free()
