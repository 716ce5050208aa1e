"""Tests for ffcc.structure and ffcc.theorem2.

Expected values come from hand counts, brute force or closed forms.
"""

import doctest
import itertools
import math
from collections import Counter
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ffcc.structure as structure_mod
import ffcc.theorem2 as theorem2_mod
from ffcc.structure import Cover, SampleGraph
from ffcc.theorem2 import prob_u_at_least, theorem2_bound, theorem2_parameters

# Figure 2 of the paper (1-based ids): an 8-cycle on A_{1..4,1} and B_{1,1..4}.
FIG2 = [(1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 4), (4, 4), (4, 1)]


# ----------------------------------------------------------------------------- independent helpers


def degrees(samples, idx):
    """Left and right degree Counters of the samples with indices idx."""
    return Counter(samples[t][0] for t in idx), Counter(samples[t][1] for t in idx)


def min_deg_at_least(samples, idx, v):
    cl, cr = degrees(samples, idx)
    return bool(idx) and min(cl.values()) >= v and min(cr.values()) >= v


def n_components(samples):
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for l, r in samples:
        a, b = find(("L", l)), find(("R", r))
        if a != b:
            parent[a] = b
    return len({find(x) for x in parent})


def is_forest(samples):
    """No repeated pair and #edges = #vertices - #components."""
    if len(set(samples)) != len(samples):
        return False
    nv = len({l for l, _ in samples}) + len({r for _, r in samples})
    return len(samples) == nv - n_components(samples)


def is_simple_cycle(samples, idx):
    """idx is a single cycle: connected, every vertex used exactly twice (a 2-cycle if len 2)."""
    sub = [samples[t] for t in idx]
    cl, cr = degrees(samples, idx)
    return (
        len(idx) >= 2
        and len(idx) % 2 == 0
        and set(cl.values()) == {2}
        and set(cr.values()) == {2}
        and n_components(sub) == 1
    )


multigraphs = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=10)


# ----------------------------------------------------------------------------- u and reports


def test_figure2_eight_cycle():
    g = SampleGraph(FIG2)
    assert g.k == 8
    assert g.u() == (2, 2)
    assert g.left == (1, 2, 3, 4) and g.right == (1, 2, 3, 4)
    assert len(g.edges) == 8 and set(g.multiplicities.values()) == {1}
    cyc = g.find_cycle()
    assert sorted(cyc) == list(range(8))
    # Returned in cycle order: consecutive samples share a basis element.
    for a, b in zip(cyc, cyc[1:] + cyc[:1], strict=True):
        assert FIG2[a][0] == FIG2[b][0] or FIG2[a][1] == FIG2[b][1]
    assert g.dense_cover() == Cover(((0, 1, 2, 3, 4, 5, 6, 7),), ())
    assert g.k_core_groups(2).groups == ((0, 1, 2, 3, 4, 5, 6, 7),)
    assert g.k_core_groups(3) == Cover((), tuple(range(8)))
    # Dropping one edge leaves a path: a tree, no cycle, u = (1, 1).
    path = SampleGraph(FIG2[:-1])
    assert path.u() == (1, 1)
    assert path.find_cycle() is None
    assert path.dense_cover() == Cover((), tuple(range(7)))


def test_u_on_hand_examples():
    s = [("a", "x"), ("a", "y"), ("b", "x"), ("a", "x")]
    g = SampleGraph(s)
    # a: 3 samples, b: 1; x: 3, y: 1.
    assert g.u() == (1, 1)
    assert g.u([0, 3]) == (2, 2)  # the pair (a, x) twice
    assert g.u([0, 1]) == (2, 1)  # a twice; x once, y once
    assert g.u([0, 1, 3]) == (3, 1)
    assert g.u([]) == (0, 0)
    assert g.multiplicities == Counter({("a", "x"): 2, ("a", "y"): 1, ("b", "x"): 1})
    assert g.edges == (("a", "x"), ("a", "y"), ("b", "x"))
    assert g.left == ("a", "b") and g.right == ("x", "y")
    # Left and right ids are separate namespaces.
    assert SampleGraph([(0, 0), (0, 1)]).u() == (2, 1)


def test_components():
    s = [(0, "p"), (1, "q"), (0, "r"), (2, "q"), (3, "s")]
    comps = SampleGraph(s).components()
    assert [c.samples for c in comps] == [(0, 2), (1, 3), (4,)]
    assert comps[0].left == (0,) and comps[0].right == ("p", "r")
    assert comps[1].left == (1, 2) and comps[1].right == ("q",)
    assert [c.samples for c in SampleGraph(s).components([1, 4])] == [(1,), (4,)]


def test_subset_and_sample_validation():
    g = SampleGraph([(0, 0), (1, 1)])
    with pytest.raises(ValueError, match="sample index"):
        g.u([2])
    with pytest.raises(ValueError, match="repeated"):
        g.u([0, 0])
    with pytest.raises(TypeError, match="pair"):
        SampleGraph([(0, 0, 0)])
    with pytest.raises(TypeError, match="pair"):
        SampleGraph([([0], 1)])


# ----------------------------------------------------------------------------- Theorem 3


def test_repeated_pair_is_a_two_cycle():
    g = SampleGraph([("a", "x"), ("b", "y"), ("c", "z"), ("b", "y")])
    assert g.find_cycle() == (1, 3)
    assert g.u((1, 3)) == (2, 2)
    assert g.find_cycle([0, 1, 2]) is None


@settings(max_examples=150, deadline=None)
@given(multigraphs)
def test_find_cycle_exists_iff_not_forest_and_is_shortest(s):
    g = SampleGraph(s)
    cyc = g.find_cycle()
    nv = len({l for l, _ in s}) + len({r for _, r in s})
    if len(set(s)) >= nv and s:  # Theorem 3's counting condition
        assert cyc is not None
    if cyc is None:
        assert is_forest(s)
        return
    assert not is_forest(s)
    assert len(set(cyc)) == len(cyc)
    assert is_simple_cycle(s, cyc)
    if len(cyc) == 2:
        assert s[cyc[0]] == s[cyc[1]]
    else:
        assert len({s[t] for t in cyc}) == len(cyc)  # distinct pairs: t left, t right
    lu = g.u(cyc)
    assert lu[0] >= 2 and lu[1] >= 2
    # Shortest: no smaller set of samples has min degree >= 2 on both sides (such a set would
    # contain a shorter cycle).
    for size in range(2, len(cyc)):
        for sub in itertools.combinations(range(len(s)), size):
            assert not min_deg_at_least(s, sub, 2)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.data())
def test_theorem3_grid_samples(m, n, q, data):
    # k = (m + n) q grid samples ((i, iota), (iota, j)) always contain a cycle.
    k = (m + n) * q
    picks = data.draw(
        st.lists(
            st.tuples(st.integers(0, m - 1), st.integers(0, q - 1), st.integers(0, n - 1)),
            min_size=k,
            max_size=k,
        )
    )
    s = [((i, t), (t, j)) for i, t, j in picks]
    g = SampleGraph(s)
    cyc = g.find_cycle()
    assert cyc is not None
    assert is_simple_cycle(s, cyc)


@settings(max_examples=120, deadline=None)
@given(multigraphs)
def test_dense_cover_properties(s):
    g = SampleGraph(s)
    cover = g.dense_cover()
    flat = [t for grp in cover.groups for t in grp]
    assert len(flat) == len(set(flat))  # disjoint
    assert sorted(flat + list(cover.leftover)) == list(range(len(s)))
    for grp in cover.groups:
        assert min_deg_at_least(s, grp, 2)
    left = [s[t] for t in cover.leftover]
    assert is_forest(left)
    for grp in cover.groups:
        verts = {("L", s[t][0]) for t in grp} | {("R", s[t][1]) for t in grp}
        for t in cover.leftover:
            # Absorbing an edge whose ends are both in the group would keep u >= 2.
            assert not ({("L", s[t][0]), ("R", s[t][1])} <= verts)


def test_dense_cover_absorbs_ears_and_keeps_disjoint_cycles_apart():
    # Two 4-cycles sharing the sample (0, 0): after one is extracted, the other's remaining
    # three samples form a path between two vertices of the group (an "ear") and are absorbed.
    # Sample 7 hangs off the group by one vertex and sample 8 is isolated: both stay out.
    s = [(0, 0), (0, 1), (1, 1), (1, 0), (0, 5), (6, 5), (6, 0), (7, 1), (9, 9)]
    assert SampleGraph(s).dense_cover() == Cover(((0, 1, 2, 3, 4, 5, 6),), (7, 8))
    # Two vertex-disjoint 4-cycles become two groups; a repeated pair is a third.
    t = [(0, 0), (0, 1), (1, 1), (1, 0), (5, 5), (5, 6), (6, 6), (6, 5), (8, 8), (8, 8)]
    assert SampleGraph(t).dense_cover() == Cover(((8, 9), (0, 1, 2, 3), (4, 5, 6, 7)), ())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), max_size=8), st.integers(1, 3))
def test_k_core_groups_cover_exactly_the_coverable_samples(s, v):
    cover = SampleGraph(s).k_core_groups(v)
    # Brute force: the union of all sample sets with min degree >= v on both sides.
    coverable = set()
    for size in range(1, len(s) + 1):
        for sub in itertools.combinations(range(len(s)), size):
            if min_deg_at_least(s, sub, v):
                coverable |= set(sub)
    flat = [t for grp in cover.groups for t in grp]
    assert sorted(flat) == sorted(coverable)
    assert sorted(cover.leftover) == sorted(set(range(len(s))) - coverable)
    for grp in cover.groups:
        assert min_deg_at_least(s, grp, v)
        assert n_components([s[t] for t in grp]) == 1


# ----------------------------------------------------------------------------- Theorem 2


def brute_prob(P, k, v):
    """Sum of Prod p over all P^k draw sequences whose counts meet the threshold."""
    pairs = [e for e, p in P.items() if p > 0]
    L = {l for l, _ in pairs}
    R = {r for _, r in pairs}
    total = F(0)
    for seq in itertools.product(pairs, repeat=k):
        cl = Counter(l for l, _ in seq)
        cr = Counter(r for _, r in seq)
        if all(cl[l] >= v for l in L) and all(cr[r] >= v for r in R):
            total += math.prod((P[e] for e in seq), start=F(1))
    return total


TINY = [
    {(0, 0): F(1, 6), (0, 1): F(1, 3), (1, 1): F(1, 4), (1, 0): F(1, 4)},
    {(0, 0): F(1, 6), (0, 1): F(1, 3), (1, 2): F(1, 4), (2, 0): F(1, 4), (2, 2): F(0)},
    {("a", "x"): F(1, 2), ("a", "y"): F(1, 4), ("a", "z"): F(1, 4)},
    {(0, 0): F(1)},
]


@pytest.mark.parametrize("P", TINY)
@pytest.mark.parametrize("k", [0, 1, 3, 5])
@pytest.mark.parametrize("v", [0, 1, 2])
def test_exact_probability_equals_brute_force(P, k, v):
    got = prob_u_at_least(P, k, v)
    assert got.method == "exact" and got.ci is None
    assert got.value == brute_prob(P, k, v)


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.integers(0, 2), st.integers(0, 2)), st.integers(0, 4), min_size=1, max_size=4
    ),
    st.integers(0, 5),
    st.integers(1, 2),
)
def test_exact_probability_equals_brute_force_random(weights, k, v):
    tot = sum(weights.values())
    if tot == 0:
        with pytest.raises(ValueError):
            prob_u_at_least(weights, k, v)
        return
    P = {e: F(w, tot) for e, w in weights.items()}
    # Unnormalised integer weights are normalised by their total.
    assert prob_u_at_least(weights, k, v).value == brute_prob(P, k, v)


def test_coupon_collector_closed_form():
    # One left element, n equally likely right elements: P[all seen] by inclusion-exclusion.
    n, k = 5, 12
    P = {("a", j): F(1, n) for j in range(n)}
    closed = sum((-1) ** j * math.comb(n, j) * F(n - j, n) ** k for j in range(n + 1))
    assert prob_u_at_least(P, k, 1).value == closed
    # Matrix input, same distribution.
    assert prob_u_at_least([[F(1, n)] * n], k, 1).value == closed


def test_monte_carlo_agrees_with_exact_within_ci():
    P = np.array([[3, 1, 1], [1, 2, 1], [1, 1, 4]], dtype=float)  # normalised by the total
    exact = prob_u_at_least(P, 15, 2)
    assert exact.method == "exact"
    mc = prob_u_at_least(P, 15, 2, method="monte-carlo", mc_samples=20_000, rng=1)
    assert mc.method == "monte-carlo" and mc.n_samples == 20_000
    lo, hi = mc.ci  # 99% Wilson score interval
    assert lo <= float(exact.value) <= hi
    assert lo <= mc.value <= hi and hi - lo < 0.03
    # A budget too small for the exact programme falls back to Monte Carlo in "auto".
    auto = prob_u_at_least(P, 15, 2, exact_limit=10, mc_samples=2000)
    assert auto.method == "monte-carlo"
    assert prob_u_at_least(P, 15, 2, method="exact", exact_limit=10).method == "exact"


def test_trivial_probabilities():
    P = {(0, 0): F(1, 2), (1, 1): F(1, 2)}
    assert prob_u_at_least(P, 3, 2).value == 0  # 3 samples cannot give 2 to each of 2 vertices
    assert prob_u_at_least(P, 0, 0).value == 1
    with pytest.raises(ValueError, match="negative"):
        prob_u_at_least({(0, 0): -1, (1, 1): 2}, 3, 1)
    with pytest.raises(ValueError):
        prob_u_at_least(P, -1, 1)
    with pytest.raises(ValueError):
        prob_u_at_least(P, 3, 1, method="bogus")


def test_theorem2_bound_formula():
    assert theorem2_bound(F(1, 4), 4, 1, 1.5) == pytest.approx(1 - 1 / 4**0.5)
    assert theorem2_bound(0.1, 10, 2, 2) == pytest.approx(1 - 2 / 10)
    with pytest.raises(ValueError):
        theorem2_bound(0.5, 1, 1, 2)  # r < 1/delta
    with pytest.raises(ValueError):
        theorem2_bound(0.5, 4, 1, 1)  # gamma must exceed 1


@pytest.mark.parametrize(
    ("P", "grid", "v", "gamma"),
    [
        ({(0, 0): F(1, 4), (0, 1): F(1, 4), (1, 0): F(1, 4), (1, 1): F(1, 4)}, None, 1, 1.5),
        ({(0, 0): F(1, 4), (0, 1): F(1, 4), (1, 0): F(1, 4), (1, 1): F(1, 4)}, None, 1, 2.0),
        # Grid CR-MM with m = n = 1, q = 3: pairs ((0, t), (t, 0)); (m + n) q = 6 > 1/delta = 4.
        (
            {((0, 0), (0, 0)): F(1, 2), ((0, 1), (1, 0)): F(1, 4), ((0, 2), (2, 0)): F(1, 4)},
            (1, 1, 3),
            1,
            1.5,
        ),
    ],
)
def test_theorem2_holds_on_exact_probability(P, grid, v, gamma):
    kw = {} if grid is None else dict(zip("mnq", grid, strict=True))
    params = theorem2_parameters(P, v, gamma, **kw)
    delta = min(P.values())
    nvert = 4 if grid is None else (grid[0] + grid[1]) * grid[2]
    r = max(1 / delta, nvert)
    assert params.delta == delta and params.r == pytest.approx(r)
    assert params.k_prime == pytest.approx(v * gamma * r * math.log(r))
    assert params.k == math.ceil(v * gamma * r * math.log(r))
    assert params.bound == pytest.approx(1 - v / r ** (gamma - 1))
    # Theorem 2: with k >= k' samples the event has probability at least the bound.
    assert prob_u_at_least(P, params.k, v).value >= params.bound


# ----------------------------------------------------------------------------- picture & docs


def test_draw_writes_png(tmp_path):
    g = SampleGraph(FIG2 + [(1, 1)])
    out = tmp_path / "graph.png"
    ax = g.draw(path=out, highlight=g.find_cycle())
    assert out.exists() and out.stat().st_size > 0
    assert ax.get_title() == "sample graph: 9 samples, 8 distinct pairs, (u1, u2) = (2, 2)"


def test_docstring_examples_run():
    assert doctest.testmod(structure_mod).failed == 0
    assert doctest.testmod(theorem2_mod).failed == 0


def test_structure_still_exports_theorem2_names():
    # Theorem 2 moved to ffcc.theorem2; older imports from ffcc.structure keep working.
    for name in theorem2_mod.__all__:
        assert getattr(structure_mod, name) is getattr(theorem2_mod, name)
        assert name in structure_mod.__all__
