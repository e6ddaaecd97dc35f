"""The ctypes and cffi routes: call the MPI library directly with the handles of mpi4py objects.

MPI._handleof(obj) is the handle as an integer, MPI._addressof(obj) the address of the handle inside
the object, MPI._sizeof(cls) its size (an int for MPICH, a pointer for Open MPI).  Run at 2+ ranks."""

from __future__ import annotations

import ctypes
import sys

from mpi4py import MPI, run


def library() -> str:
    path = run.mpi_library_path()
    assert path, "the MPI library in use was not found"
    return path


def with_ctypes(comm: MPI.Comm) -> tuple[int, int]:
    lib = ctypes.CDLL(library())
    handle_t = {4: ctypes.c_int, 8: ctypes.c_void_p}[MPI._sizeof(MPI.Comm)]
    lib.MPI_Comm_rank.argtypes = [handle_t, ctypes.POINTER(ctypes.c_int)]
    lib.MPI_Allreduce.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, handle_t, handle_t, handle_t]
    rank, total = ctypes.c_int(-1), ctypes.c_int(-1)
    assert lib.MPI_Comm_rank(MPI._handleof(comm), ctypes.byref(rank)) == 0
    err = lib.MPI_Allreduce(ctypes.byref(rank), ctypes.byref(total), 1,
                            MPI._handleof(MPI.INT), MPI._handleof(MPI.SUM), MPI._handleof(comm))
    assert err == 0
    return rank.value, total.value


def with_cffi(comm: MPI.Comm) -> tuple[int, int]:
    import cffi

    ffi = cffi.FFI()
    handle = "int" if MPI._sizeof(MPI.Comm) == ffi.sizeof("int") else "void*"
    ffi.cdef(f"""
        typedef {handle} MPI_Comm;
        typedef {handle} MPI_Datatype;
        typedef {handle} MPI_Op;
        int MPI_Comm_rank(MPI_Comm, int *);
        int MPI_Allreduce(const void *, void *, int, MPI_Datatype, MPI_Op, MPI_Comm);
    """)
    lib = ffi.dlopen(library())

    def handle_of(obj: object, ctype: str) -> object:  # read the handle in place, as cffi users do
        return ffi.cast(f"{ctype} *", MPI._addressof(obj))[0]

    c = handle_of(comm, "MPI_Comm")
    rank, total = ffi.new("int *", -1), ffi.new("int *", -1)
    assert lib.MPI_Comm_rank(c, rank) == 0
    assert lib.MPI_Allreduce(rank, total, 1, handle_of(MPI.INT, "MPI_Datatype"), handle_of(MPI.SUM, "MPI_Op"), c) == 0
    return rank[0], total[0]


def main() -> None:
    comm = MPI.COMM_WORLD
    expected = (comm.Get_rank(), sum(range(comm.Get_size())))
    dup = comm.Dup()
    try:
        for name, route in (("ctypes", with_ctypes), ("cffi", with_cffi)):
            got = route(dup)
            assert got == expected, f"{name}: {got} != {expected}"
            sys.stdout.write(f"{name} rank {got[0]}: allreduce {got[1]}\n")  # one write per line: ranks share stdout
            sys.stdout.flush()
    finally:
        dup.Free()


if __name__ == "__main__":
    main()
