from __future__ import annotations

import pytest

from mpi4py import MPI

OPS = ["MAX", "MIN", "SUM", "PROD", "LAND", "BAND", "LOR", "BOR", "LXOR", "BXOR", "MAXLOC", "MINLOC", "REPLACE", "NO_OP"]
PYTHON_RESULTS = {
    "MAX": ((3, 5), 5), "MIN": ((3, 5), 3), "SUM": ((3, 5), 8), "PROD": ((3, 5), 15),
    "LAND": ((1, 0), False), "BAND": ((6, 3), 2), "LOR": ((0, 2), True), "BOR": ((6, 3), 7),
    "LXOR": ((1, 1), False), "BXOR": ((6, 3), 5), "MAXLOC": (((2, 1), (2, 0)), (2, 0)),
    "MINLOC": (((1, 4), (3, 0)), (1, 4)), "REPLACE": ((1, 2), 2), "NO_OP": ((1, 2), 1),
}


@pytest.mark.parametrize("name", OPS)
def test_predefined_ops(name: str) -> None:
    op = getattr(MPI, name)
    assert isinstance(op, MPI.Op) and op and op.is_predefined and op.Is_predefined()
    assert op == MPI.Op(op) and op != MPI.OP_NULL
    args, expected = PYTHON_RESULTS[name]
    assert op(*args) == expected
    if name not in ("REPLACE", "NO_OP"):
        assert op.Is_commutative() is True and op.is_commutative
    with pytest.raises(MPI.Exception) as failure:  # as mpi4py: the library's error class, not ValueError
        op.Free()
    assert failure.value.Get_error_class() == MPI.ERR_OP


def test_op_null() -> None:
    assert not MPI.OP_NULL
    with pytest.raises(TypeError, match="no Python-level implementation"):
        MPI.OP_NULL(1, 2)


def test_every_predefined_datatype_is_usable() -> None:
    names = [n for n in dir(MPI) if isinstance(getattr(MPI, n), MPI.Datatype) and n != "DATATYPE_NULL"]
    assert len(names) >= 45
    for name in names:
        dt = getattr(MPI, name)
        if not dt:  # a handle this MPI library lacks is the null datatype
            continue
        lb, extent = dt.Get_extent()
        assert dt.Get_size() > 0 and extent >= dt.Get_size() and lb == 0, name
        assert dt.is_predefined, name
