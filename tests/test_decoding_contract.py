"""The decoder contract: given any set of results, return the exact targets or raise
DecodingError. Checked against an independent oracle (python-flint ranks over GF(p)):

* within the budget (at most e wrong results, at least R + 2e of them, a scheme whose
  every R-subset decodes) the answer is exact and the liars are named;
* a malformed result (shape, dtype, NaN, entry >= p or < 0) is a liar within the budget;
* beyond the budget a returned answer must be one that no decoder could refuse: the
  results outside the named liars (at most e) are exactly explained by basis products
  giving the returned targets (the lies formed another codeword). Anything else is a
  wrong answer, and there must be none.
"""

import itertools

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ffcc.codes.lagrange import lagrange
from ffcc.codes.matdot import matdot
from ffcc.scheme import DecodingError
from ffcc.strategies import primes, schemes

SETTINGS = settings(deadline=None, max_examples=120)


def _inputs(S, rng):
    F = S.field
    dims = [2] * (S.d + 1)
    return [[F.random((dims[c], dims[c + 1]), rng) for _ in range(S.basis[c])] for c in range(S.d)]


def _honest(S, seed=0):
    rng = np.random.default_rng(seed)
    inputs = _inputs(S, rng)
    coded = S.encode(inputs)
    return {j: S.compute(coded[j]) for j in range(S.w)}, S.reference(inputs)


def _same(got, want) -> bool:
    return len(got) == len(want) and all(
        np.array_equal(np.asarray(g).reshape(-1), np.asarray(w).reshape(-1))
        for g, w in zip(got, want, strict=True)
    )


def _rank(rows, p) -> int:
    rows = [list(map(int, r)) for r in rows]
    if not rows or not rows[0]:
        return 0
    return flint.nmod_mat(len(rows), len(rows[0]), [v for r in rows for v in r], p).rank()


def _explained(S, results, keep, targets) -> bool:
    """Oracle: some basis products P give results[j] = M_j P for j in keep and T P =
    targets (exact ranks over GF(p) with python-flint, entry by entry)."""
    p = S.p
    M = S.worker_tensors()
    T = S.target_tensors()
    A = [M[j] for j in keep] + list(T)
    ys = [np.asarray(results[j]).reshape(-1) for j in keep] + [
        np.asarray(t).reshape(-1) for t in targets
    ]
    rA = _rank(A, p)
    return all(
        _rank([list(a) + [int(y[i])] for a, y in zip(A, ys, strict=True)], p) == rA
        for i in range(ys[0].size)
    )


def _malformed(y, kind, p, rng):
    if kind == "shape":
        return y.reshape(-1)[:-1] if y.size > 1 else np.zeros((3, 3), dtype=np.int64)
    if kind == "big":
        z = y.copy()
        z.flat[0] = p
        return z
    if kind == "negative":
        z = y.copy()
        z.flat[0] = -1
        return z
    if kind == "nan":
        z = y.astype(np.float64)
        z.flat[0] = np.nan
        return z
    if kind == "float":
        return y.astype(np.float64)
    if kind == "string":
        return "not a result"
    assert kind == "random"
    return (y + rng.integers(1, p, size=y.shape)) % p


MALFORMED = ["shape", "big", "negative", "nan", "float", "string"]


# -- the reproductions of issue 10 ---------------------------------------------------------


def test_generic_decoder_refuses_R_plus_b_results_with_a_liar():
    """matdot(2, 2).with_faults(0, 1): w = 5, R = 3. Four results (R + b) with one liar
    cannot be corrected (distance 2 detects, does not locate): it must raise, never return
    a wrong product or blame an honest worker. Every 4-subset, every liar position."""
    S = matdot(2, 2, p=65537).with_faults(0, 1)
    assert (S.w, S.R) == (5, 3)
    res, want = _honest(S, 1)
    rng = np.random.default_rng(2)
    cases = 0
    for given_ in itertools.combinations(range(S.w), S.R + 1):
        for liar in given_:
            bad = {j: res[j] for j in given_}
            bad[liar] = _malformed(res[liar], "random", S.p, rng)
            with pytest.raises(DecodingError, match=r"R \+ 2e = 5"):
                S.decode_with_errors(bad, rng=cases)
            with pytest.raises(DecodingError):
                S.decode(bad)
            cases += 1
    assert cases == 20
    # with all R + 2b results the liar is found, the product exact
    bad = dict(res)
    bad[3] = _malformed(res[3], "random", S.p, rng)
    got, liars = S.decode_with_errors(bad)
    assert liars == [3] and _same(got, want)


@pytest.mark.parametrize("kind", MALFORMED)
@pytest.mark.parametrize("build", ["generic", "lagrange"])
def test_malformed_result_is_a_liar_within_the_budget(kind, build):
    S = matdot(2, 2, p=65537).with_faults(0, 1) if build == "generic" else lagrange(2, 0, 1)
    res, want = _honest(S, 3)
    rng = np.random.default_rng(4)
    for j in range(S.w):
        given_ = dict(res)
        given_[j] = _malformed(res[j], kind, S.p, rng)
        got, liars = S.decode_with_errors(given_, rng=0)
        assert liars == [j] and _same(got, want), (kind, j)
        assert _same(S.decode(given_), want)
    # two malformed results are more than b = 1: a DecodingError, not a crash
    given_ = dict(res)
    for j in (0, 1):
        given_[j] = _malformed(res[j], kind, S.p, rng)
    with pytest.raises(DecodingError):
        S.decode_with_errors(given_, rng=0)


@pytest.mark.parametrize("build", ["generic", "matdot", "lagrange"])
def test_b0_spare_results_are_checked_not_ignored(build):
    """b = 0, s = 2: w = R + 2. Before, decode used the first R results and ignored the
    rest; a lie among the first R gave a wrong product. Now every spare result is checked."""
    S = {
        "generic": lambda: matdot(2, 2, p=65537).with_faults(2, 0),
        "matdot": lambda: matdot(2, 2, p=65537),
        "lagrange": lambda: lagrange(2, 2, 0),
    }[build]()
    assert S.w == S.R + 2
    res, want = _honest(S, 5)
    assert _same(S.decode(res), want)
    rng = np.random.default_rng(6)
    for liar in range(S.w):
        for n_spare in (1, 2):
            given_ = {j: res[j] for j in range(S.R + n_spare)} if liar < S.R + n_spare else None
            if given_ is None:
                continue
            given_[liar] = _malformed(res[liar], "random", S.p, rng)
            with pytest.raises(DecodingError):
                S.decode(given_)
    # exactly R results: nothing to check against, so the decode is taken as given
    given_ = {j: res[j] for j in range(S.R)}
    assert _same(S.decode(given_), want)


def test_no_results_and_all_malformed():
    S = matdot(2, 1, p=65537)
    with pytest.raises(DecodingError, match="no worker results"):
        S.decode({})
    with pytest.raises(DecodingError, match="no result is an array"):
        S.decode({0: "x", 1: np.array([1.5])})


# -- the property test -------------------------------------------------------------------


@st.composite
def _case(draw):
    p = draw(st.one_of(primes(max_value=13), primes(min_value=65537, max_value=2**31 - 1)))
    S = draw(
        schemes(
            p=p, d=st.integers(1, 2), max_workers=7, max_basis=2, max_targets=2,
            byzantine=st.integers(0, 1),
        )
    )  # fmt: skip
    e = draw(st.integers(0, S.byzantine + 1))  # decode with the scheme's b, or one more
    erased = draw(st.lists(st.integers(0, S.w - 1), max_size=S.stragglers + 1, unique=True))
    alive = [j for j in range(S.w) if j not in erased]
    liars = draw(st.lists(st.sampled_from(alive), max_size=e + 2, unique=True)) if alive else []
    kinds = [draw(st.sampled_from(["random"] * 3 + MALFORMED)) for _ in liars]
    return S, e, alive, dict(zip(liars, kinds, strict=True)), draw(st.integers(0, 2**32 - 1))


def _holds(S) -> bool:
    return all(S.decodes(list(c)) for c in itertools.combinations(range(S.w), S.R))


@SETTINGS
@given(_case())
def test_decoders_never_return_a_wrong_answer(case):
    S, e, alive, lies, seed = case
    rng = np.random.default_rng(seed)
    res, want = _honest(S, seed)
    given_ = {j: res[j] for j in alive}
    for j, kind in lies.items():
        given_[j] = _malformed(res[j], kind, S.p, rng)
    # a float copy of an honest result is still malformed: results must be integer arrays
    true_liars = {
        j
        for j in lies
        if not (
            isinstance(given_[j], np.ndarray)
            and given_[j].dtype.kind in "iu"
            and np.array_equal(given_[j], res[j])
        )
    }
    within = len(true_liars) <= e and (e == 0 or len(alive) >= S.R + 2 * e)
    try:
        got, named = S.decode_with_errors(given_, max_errors=e, rng=seed)
    except DecodingError:
        # refusing is always allowed except when the answer is guaranteed to exist
        assert not (within and _holds(S) and len(alive) >= S.R), "refused a decodable case"
        return
    assert len(named) <= e
    assert e == 0 or len(alive) >= S.R + 2 * e
    if _same(got, want):
        if within:
            assert set(named) == true_liars or not _holds(S)
        return
    # a wrong answer: only allowed when no decoder could know (beyond the budget, and the
    # results outside the named liars are exactly another consistent codeword)
    assert not within, "wrong answer within the budget"
    keep = [j for j in alive if j not in named]
    assert _explained(S, given_, keep, got), "wrong answer that the results contradict"


def test_ambiguous_results_raise_even_within_the_budget():
    """A scheme that does not hold (R-subsets {2, 3, 4} miss the target): worker 1 lies.
    Workers 0 and 1 disagree and either could be the liar; a decoder that trusted the
    first consistent explanation returned worker 1's lie. It must refuse instead."""
    from ffcc.scheme import Scheme

    S = Scheme(65537, [2], [[[1, 0]], [[1, 0]], [[0, 1]], [[0, 1]], [[0, 1]]],
               [[((0,), 1)]], stragglers=0, byzantine=1)  # fmt: skip
    assert S.R == 3 and not S.decodes([2, 3, 4])
    x0, x1 = np.array([[5]]), np.array([[7]])
    given_ = {0: x0, 1: np.array([[9]]), 2: x1, 3: x1, 4: x1}
    for liar_first in (False, True):
        g = {**given_, 0: np.array([[9]]), 1: x0} if liar_first else given_
        with pytest.raises(DecodingError, match="not pinned down"):
            S.decode_with_errors(g)
