"""Communicator extras: info hints, Python error handlers, partitioned point-to-point, fault-tolerance
entry points, Intercomm.Create_from_groups, Cartcomm.dim, Group.Intersect/Create_from_session_pset, get_vendor.

A routine the MPI library lacks must raise NotImplementedError naming it (MPI._missing_symbols() says
which ones were compiled as fallbacks); every available one is exercised for real.
"""

from __future__ import annotations

import array
import re
import time

import pytest

from mpi4py import MPI


def _missing(symbol: str) -> bool:
    return symbol in MPI._missing_symbols()


# -- info -----------------------------------------------------------------------------------------


def test_get_set_info(comm: MPI.Intracomm) -> None:
    dup = comm.Dup()
    used = dup.Get_info()
    assert isinstance(used, MPI.Info) and used != MPI.INFO_NULL
    used.Free()
    hints = MPI.Info.Create()
    hints.Set("mpi_assert_no_any_tag", "true")
    dup.Set_info(hints)
    dup.info = hints  # the property setter is Set_info
    hints.Free()
    prop = dup.info
    assert isinstance(prop, MPI.Info) and prop != MPI.INFO_NULL
    # Whatever the library kept, the keys it reports are readable strings.
    for key in prop.keys():
        assert isinstance(prop.Get(key), str)
    prop.Free()
    with pytest.raises(TypeError, match="info"):
        dup.Set_info(None)  # type: ignore[arg-type]
    dup.Free()


# -- error handlers -------------------------------------------------------------------------------


def test_create_errhandler_called(comm: MPI.Intracomm) -> None:
    calls: list[tuple[MPI.Comm, int]] = []
    eh = MPI.Comm.Create_errhandler(lambda c, code: calls.append((c, code)))
    assert isinstance(eh, MPI.Errhandler) and eh != MPI.ERRHANDLER_NULL
    dup = comm.Dup()
    dup.Set_errhandler(eh)
    dup.Call_errhandler(MPI.ERR_OTHER)
    assert len(calls) == 1
    assert calls[0][0] == dup and calls[0][1] == MPI.ERR_OTHER
    # A real error reaches the handler.  What the call returns afterwards is the library's choice
    # (MPICH returns success once a user handler has run); if it reports the error, it is the same one.
    try:
        dup.Send(array.array("i", [1]), dest=dup.Get_size() + 7)
    except MPI.Exception as exc:
        assert exc.Get_error_class() == MPI.ERR_RANK
    assert len(calls) == 2 and calls[1][0] == dup
    assert MPI.Get_error_class(calls[1][1]) == MPI.ERR_RANK
    dup.Set_errhandler(MPI.ERRORS_RETURN)
    eh.Free()
    dup.Free()


def test_create_errhandler_bad_input() -> None:
    with pytest.raises(TypeError, match="errhandler_fn"):
        MPI.Comm.Create_errhandler(42)  # type: ignore[arg-type]


# -- partitioned point-to-point -------------------------------------------------------------------


def test_partitioned_send_recv(comm: MPI.Intracomm) -> None:
    # A ring: every process sends to the next one and receives from the previous one.  Every rank
    # takes part because Open MPI sets partitioned communication up collectively on first use.
    rank, size = comm.Get_rank(), comm.Get_size()
    dest, source = (rank + 1) % size, (rank - 1) % size
    if _missing("MPI_Psend_init"):
        with pytest.raises(NotImplementedError, match="MPI_Psend_init"):
            comm.Psend_init(array.array("i", [0] * 8), 4, dest=dest)
        return
    parts, per = 4, 3
    for round_ in range(2):  # fresh requests each round, and a restart of the same ones
        data = array.array("i", [rank * 1000 + round_ * 100 + i for i in range(parts * per)])
        got = array.array("i", [-1] * (parts * per))
        sreq = comm.Psend_init(data, parts, dest=dest, tag=7)
        rreq = comm.Precv_init(got, parts, source=source, tag=7)
        assert isinstance(sreq, MPI.Prequest) and isinstance(rreq, MPI.Prequest)
        for _restart in range(2):
            MPI.Prequest.Startall([sreq, rreq])
            sreq.Pready_range(0, 1)
            sreq.Pready(2)
            sreq.Pready_list([3])
            deadline = time.monotonic() + 60
            arrived = [False] * parts
            while not all(arrived):
                arrived = [arrived[p] or rreq.Parrived(p) for p in range(parts)]
                assert time.monotonic() < deadline, f"partitions never arrived: {arrived}"
            MPI.Request.Waitall([sreq, rreq])
            assert list(got) == [source * 1000 + round_ * 100 + i for i in range(parts * per)]
            got[:] = array.array("i", [-1] * (parts * per))
        sreq.Free()
        rreq.Free()


def test_partitioned_bad_input(comm: MPI.Intracomm) -> None:
    buf = array.array("i", [0] * 10)
    with pytest.raises(ValueError, match="partitions"):
        comm.Psend_init(buf, 3, dest=MPI.PROC_NULL)
    with pytest.raises(ValueError, match="partitions must be >= 1"):
        comm.Precv_init(buf, 0, source=MPI.PROC_NULL)


# -- fault tolerance (ULFM) -----------------------------------------------------------------------


def test_fault_tolerance(comm: MPI.Intracomm) -> None:
    dup = comm.Dup()
    size, rank = dup.Get_size(), dup.Get_rank()
    calls = {
        "MPI_Comm_agree": lambda: dup.Agree(0b111 if rank else 0b101),
        "MPI_Comm_iagree": lambda: dup.Iagree(array.array("i", [1])),
        "MPI_Comm_shrink": dup.Shrink,
        "MPI_Comm_ishrink": dup.Ishrink,
        "MPI_Comm_get_failed": dup.Get_failed,
        "MPI_Comm_ack_failed": dup.Ack_failed,
        "MPI_Comm_is_revoked": dup.Is_revoked,
        "MPI_Comm_revoke": dup.Revoke,
    }
    for symbol, call in calls.items():
        if _missing(symbol):
            with pytest.raises(NotImplementedError, match=symbol):
                call()
            continue
        # Available: no process failed, so every answer is the failure-free one.
        if symbol == "MPI_Comm_agree":
            assert call() == 0b101  # rank 0 gives 0b101, the others 0b111: the AND
        elif symbol == "MPI_Comm_iagree":
            flag = array.array("i", [1 if rank else 3])
            dup.Iagree(flag).Wait()
            assert flag[0] == 1
        elif symbol == "MPI_Comm_shrink":
            new = dup.Shrink()
            assert new.Get_size() == size
            new.Free()
        elif symbol == "MPI_Comm_ishrink":
            new, req = dup.Ishrink()
            req.Wait()
            assert new.Get_size() == size
            new.Free()
        elif symbol == "MPI_Comm_get_failed":
            failed = dup.Get_failed()
            assert failed.Get_size() == 0
            failed.Free()
        elif symbol == "MPI_Comm_ack_failed":
            assert dup.Ack_failed() == 0
        elif symbol == "MPI_Comm_is_revoked":
            assert dup.Is_revoked() is False
        elif symbol == "MPI_Comm_revoke":
            call()
            if not _missing("MPI_Comm_is_revoked"):
                assert dup.Is_revoked() is True
    dup.Free()


# -- Intercomm.Create_from_groups, Cartcomm.dim ---------------------------------------------------


@pytest.mark.ranks(min=2)
def test_intercomm_create_from_groups(comm: MPI.Intracomm) -> None:
    size, rank = comm.Get_size(), comm.Get_rank()
    world = comm.Get_group()
    half = size // 2
    low, high = world.Range_incl([(0, half - 1, 1)]), world.Range_incl([(half, size - 1, 1)])
    local, remote = (low, high) if rank < half else (high, low)
    if _missing("MPI_Intercomm_create_from_groups"):
        with pytest.raises(NotImplementedError, match="MPI_Intercomm_create_from_groups"):
            MPI.Intercomm.Create_from_groups(local, 0, remote, 0)
    else:
        inter = MPI.Intercomm.Create_from_groups(local, 0, remote, 0, stringtag="org.mpi4py.test.s2comm")
        assert isinstance(inter, MPI.Intercomm) and inter.Is_inter()
        assert inter.Get_size() == local.Get_size()
        assert inter.Get_remote_size() == remote.Get_size()
        # Leaders swap their world ranks through the new intercommunicator.
        if inter.Get_rank() == 0:
            other = inter.sendrecv(rank, dest=0, source=0)
            assert other == (half if rank == 0 else 0)
        inter.Free()
    for g in (low, high, world):
        g.Free()


def test_create_from_groups_refuse_bad_arguments_before_mpi(comm: MPI.Intracomm) -> None:
    # Checked before MPI is called (so also where the MPI-4 routines are missing). Like mpi4py, the
    # length of stringtag is left to MPI (MAX_STRINGTAG_LEN is the library's limit to enforce).
    group = comm.Get_group()
    try:
        for call in (lambda **kw: MPI.Intracomm.Create_from_group(group, **kw),
                     lambda **kw: MPI.Intercomm.Create_from_groups(group, 0, group, 0, **kw)):
            with pytest.raises(TypeError, match="stringtag: expected str or bytes, got int"):
                call(stringtag=7)
            with pytest.raises(ValueError, match="stringtag: embedded null character"):
                call(stringtag="org\0mpi4py")
            with pytest.raises(TypeError, match="errhandler must be an MPI.Errhandler or None, got int"):
                call(errhandler=42)
        with pytest.raises(TypeError):
            MPI.Intracomm.Create_from_group(None)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            MPI.Intercomm.Create_from_groups(group, 0, None, 0)  # type: ignore[arg-type]
    finally:
        group.Free()


def test_create_from_group_takes_a_bytes_stringtag(comm: MPI.Intracomm) -> None:
    if "MPI_Comm_create_from_group" in MPI._missing_symbols():
        pytest.skip("MPI_Comm_create_from_group: not in this MPI library")
    group = comm.Get_group()
    created = MPI.Intracomm.Create_from_group(group, stringtag=b"org.mpi4py.test.bytes")
    assert created.Get_size() == comm.Get_size()
    assert created.allreduce(1) == comm.Get_size()
    created.Free()
    group.Free()


def test_cartcomm_dim(comm: MPI.Intracomm) -> None:
    cart = comm.Create_cart([comm.Get_size()], periods=[True])
    assert cart.dim == cart.ndim == cart.Get_dim() == 1
    cart.Free()


# -- groups ---------------------------------------------------------------------------------------


def test_group_intersect(comm: MPI.Intracomm) -> None:
    world = comm.Get_group()
    mine = world.Incl([comm.Get_rank()])
    both = MPI.Group.Intersect(world, mine)
    assert MPI.Group.Compare(both, mine) == MPI.IDENT
    assert both.Get_size() == 1
    for g in (both, mine, world):
        g.Free()


def test_group_create_from_session_pset(comm: MPI.Intracomm) -> None:
    if _missing("MPI_Session_init"):
        with pytest.raises(NotImplementedError, match="MPI_Session_init"):
            MPI.Session.Init()
        return
    session = MPI.Session.Init()
    try:
        group = MPI.Group.Create_from_session_pset(session, "mpi://WORLD")
        assert group.Get_size() == comm.Get_size()
        assert group.Get_rank() == comm.Get_rank()
        group.Free()
        selfg = MPI.Group.Create_from_session_pset(session, "mpi://SELF")
        assert selfg.Get_size() == 1
        selfg.Free()
    finally:
        session.Finalize()
    with pytest.raises(TypeError, match="session"):
        MPI.Group.Create_from_session_pset("mpi://WORLD", "mpi://WORLD")  # type: ignore[arg-type]


# -- vendor ---------------------------------------------------------------------------------------


def test_get_vendor() -> None:
    name, version = MPI.get_vendor()
    assert isinstance(name, str) and len(version) == 3 and all(isinstance(v, int) for v in version)
    text = MPI.Get_library_version()
    if text.startswith("MPICH"):
        assert name == "MPICH"
    elif "Open MPI" in text:
        assert name == "Open MPI"
    major, minor, micro = version
    assert major >= 1
    # The reported numbers are the ones the library prints.
    assert re.search(rf"\b{major}\.{minor}(\.{micro})?", text), (version, text)
