"""conf/mpibuild/config.py: every variable, precedence, cfg parsing and bad values (no MPI needed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mpibuild import config
from mpibuild.config import ConfigError, resolve


def make_program(directory: Path, name: str, executable: bool = True) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755 if executable else 0o644)
    return path


@pytest.fixture
def bindir(tmp_path: Path) -> Path:
    """A PATH directory holding a fake mpicc, ccache and two other wrappers."""
    d = tmp_path / "bin"
    for name in ("mpicc", "ccache", "wrapA", "wrapB", "mpild"):
        make_program(d, name)
    return d


@pytest.fixture
def env(bindir: Path, tmp_path: Path) -> dict[str, str]:
    return {"PATH": str(bindir), "HOME": str(tmp_path / "home")}


def write_cfg(tmp_path: Path, text: str, name: str = "my.cfg") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def warnings_of(environ: dict[str, str]) -> tuple[config.MPIConfig, list[str]]:
    notes: list[str] = []
    return resolve(environ, warn=notes.append), notes


# -- compiler and linker wrappers -----------------------------------------------------------


def test_mpicc_found_on_path(env: dict[str, str], bindir: Path) -> None:
    conf = resolve(env)
    assert conf.mpicc == [str(bindir / "mpicc")] and conf.origin("mpicc") == "PATH"
    assert conf.mpild == conf.mpicc


def test_no_mpi_at_all_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        resolve({"PATH": str(tmp_path)})
    text = str(exc.value)
    assert "no MPI found" in text and "MPI4PY_BUILD_MPICC" in text and "pip install mpich" in text


def test_alias_used(env: dict[str, str], bindir: Path) -> None:
    conf = resolve({**env, "MPICC": "wrapA"})
    assert conf.mpicc == ["wrapA"] and conf.origin("mpicc") == "MPICC"


def test_long_name_beats_alias_and_says_so(env: dict[str, str]) -> None:
    conf, notes = warnings_of({**env, "MPICC": "wrapA", "MPI4PY_BUILD_MPICC": "wrapB"})
    assert conf.mpicc == ["wrapB"] and conf.origin("mpicc") == "MPI4PY_BUILD_MPICC"
    assert any("overrides MPICC" in n for n in notes)


def test_blank_long_name_counts_as_unset(env: dict[str, str]) -> None:
    conf = resolve({**env, "MPI4PY_BUILD_MPICC": "  ", "MPICC": "wrapA"})
    assert conf.mpicc == ["wrapA"]


def test_command_with_arguments(env: dict[str, str]) -> None:
    conf = resolve({**env, "MPICC": "ccache wrapA -O1 '-DX=a b'"})
    assert conf.mpicc == ["ccache", "wrapA", "-O1", "-DX=a b"]


def test_launcher_target_must_exist(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match=r"MPICC=.*'nosuchcc' was not found on PATH"):
        resolve({**env, "MPICC": "ccache nosuchcc"})


def test_missing_wrapper_names_the_variable(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as exc:
        resolve({**env, "MPI4PY_BUILD_MPICC": "/no/such/mpicc"})
    assert "MPI4PY_BUILD_MPICC='/no/such/mpicc': /no/such/mpicc does not exist" in str(exc.value)
    assert "Set MPI4PY_BUILD_MPICC to your MPI C compiler wrapper" in str(exc.value)


def test_non_executable_wrapper(env: dict[str, str], tmp_path: Path) -> None:
    plain = make_program(tmp_path / "other", "mpicc", executable=False)
    with pytest.raises(ConfigError, match="MPICC=.*is not an executable file"):
        resolve({**env, "MPICC": str(plain)})
    with pytest.raises(ConfigError, match="is not an executable file"):
        resolve({**env, "MPICC": str(tmp_path)})  # a directory


def test_unbalanced_quote(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="MPICC=.*not a valid command line"):
        resolve({**env, "MPICC": "wrapA 'oops"})


def test_var_and_home_expansion_in_commands(env: dict[str, str], tmp_path: Path) -> None:
    home_cc = make_program(tmp_path / "home" / "mpi" / "bin", "mpicc")
    conf = resolve({**env, "MPICC": "~/mpi/bin/mpicc", "MPILD": "$TOOLS/mpild", "TOOLS": env["PATH"]})
    assert conf.mpicc == [str(home_cc)]
    assert conf.mpild == [os.path.join(env["PATH"], "mpild")] and conf.origin("mpild") == "MPILD"


def test_linker_precedence(env: dict[str, str]) -> None:
    conf, notes = warnings_of({**env, "MPICC": "wrapA", "MPILD": "wrapB", "MPI4PY_BUILD_MPILD": "mpild"})
    assert conf.mpicc == ["wrapA"] and conf.mpild == ["mpild"] and conf.origin("mpild") == "MPI4PY_BUILD_MPILD"
    assert any("overrides MPILD" in n for n in notes)
    assert resolve({**env, "MPICC": "wrapA"}).mpild == ["wrapA"]
    with pytest.raises(ConfigError, match="MPILD=.*not found"):
        resolve({**env, "MPILD": "nosuchld"})


# -- the cfg file ---------------------------------------------------------------------------


FULL_CFG = """\
[mpi]
include_dirs = $PREFIX/include{sep}~/extra/include
library_dirs = $PREFIX/lib
runtime_library_dirs = $PREFIX/lib
libraries = mpi, pmpi  extra
define_macros = HAVE_X FOO=1,BAR=some_name
undef_macros = NDEBUG
extra_compile_args = -O1 "-DMSG=hello world"
extra_link_args = -Wl,--as-needed

[other]
mpicc = wrapA
mpild = wrapB
"""


def test_cfg_every_key(env: dict[str, str], tmp_path: Path) -> None:
    cfg = write_cfg(tmp_path, FULL_CFG.format(sep=os.pathsep))
    conf, notes = warnings_of({**env, "MPI4PY_BUILD_MPICFG": str(cfg), "PREFIX": "/opt/mpi"})
    assert notes == []
    assert conf.include_dirs == ["/opt/mpi/include", str(tmp_path / "home" / "extra" / "include")]
    assert conf.library_dirs == conf.runtime_library_dirs == ["/opt/mpi/lib"]
    assert conf.libraries == ["mpi", "pmpi", "extra"]
    assert conf.define_macros == [("HAVE_X", None), ("FOO", "1"), ("BAR", "some_name")]
    assert conf.undef_macros == ["NDEBUG"]
    assert conf.extra_compile_args == ["-O1", "-DMSG=hello world"]
    assert conf.extra_link_args == ["-Wl,--as-needed"]
    assert conf.cfg == f"{cfg}:mpi" and conf.origin("libraries") == f"{cfg}:mpi"
    assert conf.origin("mpicc") == "PATH"  # [mpi] has no mpicc key: discovery still applies


def test_cfg_section_selection_and_alias(env: dict[str, str], tmp_path: Path) -> None:
    cfg = write_cfg(tmp_path, FULL_CFG.format(sep=os.pathsep))
    conf = resolve({**env, "MPICFG": f"{cfg}:other"})
    assert conf.mpicc == ["wrapA"] and conf.mpild == ["wrapB"] and conf.include_dirs == []
    assert conf.origin("mpicc") == f"{cfg}:other"
    # the long name wins over the alias
    conf = resolve({**env, "MPICFG": f"{cfg}:other", "MPI4PY_BUILD_MPICFG": str(cfg), "PREFIX": "/p"})
    assert conf.cfg == f"{cfg}:mpi"


def test_cfg_mpicc_beats_path_and_env_beats_cfg(env: dict[str, str], tmp_path: Path) -> None:
    cfg = write_cfg(tmp_path, "[mpi]\nmpicc = wrapA\n")
    assert resolve({**env, "MPICFG": str(cfg)}).mpicc == ["wrapA"]
    conf, notes = warnings_of({**env, "MPICFG": str(cfg), "MPICC": "wrapB"})
    assert conf.mpicc == ["wrapB"] and any("overrides mpicc = 'wrapA'" in n for n in notes)


def test_cfg_alone_without_any_wrapper(tmp_path: Path) -> None:
    """MS-MPI style: no mpicc anywhere, the cfg's include/library settings are enough."""
    cfg = write_cfg(tmp_path, "[mpi]\ninclude_dirs = inc\nlibrary_dirs = lib\nlibraries = msmpi\n")
    conf = resolve({"PATH": str(tmp_path / "empty"), "MPICFG": str(cfg)})
    assert conf.mpicc == [] and conf.mpild == []
    assert conf.include_dirs == [str(tmp_path / "inc")]  # relative to the cfg file
    assert "mpicc" not in conf.sources


def test_cfg_empty_mpicc_means_no_wrapper_even_with_path(env: dict[str, str], tmp_path: Path) -> None:
    cfg = write_cfg(tmp_path, "[mpi]\nmpicc =\nlibraries = mpi\n")
    conf = resolve({**env, "MPICFG": str(cfg)})
    assert conf.mpicc == [] and "(none: plain C compiler)" in conf.describe()


def test_cfg_bad_wrapper_names_file_and_key(env: dict[str, str], tmp_path: Path) -> None:
    cfg = write_cfg(tmp_path, "[mpi]\nmpicc = /nope/mpicc\n")
    with pytest.raises(ConfigError, match=rf"mpicc in {cfg}:mpi=.*does not exist"):
        resolve({**env, "MPICFG": str(cfg)})


def test_cfg_missing_file(env: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"MPI4PY_BUILD_MPICFG=.*no such file"):
        resolve({**env, "MPI4PY_BUILD_MPICFG": str(tmp_path / "none.cfg")})


def test_cfg_missing_section_lists_sections(env: dict[str, str], tmp_path: Path) -> None:
    cfg = write_cfg(tmp_path, "[openmpi]\nmpicc = wrapA\n[mpich]\nmpicc = wrapB\n")
    with pytest.raises(ConfigError) as exc:
        resolve({**env, "MPICFG": str(cfg)})
    assert "has no [mpi] section (sections found: [openmpi], [mpich])" in str(exc.value)
    with pytest.raises(ConfigError, match=r"no \[intel\] section"):
        resolve({**env, "MPICFG": f"{cfg}:intel"})


@pytest.mark.parametrize(
    "text",
    ["mpicc = x\n", "[mpi\nmpicc = x\n", "[mpi]\nmpicc = a\nmpicc = b\n", "[mpi]\nthis is not a key\n"],
    ids=["no-section-header", "bad-header", "duplicate-key", "garbage-line"],
)
def test_cfg_malformed(env: dict[str, str], tmp_path: Path, text: str) -> None:
    cfg = write_cfg(tmp_path, text)
    with pytest.raises(ConfigError, match=r"MPICFG=.*cannot read .* as an ini file"):
        resolve({**env, "MPICFG": str(cfg)})


def test_cfg_not_utf8(env: dict[str, str], tmp_path: Path) -> None:
    cfg = tmp_path / "bin.cfg"
    cfg.write_bytes(b"[mpi]\nlibraries = \xff\xfe\n")
    with pytest.raises(ConfigError, match="cannot read"):
        resolve({**env, "MPICFG": str(cfg)})


def test_cfg_unknown_key_warns(env: dict[str, str], tmp_path: Path) -> None:
    cfg = write_cfg(tmp_path, "[mpi]\nincldue_dirs = /x\nlibraries = mpi\n")
    conf, notes = warnings_of({**env, "MPICFG": str(cfg)})
    assert conf.libraries == ["mpi"]
    assert len(notes) == 1 and "unknown key 'incldue_dirs' ignored" in notes[0] and "include_dirs" in notes[0]


def test_unknown_key_warning_comes_before_no_mpi_error(tmp_path: Path) -> None:
    cfg = write_cfg(tmp_path, "[mpi]\nincldue_dirs = /x\n")
    notes: list[str] = []
    with pytest.raises(ConfigError, match="no MPI found"):
        resolve({"PATH": str(tmp_path / "empty"), "MPICFG": str(cfg)}, warn=notes.append)
    assert notes and "incldue_dirs" in notes[0]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("define_macros", "1BAD=2", "bad macro '1BAD=2'"),
        ("define_macros", "A-B", "bad macro 'A-B'"),
        ("undef_macros", "NOT-A-NAME", "bad macro name 'NOT-A-NAME'"),
        ("libraries", "-lmpi", "write the library name 'mpi', not '-lmpi'"),
        ("extra_compile_args", "'unbalanced", "not a valid argument list"),
    ],
)
def test_cfg_bad_values_name_the_key(env: dict[str, str], tmp_path: Path, key: str, value: str, message: str) -> None:
    cfg = write_cfg(tmp_path, f"[mpi]\n{key} = {value}\n")
    with pytest.raises(ConfigError) as exc:
        resolve({**env, "MPICFG": str(cfg)})
    assert f"{key} in {cfg}:mpi" in str(exc.value) and message in str(exc.value)


def test_expansion_in_names_and_macros(env: dict[str, str], tmp_path: Path) -> None:
    cfg = write_cfg(tmp_path, "[mpi]\nlibraries = $LIB\ndefine_macros = VENDOR=${V}\n")
    conf = resolve({**env, "MPICFG": str(cfg), "LIB": "msmpi", "V": "42"})
    assert conf.libraries == ["msmpi"] and conf.define_macros == [("VENDOR", "42")]


def test_path_list_on_several_lines(env: dict[str, str], tmp_path: Path) -> None:
    cfg = write_cfg(tmp_path, "[mpi]\nlibrary_dirs =\n    /a/lib\n    /b/lib\n")
    assert resolve({**env, "MPICFG": str(cfg)}).library_dirs == ["/a/lib", "/b/lib"]


def test_cfg_path_with_expansion(env: dict[str, str], tmp_path: Path) -> None:
    write_cfg(tmp_path, "[x]\nlibraries = mpi\n", name="site.cfg")
    conf = resolve({**env, "MPICFG": "$CFGDIR/site.cfg:x", "CFGDIR": str(tmp_path)})
    assert conf.libraries == ["mpi"] and conf.cfg == f"{tmp_path / 'site.cfg'}:x"


def test_cfg_spec_parsing(tmp_path: Path) -> None:
    odd = write_cfg(tmp_path, "[mpi]\n", name="odd:name.cfg")
    assert config.split_cfg_spec(str(odd), {}) == (odd, "mpi")  # an existing file whose name has a ':'
    assert config.split_cfg_spec(f"{odd}:s", {}) == (odd, "s")
    assert config.split_cfg_spec("/x/a:b/y.cfg", {}) == (Path("/x/a:b/y.cfg"), "mpi")  # ':' in a directory name
    assert config.split_cfg_spec("C:\\mpi\\x.cfg", {}) == (Path("C:\\mpi\\x.cfg"), "mpi")  # a drive, not a section
    assert config.split_cfg_spec("C:\\mpi\\x.cfg:msmpi", {}) == (Path("C:\\mpi\\x.cfg"), "msmpi")
    assert config.split_cfg_spec("x.cfg:", {}) == (Path("x.cfg"), "mpi")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", False), ("0", False), ("off", False), ("No", False), ("1", True), ("yes", True), ("anything", True)],
)
def test_configure_requested(value: str, expected: bool) -> None:
    assert config.configure_requested({"MPI4PY_BUILD_CONFIGURE": value}) is expected


def test_record_round_trips_through_the_cfg_reader(env: dict[str, str], tmp_path: Path) -> None:
    """The [mpi] section the build writes configures an identical build when given as MPICFG."""
    from mpibuild import record

    cfg = write_cfg(tmp_path, FULL_CFG.format(sep=os.pathsep))
    first = resolve({**env, "MPICFG": f"{cfg}", "PREFIX": "/opt/mpi"})
    written = record.write_record(tmp_path / "pkg", record.mpi_items(first), record.build_items(first, "setuptools"))
    again = resolve({**env, "MPICFG": str(written)})
    for key in config.KNOWN_KEYS:
        assert getattr(again, key) == getattr(first, key), key


def test_sample_mpi_cfg_documents_every_key_with_valid_examples(env: dict[str, str]) -> None:
    import configparser
    import re

    sample = Path(__file__).resolve().parents[2] / "mpi.cfg"
    text = sample.read_text()
    for key in config.KNOWN_KEYS:
        assert re.search(rf"^# {key}\s", text, re.M), f"mpi.cfg does not document {key}"
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    assert {"mpi", "mpich", "openmpi", "intelmpi", "msmpi"} <= set(parser.sections())
    for section in parser.sections():
        conf = resolve({**env, "MPICFG": f"{sample}:{section}"})  # commented examples: parses, changes nothing
        assert conf.origin("mpicc") == "PATH"
    examples = re.findall(r"^# ([a-z_]+) =", text, re.M)
    assert examples and set(examples) <= set(config.KNOWN_KEYS)
