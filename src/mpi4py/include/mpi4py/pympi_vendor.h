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
#endif

/* == s2-comm ================================================================== */
/* Open MPI 5 also declares MPI-4 partitioned communication and Intercomm_create_from_groups. */
#if defined(OPEN_MPI) && defined(OMPI_MAJOR_VERSION) && OMPI_MAJOR_VERSION >= 5
#  ifndef PyMPI_HAVE_MPI_Psend_init
#    define PyMPI_HAVE_MPI_Psend_init 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Precv_init
#    define PyMPI_HAVE_MPI_Precv_init 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Pready
#    define PyMPI_HAVE_MPI_Pready 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Pready_range
#    define PyMPI_HAVE_MPI_Pready_range 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Pready_list
#    define PyMPI_HAVE_MPI_Pready_list 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Parrived
#    define PyMPI_HAVE_MPI_Parrived 1
#  endif
#  ifndef PyMPI_HAVE_MPI_Intercomm_create_from_groups
#    define PyMPI_HAVE_MPI_Intercomm_create_from_groups 1
#  endif
#endif

/* Optional Fortran sized datatypes: every family (and the MPI-5 ABI header) defines them as macros
 * exactly when the type is supported, so the macro itself tells availability. */
#if defined(MPI_INTEGER1) && !defined(PyMPI_HAVE_MPI_INTEGER1)
#  define PyMPI_HAVE_MPI_INTEGER1 1
#endif
#if defined(MPI_INTEGER2) && !defined(PyMPI_HAVE_MPI_INTEGER2)
#  define PyMPI_HAVE_MPI_INTEGER2 1
#endif
#if defined(MPI_INTEGER4) && !defined(PyMPI_HAVE_MPI_INTEGER4)
#  define PyMPI_HAVE_MPI_INTEGER4 1
#endif
#if defined(MPI_INTEGER8) && !defined(PyMPI_HAVE_MPI_INTEGER8)
#  define PyMPI_HAVE_MPI_INTEGER8 1
#endif
#if defined(MPI_INTEGER16) && !defined(PyMPI_HAVE_MPI_INTEGER16)
#  define PyMPI_HAVE_MPI_INTEGER16 1
#endif
#if defined(MPI_REAL2) && !defined(PyMPI_HAVE_MPI_REAL2)
#  define PyMPI_HAVE_MPI_REAL2 1
#endif
#if defined(MPI_REAL4) && !defined(PyMPI_HAVE_MPI_REAL4)
#  define PyMPI_HAVE_MPI_REAL4 1
#endif
#if defined(MPI_REAL8) && !defined(PyMPI_HAVE_MPI_REAL8)
#  define PyMPI_HAVE_MPI_REAL8 1
#endif
#if defined(MPI_REAL16) && !defined(PyMPI_HAVE_MPI_REAL16)
#  define PyMPI_HAVE_MPI_REAL16 1
#endif
#if defined(MPI_COMPLEX4) && !defined(PyMPI_HAVE_MPI_COMPLEX4)
#  define PyMPI_HAVE_MPI_COMPLEX4 1
#endif
#if defined(MPI_COMPLEX8) && !defined(PyMPI_HAVE_MPI_COMPLEX8)
#  define PyMPI_HAVE_MPI_COMPLEX8 1
#endif
#if defined(MPI_COMPLEX16) && !defined(PyMPI_HAVE_MPI_COMPLEX16)
#  define PyMPI_HAVE_MPI_COMPLEX16 1
#endif
#if defined(MPI_COMPLEX32) && !defined(PyMPI_HAVE_MPI_COMPLEX32)
#  define PyMPI_HAVE_MPI_COMPLEX32 1
#endif
#if defined(MPI_LOGICAL1) && !defined(PyMPI_HAVE_MPI_LOGICAL1)
#  define PyMPI_HAVE_MPI_LOGICAL1 1
#endif
#if defined(MPI_LOGICAL2) && !defined(PyMPI_HAVE_MPI_LOGICAL2)
#  define PyMPI_HAVE_MPI_LOGICAL2 1
#endif
#if defined(MPI_LOGICAL4) && !defined(PyMPI_HAVE_MPI_LOGICAL4)
#  define PyMPI_HAVE_MPI_LOGICAL4 1
#endif
#if defined(MPI_LOGICAL8) && !defined(PyMPI_HAVE_MPI_LOGICAL8)
#  define PyMPI_HAVE_MPI_LOGICAL8 1
#endif
#if defined(MPI_LOGICAL16) && !defined(PyMPI_HAVE_MPI_LOGICAL16)
#  define PyMPI_HAVE_MPI_LOGICAL16 1
#endif

#endif /* PYMPI_VENDOR_H */
