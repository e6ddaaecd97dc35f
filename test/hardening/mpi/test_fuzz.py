"""Property tests (hypothesis) of the buffer-spec parser, datatype constructors and foreign exporters (DLPack, CAI), on COMM_SELF.

For every generated message spec, a send/receive with the same spec either round-trips exactly the
region the spec describes (the rest of the receive buffer untouched) or raises the exception our
model predicts -- never a crash.  Size: ``MPI4PY_FUZZ_EXAMPLES`` examples per test (default 150,
quick runs); ``nox -s hardening`` sets 1650 for MPICH (>= 10,000 cases in total).
"""

from __future__ import annotations

import array
import os
import pickle
import sys

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mpi4py import MPI

EXAMPLES = int(os.environ.get("MPI4PY_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SELF = MPI.COMM_SELF
GENERATED: dict[str, int] = {}  # examples actually run, per test (printed by conftest)

CODES = {"b": MPI.SIGNED_CHAR, "B": MPI.UNSIGNED_CHAR, "h": MPI.SHORT, "H": MPI.UNSIGNED_SHORT,
         "i": MPI.INT, "I": MPI.UNSIGNED, "l": MPI.LONG, "L": MPI.UNSIGNED_LONG, "q": MPI.LONG_LONG,
         "Q": MPI.UNSIGNED_LONG_LONG, "f": MPI.FLOAT, "d": MPI.DOUBLE, "F": MPI.C_FLOAT_COMPLEX,
         "D": MPI.C_DOUBLE_COMPLEX, "?": MPI.C_BOOL}
FOREIGN = ">" if sys.byteorder == "little" else "<"


def count(name: str) -> None:
    GENERATED[name] = GENERATED.get(name, 0) + 1


def exchange(send_spec: object, recv_spec: object) -> None:
    SELF.Sendrecv(send_spec, dest=0, sendtag=1, recvbuf=recv_spec, source=0, recvtag=1)


@st.composite
def arrays(draw: st.DrawFn) -> np.ndarray:
    code = draw(st.sampled_from(sorted(CODES)))
    n = draw(st.integers(0, 48))
    raw = draw(st.binary(min_size=n * np.dtype(code).itemsize, max_size=n * np.dtype(code).itemsize))
    a = np.frombuffer(raw, dtype=code).copy() if n else np.zeros(0, code)
    if code == "?":
        a = a.view("B").astype(bool)  # only 0/1 are valid booleans
    return a


@st.composite
def specs(draw: st.DrawFn) -> tuple[str, np.ndarray, int | None, int | None, bool]:
    """(form, array, count, displ, explicit_type): one of the five spec forms."""
    a = draw(arrays())
    form = draw(st.sampled_from(["buf", "buf-type", "buf-count-type", "buf-countdispl-type", "buf-count-displ-type"]))
    count_ = draw(st.integers(-2, len(a) + 3)) if form not in ("buf", "buf-type") else None
    displ = draw(st.integers(-2, len(a) + 2)) if form.endswith("displ-type") else None
    return form, a, count_, displ, form != "buf"


def make_spec(form: str, buf: object, dt: MPI.Datatype, count_: int | None, displ: int | None) -> object:
    if form == "buf":
        return buf
    if form == "buf-type":
        return [buf, dt]
    if form == "buf-count-type":
        return [buf, count_, dt]
    if form == "buf-countdispl-type":
        return [buf, (count_, displ), dt]
    return [buf, count_, displ, dt]


def expected_region(n: int, count_: int | None, displ: int | None) -> slice | type[Exception]:
    """What our model says: the region copied, or the exception to raise."""
    d = displ or 0
    if d < 0:
        return ValueError
    if count_ is None:
        return slice(d, n) if d <= n else ValueError
    if count_ < 0 or d + count_ > n:
        return ValueError
    return slice(d, d + count_)


@FUZZ
@given(specs(), st.sampled_from(["numpy", "memoryview", "array", "bytearray-typed"]))
def test_buffer_spec_round_trip(spec: tuple[str, np.ndarray, int | None, int | None, bool], container: str) -> None:
    count("buffer specs")
    form, a, count_, displ, _ = spec
    code = a.dtype.char
    dt = CODES[code]
    if container == "numpy":
        src, dst = a, np.zeros_like(a)
    elif container == "memoryview":
        src, dst = memoryview(a), memoryview(np.zeros_like(a))
    elif container == "array" and code in "bBhHiIlLqQfd":
        src, dst = array.array(code), array.array(code, bytes(a.nbytes))
        src.frombytes(a.tobytes())  # bit-exact (tolist() would quieten a signalling NaN)
    else:  # raw bytes with an explicit datatype (the inferred one would be BYTE)
        if form == "buf":
            form = "buf-type"
        src, dst = bytearray(a.tobytes()), bytearray(a.nbytes)
    outcome = expected_region(len(a), count_, displ)
    try:
        exchange(make_spec(form, src, dt, count_, displ), make_spec(form, dst, dt, count_, displ))
    except ValueError:
        assert outcome is ValueError, (form, len(a), count_, displ)
        return
    assert isinstance(outcome, slice), f"expected {outcome} for {(form, len(a), count_, displ)}"
    got = np.frombuffer(bytes(dst), dtype=a.dtype) if len(a) else np.zeros(0, a.dtype)
    want = np.zeros_like(a)
    want[outcome] = a[outcome]
    assert got.tobytes() == want.tobytes()


@FUZZ
@given(st.integers(1, 40), st.sampled_from(["struct", "foreign-int", "foreign-double", "half"]))
def test_unsupported_formats_raise_type_error(n: int, kind: str) -> None:
    """Formats without a predefined MPI datatype: TypeError naming the format and the fix."""
    count("unsupported formats")
    dtype = {"struct": np.dtype([("a", "i4"), ("b", "f8")]), "foreign-int": np.dtype(f"{FOREIGN}i4"),
             "foreign-double": np.dtype(f"{FOREIGN}f8"), "half": np.dtype("e")}[kind]
    try:
        exchange(np.zeros(n, dtype=dtype), np.zeros(n, dtype=dtype))
    except TypeError as exc:
        assert "no MPI datatype for buffer format" in str(exc) and "[buf, count, datatype]" in str(exc)
    else:
        raise AssertionError(f"{dtype} was accepted")


@st.composite
def contiguous_types(draw: st.DrawFn) -> tuple[list[int], str]:
    counts = draw(st.lists(st.integers(0, 6), min_size=1, max_size=3))
    code = draw(st.sampled_from(sorted(set(CODES) - {"?"})))
    return counts, code


@FUZZ
@given(contiguous_types(), st.integers(0, 5), st.booleans())
def test_datatype_constructors_round_trip(spec: tuple[list[int], str], k: int, dup: bool) -> None:
    """Nested Create_contiguous (and Dup): size/extent as the model says; k items round-trip."""
    count("datatype constructors")
    counts, code = spec
    base = CODES[code]
    types = []
    t = base
    for c in counts:
        t = t.Create_contiguous(c)
        types.append(t)
    if dup:
        t = t.Dup()
        types.append(t)
    t.Commit()
    try:
        per_item = int(np.prod(counts))
        assert t.Get_size() == base.Get_size() * per_item
        assert t.Get_extent() == (0, base.Get_extent()[1] * per_item)
        n = per_item * k
        src = np.arange(n + 3).astype(code)
        dst = np.zeros(n + 3, dtype=code)
        exchange([src, k, t], [dst, k, t])
        assert dst[:n].tobytes() == src[:n].tobytes() and not dst[n:].any()
        if per_item:  # one item more than the buffer holds: rejected before MPI sees it
            too_many = (n + 3) // per_item + 1
            try:
                exchange([src, too_many, t], [dst, too_many, t])
            except ValueError as exc:
                assert "exceeds the buffer size" in str(exc)
            else:
                raise AssertionError("an oversized count was accepted")
    finally:
        for made in types:
            made.Free()


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20) | st.binary(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=5)
    | st.tuples(children, children),
    max_leaves=20,
)


@FUZZ
@given(json_like)
def test_object_round_trip(obj: object) -> None:
    count("pickled objects")
    assert SELF.sendrecv(obj, dest=0, source=0) == obj
    req = SELF.isend(obj, dest=0, tag=3)
    assert SELF.recv(source=0, tag=3) == obj
    req.wait()
    assert SELF.bcast(obj, root=0) == obj and SELF.allgather(obj) == [obj]
    assert pickle.loads(pickle.dumps(obj)) == obj  # control: the model itself


@FUZZ
@given(arrays().filter(lambda a: a.dtype.char != "?"), st.sampled_from(["SUM", "MAX", "MIN", "PROD", "IN_PLACE"]))
def test_reductions_on_one_process(a: np.ndarray, how: str) -> None:
    """With one process every reduction is the identity: output == input (complex: SUM/PROD only)."""
    count("reductions")
    if a.dtype.char in "FD" and how in ("MAX", "MIN"):
        how = "SUM"  # MAX/MIN are not defined for complex numbers by MPI
    if how == "IN_PLACE":
        out = a.copy()
        SELF.Allreduce(MPI.IN_PLACE, out, op=MPI.SUM)
    else:
        out = np.zeros_like(a)
        SELF.Allreduce(a, out, op=getattr(MPI, how))
    assert out.tobytes() == a.tobytes()


# -- hostile DLPack / CUDA Array Interface exporters -------------------------------------------------

from foreign_exporters import ALERTS, LIVE, CAIExporter, DLDevice, DLPackExporter  # noqa: E402  (test/ is on sys.path)

# Formats a tensor may legitimately map to: DLPack (code, bits) -> numpy dtype of the received copy.
DLPACK_OK = {(0, 8): "i1", (0, 16): "i2", (0, 32): "i4", (0, 64): "i8", (1, 8): "u1", (1, 16): "u2", (1, 32): "u4",
             (1, 64): "u8", (2, 32): "f4", (2, 64): "f8", (5, 64): "c8", (5, 128): "c16", (6, 8): "?"}
BACKING = (np.arange(4096) % 251).astype("u1")  # every generated tensor lies inside this memory (<= 64 x 16 bytes)


def contiguous(shape: list[int], strides: list[int] | None) -> bool:
    if strides is None or int(np.prod(shape)) <= 1:
        return True
    expected = 1
    for extent, stride in reversed(list(zip(shape, strides))):
        if extent > 1 and stride != expected:
            return False
        expected *= extent
    return True


@st.composite
def dlpack_tensors(draw: st.DrawFn) -> dict[str, object]:
    shape = draw(st.lists(st.integers(-1, 4), max_size=3))
    row_major = [int(np.prod(shape[i + 1:])) for i in range(len(shape))]
    strides = draw(st.none() | st.just(row_major) | st.lists(st.integers(-2, 6), min_size=len(shape), max_size=len(shape)))
    return {
        "code": draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 255])),
        "bits": draw(st.sampled_from([0, 1, 4, 8, 12, 16, 32, 64, 128, 248])),
        "lanes": draw(st.sampled_from([1, 1, 1, 0, 2, 4, 65535])),
        "shape": shape, "strides": strides,
        "device": draw(st.sampled_from([(1, 0)] * 4 + [(2, 0), (3, 0), (4, 0), (13, 1)])),
        "versioned": draw(st.booleans()), "legacy": draw(st.booleans()),
        "version": draw(st.sampled_from([(1, 0), (1, 3), (0, 8), (2, 0)])),
        "read_only": draw(st.booleans()),
        "as_recv": draw(st.booleans()),
    }


@FUZZ
@given(dlpack_tensors())
def test_dlpack_exporters(t: dict[str, object]) -> None:
    """Any tensor description: the data round-trips or a BufferError names the argument; the deleter
    runs exactly once and no producer callback sees an exception pending."""
    count("dlpack exporters")
    shape, strides = list(t["shape"]), t["strides"]  # type: ignore[call-overload]
    versioned = bool(t["versioned"]) and not t["legacy"]
    negative = any(e < 0 for e in shape)
    itemsize = int(t["bits"]) // 8  # type: ignore[call-overload]
    n = 0 if negative else int(np.prod(shape))
    ok = (t["device"][0] in (1, 3) and t["lanes"] == 1 and (t["code"], t["bits"]) in DLPACK_OK  # type: ignore[index]
          and not negative and contiguous(shape, strides) and (not versioned or t["version"][0] == 1)  # type: ignore[index]
          and not (t["as_recv"] and versioned and t["read_only"]))
    backing = BACKING.copy()
    exporter = DLPackExporter(backing, versioned=versioned, legacy=bool(t["legacy"]), version=t["version"],
                              flags=1 if t["read_only"] else 0, code=t["code"], bits=t["bits"], lanes=t["lanes"],
                              shape=shape, strides=strides, ndim=len(shape))
    exporter.device = (1, 0)  # __dlpack_device__ says CPU; the tensor's own device field is the hostile one
    exporter.fields["device"] = DLDevice(*t["device"])  # type: ignore[misc]
    dtype = DLPACK_OK.get((t["code"], t["bits"]), "u1")  # type: ignore[arg-type]
    other = np.zeros(max(n, 0), dtype=dtype) if ok else np.zeros(max(n * max(itemsize, 1), 0), dtype="u1")
    unraisable: list[object] = []
    previous, sys.unraisablehook = sys.unraisablehook, unraisable.append
    del ALERTS[:]
    try:
        if t["as_recv"]:
            source = np.frombuffer(BACKING[64:64 + other.nbytes].tobytes(), dtype=other.dtype).copy()
            SELF.Allgather(source, exporter)
        else:
            SELF.Allgather(exporter, other)
    except BufferError as exc:
        assert not ok, f"refused a valid tensor: {exc}"
        assert str(exc).startswith("recvbuf: " if t["as_recv"] else "sendbuf: "), exc
    else:
        assert ok, f"accepted an invalid tensor {t}"
        if t["as_recv"]:
            assert backing[:other.nbytes].tobytes() == BACKING[64:64 + other.nbytes].tobytes()
        else:
            assert other.tobytes() == BACKING[:other.nbytes].tobytes()
    finally:
        sys.unraisablehook = previous
    assert exporter.events.count("deleter") == 1 and not any("pending" in e for e in exporter.events), exporter.events
    assert unraisable == [] and ALERTS == []
    assert not [v for v in LIVE.values() if v[0] is exporter]


@FUZZ
@given(st.sampled_from(["<f8", "<i4", "|u1", "|b1", "<c16", "<f2", ">f8", "<V8", "f8", "<i0", 42]),
       st.lists(st.integers(-1, 4), max_size=3), st.none() | st.lists(st.integers(-8, 32), max_size=3),
       st.sampled_from([3, 2, 0, 4, -1, "3", None]), st.booleans())
def test_cai_exporters(typestr: object, shape: list[int], strides: list[int] | None, version: object,
                       read_only: bool) -> None:
    """Any ``__cuda_array_interface__``: the data round-trips or BufferError/TypeError names the argument."""
    count("cai exporters")
    native = "<" if sys.byteorder == "little" else ">"
    itemsize = int(typestr[2:]) if isinstance(typestr, str) and typestr[2:].isdigit() else 0
    known = isinstance(typestr, str) and len(typestr) >= 3 and typestr[0] in ("|", native) and typestr[1:] in (
        "f8", "i4", "u1", "b1", "c16")
    negative = any(e < 0 for e in shape)
    n = 0 if negative else int(np.prod(shape))
    in_items = None if strides is None else [s // itemsize if itemsize and s % itemsize == 0 else -99 for s in strides]
    row_major = in_items is None or (len(in_items) == len(shape) and contiguous(shape, in_items))
    ok = known and isinstance(version, int) and not isinstance(version, bool) and 0 <= version <= 3 and not negative and row_major
    backing = BACKING.copy()
    exporter = CAIExporter(backing, data=(backing.ctypes.data, read_only), typestr=typestr, shape=tuple(shape),
                           strides=None if strides is None else tuple(strides), version=version)
    numpy_type = {"f8": "f8", "i4": "i4", "u1": "u1", "b1": "?", "c16": "c16"}.get(typestr[1:] if known else "", "u1")
    other = np.zeros(n if ok else 8, dtype=numpy_type)
    try:
        SELF.Allgather(exporter, other)
    except (BufferError, TypeError) as exc:
        assert not ok, f"refused a valid interface: {exc}"
        assert str(exc).startswith("sendbuf: "), exc
    else:
        assert ok, "accepted an invalid interface"
        assert other.tobytes() == BACKING[:other.nbytes].tobytes()
