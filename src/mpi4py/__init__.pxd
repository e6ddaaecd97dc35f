# mpi4py is a Cython package: `cimport mpi4py.MPI` and `from mpi4py.libmpi cimport ...`.
