"""Start-up stays cheap: what `import ffcc` and `ffcc --help` load (no timings here; the
times are in benchmarks/bench_startup.py)."""

import subprocess
import sys

import pytest


def _loaded(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return set(out.split())


@pytest.mark.parametrize(
    ("code", "absent"),
    [
        ("import ffcc", {"numpy", "numba", "sympy", "galois", "ffcc.run"}),
        ("from ffcc import PrimeField, Scheme, verify", {"numba", "sympy", "galois"}),
        ("import ffcc.cli; ffcc.cli.build_parser()", {"numpy", "numba", "sympy", "ffcc.run"}),
        ("from ffcc.scheme import load", {"numba", "sympy"}),
    ],
)
def test_heavy_modules_are_not_imported(code, absent):
    assert not (_loaded(code) & absent)


def test_help_of_lazily_filled_subcommands_lists_their_options():
    out = subprocess.run(
        [sys.executable, "-m", "ffcc.cli", "run", "--help"], check=True, capture_output=True,
        text=True,
    ).stdout  # fmt: skip
    assert "--graph" in out and "--stragglers" in out


def test_public_names_resolve_lazily():
    import ffcc
    import ffcc.verify  # the submodule import must not shadow the function

    assert callable(ffcc.verify) and ffcc.verify.__name__ == "verify"
    assert ffcc.PrimeField(7).p == 7
    with pytest.raises(AttributeError):
        ffcc.no_such_name  # noqa: B018
