"""Handles pickle as mpi4py 4.1 pickles them; Status fields are settable; freeing predefined handles.

mpi4py's behaviour: a predefined handle pickles by name and unpickles as the very same object; an
``Info`` pickles by its items, a derived ``Datatype`` by its decoded form (rebuilt committed), a
user-defined ``Op`` by its function and commutativity; any other handle (communicators, groups,
requests, windows, ...) raises ``ValueError``.  ``Status`` pickles by value and its ``count`` and
``cancelled`` are settable.  Freeing a predefined handle raises ``MPI.Exception`` whose error class
is the library's (not ``ValueError``); the object stays usable.
"""

from __future__ import annotations

import copy
import operator
import pickle

import pytest

from mpi4py import MPI

PREDEFINED = [
    "COMM_WORLD", "COMM_SELF", "COMM_NULL", "GROUP_EMPTY", "GROUP_NULL", "INFO_ENV", "INFO_NULL",
    "INT", "DOUBLE", "BOOL", "FLOAT_INT", "PACKED", "DATATYPE_NULL", "SUM", "MAXLOC", "REPLACE", "OP_NULL",
    "REQUEST_NULL", "WIN_NULL", "FILE_NULL", "ERRHANDLER_NULL", "ERRORS_RETURN", "ERRORS_ARE_FATAL",
    "MESSAGE_NULL", "MESSAGE_NO_PROC", "SESSION_NULL",
]


@pytest.mark.parametrize("name", PREDEFINED)
def test_predefined_handles_pickle_as_themselves(name: str) -> None:
    handle = getattr(MPI, name)
    assert pickle.loads(pickle.dumps(handle)) is handle
    assert copy.copy(handle) is handle and copy.deepcopy(handle) is handle


def test_copy_of_a_predefined_handle_unpickles_equal() -> None:
    again = MPI.Comm.fromint(MPI.COMM_WORLD.toint())
    back = pickle.loads(pickle.dumps(again))
    assert back == MPI.COMM_WORLD and type(back) is type(again)


def test_process_local_handles_refuse_with_value_error() -> None:
    dup = MPI.COMM_SELF.Dup()
    group = MPI.COMM_SELF.Get_group()
    # Allocate, not Create: Open MPI 4.1's only Create component for COMM_SELF (osc pt2pt) refuses THREAD_MULTIPLE
    win = MPI.Win.Allocate(1, comm=MPI.COMM_SELF)
    request = MPI.COMM_SELF.Irecv(bytearray(1), source=0, tag=11)
    try:
        for handle in (dup, group, win, request):
            with pytest.raises(ValueError, match="cannot serialize"):
                pickle.dumps(handle)
    finally:
        request.Cancel()
        request.Wait()
        win.Free()
        group.Free()
        dup.Free()


def test_info_pickles_by_items() -> None:
    info = MPI.Info.Create({"a": "1", "b": "two"})
    back = pickle.loads(pickle.dumps(info))
    try:
        assert back != info and sorted(back.items()) == [("a", "1"), ("b", "two")]
    finally:
        back.Free()
        info.Free()


def test_derived_datatypes_pickle_by_their_decoded_form() -> None:
    made = [
        MPI.INT.Create_contiguous(3),
        MPI.DOUBLE.Create_vector(2, 1, 3).Commit(),
        MPI.INT.Create_resized(0, 16).Commit(),
        MPI.Datatype.Create_struct([1, 2], [0, 8], [MPI.INT, MPI.DOUBLE]).Commit(),
        MPI.INT.Create_indexed([1, 2], [0, 4]).Create_resized(0, 32).Commit(),
        MPI.INT.Dup(),
    ]
    for datatype in made:
        back = pickle.loads(pickle.dumps(datatype))
        try:
            assert back != datatype and back.decode()[1:] == datatype.decode()[1:]
            assert (back.size, back.extent) == (datatype.size, datatype.extent)
            MPI.COMM_SELF.Sendrecv([bytearray(back.extent), 1, back], 0, 5, [bytearray(back.extent), 1, back], 0, 5)
        finally:
            back.Free()
            datatype.Free()


def add_bytes(inbuf: memoryview, inoutbuf: memoryview, datatype: MPI.Datatype) -> None:
    """A user reduction that pickles (module-level): byte-wise sum."""
    for i in range(len(inoutbuf)):
        inoutbuf[i] = operator.add(inbuf[i], inoutbuf[i]) & 0xFF


def test_user_op_pickles_by_function() -> None:
    op = MPI.Op.Create(add_bytes, commute=True)
    back = pickle.loads(pickle.dumps(op))
    try:
        assert back != op and back.Is_commutative()
        inout = bytearray([1, 2, 3])
        back.Reduce_local(bytearray([10, 20, 30]), inout)
        assert inout == bytearray([11, 22, 33])
    finally:
        back.Free()
        op.Free()
    local = MPI.Op.Create(lambda a, b, t: None)
    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dumps(local)  # the function itself does not pickle
    local.Free()


def test_status_pickles_by_value_and_is_settable() -> None:
    status = MPI.Status()
    status.source, status.tag, status.error = 3, 5, MPI.SUCCESS
    status.count = 12
    status.cancelled = True
    assert status.count == 12 and status.Get_count(MPI.BYTE) == 12 and status.Get_count(MPI.INT) == 3
    assert status.cancelled and status.Is_cancelled()
    for back in (pickle.loads(pickle.dumps(status)), copy.copy(status), copy.deepcopy(status)):
        assert back is not status and back == status
        assert (back.source, back.tag, back.error, back.count, back.cancelled) == (3, 5, MPI.SUCCESS, 12, True)
    with pytest.raises(TypeError):
        status.count = None
    with pytest.raises(MPI.Exception):
        status.count = -1


@pytest.mark.parametrize(("name", "error_class"), [
    ("SUM", "ERR_OP"), ("OP_NULL", "ERR_OP"), ("INT", "ERR_TYPE"), ("COMM_WORLD", "ERR_COMM"),
    ("COMM_SELF", "ERR_COMM"), ("INFO_ENV", "ERR_INFO"), ("GROUP_EMPTY", "ERR_GROUP"),
])
def test_freeing_a_predefined_handle_raises_mpi_exception(name: str, error_class: str) -> None:
    handle = getattr(MPI, name)
    with pytest.raises(MPI.Exception) as failure:
        handle.Free()
    assert failure.value.Get_error_class() == getattr(MPI, error_class)
    assert getattr(MPI, name) is handle and handle == pickle.loads(pickle.dumps(handle))


def test_free_method_leaves_predefined_handles_alone() -> None:
    for name in ("COMM_WORLD", "INT", "SUM", "GROUP_EMPTY", "INFO_ENV", "ERRORS_RETURN", "MESSAGE_NO_PROC"):
        handle = getattr(MPI, name)
        handle.free()
        assert handle, f"{name}.free() nulled a predefined handle"
    assert MPI.MESSAGE_NO_PROC != MPI.MESSAGE_NULL and MPI.COMM_WORLD.Get_size() >= 1
