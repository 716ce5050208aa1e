"""Tests that kill mutants of ffcc/plan.py which its own tests let survive (tools/mutate.py,
docs/mutation.md). Worker counts are the formulas of the paper's eq. (3) worked by hand;
subset counts are binomials; the budget split is the one ``_optimize_groups`` documents
(60% over the groups, smallest first, evenly over those left; the rest to the shared code),
observed through a fake clock and a fake search."""

import math
import time
from types import SimpleNamespace

import pytest

import ffcc.plan as plan_mod
from ffcc.codes.batch import batch_mds
from ffcc.codes.matdot import matdot
from ffcc.codes.secure import secure_matdot
from ffcc.plan import Group, compare, group_cost, over_prime, plan
from ffcc.scheme import Scheme, SchemeError

CYCLE8 = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0)]
K22 = [(0, 0), (0, 1), (1, 1), (1, 0)]
FOREST = [(10 + i, 20 + i) for i in range(5)] + [(10, 21)]  # every block used once: u = 1
# K_{2,3} (6 products) next to a path of 3: its candidates group the products four ways
K23_PATH = [(a, b) for a in range(2) for b in range(3)] + [(5, 5), (5, 6), (6, 6)]


def grids(n):
    """n disjoint K_{2,2} grids: with s = 1 each is a polynomial code of 4 + 1 workers."""
    return [(a + 2 * i, b + 2 * i) for i in range(n) for a, b in K22]


# --- Group and over_prime ---------------------------------------------------------------


def test_a_group_is_itself_and_starts_with_no_workers():
    a, b = Group(), Group()
    assert a != b and a == a and len({a, b}) == 2  # identity, hashable
    assert a.workers == 0


def test_group_build_defaults_to_65537_and_moves_a_fixed_scheme():
    g = Group(spec=plan_mod.GroupSpec.of(K22, 1), construction="polynomial", workers=5)
    assert g.build().p == 65537
    S = matdot(2, 1, p=65537)
    assert Group(scheme=S).build(65537) is S
    T = Group(scheme=S).build(101)
    assert T.p == 101 and T.w == S.w


def test_over_prime_lifts_to_the_signed_representative():
    p0, h = 65537, 32768  # signed representatives of GF(65537): -32768 .. 32768
    E = [[[h, h + 1], [p0 - 1, 21846]]]  # 21846: just above p0 // 3
    S = Scheme(p0, [2, 2], E, [[((0, 0), p0 - 1)]])
    T = over_prime(S, 101)
    assert [list(T.E[c][0]) for c in range(2)] == [
        [h % 101, (h + 1 - p0) % 101],
        [(-1) % 101, 21846 % 101],
    ]
    assert T.targets[0][0][1] == (-1) % 101


def test_over_prime_refuses_masks_and_several_outputs():
    with pytest.raises(SchemeError, match="several outputs"):
        over_prime(batch_mds(2, 2, 1), 101)
    with pytest.raises(SchemeError, match="masks"):
        over_prime(secure_matdot(2, 1), 101)


# --- Plan reports -----------------------------------------------------------------------


def test_summary_and_dict_report_the_saving():
    P = plan(CYCLE8, 1)
    # Theorem 1: 14 workers against MatDot's 16; overhead w - k: 8 -> 6
    assert P.saving == 2
    d = P.to_dict()
    assert d["saving_percent"] == 100 * 2 / 16 == 12.5
    assert d["overhead_reduction_percent"] == 100 * (8 - 6) / 8 == 25.0
    text = P.summary()
    assert "saves 2 (12.5%); coding overhead w - k falls by 25.0%" in text
    assert "14 workers; the chosen plan saves 0" in text
    # every 13-subset of the 14 workers: C(14, 13) = 14 subsets
    assert "[verified, 14 subsets]" in text
    assert "[not verified]" in plan(CYCLE8, 1, verify=False).summary()


def test_summary_lists_twelve_groups_then_counts_the_rest():
    twelve = plan(grids(12), 1, verify=False)
    assert len(twelve.chosen.groups) == 12 and twelve.chosen.workers == 12 * 5
    lines = twelve.summary().splitlines()
    assert sum(line.startswith("  group of") for line in lines) == 12
    assert not any("more groups" in line for line in lines)
    thirteen = plan(grids(13), 1, verify=False)
    lines = thirteen.summary().splitlines()
    assert sum(line.startswith("  group of") for line in lines) == 12
    assert "  ... 1 more groups" in lines


def test_overhead_reduction_without_overhead_is_zero():
    P = plan([(0, 0)], 0, verify=False)  # one product, no faults: MatDot's 1 worker
    assert P.baseline_workers == P.k == 1 and P.overhead_reduction() == 0.0


# --- group_cost, _split and the candidates ----------------------------------------------


def test_group_cost_merges_repeats_by_default():
    pairs = [(0, 0), (0, 0), (0, 1)]
    assert group_cost(pairs, 1).spec.merge is True
    assert group_cost(pairs, 1, merge=False).spec.merge is False


def test_plan_defaults_to_one_straggler_and_keeps_repeats_once():
    P = plan(CYCLE8, verify=False)
    assert P.stragglers == 1 and P.chosen.workers == 14  # 13 + s
    Q = plan(CYCLE8 + [(0, 0)], 1, merge=False, verify=False)
    assert Q.multiplicity == [1] * 9


def test_whole_candidates_pay_two_per_liar():
    P = plan(CYCLE8, 1, 1, verify=False)  # t = s + 2b = 3
    c = {c.name: c.workers for c in P.candidates}
    assert c["replication"] == 8 * (1 + 3) and c["matdot"] == 2 * 8 - 1 + 3


@pytest.mark.parametrize("s", [1, 2, 3])
def test_a_cycle_stays_apart_only_when_strictly_cheaper(s):
    # the 8-cycle costs 13 + s on its own, 16 if added to the forest's MatDot code
    # (2 per product); the whole graph by Theorem 1: 2 * 14 - 1 - 1 + 1 + s = 27 + s
    P = plan(CYCLE8 + FOREST, s, verify=False)
    c = {c.name: c for c in P.candidates}
    apart = 13 + s < 16
    when = c["cycles-when-cheaper"]
    assert len(when.groups) == (2 if apart else 1)
    assert when.workers == ((13 + s) + (2 * 6 - 1 + s) if apart else 27 + s)
    # the paper's plan keeps the cycle apart at every s
    assert len(c["paper-split"].groups) == 2
    # the 2-core is the cycle: kept apart at s = 1 like the cycles
    if s == 1:
        assert c["2-core-components"].workers == 14 + 12


def test_plan_seconds_are_the_time_it_took():
    t0 = time.perf_counter()
    P = plan(K22, 1, verify=False)
    assert 0 <= P.seconds <= time.perf_counter() - t0


# --- measuring and verifying with a small subset limit ----------------------------------

PATH5 = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2)]  # Lagrange: 9 + s; any 8 of them decode


def _recording_verify(monkeypatch):
    calls = []
    real = plan_mod.verify_scheme

    def fake(scheme, *args, **kw):
        calls.append(kw)
        return real(scheme, *args, **kw)

    monkeypatch.setattr(plan_mod, "verify_scheme", fake)
    return calls


def test_measure_checks_an_r_subset_count_up_to_the_limit(monkeypatch):
    calls = _recording_verify(monkeypatch)
    # s = 1: 10 workers, R = 9; R* = 8 needs C(10, 8) = 45 subsets checked
    monkeypatch.setattr(plan_mod, "VERIFY_LIMIT", math.comb(10, 8))
    (g,) = plan(PATH5, 1, measure=True, verify=False).chosen.groups
    assert (g.workers, g.trim) == (9, 9) and g.formula.endswith(", measured R* = 8")
    assert calls and all(kw == {"secrecy": 0, "progress": False} for kw in calls)
    monkeypatch.setattr(plan_mod, "VERIFY_LIMIT", math.comb(10, 8) - 1)
    (g,) = plan(PATH5, 1, measure=True, verify=False).chosen.groups
    assert (g.workers, g.trim) == (10, None) and "measured" not in g.formula


def test_verify_checks_a_group_up_to_the_limit(monkeypatch):
    calls = _recording_verify(monkeypatch)
    # s = b = 1: 16 workers, R = 13, C(16, 13) = 560 subsets
    monkeypatch.setattr(plan_mod, "VERIFY_LIMIT", 560)
    (g,) = plan(CYCLE8, 1, 1).chosen.groups
    assert g.verified is True and g.verify_note == "560 subsets"
    assert calls == [{"progress": False}]
    monkeypatch.setattr(plan_mod, "VERIFY_LIMIT", 559)
    (g,) = plan(CYCLE8, 1, 1).chosen.groups
    assert g.verified is None
    assert g.verify_note == "C(16, 13) = 560 subsets: too many to check here"


# --- optimize: budget split and choice, with a fake search and a fake clock --------------


def _fake_search(monkeypatch, workers_of):
    """Replace the search: it 'uses' its whole time limit on a fake clock and returns the
    worker count ``workers_of(pairs)``."""
    now, calls = [1000.0], []  # a clock not at 0, so that every reading of it counts
    monkeypatch.setattr(plan_mod, "time", SimpleNamespace(perf_counter=lambda: now[0]))

    def search(pairs, s, *, time_limit, p, progress):
        calls.append((len(pairs), time_limit, p, progress))
        now[0] += time_limit
        w = workers_of(tuple(pairs))
        return SimpleNamespace(workers=w, best=SimpleNamespace(method="fake"), threshold=w - s,
                               scheme=None, lower_bound=len(pairs))  # fmt: skip

    monkeypatch.setattr(plan_mod, "search_schemes", search)
    return calls


def _costs(samples, s):
    base = plan(samples, s, verify=False)
    return base, {tuple(base.group_pairs(g)): g.workers for c in base.candidates for g in c.groups}


def test_optimize_splits_its_budget_and_takes_a_strictly_better_grouping(monkeypatch):
    base, cost = _costs(K23_PATH, 1)
    assert (base.chosen.name, base.chosen.workers) == ("2-core-components", 13)
    k23 = tuple(K23_PATH[:6])
    calls = _fake_search(
        monkeypatch, lambda pairs: cost[pairs] - 1 if pairs == k23 else cost.get(pairs, 99)
    )
    P = plan(K23_PATH, 1, verify=False, optimize=10, p=101)
    # the groups of the four groupings with more than one group: sizes 3, 4, 5, 6; 60% of
    # 10 s evenly over those left, each search using all it gets; the rest to all 9 products
    assert [c[0] for c in calls] == [3, 4, 5, 6, 9]
    assert [c[1] for c in calls] == pytest.approx([1.5, 1.5, 1.5, 1.5, 4.0])
    assert all(c[2:] == (101, False) for c in calls)
    # the K_{2,3} code one worker cheaper: 12 against 13; the path keeps its code
    assert (P.chosen.name, P.chosen.workers) == ("optimized", 12)
    built = {len(g.products): g.construction for g in P.chosen.groups}
    assert built[6] == "optimized" and built[3] != "optimized"
    (shared,) = next(c for c in P.candidates if c.name == "optimized-shared").groups
    assert (shared.spec.stragglers, shared.spec.byzantine) == (1, 0)


def test_optimize_keeps_the_plan_on_a_tie(monkeypatch):
    base, cost = _costs(K23_PATH, 1)
    _fake_search(monkeypatch, lambda pairs: cost.get(pairs, base.chosen.workers))
    P = plan(K23_PATH, 1, verify=False, optimize=10)
    assert P.chosen.name == base.chosen.name and P.chosen.workers == base.chosen.workers


# --- compare ----------------------------------------------------------------------------


def _rows(samples, *args, **kw):
    return {r["construction"].split(" ")[0]: r for r in compare(samples, *args, **kw)}


def test_compare_defaults_and_replication_row(monkeypatch):
    seen = []
    real = plan_mod.plan
    monkeypatch.setattr(plan_mod, "plan", lambda *a, **kw: seen.append(kw) or real(*a, **kw))
    rows = _rows(CYCLE8 + [(0, 0)])  # s = 1, repeats merged: 8 products
    assert rows["replication"]["formula"] == rows["replication"]["measured"] == 8 * 2
    assert rows["replication"]["k"] == 8 and rows["replication"]["stragglers"] == 1
    assert seen[-1]["verify"] is False  # the planner's row is a count, not a check


def test_compare_measures_lagrange_on_independent_products():
    # three independent products: Lagrange is optimal, 2k - 1 = 5 (+ s); Theorem 1 with
    # u = (1, 1) is the same 2k - 1 + s
    rows = _rows([(0, 0), (1, 1), (2, 2)], 1)
    assert rows["matdot/lagrange"]["measured"] == 6 and rows["theorem1"]["measured"] == 6


def test_compare_measures_only_up_to_the_limit(monkeypatch):
    # CYCLE8, s = 1: Lagrange 16 workers, R = 15: C(16, 15) + C(16, 16) = 17 subsets;
    # Theorem 1 14 workers, R = 13: C(14, 13) + 1 = 15
    for limit, lagrange, theorem1 in [(17, True, True), (16, False, True), (14, False, False)]:
        monkeypatch.setattr(plan_mod, "VERIFY_LIMIT", limit)
        rows = _rows(CYCLE8, 1)
        assert (rows["matdot/lagrange"]["measured"] is not None) is lagrange
        assert (rows["theorem1"]["measured"] is not None) is theorem1


def test_compare_polynomial_row_only_for_grids_of_two_or_more():
    assert "polynomial" not in _rows([(0, 0)], 1)  # a 1 x 1 grid is one product
    assert "polynomial" not in _rows(CYCLE8, 1)
    rows = _rows([(0, 0), (0, 1)], 1)  # a 1 x 2 grid: k + s = 3
    assert rows["polynomial"]["formula"] == rows["polynomial"]["measured"] == 3


def test_compare_takes_any_block_ids():
    rows = _rows([("a", "x"), ("a", "y"), ("b", "y"), ("b", "x")], 1)
    # K_{2,2}: Theorem 1 promises 2*4 - 2 - 2 + 1 + 1 = 6, the span has dimension 4: 5
    assert rows["theorem1"]["formula"] == 6 and rows["theorem1"]["measured"] == 5


def _measured(construction, workers, s=0):
    """``_measure_groups`` on one group coding the same product A0 B0 twice (repeats kept):
    one worker's answer gives both targets, so R* = 1."""
    spec = plan_mod.GroupSpec.of([(0, 0), (0, 0)], s, 0, merge=False)
    g = Group(spec=spec, construction=construction, products=(0, 1), workers=workers)
    c = plan_mod.Candidate(construction, [g])
    P = plan_mod.Plan([(0, 0), (0, 0)], [1, 1], 2, s, 0, False, [c], c)
    plan_mod._measure_groups(P, 65537)
    return g


def test_measure_goes_down_to_one_worker_but_leaves_uncoded_alone():
    # replication of both copies: 2 workers, R = 2 by the formula, R* = 1
    g = _measured("replication", 2)
    assert (g.workers, g.trim) == (1, 1) and g.formula.endswith("measured R* = 1")
    g = _measured("replication", 4, s=1)  # 1 + s copies of each: R = 3, R* = 1
    assert (g.workers, g.trim) == (2, 2)
    g = _measured("uncoded", 2)  # uncoded is never trimmed
    assert (g.workers, g.trim) == (2, None)
