"""h5py with parallel HDF5: every rank writes its slice of one dataset collectively, then reads it back.

``mpiexec -n N python h5py_route.py FILE``."""

from __future__ import annotations

import sys

import h5py
import numpy as np

from mpi4py import MPI


def main(path: str) -> None:
    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    assert h5py.get_config().mpi, "h5py was built without MPI"
    width = 4
    with h5py.File(path, "w", driver="mpio", comm=comm) as f:
        dset = f.create_dataset("ranks", (size, width), dtype="i4")
        with dset.collective:
            dset[rank] = np.full(width, rank, dtype="i4")
    comm.Barrier()
    with h5py.File(path, "r", driver="mpio", comm=comm) as f:
        with f["ranks"].collective:
            data = f["ranks"][...]
    assert (data == np.arange(size, dtype="i4")[:, None]).all(), data
    sys.stdout.write(f"h5py rank {rank} of {size}: read back {data[:, 0].tolist()}\n")  # one write: ranks share stdout
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
