# Process groups: queries, set operations, rank translation and subsets.


cdef class Group:
    """Group of processes."""

    def __cinit__(self, Group group=None):
        _handle_init(self, group)

    def __richcmp__(self, other, int op):
        return _handle_richcmp(self, other, op)

    def __reduce__(self):
        return _reduce_handle(self)

    def __bool__(self):
        return _handle_bool(self)

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

    def Translate_ranks(self, ranks=None, Group group=None):
        """Ranks in ``group`` (default: this group) of the processes with ``ranks`` here (default: all)."""
        if ranks is None:
            ranks = range(self.Get_size())
        cdef _IntArray r1 = _IntArray(ranks, "ranks")
        cdef _IntArray r2 = _IntArray(range(r1.n), "ranks")
        cdef MPI_Group other = self.ob_mpi if group is None else group.ob_mpi
        CHKERR(MPI_Group_translate_ranks(self.ob_mpi, r1.n, r1.data, other, r2.data))
        return r2.tolist()

    def Compare(self, Group group):
        """Compare two groups: ``IDENT``, ``SIMILAR`` or ``UNEQUAL``."""
        cdef int flag = MPI_UNEQUAL
        CHKERR(MPI_Group_compare(self.ob_mpi, group.ob_mpi, &flag))
        return flag

    def Dup(self):
        """Duplicate the group."""
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Group_union(self.ob_mpi, MPI_GROUP_EMPTY, &group.ob_mpi))
        return group

    @classmethod
    def Union(cls, Group group1, Group group2):
        """Processes in either group."""
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Group_union(group1.ob_mpi, group2.ob_mpi, &group.ob_mpi))
        return group

    @classmethod
    def Intersection(cls, Group group1, Group group2):
        """Processes in both groups."""
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Group_intersection(group1.ob_mpi, group2.ob_mpi, &group.ob_mpi))
        return group

    Intersect = Intersection

    @classmethod
    def Create_from_session_pset(cls, session, pset_name):
        """Group of the processes in the process set ``pset_name`` of ``session`` (MPI-4)."""
        if not isinstance(session, Session):
            raise TypeError(f"Group.Create_from_session_pset: session must be an MPI.Session, got {type(session).__name__}")
        return session.Create_group(pset_name)

    @classmethod
    def Difference(cls, Group group1, Group group2):
        """Processes of ``group1`` not in ``group2``."""
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Group_difference(group1.ob_mpi, group2.ob_mpi, &group.ob_mpi))
        return group

    def Incl(self, ranks):
        """Subgroup of the processes with the given ranks (in that order)."""
        cdef _IntArray r = _IntArray(ranks, "ranks")
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Group_incl(self.ob_mpi, r.n, r.data, &group.ob_mpi))
        return group

    def Excl(self, ranks):
        """Subgroup without the processes with the given ranks."""
        cdef _IntArray r = _IntArray(ranks, "ranks")
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Group_excl(self.ob_mpi, r.n, r.data, &group.ob_mpi))
        return group

    def Range_incl(self, ranks):
        """Subgroup from ``(first, last, stride)`` rank triples."""
        cdef _IntArray r = _IntArray(ranks, "ranks", 3)
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Group_range_incl(self.ob_mpi, r.n, <void*>r.data, &group.ob_mpi))
        return group

    def Range_excl(self, ranks):
        """Subgroup without the ``(first, last, stride)`` rank triples."""
        cdef _IntArray r = _IntArray(ranks, "ranks", 3)
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_Group_range_excl(self.ob_mpi, r.n, <void*>r.data, &group.ob_mpi))
        return group

    def Free(self):
        """Free the group."""
        _owned_release(self)

    def py2f(self):
        """Fortran handle."""
        return _handle_py2f(self)

    @classmethod
    def f2py(cls, arg):
        """Group from a Fortran handle."""
        return _handle_f2py(<Group>Group.__new__(Group), arg)

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _handle_int(self)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        return _handle_fromhandle(<Group?>cls.__new__(cls), handle)

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return _handle_py2f(self)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        return _handle_f2py(<Group?>cls.__new__(cls), arg)

    def free(self):
        """Free the handle unless it is null or predefined (never raises for those)."""
        _owned_free(self)


GROUP_NULL = Group()
(<Group>GROUP_NULL).predefined = True
GROUP_EMPTY = Group()
(<Group>GROUP_EMPTY).ob_mpi = MPI_GROUP_EMPTY
(<Group>GROUP_EMPTY).predefined = True
