"""Utilities on top of mpi4py.MPI: pkl5 (large pickled messages), dtlib (NumPy dtypes), pool, sync."""
