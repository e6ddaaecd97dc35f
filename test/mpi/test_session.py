"""MPI-4 sessions: process sets, groups from process sets, communicators from groups.

Open MPI before 5 has no sessions: there every routine must raise NotImplementedError naming it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import pytest

from mpi4py import MPI


def library_has_sessions() -> bool:
    """Sessions work when the build compiled them in (headers of an MPI with sessions)."""
    return "MPI_Session_init" not in MPI._missing_symbols()


def test_sessions_compiled_in_where_the_headers_have_them() -> None:
    # From-source builds against MPICH >= 4 or Open MPI >= 5 must not fall back to stubs.
    version = MPI.Get_library_version()
    match = re.search(r"Open MPI v(\d+)", version)
    headers_have_sessions = int(match.group(1)) >= 5 if match else MPI.Get_version() >= (4, 0)
    built_for_other_headers = MPI.__file__ and "_abi" in MPI.__file__  # merged wheel: variant headers may be older
    if headers_have_sessions and not built_for_other_headers:
        assert library_has_sessions()


def needs_sessions(test: Callable[..., None]) -> Callable[..., None]:
    """In a build without sessions the test checks the stub instead: Init raises NotImplementedError naming it."""
    if library_has_sessions():
        return test

    @functools.wraps(test)
    def stub_raises(*args: object, **kwargs: object) -> None:
        with pytest.raises(NotImplementedError, match="MPI_Session_init"):
            MPI.Session.Init()

    return stub_raises


@needs_sessions
def test_psets_and_info(comm: MPI.Intracomm) -> None:
    session = MPI.Session.Init()
    try:
        assert session and session != MPI.SESSION_NULL
        npsets = session.Get_num_psets()
        names = [session.Get_nth_pset(i) for i in range(npsets)]
        world = session.Get_pset_info("mpi://WORLD")
        world_size = world.Get("mpi_size")
        world.Free()
        info = session.Get_info()
        assert isinstance(info, MPI.Info)
        info.Free()
    finally:
        session.Finalize()
    assert not session
    assert npsets >= 2 and "mpi://WORLD" in names and "mpi://SELF" in names
    assert world_size == str(comm.Get_size())


@needs_sessions
def test_group_and_comm_from_pset(comm: MPI.Intracomm) -> None:
    hints = MPI.Info.Create({"thread_level": "MPI_THREAD_SINGLE"})
    with MPI.Session.Init(hints) as session:
        hints.Free()
        group = session.Create_group("mpi://WORLD")
        facts = (group.Get_rank(), group.Get_size())
        scomm = MPI.Intracomm.Create_from_group(group, "org.mpi4py.test.session")
        group.Free()
        total = scomm.allreduce(scomm.Get_rank() + 1)
        ranks = (scomm.Get_rank(), scomm.Get_size())
        scomm.Free()
        self_group = session.Create_group("mpi://SELF")
        self_size = self_group.Get_size()
        self_group.Free()
    assert not session
    assert facts == (comm.Get_rank(), comm.Get_size())
    assert ranks == facts and total == comm.Get_size() * (comm.Get_size() + 1) // 2
    assert self_size == 1


@needs_sessions
def test_errors() -> None:
    with pytest.raises(TypeError, match="errhandler"):  # an MPI.Errhandler or None
        MPI.Session.Init(errhandler=object())
    with MPI.Session.Init() as session:
        with pytest.raises(MPI.Exception):
            session.Create_group("mpi://no-such-pset")
        with pytest.raises(TypeError):
            session.Get_num_psets(info=None)
