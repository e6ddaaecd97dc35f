from __future__ import annotations

from mpibuild import optflags


def test_defaults_for_gcc_like_compilers() -> None:
    assert optflags.compile_args("unix", {}) == ["-O2", "-g0"]


def test_user_cflags_win() -> None:
    assert optflags.compile_args("unix", {"CFLAGS": "-g -O2 -fstack-protector-strong"}) == []
    assert optflags.compile_args("unix", {"CFLAGS": "-fPIC", "CPPFLAGS": "-O0"}) == []
    assert optflags.compile_args("unix", {"CFLAGS": "-fPIC"}) == ["-O2", "-g0"]


def test_msvc_untouched() -> None:
    assert optflags.compile_args("msvc", {}) == []
