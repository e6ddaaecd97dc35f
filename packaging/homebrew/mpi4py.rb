class Mpi4py < Formula
  desc "Python bindings for MPI"
  homepage "https://github.com/mpi4py/mpi4py"
  # url and sha256 are written by `nox -s recipes` (conf/release/sync.py) from the built sdist.
  url "https://files.pythonhosted.org/packages/source/m/mpi4py/mpi4py-4.2.0.tar.gz"
  sha256 "197d518014120de20a22d7596982f489d6769d49a1104f4b160b113d60175969"
  license "BSD-3-Clause"

  depends_on "cython" => :build
  depends_on "python-setuptools" => :build
  depends_on "open-mpi"
  depends_on "python@3.13"

  def python3
    "python3.13"
  end

  def install
    # Cython is keg-only in libexec; put it where the build (no isolation, no index) imports it from.
    ENV.prepend_path "PYTHONPATH", Formula["cython"].opt_libexec/Language::Python.site_packages(python3)
    ENV["MPI4PY_BUILD_MPICC"] = (Formula["open-mpi"].opt_bin/"mpicc").to_s
    system python3, "-m", "pip", "install", *std_pip_args, "."
    # The smoke test every mpi4py channel runs (from the sdist); `test do` uses it.
    pkgshare.install "conf/smoke.py"
  end

  test do
    system python3, "-c", "import mpi4py.MPI"
    mpiexec = Formula["open-mpi"].opt_bin/"mpiexec"
    system mpiexec, "-n", "2", python3, "-m", "mpi4py.bench", "helloworld"
    system mpiexec, "-n", "2", python3, "-m", "mpi4py.bench", "ringtest"
    # Same runs with checks: mpi4py imported from this keg, this version, linked to Open MPI, every rank greets.
    system python3, pkgshare/"smoke.py", "--python", python3, "--mpiexec", mpiexec,
           "--expect-path", prefix, "--expect-version", version, "--expect-library", "Open MPI"
  end
end
