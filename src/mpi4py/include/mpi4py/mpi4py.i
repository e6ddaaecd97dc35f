/* SWIG interface for mpi4py: MPI handles as mpi4py.MPI objects.
 *
 *   %include "mpi4py/mpi4py.i"    (swig -I$(python -c "import mpi4py; print(mpi4py.get_include())"))
 *
 * applies the typemaps below to every MPI handle type but MPI_Status (MPI_Comm, MPI_Datatype, ...);
 * %mpi4py_typemap(Name, MPI_Name) applies them to one type.
 * An argument of type MPI_X accepts an mpi4py.MPI.X (TypeError otherwise); an argument of type MPI_X*
 * gets the address of the object's handle (functions that create or free a handle update the
 * object).  A result of type MPI_X becomes a new mpi4py.MPI.X wrapping (not owning) the handle.
 * Compile the generated wrapper with the include directory above and the MPI compiler wrapper. */

%{
#include "mpi4py/mpi4py.h"
%}

%init %{
if (import_mpi4py() < 0) return NULL;
%}

%define %mpi4py_typemap(TYPE, MPI_TYPE)

%typemap(in, noblock=1) MPI_TYPE (MPI_TYPE *handle = NULL) {
  handle = PyMPI##TYPE##_Get($input);
  if (handle == NULL) SWIG_fail;
  $1 = *handle;
}
%typemap(typecheck, noblock=1, precedence=SWIG_TYPECHECK_POINTER) MPI_TYPE {
  $1 = PyMPI##TYPE##_Get($input) != NULL;
  if (!$1) PyErr_Clear();
}
%typemap(in, noblock=1) MPI_TYPE * {
  $1 = PyMPI##TYPE##_Get($input);
  if ($1 == NULL) SWIG_fail;
}
%typemap(out, noblock=1) MPI_TYPE {
  $result = PyMPI##TYPE##_New($1);
  if ($result == NULL) SWIG_fail;
}

%enddef

%mpi4py_typemap(Comm, MPI_Comm);
%mpi4py_typemap(Datatype, MPI_Datatype);
%mpi4py_typemap(Request, MPI_Request);
%mpi4py_typemap(Message, MPI_Message);
%mpi4py_typemap(Op, MPI_Op);
%mpi4py_typemap(Group, MPI_Group);
%mpi4py_typemap(Info, MPI_Info);
%mpi4py_typemap(Errhandler, MPI_Errhandler);
%mpi4py_typemap(Session, MPI_Session);
%mpi4py_typemap(Win, MPI_Win);
%mpi4py_typemap(File, MPI_File);
