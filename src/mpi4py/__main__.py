"""``python -m mpi4py``: the command line of ``mpi4py.run``."""

from mpi4py.run import main

if __name__ == "__main__":
    main()
