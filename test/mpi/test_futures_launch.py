"""mpi4py.futures launchers, in their own MPI jobs (only in the single-process run).

* ``mpiexec -n 3 python -m mpi4py.futures script.py``: rank 0 runs the script, ranks 1-2 serve.
* spawn: ``mpiexec -n 1 python script.py`` where MPIPoolExecutor starts workers with MPI_Comm_spawn.
  Open MPI as root needs the allow-run-as-root variables and oversubscription for the spawned
  processes too (clean_env sets them); a launcher that cannot spawn fails the test, it is not skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from mpi_helpers import mpiexec, spawning
from mpi_plugin import clean_env

pytestmark = spawning

SCRIPT = textwrap.dedent("""
    import json, sys
    from mpi4py import MPI
    from mpi4py.futures import MPIPoolExecutor, get_comm_workers

    def square(x):
        return x * x, MPI.COMM_WORLD.Get_rank()

    def nworkers():
        return get_comm_workers().Get_size()

    if __name__ == "__main__":
        out = {"argv": sys.argv[1:]}
        with MPIPoolExecutor() as executor:
            results = list(executor.map(square, range(30), chunksize=4))
            out["squares"] = [r[0] for r in results]
            out["ranks"] = sorted({r[1] for r in results})
            out["num_workers"] = executor.num_workers
            out["comm_workers"] = executor.submit(nworkers).result()
        with MPIPoolExecutor(max_workers=1) as executor:  # a second pool reuses the workers
            out["second"] = sorted({r[1] for r in executor.map(square, range(6))})
        print("RESULT", json.dumps(out))
""")

POOL_SCRIPT = textwrap.dedent("""
    from mpi4py.util.pool import Pool

    def cube(x):
        return x ** 3

    def add(a, b):
        return a + b

    if __name__ == "__main__":
        with Pool() as pool:
            assert pool.map(cube, range(10)) == [x ** 3 for x in range(10)]
            assert pool.starmap(add, [(1, 2), (3, 4)]) == [3, 7]
            assert pool.apply(add, (2, 5)) == 7
            got = []
            result = pool.map_async(cube, [2, 3], callback=got.append)
            assert result.get(timeout=30) == [8, 27] and result.successful()
            result.wait(5)
            assert got == [[8, 27]]
            assert sorted(pool.imap_unordered(cube, range(5))) == [0, 1, 8, 27, 64]
            assert list(pool.imap(cube, range(5), chunksize=2)) == [0, 1, 8, 27, 64]
            bad = pool.apply_async(cube, ("x",))
            try:
                bad.get(timeout=30)
            except TypeError:
                print("POOL OK", not bad.successful())
""")


def run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=clean_env())


def result_of(proc: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert len(lines) == 1, proc.stdout + proc.stderr
    return json.loads(lines[0][len("RESULT "):])  # type: ignore[no-any-return]


def test_launcher_map_over_three_ranks(tmp_path: Path) -> None:
    script = tmp_path / "job.py"
    script.write_text(SCRIPT)
    out = result_of(run([mpiexec(), "-n", "3", sys.executable, "-m", "mpi4py.futures", str(script), "a", "b"]))
    assert out["argv"] == ["a", "b"]
    assert out["squares"] == [x * x for x in range(30)]
    assert out["ranks"] == [1, 2]
    assert out["num_workers"] == 2
    assert out["comm_workers"] == 2
    assert out["second"] == [1]


def test_launcher_module_and_code(tmp_path: Path) -> None:
    (tmp_path / "jobmod.py").write_text(SCRIPT)
    proc = subprocess.run([mpiexec(), "-n", "2", sys.executable, "-m", "mpi4py.futures", "-m", "jobmod", "x"],
                          capture_output=True, text=True, timeout=120, env=clean_env(PYTHONPATH=str(tmp_path)))
    out = result_of(proc)
    assert out["argv"] == ["x"] and out["ranks"] == [1]
    code = ("from mpi4py.futures import MPIPoolExecutor\n"
            "with MPIPoolExecutor() as ex: print('CODE', sum(ex.map(abs, range(-5, 0))))")
    proc = run([mpiexec(), "-n", "2", sys.executable, "-m", "mpi4py.futures", "-c", code])
    assert proc.returncode == 0, proc.stderr
    assert "CODE 15" in proc.stdout


def test_launcher_error_exits_nonzero_without_hanging(tmp_path: Path) -> None:
    script = tmp_path / "bad.py"
    script.write_text("from mpi4py.futures import MPIPoolExecutor\n"
                      "if __name__ == '__main__':\n"
                      "    ex = MPIPoolExecutor(); ex.submit(abs, 1).result()\n"
                      "    raise SystemError('script failed on purpose')\n")
    proc = run([mpiexec(), "-n", "3", sys.executable, "-m", "mpi4py.futures", str(script)], timeout=60)
    assert proc.returncode != 0
    assert "script failed on purpose" in proc.stderr


def test_launcher_usage_errors() -> None:
    proc = run([sys.executable, "-m", "mpi4py.futures"], timeout=60)
    assert proc.returncode != 0 and "usage: mpiexec -n N python -m mpi4py.futures" in proc.stderr
    proc = run([sys.executable, "-m", "mpi4py.futures", "--bogus"], timeout=60)
    assert proc.returncode != 0 and "unknown option '--bogus'" in proc.stderr


def test_util_pool_under_launcher(tmp_path: Path) -> None:
    script = tmp_path / "pooljob.py"
    script.write_text(POOL_SCRIPT)
    proc = run([mpiexec(), "-n", "3", sys.executable, "-m", "mpi4py.futures", str(script)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "POOL OK True" in proc.stdout


@pytest.mark.dynamic_processes
def test_spawn_pool(tmp_path: Path) -> None:
    script = tmp_path / "spawnjob.py"
    script.write_text(SCRIPT.replace("MPIPoolExecutor()", "MPIPoolExecutor(max_workers=2)"))
    out = result_of(run([mpiexec(), "-n", "1", sys.executable, str(script)], timeout=120))
    assert out["squares"] == [x * x for x in range(30)]
    # Spawned workers have their own COMM_WORLD: ranks 0 and 1 of it.
    assert out["ranks"] == [0, 1] and out["num_workers"] == 2 and out["comm_workers"] == 2


def test_server_needs_a_parent() -> None:
    proc = run([sys.executable, "-m", "mpi4py.futures.server"], timeout=60)
    assert proc.returncode != 0 and "not started by MPI_Comm_spawn" in proc.stderr
