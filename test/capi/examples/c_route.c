/* The C route: a C extension module using mpi4py/mpi4py.h (import_mpi4py, PyMPIComm_Get/_New). */
#include "mpi4py/mpi4py.h"

/* allreduce_rank(comm) -> (rank, sum of the ranks) */
static PyObject *allreduce_rank(PyObject *self, PyObject *comm)
{
  int rank = -1, total = -1;
  MPI_Comm *handle = PyMPIComm_Get(comm);
  (void)self;
  if (handle == NULL) return NULL; /* TypeError already set */
  if (MPI_Comm_rank(*handle, &rank) != MPI_SUCCESS ||
      MPI_Allreduce(&rank, &total, 1, MPI_INT, MPI_SUM, *handle) != MPI_SUCCESS) {
    PyErr_SetString(PyExc_RuntimeError, "MPI call failed");
    return NULL;
  }
  return Py_BuildValue("(ii)", rank, total);
}

/* dup(comm) -> a new communicator object made by C (the caller frees it) */
static PyObject *comm_dup(PyObject *self, PyObject *comm)
{
  MPI_Comm copy = MPI_COMM_NULL;
  MPI_Comm *handle = PyMPIComm_Get(comm);
  (void)self;
  if (handle == NULL) return NULL;
  if (MPI_Comm_dup(*handle, &copy) != MPI_SUCCESS) {
    PyErr_SetString(PyExc_RuntimeError, "MPI_Comm_dup failed");
    return NULL;
  }
  return PyMPIComm_New(copy);
}

/* status_source(status) -> MPI_SOURCE of an mpi4py Status */
static PyObject *status_source(PyObject *self, PyObject *status)
{
  MPI_Status *st = PyMPIStatus_Get(status);
  (void)self;
  if (st == NULL) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "None is MPI_STATUS_IGNORE");
    return NULL;
  }
  return PyLong_FromLong(st->MPI_SOURCE);
}

static PyMethodDef methods[] = {
  {"allreduce_rank", allreduce_rank, METH_O, "(rank, sum of ranks)"},
  {"dup", comm_dup, METH_O, "duplicate a communicator in C"},
  {"status_source", status_source, METH_O, "MPI_SOURCE of a Status"},
  {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "c_route", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_c_route(void)
{
  if (import_mpi4py() < 0) return NULL;
  return PyModule_Create(&module);
}
