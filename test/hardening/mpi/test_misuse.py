"""Runtime misuse catalogue: every mistake raises a Python exception on the ranks that made it.

Run with exactly 2 processes.  Each case is arranged so the ranks stay in step: an error is either
raised on every rank (symmetric misuse, or a collective MPI rejects everywhere), or on one side of a
matched point-to-point pair whose other side completes.  Never a crash, never a hang.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from foreign_exporters import CAIExporter, DLDevice, DLPackExporter, ReusedCapsule
from mpi_helpers import mpi_error

from mpi4py import MPI

pytestmark = pytest.mark.skipif(MPI.COMM_WORLD.Get_size() != 2, reason="the misuse catalogue runs with exactly 2 ranks")


def peer(comm: MPI.Intracomm) -> int:
    return 1 - comm.Get_rank()


# -- wrong buffer types and specs (raised before any communication, on every rank) -------------

NOT_BUFFERS = [42, "text", 3.5, {"a": 1}, [1, 2, 3], object()]


@pytest.mark.parametrize("obj", NOT_BUFFERS, ids=lambda o: type(o).__name__)
def test_send_not_a_buffer(comm: MPI.Intracomm, obj: object) -> None:
    with pytest.raises(TypeError, match="buf: expected an object supporting the buffer protocol"):
        comm.Send(obj, dest=peer(comm))


def test_unknown_type_code(comm: MPI.Intracomm) -> None:
    with pytest.raises(TypeError, match="unknown datatype code 'zz'"):
        comm.Send([bytearray(8), "zz"], dest=peer(comm))


def test_datatype_of_wrong_type(comm: MPI.Intracomm) -> None:
    with pytest.raises(TypeError, match="datatype must be an MPI.Datatype"):
        comm.Send([bytearray(8), 2, 5], dest=peer(comm))


def test_spec_too_long(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="a message must be buf"):
        comm.Send([bytearray(8), 1, 0, MPI.BYTE, "extra"], dest=peer(comm))


def test_none_buffer_without_datatype(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="needs an explicit datatype"):
        comm.Send([None], dest=peer(comm))


def test_bottom_buffer_without_count(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="buf: a BOTTOM buffer needs an explicit count"):
        comm.Send([MPI.BOTTOM, MPI.INT], dest=peer(comm))


def test_none_buffer_with_a_count(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="buf: a None buffer holds no data"):
        comm.Send([None, 4, MPI.INT], dest=peer(comm))


# -- reductions whose send and receive signatures differ (refused on every rank, nothing written) ---

MISMATCHED_REDUCTIONS = [
    pytest.param(lambda c, s, r: c.Allreduce(s, r), "f8", 4, "f4", 4, id="Allreduce-types"),
    pytest.param(lambda c, s, r: c.Allreduce(s, r), "i4", 4, "i4", 2, id="Allreduce-counts"),
    pytest.param(lambda c, s, r: c.Iallreduce(s, r), "i8", 3, "i4", 3, id="Iallreduce-types"),
    pytest.param(lambda c, s, r: c.Scan(s, r), "f8", 2, "f8", 3, id="Scan-counts"),
    pytest.param(lambda c, s, r: c.Exscan(s, r), "f8", 2, "i8", 2, id="Exscan-types"),
    pytest.param(lambda c, s, r: c.Reduce_scatter_block(s, r), "f8", 3, "f8", 1, id="Reduce_scatter_block-counts"),
]


@pytest.mark.parametrize(("call", "stype", "scount", "rtype", "rcount"), MISMATCHED_REDUCTIONS)
def test_mismatched_reduction(comm: MPI.Intracomm, call, stype: str, scount: int, rtype: str, rcount: int) -> None:  # noqa: ANN001
    recv = np.full(rcount, 9, dtype=rtype)
    with pytest.raises(ValueError, match="sendbuf, recvbuf: mismatch in send"):
        call(comm, np.ones(scount, dtype=stype), recv)
    assert recv.tolist() == [9] * rcount


# -- over-large counts (refused before MPI sees them) ------------------------------------------

def test_count_past_buffer(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match=r"buf: count 2147483648 x 1 block\(s\) of 1-byte items"):
        comm.Bcast([bytearray(8), 2**31, MPI.BYTE], root=0)


def test_count_past_mpi_count(comm: MPI.Intracomm) -> None:
    with pytest.raises(OverflowError):
        comm.Bcast([MPI.BOTTOM, 2**63, MPI.BYTE], root=0)


def test_vector_count_past_buffer(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="recvbuf: the block of process 1"):
        comm.Allgatherv(np.zeros(1), [np.zeros(2), [1, 2**20], [0, 1], MPI.DOUBLE])


def test_negative_count(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="count must be >= 0, got -1"):
        comm.Send([bytearray(8), -1, MPI.BYTE], dest=peer(comm))


def test_count_larger_than_buffer(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="exceeds the buffer size of 16 bytes"):
        comm.Send([np.zeros(4, "i"), 5, MPI.INT], dest=peer(comm))


def test_negative_displacement(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="displacement must be >= 0"):
        comm.Send([np.zeros(4, "i"), (2, -1), MPI.INT], dest=peer(comm))


def test_displacement_past_the_end(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="exceeds the buffer size"):
        comm.Send([np.zeros(4, "i"), (1, 4), MPI.INT], dest=peer(comm))


def test_bytes_not_whole_items(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="not a whole number of items of 4 bytes"):
        comm.Send([bytearray(7), MPI.INT], dest=peer(comm))


def test_count_over_int_max(comm: MPI.Intracomm) -> None:
    """Sendrecv has no large-count form here: refused before MPI sees the count."""
    with pytest.raises(OverflowError, match="sendbuf: count 2147483648 exceeds the largest MPI int count"):
        comm.Sendrecv([MPI.BOTTOM, 2**31, MPI.BYTE], peer(comm), 0, bytearray(1), peer(comm), 0)


def test_non_contiguous_array(comm: MPI.Intracomm) -> None:
    with pytest.raises((BufferError, ValueError), match="contiguous"):
        comm.Send(np.arange(10.0)[::2], dest=peer(comm))


def test_scatter_not_divisible(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="cannot be split evenly among 2 processes"):
        comm.Allgather(np.zeros(1), np.zeros(3))


@pytest.mark.parametrize("dest", ["1", None, b"1"])
def test_rank_of_wrong_type(comm: MPI.Intracomm, dest: object) -> None:
    with pytest.raises(TypeError):
        comm.Send(bytearray(1), dest=dest)  # type: ignore[arg-type]


def test_rank_overflowing_int(comm: MPI.Intracomm) -> None:
    with pytest.raises(OverflowError):
        comm.Send(bytearray(1), dest=2**40)


def test_status_of_wrong_type(comm: MPI.Intracomm) -> None:
    with pytest.raises(TypeError):
        comm.Recv(bytearray(1), source=peer(comm), status=42)  # type: ignore[arg-type]


def test_waitall_with_non_requests(comm: MPI.Intracomm) -> None:
    with pytest.raises(TypeError):
        MPI.Request.Waitall([1, "two"])


# -- read-only receive buffers --------------------------------------------------------------------


def test_recv_into_bytes(comm: MPI.Intracomm) -> None:
    with pytest.raises(BufferError, match="a bytes object is read-only; receive into a bytearray"):
        comm.Recv(bytes(8), source=peer(comm))


def test_recv_into_readonly_memoryview(comm: MPI.Intracomm) -> None:
    with pytest.raises((BufferError, TypeError), match="buf: "):
        comm.Recv(memoryview(bytearray(8)).toreadonly(), source=peer(comm))


def test_recv_into_readonly_numpy(comm: MPI.Intracomm) -> None:
    a = np.zeros(4)
    a.flags.writeable = False
    with pytest.raises((BufferError, ValueError), match="buf: "):
        comm.Recv(a, source=peer(comm))


def test_irecv_into_readonly(comm: MPI.Intracomm) -> None:
    with pytest.raises(BufferError):
        comm.Irecv(bytes(4), source=peer(comm))


def test_bcast_readonly_root_is_fine_nonroot_is_not(comm: MPI.Intracomm) -> None:
    # the root only sends, so read-only memory is fine there ...
    buf = bytes(range(8)) if comm.Get_rank() == 0 else bytearray(8)
    comm.Bcast(buf, root=0)
    assert bytes(buf) == bytes(range(8))
    # ... but a receiving rank rejects it before communicating (here both ranks receive: root is the peer)
    with pytest.raises(BufferError):
        comm.Bcast(bytes(8), root=peer(comm))


def test_reduce_into_readonly(comm: MPI.Intracomm) -> None:
    with pytest.raises(BufferError):
        comm.Allreduce(np.ones(2), bytes(16))


# -- ranks, tags and roots MPI rejects ------------------------------------------------------------


@pytest.mark.parametrize("dest", [2, 99, -5])
def test_send_bad_rank(comm: MPI.Intracomm, dest: int) -> None:
    with mpi_error(MPI.ERR_RANK):
        comm.Send(bytearray(1), dest=dest)


def test_recv_bad_rank(comm: MPI.Intracomm) -> None:
    with mpi_error(MPI.ERR_RANK):
        comm.Recv(bytearray(1), source=7)


def test_isend_bad_rank(comm: MPI.Intracomm) -> None:
    with mpi_error(MPI.ERR_RANK):
        comm.Isend(bytearray(1), dest=3).Wait()


def test_sendrecv_bad_rank(comm: MPI.Intracomm) -> None:
    with mpi_error(MPI.ERR_RANK):
        comm.Sendrecv(bytearray(1), dest=5, recvbuf=bytearray(1), source=peer(comm))


def test_probe_bad_rank(comm: MPI.Intracomm) -> None:
    with mpi_error(MPI.ERR_RANK):
        comm.Probe(source=9)


def test_object_send_bad_rank(comm: MPI.Intracomm) -> None:
    with mpi_error(MPI.ERR_RANK):
        comm.send({"x": 1}, dest=4)


@pytest.mark.parametrize("tag", [-5, MPI.ANY_TAG])
def test_send_bad_tag(comm: MPI.Intracomm, tag: int) -> None:
    with mpi_error(MPI.ERR_TAG):
        comm.Send(bytearray(1), dest=peer(comm), tag=tag)


def test_recv_bad_tag(comm: MPI.Intracomm) -> None:
    with mpi_error(MPI.ERR_TAG):
        comm.Recv(bytearray(1), source=peer(comm), tag=-7)


def test_iprobe_bad_tag(comm: MPI.Intracomm) -> None:
    with mpi_error(MPI.ERR_TAG):
        comm.Iprobe(source=peer(comm), tag=-9)


@pytest.mark.parametrize("root", [2, -3])
def test_bcast_bad_root(comm: MPI.Intracomm, root: int) -> None:
    with mpi_error(MPI.ERR_ROOT):
        comm.Bcast(bytearray(4), root=root)


def test_reduce_bad_root(comm: MPI.Intracomm) -> None:
    with mpi_error(MPI.ERR_ROOT):
        comm.Reduce(np.ones(2), np.zeros(2), op=MPI.SUM, root=5)


def test_gather_bad_root(comm: MPI.Intracomm) -> None:
    with mpi_error(MPI.ERR_ROOT):
        comm.Gather(np.ones(1), np.zeros(2), root=2)


def test_object_bcast_bad_root(comm: MPI.Intracomm) -> None:
    with mpi_error(MPI.ERR_ROOT):
        comm.bcast("x", root=3)


# -- freed and null handles ------------------------------------------------------------------------


def test_freed_comm(comm: MPI.Intracomm) -> None:
    dup = comm.Dup()
    dup.Free()
    with mpi_error(MPI.ERR_COMM):
        dup.Send(bytearray(1), dest=peer(comm))


def test_comm_freed_twice(comm: MPI.Intracomm) -> None:
    dup = comm.Dup()
    dup.Free()
    with mpi_error(MPI.ERR_COMM):
        dup.Free()


def test_comm_null_size() -> None:
    with mpi_error(MPI.ERR_COMM):
        MPI.COMM_NULL.Get_size()


def test_comm_null_barrier() -> None:
    with mpi_error(MPI.ERR_COMM):
        MPI.COMM_NULL.Barrier()


def test_free_predefined_comm() -> None:
    with mpi_error(MPI.ERR_COMM):
        MPI.COMM_WORLD.Free()


def test_freed_datatype(comm: MPI.Intracomm) -> None:
    t = MPI.INT.Create_contiguous(2).Commit()
    t.Free()
    with mpi_error(MPI.ERR_TYPE):
        comm.Send([np.zeros(2, "i"), 1, t], dest=peer(comm))


def test_uncommitted_datatype(comm: MPI.Intracomm) -> None:
    t = MPI.INT.Create_contiguous(2)
    try:
        with mpi_error(MPI.ERR_TYPE):
            comm.Send([np.zeros(2, "i"), 1, t], dest=peer(comm))
    finally:
        t.Free()


def test_datatype_null_in_message(comm: MPI.Intracomm) -> None:
    with mpi_error(MPI.ERR_TYPE):
        comm.Send([bytearray(4), 1, MPI.DATATYPE_NULL], dest=peer(comm))


def test_datatype_null_size() -> None:
    with mpi_error(MPI.ERR_TYPE):
        MPI.DATATYPE_NULL.Get_size()


def test_free_predefined_datatype() -> None:
    with mpi_error(MPI.ERR_TYPE):
        MPI.DOUBLE.Free()


def test_negative_contiguous_count() -> None:
    with pytest.raises(ValueError, match="count must be >= 0"):
        MPI.INT.Create_contiguous(-1)


def test_op_null(comm: MPI.Intracomm) -> None:
    with mpi_error(MPI.ERR_OP):
        comm.Allreduce(np.ones(2), np.zeros(2), op=MPI.OP_NULL)


def test_op_wrong_type_of_datatype(comm: MPI.Intracomm) -> None:
    # MAXLOC needs a pair type (DOUBLE_INT, ...), not DOUBLE
    with mpi_error(MPI.ERR_OP, MPI.ERR_TYPE, MPI.ERR_ARG):
        comm.Allreduce(np.ones(2), np.zeros(2), op=MPI.MAXLOC)


def test_request_null_free() -> None:
    with mpi_error(MPI.ERR_REQUEST):
        MPI.Request().Free()


def test_group_null_size() -> None:
    with mpi_error(MPI.ERR_GROUP):
        MPI.GROUP_NULL.Get_size()


def test_status_count_with_null_type(comm: MPI.Intracomm) -> None:
    status = MPI.Status()
    comm.Sendrecv(bytearray(4), dest=comm.Get_rank(), recvbuf=bytearray(4), source=comm.Get_rank(), status=status)
    with mpi_error(MPI.ERR_TYPE):
        status.Get_count(MPI.DATATYPE_NULL)


# -- None and wrong-type handles: TypeError before MPI sees a (null) handle -----------------------

# One call per handle kind taking that kind as an argument (or as ``self``, called unbound).
HANDLE_ARGUMENTS = {
    "Comm": lambda h: MPI.COMM_WORLD.Compare(h),
    "Intracomm": lambda h: MPI.File.Open(h, "never-created"),
    "Group": lambda h: MPI.COMM_WORLD.Create(h),
    "Group-compare": lambda h: MPI.GROUP_EMPTY.Compare(h),
    "Datatype": lambda h: MPI.Status().Get_elements(h),
    "Op": lambda h: MPI.COMM_WORLD.Allreduce(np.ones(1), np.zeros(1), h),
    "Info": lambda h: MPI.COMM_WORLD.Set_info(h),
    "Errhandler": lambda h: MPI.COMM_WORLD.Set_errhandler(h),
    "Win": lambda h: MPI.Win.Fence(h),
    "File": lambda h: MPI.File.Get_size(h),
    "Request": lambda h: MPI.Request.Wait(h),
    "Request-in-list": lambda h: MPI.Request.Waitall([h]),
    "Prequest": lambda h: MPI.Prequest.Start(h),
    "Session": lambda h: MPI.Group.Create_from_session_pset(h, "mpi://WORLD"),
    "Message": lambda h: MPI.Message.Recv(h, bytearray(1)),
    "Status": lambda h: MPI.Status.Get_source(h),
    "Comm-of-Pack_size": lambda h: MPI.INT.Pack_size(1, h),
}


@pytest.mark.parametrize("wrong", [None, 0, "COMM_WORLD", object()], ids=["None", "int", "str", "object"])
@pytest.mark.parametrize("kind", list(HANDLE_ARGUMENTS), ids=list(HANDLE_ARGUMENTS))
def test_handle_argument_of_wrong_type(kind: str, wrong: object) -> None:
    with pytest.raises(TypeError):
        HANDLE_ARGUMENTS[kind](wrong)


@pytest.mark.parametrize("kind", ["Comm", "Group", "Datatype", "Op", "Info", "Errhandler"])
def test_handle_of_another_kind(kind: str) -> None:
    other = MPI.GROUP_EMPTY if kind != "Group" else MPI.COMM_SELF
    with pytest.raises(TypeError):
        HANDLE_ARGUMENTS[kind](other)


def test_documented_none_still_accepted(comm: MPI.Intracomm) -> None:
    """Where the API documents ``None`` (optional status, info, ...), it still means "not given"."""
    status = None
    comm.Sendrecv(bytearray(1), dest=comm.Get_rank(), recvbuf=bytearray(1), source=comm.Get_rank(), status=status)
    dup = comm.Dup(None)
    dup.Free()
    assert MPI.Request().Test(None)


# -- buffers of pending and persistent requests -----------------------------------------------------


def test_resize_buffer_during_pending_irecv(comm: MPI.Intracomm) -> None:
    buf = bytearray(1000)
    req = comm.irecv(buf, source=peer(comm), tag=21)
    with pytest.raises(BufferError):
        buf.extend(b"x" * 100_000)
    with pytest.raises(BufferError):
        del buf[:500]
    comm.send("done", dest=peer(comm), tag=21)
    assert req.wait() == "done"


def test_resize_buffer_during_pending_Irecv(comm: MPI.Intracomm) -> None:
    buf = bytearray(16)
    req = comm.Irecv(buf, source=peer(comm), tag=22)
    with pytest.raises(BufferError):
        buf.extend(b"x" * 100_000)
    comm.Send(bytearray(b"y" * 16), dest=peer(comm), tag=22)
    req.Wait()
    assert buf == bytearray(b"y" * 16)


def test_restart_persistent_request_after_wait(comm: MPI.Intracomm) -> None:
    sreq = comm.Send_init(np.full(1 << 15, comm.Get_rank() + 1.0), dest=peer(comm), tag=23)  # a temporary
    out = np.zeros(1 << 15)
    for _ in range(3):
        rreq = comm.Irecv(out, source=peer(comm), tag=23)
        sreq.Start()
        sreq.wait()
        rreq.Wait()
        garbage = [np.full(1 << 15, -1.0) for _ in range(4)]  # would land in freed memory
        assert out.min() == out.max() == peer(comm) + 1.0
        del garbage
    sreq.Free()


def test_start_freed_persistent_request(comm: MPI.Intracomm) -> None:
    sreq = comm.Send_init(bytearray(4), dest=peer(comm), tag=24)
    sreq.Free()
    with mpi_error(MPI.ERR_REQUEST, MPI.ERR_ARG):
        sreq.Start()


# -- hostile DLPack / CUDA Array Interface exporters -------------------------------------------------


@pytest.mark.parametrize("fields", [dict(lanes=2), dict(bits=12), dict(code=4, bits=16), dict(strides=[3]),
                                    dict(shape=[-1]), dict(device=(2, 0))],
                         ids=["lanes", "bits", "bfloat16", "strides", "shape", "device"])
def test_hostile_dlpack(comm: MPI.Intracomm, fields: dict[str, object]) -> None:
    fields = dict(fields)
    exporter = DLPackExporter(np.zeros(4), versioned=True)
    if "device" in fields:
        exporter.fields["device"] = DLDevice(*fields.pop("device"))  # type: ignore[arg-type]
    exporter.fields.update(fields)
    with pytest.raises(BufferError, match="^buf: "):
        comm.Send(exporter, dest=peer(comm))
    assert exporter.events.count("deleter") == 1


def test_consumed_dlpack_capsule(comm: MPI.Intracomm) -> None:
    exporter = ReusedCapsule(np.zeros(2))
    comm.Sendrecv(exporter, dest=comm.Get_rank(), recvbuf=np.zeros(2), source=comm.Get_rank())
    with pytest.raises(BufferError, match="already consumed"):
        comm.Send(exporter, dest=peer(comm))


@pytest.mark.parametrize("overrides", [dict(typestr="<V8"), dict(strides=(24,)), dict(version=7), dict(shape=(-2,)),
                                       dict(data=(0, False))], ids=["typestr", "strides", "version", "shape", "null"])
def test_hostile_cuda_array_interface(comm: MPI.Intracomm, overrides: dict[str, object]) -> None:
    with pytest.raises(BufferError, match="^buf: "):
        comm.Send(CAIExporter(np.zeros(4), **overrides), dest=peer(comm))


# -- truncated receives and mismatched sizes ----------------------------------------------------


def test_recv_truncated(comm: MPI.Intracomm) -> None:
    if comm.Get_rank() == 0:
        comm.Send(np.arange(8, dtype="i"), dest=1)
    else:
        with mpi_error(MPI.ERR_TRUNCATE):
            comm.Recv(np.zeros(4, dtype="i"), source=0)


def test_irecv_truncated(comm: MPI.Intracomm) -> None:
    if comm.Get_rank() == 0:
        comm.Send(bytearray(64), dest=1, tag=3)
    else:
        req = comm.Irecv(bytearray(16), source=0, tag=3)
        with mpi_error(MPI.ERR_TRUNCATE):
            req.Wait()


def test_recv_wider_datatype_truncated(comm: MPI.Intracomm) -> None:
    # 3 doubles (24 bytes) into 2 ints (8 bytes): MPI sees the size mismatch
    if comm.Get_rank() == 0:
        comm.Send(np.ones(3), dest=1)
    else:
        with mpi_error(MPI.ERR_TRUNCATE):
            comm.Recv([np.zeros(2, "i"), MPI.INT], source=0)


def test_sendrecv_truncated(comm: MPI.Intracomm) -> None:
    size = 32 if comm.Get_rank() == 0 else 4
    with mpi_error(MPI.ERR_TRUNCATE) if comm.Get_rank() == 1 else _no_error():  # rank 1 gets 32 bytes into 4
        comm.Sendrecv(bytearray(size), dest=peer(comm), recvbuf=bytearray(size), source=peer(comm))


def test_object_irecv_truncated(comm: MPI.Intracomm) -> None:
    if comm.Get_rank() == 0:
        comm.send(list(range(1000)), dest=1, tag=5)
    else:
        req = comm.irecv(16, source=0, tag=5)
        with mpi_error(MPI.ERR_TRUNCATE):
            req.wait()


def test_bcast_count_mismatch(comm: MPI.Intracomm) -> None:
    """Root sends 8 ints, the other rank expects 2: MPI reports the truncation on the receiver."""
    if comm.Get_rank() == 0:
        comm.Bcast(np.arange(8, dtype="i"), root=0)
    else:
        with mpi_error(MPI.ERR_TRUNCATE, MPI.ERR_OTHER):
            comm.Bcast(np.zeros(2, dtype="i"), root=0)


def test_gather_count_mismatch(comm: MPI.Intracomm) -> None:
    """Rank 1 sends 8 ints where the root expects 1 per rank: truncation at the root."""
    if comm.Get_rank() == 0:
        with mpi_error(MPI.ERR_TRUNCATE, MPI.ERR_OTHER):
            comm.Gather(np.zeros(1, "i"), np.zeros(2, "i"), root=0)
    else:
        comm.Gather(np.arange(8, dtype="i"), None, root=0)


# -- Python objects: pickling and unpickling failures --------------------------------------------


class Bomb:
    """Pickles fine; unpickling raises ValueError (int("boom"))."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (int, ("boom",))


def test_send_unpicklable(comm: MPI.Intracomm) -> None:
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        comm.send(lambda: 0, dest=peer(comm))


def test_send_unpicklable_lock(comm: MPI.Intracomm) -> None:
    import threading

    with pytest.raises(TypeError, match="pickle"):
        comm.isend(threading.Lock(), dest=peer(comm))


def test_recv_unpickling_fails(comm: MPI.Intracomm) -> None:
    if comm.Get_rank() == 0:
        comm.send(Bomb(), dest=1, tag=11)
    else:
        with pytest.raises(ValueError, match="boom"):
            comm.recv(source=0, tag=11)


def test_bcast_unpicklable_at_root(comm: MPI.Intracomm) -> None:
    """The root cannot serialize; the others must not wait forever: every rank raises."""
    obj = (lambda: 0) if comm.Get_rank() == 0 else None
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError, RuntimeError)):
        comm.bcast(obj, root=0)


def test_gather_unpicklable_on_one_rank(comm: MPI.Intracomm) -> None:
    obj = (lambda: 0) if comm.Get_rank() == 1 else 1
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError, RuntimeError)):
        comm.allgather(obj)


def test_scatter_wrong_length(comm: MPI.Intracomm) -> None:
    items = [1, 2, 3] if comm.Get_rank() == 0 else None
    with pytest.raises((ValueError, RuntimeError), match="scatter"):
        comm.scatter(items, root=0)


def test_allreduce_incompatible_objects(comm: MPI.Intracomm) -> None:
    obj = 1 if comm.Get_rank() == 0 else "one"
    with pytest.raises(TypeError):
        comm.allreduce(obj, op=MPI.SUM)


class _NoError:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


def _no_error() -> _NoError:
    return _NoError()
