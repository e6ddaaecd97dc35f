"""Memory safety of the core: datatype decoding, DLPack/CAI consumers, buffer lifetimes of requests.

Each case crashed, corrupted memory or leaked an exception into a producer's callback before; the
DLPack cases drive the ctypes producer of test/foreign_exporters.py, which records what the consumer
did with its capsule (deleter calls, capsule destructor calls, exceptions pending during either).
"""

from __future__ import annotations

import gc
import sys
import weakref
from collections.abc import Iterator
from types import ModuleType

import numpy
import pytest
from broken_exporter import build as broken_exporter_build
from foreign_exporters import (
    ALERTS,
    DLPACK_FLAG_READ_ONLY,
    KDL_BFLOAT,
    KDL_CUDA,
    LIVE,
    CAIExporter,
    DLPackExporter,
    ReusedCapsule,
    unnamed_capsule,
)

from mpi4py import MPI

# -- Datatype.decode / Get_contents of every combiner without constituent datatypes ---------------


@pytest.mark.parametrize(("make", "combiner", "params"), [
    (lambda: MPI.Datatype.Create_f90_complex(15, 300), "F90_COMPLEX", {"p": 15, "r": 300}),
    (lambda: MPI.Datatype.Create_f90_real(6, 30), "F90_REAL", {"p": 6, "r": 30}),
    (lambda: MPI.Datatype.Create_f90_integer(9), "F90_INTEGER", {"r": 9}),
])
def test_decode_parameterized_types(make, combiner: str, params: dict[str, int]) -> None:
    try:
        datatype = make()
    except MPI.Exception as exc:  # an MPI without Fortran support may refuse the type itself
        pytest.skip(f"this MPI has no such type: {exc}")
    if datatype.combiner == MPI.COMBINER_NAMED:  # some MPIs return a predefined type instead
        assert datatype.decode() == (datatype, "NAMED", {})
        return
    base, name, got = datatype.decode()
    assert (name, got) == (combiner, params)
    assert base == datatype
    assert datatype.Get_contents()[3] == []


# -- DLPack: the capsule protocol, versions, flags and refusals ------------------------------------


@pytest.fixture
def unraisable() -> Iterator[list[str]]:
    """Exceptions that escaped a ctypes callback of the producer (and the producer's own alerts)."""
    seen: list[str] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda u: seen.append(f"{u.exc_type.__name__}: {u.exc_value} ({u.err_msg})")
    del ALERTS[:]
    yield seen
    sys.unraisablehook = previous
    seen.extend(ALERTS)


def deleted_once(exporter: DLPackExporter) -> bool:
    return exporter.events.count("deleter") == 1 and not any("pending" in e for e in exporter.events)


@pytest.mark.parametrize("versioned", [False, True], ids=["dltensor", "dltensor_versioned"])
def test_dlpack_bool_allgather(versioned: bool, unraisable: list[str]) -> None:
    send = DLPackExporter(numpy.array([True]), versioned=versioned)
    recv = numpy.zeros(1, dtype=bool)
    MPI.COMM_SELF.Allgather(send, recv)
    assert recv.tolist() == [True]
    assert deleted_once(send), send.events
    assert send.events[0] == "export max_version=(1, 1)"
    assert unraisable == []
    assert not [v for v in LIVE.values() if v[0] is send]


def test_dlpack_legacy_producer(unraisable: list[str]) -> None:
    """A DLPack 0.x producer rejects ``max_version``; the consumer falls back to a plain call."""
    send = DLPackExporter(numpy.arange(3, dtype="i4"), legacy=True)
    recv = numpy.zeros(3, dtype="i4")
    MPI.COMM_SELF.Allgather(send, recv)
    assert recv.tolist() == [0, 1, 2]
    assert deleted_once(send) and unraisable == []


def test_dlpack_deleter_after_the_operation(unraisable: list[str]) -> None:
    """The deleter runs once the operation is over, not while the memory is in use."""
    array = numpy.arange(4, dtype="f8")
    send = DLPackExporter(array, versioned=True)
    req = MPI.COMM_SELF.Isend(send, 0, tag=3)
    gc.collect()
    assert "deleter" not in send.events
    recv = numpy.zeros(4)
    MPI.COMM_SELF.Recv(recv, 0, tag=3)
    req.Wait()
    gc.collect()
    assert recv.tolist() == array.tolist()
    assert deleted_once(send) and unraisable == []


def test_dlpack_read_only_flag(unraisable: list[str]) -> None:
    exporter = DLPackExporter(numpy.zeros(2), versioned=True, flags=DLPACK_FLAG_READ_ONLY)
    with pytest.raises(BufferError, match="recvbuf"):
        MPI.COMM_SELF.Allgather(numpy.ones(2), exporter)
    assert deleted_once(exporter) and unraisable == []
    sender = DLPackExporter(numpy.ones(2), versioned=True, flags=DLPACK_FLAG_READ_ONLY)
    out = numpy.zeros(2)
    MPI.COMM_SELF.Allgather(sender, out)  # reading read-only memory is fine
    assert out.tolist() == [1, 1] and deleted_once(sender)


HOSTILE = {
    "lanes=2": dict(lanes=2),
    "bits=12": dict(bits=12),
    "bits=0": dict(bits=0),
    "bfloat16": dict(code=KDL_BFLOAT, bits=16),
    "float128": dict(bits=128),
    "bool-16-bits": dict(code=6, bits=16),
    "negative-shape": dict(shape=[-4]),
    "ndim-without-shape": dict(shape=None),
    "negative-ndim": dict(ndim=-1),
    "strided": dict(strides=[2]),
    "null-data": dict(data=None),
    "cuda-device-tensor": dict(device=(KDL_CUDA, 0)),
}


@pytest.mark.parametrize("versioned", [False, True], ids=["dltensor", "dltensor_versioned"])
@pytest.mark.parametrize("hostile", list(HOSTILE), ids=list(HOSTILE))
def test_dlpack_refused_cleanly(hostile: str, versioned: bool, unraisable: list[str]) -> None:
    fields = dict(HOSTILE[hostile])
    array = numpy.zeros(4, dtype="f8")
    if "device" in fields:  # the tensor claims device memory though __dlpack_device__ says CPU
        exporter = DLPackExporter(array, versioned=versioned)
        exporter.__dlpack_device__ = lambda: (1, 0)  # type: ignore[method-assign]
        exporter.device = fields.pop("device")
    else:
        exporter = DLPackExporter(array, versioned=versioned, **fields)
    with pytest.raises(BufferError, match="^sendbuf: "):
        MPI.COMM_SELF.Allgather(exporter, numpy.zeros(4))
    gc.collect()
    assert deleted_once(exporter), exporter.events
    assert unraisable == []


def test_dlpack_device_refused_before_export(unraisable: list[str]) -> None:
    exporter = DLPackExporter(numpy.zeros(2), device=(KDL_CUDA, 0))
    with pytest.raises(BufferError, match="sendbuf: DLPack device type 2 is device memory"):
        MPI.COMM_SELF.Allgather(exporter, numpy.zeros(2))
    assert exporter.events == [] and unraisable == []


@pytest.mark.parametrize("version", [(0, 8), (2, 0)])
def test_dlpack_unsupported_version(version: tuple[int, int], unraisable: list[str]) -> None:
    exporter = DLPackExporter(numpy.zeros(2), versioned=True, version=version)
    with pytest.raises(BufferError, match=r"sendbuf: DLPack \d\.\d tensors are not supported"):
        MPI.COMM_SELF.Allgather(exporter, numpy.zeros(2))
    assert deleted_once(exporter) and unraisable == []


def test_dlpack_consumed_capsule(unraisable: list[str]) -> None:
    exporter = ReusedCapsule(numpy.arange(2, dtype="f8"))
    out = numpy.zeros(2)
    MPI.COMM_SELF.Allgather(exporter, out)
    assert out.tolist() == [0, 1]
    with pytest.raises(BufferError, match="sendbuf: .*'used_dltensor'.*already consumed"):
        MPI.COMM_SELF.Allgather(exporter, out)
    del exporter.capsules[:]
    gc.collect()
    assert deleted_once(exporter) and unraisable == []


@pytest.mark.parametrize(("returned", "message"), [(lambda: 42, "returned int"),
                                                   (unnamed_capsule, "returned a capsule named ''")],
                         ids=["int", "unnamed-capsule"])
def test_dlpack_not_a_dltensor_capsule(returned, message: str) -> None:
    class Liar:
        def __dlpack__(self, stream: object = None, max_version: object = None) -> object:
            return returned()

    with pytest.raises(BufferError, match=f"sendbuf: __dlpack__.. {message}"):
        MPI.COMM_SELF.Allgather(Liar(), numpy.zeros(1))


# -- __cuda_array_interface__: validated before the pointer is used ----------------------------------

CAI_HOSTILE = {
    "version": (dict(version=9), "version 9 is not supported"),
    "typestr-kind": (dict(typestr="<V8"), "typestr"),
    "typestr-order": (dict(typestr=(">" if sys.byteorder == "little" else "<") + "f8"), "typestr"),
    "typestr-garbage": (dict(typestr="f"), "typestr"),
    "typestr-size": (dict(typestr="<f0"), "typestr"),
    "half-float": (dict(typestr="<f2", shape=(8,)), "no MPI datatype"),
    "shape-type": (dict(shape=[4]), "shape"),
    "negative-shape": (dict(shape=(-4,)), "negative extent"),
    "strides": (dict(strides=(16,)), "C-contiguous"),
    "strides-length": (dict(shape=(2, 2), strides=(8,)), "strides for 2 dimensions"),
    "data": (dict(data=12345), "data"),
    "null-data": (dict(data=(0, False)), "null data pointer"),
    "mask": (dict(mask=object()), "masked"),
}


@pytest.mark.parametrize("case", list(CAI_HOSTILE), ids=list(CAI_HOSTILE))
def test_cai_refused_cleanly(case: str) -> None:
    overrides, message = CAI_HOSTILE[case]
    with pytest.raises(BufferError, match=f"sendbuf: .*{message}"):
        MPI.COMM_SELF.Allgather(CAIExporter(numpy.zeros(4), **overrides), numpy.zeros(4))


def test_cai_not_a_dict() -> None:
    class Odd:
        __cuda_array_interface__ = [1, 2]

    with pytest.raises(TypeError, match="sendbuf: __cuda_array_interface__ must be a dict"):
        MPI.COMM_SELF.Allgather(Odd(), numpy.zeros(1))


def test_cai_read_only() -> None:
    with pytest.raises(BufferError, match="recvbuf"):
        MPI.COMM_SELF.Allgather(numpy.ones(2), CAIExporter(numpy.zeros(2), data=(numpy.zeros(2).ctypes.data, True)))


# -- buffer lifetimes of pending and persistent requests -------------------------------------------


def test_irecv_keeps_its_buffer_exported(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    buf = bytearray(1000)
    req = comm.irecv(buf, source=(rank - 1) % size, tag=11)
    with pytest.raises(BufferError):
        buf.extend(b"x" * 10_000)  # would move the memory MPI is about to write
    comm.send({"rank": rank}, dest=(rank + 1) % size, tag=11)
    assert req.wait() == {"rank": (rank - 1) % size}
    buf.extend(b"x")  # released once the receive is over
    assert len(buf) == 1001


def make_temporary(n: int, value: float) -> numpy.ndarray:
    return numpy.full(n, value)


def test_persistent_request_keeps_buffers_after_wait(comm: MPI.Intracomm) -> None:
    """``wait()``/``Wait()`` complete one start; the buffers stay for the next one, until freed."""
    rank, size = comm.Get_rank(), comm.Get_size()
    n = 1 << 16
    send = comm.Send_init(make_temporary(n, rank + 1.0), dest=(rank + 1) % size, tag=12)  # only the request holds it
    recv = numpy.zeros(n)
    for wait in ("wait", "Wait", "waitall"):
        recv[:] = 0
        rreq = comm.Irecv(recv, source=(rank - 1) % size, tag=12)
        send.Start()
        if wait == "waitall":
            MPI.Request.waitall([send, rreq])
        else:
            getattr(send, wait)()
            rreq.Wait()
        gc.collect()
        scratch = [make_temporary(n, -7.0) for _ in range(4)]  # reuses freed memory, if any was freed
        assert recv.min() == recv.max() == (rank - 1) % size + 1.0, wait
        del scratch
    send.Free()


def test_nonblocking_temporaries_stay_alive(comm: MPI.Intracomm) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    n = 1 << 16
    recv = numpy.zeros(n)
    rreq = comm.Irecv(recv, source=(rank - 1) % size, tag=13)
    sreq = comm.Isend(make_temporary(n, rank + 2.0), dest=(rank + 1) % size, tag=13)
    gc.collect()
    scratch = [make_temporary(n, -7.0) for _ in range(4)]
    MPI.Request.Waitall([sreq, rreq])
    assert recv.min() == recv.max() == (rank - 1) % size + 2.0
    del scratch



def _complete(req: MPI.Request, how: str) -> None:
    if how == "Wait":
        req.Wait()
    elif how == "Test":
        while not req.Test():
            pass
    elif how == "Waitall":
        MPI.Request.Waitall([req])
    elif how == "Waitany":
        assert MPI.Request.Waitany([req]) == 0
    else:
        while not MPI.Request.Testsome([req]):
            pass


# A bare buffer's export is held by the request itself (Isend/Irecv), a [buf, datatype] spec's by a
# separate object: both must stay exported while pending and go at completion, whichever call completes.
@pytest.mark.parametrize("how", ["Wait", "Test", "Waitall", "Waitany", "Testsome"])
@pytest.mark.parametrize("spec", ["bare", "typed"])
def test_nonblocking_buffers_exported_until_completion(comm: MPI.Intracomm, spec: str, how: str) -> None:
    rank, size = comm.Get_rank(), comm.Get_size()
    dest, source = (rank + 1) % size, (rank - 1) % size
    send, recv = bytearray([rank + 1] * 4), bytearray(4)
    rreq = comm.Irecv(recv if spec == "bare" else [recv, MPI.BYTE], source, 21)
    sreq = comm.Isend(send if spec == "bare" else [send, MPI.BYTE], dest, 21)
    for buf in (send, recv):
        with pytest.raises(BufferError):
            buf.extend(b"x")
    _complete(sreq, how)
    _complete(rreq, how)
    assert recv == bytearray([source + 1] * 4)
    send.extend(b"x")  # both exports released at completion
    recv.extend(b"x")


def test_request_copy_keeps_the_buffer_of_the_pending_operation(comm: MPI.Intracomm) -> None:
    """``Request(req)`` is a second handle to the same operation: dropping the first must not release
    the buffer MPI is about to write."""
    rank, size = comm.Get_rank(), comm.Get_size()
    recv = bytearray(4)
    req = comm.Irecv(recv, (rank - 1) % size, 22)
    copy = MPI.Request(req)
    del req
    gc.collect()
    with pytest.raises(BufferError):
        recv.extend(b"x")
    comm.Send(bytearray([rank + 1] * 4), (rank + 1) % size, 22)
    copy.Wait()
    assert recv == bytearray([(rank - 1) % size + 1] * 4)
    recv.extend(b"x")


def test_freed_request_releases_its_buffer_when_dropped(comm: MPI.Intracomm) -> None:
    """``Free`` leaves the operation running, so the export stays until the request object goes."""
    rank, size = comm.Get_rank(), comm.Get_size()
    send = bytearray([rank + 1] * 4)
    req = comm.Isend(send, (rank + 1) % size, 23)
    recv = bytearray(4)
    comm.Recv(recv, (rank - 1) % size, 23)
    comm.Barrier()  # every receive is done, so every send is too
    req.Free()
    with pytest.raises(BufferError):
        send.extend(b"x")
    del req
    send.extend(b"x")

# -- an exporter that breaks the buffer protocol: fills view->obj, then fails ----------------------

@pytest.fixture(scope="module")
def broken_exporter(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return broken_exporter_build(tmp_path_factory.mktemp("broken-exporter"))


@pytest.mark.parametrize(("call", "argname"), [
    (lambda o: MPI.COMM_SELF.Send(o, 0, 0), "buf"),  # view on the stack, then the msg_build fallback
    (lambda o: MPI.COMM_SELF.Recv(o, 0, 0), "buf"),
    (lambda o: MPI.COMM_SELF.Isend(o, 0, 0), "buf"),  # view inside the Request
    (lambda o: MPI.COMM_SELF.Irecv(o, 0, 0), "buf"),
    (lambda o: MPI.COMM_SELF.Send_init(o, 0, 0), "buf"),
    (lambda o: MPI.COMM_SELF.Send([o, MPI.BYTE], 0, 0), "buf"),  # typed spec: msg_build's own export
    (lambda o: MPI.COMM_SELF.Allreduce(o, bytearray(8)), "sendbuf"),
    (lambda o: MPI.COMM_SELF.Bcast(o), "buf"),
    (lambda o: MPI.buffer(o), None),  # MPI.buffer's held export
], ids=["Send", "Recv", "Isend", "Irecv", "Send_init", "typed", "Allreduce", "Bcast", "buffer"])
def test_failed_export_is_never_released(broken_exporter: ModuleType, call, argname: str | None) -> None:
    """A view whose export failed is not ours: releasing it would drop a reference the exporter never gave."""
    obj = broken_exporter.Broken()
    before = sys.getrefcount(obj)
    with pytest.raises(BufferError, match=f"^{argname}: broken exporter" if argname else "broken exporter"):
        call(obj)
    gc.collect()
    assert obj.releases() == 0, "a failed export was released"
    assert sys.getrefcount(obj) == before


@pytest.mark.parametrize("info", [None, "hinted"])
def test_idup_keeps_the_new_communicator_alive(comm: MPI.Intracomm, info: str | None) -> None:
    """MPI may write the new handle when the request completes (Open MPI does): the communicator object
    that receives it must outlive the pending request even when the program dropped it."""
    if info and "MPI_Comm_idup_with_info" in MPI._missing_symbols():
        pytest.skip("MPI_Comm_idup_with_info (MPI 4.0) is not in this MPI library")
    hints = MPI.Info.Create({"mpi_assert_no_any_tag": "false"}) if info else None
    new, request = comm.Idup(hints)
    watch = weakref.ref(new)
    del new
    gc.collect()
    made = watch()
    assert made is not None, "the pending Idup request does not keep its communicator alive"
    request.Wait()
    assert made.Get_size() == comm.Get_size()
    made.Free()
    if hints is not None:
        hints.Free()
