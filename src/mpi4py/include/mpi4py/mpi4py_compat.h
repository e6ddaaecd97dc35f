/* Generated from src/mpi4py/libmpi.sym by conf/mpibuild/symbols.py -- do not edit. */
/* Stand-ins for the MPI handle types an older mpi.h lacks (MPI_Session before MPI-4, ...), so code
   built against it can use the PyMPI<Type>_New/_Get prototypes; include <mpi.h> first. */
#if !defined(PYMPI_BUILDING_MPI4PY) && !defined(PYMPI_LIBMPI_COMPAT)
#define PYMPI_LIBMPI_COMPAT 1
#if !(MPI_VERSION > 3 || (MPI_VERSION == 3 && MPI_SUBVERSION >= 0))
typedef long long PyMPI_MPI_Count;
#undef MPI_Count
#define MPI_Count PyMPI_MPI_Count
#endif
#if !(MPI_VERSION > 2 || (MPI_VERSION == 2 && MPI_SUBVERSION >= 0))
typedef void * PyMPI_MPI_Info;
#undef MPI_Info
#define MPI_Info PyMPI_MPI_Info
#endif
#if !(MPI_VERSION > 2 || (MPI_VERSION == 2 && MPI_SUBVERSION >= 0))
typedef void * PyMPI_MPI_Win;
#undef MPI_Win
#define MPI_Win PyMPI_MPI_Win
#endif
#if !(MPI_VERSION > 2 || (MPI_VERSION == 2 && MPI_SUBVERSION >= 0))
typedef void * PyMPI_MPI_File;
#undef MPI_File
#define MPI_File PyMPI_MPI_File
#endif
#if !(MPI_VERSION > 3 || (MPI_VERSION == 3 && MPI_SUBVERSION >= 0))
typedef void * PyMPI_MPI_Message;
#undef MPI_Message
#define MPI_Message PyMPI_MPI_Message
#endif
#if !(MPI_VERSION > 4 || (MPI_VERSION == 4 && MPI_SUBVERSION >= 0)) && !(defined(OPEN_MPI) && defined(OMPI_MAJOR_VERSION) && OMPI_MAJOR_VERSION >= 5)
typedef void * PyMPI_MPI_Session;
#undef MPI_Session
#define MPI_Session PyMPI_MPI_Session
#endif
#endif
