# cython: language_level=3
# The Cython route: mpi4py.MPI's extension types and the MPI C API from mpi4py.libmpi.
from mpi4py cimport MPI
from mpi4py.libmpi cimport MPI_Allreduce, MPI_Comm_rank, MPI_INT, MPI_SUCCESS, MPI_SUM, MPI_Type_size


def allreduce_rank(MPI.Comm comm):
    """(rank, sum of the ranks) computed with MPI calls on the communicator's handle."""
    cdef int rank = -1, total = -1
    if MPI_Comm_rank(comm.ob_mpi, &rank) != MPI_SUCCESS:
        raise RuntimeError("MPI_Comm_rank failed")
    if MPI_Allreduce(&rank, &total, 1, MPI_INT, MPI_SUM, comm.ob_mpi) != MPI_SUCCESS:
        raise RuntimeError("MPI_Allreduce failed")
    return rank, total


def sum_datatype_size(MPI.Datatype datatype, MPI.Op op):
    """The size of a datatype, read through the typed fields of two other classes."""
    cdef int size = 0
    MPI_Type_size(datatype.ob_mpi, &size)
    return size if op.ob_mpi == MPI_SUM else -1
