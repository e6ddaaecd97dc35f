"""Python callbacks that MPI calls, the same for every handle kind: attributes under keyvals created from
Python (Comm, Datatype, Win) and error handlers created from Python (Comm, Win, File, Session)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from mpi_helpers import built_with, mpiexec, spawning
from mpi_plugin import clean_env

from mpi4py import MPI

ATTR_KINDS = ("Comm", "Datatype", "Win")


@contextmanager
def attr_object(kind: str, comm: MPI.Intracomm) -> Iterator[Any]:
    """A fresh object of ``kind``, freed on exit unless the test freed it."""
    obj: Any = {"Comm": lambda: comm.Dup(), "Datatype": lambda: MPI.INT.Dup(), "Win": lambda: MPI.Win.Allocate(8, comm=comm)}[kind]()
    try:
        yield obj
    finally:
        if obj:
            obj.Free()


@pytest.mark.parametrize("kind", ATTR_KINDS)
def test_create_keyval_checks_the_callbacks(kind: str) -> None:
    cls = getattr(MPI, kind)
    with pytest.raises(TypeError, match=f"{kind}.Create_keyval: copy_fn must be callable"):
        cls.Create_keyval(copy_fn=3)
    with pytest.raises(TypeError, match=f"{kind}.Create_keyval: delete_fn must be callable"):
        cls.Create_keyval(delete_fn="not a function")


@pytest.mark.parametrize("kind", ATTR_KINDS)
def test_copy_and_delete_are_called(kind: str, comm: MPI.Intracomm) -> None:
    cls = getattr(MPI, kind)
    deleted: list[tuple[Any, int, Any]] = []
    keyval = cls.Create_keyval(copy_fn=lambda obj, k, v: [*v, "copied"], delete_fn=lambda obj, k, v: deleted.append((obj, k, v)))
    value = ["original"]
    refs = sys.getrefcount(value)
    with attr_object(kind, comm) as obj:
        obj.Set_attr(keyval, value)
        held = sys.getrefcount(value)
        assert held == refs + 1 and obj.Get_attr(keyval) is value
        if kind != "Win":  # windows are never duplicated
            dup = obj.Dup()
            try:
                assert dup.Get_attr(keyval) == ["original", "copied"]
            finally:
                dup.Free()
        obj.Delete_attr(keyval)
        released = sys.getrefcount(value)
        # the reference MPI held is released (``deleted`` holds one now)
        assert released == refs + 1 and obj.Get_attr(keyval) is None
        assert isinstance(deleted[-1][0], cls) and deleted[-1][0] == obj and deleted[-1][1:] == (keyval, value)
    if kind != "Win":
        assert deleted[0][2] == ["original", "copied"]  # the copy went when dup was freed
    assert cls.Free_keyval(keyval) == MPI.KEYVAL_INVALID


@pytest.mark.parametrize("kind", ATTR_KINDS)
def test_freed_keyval_is_dropped_but_its_attributes_still_deleted(kind: str, comm: MPI.Intracomm) -> None:
    cls = getattr(MPI, kind)
    deleted: list[Any] = []
    keyval = cls.Create_keyval(delete_fn=lambda obj, k, v: deleted.append(v))
    with attr_object(kind, comm) as holder, attr_object(kind, comm) as other:
        holder.Set_attr(keyval, "held")
        assert cls.Free_keyval(keyval) == MPI.KEYVAL_INVALID
        with pytest.raises(ValueError, match=f"{kind}.Set_attr: keyval {keyval} .*freed"):
            other.Set_attr(keyval, "refused")
        assert holder.Get_attr(keyval) == "held"  # MPI keeps the attribute of a freed keyval ...
        holder.Free()
        assert deleted == ["held"]  # ... and deletes it with its object, through the keyval's delete_fn
    with attr_object(kind, comm) as obj, pytest.raises(ValueError, match=f"{kind}.Set_attr"):
        obj.Set_attr(keyval, "after")  # gone from the registry once nothing held it


@pytest.mark.parametrize("kind", ("Comm", "Datatype"))
def test_raising_copy_fn_fails_the_dup(kind: str, comm: MPI.Intracomm, capfd: pytest.CaptureFixture[str]) -> None:
    cls = getattr(MPI, kind)

    def copy_fn(obj: Any, keyval: int, value: Any) -> Any:
        raise KeyError("copy refused")

    keyval = cls.Create_keyval(copy_fn=copy_fn)
    with attr_object(kind, comm) as obj:
        obj.Set_attr(keyval, "x")
        with pytest.raises(MPI.Exception):
            obj.Dup()
        assert "copy refused" in capfd.readouterr().err
        obj.Delete_attr(keyval)
    cls.Free_keyval(keyval)


def test_unknown_keyval_is_refused(comm: MPI.Intracomm) -> None:
    with pytest.raises(ValueError, match="Comm.Set_attr: keyval 123456 was not created by Comm.Create_keyval"):
        comm.Set_attr(123456, "x")


# -- error handlers ---------------------------------------------------------------------------------


@contextmanager
def errhandler_object(kind: str, comm: MPI.Intracomm) -> Iterator[Any]:
    if kind == "Comm":
        obj: Any = comm.Dup()
    elif kind == "Win":
        obj = MPI.Win.Allocate(8, comm=comm)
    else:
        path = tempfile.mkdtemp(prefix="mpi4py-eh-") if comm.Get_rank() == 0 else None
        obj = MPI.File.Open(comm, f"{comm.bcast(path)}/f", MPI.MODE_CREATE | MPI.MODE_RDWR | MPI.MODE_DELETE_ON_CLOSE)
    try:
        yield obj
    finally:
        obj.Set_errhandler(MPI.ERRORS_RETURN)
        obj.Close() if kind == "File" else obj.Free()


@pytest.mark.parametrize("kind", ("Comm", "Win", "File"))
def test_raising_errhandler_is_reported_not_raised(kind: str, comm: MPI.Intracomm, capfd: pytest.CaptureFixture[str]) -> None:
    calls: list[tuple[Any, int]] = []

    def handler(obj: Any, code: int) -> None:
        calls.append((obj, code))
        raise ZeroDivisionError("handler failed")

    eh = getattr(MPI, kind).Create_errhandler(handler)
    with errhandler_object(kind, comm) as obj:
        obj.Set_errhandler(eh)
        obj.Call_errhandler(MPI.ERR_OTHER)  # returns: the exception does not leak into this call ...
        assert calls == [(obj, MPI.ERR_OTHER)] and isinstance(calls[0][0], getattr(MPI, kind))
        err = capfd.readouterr().err
        assert f"exception in a {kind} error handler" in err and "ZeroDivisionError: handler failed" in err
        assert obj.Get_errhandler() is not None  # ... nor into the next one
    eh.Free()


# Slots: at most 32 handlers with different callables per class, a callable's slot reused by another
# Create_errhandler from it.  Run in its own job: it uses up every slot of the process.
SLOTS_SCRIPT = textwrap.dedent("""
    import os, sys, tempfile
    from mpi4py import MPI

    def target(kind):
        if kind == "Comm":
            return MPI.COMM_SELF.Dup(), lambda o: o.Free()
        if kind == "Win":
            return MPI.Win.Allocate(8, comm=MPI.COMM_SELF), lambda o: o.Free()
        if kind == "File":
            path = os.path.join(tempfile.mkdtemp(), "f")
            return MPI.File.Open(MPI.COMM_SELF, path, MPI.MODE_CREATE | MPI.MODE_RDWR | MPI.MODE_DELETE_ON_CLOSE), lambda o: o.Close()
        session = MPI.Session.Init()
        return session, lambda o: o.Finalize()

    for kind in sys.argv[1:]:
        cls = getattr(MPI, kind)
        calls = []
        fns = [lambda o, c, i=i: calls.append(i) for i in range(32)]
        handlers = [cls.Create_errhandler(fn) for fn in fns]
        again = cls.Create_errhandler(fns[5])  # the slot of fns[5] again, not a new one
        try:
            cls.Create_errhandler(print)
        except RuntimeError as exc:
            assert "errhandler_fn" in str(exc) and "32" in str(exc), exc
        else:
            raise AssertionError(f"{kind}: a 33rd callable got a slot")
        obj, free = target(kind)
        for eh, expected in ((handlers[31], 31), (handlers[0], 0), (again, 5)):
            obj.Set_errhandler(eh)
            obj.Call_errhandler(MPI.ERR_OTHER)
            assert calls[-1] == expected, (kind, calls)
        obj.Set_errhandler(MPI.ERRORS_RETURN)
        free(obj)
        for eh in (*handlers, again):
            eh.Free()
        print(kind, "slots ok", flush=True)
""")


@spawning
def test_errhandler_slots_exhaust_and_reuse_per_kind() -> None:
    kinds = ["Comm", "Win", "File"] + (["Session"] if built_with("MPI_Session_create_errhandler") else [])
    result = subprocess.run([mpiexec(), "-n", "1", sys.executable, "-c", SLOTS_SCRIPT, *kinds], capture_output=True,
                            text=True, timeout=120, env=clean_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:-1] == [f"{kind} slots ok" for kind in kinds]


def test_create_errhandler_checks_the_callable() -> None:
    for cls in (MPI.Comm, MPI.Win, MPI.File):
        with pytest.raises(TypeError, match=f"{cls.__name__}.Create_errhandler: errhandler_fn must be a callable"):
            cls.Create_errhandler(42)
