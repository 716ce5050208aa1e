"""The numpy walk of small verifications (nothing compiled) is exact and keeps the walk's
semantics.

:func:`ffcc._subsets._np_walk` / ``_np_check_each`` run when
:func:`ffcc.field.use_kernel` judges the work too small to pay for a compile. They are
checked here against python-flint ranks (the independent oracle of test_verify_walk) at
every prime the walk accepts, entries 0, 1, p - 2, p - 1 and failing subsets; against the
compiled kernel from arbitrary start ranks with and without stopping at the first failure;
through :func:`ffcc.verify.verify` on holding and failing schemes with either path forced;
and end to end: a cold ``ffcc verify`` of a small scheme leaves numba's cache empty.
"""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_verify_mds import _random_scheme
from test_verify_walk import as_array, extreme_matrix

from ffcc import _subsets
from ffcc.codes.matdot import matdot
from ffcc.codes.polynomial import polynomial_code
from ffcc.verify import verify

verify_mod = importlib.import_module("ffcc.verify")  # ffcc.verify is also the function


# one row per worker on both paths: test_verify_walk.test_walk_matches_flint_at_every_prime
# several rows per worker on both paths: test_verify_walk.test_walk_groups_matches_flint


@pytest.mark.parametrize("p", [5, 2**31 - 1])
def test_numpy_walk_matches_kernel_from_every_start(p):
    """(checked, failed, first) equal the kernel's for every start rank and count, with
    and without stopping at the first failure (checked then counts up to and including it)."""
    w, D, R = 8, 4, 4
    G = as_array(extreme_matrix(p, w, D, 11))
    total = 70
    for tstart in (0, 1):
        for start in range(0, total, 3):
            comb = _subsets.unrank(start, w, R)
            for count in (1, 5, total - start, total + 9):  # past the end: stops there
                for stop in (False, True):
                    args = (G, p, R, tstart, comb, count, stop)
                    a = _subsets.walk(*args, True)
                    b = _subsets.walk(*args, False)
                    assert (int(a[0]), int(a[1]), a[2].tolist()) == (b[0], b[1], b[2].tolist())


def _force(monkeypatch, compiled: bool):
    monkeypatch.setattr(verify_mod, "use_kernel", lambda kernel, work, p: compiled)


_SCHEMES = [
    matdot(3, 2),
    matdot(3, 2, p=2**61 - 1),
    polynomial_code(2, 2, 3, p=13),
    _random_scheme(3, 7, 2, 0, 5, repeat=True),
    _random_scheme(2, 8, 2, 0, 9),
]


@pytest.mark.parametrize("S", _SCHEMES, ids=range(len(_SCHEMES)))
@pytest.mark.parametrize("count", [False, True])
def test_verify_same_report_on_either_path(monkeypatch, S, count):
    """Holding and failing (R below the threshold, or small random codes) schemes."""
    key = lambda r: (r.holds, r.checked, r.failed, r.first_failure, r.witness_target)  # noqa: E731
    for R in sorted({S.R, max(1, S.R - 1)}):
        reps = []
        for compiled in (True, False):
            _force(monkeypatch, compiled)
            kw = dict(mds=False, certificate=False, count_failures=count, progress=False)
            reps.append(key(verify(S, R, **kw)))
            reps.append(key(verify(S, R, sample=40, seed=1, **kw)))
        assert reps[0] == reps[2] and reps[1] == reps[3]
    assert any(verify(S, max(1, S.R - 1), progress=False).failed for S in _SCHEMES)


def test_cold_small_verify_compiles_nothing(tmp_path):
    """The issue's case: a bare `ffcc verify` of a small scheme, empty numba cache."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    scheme = tmp_path / "s.json"
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "ffcc.cli", *a], env=env, capture_output=True, text=True, check=True
    )
    run("export", "matdot", "--param", "m=3", "--param", "s=2", "-o", str(scheme))
    out = run("verify", str(scheme), "--no-certificate").stdout
    assert "HOLDS" in out
    compiled = [f.name for f in (tmp_path / "numba").rglob("*.nbi")]
    assert compiled == []


def test_minors_path_rechecks_vanishing_minors_either_way(monkeypatch):
    """`_run_mds` re-checks subsets whose minor vanishes with check_list when the targets
    are a proper subspace: the numpy check gives the kernel's report."""
    seen = []
    real = _subsets.check_list

    def spy(G, p, tstart, subsets, compiled=True):
        seen.append((compiled, len(subsets)))
        return real(G, p, tstart, subsets, compiled)

    monkeypatch.setattr(_subsets, "check_list", spy)
    key = lambda r: (r.holds, r.checked, r.failed, r.first_failure, r.witness_target)  # noqa: E731
    for seed in range(12):
        S = _random_scheme(3, 8, 2, 0, seed, repeat=seed % 2 == 1)
        D = verify_mod.prepare(S).G.shape[1]
        S = S.with_faults(S.w - D)
        for count in (False, True):
            reps = []
            for compiled in (True, False):
                _force(monkeypatch, compiled)
                reps.append(key(verify(S, mds=True, count_failures=count, progress=False)))
            reps.append(key(verify(S, mds=False, count_failures=count, progress=False)))
            assert reps[0] == reps[1] == reps[2]
    assert {c for c, n in seen if n} == {True, False}, "both paths must have re-checked subsets"
