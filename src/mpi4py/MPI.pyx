# cython: language_level=3
"""Message Passing Interface (MPI) bindings."""

cimport cython

include "libmpi.pxi"
include "MPI.src/buildinfo.pxi"  # which libmpi.sym symbols this build compiled as fallbacks

# One area per include file; a file may use names from the ones before it.
include "MPI.src/errors.pxi"
include "MPI.src/strings.pxi"  # str/bytes arguments handed to MPI as C strings
include "MPI.src/handles.pxi"  # the handle protocol every MPI object class shares
include "MPI.src/callbacks.pxi"  # what MPI calls back: handle kinds, error-handler trampolines
include "MPI.src/attr.pxi"  # attributes under keyvals created from Python (Comm, Datatype, Win)
include "MPI.src/env.pxi"
include "MPI.src/info.pxi"
include "MPI.src/datatype.pxi"
include "MPI.src/op.pxi"
include "MPI.src/status.pxi"
include "MPI.src/request.pxi"
include "MPI.src/msgbuffer.pxi"
include "MPI.src/memory.pxi"
include "MPI.src/msgpickle.pxi"
include "MPI.src/p2p.pxi"
include "MPI.src/coll.pxi"
include "MPI.src/group.pxi"
include "MPI.src/comm.pxi"
include "MPI.src/message.pxi"
include "MPI.src/dynamic.pxi"
include "MPI.src/intra.pxi"
include "MPI.src/inter.pxi"
include "MPI.src/topo.pxi"
include "MPI.src/commctx.pxi"  # per-communicator locks and private duplicates
include "MPI.src/win.pxi"
include "MPI.src/file.pxi"
include "MPI.src/session.pxi"
include "MPI.src/capi.pxi"  # the C API (cdef api functions) and the handle helpers
include "MPI.src/init.pxi"
include "MPI.src/pickling.pxi"
