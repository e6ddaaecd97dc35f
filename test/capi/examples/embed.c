/* The embedding route: a C program that initializes MPI itself, starts Python, and hands
 * MPI_COMM_WORLD to Python code as an mpi4py communicator (mpi4py sees MPI already initialized). */
#include "mpi4py/mpi4py.h"
#include <stdio.h>

static const char *code =
  "def work(comm):\n"
  "    return comm.allreduce(comm.Get_rank() + 1)\n";

int main(int argc, char **argv)
{
  int rank = -1, size = -1, result = -1, status = 1;
  PyObject *globals = NULL, *ret = NULL, *comm = NULL, *work = NULL, *value = NULL;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  Py_Initialize();
  if (import_mpi4py() < 0) goto done;
  globals = PyDict_New();
  if (globals == NULL || PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) < 0) goto done;
  ret = PyRun_String(code, Py_file_input, globals, globals);
  if (ret == NULL) goto done;
  comm = PyMPIComm_New(MPI_COMM_WORLD);
  work = PyDict_GetItemString(globals, "work"); /* borrowed */
  if (comm == NULL || work == NULL) goto done;
  value = PyObject_CallFunctionObjArgs(work, comm, NULL);
  if (value == NULL) goto done;
  result = (int)PyLong_AsLong(value);
  if (result == size * (size + 1) / 2) status = 0;
  printf("embed rank %d of %d: allreduce %d\n", rank, size, result);
done:
  if (PyErr_Occurred()) PyErr_Print();
  Py_XDECREF(value);
  Py_XDECREF(comm);
  Py_XDECREF(ret);
  Py_XDECREF(globals);
  Py_Finalize(); /* mpi4py does not finalize an MPI it did not initialize */
  MPI_Finalize();
  return status;
}
