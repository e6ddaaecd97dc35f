"""Benchmark of mpi4py against C and upstream mpi4py (``nox -s bench``); see harness.py."""
