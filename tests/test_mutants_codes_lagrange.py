"""Tests that kill mutants of ffcc/codes/lagrange.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). Oracles: hand-worked polynomial division, brute force
over every polynomial of GF(13) of degree < K, and Python-int matrix products mod p."""

import itertools

import numpy as np
import pytest

import ffcc.codes.lagrange as lag
from ffcc import codes
from ffcc.codes import GroupSpec, group_rule
from ffcc.codes.lagrange import _polydiv, berlekamp_welch, lagrange, lagrange_threshold
from ffcc.field import PrimeField
from ffcc.scheme import DecodingError, SchemeError


def _exact(x, y, p):
    return (x.astype(object) @ y.astype(object)) % p


def _answers(S, seed=0):
    F = S.field
    rng = np.random.default_rng(seed)
    X = [F.random((2, 3), rng) for _ in range(S.basis[0])]
    Y = [F.random((3, 2), rng) for _ in range(S.basis[0])]
    coded = S.encode([X, Y])
    res = {j: S.compute(coded[j]) for j in range(S.w)}
    return res, [_exact(x, y, F.p) for x, y in zip(X, Y, strict=True)]


def test_polydiv_by_hand():
    # (z^2 + 3z + 2) / (z + 1) = z + 2, remainder 0, over GF(7)
    assert _polydiv([2, 3, 1], [1, 1], 7) == ([2, 1], [0])
    # (z^3 + 1) / (z^2 + 1) = z, remainder 1 - z = 1 + 6z over GF(7) (a zero middle term)
    assert _polydiv([1, 0, 0, 1], [1, 0, 1], 7) == ([0, 1], [1, 6])
    # degree below the divisor's: quotient 0, the (reduced) numerator is the remainder
    assert _polydiv([9, 3], [1, 0, 1], 7) == ([0], [2, 3])
    assert _polydiv([9, 3, 5], [1, 0, 0, 1], 7) == ([0], [2, 3, 5])
    # a constant (monic) divisor: the quotient is the numerator, no remainder
    assert _polydiv([4, 5], [1], 7) == ([4, 5], [])


def _brute(F, x, y, K, e):
    """Every polynomial of degree < K over F agreeing with y at all but at most e points."""
    out = []
    for P in itertools.product(range(F.p), repeat=K):
        value = [sum(c * xi**i for i, c in enumerate(P)) % F.p for xi in x]
        wrong = sum(v != yi for v, yi in zip(value, y, strict=True))
        if wrong <= e:
            out.append(list(P))
    return out


def test_berlekamp_welch_against_brute_force():
    F = PrimeField(13)
    K, e = 2, 1
    rng = np.random.default_rng(7)
    seen = {"decoded": 0, "none": 0}
    for n in (K + 2 * e, K + 2 * e + 1):  # the fewest points allowed, and one more
        x = F.nodes(n)
        for _ in range(40):
            y = F.random(n, rng)
            want = _brute(F, x.tolist(), y.tolist(), K, e)
            got = berlekamp_welch(F, x, y, K, e)
            assert len(want) <= 1  # n >= K + 2e: at most one codeword within distance e
            if want:
                seen["decoded"] += 1
                assert got is not None and got.tolist() == want[0]
            else:
                seen["none"] += 1
                assert got is None
    assert seen["decoded"] and seen["none"]  # both outcomes were exercised
    with pytest.raises(ValueError, match=r"needs n >= K \+ 2e = 4 points, got 3"):
        berlekamp_welch(F, F.nodes(3), [1, 2, 3], K, e)


def test_threshold_and_default_parameters():
    assert lagrange_threshold(4) == 7 and lagrange_threshold(4, 3) == 10  # (k - 1) d + 1
    S = lagrange()  # k = 3, s = 0, b = 0, d = 2 over GF(65537): K = w = 5
    assert (S.threshold, S.w, S.byzantine, S.basis, S.p) == (5, 5, 0, (3, 3), 65537)
    assert S.params["systematic"] is False and "product" not in S.params
    assert S.betas.tolist() == [1, 2, 3] and S.nodes.tolist() == [4, 5, 6, 7, 8]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"k": 0}, "k must be a positive integer"),
        ({"k": True}, "k must be a positive integer"),
        ({"k": 2.0}, "k must be a positive integer"),
        ({"d": 0}, "d must be a positive integer"),
        ({"s": -1}, "s must be a non-negative integer"),
        ({"b": -1}, "b must be a non-negative integer"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(SchemeError, match=match):
        lagrange(**{"p": 97, **kwargs})


def test_smallest_parameters_build():
    S = lagrange(k=1, s=0, b=0, d=1, p=97)  # K = 1: one worker holds the one input
    assert (S.threshold, S.w) == (1, 1)
    S = lagrange(k=np.int64(2), s=np.int64(0), p=97)
    assert (S.threshold, S.w) == (3, 3)
    S = lagrange(k=2, s=1, systematic=True, p=97)  # alphas 1..4, the first two are the betas
    assert S.nodes.tolist() == [1, 2, 3, 4] and S.betas.tolist() == [1, 2]
    assert lagrange(k=2, p=97, product=np.matmul).params["product"] == "matmul"


def test_byzantine_error_paths():
    S = lagrange(k=2, s=0, b=1, p=97)  # K = 3, w = 5
    res, want = _answers(S, 1)
    with pytest.raises(DecodingError, match="no worker results"):
        S.decode_with_errors({}, rng=0)
    with pytest.raises(DecodingError, match=r"needs at least K \+ 2b = 5 results, got 4"):
        S.decode_with_errors({j: res[j] for j in range(4)}, rng=0)
    # exactly K + 2b results decode; max_errors=0 then checks every spare result instead
    out, liars = S.decode_with_errors(res, rng=0)
    assert liars == [] and all((o == w).all() for o, w in zip(out, want, strict=True))
    out, liars = S.decode_with_errors(res, max_errors=0)
    assert liars == [] and all((o == w).all() for o, w in zip(out, want, strict=True))
    bad = dict(res)
    bad[0] = res[0][:1]  # malformed (another shape): one liar within b = 1
    out, liars = S.decode_with_errors(bad, rng=0)
    assert liars == [0] and all((o == w).all() for o, w in zip(out, want, strict=True))
    bad[4] = res[4][:1]  # two malformed > b
    with pytest.raises(DecodingError, match=r"workers \[0, 4\] are malformed, more than b = 1"):
        S.decode_with_errors(bad, rng=0)


def test_liars_beyond_the_radius_but_within_max_errors_are_refused():
    # w = 7 answers, K = 3, b = 2: radius (7 - 3) // 2 = 2; three liars are too many
    S = lagrange(k=2, s=0, b=2, p=65537)
    res, want = _answers(S, 2)
    for j in (0, 1, 2):
        res[j] = (res[j] + j + 1) % S.p
    with pytest.raises(DecodingError):
        S.decode_with_errors(res, rng=0)
    # the same answers with one liar fewer decode and name exactly the liars
    res[2] = _answers(S, 2)[0][2]
    out, liars = S.decode_with_errors(res, rng=0)
    assert liars == [0, 1] and all((o == w).all() for o, w in zip(out, want, strict=True))


def test_a_liar_that_a_projection_misses_is_still_caught_by_reencoding(monkeypatch):
    # with projections that see nothing (all-zero vectors) Berlekamp-Welch finds no error,
    # so the liar is among the "honest" results: the final check names it, b = 1 allows it
    S = lagrange(k=2, s=1, b=1, p=97)  # K = 3, w = 6
    res, want = _answers(S, 3)
    res[5] = (res[5] + 1) % S.p  # worker 5 is not among the first K used to decode
    F = S.field
    monkeypatch.setattr(F, "random", lambda shape, rng=None: np.zeros(shape, dtype=np.int64))
    out, liars = S.decode_with_errors(res, rng=0)
    assert liars == [5] and all((o == w).all() for o, w in zip(out, want, strict=True))
    res[4] = (res[4] + 1) % S.p  # two unseen liars > b = 1
    with pytest.raises(DecodingError, match=r"2 results \(workers \[4, 5\]\) disagree"):
        S.decode_with_errors(res, rng=0)


def test_too_few_honest_results(monkeypatch):
    # every projection blames two workers: 6 - 2 = 4 honest >= K = 3 decode; blaming four
    # leaves 2 < K
    S = lagrange(k=2, s=1, b=1, p=97)
    res, _ = _answers(S, 4)
    real = lag.berlekamp_welch

    def lying_bw(F, x, y, K, e):
        P = real(F, x, y, K, e)
        return None if P is None else np.array([(int(P[0]) + 1) % F.p, *P[1:].tolist()])

    monkeypatch.setattr(lag, "berlekamp_welch", lying_bw)  # P + 1 disagrees everywhere
    with pytest.raises(DecodingError, match="only 0 results look honest, 3 are needed"):
        S.decode_with_errors(res, rng=0)


@pytest.mark.parametrize("p, calls", [(65537, 3), (1048573, 3), (1048583, 2), (2**31 - 1, 2)])
def test_default_projections(monkeypatch, p, calls):
    # documented: 2 projections, or 3 when p < 2^20 (1048573 < 2^20 < 1048583, both prime)
    S = lagrange(k=2, s=0, b=1, p=p)
    res, want = _answers(S, 5)
    seen = []
    real = lag.berlekamp_welch
    monkeypatch.setattr(lag, "berlekamp_welch", lambda *a: seen.append(1) or real(*a))
    out, _ = S.decode_with_errors(res, rng=0)
    assert len(seen) == calls
    seen.clear()
    S.decode_with_errors(res, rng=0, projections=5)
    assert len(seen) == 5


def test_plan_rule():
    rule = group_rule("lagrange")
    spec = GroupSpec.of([(0, 0), (1, 1), (2, 2)], stragglers=1)  # 3 independent products
    assert rule.applies(spec) and rule.workers(spec) == 2 * 3 - 1 + 1
    S = spec.build("lagrange", 97)
    assert (S.w, S.R) == (6, 5)


def test_catalog_defaults():
    S = codes.build("lagrange")  # k = 3, s = 1, b = 0, d = 2: K = 5, w = 6
    assert (S.threshold, S.w, S.byzantine, S.basis, S.p) == (5, 6, 0, (3, 3), 65537)
    assert S.params["systematic"] is False


def test_catalog_worker_formula_counts_byzantine_workers_twice():
    entry = codes.CATALOG["lagrange"]
    for k, s, b, d in [(3, 1, 1, 2), (2, 0, 2, 3)]:  # (k - 1) d + 1 + s + 2b: 8, 8
        assert entry.workers(k=k, s=s, b=b, d=d) == (k - 1) * d + 1 + s + 2 * b
        assert lagrange(k, s, b, d, p=97).w == (k - 1) * d + 1 + s + 2 * b


def test_exactly_k_honest_results_decode_then_the_liars_are_counted(monkeypatch):
    # K = 3, w = 7, b = 1; workers 3..6 lie. A locator that interpolates the three honest
    # words leaves exactly K = 3 results looking honest: enough to decode, and then the
    # re-encoding check counts 4 liars > b (not "too few honest")
    S = lagrange(k=2, s=2, b=1, p=97)
    res, _ = _answers(S, 6)
    for j in range(3, 7):
        res[j] = (res[j] + 1) % S.p
    real = lag.berlekamp_welch
    monkeypatch.setattr(lag, "berlekamp_welch", lambda F, x, y, K, e: real(F, x[:3], y[:3], K, 0))
    with pytest.raises(DecodingError, match=r"4 results \(workers \[3, 4, 5, 6\]\) disagree"):
        S.decode_with_errors(res, rng=0)


def test_result_counts_with_two_errors():
    # b = 2: K + 2b = 3 + 4 = 7 results are needed; Berlekamp-Welch with e = 2 needs K + 4
    S = lagrange(k=2, s=0, b=2, p=97)
    res, want = _answers(S, 7)
    with pytest.raises(DecodingError, match=r"needs at least K \+ 2b = 7 results, got 6"):
        S.decode_with_errors({j: res[j] for j in range(6)}, rng=0)
    F = PrimeField(13)
    with pytest.raises(ValueError, match=r"needs n >= K \+ 2e = 6 points, got 5"):
        berlekamp_welch(F, F.nodes(5), [1, 2, 3, 4, 5], 2, 2)
