@echo off
rem conda build script (Windows): build mpi4py against the variants MPI (msmpi or impi).
rem Neither ships an mpicc wrapper there, so write an mpi.cfg section for mpibuild to read.
setlocal EnableExtensions

if "%MPI4PY_CONDA_MPI%"=="msmpi" set MPI4PY_LIB=msmpi
if "%MPI4PY_CONDA_MPI%"=="impi" set MPI4PY_LIB=impi
if not defined MPI4PY_LIB (
  echo bld.bat: MPI4PY_CONDA_MPI=%MPI4PY_CONDA_MPI% is not msmpi or impi; set it in variants.yaml 1>&2
  exit /b 1
)

set "MPI4PY_CFG=%SRC_DIR%\conda-mpi.cfg"
> "%MPI4PY_CFG%" echo [mpi]
>> "%MPI4PY_CFG%" echo include_dirs = %LIBRARY_INC%
>> "%MPI4PY_CFG%" echo library_dirs = %LIBRARY_LIB%
>> "%MPI4PY_CFG%" echo libraries = %MPI4PY_LIB%
set "MPI4PY_BUILD_MPICFG=%MPI4PY_CFG%"
echo bld.bat: MPI4PY_BUILD_MPICFG=%MPI4PY_BUILD_MPICFG% libraries=%MPI4PY_LIB%

rem The one pip build every platform uses (build.sh runs the same command).
"%PYTHON%" -m pip install "%SRC_DIR%" --no-deps --no-build-isolation --no-index --ignore-installed --no-cache-dir -vv
if errorlevel 1 exit /b 1
