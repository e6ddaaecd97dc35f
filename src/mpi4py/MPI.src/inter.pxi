# Intercommunicators.


cdef class Intercomm(Comm):
    """Intercommunicator."""

    def Get_remote_group(self):
        """Group of the remote processes."""
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Comm_remote_group(self.ob_mpi, &group.ob_mpi))
        return group

    def Get_remote_size(self):
        """Number of remote processes."""
        cdef int size = 0
        CHKERR(MPI_Comm_remote_size(self.ob_mpi, &size))
        return size

    remote_group = property(Get_remote_group, doc="remote group")
    remote_size = property(Get_remote_size, doc="number of remote processes")

    @classmethod
    def Create_from_groups(cls, Group local_group not None, int local_leader, Group remote_group not None,
                           int remote_leader, stringtag="org.mpi4py", info=None, errhandler=None):
        """Intercommunicator between two disjoint groups without a parent communicator (MPI-4)."""
        cdef Intercomm comm = Intercomm.__new__(Intercomm)
        cdef bytes tag = arg_string(stringtag, "stringtag")
        cdef char *ctag = tag
        cdef MPI_Errhandler eh = arg_errhandler("Intercomm.Create_from_groups", errhandler)
        cdef MPI_Info cinfo = arg_info(info)
        with nogil:
            CHKERR(MPI_Intercomm_create_from_groups(local_group.ob_mpi, local_leader, remote_group.ob_mpi,
                                                    remote_leader, ctag, cinfo, eh, &comm.ob_mpi))
        return comm

    def Merge(self, bint high=False):
        """Merge both sides into an intracommunicator (``high`` side ordered last)."""
        cdef Intracomm comm = Intracomm.__new__(Intracomm)
        with nogil:
            CHKERR(MPI_Intercomm_merge(self.ob_mpi, high, &comm.ob_mpi))
        return comm
