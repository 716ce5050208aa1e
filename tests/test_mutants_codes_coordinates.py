"""Tests that kill mutants of ffcc/codes/coordinates.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). Counts from Theorem 1: w = 2k - u1 - u2 + 1 + s
against MatDot's 2k - 1 + s."""

import dataclasses

import pytest

from ffcc import codes
from ffcc.codes.coordinates import FIGURE2, coordinate_code, theorem1_bound, theorem1_report
from ffcc.plan import group_cost
from ffcc.scheme import SchemeError

REPEAT = list(FIGURE2) + [FIGURE2[0]]  # the 8-cycle with one sample drawn twice


def test_theorem1_bound_merges_repeats_and_has_no_stragglers_by_default():
    b = theorem1_bound(REPEAT)  # k = 8 distinct pairs, u = (2, 2), s = 0
    assert (b["k"], b["threshold"], b["workers"], b["matdot_workers"]) == (8, 13, 13, 15)
    b = theorem1_bound(FIGURE2, s=2)
    assert (b["workers"], b["matdot_workers"]) == (13 + 2, 15 + 2)
    assert theorem1_bound(REPEAT, merge=False)["k"] == 9


def test_coordinate_code_and_report_merge_repeats_by_default():
    S = coordinate_code(REPEAT)
    assert (S.params["k"], S.w, len(S.targets)) == (8, 13, 8)
    r = theorem1_report(REPEAT)
    assert (r.k, r.distinct_pairs, r.merge, r.bound_threshold) == (8, 8, True, 13)


def test_the_report_is_frozen():
    r = theorem1_report("0-0,0-1,1-1,1-0")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.k = 5


def test_catalog_default_is_figure2_with_one_straggler():
    S = codes.build("locality-coordinates")  # Figure 2: 13 + s workers
    assert (S.params["k"], S.w, S.stragglers) == (8, 14, 1)


def test_theorem1_rule_needs_a_block_used_twice_and_wins_ties_with_the_grid_code():
    rule = codes.group_rule("theorem1")
    path = codes.GroupSpec.of([(0, 0), (0, 1), (1, 1)], 1)  # u = (1, 1): no saving
    star = codes.GroupSpec.of([(0, 0), (1, 0)], 1)  # u = (1, 2)
    assert not rule.applies(path) and rule.applies(star)
    # a 1 x 3 grid: Theorem 1 gives 2*3 - 3 - 1 + 1 = 3 = k, the polynomial code k: a tie,
    # which goes to the lower rank
    g = group_cost([(0, 0), (0, 1), (0, 2)], 1)
    assert (g.construction, g.workers) == ("theorem1", 3 + 1)


@pytest.mark.parametrize("s", [2.5, 1.0])
def test_coordinates_refuse_a_fractional_straggler_count(s):
    # s = 2.5 must not be truncated to 2 stragglers
    with pytest.raises(SchemeError, match=r"^locality-coordinates: s must be a non-negative"):
        coordinate_code("0-0,0-1,1-1,1-0", s=s)
