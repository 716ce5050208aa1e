"""Locality-based codes (one dependency, Theorem 1 per coordinate) and 3M complex products.

Thresholds are *measured* by the exhaustive verifier and compared with formulas derived
by hand (in the comments); decoded blocks are compared with products computed in Python
integers (object arrays), independently of ffcc's kernels.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import ffcc.codes.locality as loc
import ffcc.codes.threem as tm
from ffcc import SchemeError, verify
from ffcc.codes import CATALOG, build
from ffcc.field import PrimeField
from ffcc.scheme import Scheme

P = 65537  # = 1 mod 4
P31 = 2**31 - 1  # = 3 mod 4
S_RANGE = range(4)


def mm(A, B, p):
    """Oracle: exact product in Python integers."""
    return (np.asarray(A, dtype=object) @ np.asarray(B, dtype=object)) % p


def blocks(F, n, shape, rng):
    """n random blocks, with the extreme entries 0 and p - 1 planted in each."""
    out = []
    for _ in range(n):
        X = F.random(shape, rng)
        X.flat[0] = F.p - 1
        X.flat[-1] = 0
        out.append(X)
    return out


def run(S, inputs, workers):
    coded = S.encode(inputs)
    return {j: S.compute(coded[j]) for j in workers}


def same(xs, ys):
    return len(xs) == len(ys) and all(
        np.array_equal(np.asarray(x, dtype=object), np.asarray(y, dtype=object))
        for x, y in zip(xs, ys, strict=True)
    )


# -- one dependency -----------------------------------------------------------------------
@pytest.mark.parametrize("k", [2, 3, 4, 5, 6])
@pytest.mark.parametrize("s", S_RANGE)
def test_dependency_threshold_is_2k_minus_3(k, s):
    rng = np.random.default_rng(10 * k + s)
    alphas = [int(a) for a in rng.integers(1, P, k - 1)]
    S = loc.dependency_code(k, s, alphas=alphas)
    # w_{k,s} - 2 = (2k - 1 + s) - 2 workers, any 2k - 3 decode, and no fewer in general
    assert S.w == (2 * k - 1 + s) - 2
    rep = verify(S, threshold=True)
    assert rep.holds is True
    assert rep.recovery_threshold == 2 * k - 3
    if k >= 3:
        # negative control: with nodes disjoint from the betas, no 2k - 4 workers decode
        neg = verify(S, R=S.R - 1, count_failures=True)
        assert neg.holds is False and neg.failed == neg.total


def test_dependency_zero_alpha_refused():
    with pytest.raises(SchemeError, match=r"alpha_1 is 0 mod 65537.*non-zero"):
        loc.dependency_code(4, 1, alphas=[3, 0, 5])
    with pytest.raises(SchemeError, match="alpha_0 is 0 mod 65537"):
        loc.dependency_code(3, 0, alphas=f"{P},1")  # p = 0 in GF(p)
    with pytest.raises(SchemeError, match="needs k - 1 = 2 alphas"):
        loc.dependency_code(3, 0, alphas=[1, 2, 3])
    with pytest.raises(SchemeError, match="k must be an integer >= 2"):
        loc.dependency_code(1)


@pytest.mark.parametrize("p", [P, P31])
@pytest.mark.parametrize("k,s", [(2, 1), (3, 2), (5, 3)])
def test_dependency_roundtrip_against_python_ints(p, k, s):
    rng = np.random.default_rng(k * 7 + s)
    F = PrimeField(p)
    alphas = [int(a) for a in rng.integers(1, p, k - 1)]
    alphas[0] = p - 1  # an extreme coefficient (-1)
    S = loc.dependency_code(k, s, alphas=alphas, p=p)
    X = blocks(F, k - 1, (3, 4), rng)
    Y = blocks(F, k - 1, (4, 2), rng)
    Xk = sum(a * x.astype(object) for a, x in zip(alphas, X, strict=True)) % p
    Yk = sum(a * y.astype(object) for a, y in zip(alphas, Y, strict=True)) % p
    want = [mm(x, y, p) for x, y in zip(X, Y, strict=True)] + [mm(Xk, Yk, p)]
    for trial in range(3):
        workers = sorted(rng.choice(S.w, S.R, replace=False).tolist())
        res = run(S, [X, Y], workers)
        got = S.decode(res)
        assert same(got, want), (trial, workers)
        assert same(Scheme.decode(S, res), want)  # generic decoder agrees


# -- Theorem 1 ------------------------------------------------------------------------------
FIG2 = "0-0,0-1,1-1,1-2,2-2,2-3,3-3,3-0"
K22 = "0-0,0-1,1-0,1-1"
K23 = "0-0,0-1,0-2,1-0,1-1,1-2"
C6 = "0-0,0-1,1-1,1-2,2-2,2-0"
PATH = "0-0,0-1,1-1"
STAR = "0-0,0-1,0-2"

# (samples, k, u1, u2, measured threshold derived by hand)
#  * a cycle of length 2a over a + a blocks: u = (2, 2), N = 2k - 4 = 4a - 4; products of
#    unsampled pairs vanish at every beta, so they lie in prod(z - beta_i) * P_{k - 4}:
#    dim V <= k + (k - 3) = N + 1; for FIG2 / C6 it is N + 1 (13 / 9), and then the
#    threshold is exactly N + 1 (Vandermonde rows of N + 1 distinct points are independent);
#  * complete K_{a,b}: every pair sampled once, dim V = ab < N + 1 = ab + (a-1)(b-1); the
#    ab targets are the whole tensor space, so at least ab workers are needed, and ab do;
#  * PATH: k = 3, u = (1, 1), N = 4; one unsampled pair: dim V = 3 + 1 = 4 < 5;
#  * STAR: one A block, u = (3, 1), N = 2: the 3 targets already need 3 workers.
THEOREM1 = [
    (FIG2, 8, 2, 2, 13),
    (C6, 6, 2, 2, 9),
    (K22, 4, 2, 2, 4),
    (K23, 6, 3, 2, 6),
    (PATH, 3, 1, 1, 4),
    (STAR, 3, 3, 1, 3),
]


@pytest.mark.parametrize("samples,k,u1,u2,measured", THEOREM1)
@pytest.mark.parametrize("s", S_RANGE)
def test_theorem1_bound_and_measured_threshold(samples, k, u1, u2, measured, s):
    S = loc.coordinate_code(samples, s)
    bound = 2 * k - u1 - u2 + 1
    assert (S.params["k"], S.params["u1"], S.params["u2"]) == (k, u1, u2)
    # Theorem 1: w_{k,s} + 2 - u1 - u2 workers
    assert S.w == (2 * k - 1 + s) + 2 - u1 - u2 == bound + s
    assert S.params["theorem1_threshold"] == bound
    rep = verify(S, threshold=True)
    assert rep.holds is True  # every (N + 1)-subset decodes: the theorem, checked
    assert rep.recovery_threshold == measured <= bound
    assert S.params["span_dimension"] == measured  # measured = dim V in all these cases
    # negative control: one fewer than the measured threshold fails for some subset
    if measured > 1:
        assert verify(S, R=measured - 1).holds is False


@pytest.mark.parametrize("s", S_RANGE)
def test_figure2_13_workers_and_12_never_suffice(s):
    S = loc.coordinate_code(loc.FIGURE2, s)
    assert (S.params["u1"], S.params["u2"]) == (2, 2)
    assert S.w == 13 + s  # MatDot needs w_{8,s} = 15 + s
    assert S.params["matdot_workers"] == 15 + s
    rep = verify(S)
    assert rep.holds is True and rep.checked == math.comb(13 + s, 13)
    rep12 = verify(S, R=12, count_failures=True)
    assert rep12.failed == rep12.total == math.comb(13 + s, 12)  # no 12-subset decodes


def test_figure2_string_matches_paper_edges():
    # paper's 1-based edges (1,1),(1,2),(2,2),(2,3),(3,3),(3,4),(4,4),(4,1)
    one_based = [(1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 4), (4, 4), (4, 1)]
    assert list(loc.FIGURE2) == [(a - 1, b - 1) for a, b in one_based]
    assert loc.parse_samples(FIG2) == list(loc.FIGURE2)


@pytest.mark.parametrize("s", [0, 2])
def test_k22_span_dimension_by_hand(s):
    # S_0 = {0,1}, S_1 = {2,3}, S'_0 = {0,2}, S'_1 = {1,3}: phi_l psi_r vanishes at beta_i
    # unless sample i = (l, r), so the 4 x 4 matrix of the four products at the betas is
    # diagonal and non-singular: dim span = 4 = ab, against Theorem 1's N + 1 = 5.
    r = loc.theorem1_report(K22, s)
    assert (r.k, r.u1, r.u2) == (4, 2, 2)
    assert r.bound_threshold == 5 and r.bound_workers == 5 + s
    assert r.span_dimension == 4
    assert r.measured_threshold == 4 and r.measured_workers == 4 + s
    assert r.matdot_workers == 7 + s
    T = loc.coordinate_code(K22, s, span_aware=True)
    assert T.w == 4 + s and T.R == 4 and T.params["theorem1_threshold"] == 5
    assert verify(T).holds is True
    assert verify(T, R=3).holds is False
    # the phi_l psi_r at the betas, computed here from the stored coefficients
    F = T.field
    beta = T.params["beta"]
    prods = [(f, g) for f in T.params["phi"] for g in T.params["psi"]]
    Mb = np.array(
        [[F.poly_eval(f, [b])[0] * F.poly_eval(g, [b])[0] % F.p for b in beta] for f, g in prods]
    )
    assert np.count_nonzero(Mb) == 4 and F.rank(Mb) == 4


def test_merge_flag_changes_counting():
    smp = "0-0,0-0,0-1,1-1,1-0"  # K_{2,2} with (0,0) sampled twice
    m = loc.theorem1_bound(smp, 1, merge=True)
    assert (m["k"], m["u1"], m["u2"], m["threshold"]) == (4, 2, 2, 5)
    # keep repeats: S_0 = {0,1,2}, S_1 = {3,4}; S'_0 = {0,1,4}, S'_1 = {2,3}: u = (2, 2)
    r = loc.theorem1_bound(smp, 1, merge=False)
    assert (r["k"], r["u1"], r["u2"], r["threshold"]) == (5, 2, 2, 7)
    A = loc.coordinate_code(smp, 1, merge=True)
    B = loc.coordinate_code(smp, 1, merge=False)
    assert len(A.targets) == len(B.targets) == 4
    assert A.w == 6 and B.w == 8
    assert verify(A).holds and verify(B).holds
    # repeated samples get distinct betas but one target
    assert len(set(B.params["beta"])) == 5
    # merging can lower u: one pair sampled twice has u = (2, 2) kept, (1, 1) merged; both
    # give threshold 1 (k = 2: 4 - 4 + 1, h constant; k = 1: 2 - 2 + 1)
    kept = loc.theorem1_bound("0-0,0-0", 0, merge=False)
    merged = loc.theorem1_bound("0-0,0-0", 0, merge=True)
    assert (kept["u1"], kept["u2"], kept["threshold"]) == (2, 2, 1)
    assert (merged["u1"], merged["u2"], merged["threshold"]) == (1, 1, 1)


@pytest.mark.parametrize("p", [P, P31])
@pytest.mark.parametrize(
    "samples,merge,span_aware,s",
    [(FIG2, True, False, 2), (K23, True, True, 1), ("0-0,0-0,0-1,1-1,1-0", False, False, 1)],
)
def test_coordinate_roundtrip_against_python_ints(p, samples, merge, span_aware, s):
    rng = np.random.default_rng(len(samples) + s)
    F = PrimeField(p)
    S = loc.coordinate_code(samples, s, merge=merge, span_aware=span_aware, p=p)
    pairs = list(dict.fromkeys(loc.parse_samples(samples)))
    left = sorted({l for l, _ in pairs})
    right = sorted({r for _, r in pairs})
    A = blocks(F, len(left), (2, 3), rng)
    B = blocks(F, len(right), (3, 2), rng)
    want = [mm(A[left.index(l)], B[right.index(r)], p) for l, r in pairs]
    for _ in range(3):
        workers = sorted(rng.choice(S.w, S.R, replace=False).tolist())
        res = run(S, [A, B], workers)
        assert same(S.decode(res), want)
        assert same(Scheme.decode(S, res), want)


def test_samples_parsing_and_errors():
    assert loc.parse_samples([(0, 1), [2, 3]]) == [(0, 1), (2, 3)]
    assert loc.parse_samples(" 0-1 , 2:3 ") == [(0, 1), (2, 3)]
    with pytest.raises(SchemeError, match="'0x1' is not an 'l-r' pair"):
        loc.parse_samples("0-0,0x1")
    with pytest.raises(SchemeError, match="non-negative"):
        loc.parse_samples([(0, -1)])
    with pytest.raises(SchemeError, match="at least one"):
        loc.parse_samples("")
    # labels need not be contiguous: the basis is the sorted set of labels used
    S = loc.coordinate_code("5-7,5-9,8-7,8-9", 0)
    assert S.params["left"] == [5, 8] and S.params["right"] == [7, 9] and S.basis == (2, 2)


# -- 3M complex products ----------------------------------------------------------------------
def threem_workers_by_hand(K, s, targets, layout):
    glob = (4 * K - 1 if targets == "complex" else 6 * K - 3) + s
    blk = K * (3 + s)
    return {"global": glob, "blocks": blk, "auto": min(glob, blk)}[layout]


@pytest.mark.parametrize("targets", ["complex", "products"])
@pytest.mark.parametrize("layout", ["global", "blocks"])
@pytest.mark.parametrize("K", [1, 2, 3])
@pytest.mark.parametrize("s", S_RANGE)
@pytest.mark.parametrize("p", [P, P31])
def test_threem_threshold(targets, layout, K, s, p):
    S = tm.threem(K, s, targets=targets, layout=layout, p=p)
    assert S.w == threem_workers_by_hand(K, s, targets, layout)
    rep = verify(S, threshold=True)
    assert rep.holds is True
    assert rep.recovery_threshold == S.w - s
    assert verify(S, R=S.R - 1).holds is False  # negative control


@pytest.mark.parametrize("K", [1, 2, 3, 4])
@pytest.mark.parametrize("s", S_RANGE)
def test_threem_against_two_thirds_claim(K, s):
    S = tm.threem(K, s)  # complex targets, best layout
    w3k = 6 * K - 1 + s
    assert S.w == min(4 * K - 1 + s, K * (3 + s))
    assert verify(S).holds is True
    # 4K - 1 + s <= 2/3 (6K - 1 + s) = 4K - 2/3 + 2s/3  iff  s <= 1; blocks K(3 + s) only
    # win for s = 0 (3K) or tie at s = 1 (4K): the 2/3 figure is met exactly when s <= 1
    assert (3 * S.w <= 2 * w3k) == (s <= 1)
    c = tm.threem_comparison(K, s)
    assert c["w_3K"] == w3k and c["gfp2_real_products"] == 3 * (2 * K - 1 + s)


@pytest.mark.parametrize("p", [P, P31])
@pytest.mark.parametrize("targets", ["complex", "products"])
@pytest.mark.parametrize("layout", ["global", "blocks"])
def test_threem_roundtrip_against_python_ints(p, targets, layout):
    K, s = 2, 2
    rng = np.random.default_rng(p % 97 + len(targets) + len(layout))
    F = PrimeField(p)
    S = tm.threem(K, s, targets=targets, layout=layout, p=p)
    A = [tuple(blocks(F, 2, (2, 3), rng)) for _ in range(K)]
    B = [tuple(blocks(F, 2, (3, 3), rng)) for _ in range(K)]
    want = []
    for (ar, ai), (br, bi) in zip(A, B, strict=True):
        if targets == "complex":
            # (ar + i ai)(br + i bi) with i^2 = -1, in Python integers
            want += [(mm(ar, br, p) - mm(ai, bi, p)) % p, (mm(ar, bi, p) + mm(ai, br, p)) % p]
        else:
            sa = (ar.astype(object) + ai) % p
            sb = (br.astype(object) + bi) % p
            want += [mm(ar, br, p), mm(ai, bi, p), mm(sa, sb, p)]
    inputs = tm.complex_inputs(F, A, B)
    for _ in range(3):
        workers = sorted(rng.choice(S.w, S.R, replace=False).tolist())
        res = run(S, inputs, workers)
        assert same(S.decode(res), want)
        assert same(Scheme.decode(S, res), want)


@pytest.mark.parametrize("p", [5, 13, 7, 11])
def test_threem_k1_lower_bound_by_enumeration(p):
    """K = 1, s >= 1: no 3 workers such that every 2 of them decode Re and Im.

    Two workers decode iff their rank-one tensors span T = span{Re, Im} (T is
    2-dimensional). Enumerate every worker (e, f) up to scale over GF(p), mark the good
    pairs, and check there is no good triangle; so 4K - 1 = 3 is optimal for K = 1.
    """
    F = PrimeField(p)
    proj = [(1, t) for t in range(p)] + [(0, 1)]
    W = np.array([np.outer(e, f).ravel() % p for e in proj for f in proj])
    T = np.array([[1, 0, 0, p - 1], [0, 1, 1, 0]])  # Re, Im as 2 x 2 tensors
    n = len(W)
    good = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(i + 1, n):
            M = np.stack([W[i], W[j]])
            if F.rank(M) == 2 and F.rank(np.vstack([M, T])) == 2:
                good[i, j] = good[j, i] = True
    # the good pairs are the pairs of rank-one tensors inside T: (a, b; b, -a) has
    # determinant -(a^2 + b^2), zero for (a, b) != 0 only if -1 is a square (p = 1 mod 4)
    assert good.sum() // 2 == (1 if p % 4 == 1 else 0)
    assert not any(
        good[i, j] and good[j, k] and good[i, k]
        for i, j, k in itertools.combinations(np.flatnonzero(good.any(axis=1)), 3)
    )


def test_threem_errors():
    with pytest.raises(SchemeError, match="targets must be one of"):
        tm.threem(2, targets="real")
    with pytest.raises(SchemeError, match="layout must be one of"):
        tm.threem(2, layout="mixed")
    with pytest.raises(SchemeError, match="odd prime"):
        tm.threem(1, p=2)
    with pytest.raises(SchemeError, match="pencil points"):
        tm.threem(1, s=6, layout="blocks", p=5)


# -- catalog ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["locality-dependency", "locality-coordinates", "threem"])
def test_catalog_entries(name):
    entry = CATALOG[name]
    assert "p" in entry.defaults and "s" in entry.defaults
    S = build(name)
    assert S.w == entry.workers(**entry.defaults)
    assert verify(S).holds is True


def test_catalog_string_params():
    S = build("locality-dependency", k=4, alphas="2,3,-1", s=0)
    assert S.params["alphas"] == [2, 3, P - 1] and S.w == 5
    T = build("locality-coordinates", samples=K22, span_aware=1, s=2)
    assert (
        T.w
        == 6
        == CATALOG["locality-coordinates"].workers(
            **{**CATALOG["locality-coordinates"].defaults, "samples": K22, "span_aware": 1, "s": 2}
        )
    )
    U = build("threem", K=3, s=1, targets="products")
    assert U.w == 12


def test_scheme_files_round_trip():
    from ffcc import loads

    for S in [
        loc.dependency_code(4, 1, alphas="2,3,5"),
        loc.coordinate_code(K22, 1, span_aware=True),
        loc.coordinate_code("0-0,0-0", 1, merge=False),  # h is a constant
        tm.threem(2, 1, p=P31),
        tm.threem(2, 2, targets="products"),
    ]:
        T = loads(S.dumps())
        assert T.params == S.params and verify(T).holds is True
