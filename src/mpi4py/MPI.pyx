# cython: language_level=3
"""Message Passing Interface (MPI) bindings."""

cimport cython

include "libmpi.pxi"
include "MPI/buildinfo.pxi"  # which libmpi.sym symbols this build compiled as fallbacks

# One area per include file; a file may use names from the ones before it.
include "MPI/errors.pxi"
include "MPI/callbacks.pxi"  # what MPI calls back: handle kinds, error-handler trampolines
include "MPI/attr.pxi"  # attributes under keyvals created from Python (Comm, Datatype, Win)
include "MPI/env.pxi"
include "MPI/info.pxi"
include "MPI/datatype.pxi"
include "MPI/op.pxi"
include "MPI/status.pxi"
include "MPI/request.pxi"
include "MPI/msgbuffer.pxi"
include "MPI/memory.pxi"
include "MPI/msgpickle.pxi"
include "MPI/p2p.pxi"
include "MPI/coll.pxi"
include "MPI/group.pxi"
include "MPI/comm.pxi"
include "MPI/message.pxi"
include "MPI/dynamic.pxi"
include "MPI/intra.pxi"
include "MPI/inter.pxi"
include "MPI/topo.pxi"
include "MPI/commctx.pxi"  # per-communicator locks and private duplicates
include "MPI/win.pxi"
include "MPI/file.pxi"
include "MPI/session.pxi"
include "MPI/capi.pxi"  # the C API (cdef api functions) and the handle helpers
include "MPI/init.pxi"
include "MPI/pickling.pxi"
