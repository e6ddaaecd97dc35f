"""Info objects: MPI calls and the mapping protocol (local, no communication)."""

from __future__ import annotations

import pytest

from mpi4py import MPI


@pytest.fixture
def info():
    obj = MPI.Info.Create()
    yield obj
    if obj:
        obj.Free()


def test_set_get_delete(info: MPI.Info) -> None:
    assert info and len(info) == 0 and info.Get_nkeys() == 0
    info.Set("alpha", "1")
    info.Set("beta", "two words")
    assert info.Get("alpha") == "1" and info.Get("beta") == "two words"
    assert info.Get("missing") is None
    assert info.Get_nkeys() == 2
    assert sorted(info.Get_nthkey(i) for i in range(2)) == ["alpha", "beta"]
    info.Set("alpha", "3")
    assert info.Get("alpha") == "3" and info.Get_nkeys() == 2
    info.Delete("alpha")
    assert info.Get("alpha") is None and info.Get_nkeys() == 1
    with pytest.raises(MPI.Exception) as exc:
        info.Delete("alpha")
    assert exc.value.Get_error_class() == MPI.ERR_INFO_NOKEY


def test_mapping_protocol(info: MPI.Info) -> None:
    info["a"] = "x"
    info.update({"b": "y"}, c="z")
    info.update([("d", "w")])
    assert len(info) == 4 and "a" in info and "nope" not in info and 5 not in info
    assert sorted(info) == ["a", "b", "c", "d"] == sorted(info.keys())
    assert sorted(info.values()) == ["w", "x", "y", "z"]
    assert dict(info.items()) == {"a": "x", "b": "y", "c": "z", "d": "w"}
    assert info["b"] == "y" and info.get("b") == "y" and info.get("nope", "dflt") == "dflt"
    with pytest.raises(KeyError):
        info["nope"]
    del info["a"]
    with pytest.raises(KeyError):
        del info["a"]
    assert info.pop("b") == "y" and info.pop("b", None) is None
    with pytest.raises(KeyError):
        info.pop("b")
    key, value = info.popitem()
    assert (key, value) in {("c", "z"), ("d", "w")} and key not in info
    dup = info.copy()
    try:
        info.clear()
        assert len(info) == 0 and len(dup) == 1 and dup != info
    finally:
        dup.Free()
    with pytest.raises(KeyError):
        info.popitem()


def test_create_from_items_and_dup() -> None:
    info = MPI.Info.Create({"k1": "v1", "k2": "v2"})
    dup = info.Dup()
    try:
        assert dict(dup.items()) == {"k1": "v1", "k2": "v2"}
        dup["k3"] = "v3"
        assert "k3" not in info and len(dup) == 3
    finally:
        info.Free()
        dup.Free()
    assert not info and info == MPI.INFO_NULL


def test_bad_arguments(info: MPI.Info) -> None:
    with pytest.raises(TypeError, match="keys must be str"):
        info.Set(1, "x")
    with pytest.raises(TypeError, match="values must be str"):
        info.Set("x", 1)
    with pytest.raises(ValueError, match="MAX_INFO_KEY"):
        info.Set("k" * (MPI.MAX_INFO_KEY + 1), "x")
    with pytest.raises(TypeError):
        MPI.Info.Create([("only-key",)])
    with pytest.raises(TypeError, match="at most 2"):
        info.pop("a", 1, 2)


def test_predefined() -> None:
    assert not MPI.INFO_NULL and len(MPI.INFO_NULL) == 0 and list(MPI.INFO_NULL) == []
    assert MPI.INFO_NULL.Get("anything") is None
    # MPI.Exception with the library's error class, as mpi4py raises (refused before MPI: Open MPI aborts on INFO_ENV)
    for predefined in (MPI.INFO_NULL, MPI.INFO_ENV):
        with pytest.raises(MPI.Exception) as failure:
            predefined.Free()
        assert failure.value.Get_error_class() == MPI.ERR_INFO
    assert isinstance(MPI.INFO_ENV, MPI.Info) and MPI.INFO_ENV
    # INFO_ENV is readable as a mapping whatever keys the launcher provided.
    assert len(MPI.INFO_ENV.keys()) == len(MPI.INFO_ENV)
    assert repr(MPI.INFO_NULL) == "<mpi4py.MPI.Info: INFO_NULL>"


def test_create_env() -> None:
    # A build from pre-MPI-4 headers (e.g. the Open MPI 4.1 variant of the merged wheel) has a stub.
    if "MPI_Info_create_env" in MPI._missing_symbols():
        with pytest.raises(NotImplementedError, match="MPI_Info_create_env"):
            MPI.Info.Create_env()
        return
    for args in (None, ["prog", "--flag"]):
        env = MPI.Info.Create_env(args)
        try:
            assert env and isinstance(env, MPI.Info)
            assert len(env.keys()) == env.Get_nkeys()
        finally:
            env.Free()
    with pytest.raises(TypeError, match="Create_env"):
        MPI.Info.Create_env([1])
