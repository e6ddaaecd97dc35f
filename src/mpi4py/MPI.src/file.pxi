# Parallel I/O: the File class (open/close, views, explicit-offset, individual and shared file
# pointer reads and writes in blocking, nonblocking, collective and split-collective forms).

import os as _os


cdef bytes _file_name(object filename, str where):
    try:
        return _os.fsencode(filename)
    except TypeError:
        raise TypeError(f"{where}: filename must be str, bytes or os.PathLike, got {type(filename).__name__}") from None


cdef inline _Msg _io_msg(object buf, bint reading, str where):
    return msg_build(buf, reading, 0, where)


# One split-collective operation may be pending per file: its message stays alive until ..._end.
cdef int _file_split_begin(File file, _Msg m, str where) except -1:
    if file.ob_split is not None:
        raise RuntimeError(f"{where}: a split-collective operation is already pending on this file; "
                           "call its ..._end method first")
    file.ob_split = m
    return 0


cdef void *_file_split_end(File file, buf, str where) except? NULL:
    if file.ob_split is None:
        raise RuntimeError(f"{where}: no split-collective operation is pending; call the ..._begin method first")
    cdef _Msg m = file.ob_split
    if buf is not None and msg_build(buf, False, 0, f"{where}: buf").buf != m.buf:
        raise ValueError(f"{where}: buf is not the buffer passed to the matching ..._begin call")
    return m.buf


# The data-access routines by what they combine: an explicit offset (AT), the shared file pointer (SHARED;
# ORDERED is its collective form) or else the individual one, collective (ALL), writing (WRITE) or reading.
# One helper per form (blocking, nonblocking, split begin/end) maps these flags to the MPI routine.
cdef enum:
    _IO_WRITE = 1
    _IO_ALL = 2
    _IO_AT = 4
    _IO_SHARED = 8
    _IO_ORDERED = 16


cdef int _file_rw(File file, int how, MPI_Offset offset, object buf, Status status, str where) except -1:
    cdef _Msg m = _io_msg(buf, not (how & _IO_WRITE), where)
    cdef MPI_Status *st = _status_ptr(status)
    cdef MPI_File fh = file.ob_mpi
    with nogil:
        if how == _IO_AT:
            CHKERR(MPI_File_read_at(fh, offset, m.buf, m.count, m.dtype, st))
        elif how == _IO_AT | _IO_ALL:
            CHKERR(MPI_File_read_at_all(fh, offset, m.buf, m.count, m.dtype, st))
        elif how == _IO_WRITE | _IO_AT:
            CHKERR(MPI_File_write_at(fh, offset, m.buf, m.count, m.dtype, st))
        elif how == _IO_WRITE | _IO_AT | _IO_ALL:
            CHKERR(MPI_File_write_at_all(fh, offset, m.buf, m.count, m.dtype, st))
        elif how == 0:
            CHKERR(MPI_File_read(fh, m.buf, m.count, m.dtype, st))
        elif how == _IO_ALL:
            CHKERR(MPI_File_read_all(fh, m.buf, m.count, m.dtype, st))
        elif how == _IO_WRITE:
            CHKERR(MPI_File_write(fh, m.buf, m.count, m.dtype, st))
        elif how == _IO_WRITE | _IO_ALL:
            CHKERR(MPI_File_write_all(fh, m.buf, m.count, m.dtype, st))
        elif how == _IO_SHARED:
            CHKERR(MPI_File_read_shared(fh, m.buf, m.count, m.dtype, st))
        elif how == _IO_WRITE | _IO_SHARED:
            CHKERR(MPI_File_write_shared(fh, m.buf, m.count, m.dtype, st))
        elif how == _IO_ORDERED:
            CHKERR(MPI_File_read_ordered(fh, m.buf, m.count, m.dtype, st))
        elif how == _IO_WRITE | _IO_ORDERED:
            CHKERR(MPI_File_write_ordered(fh, m.buf, m.count, m.dtype, st))
    return 0


cdef Request _file_irw(File file, int how, MPI_Offset offset, object buf, str where):
    cdef _Msg m = _io_msg(buf, not (how & _IO_WRITE), where)
    cdef Request req = _new_request(m)
    cdef MPI_File fh = file.ob_mpi
    with nogil:
        if how == _IO_AT:
            CHKERR(MPI_File_iread_at(fh, offset, m.buf, m.count, m.dtype, &req.ob_mpi))
        elif how == _IO_AT | _IO_ALL:
            CHKERR(MPI_File_iread_at_all(fh, offset, m.buf, m.count, m.dtype, &req.ob_mpi))
        elif how == _IO_WRITE | _IO_AT:
            CHKERR(MPI_File_iwrite_at(fh, offset, m.buf, m.count, m.dtype, &req.ob_mpi))
        elif how == _IO_WRITE | _IO_AT | _IO_ALL:
            CHKERR(MPI_File_iwrite_at_all(fh, offset, m.buf, m.count, m.dtype, &req.ob_mpi))
        elif how == 0:
            CHKERR(MPI_File_iread(fh, m.buf, m.count, m.dtype, &req.ob_mpi))
        elif how == _IO_ALL:
            CHKERR(MPI_File_iread_all(fh, m.buf, m.count, m.dtype, &req.ob_mpi))
        elif how == _IO_WRITE:
            CHKERR(MPI_File_iwrite(fh, m.buf, m.count, m.dtype, &req.ob_mpi))
        elif how == _IO_WRITE | _IO_ALL:
            CHKERR(MPI_File_iwrite_all(fh, m.buf, m.count, m.dtype, &req.ob_mpi))
        elif how == _IO_SHARED:
            CHKERR(MPI_File_iread_shared(fh, m.buf, m.count, m.dtype, &req.ob_mpi))
        elif how == _IO_WRITE | _IO_SHARED:
            CHKERR(MPI_File_iwrite_shared(fh, m.buf, m.count, m.dtype, &req.ob_mpi))
    return req


cdef int _file_begin(File file, int how, MPI_Offset offset, object buf, str where) except -1:
    cdef _Msg m = _io_msg(buf, not (how & _IO_WRITE), f"{where}: buf")
    _file_split_begin(file, m, where)
    cdef MPI_File fh = file.ob_mpi
    with nogil:
        if how == _IO_AT | _IO_ALL:
            CHKERR(MPI_File_read_at_all_begin(fh, offset, m.buf, m.count, m.dtype))
        elif how == _IO_WRITE | _IO_AT | _IO_ALL:
            CHKERR(MPI_File_write_at_all_begin(fh, offset, m.buf, m.count, m.dtype))
        elif how == _IO_ALL:
            CHKERR(MPI_File_read_all_begin(fh, m.buf, m.count, m.dtype))
        elif how == _IO_WRITE | _IO_ALL:
            CHKERR(MPI_File_write_all_begin(fh, m.buf, m.count, m.dtype))
        elif how == _IO_ORDERED:
            CHKERR(MPI_File_read_ordered_begin(fh, m.buf, m.count, m.dtype))
        elif how == _IO_WRITE | _IO_ORDERED:
            CHKERR(MPI_File_write_ordered_begin(fh, m.buf, m.count, m.dtype))
    return 0


cdef int _file_end(File file, int how, object buf, Status status, str where) except -1:
    cdef void *p = _file_split_end(file, buf, where)
    cdef MPI_Status *st = _status_ptr(status)
    cdef MPI_File fh = file.ob_mpi
    with nogil:
        if how == _IO_AT | _IO_ALL:
            CHKERR(MPI_File_read_at_all_end(fh, p, st))
        elif how == _IO_WRITE | _IO_AT | _IO_ALL:
            CHKERR(MPI_File_write_at_all_end(fh, p, st))
        elif how == _IO_ALL:
            CHKERR(MPI_File_read_all_end(fh, p, st))
        elif how == _IO_WRITE | _IO_ALL:
            CHKERR(MPI_File_write_all_end(fh, p, st))
        elif how == _IO_ORDERED:
            CHKERR(MPI_File_read_ordered_end(fh, p, st))
        elif how == _IO_WRITE | _IO_ORDERED:
            CHKERR(MPI_File_write_ordered_end(fh, p, st))
    file.ob_split = None
    return 0


cdef class File:
    """File handle for parallel I/O."""

    def __cinit__(self, File file=None):
        _handle_init(self, file)

    def __richcmp__(self, other, int op):
        return _handle_richcmp(self, other, op)

    def __reduce__(self):
        return _reduce_handle(self)

    def __bool__(self):
        return _handle_bool(self)

    def __repr__(self):
        return "<mpi4py.MPI.File: FILE_NULL>" if self.ob_mpi == MPI_FILE_NULL else "<mpi4py.MPI.File>"

    # -- management -----------------------------------------------------------------------------

    @classmethod
    def Open(cls, Intracomm comm not None, filename, int amode=MPI_MODE_RDONLY, Info info not None=INFO_NULL):
        """Open ``filename`` collectively over ``comm`` with access mode ``amode`` (``MODE_*`` flags)."""
        cdef bytes name = _file_name(filename, "File.Open")
        cdef char *cname = name
        cdef File fh = cls.__new__(cls)
        with nogil:
            CHKERR(MPI_File_open(comm.ob_mpi, cname, amode, info.ob_mpi, &fh.ob_mpi))
        _new_handle_errors(1, &fh.ob_mpi)
        return fh

    def Close(self):
        """Close the file (collective)."""
        with nogil:
            CHKERR(MPI_File_close(&self.ob_mpi))
        self.ob_split = None

    @classmethod
    def Delete(cls, filename, Info info not None=INFO_NULL):
        """Delete ``filename``."""
        cdef bytes name = _file_name(filename, "File.Delete")
        cdef char *cname = name
        with nogil:
            CHKERR(MPI_File_delete(cname, info.ob_mpi))

    def Set_size(self, MPI_Offset size):
        """Resize the file to ``size`` bytes (collective)."""
        with nogil:
            CHKERR(MPI_File_set_size(self.ob_mpi, size))

    def Preallocate(self, MPI_Offset size):
        """Reserve storage for the first ``size`` bytes of the file (collective)."""
        with nogil:
            CHKERR(MPI_File_preallocate(self.ob_mpi, size))

    def Get_size(self):
        """Current size of the file in bytes."""
        cdef MPI_Offset size = 0
        with nogil:
            CHKERR(MPI_File_get_size(self.ob_mpi, &size))
        return size

    size = property(Get_size, doc="file size in bytes")

    def Get_amode(self):
        """Access mode the file was opened with."""
        cdef int amode = 0
        CHKERR(MPI_File_get_amode(self.ob_mpi, &amode))
        return amode

    amode = property(Get_amode, doc="access mode")

    def Get_group(self):
        """Group of the processes that opened the file."""
        cdef Group group = Group.__new__(Group)
        CHKERR(MPI_File_get_group(self.ob_mpi, &group.ob_mpi))
        return group

    group = property(Get_group, doc="file group")

    @property
    def group_size(self):
        """Number of processes in the file group."""
        group = self.Get_group()
        try:
            return group.Get_size()
        finally:
            group.Free()

    @property
    def group_rank(self):
        """Rank of this process in the file group."""
        group = self.Get_group()
        try:
            return group.Get_rank()
        finally:
            group.Free()

    def Set_info(self, Info info not None):
        """Set new hints for the file (collective)."""
        _set_info(self, info)

    def Get_info(self):
        """Hints actually used for the file (a new Info object)."""
        return _get_info(self)

    info = property(Get_info, Set_info, doc="file hints")

    def Set_atomicity(self, bint flag):
        """Set atomic (``True``) or nonatomic access semantics (collective)."""
        with nogil:
            CHKERR(MPI_File_set_atomicity(self.ob_mpi, flag))

    def Get_atomicity(self):
        """Whether atomic mode is on."""
        cdef int flag = 0
        CHKERR(MPI_File_get_atomicity(self.ob_mpi, &flag))
        return <bint>flag

    atomicity = property(Get_atomicity, Set_atomicity, doc="atomic mode")

    def Sync(self):
        """Transfer written data to the storage device (collective)."""
        with nogil:
            CHKERR(MPI_File_sync(self.ob_mpi))

    def Get_type_extent(self, Datatype datatype not None):
        """Extent of ``datatype`` in the file (depends on the data representation of the view)."""
        cdef MPI_Aint extent = 0
        CHKERR(MPI_File_get_type_extent(self.ob_mpi, datatype.ob_mpi, &extent))
        return extent

    # -- views ----------------------------------------------------------------------------------

    def Set_view(self, MPI_Offset disp=0, Datatype etype not None=BYTE, Datatype filetype=None,
                 datarep="native", Info info not None=INFO_NULL):
        """Set the file view: displacement, elementary type, file type and data representation."""
        if filetype is None:
            filetype = etype
        cdef bytes rep = arg_string(datarep, "datarep")
        cdef char *crep = rep
        with nogil:
            CHKERR(MPI_File_set_view(self.ob_mpi, disp, etype.ob_mpi, filetype.ob_mpi, crep, info.ob_mpi))

    def Get_view(self):
        """The file view as ``(disp, etype, filetype, datarep)``."""
        cdef MPI_Offset disp = 0
        cdef Datatype etype = Datatype.__new__(Datatype)
        cdef Datatype ftype = Datatype.__new__(Datatype)
        cdef char rep[MPI_MAX_DATAREP_STRING + 1]
        rep[0] = 0
        CHKERR(MPI_File_get_view(self.ob_mpi, &disp, &etype.ob_mpi, &ftype.ob_mpi, rep))
        return (disp, _view_type(etype), _view_type(ftype), rep.decode())

    # -- explicit offsets -----------------------------------------------------------------------

    def Read_at(self, MPI_Offset offset, buf, Status status=None):
        """Read into ``buf`` at ``offset`` (in etype units of the view)."""
        _file_rw(self, _IO_AT, offset, buf, status, "File.Read_at: buf")

    def Read_at_all(self, MPI_Offset offset, buf, Status status=None):
        """Collective ``Read_at``."""
        _file_rw(self, _IO_AT | _IO_ALL, offset, buf, status, "File.Read_at_all: buf")

    def Write_at(self, MPI_Offset offset, buf, Status status=None):
        """Write ``buf`` at ``offset`` (in etype units of the view)."""
        _file_rw(self, _IO_WRITE | _IO_AT, offset, buf, status, "File.Write_at: buf")

    def Write_at_all(self, MPI_Offset offset, buf, Status status=None):
        """Collective ``Write_at``."""
        _file_rw(self, _IO_WRITE | _IO_AT | _IO_ALL, offset, buf, status, "File.Write_at_all: buf")

    def Iread_at(self, MPI_Offset offset, buf):
        """Nonblocking ``Read_at``."""
        return _file_irw(self, _IO_AT, offset, buf, "File.Iread_at: buf")

    def Iread_at_all(self, MPI_Offset offset, buf):
        """Nonblocking collective ``Read_at_all``."""
        return _file_irw(self, _IO_AT | _IO_ALL, offset, buf, "File.Iread_at_all: buf")

    def Iwrite_at(self, MPI_Offset offset, buf):
        """Nonblocking ``Write_at``."""
        return _file_irw(self, _IO_WRITE | _IO_AT, offset, buf, "File.Iwrite_at: buf")

    def Iwrite_at_all(self, MPI_Offset offset, buf):
        """Nonblocking collective ``Write_at_all``."""
        return _file_irw(self, _IO_WRITE | _IO_AT | _IO_ALL, offset, buf, "File.Iwrite_at_all: buf")

    # -- individual file pointer ----------------------------------------------------------------

    def Read(self, buf, Status status=None):
        """Read into ``buf`` at the individual file pointer."""
        _file_rw(self, 0, 0, buf, status, "File.Read: buf")

    def Read_all(self, buf, Status status=None):
        """Collective ``Read``."""
        _file_rw(self, _IO_ALL, 0, buf, status, "File.Read_all: buf")

    def Write(self, buf, Status status=None):
        """Write ``buf`` at the individual file pointer."""
        _file_rw(self, _IO_WRITE, 0, buf, status, "File.Write: buf")

    def Write_all(self, buf, Status status=None):
        """Collective ``Write``."""
        _file_rw(self, _IO_WRITE | _IO_ALL, 0, buf, status, "File.Write_all: buf")

    def Iread(self, buf):
        """Nonblocking ``Read``."""
        return _file_irw(self, 0, 0, buf, "File.Iread: buf")

    def Iread_all(self, buf):
        """Nonblocking collective ``Read_all``."""
        return _file_irw(self, _IO_ALL, 0, buf, "File.Iread_all: buf")

    def Iwrite(self, buf):
        """Nonblocking ``Write``."""
        return _file_irw(self, _IO_WRITE, 0, buf, "File.Iwrite: buf")

    def Iwrite_all(self, buf):
        """Nonblocking collective ``Write_all``."""
        return _file_irw(self, _IO_WRITE | _IO_ALL, 0, buf, "File.Iwrite_all: buf")

    def Seek(self, MPI_Offset offset, int whence=MPI_SEEK_SET):
        """Move the individual file pointer (``SEEK_SET``, ``SEEK_CUR`` or ``SEEK_END``)."""
        with nogil:
            CHKERR(MPI_File_seek(self.ob_mpi, offset, whence))

    def Get_position(self):
        """Individual file pointer, in etype units of the view."""
        cdef MPI_Offset offset = 0
        CHKERR(MPI_File_get_position(self.ob_mpi, &offset))
        return offset

    def Get_byte_offset(self, MPI_Offset offset):
        """Absolute byte position of the view-relative ``offset``."""
        cdef MPI_Offset disp = 0
        CHKERR(MPI_File_get_byte_offset(self.ob_mpi, offset, &disp))
        return disp

    # -- shared file pointer --------------------------------------------------------------------

    def Read_shared(self, buf, Status status=None):
        """Read into ``buf`` at the shared file pointer."""
        _file_rw(self, _IO_SHARED, 0, buf, status, "File.Read_shared: buf")

    def Write_shared(self, buf, Status status=None):
        """Write ``buf`` at the shared file pointer."""
        _file_rw(self, _IO_WRITE | _IO_SHARED, 0, buf, status, "File.Write_shared: buf")

    def Iread_shared(self, buf):
        """Nonblocking ``Read_shared``."""
        return _file_irw(self, _IO_SHARED, 0, buf, "File.Iread_shared: buf")

    def Iwrite_shared(self, buf):
        """Nonblocking ``Write_shared``."""
        return _file_irw(self, _IO_WRITE | _IO_SHARED, 0, buf, "File.Iwrite_shared: buf")

    def Read_ordered(self, buf, Status status=None):
        """Collective read at the shared file pointer, in rank order."""
        _file_rw(self, _IO_ORDERED, 0, buf, status, "File.Read_ordered: buf")

    def Write_ordered(self, buf, Status status=None):
        """Collective write at the shared file pointer, in rank order."""
        _file_rw(self, _IO_WRITE | _IO_ORDERED, 0, buf, status, "File.Write_ordered: buf")

    def Seek_shared(self, MPI_Offset offset, int whence=MPI_SEEK_SET):
        """Move the shared file pointer (collective)."""
        with nogil:
            CHKERR(MPI_File_seek_shared(self.ob_mpi, offset, whence))

    def Get_position_shared(self):
        """Shared file pointer, in etype units of the view."""
        cdef MPI_Offset offset = 0
        with nogil:
            CHKERR(MPI_File_get_position_shared(self.ob_mpi, &offset))
        return offset

    # -- split collectives ----------------------------------------------------------------------

    def Read_at_all_begin(self, MPI_Offset offset, buf):
        """Start a split collective ``Read_at_all``."""
        _file_begin(self, _IO_AT | _IO_ALL, offset, buf, "File.Read_at_all_begin")

    def Read_at_all_end(self, buf, Status status=None):
        """Complete a split collective ``Read_at_all``."""
        _file_end(self, _IO_AT | _IO_ALL, buf, status, "File.Read_at_all_end")

    def Write_at_all_begin(self, MPI_Offset offset, buf):
        """Start a split collective ``Write_at_all``."""
        _file_begin(self, _IO_WRITE | _IO_AT | _IO_ALL, offset, buf, "File.Write_at_all_begin")

    def Write_at_all_end(self, buf, Status status=None):
        """Complete a split collective ``Write_at_all``."""
        _file_end(self, _IO_WRITE | _IO_AT | _IO_ALL, buf, status, "File.Write_at_all_end")

    def Read_all_begin(self, buf):
        """Start a split collective ``Read_all``."""
        _file_begin(self, _IO_ALL, 0, buf, "File.Read_all_begin")

    def Read_all_end(self, buf, Status status=None):
        """Complete a split collective ``Read_all``."""
        _file_end(self, _IO_ALL, buf, status, "File.Read_all_end")

    def Write_all_begin(self, buf):
        """Start a split collective ``Write_all``."""
        _file_begin(self, _IO_WRITE | _IO_ALL, 0, buf, "File.Write_all_begin")

    def Write_all_end(self, buf, Status status=None):
        """Complete a split collective ``Write_all``."""
        _file_end(self, _IO_WRITE | _IO_ALL, buf, status, "File.Write_all_end")

    def Read_ordered_begin(self, buf):
        """Start a split collective ``Read_ordered``."""
        _file_begin(self, _IO_ORDERED, 0, buf, "File.Read_ordered_begin")

    def Read_ordered_end(self, buf, Status status=None):
        """Complete a split collective ``Read_ordered``."""
        _file_end(self, _IO_ORDERED, buf, status, "File.Read_ordered_end")

    def Write_ordered_begin(self, buf):
        """Start a split collective ``Write_ordered``."""
        _file_begin(self, _IO_WRITE | _IO_ORDERED, 0, buf, "File.Write_ordered_begin")

    def Write_ordered_end(self, buf, Status status=None):
        """Complete a split collective ``Write_ordered``."""
        _file_end(self, _IO_WRITE | _IO_ORDERED, buf, status, "File.Write_ordered_end")

    # -- error handling -----------------------------------------------------------------------

    @classmethod
    def Create_errhandler(cls, errhandler_fn):
        """Error handler calling ``errhandler_fn(file, errorcode)``; attach it with ``Set_errhandler``."""
        return _create_errhandler(KIND_FILE, errhandler_fn)

    def Get_errhandler(self):
        """Error handler of the file (``FILE_NULL``: the default for newly opened files)."""
        return _get_errhandler(self)

    def Set_errhandler(self, Errhandler errhandler not None):
        """Set the error handler of the file (on ``FILE_NULL``: the default for files opened later)."""
        _set_errhandler(self, errhandler)

    def Call_errhandler(self, int errorcode):
        """Invoke the error handler of the file with ``errorcode``."""
        _call_errhandler(self, errorcode)

    # -- handles ------------------------------------------------------------------------------

    def py2f(self):
        """Fortran handle."""
        return _handle_py2f(self)

    @classmethod
    def f2py(cls, arg):
        """File from a Fortran handle."""
        return _handle_f2py(<File?>cls.__new__(cls), arg)

    @property
    def handle(self):
        """The MPI handle as an integer."""
        return _handle_int(self)

    @classmethod
    def fromhandle(cls, handle):
        """Object wrapping an integer MPI handle."""
        return _handle_fromhandle(<File?>cls.__new__(cls), handle)

    def toint(self):
        """Fortran integer handle (same as ``py2f``)."""
        return _handle_py2f(self)

    @classmethod
    def fromint(cls, arg):
        """Object from a Fortran integer handle (same as ``f2py``)."""
        return _handle_f2py(<File?>cls.__new__(cls), arg)

    def free(self):
        """Close the file unless it is null or predefined (never raises for those)."""
        if self.ob_mpi != MPI_FILE_NULL and not self.predefined:
            self.Close()


cdef object _view_type(Datatype dtype):
    """A predefined datatype returned by Get_view is the module's object; others stay new objects."""
    for value in _typedict.values():
        if (<Datatype>value).ob_mpi == dtype.ob_mpi:
            return value
    if dtype.ob_mpi == MPI_BYTE:
        return BYTE
    return dtype


# -- data representations ---------------------------------------------------------------------

cdef dict _datareps = {}


cdef int _datarep_convert(void *userbuf, MPI_Datatype datatype, int count, void *filebuf,
                          MPI_Offset position, void *extra, bint reading) noexcept with gil:
    cdef Datatype dt = Datatype.__new__(Datatype)
    cdef MPI_Aint lb = 0, extent = 0, fext = 0
    try:
        read_fn, write_fn, extent_fn = <object>extra
        dt.ob_mpi = datatype
        CHKERR(MPI_Type_get_extent(datatype, &lb, &extent))
        fext = extent_fn(dt)
        ubuf = _as_memory(userbuf, (position + count) * extent)
        fbuf = _as_memory(filebuf, count * fext)
        if reading:
            read_fn(fbuf, dt, count, ubuf, position)
        else:
            write_fn(ubuf, dt, count, fbuf, position)
        return MPI_SUCCESS
    except BaseException:
        return _callback_error("a datarep conversion function", MPI_ERR_CONVERSION)


cdef int _datarep_read(void *userbuf, MPI_Datatype datatype, int count, void *filebuf,
                       MPI_Offset position, void *extra) noexcept nogil:
    return _datarep_convert(userbuf, datatype, count, filebuf, position, extra, True)


cdef int _datarep_write(void *userbuf, MPI_Datatype datatype, int count, void *filebuf,
                        MPI_Offset position, void *extra) noexcept nogil:
    return _datarep_convert(userbuf, datatype, count, filebuf, position, extra, False)


cdef int _datarep_extent(MPI_Datatype datatype, MPI_Aint *file_extent, void *extra) noexcept with gil:
    cdef Datatype dt = Datatype.__new__(Datatype)
    try:
        dt.ob_mpi = datatype
        file_extent[0] = (<object>extra)[2](dt)
        return MPI_SUCCESS
    except BaseException:
        return _callback_error("a datarep conversion function", MPI_ERR_CONVERSION)


def Register_datarep(datarep, read_fn, write_fn, extent_fn):
    """Register a data representation named ``datarep``.

    ``read_fn(filebuf, datatype, count, userbuf, position)`` and
    ``write_fn(userbuf, datatype, count, filebuf, position)`` convert ``count`` items (buffers are
    memoryviews of bytes; ``position`` counts items of ``datatype`` into ``userbuf``);
    ``extent_fn(datatype)`` returns the extent of ``datatype`` in the file.  A conversion function
    may be ``None`` when the file representation is identical to the native one.
    """
    if not callable(extent_fn):
        raise TypeError("Register_datarep: extent_fn must be callable")
    for argname, fn in (("read_fn", read_fn), ("write_fn", write_fn)):
        if fn is not None and not callable(fn):
            raise TypeError(f"Register_datarep: {argname} must be callable or None")
    cdef bytes name = arg_string(datarep, "datarep")
    cdef tuple state = (read_fn, write_fn, extent_fn)
    cdef MPI_Datarep_conversion_function *rd = NULL
    cdef MPI_Datarep_conversion_function *wr = NULL
    if read_fn is not None:
        rd = _datarep_read
    if write_fn is not None:
        wr = _datarep_write
    CHKERR(MPI_Register_datarep(name, rd, wr, _datarep_extent, <void*>state))
    _datareps[datarep] = state  # MPI keeps the pointer for the rest of the run


FILE_NULL = File()
(<File>FILE_NULL).predefined = True

MODE_RDONLY = MPI_MODE_RDONLY
MODE_WRONLY = MPI_MODE_WRONLY
MODE_RDWR = MPI_MODE_RDWR
MODE_CREATE = MPI_MODE_CREATE
MODE_EXCL = MPI_MODE_EXCL
MODE_DELETE_ON_CLOSE = MPI_MODE_DELETE_ON_CLOSE
MODE_UNIQUE_OPEN = MPI_MODE_UNIQUE_OPEN
MODE_SEQUENTIAL = MPI_MODE_SEQUENTIAL
MODE_APPEND = MPI_MODE_APPEND
SEEK_SET = MPI_SEEK_SET
SEEK_CUR = MPI_SEEK_CUR
SEEK_END = MPI_SEEK_END
DISPLACEMENT_CURRENT = MPI_DISPLACEMENT_CURRENT
DISP_CUR = MPI_DISPLACEMENT_CURRENT  # upstream alias
MAX_DATAREP_STRING = MPI_MAX_DATAREP_STRING
