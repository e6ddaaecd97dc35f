# cython: language_level=3
"""Message Passing Interface (MPI) bindings."""

include "libmpi.pxi"

# One area per include file; order matters where a file uses names from an earlier one.
include "MPI/errors.pxi"
include "MPI/env.pxi"
include "MPI/comm.pxi"
include "MPI/init.pxi"
