#!/usr/bin/env bash
# conda build script (Linux, macOS): build mpi4py with the host prefix's MPI compiler wrapper.
# The offline check (`nox -s conda`) runs this same file with PREFIX/PYTHON/SRC_DIR of a staging prefix.
set -euo pipefail

: "${PREFIX:?PREFIX must be the host prefix that holds the MPI (set by rattler-build / conda-build)}"
: "${PYTHON:?PYTHON must be the host interpreter (set by rattler-build / conda-build)}"
: "${SRC_DIR:=$(pwd)}"

# mpicc of the variant's MPI (mpich, openmpi and impi-devel all install bin/mpicc into the host prefix);
# otherwise mpibuild takes mpicc from PATH and says so.
if [[ -z "${MPI4PY_BUILD_MPICC:-}" && -x "${PREFIX}/bin/mpicc" ]]; then
    export MPI4PY_BUILD_MPICC="${PREFIX}/bin/mpicc"
fi
# Intel MPI's mpicc runs gcc unless told otherwise; the recipe's compiler is $CC (conda-forge's toolchain).
if [[ "${MPI4PY_CONDA_MPI:-}" == impi ]]; then
    export I_MPI_CC="${CC:?CC must name the C compiler of the recipe (the c compiler package sets it)}"
fi
echo "build.sh: MPI4PY_BUILD_MPICC=${MPI4PY_BUILD_MPICC:-<from PATH>} PYTHON=${PYTHON} PREFIX=${PREFIX}"

# The one pip build every platform uses (bld.bat runs the same command).
"${PYTHON}" -m pip install "${SRC_DIR}" --no-deps --no-build-isolation --no-index --ignore-installed --no-cache-dir -vv
