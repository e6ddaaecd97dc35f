"""Generalized requests: Grequest.Start callbacks, Complete/complete, Cancel, completion calls."""

from __future__ import annotations

from typing import Any

import pytest

from mpi4py import MPI


class Recorder:
    """Callbacks that record their calls; query_fn fills the status like a finished receive."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def query(self, status: MPI.Status, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("query", args, kwargs))
        status.source, status.tag = 2, 99
        status.Set_elements(MPI.BYTE, 24)
        status.Set_cancelled(False)

    def free(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("free", args, kwargs))

    def cancel(self, completed: bool, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("cancel", (completed, *args), kwargs))

    def names(self) -> list[str]:
        return [c[0] for c in self.calls]


def test_start_complete_wait() -> None:
    rec = Recorder()
    req = MPI.Grequest.Start(rec.query, rec.free, rec.cancel, args=(1, "a"), kwargs={"k": 3})
    assert isinstance(req, MPI.Request) and req
    assert req.Test() is False  # not completed yet
    assert rec.names() == []
    req.Complete()
    status = MPI.Status()
    assert req.Wait(status) is True
    assert not req  # completed and freed by MPI
    assert (status.source, status.tag, status.Get_count(MPI.BYTE)) == (2, 99, 24)
    assert rec.names() == ["query", "free"]
    assert all(args == (1, "a") and kwargs == {"k": 3} for _, args, kwargs in rec.calls)


def test_complete_with_object_and_test() -> None:
    req = MPI.Grequest.Start()
    assert req.test() == (False, None)
    req.complete({"result": 42})
    status = MPI.Status()
    flag, obj = req.test(status)
    assert flag and obj == {"result": 42}
    assert status.Get_count(MPI.BYTE) == 0 and not status.Is_cancelled()  # no query_fn: an empty status


def test_cancel_then_complete() -> None:
    rec = Recorder()
    req = MPI.Grequest.Start(rec.query, rec.free, rec.cancel)
    req.Cancel()
    assert rec.calls == [("cancel", (False,), {})]
    req.Complete()
    req.Wait()
    assert rec.names() == ["cancel", "query", "free"]


def test_waitall_and_object_waitall() -> None:
    recs = [Recorder() for _ in range(3)]
    reqs = [MPI.Grequest.Start(r.query, r.free, None, args=(i,)) for i, r in enumerate(recs)]
    assert MPI.Request.Testall(reqs) is False
    for i, req in enumerate(reqs):
        req.complete(i * 10)
    assert MPI.Request.waitall(reqs) == [0, 10, 20]
    assert [r.names() for r in recs] == [["query", "free"]] * 3
    assert [r.calls[0][1] for r in recs] == [(0,), (1,), (2,)]


def test_query_fn_error_reaches_wait() -> None:
    def query(status: MPI.Status) -> None:
        raise MPI.Exception(MPI.ERR_OTHER)

    req = MPI.Grequest.Start(query)
    req.Complete()
    with pytest.raises(MPI.Exception) as info:
        req.Wait()
    assert info.value.Get_error_class() in (MPI.ERR_OTHER, MPI.ERR_IN_STATUS)


def test_bad_callbacks() -> None:
    with pytest.raises(TypeError, match="query_fn"):
        MPI.Grequest.Start(query_fn=1)
    with pytest.raises(TypeError, match="cancel_fn"):
        MPI.Grequest.Start(None, None, "nope")
