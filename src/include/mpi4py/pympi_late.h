/* Late binding for the variants of the merged wheel (PYMPI_LATE_BIND).
 *
 * Included by the generated pympi_missing.h after the tables it writes from libmpi.sym and the
 * late blocks of libmpi.vendor (pympi_late_rows, pympi_late_data, PYMPI_LATE_FACTS, FLOOR).
 * A routine newer than the oldest release of the family is looked up in the MPI library that is
 * loaded (dlsym / GetProcAddress) when first needed; what it lacks becomes NotImplementedError. */
#ifndef PYMPI_LATE_RUNTIME_H
#define PYMPI_LATE_RUNTIME_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(_WIN32)
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <windows.h>
/* Windows resolves imports through a thunk in this module, so the DLL is named, not found by address. */
static void *PyMPI_LibHandle(void)
{
#  if defined(MPI_ABI_VERSION)
  static const char *const dlls[] = {"mpi_abi.dll", 0};
#  elif defined(MSMPI_VER)
  static const char *const dlls[] = {"msmpi.dll", 0};
#  else
  static const char *const dlls[] = {"impi.dll", "mpi.dll", 0};
#  endif
  int i;
  for (i = 0; dlls[i]; i++) {
    HMODULE module = GetModuleHandleA(dlls[i]);
    if (module) return (void *)module;
  }
  return 0;
}
static void *PyMPI_LibLookup(void *lib, const char *name)
{
  return lib ? (void *)GetProcAddress((HMODULE)lib, name) : 0;
}
#else
#  include <dlfcn.h>
/* The library that defines MPI_Init for this module (dladdr), else the global scope. */
static void *PyMPI_LibHandle(void)
{
  Dl_info info;
  void *lib = 0;
  if (dladdr((void *)&MPI_Init, &info) && info.dli_fname)
    lib = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  return lib ? lib : RTLD_DEFAULT;
}
static void *PyMPI_LibLookup(void *lib, const char *name) { return dlsym(lib, name); }
#endif

static void *pympi_late_addr[PYMPI_LATE_NSLOTS];
static volatile int pympi_late_ready = 0;

/* Idempotent: two threads racing here store the same addresses. */
static int PyMPI_LateBindAll(void)
{
  void *lib = PyMPI_LibHandle();
  int i;
  for (i = 0; i < PYMPI_LATE_NROWS; i++)
    pympi_late_addr[i] = pympi_late_rows[i].routine == 1 ? PyMPI_LibLookup(lib, pympi_late_rows[i].name) : 0;
  for (i = 0; pympi_late_data[i]; i++)
    pympi_late_addr[PYMPI_LATE_NROWS + i] = PyMPI_LibLookup(lib, pympi_late_data[i]);
  pympi_late_ready = 1;
  return 1;
}

static inline int PyMPI_LateBound(int slot)
{
  if (!pympi_late_ready) PyMPI_LateBindAll();
  return pympi_late_addr[slot] != 0;
}

static inline void *PyMPI_LateAddress(int slot, void *fallback)
{
  return PyMPI_LateBound(slot) ? pympi_late_addr[slot] : fallback;
}

static int PyMPI_LateRowOf(const char *name)
{
  int i;
  for (i = 0; i < PYMPI_LATE_NROWS; i++)
    if (strcmp(pympi_late_rows[i].name, name) == 0) return i;
  return -1;
}

static const PyMPI_LateFact pympi_late_facts[] = PYMPI_LATE_FACTS;

static const PyMPI_LateFact *PyMPI_LateFactOf(int row)
{
  const PyMPI_LateFact *fact;
  for (fact = pympi_late_facts; fact->row >= 0; fact++)
    if (fact->row == row) return fact;
  return 0;
}

/* The MPI standard the running library implements (MPI_Get_version is allowed at any time). */
static int PyMPI_LateRuntimeVersion(void)
{
  static int version = 0;
  if (!version) {
    int major = 0, minor = 0;
    (void)MPI_Get_version(&major, &minor);
    version = major * 256 + minor;
  }
  return version;
}

static int PyMPI_CompiledMissing(const char *name)
{
  int i;
  for (i = 0; pympi_missing_names[i]; i++)
    if (strcmp(pympi_missing_names[i], name) == 0) return 1;
  return 0;
}

/* Whether the running library decides row's availability: a routine newer than the family's oldest
   release (unless mpi.h defines it as a macro), and a constant/handle a fact of libmpi.vendor supplies.
   A constant of this mpi.h keeps the build's verdict: within an ABI family its value holds for every
   release (MPICH's MPI_F_STATUS_SIZE is right for MPICH 3.4), and a library never returns one it lacks. */
static int PyMPI_LateDecided(int row)
{
  if (pympi_late_rows[row].routine == 1) return pympi_late_rows[row].since > PYMPI_LATE_FLOOR;
  if (pympi_late_rows[row].routine == 2) return 0; /* a macro of mpi.h */
  return PyMPI_LateFactOf(row) != 0;
}
static int PyMPI_LateAvailable(int row)
{
  const PyMPI_LateFact *fact = PyMPI_LateFactOf(row);
  int new_enough = PyMPI_LateRuntimeVersion() >= pympi_late_rows[row].since;
  if (pympi_late_rows[row].routine) return PyMPI_LateBound(row);
  if (!fact) return !PyMPI_CompiledMissing(pympi_late_rows[row].name);
  if (fact->slot >= 0 && !PyMPI_LateBound(fact->slot)) return 0;
  if (!fact->valued && PyMPI_CompiledMissing(pympi_late_rows[row].name)) return 0;
  if (fact->witness == -2) return 1; /* "always": every release of the family */
  return fact->witness >= 0 ? PyMPI_LateBound(fact->witness) : (fact->slot >= 0 || new_enough);
}

/* MPI._missing_symbols(): the compiled fallbacks the running library does not decide, plus what it lacks. */
static const char *const *PyMPI_LateMissingNames(void)
{
  static const char *names[sizeof(pympi_missing_names) / sizeof(pympi_missing_names[0]) + PYMPI_LATE_NROWS + 1];
  static int done = 0;
  int i, n = 0;
  if (done) return names;
  for (i = 0; pympi_missing_names[i]; i++) {
    int row = PyMPI_LateRowOf(pympi_missing_names[i]);
    if (row < 0 || !PyMPI_LateDecided(row)) names[n++] = pympi_missing_names[i];
  }
  for (i = 0; i < PYMPI_LATE_NROWS; i++)
    if (PyMPI_LateDecided(i) && !PyMPI_LateAvailable(i)) names[n++] = pympi_late_rows[i].name;
  names[n] = 0;
  done = 1;
  return names;
}

/* "MPI_X (MPI 4.1; not in MPICH Version: 4.0.3)": the NotImplementedError names the library. */
static const char *PyMPI_LateUnavailableName(void)
{
  static char text[384];
  char library[8192]; /* MPI_MAX_LIBRARY_VERSION_STRING of MPICH, the largest */
  const char *name = PyMPI_UnavailableName();
  int row = PyMPI_LateRowOf(name), length = 0, i, j;
  library[0] = 0;
  if (MPI_Get_library_version(library, &length) != MPI_SUCCESS) strcpy(library, "unknown library");
  (void)PyMPI_Unavailable(name); /* the lookup above may have replaced the name */
  /* first line (Open MPI: up to the first comma), runs of blanks collapsed */
  for (i = 0, j = 0; library[i] && library[i] != '\n' && library[i] != ',' && j < 120; i++)
    if (!(library[i] == ' ' || library[i] == '\t') || (j > 0 && library[j - 1] != ' ')) library[j++] = library[i] == '\t' ? ' ' : library[i];
  while (j > 0 && library[j - 1] == ' ') j--;
  library[j] = 0;
  if (row >= 0 && pympi_late_rows[row].since < 0x0900)
    snprintf(text, sizeof(text), "%s (MPI %d.%d; not in the loaded library: %s)", name,
             pympi_late_rows[row].since / 256, pympi_late_rows[row].since % 256, library);
  else
    snprintf(text, sizeof(text), "%s (not in the loaded library: %s)", name, library);
  return text;
}

#endif /* PYMPI_LATE_RUNTIME_H */
