"""ffcc.optimize: the fewest workers for a sample structure, a verified scheme, a bound.

Expected numbers come from the mathematics (the lower-bound arguments written out in each
test), never from the code's output; every scheme returned is re-verified here.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

from ffcc import InputError, PrimeField, load, verify
from ffcc.cli import main
from ffcc.optimize import _structure, exponent_search, lower_bound, optimize

CYCLE8 = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0)]
K33 = [(i, j) for i in range(3) for j in range(3)]


def _targets_are_samples(scheme, pairs) -> bool:
    """Every target is one sampled product A_l B_r (coefficient 1), each exactly once."""
    a, b = scheme.params["a_blocks"], scheme.params["b_blocks"]
    got = []
    for t in scheme.targets:
        assert len(t) == 1 and t[0][1] == 1
        (l, r), _ = t[0]
        got.append((a[l], b[r]))
    return sorted(got) == sorted(set(pairs))


def test_figure2_s1_cli_writes_a_verified_scheme_below_theorem1(tmp_path, capsys):
    samples = tmp_path / "cycle8.json"
    samples.write_text(json.dumps([list(x) for x in CYCLE8]))
    out = tmp_path / "best.json"
    rc = main(["optimize", "--samples", str(samples), "-s", "1", "--json", "--output", str(out)])
    assert rc == 0
    res = json.loads(capsys.readouterr().out)
    for key in ("workers", "threshold", "lower_bound", "closed", "method", "lower_bound_method"):
        assert key in res
    assert res["workers"] < 14  # Theorem 1 (Figure 2) needs 13 + s
    # 8 independent products: any scheme needs R >= 8, so 8 + s = 9 workers; 9 is reached
    assert res["lower_bound"] == 9 and res["workers"] == 9 and res["closed"] is True
    scheme = load(out)
    assert scheme.w == res["workers"] and scheme.stragglers == 1
    assert _targets_are_samples(scheme, CYCLE8)
    rep = verify(scheme)
    assert rep.holds is True and rep.checked == math.comb(scheme.w, scheme.R)
    assert main(["verify", str(out)]) == 0
    # negative control: drop any one worker and the same s = 1 can no longer be met
    for j in range(scheme.w):
        fewer = scheme.subset([i for i in range(scheme.w) if i != j], stragglers=1)
        assert verify(fewer).holds is False


@pytest.mark.parametrize("s", [0, 1, 2])
def test_k33_is_closed_at_9_plus_s(s):
    res = optimize(K33, s, time_limit=5)
    # the 9 products are independent rank-one tensors: threshold >= 9; the polynomial code
    # (A_i z^i, B_j z^(3j)) reaches it
    assert (res.workers, res.threshold, res.lower_bound, res.closed) == (9 + s, 9, 9 + s, True)
    assert verify(res.scheme).holds is True
    assert _targets_are_samples(res.scheme, K33)


def test_lower_bounds_from_the_biclique_argument():
    # 8-cycle: bicliques are paths of two edges; 4 pairs no two in one biclique, so
    # threshold 8 needs 4 (s + 1) <= 8 + s workers, false for s >= 2: then 9 + s
    assert [lower_bound(CYCLE8, s).workers for s in range(5)] == [8, 9, 11, 12, 13]
    # path A0-B0, A0-B1, A1-B1: the end pairs share no biclique: 2 (s + 1) <= 3 + s
    # only for s <= 1
    path = [(0, 0), (0, 1), (1, 1)]
    assert [lower_bound(path, s).workers for s in range(4)] == [3, 4, 6, 7]
    # two separate products: threshold 2 would need 1 + s workers per product, 2 + 2s >
    # 2 + s, so threshold >= 3 (Lagrange reaches 2k - 1 = 3)
    two = [(0, 0), (1, 1)]
    assert [lower_bound(two, s).workers for s in range(4)] == [2, 4, 5, 6]
    # complete grids never gain: the whole space is one biclique
    assert lower_bound(K33, 3).workers == 12
    assert "biclique" in lower_bound(CYCLE8, 2).method


@pytest.mark.parametrize("s", [1, 2])
def test_two_separate_products_closed(s):
    res = optimize([("a", "x"), ("b", "y")], s, time_limit=2)
    assert res.workers == res.lower_bound == 3 + s and res.closed
    assert verify(res.scheme).holds is True


def test_figure2_larger_s_beats_theorem1_and_respects_the_bound():
    res = optimize(CYCLE8, 2, time_limit=2, seed=1, strategies=["catalog", "local"])
    assert 11 <= res.workers < 15  # lower bound 9 + s; Theorem 1 13 + s
    assert verify(res.scheme).holds is True
    assert res.theorem1["bound_workers"] == 15


def test_bound_never_exceeds_a_verified_scheme():
    rng = np.random.default_rng(7)
    for _ in range(6):
        pairs = [tuple(int(v) for v in x) for x in rng.integers(0, 3, size=(5, 2))]
        s = int(rng.integers(0, 3))
        res = optimize(pairs, s, time_limit=1, seed=0)
        assert res.lower_bound <= res.workers
        t = len(set(pairs))
        assert t + s <= res.lower_bound <= t + 1 + s
        assert res.workers <= 2 * t - 1 + s or t == 1  # never worse than MatDot
        assert verify(res.scheme).holds is True
        assert _targets_are_samples(res.scheme, pairs)


def _brute_min_degree(pairs, bound):
    """Least max(a) + max(b) over every exponent assignment with entries <= bound."""
    st = _structure(pairs)
    nl, nr = st.shape
    target = set(st.pairs)
    best = None
    for a in itertools.product(range(bound + 1), repeat=nl):
        for b in itertools.product(range(bound + 1), repeat=nr):
            sums = {}
            for l in range(nl):
                for r in range(nr):
                    sums.setdefault(a[l] + b[r], []).append((l, r))
            if all(len(sums[a[l] + b[r]]) == 1 for l, r in target):
                d = max(a) + max(b) - min(a) - min(b)
                best = d if best is None else min(best, d)
    return best


@pytest.mark.parametrize(
    "pairs", [[(0, 0), (0, 1), (1, 1)], [(0, 0), (0, 1), (1, 0), (1, 1), (2, 1)]]
)
def test_exponent_search_finds_the_brute_force_optimum(pairs):
    want = _brute_min_degree(pairs, 5)
    st = _structure(pairs)
    sols, finished = exponent_search(st, want - 1, deadline=float("inf"))
    assert sols == [] and finished  # nothing below the optimum
    sols, _ = exponent_search(st, want, deadline=float("inf"), limit=3)
    assert sols and all(max(a) + max(b) == want for a, b in sols)


def test_bad_input_is_one_clear_error(tmp_path, capsys):
    with pytest.raises(InputError, match="no samples"):
        optimize([], 1)
    with pytest.raises(InputError, match="unknown strategy"):
        optimize(CYCLE8, 1, strategies=["magic"])
    with pytest.raises(InputError, match="stragglers"):
        optimize(CYCLE8, -1)
    assert main(["optimize", "--samples", str(tmp_path / "missing.json")]) == 2
    assert "cannot read samples file" in capsys.readouterr().err


def test_planner_uses_optimize_per_group_and_verifies_every_group():
    from ffcc.plan import plan, scheme_for_group

    P0 = plan(CYCLE8, 1)
    P = plan(CYCLE8, 1, optimize=2)
    assert P0.paper_workers == P.paper_workers == 14  # Theorem 1 on the cycle, 13 + s
    assert P0.chosen.workers == 14 and P.baseline_workers == 16
    assert P.chosen.name == "optimized" and P.chosen.workers == 9  # t + s, closed
    (g,) = P.chosen.groups
    assert g.construction == "optimized" and g.verified is True and g.lower_bound == 9
    sch = scheme_for_group(P, g)
    assert verify(sch).holds is True and _targets_are_samples(sch, CYCLE8)
    d = P.to_dict()
    assert d["paper_workers"] == 14 and d["groups"][0]["lower_bound"] == 9
    assert "the paper's plan" in P.summary()
    Pb = plan(CYCLE8, 1, 1, optimize=1)  # Byzantine workers: the search does not apply
    assert all(g.construction != "optimized" for g in Pb.chosen.groups)
    assert any("optimize: skipped" in n for n in Pb.notes)


def test_support_search_keeps_sampled_sums_unique_and_counts_monomials():
    from ffcc.optimize import _sparse_scheme, support_search

    st = _structure(CYCLE8)
    rng = np.random.default_rng(3)
    F = PrimeField(65537)
    for dims in (1, 2):
        support, a, b = support_search(st, dims, float("inf"), rng, moves=800, restarts=2)
        nl, nr = st.shape
        owner = {}
        for l in range(nl):
            for r in range(nr):
                key = tuple(x + y for x, y in zip(a[l], b[r], strict=True))
                owner.setdefault(key, []).append((l, r))
        for l, r in st.pairs:  # every sampled product is alone on its monomial
            key = tuple(x + y for x, y in zip(a[l], b[r], strict=True))
            assert owner[key] == [(l, r)]
        assert support == len(owner) >= 8 + 1  # 8 sampled sums and the others' at least
        # the product lies in the span of `support` monomials: that many random points
        # (generic) determine every coefficient, so all of them decode
        sch = _sparse_scheme(st, F, a, b, rng.integers(1, F.p, (support, dims)), 0)
        assert verify(sch).holds is True
