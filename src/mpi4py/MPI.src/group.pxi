# Process groups: queries, set operations, rank translation and subsets.


cdef extern from *:
    Py_ssize_t _h2i_Group "(Py_ssize_t)" (MPI_Group) nogil
    MPI_Group _i2h_Group "(MPI_Group)(Py_ssize_t)" (Py_ssize_t) nogil


cdef class Group:
    """Group of processes."""

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

    def __reduce__(self):
        return _reduce_handle(self)

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
        if self.predefined:
            raise Exception(MPI_ERR_GROUP)  # what MPI reports; some MPIs abort on it
        CHKERR(MPI_Group_free(&self.ob_mpi))

    def py2f(self):
        """Fortran handle."""
        return MPI_Group_c2f(self.ob_mpi)

    @classmethod
    def f2py(cls, arg):
        """Group from a Fortran handle."""
        cdef Group group = Group.__new__(Group)
        group.ob_mpi = MPI_Group_f2c(arg)
        return group

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _h2i_Group(self.ob_mpi)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        cdef Group obj = cls.__new__(cls)
        obj.ob_mpi = _i2h_Group(handle)
        return obj

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return MPI_Group_c2f(self.ob_mpi)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        cdef Group obj = cls.__new__(cls)
        obj.ob_mpi = MPI_Group_f2c(arg)
        return obj

    def free(self):
        """Free the handle unless it is null or predefined (never raises for those)."""
        if self.ob_mpi != MPI_GROUP_NULL and not self.predefined:
            CHKERR(MPI_Group_free(&self.ob_mpi))


GROUP_NULL = Group()
(<Group>GROUP_NULL).predefined = True
GROUP_EMPTY = Group()
(<Group>GROUP_EMPTY).ob_mpi = MPI_GROUP_EMPTY
(<Group>GROUP_EMPTY).predefined = True
