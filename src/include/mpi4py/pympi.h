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
#if defined(MPI_ABI_VERSION)
/* The MPI-5 standard ABI header (mpi_abi.h) leaves Fortran out: no MPI_Fint and no MPI_X_c2f/f2c.
 * Its integer handles are MPI_X_toint/fromint, which is what py2f()/f2py() need; Fortran statuses
 * (MPI_Status_c2f/f2c) stay unavailable. */
typedef int PyMPI_ABI_Fint;
#  define MPI_Fint PyMPI_ABI_Fint
#  ifndef PyMPI_HAVE_MPI_Fint
#    define PyMPI_HAVE_MPI_Fint 1
#  endif
#  define MPI_Comm_c2f MPI_Comm_toint
#  ifndef PyMPI_HAVE_MPI_Comm_c2f
#    define PyMPI_HAVE_MPI_Comm_c2f 1
#  endif
#  define MPI_Comm_f2c MPI_Comm_fromint
#  ifndef PyMPI_HAVE_MPI_Comm_f2c
#    define PyMPI_HAVE_MPI_Comm_f2c 1
#  endif
#  define MPI_Errhandler_c2f MPI_Errhandler_toint
#  ifndef PyMPI_HAVE_MPI_Errhandler_c2f
#    define PyMPI_HAVE_MPI_Errhandler_c2f 1
#  endif
#  define MPI_Errhandler_f2c MPI_Errhandler_fromint
#  ifndef PyMPI_HAVE_MPI_Errhandler_f2c
#    define PyMPI_HAVE_MPI_Errhandler_f2c 1
#  endif
#  define MPI_File_c2f MPI_File_toint
#  ifndef PyMPI_HAVE_MPI_File_c2f
#    define PyMPI_HAVE_MPI_File_c2f 1
#  endif
#  define MPI_File_f2c MPI_File_fromint
#  ifndef PyMPI_HAVE_MPI_File_f2c
#    define PyMPI_HAVE_MPI_File_f2c 1
#  endif
#  define MPI_Group_c2f MPI_Group_toint
#  ifndef PyMPI_HAVE_MPI_Group_c2f
#    define PyMPI_HAVE_MPI_Group_c2f 1
#  endif
#  define MPI_Group_f2c MPI_Group_fromint
#  ifndef PyMPI_HAVE_MPI_Group_f2c
#    define PyMPI_HAVE_MPI_Group_f2c 1
#  endif
#  define MPI_Info_c2f MPI_Info_toint
#  ifndef PyMPI_HAVE_MPI_Info_c2f
#    define PyMPI_HAVE_MPI_Info_c2f 1
#  endif
#  define MPI_Info_f2c MPI_Info_fromint
#  ifndef PyMPI_HAVE_MPI_Info_f2c
#    define PyMPI_HAVE_MPI_Info_f2c 1
#  endif
#  define MPI_Message_c2f MPI_Message_toint
#  ifndef PyMPI_HAVE_MPI_Message_c2f
#    define PyMPI_HAVE_MPI_Message_c2f 1
#  endif
#  define MPI_Message_f2c MPI_Message_fromint
#  ifndef PyMPI_HAVE_MPI_Message_f2c
#    define PyMPI_HAVE_MPI_Message_f2c 1
#  endif
#  define MPI_Op_c2f MPI_Op_toint
#  ifndef PyMPI_HAVE_MPI_Op_c2f
#    define PyMPI_HAVE_MPI_Op_c2f 1
#  endif
#  define MPI_Op_f2c MPI_Op_fromint
#  ifndef PyMPI_HAVE_MPI_Op_f2c
#    define PyMPI_HAVE_MPI_Op_f2c 1
#  endif
#  define MPI_Request_c2f MPI_Request_toint
#  ifndef PyMPI_HAVE_MPI_Request_c2f
#    define PyMPI_HAVE_MPI_Request_c2f 1
#  endif
#  define MPI_Request_f2c MPI_Request_fromint
#  ifndef PyMPI_HAVE_MPI_Request_f2c
#    define PyMPI_HAVE_MPI_Request_f2c 1
#  endif
#  define MPI_Session_c2f MPI_Session_toint
#  ifndef PyMPI_HAVE_MPI_Session_c2f
#    define PyMPI_HAVE_MPI_Session_c2f 1
#  endif
#  define MPI_Session_f2c MPI_Session_fromint
#  ifndef PyMPI_HAVE_MPI_Session_f2c
#    define PyMPI_HAVE_MPI_Session_f2c 1
#  endif
#  define MPI_Type_c2f MPI_Type_toint
#  ifndef PyMPI_HAVE_MPI_Type_c2f
#    define PyMPI_HAVE_MPI_Type_c2f 1
#  endif
#  define MPI_Type_f2c MPI_Type_fromint
#  ifndef PyMPI_HAVE_MPI_Type_f2c
#    define PyMPI_HAVE_MPI_Type_f2c 1
#  endif
#  define MPI_Win_c2f MPI_Win_toint
#  ifndef PyMPI_HAVE_MPI_Win_c2f
#    define PyMPI_HAVE_MPI_Win_c2f 1
#  endif
#  define MPI_Win_f2c MPI_Win_fromint
#  ifndef PyMPI_HAVE_MPI_Win_f2c
#    define PyMPI_HAVE_MPI_Win_f2c 1
#  endif
#  undef PyMPI_HAVE_MPI_Status_c2f
#  undef PyMPI_HAVE_MPI_Status_f2c
#endif
#include "pympi_missing.h"

#endif /* PYMPI_H */
