"""A C extension whose buffer export fills the view and then fails, compiled for the test that uses it.

CPython's contract is that a failed ``bf_getbuffer`` leaves ``view->obj`` NULL, and
``PyObject_GetBuffer`` does not enforce it. This exporter breaks the contract the most harmful way: it
sets ``view->obj`` to itself *without* taking a reference, then raises ``BufferError``. A consumer that
trusts such a view after the failure releases it later: ``bf_releasebuffer`` runs (counted here) and
the exporter loses a reference it never gave. It cannot be written in Python or ctypes; it is built with
the C compiler and headers of the running interpreter; without either its tests are skipped.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sysconfig
from pathlib import Path
from types import ModuleType

import pytest

SOURCE = r"""
#include <Python.h>

typedef struct { PyObject_HEAD char data[8]; Py_ssize_t releases; } Broken;

static int broken_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  (void)flags;
  view->obj = self;  /* no reference taken: the view must not be released after the failure */
  view->buf = ((Broken *)self)->data;
  view->len = 8;
  PyErr_SetString(PyExc_BufferError, "broken exporter: failed after filling the view");
  return -1;
}

static void broken_releasebuffer(PyObject *self, Py_buffer *view) {
  (void)view;
  ((Broken *)self)->releases++;
}

static PyObject *broken_releases(PyObject *self, PyObject *unused) {
  (void)unused;
  return PyLong_FromSsize_t(((Broken *)self)->releases);
}

static PyBufferProcs broken_as_buffer = {broken_getbuffer, broken_releasebuffer};
static PyMethodDef broken_methods[] = {
  {"releases", broken_releases, METH_NOARGS, "How often a consumer released a view of this object."},
  {NULL, NULL, 0, NULL},
};
static PyTypeObject BrokenType = {
  PyVarObject_HEAD_INIT(NULL, 0)
  .tp_name = "broken_exporter_ext.Broken",
  .tp_basicsize = sizeof(Broken),
  .tp_flags = Py_TPFLAGS_DEFAULT,
  .tp_new = PyType_GenericNew,
  .tp_as_buffer = &broken_as_buffer,
  .tp_methods = broken_methods,
};
static struct PyModuleDef broken_module = {PyModuleDef_HEAD_INIT, "broken_exporter_ext", NULL, -1, NULL};

PyMODINIT_FUNC PyInit_broken_exporter_ext(void) {
  if (PyType_Ready(&BrokenType) < 0) return NULL;
  PyObject *module = PyModule_Create(&broken_module);
  if (module == NULL) return NULL;
  Py_INCREF(&BrokenType);
  if (PyModule_AddObject(module, "Broken", (PyObject *)&BrokenType) < 0) {
    Py_DECREF(&BrokenType);
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
"""


def build(workdir: Path) -> ModuleType:
    """Compile and import the extension in ``workdir`` (skips the test without a C compiler or Python.h)."""
    compiler = os.environ.get("CC", "").split() or ["cc" if shutil.which("cc") else "gcc"]
    if shutil.which(compiler[0]) is None:
        pytest.skip(f"no C compiler ({compiler[0]}, from $CC or cc/gcc) to build the broken exporter")
    include = Path(sysconfig.get_paths()["include"])
    if not (include / "Python.h").exists():  # an installed-package test run without the -dev package
        pytest.skip(f"no Python.h in {include} to build the broken exporter")
    source = workdir / "broken_exporter_ext.c"
    source.write_text(SOURCE)
    target = workdir / f"broken_exporter_ext{sysconfig.get_config_var('EXT_SUFFIX')}"
    # A sanitizer preloaded into the test run (nox -s asan) must not be preloaded into the compiler.
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    done = subprocess.run([*compiler, "-shared", "-fPIC", "-O1", f"-I{include}", str(source),
                           "-o", str(target)], env=env, capture_output=True, text=True, timeout=120)
    if done.returncode:
        pytest.fail(f"compiling the broken exporter failed ({' '.join(compiler)}):\n{done.stderr}")
    spec = importlib.util.spec_from_file_location("broken_exporter_ext", target)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
