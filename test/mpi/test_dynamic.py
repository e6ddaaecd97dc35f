"""Dynamic processes: Spawn, Spawn_multiple, Get_parent, Disconnect, Open_port/Accept/Connect."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from mpi_helpers import respawn_race_reason, spawning

from mpi4py import MPI

# Spawning from every rank of a multi-process run would oversubscribe the machine for no gain.
single = spawning
# Debian 12's MPICH (ch4:ucx) declares dynamic processes unsupported: see conftest.dynamic_processes_unsupported.
pytestmark = pytest.mark.dynamic_processes

CHILD = """\
import sys
from mpi4py import MPI
parent = MPI.Comm.Get_parent()
assert parent and parent.Is_inter()
world = MPI.COMM_WORLD
parent.send((sys.argv[1], world.Get_rank(), world.Get_size(), parent.Get_remote_size()), dest=0, tag=1)
if len(sys.argv) > 2:  # connect back through a port opened by the parent
    port = sys.argv[2].replace("_SPACE_", " ")
    server = world.Connect(port)
    server.send(("connected", world.Get_rank()), dest=0, tag=2)
    server.Disconnect()
parent.Disconnect()
"""


@pytest.fixture
def child(tmp_path: Path) -> str:
    path = tmp_path / "child.py"
    path.write_text(CHILD)
    return str(path)


@single
def test_spawn(child: str) -> None:
    assert MPI.Comm.Get_parent() == MPI.COMM_NULL
    errcodes: list[int] = []
    inter = MPI.COMM_SELF.Spawn(sys.executable, [child, "one"], maxprocs=2, errcodes=errcodes)
    assert isinstance(inter, MPI.Intercomm) and inter.Get_remote_size() == 2
    assert errcodes == [MPI.SUCCESS, MPI.SUCCESS]
    got = sorted(inter.recv(source=i, tag=1) for i in range(2))
    assert got == [("one", 0, 2, 1), ("one", 1, 2, 1)]
    inter.Disconnect()
    assert not inter


@single
def test_spawn_multiple(child: str) -> None:
    inter = MPI.COMM_SELF.Spawn_multiple([sys.executable] * 2, [[child, "a"], [child, "b"]], [1, 1])
    got = sorted(inter.recv(source=i, tag=1) for i in range(2))
    assert got == [("a", 0, 2, 1), ("b", 1, 2, 1)]
    inter.Disconnect()
    with pytest.raises(ValueError, match="maxprocs"):
        MPI.COMM_SELF.Spawn_multiple([sys.executable] * 2, None, [1])


@single
def test_port_accept_connect(child: str) -> None:
    try:
        port = MPI.Open_port()
    except MPI.Exception as exc:  # MPICH's ch4 netmod here: "no space for port_name tag"
        pytest.skip(f"this MPI library cannot open a port on this machine: {exc}")
    assert port
    inter = MPI.COMM_SELF.Spawn(sys.executable, [child, "port", port.replace(" ", "_SPACE_")], maxprocs=1)
    assert inter.recv(source=0, tag=1) == ("port", 0, 1, 1)
    client = MPI.COMM_SELF.Accept(port)
    assert client.recv(source=0, tag=2) == ("connected", 0)
    client.Disconnect()
    MPI.Close_port(port)
    inter.Disconnect()


ARGV_CHILD = """\
import sys
from mpi4py import MPI
parent = MPI.Comm.Get_parent()
parent.send(sys.argv[1:], dest=0, tag=3)
parent.Disconnect()
"""


@single
def test_spawn_args_one_string_or_bytes(tmp_path: Path) -> None:
    """``args`` may be one string (a one-item argument vector, not its characters) or bytes items."""
    script = tmp_path / "argv_child.py"
    script.write_text(ARGV_CHILD)
    for args, expected in ((str(script), []), ([bytes(script), b"x y"], ["x y"])):
        inter = MPI.COMM_SELF.Spawn(sys.executable, args, maxprocs=1)
        assert inter.recv(source=0, tag=3) == expected
        inter.Disconnect()


@single
def test_spawn_multiple_one_string_args_is_every_commands_argument(tmp_path: Path) -> None:
    """As in mpi4py: one string ``args`` is the single argument of each command (not split per command)."""
    script = tmp_path / "argv_child.py"
    script.write_text(ARGV_CHILD)
    inter = MPI.COMM_SELF.Spawn_multiple([sys.executable] * 2, str(script), [1, 1])
    assert [inter.recv(source=i, tag=3) for i in range(2)] == [[], []]
    inter.Disconnect()


@pytest.mark.ranks(min=2, max=2)  # one child job from a two-rank run: root-only arguments need a non-root rank
@pytest.mark.parametrize("call", ["Spawn", "Spawn_multiple"])
def test_spawn_arguments_are_read_at_root_only(tmp_path: Path, call: str) -> None:
    """MPI reads command, args, maxprocs and info at the root only; mpi4py lets the others pass anything."""
    if call == "Spawn_multiple" and (reason := respawn_race_reason()) is not None:
        pytest.skip(reason)
    script = tmp_path / "argv_child.py"  # written and named at the root only
    root = MPI.COMM_WORLD.Get_rank() == 0
    if root:
        script.write_text(ARGV_CHILD)
    errcodes: list[int] = []
    if call == "Spawn":
        inter = MPI.COMM_WORLD.Spawn(sys.executable if root else None, [str(script), call] if root else 17,
                                     maxprocs=1, errcodes=errcodes)
    else:
        inter = MPI.COMM_WORLD.Spawn_multiple([sys.executable] if root else "ignored",
                                              [[str(script), call]] if root else None, [1], errcodes=errcodes)
    assert errcodes == [MPI.SUCCESS]
    if root:
        assert inter.recv(source=0, tag=3) == [call]
    inter.Disconnect()
