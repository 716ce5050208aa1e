"""Tests that kill mutants of ffcc/codes/_catalog.py which its own tests let survive
(tools/mutate.py, docs/mutation.md)."""

from ffcc.codes import GroupRule, GroupSpec


def test_a_bare_spec_tolerates_nothing_and_merges():
    spec = GroupSpec(((0, 0), (0, 1)))
    assert (spec.stragglers, spec.byzantine, spec.t, spec.merge) == (0, 0, 0, True)


def test_a_rule_ranks_first_by_default():
    rule = GroupRule("x", lambda spec: True, lambda spec: spec.k, "k", lambda spec, p: None)
    assert rule.rank == 0
