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

#include "pympi_config.h"
#include "pympi_vendor.h"
#include "pympi_missing.h"

#endif /* PYMPI_H */
