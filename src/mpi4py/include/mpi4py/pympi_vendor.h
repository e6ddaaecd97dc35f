/* Availability known from the MPI family when mpi.h under-reports its standard version.
 * Included by pympi.h between pympi_config.h and pympi_missing.h; only adds PyMPI_HAVE_* macros
 * for symbols the library is known to declare, so probed configurations are unaffected. */
#ifndef PYMPI_VENDOR_H
#define PYMPI_VENDOR_H

/* Open MPI 5 declares MPI_VERSION 3.1 but implements MPI-4 sessions. */
#if defined(OPEN_MPI) && defined(OMPI_MAJOR_VERSION) && OMPI_MAJOR_VERSION >= 5
#  ifndef PyMPI_HAVE_MPI_Session
#    define PyMPI_HAVE_MPI_Session 1
#  endif
#  ifndef PyMPI_HAVE_MPI_SESSION_NULL
#    define PyMPI_HAVE_MPI_SESSION_NULL 1
#  endif
#  ifndef PyMPI_HAVE_MPI_MAX_PSET_NAME_LEN
#    define PyMPI_HAVE_MPI_MAX_PSET_NAME_LEN 1
#  endif
#  ifndef PyMPI_HAVE_MPI_MAX_STRINGTAG_LEN
#    define PyMPI_HAVE_MPI_MAX_STRINGTAG_LEN 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Session_init
#    define PyMPI_HAVE_MPI_Session_init 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Session_finalize
#    define PyMPI_HAVE_MPI_Session_finalize 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Session_get_num_psets
#    define PyMPI_HAVE_MPI_Session_get_num_psets 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Session_get_nth_pset
#    define PyMPI_HAVE_MPI_Session_get_nth_pset 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Session_get_info
#    define PyMPI_HAVE_MPI_Session_get_info 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Session_get_pset_info
#    define PyMPI_HAVE_MPI_Session_get_pset_info 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Group_from_session_pset
#    define PyMPI_HAVE_MPI_Group_from_session_pset 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Comm_create_from_group
#    define PyMPI_HAVE_MPI_Comm_create_from_group 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Info_create_env
#    define PyMPI_HAVE_MPI_Info_create_env 1
#  endif
#  ifndef PyMPI_HAVE_MPI_ERRORS_ABORT
#    define PyMPI_HAVE_MPI_ERRORS_ABORT 1
#  endif
#  ifndef PyMPI_HAVE_MPI_ERR_SESSION
#    define PyMPI_HAVE_MPI_ERR_SESSION 1
#  endif
#  ifndef PyMPI_HAVE_MPI_ERR_PROC_ABORTED
#    define PyMPI_HAVE_MPI_ERR_PROC_ABORTED 1
#  endif
#  ifndef PyMPI_HAVE_MPI_ERR_VALUE_TOO_LARGE
#    define PyMPI_HAVE_MPI_ERR_VALUE_TOO_LARGE 1
#  endif
/* s2-handles: session handle conversions and error handlers (declared by Open MPI 5 mpi.h) */
#  ifndef PyMPI_HAVE_MPI_Session_c2f
#    define PyMPI_HAVE_MPI_Session_c2f 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Session_f2c
#    define PyMPI_HAVE_MPI_Session_f2c 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Session_create_errhandler
#    define PyMPI_HAVE_MPI_Session_create_errhandler 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Session_set_errhandler
#    define PyMPI_HAVE_MPI_Session_set_errhandler 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Session_get_errhandler
#    define PyMPI_HAVE_MPI_Session_get_errhandler 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Session_call_errhandler
#    define PyMPI_HAVE_MPI_Session_call_errhandler 1
#  endif
#endif

#endif /* PYMPI_VENDOR_H */
