# Process groups (basic): size, rank, Free.

cdef class Group:
    """Group of processes."""

    cdef MPI_Group ob_mpi
    cdef bint predefined

    def __cinit__(self, Group group=None):
        self.ob_mpi = MPI_GROUP_NULL
        if group is not None:
            self.ob_mpi = group.ob_mpi
            self.predefined = group.predefined

    def __richcmp__(self, other, int op):
        if not isinstance(other, Group) or op not in (2, 3):
            return NotImplemented
        cdef bint same = (<Group>self).ob_mpi == (<Group>other).ob_mpi
        return same if op == 2 else not same

    def __bool__(self):
        return self.ob_mpi != MPI_GROUP_NULL

    def Get_size(self):
        """Number of processes in the group."""
        cdef int size = 0
        CHKERR(MPI_Group_size(self.ob_mpi, &size))
        return size

    def Get_rank(self):
        """Rank of the calling process in the group (``UNDEFINED`` if not a member)."""
        cdef int rank = MPI_UNDEFINED
        CHKERR(MPI_Group_rank(self.ob_mpi, &rank))
        return rank

    size = property(Get_size, doc="number of processes")
    rank = property(Get_rank, doc="rank of this process")

    def Free(self):
        """Free the group."""
        if self.predefined:
            raise ValueError("Group.Free: cannot free a predefined group")
        CHKERR(MPI_Group_free(&self.ob_mpi))


GROUP_NULL = Group()
(<Group>GROUP_NULL).predefined = True
GROUP_EMPTY = Group()
(<Group>GROUP_EMPTY).ob_mpi = MPI_GROUP_EMPTY
(<Group>GROUP_EMPTY).predefined = True
