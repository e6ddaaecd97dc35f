"""Buffer factories shared by the buffer tests: NumPy arrays, array.array and bytearray."""

from __future__ import annotations

import array
from collections.abc import Callable, Sequence
from typing import Any

import numpy

# name -> (make(values, typecode), to_list(buffer))
Maker = Callable[[Sequence[float], str], Any]


def _np(values: Sequence[float], code: str) -> Any:
    return numpy.array(values, dtype=code)


def _arr(values: Sequence[float], code: str) -> Any:
    return array.array(code, [type(array.array(code, [0])[0])(v) for v in values])


def _ba(values: Sequence[float], code: str) -> Any:
    return bytearray(int(v) % 256 for v in values)


KINDS: dict[str, tuple[Maker, str]] = {
    "numpy-d": (_np, "d"),
    "numpy-i": (_np, "i"),
    "numpy-l": (_np, "l"),
    "numpy-f": (_np, "f"),
    "array-i": (_arr, "i"),
    "array-d": (_arr, "d"),
    "array-q": (_arr, "q"),
    "bytearray": (_ba, "B"),
}


def make(kind: str, values: Sequence[float]) -> Any:
    maker, code = KINDS[kind]
    return maker(values, code)


def zeros(kind: str, n: int) -> Any:
    return make(kind, [0] * n)


def as_list(buf: Any) -> list[float]:
    return [float(x) for x in (buf.tolist() if hasattr(buf, "tolist") else list(buf))]
