"""Behaviour behind the callables the signature-parity figure counts (test_api_parity.py): the buffer
protocol of the address constants and of Win, MPI.Exception ordering, Pickle with a one-argument
``dumps``, and the private module helpers mpi4py 4.1 has (_typealign, _datatype_create/_decode,
_set_abort_status, _comm_lock/_comm_lock_table, _commctx_intra/_commctx_inter)."""

from __future__ import annotations

import ctypes
import json
import pickle
import subprocess
import sys
import threading

import pytest
from mpi_helpers import mpiexec, spawning
from mpi_plugin import clean_env

from mpi4py import MPI

# -- the address constants and windows export buffers -------------------------------------------------


@pytest.mark.parametrize("name", ["BOTTOM", "IN_PLACE", "BUFFER_AUTOMATIC"])
def test_address_constants_are_empty_buffers_at_their_address(name: str) -> None:
    constant = getattr(MPI, name)
    view = memoryview(constant)
    assert (view.nbytes, view.readonly) == (0, False)
    assert MPI.buffer(constant).address == int(constant)
    assert isinstance(constant, int) and repr(constant) == name
    if sys.version_info >= (3, 12):
        assert callable(type(constant).__buffer__)


@pytest.mark.parametrize("name", ["BOTTOM", "IN_PLACE", "BUFFER_AUTOMATIC"])
def test_address_constants_unpickle_as_themselves(name: str) -> None:
    constant = getattr(MPI, name)
    assert pickle.loads(pickle.dumps(constant)) is constant
    copied = pickle.loads(pickle.dumps(type(constant)(12)))
    assert type(copied) is type(constant) and copied == 12


def test_address_constants_keep_their_meaning_in_message_specs(comm: MPI.Intracomm) -> None:
    # BOTTOM still means absolute addresses, IN_PLACE still means "in place" (not an empty buffer).
    import array

    data = array.array("i", [comm.Get_rank() + 1] * 3)
    comm.Allreduce(MPI.IN_PLACE, data, op=MPI.SUM)
    total = comm.Get_size() * (comm.Get_size() + 1) // 2
    assert list(data) == [total] * 3
    out = array.array("i", [0, 0])
    src = array.array("i", [5, 6])
    absolute = MPI.INT.Create_hindexed([2], [MPI.Get_address(src)]).Commit()
    try:
        comm.Sendrecv([MPI.BOTTOM, 1, absolute], comm.Get_rank(), 3, out, comm.Get_rank(), 3)
    finally:
        absolute.Free()
    assert list(out) == [5, 6]


def test_window_exports_its_local_memory(comm: MPI.Intracomm) -> None:
    # Create, not Allocate: Debian 12's MPICH 4.0.2 maps the Allocate windows of two local ranks onto the
    # same memory (each sees the other's stores), which is the library's fault, not the export's.
    memory = bytearray(8)
    win = MPI.Win.Create(memory, comm=comm)
    try:
        view = memoryview(win)
        assert (view.nbytes, view.readonly) == (8, False)
        view[:] = bytes(range(8))
        assert bytes(win.tomemory()) == bytes(memory) == bytes(range(8))
        # Remote writes land in the memory the view shows.
        rank, size = comm.Get_rank(), comm.Get_size()
        win.Fence()
        origin = bytearray([rank + 100])  # an origin buffer must live until the epoch ends
        win.Put(origin, (rank + 1) % size, 0)
        win.Fence()
        assert view[0] == (rank - 1) % size + 100
        view.release()
    finally:
        win.Free()
    with pytest.raises(MPI.Exception):
        memoryview(win)  # a freed window has no memory


# -- MPI.Exception is ordered by error code -----------------------------------------------------------


def test_exception_ordering() -> None:
    comm_error = MPI.Exception(MPI.ERR_COMM)
    assert MPI.SUCCESS < MPI.ERR_COMM  # the codes this relies on
    assert comm_error > MPI.SUCCESS and comm_error >= MPI.ERR_COMM and comm_error <= MPI.ERR_COMM
    assert comm_error < MPI.ERR_LASTCODE and not comm_error < MPI.ERR_COMM
    assert MPI.Exception(MPI.SUCCESS) < comm_error and comm_error >= MPI.Exception(MPI.ERR_COMM)
    assert sorted([comm_error, MPI.Exception(MPI.SUCCESS)]) == [MPI.SUCCESS, MPI.ERR_COMM]
    with pytest.raises(TypeError):
        comm_error < "ERR_COMM"  # noqa: B015


# -- Pickle: a custom dumps without a protocol is called with the object alone ---------------------------


def _json_dumps(obj: object) -> bytes:
    return json.dumps(obj).encode()


def _json_loads(data: object) -> object:
    return json.loads(memoryview(data).tobytes())  # type: ignore[arg-type]


def test_pickle_custom_dumps_without_protocol(comm: MPI.Intracomm) -> None:
    custom = MPI.Pickle(_json_dumps, _json_loads)
    assert custom.PROTOCOL is None
    assert custom.dumps({"a": [1, 2]}) == b'{"a": [1, 2]}'
    assert custom.loads(b"[3]") == [3]
    try:
        MPI.pickle.__init__(_json_dumps, _json_loads)
        got = comm.sendrecv({"rank": comm.Get_rank()}, comm.Get_rank(), 0, None, comm.Get_rank(), 0)
        assert got == {"rank": comm.Get_rank()}
    finally:
        MPI.pickle.__init__()
    assert MPI.pickle.PROTOCOL == pickle.HIGHEST_PROTOCOL


def test_pickle_custom_dumps_with_protocol() -> None:
    seen: list[tuple[object, ...]] = []

    def dumps(obj: object, protocol: int) -> bytes:
        seen.append((obj, protocol))
        return pickle.dumps(obj, protocol)

    custom = MPI.Pickle(dumps, pickle.loads, 2)
    assert custom.loads(custom.dumps("x")) == "x" and seen == [("x", 2)]
    custom.PROTOCOL = None  # a custom dumps: back to calling it without a protocol
    with pytest.raises(TypeError):
        custom.dumps("y")


# -- the private helpers ------------------------------------------------------------------------------


def test_typealign() -> None:
    assert MPI._typealign(MPI.DOUBLE) == ctypes.alignment(ctypes.c_double)
    assert MPI._typealign(MPI.CHAR) == 1
    assert MPI._typealign(MPI.C_DOUBLE_COMPLEX) == ctypes.alignment(ctypes.c_double)
    assert MPI._typealign(MPI.SHORT_INT) == ctypes.alignment(ctypes.c_int)
    assert MPI._typealign(MPI.DATATYPE_NULL) is None
    vector = MPI.DOUBLE.Create_vector(2, 1, 2)
    struct = MPI.Datatype.Create_struct([1, 1], [0, 8], [MPI.CHAR, vector])
    try:
        assert MPI._typealign(struct) == ctypes.alignment(ctypes.c_double)  # its most aligned member
        assert MPI._typealign(vector) == ctypes.alignment(ctypes.c_double)
    finally:
        struct.Free()
        vector.Free()


def test_datatype_decode_and_create_round_trip() -> None:
    vector = MPI.INT.Create_vector(3, 1, 2)
    base, combiner, params = MPI._datatype_decode(vector)
    assert (base, combiner, params) == (MPI.INT, "VECTOR", {"count": 3, "blocklength": 1, "stride": 2})
    again = MPI._datatype_create(base, combiner, params)
    try:
        assert again.Get_extent() == vector.Get_extent() and again.Get_size() == vector.Get_size()
        assert again.decode()[1:] == ("VECTOR", params)
    finally:
        again.Free()
        vector.Free()
    with pytest.raises(ValueError, match="combiner"):
        MPI._datatype_create(MPI.INT, "NO_SUCH_COMBINER", {})


def test_datatype_create_frees_only_marked_temporaries() -> None:
    inner = MPI.DOUBLE.Create_contiguous(2)
    outer = MPI.Datatype.Create_struct([1, 1], [0, 16], [MPI.INT, inner])
    try:
        # Not marked: free=True leaves the constituents it was given alone.
        base, combiner, params = MPI._datatype_decode(outer)
        first = MPI._datatype_create(base, combiner, params, free=True)
        assert params["datatypes"][1] != MPI.DATATYPE_NULL
        params["datatypes"][1].Free()  # a new handle from MPI_Type_get_contents: ours to free
        # Marked: the derived constituent is freed once the new datatype is built; INT is not touched.
        base, combiner, params = MPI._datatype_decode(outer, mark=True)
        second = MPI._datatype_create(base, combiner, params, free=True)
        assert params["datatypes"][1] == MPI.DATATYPE_NULL and params["datatypes"][0] == MPI.INT
        assert first.Get_extent() == second.Get_extent() == outer.Get_extent()
        first.Free()
        second.Free()
    finally:
        outer.Free()
        inner.Free()


@spawning  # its own MPI jobs: only in the single-process run
@pytest.mark.parametrize(("status", "aborts"), [("5", True), ("'failed'", True), ("None", False), ("0", False)])
def test_set_abort_status(status: str, aborts: bool) -> None:
    code = f"from mpi4py import MPI; MPI._set_abort_status({status}); print('exiting', flush=True)"
    result = subprocess.run([mpiexec(), "-n", "1", sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, env=clean_env())
    assert "exiting" in result.stdout
    assert (result.returncode != 0) == aborts, result.stderr


def test_comm_lock(comm: MPI.Intracomm) -> None:
    lock = MPI._comm_lock(comm)
    assert isinstance(lock, type(threading.Lock()))
    assert MPI._comm_lock(comm) is lock and MPI._comm_lock(comm, None) is lock
    other = MPI._comm_lock(comm, "other")
    assert other is not lock
    table = MPI._comm_lock_table(comm)
    assert table[None] is lock and table["other"] is other
    with lock:
        assert not lock.acquire(blocking=False)
    dup = comm.Dup()
    try:
        assert MPI._comm_lock_table(dup) == {}  # a duplicate starts with its own, empty table
        assert MPI._comm_lock(dup) is not lock
    finally:
        dup.Free()


def test_commctx_intra(comm: MPI.Intracomm) -> None:
    comm = comm.Dup()
    try:
        dup, tag = MPI._commctx_intra(comm)
        dup2, tag2 = MPI._commctx_intra(comm)
        assert isinstance(dup, MPI.Intracomm) and tag2 == tag + 1 and dup == dup2
        assert MPI.Comm.Compare(dup, comm) == MPI.CONGRUENT
        # A message on the duplicate is not seen on the communicator itself.
        rank = comm.Get_rank()
        request = dup.isend("private", rank, tag)
        assert not comm.iprobe(rank, tag)
        assert dup.recv(source=rank, tag=tag) == "private"
        request.wait()
    finally:
        comm.Free()
    with pytest.raises(TypeError):
        MPI._commctx_intra(MPI.COMM_NULL)  # a Comm, not an Intracomm
    with pytest.raises(ValueError, match="comm: a null communicator"):
        MPI._commctx_intra(MPI.Intracomm())
    with pytest.raises(ValueError, match="comm: a null communicator"):
        MPI._comm_lock(MPI.Intracomm())


@pytest.mark.ranks(min=2)
def test_commctx_inter(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    color = 0 if rank == 0 else 1  # uneven groups: 1 and size-1 processes
    local = comm.Split(color, rank)
    inter = local.Create_intercomm(0, comm, 1 if color == 0 else 0, 7)
    try:
        dup, tag, localcomm, low_group = MPI._commctx_inter(inter)
        _, tag2, localcomm2, low_group2 = MPI._commctx_inter(inter)
        assert isinstance(dup, MPI.Intercomm) and MPI.Comm.Compare(dup, inter) == MPI.CONGRUENT
        assert tag2 == tag + 1 and localcomm == localcomm2 and low_group == low_group2
        assert isinstance(localcomm, MPI.Intracomm) and MPI.Comm.Compare(localcomm, local) == MPI.CONGRUENT
        if size > 2:
            assert low_group == (color == 0)  # the smaller group is the low one
        # The two groups disagree on which one is low, whatever the sizes (equal ones included).
        if localcomm.Get_rank() == 0:
            assert dup.sendrecv(low_group, 0, tag, None, 0, tag) is (not low_group)
    finally:
        inter.Free()
        local.Free()


def test_exception_takes_its_error_code_positionally_only() -> None:
    # mpi4py declares Exception(ierr=SUCCESS, /): ours spells it with *args for Cython 0.29 (deb/rpm builds)
    assert MPI.Exception().Get_error_code() == MPI.SUCCESS
    assert MPI.Exception(MPI.ERR_COMM).Get_error_class() == MPI.ERR_COMM
    with pytest.raises(TypeError):
        MPI.Exception(ierr=MPI.ERR_COMM)
    with pytest.raises(TypeError):
        MPI.Exception(MPI.ERR_COMM, MPI.ERR_ARG)
    with pytest.raises(TypeError):
        MPI.Exception("not a code")
