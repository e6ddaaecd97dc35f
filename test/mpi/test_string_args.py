"""String arguments handed to MPI as C strings: ``str`` or ``bytes``, anything else refused by name.

mpi4py converts names, data representations, ports, service names, stringtags and commands the same
way: a ``str`` is encoded, ``bytes`` pass as they are, other objects raise ``TypeError``, and a string with
a NUL inside raises ``ValueError`` (C would cut it there).
"""

from __future__ import annotations

import sys

import pytest

from mpi4py import MPI


def test_names_take_str_and_bytes(comm: MPI.Intracomm) -> None:
    dup = comm.Dup()
    dtype = MPI.INT.Dup()
    try:
        for handle in (dup, dtype):
            handle.Set_name(b"from bytes")
            assert handle.Get_name() == "from bytes"
            handle.name = "from str"
            assert handle.name == "from str"
    finally:
        dtype.Free()
        dup.Free()


@pytest.mark.parametrize("value, error, message", [
    (42, TypeError, "name: expected str or bytes, got int"),
    (None, TypeError, "name: expected str or bytes, got NoneType"),
    (["x"], TypeError, "name: expected str or bytes, got list"),
    ("a\0b", ValueError, "name: embedded null character"),
    (b"a\0b", ValueError, "name: embedded null character"),
])
def test_names_refuse_other_objects(comm: MPI.Intracomm, value: object, error: type[Exception], message: str) -> None:
    dup = comm.Dup()
    try:
        with pytest.raises(error, match=message):
            dup.Set_name(value)  # type: ignore[arg-type]
        assert dup.Get_name() != str(value)
    finally:
        dup.Free()


def test_datarep_takes_str_and_bytes() -> None:
    assert MPI.INT.Pack_external_size(b"external32", 3) == MPI.INT.Pack_external_size("external32", 3) == 12
    with pytest.raises(TypeError, match="datarep: expected str or bytes, got int"):
        MPI.INT.Pack_external_size(32, 3)  # type: ignore[arg-type]


def test_spawn_strings_checked_before_mpi() -> None:
    with pytest.raises(TypeError, match="command: expected str or bytes, got int"):
        MPI.COMM_SELF.Spawn(3, maxprocs=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="args: expected str or bytes, got int"):
        MPI.COMM_SELF.Spawn(sys.executable, [1], maxprocs=1)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="command: expected a sequence of commands"):  # mpi4py: ValueError
        MPI.COMM_SELF.Spawn_multiple(sys.executable)  # type: ignore[arg-type]


def test_error_string_and_ports_checked() -> None:
    with pytest.raises(TypeError, match="string: expected str or bytes, got float"):
        MPI.Add_error_string(MPI.ERR_LASTCODE, 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="port_name: expected str or bytes, got int"):
        MPI.Close_port(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="service_name: expected str or bytes, got int"):
        MPI.Lookup_name(5)  # type: ignore[arg-type]
