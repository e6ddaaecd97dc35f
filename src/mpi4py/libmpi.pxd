# Generated from src/mpi4py/libmpi.sym by conf/mpibuild/symbols.py -- do not edit.
# The MPI declarations mpi4py uses, under their mpi.h names: from mpi4py.libmpi cimport MPI_Comm, ...

cdef extern from "<mpi.h>" nogil:
    pass

cdef extern from *:
    """
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
    """

cdef extern from "<mpi.h>" nogil:
    ctypedef Py_ssize_t MPI_Aint
    ctypedef long long MPI_Offset
    ctypedef long long MPI_Count
    ctypedef int MPI_Fint
    ctypedef struct _pympi_MPI_Comm_t
    ctypedef _pympi_MPI_Comm_t* MPI_Comm
    ctypedef struct _pympi_MPI_Group_t
    ctypedef _pympi_MPI_Group_t* MPI_Group
    ctypedef struct _pympi_MPI_Datatype_t
    ctypedef _pympi_MPI_Datatype_t* MPI_Datatype
    ctypedef struct _pympi_MPI_Op_t
    ctypedef _pympi_MPI_Op_t* MPI_Op
    ctypedef struct _pympi_MPI_Request_t
    ctypedef _pympi_MPI_Request_t* MPI_Request
    ctypedef struct _pympi_MPI_Errhandler_t
    ctypedef _pympi_MPI_Errhandler_t* MPI_Errhandler
    ctypedef struct _pympi_MPI_Info_t
    ctypedef _pympi_MPI_Info_t* MPI_Info
    ctypedef struct _pympi_MPI_Win_t
    ctypedef _pympi_MPI_Win_t* MPI_Win
    ctypedef struct _pympi_MPI_File_t
    ctypedef _pympi_MPI_File_t* MPI_File
    ctypedef struct _pympi_MPI_Message_t
    ctypedef _pympi_MPI_Message_t* MPI_Message
    ctypedef struct _pympi_MPI_Session_t
    ctypedef _pympi_MPI_Session_t* MPI_Session
    ctypedef struct MPI_Status:
        int MPI_SOURCE
        int MPI_TAG
        int MPI_ERROR
    ctypedef void MPI_User_function(void*, void*, int*, MPI_Datatype*) noexcept
    enum: MPI_VERSION
    enum: MPI_SUBVERSION
    enum: MPI_SUCCESS
    enum: MPI_UNDEFINED
    enum: MPI_ANY_SOURCE
    enum: MPI_ANY_TAG
    enum: MPI_PROC_NULL
    enum: MPI_ROOT
    enum: MPI_TAG_UB
    enum: MPI_MAX_PROCESSOR_NAME
    enum: MPI_MAX_ERROR_STRING
    enum: MPI_MAX_LIBRARY_VERSION_STRING
    enum: MPI_THREAD_SINGLE
    enum: MPI_THREAD_FUNNELED
    enum: MPI_THREAD_SERIALIZED
    enum: MPI_THREAD_MULTIPLE
    enum: MPI_IDENT
    enum: MPI_CONGRUENT
    enum: MPI_SIMILAR
    enum: MPI_UNEQUAL
    enum: MPI_KEYVAL_INVALID
    enum: MPI_BSEND_OVERHEAD
    enum: MPI_MAX_OBJECT_NAME
    enum: MPI_ERR_BUFFER
    enum: MPI_ERR_COUNT
    enum: MPI_ERR_TYPE
    enum: MPI_ERR_TAG
    enum: MPI_ERR_COMM
    enum: MPI_ERR_RANK
    enum: MPI_ERR_REQUEST
    enum: MPI_ERR_ROOT
    enum: MPI_ERR_GROUP
    enum: MPI_ERR_OP
    enum: MPI_ERR_TOPOLOGY
    enum: MPI_ERR_DIMS
    enum: MPI_ERR_ARG
    enum: MPI_ERR_UNKNOWN
    enum: MPI_ERR_TRUNCATE
    enum: MPI_ERR_OTHER
    enum: MPI_ERR_INTERN
    enum: MPI_ERR_IN_STATUS
    enum: MPI_ERR_PENDING
    enum: MPI_ERR_KEYVAL
    enum: MPI_ERR_NO_MEM
    enum: MPI_ERR_BASE
    enum: MPI_ERR_INFO_KEY
    enum: MPI_ERR_INFO_VALUE
    enum: MPI_ERR_INFO_NOKEY
    enum: MPI_ERR_SPAWN
    enum: MPI_ERR_PORT
    enum: MPI_ERR_SERVICE
    enum: MPI_ERR_NAME
    enum: MPI_ERR_WIN
    enum: MPI_ERR_SIZE
    enum: MPI_ERR_DISP
    enum: MPI_ERR_INFO
    enum: MPI_ERR_LOCKTYPE
    enum: MPI_ERR_ASSERT
    enum: MPI_ERR_RMA_CONFLICT
    enum: MPI_ERR_RMA_SYNC
    enum: MPI_ERR_FILE
    enum: MPI_ERR_NOT_SAME
    enum: MPI_ERR_AMODE
    enum: MPI_ERR_UNSUPPORTED_DATAREP
    enum: MPI_ERR_UNSUPPORTED_OPERATION
    enum: MPI_ERR_NO_SUCH_FILE
    enum: MPI_ERR_FILE_EXISTS
    enum: MPI_ERR_BAD_FILE
    enum: MPI_ERR_ACCESS
    enum: MPI_ERR_NO_SPACE
    enum: MPI_ERR_QUOTA
    enum: MPI_ERR_READ_ONLY
    enum: MPI_ERR_FILE_IN_USE
    enum: MPI_ERR_DUP_DATAREP
    enum: MPI_ERR_CONVERSION
    enum: MPI_ERR_IO
    enum: MPI_ERR_RMA_RANGE
    enum: MPI_ERR_RMA_ATTACH
    enum: MPI_ERR_RMA_SHARED
    enum: MPI_ERR_RMA_FLAVOR
    enum: MPI_ERR_SESSION
    enum: MPI_ERR_PROC_ABORTED
    enum: MPI_ERR_VALUE_TOO_LARGE
    enum: MPI_ERR_ERRHANDLER
    enum: MPI_ERR_LASTCODE
    enum: MPI_ERR_ABI
    MPI_Comm MPI_COMM_NULL
    MPI_Comm MPI_COMM_WORLD
    MPI_Comm MPI_COMM_SELF
    MPI_Group MPI_GROUP_NULL
    MPI_Group MPI_GROUP_EMPTY
    MPI_Request MPI_REQUEST_NULL
    MPI_Errhandler MPI_ERRHANDLER_NULL
    MPI_Errhandler MPI_ERRORS_ARE_FATAL
    MPI_Errhandler MPI_ERRORS_RETURN
    MPI_Errhandler MPI_ERRORS_ABORT
    MPI_Info MPI_INFO_NULL
    MPI_Message MPI_MESSAGE_NULL
    MPI_Message MPI_MESSAGE_NO_PROC
    MPI_Info MPI_INFO_ENV
    MPI_Op MPI_OP_NULL
    MPI_Op MPI_MAX
    MPI_Op MPI_MIN
    MPI_Op MPI_SUM
    MPI_Op MPI_PROD
    MPI_Op MPI_LAND
    MPI_Op MPI_BAND
    MPI_Op MPI_LOR
    MPI_Op MPI_BOR
    MPI_Op MPI_LXOR
    MPI_Op MPI_BXOR
    MPI_Op MPI_MAXLOC
    MPI_Op MPI_MINLOC
    MPI_Op MPI_REPLACE
    MPI_Op MPI_NO_OP
    MPI_Datatype MPI_DATATYPE_NULL
    MPI_Datatype MPI_CHAR
    MPI_Datatype MPI_SIGNED_CHAR
    MPI_Datatype MPI_UNSIGNED_CHAR
    MPI_Datatype MPI_BYTE
    MPI_Datatype MPI_PACKED
    MPI_Datatype MPI_WCHAR
    MPI_Datatype MPI_SHORT
    MPI_Datatype MPI_UNSIGNED_SHORT
    MPI_Datatype MPI_INT
    MPI_Datatype MPI_UNSIGNED
    MPI_Datatype MPI_LONG
    MPI_Datatype MPI_UNSIGNED_LONG
    MPI_Datatype MPI_LONG_LONG
    MPI_Datatype MPI_UNSIGNED_LONG_LONG
    MPI_Datatype MPI_FLOAT
    MPI_Datatype MPI_DOUBLE
    MPI_Datatype MPI_LONG_DOUBLE
    MPI_Datatype MPI_C_BOOL
    MPI_Datatype MPI_INT8_T
    MPI_Datatype MPI_INT16_T
    MPI_Datatype MPI_INT32_T
    MPI_Datatype MPI_INT64_T
    MPI_Datatype MPI_UINT8_T
    MPI_Datatype MPI_UINT16_T
    MPI_Datatype MPI_UINT32_T
    MPI_Datatype MPI_UINT64_T
    MPI_Datatype MPI_AINT
    MPI_Datatype MPI_OFFSET
    MPI_Datatype MPI_COUNT
    MPI_Datatype MPI_C_COMPLEX
    MPI_Datatype MPI_C_FLOAT_COMPLEX
    MPI_Datatype MPI_C_DOUBLE_COMPLEX
    MPI_Datatype MPI_C_LONG_DOUBLE_COMPLEX
    MPI_Datatype MPI_FLOAT_INT
    MPI_Datatype MPI_DOUBLE_INT
    MPI_Datatype MPI_LONG_INT
    MPI_Datatype MPI_2INT
    MPI_Datatype MPI_SHORT_INT
    MPI_Datatype MPI_LONG_DOUBLE_INT
    MPI_Datatype MPI_CHARACTER
    MPI_Datatype MPI_LOGICAL
    MPI_Datatype MPI_INTEGER
    MPI_Datatype MPI_REAL
    MPI_Datatype MPI_DOUBLE_PRECISION
    MPI_Datatype MPI_COMPLEX
    MPI_Datatype MPI_DOUBLE_COMPLEX
    void* MPI_BOTTOM
    void* MPI_IN_PLACE
    MPI_Status* MPI_STATUS_IGNORE
    MPI_Status* MPI_STATUSES_IGNORE
    MPI_Datatype MPI_CXX_BOOL
    MPI_Datatype MPI_CXX_FLOAT_COMPLEX
    MPI_Datatype MPI_CXX_DOUBLE_COMPLEX
    MPI_Datatype MPI_CXX_LONG_DOUBLE_COMPLEX
    MPI_Datatype MPI_INTEGER1
    MPI_Datatype MPI_INTEGER2
    MPI_Datatype MPI_INTEGER4
    MPI_Datatype MPI_INTEGER8
    MPI_Datatype MPI_INTEGER16
    MPI_Datatype MPI_REAL2
    MPI_Datatype MPI_REAL4
    MPI_Datatype MPI_REAL8
    MPI_Datatype MPI_REAL16
    MPI_Datatype MPI_COMPLEX4
    MPI_Datatype MPI_COMPLEX8
    MPI_Datatype MPI_COMPLEX16
    MPI_Datatype MPI_COMPLEX32
    MPI_Datatype MPI_LOGICAL1
    MPI_Datatype MPI_LOGICAL2
    MPI_Datatype MPI_LOGICAL4
    MPI_Datatype MPI_LOGICAL8
    MPI_Datatype MPI_LOGICAL16
    MPI_Fint MPI_Group_c2f(MPI_Group)
    MPI_Group MPI_Group_f2c(MPI_Fint)
    MPI_Fint MPI_Comm_c2f(MPI_Comm)
    MPI_Comm MPI_Comm_f2c(MPI_Fint)
    MPI_Fint MPI_Type_c2f(MPI_Datatype)
    MPI_Datatype MPI_Type_f2c(MPI_Fint)
    MPI_Fint MPI_Errhandler_c2f(MPI_Errhandler)
    MPI_Errhandler MPI_Errhandler_f2c(MPI_Fint)
    MPI_Fint MPI_Message_c2f(MPI_Message)
    MPI_Message MPI_Message_f2c(MPI_Fint)
    MPI_Info MPI_Info_f2c(MPI_Fint)
    MPI_Fint MPI_Op_c2f(MPI_Op)
    MPI_Op MPI_Op_f2c(MPI_Fint)
    MPI_Fint MPI_Request_c2f(MPI_Request)
    MPI_Request MPI_Request_f2c(MPI_Fint)
    MPI_Fint MPI_Info_c2f(MPI_Info)
    MPI_Fint MPI_Win_c2f(MPI_Win)
    MPI_Win MPI_Win_f2c(MPI_Fint)
    MPI_Fint MPI_File_c2f(MPI_File)
    MPI_File MPI_File_f2c(MPI_Fint)
    MPI_Fint MPI_Session_c2f(MPI_Session)
    MPI_Session MPI_Session_f2c(MPI_Fint)
    int MPI_Status_c2f(MPI_Status*, MPI_Fint*)
    int MPI_Status_f2c(MPI_Fint*, MPI_Status*)
    enum: MPI_F_STATUS_SIZE
    enum: MPI_F_SOURCE
    enum: MPI_F_TAG
    enum: MPI_F_ERROR
    int MPI_Init(int*, char***)
    int MPI_Init_thread(int*, char***, int, int*)
    int MPI_Finalize()
    int MPI_Initialized(int*)
    int MPI_Finalized(int*)
    int MPI_Query_thread(int*)
    int MPI_Is_thread_main(int*)
    int MPI_Abort(MPI_Comm, int)
    double MPI_Wtime()
    double MPI_Wtick()
    int MPI_Get_version(int*, int*)
    int MPI_Get_library_version(char*, int*)
    int MPI_Get_processor_name(char*, int*)
    int MPI_Error_class(int, int*)
    int MPI_Error_string(int, char*, int*)
    int MPI_Pcontrol(int)
    int MPI_Alloc_mem(MPI_Aint, MPI_Info, void*)
    int MPI_Free_mem(void*)
    int MPI_Get_hw_resource_info(MPI_Info*)
    int MPI_Abi_get_version(int*, int*)
    int MPI_Abi_get_info(MPI_Info*)
    int MPI_Abi_get_fortran_info(MPI_Info*)
    int MPI_Comm_set_errhandler(MPI_Comm, MPI_Errhandler)
    int MPI_Comm_get_errhandler(MPI_Comm, MPI_Errhandler*)
    int MPI_Errhandler_free(MPI_Errhandler*)
    int MPI_Comm_call_errhandler(MPI_Comm, int)
    int MPI_Add_error_class(int*)
    int MPI_Add_error_code(int, int*)
    int MPI_Add_error_string(int, char*)
    int MPI_Remove_error_class(int)
    int MPI_Remove_error_code(int)
    int MPI_Remove_error_string(int)
    int MPI_Win_create_errhandler(void*, MPI_Errhandler*)
    int MPI_Win_get_errhandler(MPI_Win, MPI_Errhandler*)
    int MPI_Win_call_errhandler(MPI_Win, int)
    int MPI_File_create_errhandler(void*, MPI_Errhandler*)
    int MPI_File_get_errhandler(MPI_File, MPI_Errhandler*)
    int MPI_File_call_errhandler(MPI_File, int)
    int MPI_Session_create_errhandler(void*, MPI_Errhandler*)
    int MPI_Session_set_errhandler(MPI_Session, MPI_Errhandler)
    int MPI_Session_get_errhandler(MPI_Session, MPI_Errhandler*)
    int MPI_Session_call_errhandler(MPI_Session, int)
    ctypedef void MPI_Comm_errhandler_function(MPI_Comm*, int*, ...) noexcept
    int MPI_Comm_create_errhandler(MPI_Comm_errhandler_function*, MPI_Errhandler*)
    int MPI_Comm_size(MPI_Comm, int*)
    int MPI_Comm_rank(MPI_Comm, int*)
    int MPI_Comm_dup(MPI_Comm, MPI_Comm*)
    int MPI_Comm_split(MPI_Comm, int, int, MPI_Comm*)
    int MPI_Comm_free(MPI_Comm*)
    int MPI_Comm_get_name(MPI_Comm, char*, int*)
    int MPI_Comm_set_name(MPI_Comm, char*)
    int MPI_Comm_compare(MPI_Comm, MPI_Comm, int*)
    int MPI_Comm_test_inter(MPI_Comm, int*)
    int MPI_Comm_group(MPI_Comm, MPI_Group*)
    int MPI_Barrier(MPI_Comm)
    enum: MPI_COMM_TYPE_SHARED
    enum: MPI_COMM_TYPE_HW_GUIDED
    enum: MPI_COMM_TYPE_HW_UNGUIDED
    enum: MPI_COMM_TYPE_RESOURCE_GUIDED
    int MPI_Comm_create(MPI_Comm, MPI_Group, MPI_Comm*)
    int MPI_Comm_create_group(MPI_Comm, MPI_Group, int, MPI_Comm*)
    int MPI_Comm_dup_with_info(MPI_Comm, MPI_Info, MPI_Comm*)
    int MPI_Comm_idup(MPI_Comm, MPI_Comm*, MPI_Request*)
    int MPI_Comm_idup_with_info(MPI_Comm, MPI_Info, MPI_Comm*, MPI_Request*)
    int MPI_Comm_split_type(MPI_Comm, int, int, MPI_Info, MPI_Comm*)
    int MPI_Comm_remote_group(MPI_Comm, MPI_Group*)
    int MPI_Comm_remote_size(MPI_Comm, int*)
    int MPI_Intercomm_create(MPI_Comm, int, MPI_Comm, int, int, MPI_Comm*)
    int MPI_Intercomm_merge(MPI_Comm, int, MPI_Comm*)
    int MPI_Comm_set_info(MPI_Comm, MPI_Info)
    int MPI_Comm_get_info(MPI_Comm, MPI_Info*)
    int MPI_Intercomm_create_from_groups(MPI_Group, int, MPI_Group, int, char*, MPI_Info, MPI_Errhandler, MPI_Comm*)
    int MPI_Comm_revoke(MPI_Comm)
    int MPI_Comm_is_revoked(MPI_Comm, int*)
    int MPI_Comm_shrink(MPI_Comm, MPI_Comm*)
    int MPI_Comm_ishrink(MPI_Comm, MPI_Comm*, MPI_Request*)
    int MPI_Comm_agree(MPI_Comm, int*)
    int MPI_Comm_iagree(MPI_Comm, int*, MPI_Request*)
    int MPI_Comm_get_failed(MPI_Comm, MPI_Group*)
    int MPI_Comm_ack_failed(MPI_Comm, int, int*)
    int MPI_Group_size(MPI_Group, int*)
    int MPI_Group_rank(MPI_Group, int*)
    int MPI_Group_free(MPI_Group*)
    int MPI_Group_translate_ranks(MPI_Group, int, int*, MPI_Group, int*)
    int MPI_Group_compare(MPI_Group, MPI_Group, int*)
    int MPI_Group_union(MPI_Group, MPI_Group, MPI_Group*)
    int MPI_Group_intersection(MPI_Group, MPI_Group, MPI_Group*)
    int MPI_Group_difference(MPI_Group, MPI_Group, MPI_Group*)
    int MPI_Group_incl(MPI_Group, int, int*, MPI_Group*)
    int MPI_Group_excl(MPI_Group, int, int*, MPI_Group*)
    int MPI_Group_range_incl(MPI_Group, int, void*, MPI_Group*)
    int MPI_Group_range_excl(MPI_Group, int, void*, MPI_Group*)
    int MPI_Type_size(MPI_Datatype, int*)
    int MPI_Type_get_extent(MPI_Datatype, MPI_Aint*, MPI_Aint*)
    int MPI_Type_commit(MPI_Datatype*)
    int MPI_Type_free(MPI_Datatype*)
    int MPI_Type_contiguous(int, MPI_Datatype, MPI_Datatype*)
    int MPI_Type_dup(MPI_Datatype, MPI_Datatype*)
    int MPI_Type_get_true_extent(MPI_Datatype, MPI_Aint*, MPI_Aint*)
    int MPI_Type_get_name(MPI_Datatype, char*, int*)
    enum: MPI_ORDER_C
    enum: MPI_ORDER_FORTRAN
    enum: MPI_DISTRIBUTE_NONE
    enum: MPI_DISTRIBUTE_BLOCK
    enum: MPI_DISTRIBUTE_CYCLIC
    enum: MPI_DISTRIBUTE_DFLT_DARG
    enum: MPI_COMBINER_NAMED
    enum: MPI_COMBINER_DUP
    enum: MPI_COMBINER_CONTIGUOUS
    enum: MPI_COMBINER_VECTOR
    enum: MPI_COMBINER_HVECTOR
    enum: MPI_COMBINER_INDEXED
    enum: MPI_COMBINER_HINDEXED
    enum: MPI_COMBINER_INDEXED_BLOCK
    enum: MPI_COMBINER_HINDEXED_BLOCK
    enum: MPI_COMBINER_STRUCT
    enum: MPI_COMBINER_SUBARRAY
    enum: MPI_COMBINER_DARRAY
    enum: MPI_COMBINER_F90_REAL
    enum: MPI_COMBINER_F90_COMPLEX
    enum: MPI_COMBINER_F90_INTEGER
    enum: MPI_COMBINER_RESIZED
    int MPI_Type_vector(int, int, int, MPI_Datatype, MPI_Datatype*)
    int MPI_Type_create_hvector(int, int, MPI_Aint, MPI_Datatype, MPI_Datatype*)
    int MPI_Type_indexed(int, int*, int*, MPI_Datatype, MPI_Datatype*)
    int MPI_Type_create_hindexed(int, int*, MPI_Aint*, MPI_Datatype, MPI_Datatype*)
    int MPI_Type_create_indexed_block(int, int, int*, MPI_Datatype, MPI_Datatype*)
    int MPI_Type_create_hindexed_block(int, int, MPI_Aint*, MPI_Datatype, MPI_Datatype*)
    int MPI_Type_create_struct(int, int*, MPI_Aint*, MPI_Datatype*, MPI_Datatype*)
    int MPI_Type_create_subarray(int, int*, int*, int*, int, MPI_Datatype, MPI_Datatype*)
    int MPI_Type_create_darray(int, int, int, int*, int*, int*, int*, int, MPI_Datatype, MPI_Datatype*)
    int MPI_Type_create_resized(MPI_Datatype, MPI_Aint, MPI_Aint, MPI_Datatype*)
    int MPI_Type_get_envelope(MPI_Datatype, int*, int*, int*, int*)
    int MPI_Type_get_contents(MPI_Datatype, int, int, int, int*, MPI_Aint*, MPI_Datatype*)
    int MPI_Type_set_name(MPI_Datatype, char*)
    int MPI_Pack(void*, int, MPI_Datatype, void*, int, int*, MPI_Comm)
    int MPI_Unpack(void*, int, int*, void*, int, MPI_Datatype, MPI_Comm)
    int MPI_Pack_size(int, MPI_Datatype, MPI_Comm, int*)
    int MPI_Pack_external(char*, void*, int, MPI_Datatype, void*, MPI_Aint, MPI_Aint*)
    int MPI_Unpack_external(char*, void*, MPI_Aint, MPI_Aint*, void*, int, MPI_Datatype)
    int MPI_Pack_external_size(char*, int, MPI_Datatype, MPI_Aint*)
    int MPI_Get_address(void*, MPI_Aint*)
    MPI_Aint MPI_Aint_add(MPI_Aint, MPI_Aint)
    MPI_Aint MPI_Aint_diff(MPI_Aint, MPI_Aint)
    enum: MPI_TYPECLASS_INTEGER
    enum: MPI_TYPECLASS_REAL
    enum: MPI_TYPECLASS_COMPLEX
    enum: MPI_TYPECLASS_LOGICAL
    enum: MPI_COMBINER_VALUE_INDEX
    int MPI_Type_create_f90_integer(int, MPI_Datatype*)
    int MPI_Type_create_f90_real(int, int, MPI_Datatype*)
    int MPI_Type_create_f90_complex(int, int, MPI_Datatype*)
    int MPI_Type_match_size(int, int, MPI_Datatype*)
    int MPI_Type_get_value_index(MPI_Datatype, MPI_Datatype, MPI_Datatype*)
    int MPI_Op_free(MPI_Op*)
    int MPI_Op_commutative(MPI_Op, int*)
    int MPI_Op_create(MPI_User_function*, int, MPI_Op*)
    int MPI_Reduce_local(void*, void*, int, MPI_Datatype, MPI_Op)
    int MPI_Ssend(void*, int, MPI_Datatype, int, int, MPI_Comm)
    int MPI_Issend(void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Send(void*, int, MPI_Datatype, int, int, MPI_Comm)
    int MPI_Recv(void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Status*)
    int MPI_Isend(void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Irecv(void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Sendrecv(void*, int, MPI_Datatype, int, int, void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Status*)
    int MPI_Probe(int, int, MPI_Comm, MPI_Status*)
    int MPI_Iprobe(int, int, MPI_Comm, int*, MPI_Status*)
    int MPI_Mprobe(int, int, MPI_Comm, MPI_Message*, MPI_Status*)
    int MPI_Mrecv(void*, int, MPI_Datatype, MPI_Message*, MPI_Status*)
    int MPI_Improbe(int, int, MPI_Comm, int*, MPI_Message*, MPI_Status*)
    int MPI_Get_count(MPI_Status*, MPI_Datatype, int*)
    int MPI_Get_elements(MPI_Status*, MPI_Datatype, int*)
    int MPI_Test_cancelled(MPI_Status*, int*)
    int MPI_Status_set_elements(MPI_Status*, MPI_Datatype, int)
    int MPI_Status_set_cancelled(MPI_Status*, int)
    int MPI_Get_count_c(MPI_Status*, MPI_Datatype, MPI_Count*)
    int MPI_Send_c(void*, MPI_Count, MPI_Datatype, int, int, MPI_Comm)
    int MPI_Recv_c(void*, MPI_Count, MPI_Datatype, int, int, MPI_Comm, MPI_Status*)
    int MPI_Ssend_c(void*, MPI_Count, MPI_Datatype, int, int, MPI_Comm)
    int MPI_Isend_c(void*, MPI_Count, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Issend_c(void*, MPI_Count, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Irecv_c(void*, MPI_Count, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Imrecv(void*, int, MPI_Datatype, MPI_Message*, MPI_Request*)
    int MPI_Bsend(void*, int, MPI_Datatype, int, int, MPI_Comm)
    int MPI_Rsend(void*, int, MPI_Datatype, int, int, MPI_Comm)
    int MPI_Ibsend(void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Irsend(void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Send_init(void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Ssend_init(void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Bsend_init(void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Rsend_init(void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Recv_init(void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Buffer_attach(void*, int)
    int MPI_Buffer_detach(void*, int*)
    int MPI_Sendrecv_replace(void*, int, MPI_Datatype, int, int, int, int, MPI_Comm, MPI_Status*)
    int MPI_Isendrecv(void*, int, MPI_Datatype, int, int, void*, int, MPI_Datatype, int, int, MPI_Comm, MPI_Request*)
    int MPI_Isendrecv_replace(void*, int, MPI_Datatype, int, int, int, int, MPI_Comm, MPI_Request*)
    int MPI_Comm_attach_buffer(MPI_Comm, void*, int)
    int MPI_Comm_detach_buffer(MPI_Comm, void*, int*)
    int MPI_Comm_flush_buffer(MPI_Comm)
    int MPI_Comm_iflush_buffer(MPI_Comm, MPI_Request*)
    int MPI_Buffer_flush()
    int MPI_Buffer_iflush(MPI_Request*)
    void* MPI_BUFFER_AUTOMATIC
    int MPI_Psend_init(void*, int, MPI_Count, MPI_Datatype, int, int, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Precv_init(void*, int, MPI_Count, MPI_Datatype, int, int, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Pready(int, MPI_Request)
    int MPI_Pready_range(int, int, MPI_Request)
    int MPI_Pready_list(int, int*, MPI_Request)
    int MPI_Parrived(MPI_Request, int, int*)
    int MPI_Wait(MPI_Request*, MPI_Status*)
    int MPI_Test(MPI_Request*, int*, MPI_Status*)
    int MPI_Waitall(int, MPI_Request*, MPI_Status*)
    int MPI_Testall(int, MPI_Request*, int*, MPI_Status*)
    int MPI_Waitany(int, MPI_Request*, int*, MPI_Status*)
    int MPI_Testany(int, MPI_Request*, int*, int*, MPI_Status*)
    int MPI_Cancel(MPI_Request*)
    int MPI_Request_free(MPI_Request*)
    int MPI_Waitsome(int, MPI_Request*, int*, int*, MPI_Status*)
    int MPI_Testsome(int, MPI_Request*, int*, int*, MPI_Status*)
    int MPI_Request_get_status(MPI_Request, int*, MPI_Status*)
    int MPI_Start(MPI_Request*)
    int MPI_Startall(int, MPI_Request*)
    int MPI_Request_get_status_any(int, MPI_Request*, int*, int*, MPI_Status*)
    int MPI_Request_get_status_all(int, MPI_Request*, int*, MPI_Status*)
    int MPI_Request_get_status_some(int, MPI_Request*, int*, int*, MPI_Status*)
    ctypedef int MPI_Grequest_query_function(void*, MPI_Status*) noexcept
    ctypedef int MPI_Grequest_free_function(void*) noexcept
    ctypedef int MPI_Grequest_cancel_function(void*, int) noexcept
    int MPI_Grequest_start(MPI_Grequest_query_function*, MPI_Grequest_free_function*, MPI_Grequest_cancel_function*, void*, MPI_Request*)
    int MPI_Grequest_complete(MPI_Request)
    int MPI_Bcast(void*, int, MPI_Datatype, int, MPI_Comm)
    int MPI_Gather(void*, int, MPI_Datatype, void*, int, MPI_Datatype, int, MPI_Comm)
    int MPI_Gatherv(void*, int, MPI_Datatype, void*, int*, int*, MPI_Datatype, int, MPI_Comm)
    int MPI_Scatterv(void*, int*, int*, MPI_Datatype, void*, int, MPI_Datatype, int, MPI_Comm)
    int MPI_Scatter(void*, int, MPI_Datatype, void*, int, MPI_Datatype, int, MPI_Comm)
    int MPI_Allgather(void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm)
    int MPI_Allgatherv(void*, int, MPI_Datatype, void*, int*, int*, MPI_Datatype, MPI_Comm)
    int MPI_Alltoallv(void*, int*, int*, MPI_Datatype, void*, int*, int*, MPI_Datatype, MPI_Comm)
    int MPI_Alltoall(void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm)
    int MPI_Reduce(void*, void*, int, MPI_Datatype, MPI_Op, int, MPI_Comm)
    int MPI_Allreduce(void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm)
    int MPI_Scan(void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm)
    int MPI_Exscan(void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm)
    int MPI_Bcast_c(void*, MPI_Count, MPI_Datatype, int, MPI_Comm)
    int MPI_Ibcast_c(void*, MPI_Count, MPI_Datatype, int, MPI_Comm, MPI_Request*)
    int MPI_Reduce_c(void*, void*, MPI_Count, MPI_Datatype, MPI_Op, int, MPI_Comm)
    int MPI_Ireduce_c(void*, void*, MPI_Count, MPI_Datatype, MPI_Op, int, MPI_Comm, MPI_Request*)
    int MPI_Allreduce_c(void*, void*, MPI_Count, MPI_Datatype, MPI_Op, MPI_Comm)
    int MPI_Iallreduce_c(void*, void*, MPI_Count, MPI_Datatype, MPI_Op, MPI_Comm, MPI_Request*)
    int MPI_Ibarrier(MPI_Comm, MPI_Request*)
    int MPI_Barrier_init(MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Ibcast(void*, int, MPI_Datatype, int, MPI_Comm, MPI_Request*)
    int MPI_Bcast_init(void*, int, MPI_Datatype, int, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Iscatter(void*, int, MPI_Datatype, void*, int, MPI_Datatype, int, MPI_Comm, MPI_Request*)
    int MPI_Scatter_init(void*, int, MPI_Datatype, void*, int, MPI_Datatype, int, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Igather(void*, int, MPI_Datatype, void*, int, MPI_Datatype, int, MPI_Comm, MPI_Request*)
    int MPI_Gather_init(void*, int, MPI_Datatype, void*, int, MPI_Datatype, int, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Iallgather(void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm, MPI_Request*)
    int MPI_Allgather_init(void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Ialltoall(void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm, MPI_Request*)
    int MPI_Alltoall_init(void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Iscatterv(void*, int*, int*, MPI_Datatype, void*, int, MPI_Datatype, int, MPI_Comm, MPI_Request*)
    int MPI_Scatterv_init(void*, int*, int*, MPI_Datatype, void*, int, MPI_Datatype, int, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Igatherv(void*, int, MPI_Datatype, void*, int*, int*, MPI_Datatype, int, MPI_Comm, MPI_Request*)
    int MPI_Gatherv_init(void*, int, MPI_Datatype, void*, int*, int*, MPI_Datatype, int, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Iallgatherv(void*, int, MPI_Datatype, void*, int*, int*, MPI_Datatype, MPI_Comm, MPI_Request*)
    int MPI_Allgatherv_init(void*, int, MPI_Datatype, void*, int*, int*, MPI_Datatype, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Ialltoallv(void*, int*, int*, MPI_Datatype, void*, int*, int*, MPI_Datatype, MPI_Comm, MPI_Request*)
    int MPI_Alltoallv_init(void*, int*, int*, MPI_Datatype, void*, int*, int*, MPI_Datatype, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Alltoallw(void*, int*, int*, MPI_Datatype*, void*, int*, int*, MPI_Datatype*, MPI_Comm)
    int MPI_Ialltoallw(void*, int*, int*, MPI_Datatype*, void*, int*, int*, MPI_Datatype*, MPI_Comm, MPI_Request*)
    int MPI_Alltoallw_init(void*, int*, int*, MPI_Datatype*, void*, int*, int*, MPI_Datatype*, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Ireduce(void*, void*, int, MPI_Datatype, MPI_Op, int, MPI_Comm, MPI_Request*)
    int MPI_Reduce_init(void*, void*, int, MPI_Datatype, MPI_Op, int, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Iallreduce(void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm, MPI_Request*)
    int MPI_Allreduce_init(void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Iscan(void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm, MPI_Request*)
    int MPI_Scan_init(void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Iexscan(void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm, MPI_Request*)
    int MPI_Exscan_init(void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Reduce_scatter_block(void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm)
    int MPI_Ireduce_scatter_block(void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm, MPI_Request*)
    int MPI_Reduce_scatter_block_init(void*, void*, int, MPI_Datatype, MPI_Op, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Reduce_scatter(void*, void*, int*, MPI_Datatype, MPI_Op, MPI_Comm)
    int MPI_Ireduce_scatter(void*, void*, int*, MPI_Datatype, MPI_Op, MPI_Comm, MPI_Request*)
    int MPI_Reduce_scatter_init(void*, void*, int*, MPI_Datatype, MPI_Op, MPI_Comm, MPI_Info, MPI_Request*)
    enum: MPI_CART
    enum: MPI_GRAPH
    enum: MPI_DIST_GRAPH
    int* MPI_UNWEIGHTED
    int* MPI_WEIGHTS_EMPTY
    int MPI_Topo_test(MPI_Comm, int*)
    int MPI_Cart_create(MPI_Comm, int, int*, int*, int, MPI_Comm*)
    int MPI_Cartdim_get(MPI_Comm, int*)
    int MPI_Cart_get(MPI_Comm, int, int*, int*, int*)
    int MPI_Cart_rank(MPI_Comm, int*, int*)
    int MPI_Cart_coords(MPI_Comm, int, int, int*)
    int MPI_Cart_shift(MPI_Comm, int, int, int*, int*)
    int MPI_Cart_sub(MPI_Comm, int*, MPI_Comm*)
    int MPI_Cart_map(MPI_Comm, int, int*, int*, int*)
    int MPI_Dims_create(int, int, int*)
    int MPI_Graph_create(MPI_Comm, int, int*, int*, int, MPI_Comm*)
    int MPI_Graphdims_get(MPI_Comm, int*, int*)
    int MPI_Graph_get(MPI_Comm, int, int, int*, int*)
    int MPI_Graph_neighbors_count(MPI_Comm, int, int*)
    int MPI_Graph_neighbors(MPI_Comm, int, int, int*)
    int MPI_Graph_map(MPI_Comm, int, int*, int*, int*)
    int MPI_Dist_graph_create(MPI_Comm, int, int*, int*, int*, int*, MPI_Info, int, MPI_Comm*)
    int MPI_Dist_graph_create_adjacent(MPI_Comm, int, int*, int*, int, int*, int*, MPI_Info, int, MPI_Comm*)
    int MPI_Dist_graph_neighbors_count(MPI_Comm, int*, int*, int*)
    int MPI_Dist_graph_neighbors(MPI_Comm, int, int*, int*, int, int*, int*)
    int MPI_Neighbor_allgather(void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm)
    int MPI_Neighbor_alltoall(void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm)
    int MPI_Ineighbor_allgather(void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm, MPI_Request*)
    int MPI_Ineighbor_alltoall(void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm, MPI_Request*)
    int MPI_Neighbor_allgather_init(void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Neighbor_alltoall_init(void*, int, MPI_Datatype, void*, int, MPI_Datatype, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Neighbor_allgatherv(void*, int, MPI_Datatype, void*, int*, int*, MPI_Datatype, MPI_Comm)
    int MPI_Neighbor_alltoallv(void*, int*, int*, MPI_Datatype, void*, int*, int*, MPI_Datatype, MPI_Comm)
    int MPI_Neighbor_alltoallw(void*, int*, MPI_Aint*, MPI_Datatype*, void*, int*, MPI_Aint*, MPI_Datatype*, MPI_Comm)
    int MPI_Ineighbor_allgatherv(void*, int, MPI_Datatype, void*, int*, int*, MPI_Datatype, MPI_Comm, MPI_Request*)
    int MPI_Neighbor_allgatherv_init(void*, int, MPI_Datatype, void*, int*, int*, MPI_Datatype, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Ineighbor_alltoallv(void*, int*, int*, MPI_Datatype, void*, int*, int*, MPI_Datatype, MPI_Comm, MPI_Request*)
    int MPI_Neighbor_alltoallv_init(void*, int*, int*, MPI_Datatype, void*, int*, int*, MPI_Datatype, MPI_Comm, MPI_Info, MPI_Request*)
    int MPI_Ineighbor_alltoallw(void*, int*, MPI_Aint*, MPI_Datatype*, void*, int*, MPI_Aint*, MPI_Datatype*, MPI_Comm, MPI_Request*)
    int MPI_Neighbor_alltoallw_init(void*, int*, MPI_Aint*, MPI_Datatype*, void*, int*, MPI_Aint*, MPI_Datatype*, MPI_Comm, MPI_Info, MPI_Request*)
    enum: MPI_MAX_PORT_NAME
    int MPI_Comm_spawn(char*, char**, int, MPI_Info, int, MPI_Comm, MPI_Comm*, int*)
    int MPI_Comm_spawn_multiple(int, char**, char***, int*, MPI_Info*, int, MPI_Comm, MPI_Comm*, int*)
    int MPI_Comm_get_parent(MPI_Comm*)
    int MPI_Comm_disconnect(MPI_Comm*)
    int MPI_Comm_join(int, MPI_Comm*)
    int MPI_Comm_accept(char*, MPI_Info, int, MPI_Comm, MPI_Comm*)
    int MPI_Comm_connect(char*, MPI_Info, int, MPI_Comm, MPI_Comm*)
    int MPI_Open_port(MPI_Info, char*)
    int MPI_Close_port(char*)
    int MPI_Publish_name(char*, MPI_Info, char*)
    int MPI_Unpublish_name(char*, MPI_Info, char*)
    int MPI_Lookup_name(char*, MPI_Info, char*)
    enum: MPI_HOST
    enum: MPI_IO
    enum: MPI_WTIME_IS_GLOBAL
    enum: MPI_UNIVERSE_SIZE
    enum: MPI_APPNUM
    enum: MPI_LASTUSEDCODE
    ctypedef int MPI_Comm_copy_attr_function(MPI_Comm, int, void*, void*, void*, int*) noexcept
    ctypedef int MPI_Comm_delete_attr_function(MPI_Comm, int, void*, void*) noexcept
    int MPI_Comm_create_keyval(MPI_Comm_copy_attr_function*, MPI_Comm_delete_attr_function*, int*, void*)
    int MPI_Comm_free_keyval(int*)
    int MPI_Comm_set_attr(MPI_Comm, int, void*)
    int MPI_Comm_get_attr(MPI_Comm, int, void*, int*)
    int MPI_Comm_delete_attr(MPI_Comm, int)
    ctypedef int MPI_Win_copy_attr_function(MPI_Win, int, void*, void*, void*, int*) noexcept
    ctypedef int MPI_Win_delete_attr_function(MPI_Win, int, void*, void*) noexcept
    int MPI_Win_create_keyval(MPI_Win_copy_attr_function*, MPI_Win_delete_attr_function*, int*, void*)
    int MPI_Win_free_keyval(int*)
    int MPI_Win_set_attr(MPI_Win, int, void*)
    int MPI_Win_delete_attr(MPI_Win, int)
    ctypedef int MPI_Type_copy_attr_function(MPI_Datatype, int, void*, void*, void*, int*) noexcept
    ctypedef int MPI_Type_delete_attr_function(MPI_Datatype, int, void*, void*) noexcept
    int MPI_Type_create_keyval(MPI_Type_copy_attr_function*, MPI_Type_delete_attr_function*, int*, void*)
    int MPI_Type_free_keyval(int*)
    int MPI_Type_set_attr(MPI_Datatype, int, void*)
    int MPI_Type_get_attr(MPI_Datatype, int, void*, int*)
    int MPI_Type_delete_attr(MPI_Datatype, int)
    enum: MPI_MAX_INFO_KEY
    enum: MPI_MAX_INFO_VAL
    int MPI_Info_create(MPI_Info*)
    int MPI_Info_free(MPI_Info*)
    int MPI_Info_dup(MPI_Info, MPI_Info*)
    int MPI_Info_set(MPI_Info, char*, char*)
    int MPI_Info_delete(MPI_Info, char*)
    int MPI_Info_get(MPI_Info, char*, int, char*, int*)
    int MPI_Info_get_valuelen(MPI_Info, char*, int*, int*)
    int MPI_Info_get_nkeys(MPI_Info, int*)
    int MPI_Info_get_nthkey(MPI_Info, int, char*)
    int MPI_Info_create_env(int, char**, MPI_Info*)
    MPI_Win MPI_WIN_NULL
    enum: MPI_LOCK_EXCLUSIVE
    enum: MPI_LOCK_SHARED
    enum: MPI_MODE_NOCHECK
    enum: MPI_MODE_NOSTORE
    enum: MPI_MODE_NOPUT
    enum: MPI_MODE_NOPRECEDE
    enum: MPI_MODE_NOSUCCEED
    enum: MPI_WIN_BASE
    enum: MPI_WIN_SIZE
    enum: MPI_WIN_DISP_UNIT
    enum: MPI_WIN_CREATE_FLAVOR
    enum: MPI_WIN_MODEL
    enum: MPI_WIN_FLAVOR_CREATE
    enum: MPI_WIN_FLAVOR_ALLOCATE
    enum: MPI_WIN_FLAVOR_DYNAMIC
    enum: MPI_WIN_FLAVOR_SHARED
    enum: MPI_WIN_SEPARATE
    enum: MPI_WIN_UNIFIED
    int MPI_Win_create(void*, MPI_Aint, int, MPI_Info, MPI_Comm, MPI_Win*)
    int MPI_Win_allocate(MPI_Aint, int, MPI_Info, MPI_Comm, void*, MPI_Win*)
    int MPI_Win_allocate_shared(MPI_Aint, int, MPI_Info, MPI_Comm, void*, MPI_Win*)
    int MPI_Win_shared_query(MPI_Win, int, MPI_Aint*, int*, void*)
    int MPI_Win_create_dynamic(MPI_Info, MPI_Comm, MPI_Win*)
    int MPI_Win_attach(MPI_Win, void*, MPI_Aint)
    int MPI_Win_detach(MPI_Win, void*)
    int MPI_Win_free(MPI_Win*)
    int MPI_Win_get_group(MPI_Win, MPI_Group*)
    int MPI_Win_get_attr(MPI_Win, int, void*, int*)
    int MPI_Win_set_info(MPI_Win, MPI_Info)
    int MPI_Win_get_info(MPI_Win, MPI_Info*)
    int MPI_Win_set_name(MPI_Win, char*)
    int MPI_Win_get_name(MPI_Win, char*, int*)
    int MPI_Win_set_errhandler(MPI_Win, MPI_Errhandler)
    int MPI_Put(void*, int, MPI_Datatype, int, MPI_Aint, int, MPI_Datatype, MPI_Win)
    int MPI_Get(void*, int, MPI_Datatype, int, MPI_Aint, int, MPI_Datatype, MPI_Win)
    int MPI_Accumulate(void*, int, MPI_Datatype, int, MPI_Aint, int, MPI_Datatype, MPI_Op, MPI_Win)
    int MPI_Get_accumulate(void*, int, MPI_Datatype, void*, int, MPI_Datatype, int, MPI_Aint, int, MPI_Datatype, MPI_Op, MPI_Win)
    int MPI_Fetch_and_op(void*, void*, MPI_Datatype, int, MPI_Aint, MPI_Op, MPI_Win)
    int MPI_Compare_and_swap(void*, void*, void*, MPI_Datatype, int, MPI_Aint, MPI_Win)
    int MPI_Rput(void*, int, MPI_Datatype, int, MPI_Aint, int, MPI_Datatype, MPI_Win, MPI_Request*)
    int MPI_Rget(void*, int, MPI_Datatype, int, MPI_Aint, int, MPI_Datatype, MPI_Win, MPI_Request*)
    int MPI_Raccumulate(void*, int, MPI_Datatype, int, MPI_Aint, int, MPI_Datatype, MPI_Op, MPI_Win, MPI_Request*)
    int MPI_Rget_accumulate(void*, int, MPI_Datatype, void*, int, MPI_Datatype, int, MPI_Aint, int, MPI_Datatype, MPI_Op, MPI_Win, MPI_Request*)
    int MPI_Win_fence(int, MPI_Win)
    int MPI_Win_start(MPI_Group, int, MPI_Win)
    int MPI_Win_complete(MPI_Win)
    int MPI_Win_post(MPI_Group, int, MPI_Win)
    int MPI_Win_wait(MPI_Win)
    int MPI_Win_test(MPI_Win, int*)
    int MPI_Win_lock(int, int, int, MPI_Win)
    int MPI_Win_unlock(int, MPI_Win)
    int MPI_Win_lock_all(int, MPI_Win)
    int MPI_Win_unlock_all(MPI_Win)
    int MPI_Win_flush(int, MPI_Win)
    int MPI_Win_flush_all(MPI_Win)
    int MPI_Win_flush_local(int, MPI_Win)
    int MPI_Win_flush_local_all(MPI_Win)
    int MPI_Win_sync(MPI_Win)
    MPI_File MPI_FILE_NULL
    enum: MPI_MODE_RDONLY
    enum: MPI_MODE_WRONLY
    enum: MPI_MODE_RDWR
    enum: MPI_MODE_CREATE
    enum: MPI_MODE_EXCL
    enum: MPI_MODE_DELETE_ON_CLOSE
    enum: MPI_MODE_UNIQUE_OPEN
    enum: MPI_MODE_SEQUENTIAL
    enum: MPI_MODE_APPEND
    enum: MPI_SEEK_SET
    enum: MPI_SEEK_CUR
    enum: MPI_SEEK_END
    enum: MPI_DISPLACEMENT_CURRENT
    enum: MPI_MAX_DATAREP_STRING
    ctypedef int MPI_Datarep_conversion_function(void*, MPI_Datatype, int, void*, MPI_Offset, void*) noexcept
    ctypedef int MPI_Datarep_extent_function(MPI_Datatype, MPI_Aint*, void*) noexcept
    int MPI_File_open(MPI_Comm, char*, int, MPI_Info, MPI_File*)
    int MPI_File_close(MPI_File*)
    int MPI_File_delete(char*, MPI_Info)
    int MPI_File_set_size(MPI_File, MPI_Offset)
    int MPI_File_preallocate(MPI_File, MPI_Offset)
    int MPI_File_get_size(MPI_File, MPI_Offset*)
    int MPI_File_get_group(MPI_File, MPI_Group*)
    int MPI_File_get_amode(MPI_File, int*)
    int MPI_File_set_info(MPI_File, MPI_Info)
    int MPI_File_get_info(MPI_File, MPI_Info*)
    int MPI_File_set_errhandler(MPI_File, MPI_Errhandler)
    int MPI_File_set_view(MPI_File, MPI_Offset, MPI_Datatype, MPI_Datatype, char*, MPI_Info)
    int MPI_File_get_view(MPI_File, MPI_Offset*, MPI_Datatype*, MPI_Datatype*, char*)
    int MPI_File_read_at(MPI_File, MPI_Offset, void*, int, MPI_Datatype, MPI_Status*)
    int MPI_File_read_at_all(MPI_File, MPI_Offset, void*, int, MPI_Datatype, MPI_Status*)
    int MPI_File_write_at(MPI_File, MPI_Offset, void*, int, MPI_Datatype, MPI_Status*)
    int MPI_File_write_at_all(MPI_File, MPI_Offset, void*, int, MPI_Datatype, MPI_Status*)
    int MPI_File_iread_at(MPI_File, MPI_Offset, void*, int, MPI_Datatype, MPI_Request*)
    int MPI_File_iwrite_at(MPI_File, MPI_Offset, void*, int, MPI_Datatype, MPI_Request*)
    int MPI_File_iread_at_all(MPI_File, MPI_Offset, void*, int, MPI_Datatype, MPI_Request*)
    int MPI_File_iwrite_at_all(MPI_File, MPI_Offset, void*, int, MPI_Datatype, MPI_Request*)
    int MPI_File_read(MPI_File, void*, int, MPI_Datatype, MPI_Status*)
    int MPI_File_read_all(MPI_File, void*, int, MPI_Datatype, MPI_Status*)
    int MPI_File_write(MPI_File, void*, int, MPI_Datatype, MPI_Status*)
    int MPI_File_write_all(MPI_File, void*, int, MPI_Datatype, MPI_Status*)
    int MPI_File_iread(MPI_File, void*, int, MPI_Datatype, MPI_Request*)
    int MPI_File_iwrite(MPI_File, void*, int, MPI_Datatype, MPI_Request*)
    int MPI_File_iread_all(MPI_File, void*, int, MPI_Datatype, MPI_Request*)
    int MPI_File_iwrite_all(MPI_File, void*, int, MPI_Datatype, MPI_Request*)
    int MPI_File_seek(MPI_File, MPI_Offset, int)
    int MPI_File_get_position(MPI_File, MPI_Offset*)
    int MPI_File_get_byte_offset(MPI_File, MPI_Offset, MPI_Offset*)
    int MPI_File_read_shared(MPI_File, void*, int, MPI_Datatype, MPI_Status*)
    int MPI_File_write_shared(MPI_File, void*, int, MPI_Datatype, MPI_Status*)
    int MPI_File_iread_shared(MPI_File, void*, int, MPI_Datatype, MPI_Request*)
    int MPI_File_iwrite_shared(MPI_File, void*, int, MPI_Datatype, MPI_Request*)
    int MPI_File_read_ordered(MPI_File, void*, int, MPI_Datatype, MPI_Status*)
    int MPI_File_write_ordered(MPI_File, void*, int, MPI_Datatype, MPI_Status*)
    int MPI_File_seek_shared(MPI_File, MPI_Offset, int)
    int MPI_File_get_position_shared(MPI_File, MPI_Offset*)
    int MPI_File_read_at_all_begin(MPI_File, MPI_Offset, void*, int, MPI_Datatype)
    int MPI_File_read_at_all_end(MPI_File, void*, MPI_Status*)
    int MPI_File_write_at_all_begin(MPI_File, MPI_Offset, void*, int, MPI_Datatype)
    int MPI_File_write_at_all_end(MPI_File, void*, MPI_Status*)
    int MPI_File_read_all_begin(MPI_File, void*, int, MPI_Datatype)
    int MPI_File_read_all_end(MPI_File, void*, MPI_Status*)
    int MPI_File_write_all_begin(MPI_File, void*, int, MPI_Datatype)
    int MPI_File_write_all_end(MPI_File, void*, MPI_Status*)
    int MPI_File_read_ordered_begin(MPI_File, void*, int, MPI_Datatype)
    int MPI_File_read_ordered_end(MPI_File, void*, MPI_Status*)
    int MPI_File_write_ordered_begin(MPI_File, void*, int, MPI_Datatype)
    int MPI_File_write_ordered_end(MPI_File, void*, MPI_Status*)
    int MPI_File_get_type_extent(MPI_File, MPI_Datatype, MPI_Aint*)
    int MPI_File_set_atomicity(MPI_File, int)
    int MPI_File_get_atomicity(MPI_File, int*)
    int MPI_File_sync(MPI_File)
    int MPI_Register_datarep(char*, MPI_Datarep_conversion_function*, MPI_Datarep_conversion_function*, MPI_Datarep_extent_function*, void*)
    MPI_Session MPI_SESSION_NULL
    enum: MPI_MAX_PSET_NAME_LEN
    enum: MPI_MAX_STRINGTAG_LEN
    int MPI_Session_init(MPI_Info, MPI_Errhandler, MPI_Session*)
    int MPI_Session_finalize(MPI_Session*)
    int MPI_Session_get_num_psets(MPI_Session, MPI_Info, int*)
    int MPI_Session_get_nth_pset(MPI_Session, MPI_Info, int, int*, char*)
    int MPI_Session_get_info(MPI_Session, MPI_Info*)
    int MPI_Session_get_pset_info(MPI_Session, char*, MPI_Info*)
    int MPI_Group_from_session_pset(MPI_Session, char*, MPI_Group*)
    int MPI_Comm_create_from_group(MPI_Group, char*, MPI_Info, MPI_Errhandler, MPI_Comm*)
    int MPI_Session_attach_buffer(MPI_Session, void*, int)
    int MPI_Session_detach_buffer(MPI_Session, void*, int*)
    int MPI_Session_flush_buffer(MPI_Session)
    int MPI_Session_iflush_buffer(MPI_Session, MPI_Request*)
