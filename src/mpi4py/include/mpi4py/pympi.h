/* C glue between mpi.h and the Cython sources.
 * pympi_config.h (PyMPI_HAVE_* macros) and pympi_missing.h (fallbacks) are generated
 * from src/mpi4py/libmpi.sym at build time; see conf/mpibuild/symbols.py. */
#ifndef PYMPI_H
#define PYMPI_H

#include <mpi.h>

/* Identify the MPI family the headers come from (recorded in the build). */
#if defined(MPI_ABI_VERSION)
#  define PYMPI_MPI_ABI "mpiabi"
#elif defined(MSMPI_VER)
#  define PYMPI_MPI_ABI "msmpi"
#elif defined(I_MPI_VERSION)
#  define PYMPI_MPI_ABI "impi"
#elif defined(OPEN_MPI)
#  define PYMPI_MPI_ABI "openmpi"
#elif defined(MPICH_NAME) || defined(MPICH_VERSION)
#  define PYMPI_MPI_ABI "mpich"
#else
#  define PYMPI_MPI_ABI "unknown"
#endif

/* Returned by a stub for a routine the MPI library lacks; never a valid MPI error code. */
#define PyMPI_ERR_UNAVAILABLE (-1431655766)
static const char *pympi_unavailable_name = "";
static int PyMPI_Unavailable(const char *name)
{
  pympi_unavailable_name = name;
  return PyMPI_ERR_UNAVAILABLE;
}
static const char *PyMPI_UnavailableName(void) { return pympi_unavailable_name; }

/* Returned by a PyMPI_CALL_* guard (pympi_missing.h) for a routine called before MPI_Init or
   after MPI_Finalize, which MPI forbids (MPICH aborts the process); never a valid error code. */
#define PyMPI_ERR_INACTIVE (-1431655765)
static int pympi_active = 0; /* MPI seen initialized and not finalized; reset by MPI_Finalize */
static const char *pympi_inactive_name = "";
static int pympi_inactive_finalized = 0;
static inline int PyMPI_Usable(const char *name)
{
  int initialized = 0, finalized = 0;
  if (pympi_active) return 1;
  (void)MPI_Initialized(&initialized);
  (void)MPI_Finalized(&finalized);
  if (initialized && !finalized) { pympi_active = 1; return 1; }
  pympi_inactive_name = name;
  pympi_inactive_finalized = finalized;
  return 0;
}
static inline int PyMPI_InitAllowed(const char *name)
{
  int finalized = 0;
  (void)MPI_Finalized(&finalized);
  if (!finalized) return 1;
  pympi_inactive_name = name;
  pympi_inactive_finalized = 1;
  return 0;
}
static inline int PyMPI_Forget(int ierr) { pympi_active = 0; return ierr; }
static inline const char *PyMPI_InactiveName(void) { return pympi_inactive_name; }
static inline int PyMPI_InactiveFinalized(void) { return pympi_inactive_finalized; }
#ifdef Py_PYTHON_H
static inline double PyMPI_InactiveDouble(void)
{
  PyGILState_STATE state = PyGILState_Ensure();
  PyErr_Format(PyExc_RuntimeError, "%s: MPI is %s", pympi_inactive_name,
               pympi_inactive_finalized ? "finalized" : "not initialized");
  PyGILState_Release(state);
  return -1.0;
}
#else
static inline double PyMPI_InactiveDouble(void) { return -1.0; }
#endif

#include "pympi_config.h"
#include "pympi_missing.h"

#endif /* PYMPI_H */
