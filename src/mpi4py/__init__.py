"""MPI for Python: Python bindings for the Message Passing Interface."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: `import mpi4py` stays cheap
if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from types import ModuleType

__version__ = "4.2.0"


class Rc:
    """Runtime configuration read by ``mpi4py.MPI`` when it is first imported.

    ``initialize``/``finalize``: call ``MPI_Init_thread``/``MPI_Finalize`` automatically
    (``finalize=None``: only if mpi4py initialized MPI); ``threads``/``thread_level``: the
    thread support to request; ``errors``: ``"exception"`` (MPI errors raise
    ``MPI.Exception``), ``"default"``, ``"abort"`` or ``"fatal"``; ``irecv_bufsz``: buffer
    size for ``Comm.irecv()`` without a buffer.
    """

    initialize: bool = True
    threads: bool = True
    thread_level: str = "multiple"
    finalize: bool | None = None
    fast_reduce: bool = True
    recv_mprobe: bool = True
    irecv_bufsz: int = 32768
    errors: str = "exception"

    _CHOICES = {
        "thread_level": ("single", "funneled", "serialized", "multiple"),
        "errors": ("exception", "default", "abort", "fatal"),
    }

    def __init__(self, **kwargs: object) -> None:
        self(**kwargs)

    def __call__(self, **kwargs: object) -> None:
        for key, value in kwargs.items():
            if key.startswith("_") or not hasattr(type(self), key):
                names = ", ".join(self._names())
                raise TypeError(f"mpi4py.rc: unexpected argument {key!r} (accepted: {names})")
            choices = self._CHOICES.get(key)
            if choices is not None and str(value).lower() not in choices:
                raise ValueError(f"mpi4py.rc.{key}: invalid value {value!r} (accepted: {', '.join(choices)})")
            setattr(self, key, value)

    @classmethod
    def _names(cls) -> list[str]:
        return [k for k in vars(cls) if not k.startswith("_") and not callable(getattr(cls, k))]

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._names())
        return f"<mpi4py.rc: {items}>"


rc = Rc()


def get_config() -> dict[str, str]:
    """How this mpi4py was built, from the build record ``mpi4py/mpi.cfg``.

    Keys of its ``[mpi]`` section (``mpicc``, ``mpild``, ``include_dirs``, ``libraries``, ...: the
    settings used, in MPI4PY_BUILD_MPICFG syntax) followed by those of its ``[build]`` section
    (``backend``, ``mpi_abi``, ``mpi_std_version``, ``config_header``, ``mpicc_from``, ...).
    Empty if the record is missing (e.g. an in-place build by an older tool).
    """
    from configparser import ConfigParser
    from os.path import dirname, join

    parser = ConfigParser(interpolation=None)
    record = join(dirname(__file__), "mpi.cfg")
    if _has_variants():  # merged binary wheel: the record of the variant in use
        from . import _mpiabi

        record = _mpiabi.config_path(dirname(__file__))
    if not parser.read(record, encoding="utf-8"):
        # An editable meson-python install keeps mpi.cfg in its build directory, not next to
        # __file__ (the source tree): its import hook serves it as a package resource.
        try:
            from importlib.resources import files

            parser.read_string(files(__name__).joinpath("mpi.cfg").read_text(encoding="utf-8"))
        except (ImportError, OSError):
            pass
    config: dict[str, str] = {}
    for section in ("mpi", "build"):
        if parser.has_section(section):
            config.update(parser.items(section))
    return config


def get_include() -> str:
    """Directory with the C headers of mpi4py (for Cython/C extensions)."""
    from os.path import dirname, join

    return join(dirname(__file__), "include")


def _has_variants() -> bool:
    """Whether this is a merged binary wheel with one ``mpi4py.MPI`` per MPI ABI (``mpi4py/_abi/``)."""
    from os.path import dirname, isdir, join

    return isdir(join(dirname(__file__), "_abi"))


class _MPIImportHook:
    """``sys.meta_path`` entry for ``mpi4py.MPI`` only (the logic is in ``mpi4py/_mpiabi.py``).

    Merged binary wheel: find the MPI library and load the matching variant.  From-source build:
    the normal extension, no search (Windows: the folder of the MPI DLL named by the build record is
    added to the DLL search first); only if it fails to load because of its MPI library, the error
    names the MPI it was built for, the MPI present now, and how to rebuild.
    """

    @staticmethod
    def find_spec(fullname: str, path: object = None, target: object = None) -> object:
        if fullname != __name__ + ".MPI":
            return None
        import sys
        from os.path import dirname

        if _has_variants():
            from . import _mpiabi

            return _mpiabi.find_spec(fullname, dirname(__file__))
        from importlib.machinery import ExtensionFileLoader, PathFinder

        spec = PathFinder.find_spec(fullname, path)  # type: ignore[arg-type]
        if spec is not None and sys.platform == "win32":  # PATH is not searched for its MPI DLL: add that folder
            from . import _mpiabi

            _mpiabi.add_build_dll_directory(dirname(__file__))
        if spec is not None and type(spec.loader) is ExtensionFileLoader:

            class ExplainingLoader(ExtensionFileLoader):
                def create_module(self, spec: ModuleSpec) -> ModuleType:
                    try:
                        return super().create_module(spec)
                    except ImportError as exc:
                        from . import _mpiabi

                        better = _mpiabi.load_failure(exc, dirname(__file__))
                        if better is None:
                            raise
                        raise better from None  # the loader's error is part of the message

            spec.loader = ExplainingLoader(spec.loader.name, spec.loader.path)
        return spec


def _install_import_hook() -> None:
    import sys

    if not any(getattr(f, "__name__", "") == "_MPIImportHook" for f in sys.meta_path):
        sys.meta_path.insert(0, _MPIImportHook)  # type: ignore[arg-type]


_install_import_hook()
