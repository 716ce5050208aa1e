"""Tests that kill mutants of ffcc/scheme.py which its own tests let survive
(tools/mutate.py, docs/mutation.md)."""

import dataclasses

import numpy as np
import pytest

from ffcc.codes.matdot import matdot
from ffcc.scheme import DecodingError, Layout, Scheme, SchemeError


def _matdot():
    return matdot(2, 1, p=7)  # w = 4 workers, R = 3, basis (2, 2), 4 products


def test_value_types_are_frozen_and_schemes_compare_by_identity():
    S, T = _matdot(), _matdot()
    assert hash(S) == hash(S) and S == S and S != T  # eq=False: identity, hashable
    red = S.reduced
    assert hash(red) == hash(red)
    with pytest.raises(dataclasses.FrozenInstanceError):
        red.G = None
    lay = Layout("XY")
    with pytest.raises(dataclasses.FrozenInstanceError):
        lay.name = "XYt"


def test_outputs_must_be_positive_counts():
    S = _matdot()
    workers = [[S.E[c][j] for c in range(S.d)] for j in range(S.products)]
    args = (S.field, S.basis, workers, S.targets, S.stragglers, S.byzantine, S.name)
    with pytest.raises(SchemeError, match="outputs must be positive product counts"):
        Scheme(*args, dict(S.params), S.product, outputs=(0, 4))


def test_consistent_empty_and_malformed_results():
    S = matdot(1, 1, p=7)  # w = 2, each worker returns A B
    assert S.consistent({}) is True
    assert S.consistent({0: np.array([[3]]), 1: np.array([[3]])}) is True
    assert S.consistent({0: np.array([[3]]), 1: np.array([[4]])}) is False
    # a float result is not a field element, even when its value is 3
    assert S.consistent({0: np.array([[3.0]]), 1: np.array([[3]])}) is False
    assert S.consistent({0: np.array([[3.0]]), 1: np.array([[3.0]])}) is False  # none is


def test_subset_defaults_to_no_stragglers():
    S = _matdot()
    T = S.subset(range(S.w))
    assert (T.w, T.stragglers, T.byzantine) == (4, 0, 0)


def test_relabel_identity_and_bad_maps():
    S = _matdot()
    same = S.relabel([list(range(b)) for b in S.basis], S.basis)
    assert same.name == S.name and same.basis == S.basis
    for c in range(S.d):
        assert np.array_equal(same.E[c], S.E[c])
    # merging the two inputs of coordinate 0 adds their coefficients (mod 7)
    merged = S.relabel([[0, 0], [0, 1]], (1, 2), name="merged")
    assert merged.name == "merged"
    assert np.array_equal(merged.E[0][:, 0], (S.E[0][:, 0] + S.E[0][:, 1]) % 7)
    bad = [
        ([[0, 1]], (2, 2)),  # one map for d = 2
        ([[0, 1], [0, 1]], (2,)),  # one basis size
        ([[0], [0, 1]], (2, 2)),  # map 0 too short
        ([[0, 2], [0, 1]], (2, 2)),  # 2 is outside [0, 2)
        ([[-1, 0], [0, 1]], (2, 2)),  # negative
    ]
    for maps, basis in bad:
        with pytest.raises(SchemeError, match="relabel"):
            S.relabel(maps, basis)


def test_an_entry_equal_to_p_is_not_a_field_element():
    S = matdot(1, 1, p=7)
    assert S.consistent({0: np.array([[6]]), 1: np.array([[6]])}) is True  # p - 1 is
    assert S.consistent({0: np.array([[7]]), 1: np.array([[7]])}) is False
    big = np.array([[2**63]], dtype=np.uint64)  # wraps negative as int64: still rejected
    assert S.consistent({0: big, 1: np.array([[0]])}) is False


def _plain(S):
    """The same code as a plain Scheme (no subclass decoder)."""
    workers = [[S.E[c][j] for c in range(S.d)] for j in range(S.products)]
    return Scheme(S.field, S.basis, workers, S.targets, S.stragglers, S.byzantine, S.name,
                  dict(S.params), S.product)  # fmt: skip


def test_plain_scheme_parity_checks():
    S = _plain(matdot(1, 1, p=7))  # two workers, both return A B: one parity check
    assert type(S) is Scheme
    assert S.consistent({0: np.array([[3]]), 1: np.array([[3]])}) is True
    assert S.consistent({0: np.array([[3]]), 1: np.array([[4]])}) is False
    assert S.consistent({0: np.array([[7]]), 1: np.array([[7]])}) is False
    one = _plain(matdot(1, 0, p=7))  # one worker: no parity check, anything is consistent
    assert one.consistent({0: np.array([[5]])}) is True


# -- decode_with_errors: range checks, the R + 2e bound, the error budget -------------------


def _matdot_results(S, seed=0):
    """The product sum_i A_i B_i of random 2 x 2 blocks, computed directly in Python
    integers mod p, and every worker's honest result."""
    F = S.field
    A = [F.random((2, 2), seed + i) for i in range(S.basis[0])]
    B = [F.random((2, 2), seed + 10 + i) for i in range(S.basis[1])]
    AB = sum(a.astype(object) @ b.astype(object) for a, b in zip(A, B, strict=True)) % F.p
    coded = S.encode([A, B])
    return AB.astype(np.int64), {j: S.compute(coded[j]) for j in range(S.w)}


def test_plain_scheme_rejects_an_entry_outside_the_field_with_no_error_budget():
    # one worker returning A B (p = 7): a plain Scheme has no combine pass of its own, so
    # decode() must range-check itself even at e = 0; 7 is not a field element (7 = 0 mod 7)
    S = Scheme(7, [1, 1], [[[1], [1]]], [[((0, 0), 1)]])
    assert S.decode({0: np.array([[6]])})[0].tolist() == [[6]]  # p - 1 is
    for bad in (7, -1):
        with pytest.raises(DecodingError):
            S.decode({0: np.array([[bad]])})


def test_decode_range_pass_is_skipped_only_where_combine_checks(monkeypatch):
    """decode()'s own range pass runs unless the decoder reads results through combine
    (an EvaluationCode such as MatDot) and there is no error budget."""
    seen = []
    sanitize = Scheme._sanitize

    def spy(self, results, check_range=True):
        seen.append(check_range)
        return sanitize(self, results, check_range)

    monkeypatch.setattr(Scheme, "_sanitize", spy)
    S = matdot(2, 2, p=7)  # w = 5, threshold 3; an EvaluationCode
    AB, res = _matdot_results(S)
    assert np.array_equal(S.decode(res)[0], AB)
    assert seen == [False]  # e = 0: combine checks the entries
    res[0] = res[0] + 7  # the same residues, but not field elements
    with pytest.raises(DecodingError, match="outside"):
        S.decode(res)  # combine's check still catches it
    seen.clear()
    S.decode_with_errors({j: r for j, r in res.items() if j}, max_errors=0)
    assert seen == [False]
    seen.clear()
    _plain(S).decode({j: r for j, r in res.items() if j})
    assert seen == [True]  # a plain Scheme checks itself


def test_an_out_of_field_entry_is_a_liar_even_with_one_error_allowed():
    # with e = 1 the range pass must run for an EvaluationCode too: worker 0 returns its
    # honest result plus p (the same residues) and is named as the one liar
    S = matdot(2, 2, p=7)  # w = 5 >= R + 2e = 3 + 2
    AB, res = _matdot_results(S, seed=3)
    res[0] = res[0] + 7
    targets, liars = S.decode_with_errors(res, max_errors=1)
    assert liars == [0] and np.array_equal(targets[0], AB)


def test_correcting_e_errors_needs_r_plus_2e_results():
    S = matdot(2, 4, p=11)  # w = 7, R = 3: correcting e = 2 needs 3 + 4 = 7 results
    AB, res = _matdot_results(S, seed=5)
    six = {j: res[j] for j in range(6)}
    with pytest.raises(DecodingError, match=r"R \+ 2e = 7 results, got 6"):
        S.decode_with_errors(six, max_errors=2)
    targets, liars = S.decode_with_errors(res, max_errors=2)
    assert liars == [] and np.array_equal(targets[0], AB)


def test_a_malformed_result_uses_up_the_error_budget():
    # b = 1, w = 5, R = 3: worker 2 returns floats (malformed, counted against e = 1), so
    # the remaining 4 honest results are decoded without any further error to look for
    S = _plain(matdot(2, 2, p=7)).with_faults(0, 1)
    assert (S.w, S.R, S.byzantine) == (5, 3, 1)
    AB, res = _matdot_results(S, seed=7)
    res[2] = res[2].astype(float)
    targets, liars = S.decode_with_errors(res)
    assert liars == [2] and np.array_equal(targets[0], AB)


def test_more_liars_than_the_budget_are_not_corrected():
    # w = 6, threshold 3, e = 1: workers 1 and 4 lie. Every 5 of the 6 results include a
    # liar, so no single error explains them; dropping 2 would, but that exceeds e
    S = matdot(2, 3, p=7)
    _, res = _matdot_results(S, seed=9)
    for j in (1, 4):
        res[j] = (res[j] + 1) % 7
    with pytest.raises(DecodingError, match="no set of at most 1 workers"):
        S.decode_with_errors(res, max_errors=1)


def test_erasure_decoding_uses_all_results_when_the_first_r_do_not_decode():
    # basis (2, 1): targets A0 B and A1 B; workers 0 and 1 both return A0 B, worker 2 A1 B.
    # With s = 1, R = 2, but workers {0, 1} do not determine A1 B: all three are needed
    S = Scheme(7, [2, 1], [[[1, 0], [1]], [[1, 0], [1]], [[0, 1], [1]]],
               [[((0, 0), 1)], [((1, 0), 1)]], stragglers=1)  # fmt: skip
    assert S.R == 2 and not S.decodes([0, 1])
    out = S.decode({0: np.array([3]), 1: np.array([3]), 2: np.array([5])})
    assert [o.tolist() for o in out] == [[3], [5]]


def test_target_coefficient_zero_is_a_field_element():
    S = Scheme(7, [1, 1], [[[1], [1]]], [[((0, 0), 0)]])
    assert S.targets == ((((0, 0), 0),),)
    assert Scheme(7, [1, 1], [[[1], [1]]], [[((0, 0), 6)]]).targets == ((((0, 0), 6),),)
    for bad in (-1, 7):
        with pytest.raises(SchemeError, match="coefficient"):
            Scheme(7, [1, 1], [[[1], [1]]], [[((0, 0), bad)]])


def test_subset_secrecy_is_capped_below_its_worker_count():
    # X colluding workers learn nothing; a subset of n workers keeps that for min(X, n - 1)
    # (a scheme's secrecy lies in [0, w)): checked against verify_secrecy
    from ffcc.codes.secure import secure_matdot
    from ffcc.verify import verify_secrecy

    S = secure_matdot(2, 2, p=11)
    assert S.secrecy == 2 and S.w >= 4
    for workers, X in (([0, 1, 2], 2), ([1, 3], 1), ([2], 0)):
        T = S.subset(workers)
        assert (T.w, T.secrecy) == (len(workers), X)
        if X:
            assert verify_secrecy(T).secure


# -- scheme files ------------------------------------------------------------------------


def test_format1_coefficients_are_integers_in_range():
    from ffcc.scheme import from_dict

    def file(coeff):
        return {"format": "ffcc-scheme/1", "field": 7, "stragglers": 0, "basis": [1, 1],
                "workers": [[[coeff], [1]]], "targets": [[[0, 0, 1]]]}  # fmt: skip

    assert from_dict(file(0)).E[0].tolist() == [[0]]
    assert from_dict(file(6)).E[0].tolist() == [[6]]
    for bad in (7, -1):
        with pytest.raises(SchemeError, match=r"not an integer in \[0, 7\)"):
            from_dict(file(bad))


def test_unknown_key_hint_only_for_the_current_format():
    from ffcc.scheme import from_dict

    with pytest.raises(SchemeError, match="free-form data belongs under 'extensions'"):
        from_dict({"format": "ffcc-scheme/2", "field": 7, "note": 1})
    with pytest.raises(SchemeError, match="unknown key 'note'") as info:
        from_dict({"format": "ffcc-scheme/1", "field": 7, "note": 1})
    assert "extensions" not in str(info.value)  # format /1 has no extensions key


def test_assemble_grid_rows_must_be_lists_of_integers():
    from ffcc.scheme import from_dict

    base = {"format": "ffcc-scheme/2", "field": 7, "basis": [1, 1], "workers": [[[1], [1]]],
            "targets": [[[0, 0, 1]]]}  # fmt: skip
    assert from_dict({**base, "assemble": {"grid": [[0]]}}).assembly is not None
    for grid in ([[0, "a"]], [""], [[0.5]]):
        with pytest.raises(SchemeError, match="list of rows of target indices"):
            from_dict({**base, "assemble": {"grid": grid}})
