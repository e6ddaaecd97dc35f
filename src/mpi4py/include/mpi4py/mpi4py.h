/* The C API of mpi4py, for C/C++ extension modules (#include "mpi4py/mpi4py.h" with
 * -I$(python -c "import mpi4py; print(mpi4py.get_include())")).
 *
 * Call import_mpi4py() once (e.g. in the module's init function; it returns -1 with a Python
 * exception set on failure), then for every MPI handle type X (Comm, Datatype, Request, Status, Op,
 * Group, Info, Errhandler, Win, File, Message, Session):
 *   PyObject *PyMPIX_New(MPI_X handle)   a new mpi4py.MPI.X wrapping the handle (not owning it:
 *                                        nothing frees the handle when the object dies);
 *                                        PyMPIStatus_New takes an MPI_Status *, PyMPIComm_New returns
 *                                        the matching subclass (Intracomm, Cartcomm, Intercomm, ...),
 *                                        PyMPIPrequest_New/PyMPIGrequest_New the request subclasses;
 *   MPI_X *PyMPIX_Get(PyObject *obj)     the address of obj's handle, or NULL with TypeError set
 *                                        (PyMPIStatus_Get(Py_None) is NULL: MPI_STATUS_IGNORE).
 * The prototypes come from MPI_api.h, the header Cython generates for the mpi4py.MPI module.
 * Nothing here depends on one MPI: build against the mpi.h of the MPI that mpi4py uses at run time. */
#ifndef MPI4PY_H
#define MPI4PY_H

#include <Python.h>
#include <mpi.h>

#include "mpi4py_compat.h"
#include "MPI_api.h"

static inline int import_mpi4py(void) { return import_mpi4py__MPI(); }

#endif /* MPI4PY_H */
