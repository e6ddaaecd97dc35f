/* The SWIG route: mpi4py/mpi4py.i maps MPI_Comm arguments to mpi4py.MPI.Comm objects. */
%module swig_route
%include "mpi4py/mpi4py.i"

%inline %{
int allreduce_rank_sum(MPI_Comm comm)
{
  int rank = -1, total = -1;
  MPI_Comm_rank(comm, &rank);
  MPI_Allreduce(&rank, &total, 1, MPI_INT, MPI_SUM, comm);
  return total;
}
MPI_Comm self_comm(void) { return MPI_COMM_SELF; }
%}
