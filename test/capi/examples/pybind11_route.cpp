// The pybind11 route: mpi4py objects in and out of a C++ function through mpi4py.h.
#include <pybind11/pybind11.h>
#include <mpi4py/mpi4py.h>

namespace py = pybind11;

static MPI_Comm comm_of(py::handle obj)
{
  MPI_Comm *handle = PyMPIComm_Get(obj.ptr());
  if (handle == nullptr) throw py::error_already_set();
  return *handle;
}

static py::tuple allreduce_rank(py::object comm)
{
  int rank = -1, total = -1;
  MPI_Comm c = comm_of(comm);
  MPI_Comm_rank(c, &rank);
  MPI_Allreduce(&rank, &total, 1, MPI_INT, MPI_SUM, c);
  return py::make_tuple(rank, total);
}

static py::object split_by_parity(py::object comm)
{
  int rank = 0;
  MPI_Comm c = comm_of(comm), half = MPI_COMM_NULL;
  MPI_Comm_rank(c, &rank);
  MPI_Comm_split(c, rank % 2, rank, &half);
  PyObject *obj = PyMPIComm_New(half);
  if (obj == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(obj);
}

PYBIND11_MODULE(pybind11_route, m)
{
  if (import_mpi4py() < 0) throw py::error_already_set();
  m.def("allreduce_rank", &allreduce_rank, "(rank, sum of ranks)");
  m.def("split_by_parity", &split_by_parity, "Comm_split by rank parity, made in C++");
}
