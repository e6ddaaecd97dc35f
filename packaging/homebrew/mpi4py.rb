class Mpi4py < Formula
  desc "Python bindings for MPI"
  homepage "https://github.com/mpi4py/mpi4py"
  # This checkout (its committed HEAD; symlinks resolved, so a tap can link this file). The release
  # form, with the published sdist's url and sha256, is made by the release step (nox -s release_recipes).
  url "file://#{File.expand_path("../..", File.dirname(File.realpath(__FILE__)))}", using: :git
  version "4.2.0"
  license "BSD-3-Clause"

  depends_on "cython" => :build
  depends_on "python-setuptools" => :build
  depends_on "open-mpi"
  depends_on "python@3.14"

  def python3
    "python3.14"
  end

  def install
    # Cython is keg-only in libexec; put it where the build (no isolation, no index) imports it from.
    ENV.prepend_path "PYTHONPATH", Formula["cython"].opt_libexec/Language::Python.site_packages(python3)
    ENV["MPI4PY_BUILD_MPICC"] = (Formula["open-mpi"].opt_bin/"mpicc").to_s
    system python3, "-m", "pip", "install", *std_pip_args, "."
    # The smoke test every mpi4py channel runs (from the source), with the launcher helpers it imports; `test do` uses it.
    pkgshare.install "conf/smoke.py", "conf/launch.py"
  end

  test do
    system python3, "-c", "import mpi4py.MPI, mpi4py.futures"
    mpiexec = Formula["open-mpi"].opt_bin/"mpiexec"
    system mpiexec, "-n", "2", python3, "-m", "mpi4py.bench", "helloworld"
    system mpiexec, "-n", "2", python3, "-m", "mpi4py.bench", "ringtest"
    # Same runs with checks: mpi4py imported from this keg, this version, linked to Open MPI, every rank greets.
    system python3, pkgshare/"smoke.py", "--python", python3, "--mpiexec", mpiexec,
           "--expect-path", prefix, "--expect-version", version, "--expect-library", "Open MPI"
  end
end
