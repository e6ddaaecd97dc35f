"""mpi4py.util.pkl5: out-of-band pickled messages, cut in blocks (small artificial block size here)."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from mpi4py import MPI
from mpi4py.util import pkl5

BLOCK = 1000  # bytes: forces every large message through many MPI transfers


class LimitedIntracomm(pkl5.Intracomm):
    """Fails any single buffer transfer above BLOCK bytes (stands in for the int count limit of MPI)."""

    def _check(self, buf: Any) -> None:
        nbytes = memoryview(buf[0] if isinstance(buf, list) else buf).nbytes
        if nbytes > BLOCK:
            raise AssertionError(f"a single MPI transfer of {nbytes} bytes exceeds the block size {BLOCK}")
        self.transfers = getattr(self, "transfers", 0) + 1

    def Send(self, buf: Any, dest: int, tag: int = 0) -> None:
        self._check(buf)
        super().Send(buf, dest, tag)

    def Recv(self, buf: Any, source: int = MPI.ANY_SOURCE, tag: int = MPI.ANY_TAG, status: Any = None) -> None:
        self._check(buf)
        super().Recv(buf, source, tag, status)

    def Isend(self, buf: Any, dest: int, tag: int = 0) -> MPI.Request:
        self._check(buf)
        return super().Isend(buf, dest, tag)

    def Irecv(self, buf: Any, source: int = MPI.ANY_SOURCE, tag: int = MPI.ANY_TAG) -> MPI.Request:
        self._check(buf)
        return super().Irecv(buf, source, tag)

    def Bcast(self, buf: Any, root: int = 0) -> None:
        self._check(buf)
        super().Bcast(buf, root)


@pytest.fixture
def pcomm(monkeypatch: pytest.MonkeyPatch) -> Iterator[LimitedIntracomm]:
    monkeypatch.setattr(pkl5._bigmpi, "blocksize", BLOCK)
    comm = LimitedIntracomm(MPI.COMM_WORLD)
    yield comm
    private = comm.__dict__.pop("_pkl5_private", None)  # the duplicate made by the object collectives
    if private is not None:
        private.Free()


def big(rank: int) -> dict[str, Any]:
    return {"rank": rank, "array": np.arange(20_000, dtype="f8") * (rank + 1), "text": "x" * 3000, "tail": [rank] * 5}


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["rank"] == b["rank"] and np.array_equal(a["array"], b["array"]) and a["text"] == b["text"] and a["tail"] == b["tail"]


def test_pickle_out_of_band_threshold() -> None:
    serializer = pkl5.Pickle(threshold=1024)
    data, buffers = serializer.dumps({"small": np.zeros(4), "large": np.ones(1000)})
    assert len(buffers) == 1 and buffers[0].nbytes == 8000
    assert len(data) < 8000
    back = serializer.loads(data, buffers)
    assert np.array_equal(back["large"], np.ones(1000)) and np.array_equal(back["small"], np.zeros(4))
    with pytest.raises(ValueError, match="protocol must be >= 5"):
        pkl5.Pickle(protocol=4)


def test_pieces_respect_block_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pkl5._bigmpi, "blocksize", 7)
    data, buffers = pkl5.pickle.dumps(np.arange(1000, dtype="i4"))
    pieces = pkl5._pieces(data, buffers)
    assert all(len(p) <= 7 for p in pieces)
    assert b"".join(bytes(p) for p in pieces) == data + b"".join(bytes(b) for b in buffers)


def test_send_recv_ring(pcomm: LimitedIntracomm) -> None:
    rank, size = pcomm.Get_rank(), pcomm.Get_size()
    dest, source = (rank + 1) % size, (rank - 1) % size
    request = pcomm.isend(big(rank), dest, 11)
    status = MPI.Status()
    got = pcomm.recv(None, source, 11, status)
    assert request.wait() is None
    assert same(got, big(source))
    assert status.Get_source() == source and status.Get_tag() == 11
    assert pcomm.transfers > 2 * 160_000 // BLOCK  # really sent and received block by block


def test_blocking_variants_and_sendrecv(pcomm: LimitedIntracomm) -> None:
    rank, size = pcomm.Get_rank(), pcomm.Get_size()
    dest, source = (rank + 1) % size, (rank - 1) % size
    assert same(pcomm.sendrecv(big(rank), dest, 3, None, source, 3), big(source))
    if size == 1:
        return
    if rank == 0:
        pcomm.ssend(big(0), 1, 4)
        pcomm.send(None, 1, 5)
        pcomm.issend(b"z" * 5000, 1, 6).wait()
    elif rank == 1:
        assert same(pcomm.recv(None, 0, 4), big(0))
        assert pcomm.recv(None, 0, 5) is None
        assert pcomm.recv(None, MPI.ANY_SOURCE, MPI.ANY_TAG) == b"z" * 5000


def test_irecv_test_and_wait(pcomm: LimitedIntracomm) -> None:
    rank, size = pcomm.Get_rank(), pcomm.Get_size()
    dest, source = (rank + 1) % size, (rank - 1) % size
    incoming = pcomm.irecv(None, source, 21)
    assert incoming.test() == (False, None)  # nothing sent yet with tag 21 (each rank posts before sending)
    pcomm.Barrier()
    outgoing = pcomm.isend(big(rank), dest, 21)
    assert same(incoming.wait(), big(source))
    assert incoming.test()[0] is True
    pkl5.Request.waitall([outgoing])
    second = pcomm.irecv(None, source, 22)
    sent = pcomm.isend([rank] * 10, dest, 22)
    flag = False
    while not flag:
        flag, value = second.test()
    assert value == [source] * 10
    # The local send may still be in flight (its receiver can be behind): poll until it completes.
    done, values = pkl5.Request.testall([sent])
    while not done:
        done, values = pkl5.Request.testall([sent])
    assert values == [None]


def test_probe_and_proc_null(pcomm: LimitedIntracomm) -> None:
    pcomm.send("ignored", MPI.PROC_NULL, 0)
    assert pcomm.recv(None, MPI.PROC_NULL, 0) is None
    rank, size = pcomm.Get_rank(), pcomm.Get_size()
    request = pcomm.isend("hello", (rank + 1) % size, 8)  # completed only after the matching recv (MPI may block)
    assert pcomm.probe((rank - 1) % size, 8) is True
    assert pcomm.iprobe((rank - 1) % size, 8) is True
    assert pcomm.recv(None, (rank - 1) % size, 8) == "hello"
    request.wait()
    with pytest.raises(ValueError, match="buf must be None"):
        pcomm.recv(bytearray(10), 0, 0)


def test_mprobe_message(pcomm: LimitedIntracomm) -> None:
    rank, size = pcomm.Get_rank(), pcomm.Get_size()
    request = pcomm.isend(big(rank), (rank + 1) % size, 31)
    message = pcomm.mprobe((rank - 1) % size, 31)
    # As sequences: the matched MPI.Message until received; the MPI requests of every piece sent.
    assert len(message) == 1 and isinstance(message[0], MPI.Message) and message.index(message[0]) == 0
    assert len(request) >= 2 and all(isinstance(r, MPI.Request) for r in request)
    # (Handles compare by value: pieces already complete may all equal REQUEST_NULL.)
    assert request.index(request[0]) == 0 and request.count(request[-1]) >= 1 and request.count("other") == 0
    assert list(request[:]) == list(request)
    assert same(message.recv(), big((rank - 1) % size))
    assert len(message) == 0 and message.count(None) == 0
    request.wait()
    request = pcomm.isend([1, 2, 3], (rank + 1) % size, 32)
    matched = None
    while matched is None:
        matched = pcomm.improbe((rank - 1) % size, 32)
    assert matched.irecv().wait() == [1, 2, 3]
    request.wait()


def test_collectives(pcomm: LimitedIntracomm) -> None:
    rank, size = pcomm.Get_rank(), pcomm.Get_size()
    root = size - 1
    assert same(pcomm.bcast(big(root) if rank == root else None, root), big(root))
    gathered = pcomm.gather(big(rank), root)
    if rank == root:
        assert gathered is not None and all(same(g, big(i)) for i, g in enumerate(gathered))
    else:
        assert gathered is None
    assert same(pcomm.scatter([big(i) for i in range(size)] if rank == root else None, root), big(rank))
    assert [g["rank"] for g in pcomm.allgather(big(rank))] == list(range(size))
    received = pcomm.alltoall([big(rank * 10 + i) for i in range(size)])
    assert all(same(r, big(i * 10 + rank)) for i, r in enumerate(received))
    with pytest.raises(ValueError, match="one item per process"):
        pcomm.alltoall([1] * (size + 1))


def test_plain_comm_interoperates() -> None:
    """Small objects: a pkl5 message is a header plus blocks, so it is not readable by plain recv (and vice versa)."""
    comm = pkl5.Comm(MPI.COMM_WORLD)
    rank, size = comm.Get_rank(), comm.Get_size()
    req = comm.isend(pickle.dumps(rank), (rank + 1) % size, 41)
    assert pickle.loads(comm.recv(None, (rank - 1) % size, 41)) == (rank - 1) % size
    req.wait()


def test_module_reexports_mpi_constants() -> None:
    assert (pkl5.ANY_SOURCE, pkl5.ANY_TAG, pkl5.PROC_NULL, pkl5.ROOT) == (MPI.ANY_SOURCE, MPI.ANY_TAG, MPI.PROC_NULL, MPI.ROOT)
    assert pkl5.Status is MPI.Status
