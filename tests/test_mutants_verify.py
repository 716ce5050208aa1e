"""Tests that kill mutants of ffcc/verify.py which its own tests let survive
(tools/mutate.py, docs/mutation.md)."""

import importlib
import math
from types import SimpleNamespace

import numpy as np
import pytest

from ffcc import _subsets
from ffcc.codes.matdot import matdot
from ffcc.field import PrimeField
from ffcc.scheme import Scheme
from ffcc.verify import (
    SecrecyReport,
    VerifyReport,
    _count,
    estimate_seconds,
    merge,
    prepare,
    recovery_threshold,
    shard_record,
    subset_count,
    verify,
    verify_resumable,
    verify_secrecy,
)


def test_count_is_exact_below_10_to_15_and_scientific_above():
    assert _count(2_035_800) == "2,035,800"
    assert _count(10**15 - 1) == "999,999,999,999,999"
    assert _count(10**15) == "1.00 x 10^15"
    assert _count(271 * 10**581 + 12345) == "2.71 x 10^583"  # digits, not a float


def test_estimate_seconds_measures_a_positive_time():
    # matdot(2, 1) over GF(7): w = 4 workers, R = 4: C(4, 4) = 1 subset
    s = matdot(2, 1, p=7)
    count, seconds = estimate_seconds(s)
    assert count == math.comb(s.w, s.R)
    assert 0 < seconds < math.inf


def test_verify_defaults_and_report_fields():
    import dataclasses

    import pytest

    from ffcc.verify import prepare, verify

    s = matdot(2, 1, p=7)
    rep = verify(s)
    assert rep.holds is True and rep.checked == 4  # C(4, 3) subsets
    assert rep.recovery_threshold is None  # threshold=False by default
    assert 0 <= rep.seconds < 3600  # a duration, not a clock reading
    assert verify(s, threshold=True).recovery_threshold == 3  # matdot: 2m - 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        prepare(s).R = 1


def test_verify_resumable_accepts_one_shard(tmp_path):
    from ffcc.verify import verify_resumable

    rep = verify_resumable(matdot(2, 1, p=7), tmp_path / "ledger.jsonl", shards=1)
    assert rep.holds is True and rep.checked == 4
    lines = (tmp_path / "ledger.jsonl").read_text().splitlines()
    assert len(lines) == 2  # the header and the one shard


def test_report_summary_of_a_shard_and_of_a_certificate():
    from ffcc.verify import VerifyReport

    shard = VerifyReport("x", 7, 4, 3, 0, 0, "shard", 4, 2, 0, True, ranks=[1, 3], seconds=0.5)
    text = shard.summary()
    assert "shard of ranks [1, 3) of 4: checked 2 subsets" in text
    assert text.endswith("0.500 s, 4 subsets/s")  # 2 subsets in 0.5 s
    cert = VerifyReport("x", 7, 4, 3, 0, 0, "certificate", 4, 0, 0, True, seconds=0.25)
    assert cert.summary().endswith("\n0.250 s")  # no rate: nothing was enumerated
    assert "HOLDS (certificate): every 3-subset of the 4 workers decodes" in cert.summary()


def test_rate_without_a_measured_time_is_infinite():
    from ffcc.verify import VerifyReport

    rep = VerifyReport("x", 7, 4, 3, 0, 0, "exhaustive", 4, 4, 0, True, seconds=0.0)
    assert rep.rate == math.inf


# --------------------------------------------------------------------------------------------
# Helpers: small schemes whose verdicts follow from plane geometry, and spies on the paths.

verify_mod = importlib.import_module("ffcc.verify")  # ffcc.verify is also the function
P = 65537


def vector_scheme(vectors, R, targets=(0,), p=P, outputs=None):
    """Workers computing (v . X) Y for X of len(v) blocks and one Y block: worker tensors are
    the vectors v, target i is X_i Y. A subset decodes iff its vectors span every e_i."""
    enc = [[list(v), [1]] for v in vectors]
    w = len(outputs) if outputs else len(vectors)
    return Scheme(p, [len(vectors[0]), 1], enc, [[((i, 0), 1)] for i in targets],
                  stragglers=w - R, outputs=outputs)  # fmt: skip


def vandermonde(w, D, R, targets=(0,)):
    """w workers at distinct nodes 1..w, D powers: every D-subset spans everything (MDS)."""
    return vector_scheme([[pow(x, k, P) for k in range(D)] for x in range(1, w + 1)], R, targets)


class Taken(Exception):
    """A spy refused the path it guards (to see which path runs without running it)."""


def spy_paths(monkeypatch, refuse=()):
    """Record which of the minors path and the walk verify() takes (and maxout)."""
    used = []
    minors, walk = _subsets.zero_minors, _subsets.walk

    def zero_minors(P_, p, info, rest, maxout, compiled=True):
        used.append(("minors", maxout))
        if "minors" in refuse:
            raise Taken("minors")
        return minors(P_, p, info, rest, maxout, compiled)

    def walk_spy(*args):
        used.append(("walk",))
        if "walk" in refuse:
            raise Taken("walk")
        return walk(*args)

    monkeypatch.setattr(_subsets, "zero_minors", zero_minors)
    monkeypatch.setattr(_subsets, "walk", walk_spy)
    return used


def spy_use_kernel(monkeypatch, answer=False):
    """Record every (kernel, work) verify asks use_kernel about; answer with ``answer``."""
    seen = []

    def spy(kernel, work, p):
        seen.append((kernel, work))
        return answer

    monkeypatch.setattr(verify_mod, "use_kernel", spy)
    return seen


# ------------------------------------------------------------------ estimate_seconds' probe


def fake_clock(monkeypatch, per_subset):
    """A walk that takes ``per_subset`` seconds per subset on a fake clock (dyadic steps, so
    every elapsed time is exact); records (first subset, count, stop at first failure)."""
    clock, calls = [0.0], []

    def walk(G, p, R, tstart, start, count, stop_at_first, compiled=True):
        calls.append((start.tolist(), int(count), bool(stop_at_first)))
        clock[0] += count * per_subset
        return count, 0, np.full(R, -1, dtype=np.int64)

    monkeypatch.setattr(_subsets, "walk", walk)
    monkeypatch.setattr(verify_mod, "time", SimpleNamespace(perf_counter=lambda: clock[0]))
    return calls


@pytest.mark.parametrize(
    "per_subset, probe, ns",
    [
        # 16 c = 1/64 < probe/20: x8; 128 c = 1/8: x2 ...; 1024 c = 1.0 = probe: stop
        (2**-10, 1.0, [16, 128, 256, 512, 1024]),
        # 16 c = 2^-10 = probe/20 exactly: not below it, so x2; stop at n c >= probe (n >= 320)
        (2**-14, 20 * 2**-10, [16, 32, 64, 128, 256, 512]),
        # 16 c = 25/512 lies in (probe/21, probe/20): x8; then x2 until 512 c = 1.5625
        (25 * 2**-13, 1.0, [16, 128, 256, 512]),
    ],
)
def test_estimate_probes_from_16_subsets_growing_8x_then_2x(monkeypatch, capsys, per_subset,
                                                             probe, ns):  # fmt: skip
    S = vector_scheme([[1]] * 17, 8)  # C(17, 8) = 24310 subsets
    calls = fake_clock(monkeypatch, per_subset)
    count, seconds = verify_mod.estimate_seconds(S, probe=probe)
    assert count == math.comb(17, 8)
    first = list(range(8))  # rank 0
    # a warm-up over the first 2 subsets, then the timed runs, all from rank 0, no early stop
    assert calls == [(first, 2, False)] + [(first, n, False) for n in ns]
    assert seconds == count * (ns[-1] * per_subset) / ns[-1]
    assert capsys.readouterr().err == ""  # no progress bar while probing


def test_estimate_of_one_subset_is_the_time_of_that_subset(monkeypatch):
    calls = fake_clock(monkeypatch, 2**-10)
    count, seconds = verify_mod.estimate_seconds(vector_scheme([[1]] * 4, 4))  # C(4, 4) = 1
    assert calls == [([0, 1, 2, 3], 1, False), ([0, 1, 2, 3], 1, False)]
    assert (count, seconds) == (1, 2**-10)


def test_estimate_is_infinite_beyond_1000_bits_of_subsets(monkeypatch):
    # C(1005, 488) has 1000 bits (below 2^1000: a float holds it); C(1006, 488) has 1001
    assert math.comb(1005, 488).bit_length() == 1000
    assert math.comb(1006, 488).bit_length() == 1001
    fake_clock(monkeypatch, 2**-10)
    count, seconds = verify_mod.estimate_seconds(vector_scheme([[1]] * 1005, 1), 488)
    assert count == math.comb(1005, 488) and seconds == count / 1024  # 1024 subsets in 1 s
    assert math.isfinite(seconds)
    count, seconds = verify_mod.estimate_seconds(vector_scheme([[1]] * 1006, 1), 488)
    assert count == math.comb(1006, 488) and seconds == math.inf


# ---------------------------------------------------- which path: compiled or numpy, by the work


def test_the_path_is_chosen_by_the_work_of_the_whole_range(monkeypatch):
    """use_kernel weighs walk_work(subsets, rows per subset, D) of what is actually walked."""
    seen = spy_use_kernel(monkeypatch)
    S = vector_scheme([[1, x] for x in range(1, 7)], 3, targets=(0, 1))  # D = 2, C(6, 3) = 20
    assert verify_mod.estimate_seconds(S)[0] == 20
    assert seen[0] == (_subsets.walk_kernel, _subsets.walk_work(20, 3, 2))
    seen.clear()
    assert verify(S, ranks=(5, 12), mds=False).checked == 7
    assert seen == [(_subsets.walk_kernel, _subsets.walk_work(7, 3, 2))]
    # workers with 1, 3 and 2 products: a 2-subset inserts at most 3 + 2 = 5 rows
    vecs = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]]
    M = vector_scheme(vecs, 2, targets=(0, 1, 2), outputs=[1, 3, 2])
    seen.clear()
    assert verify(M).holds is True  # any two workers have 4 or 5 of 6 independent rows
    assert seen == [(_subsets.walk_kernel, _subsets.walk_work(3, 5, 3))]


def test_minors_recheck_follows_use_kernel(monkeypatch):
    """Vectors (1,0), (2,0) are parallel (minor 0) but span the target e_0: the one
    vanishing minor is re-checked, with the work of 1 subset of 2 rows in D = 2, on the
    path use_kernel chose."""
    seen = spy_use_kernel(monkeypatch, answer=False)
    compiled = []
    real = _subsets.check_list

    def check_list(G, p, tstart, subsets, c=True):
        compiled.append(c)
        return real(G, p, tstart, subsets, c)

    monkeypatch.setattr(_subsets, "check_list", check_list)
    S = vector_scheme([[1, 0], [2, 0], [0, 1], [1, 1]], 2)
    rep = verify(S)
    assert (rep.holds, rep.checked, rep.failed) == (True, 6, 0)
    assert (_subsets.check_kernel, _subsets.walk_work(1, 2, 2)) in seen
    assert compiled == [False]


# ----------------------------------------------------------------- the minors path and its limits


def test_minors_path_is_the_default_when_R_is_the_span_dimension(monkeypatch):
    used = spy_paths(monkeypatch)
    S = vector_scheme([[1, x] for x in range(1, 6)], 2, targets=(0, 1))  # every 2 of 5 nodes span
    rep = verify(S)
    assert (rep.holds, rep.checked) == (True, 10)
    assert used == [("minors", 2**20)]  # keeps at most 2^20 vanishing minors (8 MiB)
    used.clear()
    assert verify(S, mds=False).checked == 10 and used == [("walk",)]
    used.clear()
    assert verify(S, ranks=(1, 10)).checked == 9 and used == [("walk",)]  # a range walks
    used.clear()
    # w = R = D: one subset, one minor
    assert verify(vector_scheme([[1, 0], [0, 1]], 2, targets=(0, 1))).checked == 1
    assert used == [("minors", 2**20)]


def test_minors_path_needs_w_at_most_62_for_its_bit_masks(monkeypatch):
    used = spy_paths(monkeypatch)
    for w, path in ((62, "minors"), (63, "walk")):
        used.clear()
        rep = verify(vector_scheme([[1, x] for x in range(1, w + 1)], 2, targets=(0, 1)))
        assert (rep.holds, rep.checked) == (True, math.comb(w, 2))
        assert [u[0] for u in used] == [path]


def test_minors_path_respects_its_level_budget(monkeypatch):
    S = vandermonde(8, 3, 3)  # 5 rows of P, D = 3: levels of 15, 30, 10 minors
    size = _subsets.mds_level_sizes(8 - 3, 3)
    assert size == 30
    used = spy_paths(monkeypatch)
    for budget, path in ((size, "minors"), (size - 1, "walk")):
        used.clear()
        monkeypatch.setattr(verify_mod, "_MDS_MAX_LEVEL", budget)
        rep = verify(S)
        assert (rep.holds, rep.checked, rep.total) == (True, 56, 56)
        assert [u[0] for u in used] == [path]


def test_minors_level_budget_is_2_to_the_25_entries(monkeypatch):
    """256 MB of int64 minors: 42 rows of P and D = 7 need a level of 36,720,502 > 2^25
    entries and walk; 36 rows (w = 43) need 8,347,680 and take the minors path. Neither is
    run: the spies stop at the path taken."""
    spy_paths(monkeypatch, refuse=("minors", "walk"))
    assert 2**25 < _subsets.mds_level_sizes(42, 7) <= 2**26
    with pytest.raises(Taken, match="walk"):
        verify(vandermonde(49, 7, 7))
    assert _subsets.mds_level_sizes(36, 7) <= 2**25
    with pytest.raises(Taken, match="minors"):
        verify(vandermonde(43, 7, 7))


def test_too_many_vanishing_minors_hand_over_to_the_walk(monkeypatch):
    """(0,1), (0,2) are parallel and miss e_0: the only failing pair, rank 3 in lex order."""
    S = vector_scheme([[1, 0], [0, 1], [0, 2], [1, 1]], 2)
    used = spy_paths(monkeypatch)
    for cap, path in ((1, ["minors"]), (0, ["minors", "walk"])):
        used.clear()
        monkeypatch.setattr(verify_mod, "_MDS_MAX_ZERO", cap)
        rep = verify(S)
        assert (rep.holds, rep.checked, rep.failed, rep.first_failure) == (False, 4, 1, [1, 2])
        assert [u[0] for u in used] == path


def test_minors_path_without_vanishing_minors_on_the_numpy_path(monkeypatch):
    spy_use_kernel(monkeypatch, answer=False)  # numpy everywhere (its check_list wants rows)
    rep = verify(vandermonde(6, 2, 2))  # target e_0 only: a proper subspace, no zero minor
    assert (rep.holds, rep.checked) == (True, 15)


# ------------------------------------------------------------------------ walk and sample batches


def test_the_walk_goes_on_past_a_batch_and_stops_at_the_first_failure(monkeypatch):
    monkeypatch.setattr(verify_mod, "_BATCH", 3)  # ranks per walk call
    S = vandermonde(5, 3, 3)  # D = 3 = R but the minors path is off: C(5, 3) = 10 subsets
    rep = verify(S, mds=False)
    assert (rep.holds, rep.checked, rep.failed) == (True, 10, 0)
    rep = verify(S, 2, mds=False)  # two rows never span three dimensions: all 10 fail
    assert (rep.holds, rep.checked, rep.failed, rep.first_failure) == (False, 1, 1, [0, 1])
    rep = verify(S, 2, mds=False, count_failures=True)
    assert (rep.checked, rep.failed) == (10, 10)


def test_sampling_checks_exactly_n_subsets_across_batches(monkeypatch):
    monkeypatch.setattr(verify_mod, "_BATCH", 4)
    rep = verify(vandermonde(6, 2, 2), sample=10)
    assert (rep.mode, rep.checked, rep.failed, rep.holds) == ("sampled", 10, 0, None)


def test_sampling_seed_defaults_to_0():
    S = vector_scheme([[1, 0], [0, 1], [0, 2], [0, 3], [1, 1], [2, 1]], 2)  # 3 of 15 pairs fail
    key = lambda r: (r.failed, r.first_failure)  # noqa: E731
    reps = {seed: key(verify(S, sample=6, seed=seed, count_failures=True)) for seed in (0, 1)}
    assert reps[0] != reps[1]  # the seed matters for this sample
    assert key(verify(S, sample=6, count_failures=True)) == reps[0]


def test_a_range_of_no_subsets_checks_none_even_when_all_would_fail():
    S = vector_scheme([[1, 0], [2, 0], [3, 0]], 2, targets=(1,))  # target e_1 outside the span
    rep = verify(S, ranks=(1, 1))
    assert (rep.checked, rep.failed, rep.holds, rep.first_failure) == (0, 0, None, None)


def test_the_progress_bar_counts_the_range(capsys):
    verify(vandermonde(5, 3, 3), ranks=(1, 3), mds=False, progress=True)
    err = capsys.readouterr().err
    assert "2/2" in err and "2/4" not in err


def test_subset_count_accepts_single_workers():
    assert subset_count(vandermonde(5, 2, 2), 1) == 5


def test_prepare_changes_basis_with_the_rref_of_the_targets():
    """G' B = G for B = [unit rows of the non-pivot columns of rref(T); rref(T)], with
    rref(T) from python-flint: the last t coordinates of a row are its target part."""
    import flint

    S = vector_scheme([[1, 2, 3], [0, 1, 4], [5, 0, 1], [2, 2, 2]], 3, targets=(0, 1), p=7)
    red, prep = S.reduced, prepare(S)
    T = flint.nmod_mat(red.T.tolist(), 7)
    Tr = [[int(x) for x in row] for row in T.rref()[0].tolist()][: T.rank()]
    piv = [next(c for c, x in enumerate(row) if x) for row in Tr]
    D = red.G.shape[1]
    B = [[int(c == k) for c in range(D)] for k in range(D) if k not in piv] + Tr
    GB = (np.array(prep.G, dtype=object) @ np.array(B, dtype=object)) % 7
    assert prep.tstart == D - len(piv) == 1
    assert GB.tolist() == red.G.tolist()


# --------------------------------------------------------------------- threshold search


def test_threshold_search_climbs_from_two_below():
    """MatDot m = 3 decodes from any 5 of 7 workers (degree-4 product); declared R = 3, the
    search climbs 3 -> 4 -> 5."""
    from ffcc.codes.matdot import matdot

    S = matdot(3, 2, p=P).with_faults(stragglers=4)
    assert S.R == 3 and recovery_threshold(S) == 5


def test_threshold_of_a_zero_target_is_one_worker():
    """A zero target is decoded by any worker, but a subset has at least one worker."""
    S = Scheme(7, [1, 1], [[[1], [1]], [[2], [1]]], [[((0, 0), 0)]], stragglers=1)
    assert recovery_threshold(S) == 1


# -------------------------------------------------------------------------- secrecy


def masked(data_mask_rows, p=P, secrecy=0):
    """One coordinate per row list: worker j gets data coefficient a and mask coefficient m
    in every coordinate; worker j leaks coordinate c iff m = 0 and a != 0 there."""
    w = len(data_mask_rows[0])
    enc = [[list(rows[j]) for rows in data_mask_rows] for j in range(w)]
    return Scheme(p, [2] * len(data_mask_rows), enc, [[((0,) * len(data_mask_rows), 1)]],
                  random=[[1]] * len(data_mask_rows), secrecy=secrecy)  # fmt: skip


def test_the_earliest_leak_wins_across_coordinates():
    # coordinate 0 leaks at worker 1 only; coordinate 1 at workers 0 and 2
    S = masked([[[1, 1], [1, 0], [1, 1]], [[1, 0], [1, 1], [1, 0]]])
    rep = verify_secrecy(S, 1)
    assert (rep.secure, rep.leaking_subset, rep.leaking_coordinate, rep.ranks) == (
        False, [0], 1, [1, 0])  # fmt: skip


def test_secrecy_chunks_stay_within_the_budget_and_cover_every_subset(monkeypatch):
    """Each batched rank holds at most _BATCH entries (or one subset's, if that is more),
    in the largest chunks that fit; a secure scheme is checked to the last subset."""
    shapes = []
    real = PrimeField.batched_rank

    def spy(self, M):
        shapes.append(np.shape(M))
        return real(self, M)

    monkeypatch.setattr(PrimeField, "batched_rank", spy)
    secure = masked([[[1, k] for k in range(1, 11)]])  # A + k R, k != 0: 1-secure
    for budget, chunk in ((8, 4), (3, 1)):  # one subset: 1 row x 2 columns = 2 entries
        shapes.clear()
        monkeypatch.setattr(verify_mod, "_BATCH", budget)
        rep = verify_secrecy(secure, 1)
        assert (rep.secure, rep.checked, rep.total) == (True, 10, 10)
        full = [s for s in shapes if s[2] == 2]
        assert all(n * rows * cols <= max(budget, 2) for n, rows, cols in full)
        assert full[0][0] == chunk
    # no masks and 1 x 1 blocks: a subset is 1 entry, so chunks of 8 (it leaks at once)
    shapes.clear()
    monkeypatch.setattr(verify_mod, "_BATCH", 8)
    bare = Scheme(P, [1, 1], [[[1], [1]]] * 10, [[((0, 0), 1)]])
    rep = verify_secrecy(bare, 1)
    assert (rep.secure, rep.leaking_subset, rep.checked) == (False, [0], 8)
    assert shapes[0] == (8, 1, 1)


def test_a_shard_leaves_secrecy_to_the_merged_run():
    S = masked([[[1, k] for k in range(1, 5)]] * 2, secrecy=1)  # A + kR, B + kS
    assert verify(S).secrecy.secure is True
    assert verify(S, shard=(0, 1)).secrecy is None


def test_leak_summary_counts_the_combinations_learnt():
    rep = SecrecyReport(2, 3, 1, False, [0, 1], 0, [3, 1])
    assert "learn 2 combination(s) of coordinate 0's data" in rep.summary()
    assert "rank [data | masks] = 3 > rank masks = 1" in rep.summary()


# --------------------------------------------------------------------- report text and fields


def test_summary_lines_per_mode_and_failure_count():
    def rep(mode, failed, holds, **kw):
        return VerifyReport("x", 7, 4, 3, 0, 0, mode, 4, 4, failed, holds, seconds=1.0, **kw)

    text = rep("exhaustive", 0, True).summary()
    assert "checked 4 of 4 3-subsets" in text and "certificate" not in text
    cert = rep("certificate", 0, True, certificate={"degree": 2}).summary()
    assert "evaluation code of degree N = 2" in cert and "none of the 4 subsets" in cert
    one = rep("exhaustive", 1, False, first_failure=[0, 1, 2], witness_target=0).summary()
    assert "FAILS: workers [0, 1, 2] do not determine target 0\n" in one
    two = rep("exhaustive", 2, False, first_failure=[0, 1, 2], witness_target=0).summary()
    assert "target 0 (2 failing subsets found)" in two


def test_ok_is_false_only_when_recovery_or_secrecy_fails():
    def rep(secure):
        sec = None if secure is None else SecrecyReport(1, 4, 4, secure)
        return VerifyReport("x", 7, 4, 3, 0, 0, "exhaustive", 4, 4, 0, True, secrecy=sec)

    assert [rep(s).ok for s in (None, True, False)] == [True, True, False]


def test_repr_leaves_the_certificate_out():
    rep = VerifyReport("x", 7, 4, 3, 0, 0, "certificate", 4, 0, 0, True,
                       certificate={"degree": 12345})  # fmt: skip
    assert "12345" not in repr(rep) and "certificate=" not in repr(rep)


def test_auto_certifies_above_100_000_subsets_unless_counting():
    wants = verify_mod._wants_certificate
    above = verify_mod.CERTIFY_ABOVE
    assert above == 100_000  # the documented switch of `ffcc verify`
    assert wants("auto", above, None, None, None, False) is False
    assert wants("auto", above + 1, None, None, None, False) is True
    assert wants("auto", above + 1, None, None, None, True) is False
    assert wants(True, 1, None, None, None, True) is True
    assert wants({"degree": 1}, 1, None, None, None, False) is True
    assert wants(True, 1, 5, None, None, False) is False  # sampled: nothing to certify


def test_a_certificate_enumerates_nothing_and_none_falls_back():
    from ffcc.codes.matdot import matdot

    S = matdot(3, 1, p=P)
    rep = verify(S, certificate=True)
    assert (rep.mode, rep.holds, rep.checked) == ("certificate", True, 0)
    again = verify(S, certificate=rep.certificate)  # issued before: re-checked, then used
    assert (again.mode, again.holds, again.checked) == ("certificate", True, 0)
    bad = vector_scheme([[1, 0], [0, 1], [0, 2], [1, 1]], 2)  # fails; no evaluation-code structure
    rep = verify(bad, certificate=True)
    assert (rep.mode, rep.holds, rep.first_failure) == ("exhaustive", False, [1, 2])


# -------------------------------------------------------------------------- merge and ledger


def test_merge_coverage_starts_at_rank_0():
    whole = VerifyReport("x", 7, 4, 3, 0, 0, "exhaustive", 4, 4, 0, True)
    assert merge([whole]).holds is True  # no ranks: it covers [0, total)
    tail = VerifyReport("x", 7, 4, 3, 0, 0, "shard", 4, 3, 0, None, ranks=[1, 4])
    out = merge([tail])
    assert (out.holds, out.mode, out.ranks) == (None, "shard", [0, 0])


def test_merge_reports_the_failure_of_the_earliest_starting_report():
    def failing(ranks, first):
        return VerifyReport("x", 7, 5, 3, 0, 0, "shard" if ranks else "exhaustive", 10, 1, 1,
                            False, first_failure=first, witness_target=0, ranks=ranks)  # fmt: skip

    wide, narrow = failing([0, 10], [0, 1, 2]), failing([1, 2], [0, 1, 3])
    assert merge([narrow, wide]).first_failure == [0, 1, 2]  # starts at 0, ends last
    whole = failing(None, [0, 1, 2])  # no ranks: starts at 0
    assert merge([narrow, whole]).first_failure == [0, 1, 2]


def test_a_shard_record_shows_no_progress_bar(capsys):
    d = shard_record((vandermonde(5, 3, 3), 3, 0, 2))
    assert (d["ranks"], d["checked"], d["holds"]) == ([0, 5], 5, None)
    assert capsys.readouterr().err == ""


def test_ledger_shard_count_default_and_cap(tmp_path):
    import json

    S = vector_scheme([[1]] * 10, 3)  # C(10, 3) = 120 subsets: room for 64 shards
    assert verify_resumable(S, tmp_path / "a").holds is True
    assert json.loads((tmp_path / "a").read_text().splitlines()[0])["shards"] == 64
    one = vector_scheme([[1]] * 3, 3)  # C(3, 3) = 1 subset: one shard, however many are asked
    assert verify_resumable(one, tmp_path / "b", shards=4).holds is True
    assert len((tmp_path / "b").read_text().splitlines()) == 2
    assert json.loads((tmp_path / "b").read_text().splitlines()[0])["shards"] == 1


def test_ledger_with_a_failure_schedules_nothing_more(tmp_path):
    S = vector_scheme([[1, 0], [0, 1], [0, 2], [1, 1]], 2)  # pair [1, 2] (rank 3) fails
    led = tmp_path / "l"
    rep = verify_resumable(S, led, shards=6)  # one rank per shard: shard 3 fails
    assert (rep.holds, rep.first_failure) == (False, [1, 2])
    calls = []

    def mapper(fn, items):
        calls.append(list(items))
        return map(fn, calls[-1])

    again = verify_resumable(S, led, shards=6, mapper=mapper)
    assert calls == [] and (again.holds, again.first_failure) == (False, [1, 2])


def test_an_unfinished_ledger_says_to_resume(tmp_path):
    def first_only(fn, items):
        yield fn(next(iter(items)))

    rep = verify_resumable(vandermonde(5, 3, 3), tmp_path / "l", shards=4, mapper=first_only)
    assert (rep.holds, rep.mode) == (None, "shard")
    assert rep.notes[-1] == "run again with the same ledger to resume"
