"""Tests that kill mutants of ffcc/codes/_catalog.py which its own tests let survive
(tools/mutate.py, docs/mutation.md)."""

import dataclasses

import pytest

from ffcc import codes
from ffcc.codes import GroupRule, GroupSpec
from ffcc.verify import verify

K2 = [(0, 0), (0, 1)]  # two products sharing A_0


def test_a_bare_spec_tolerates_nothing_and_merges():
    spec = GroupSpec(((0, 0), (0, 1)))
    assert (spec.stragglers, spec.byzantine, spec.t, spec.merge) == (0, 0, 0, True)


def test_a_rule_ranks_first_by_default():
    rule = GroupRule("x", lambda spec: True, lambda spec: spec.k, "k", lambda spec, p: None)
    assert rule.rank == 0


def test_of_defaults_and_frozen_entries():
    spec = GroupSpec.of([(0, 0), (0, 1)])
    assert (spec.stragglers, spec.byzantine, spec.merge) == (0, 0, True)
    rule = codes.group_rule("polynomial")
    for obj, field in ((spec, "stragglers"), (rule, "rank"), (codes.CATALOG["matdot"], "name")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, field, 1)


def test_uncoded_claims_no_stragglers_even_when_the_group_asks_for_them():
    # k workers for k products: losing any one loses its product
    S = codes.group_rule("uncoded").build(GroupSpec.of([(0, 0), (0, 1), (1, 1)], 1), 65537)
    assert (S.w, S.stragglers, S.byzantine) == (3, 0, 0)
    assert verify(S, progress=False).holds is True


def test_replication_tolerates_what_the_group_asks_and_ranks_after_lagrange():
    # one product on 1 + s copies: any one of the 2 workers gives it
    S = codes.group_rule("replication").build(GroupSpec.of([(0, 0)], 1), 65537)
    assert (S.w, S.stragglers, S.R) == (2, 1, 1)
    # ties go to the lower rank: Lagrange, replication, Theorem 1, the grid code
    names = [r.name for r in codes.group_rules()]
    assert names == ["lagrange", "replication", "theorem1", "polynomial"]


def test_uncoded_applies_only_without_faults():
    rule = codes.group_rule("uncoded")
    assert rule.applies(GroupSpec.of([(0, 0), (0, 1)])) is True
    assert rule.applies(GroupSpec.of([(0, 0), (0, 1)], 1)) is False
    assert rule.applies(GroupSpec.of([(0, 0), (0, 1)], 0, 1)) is False


def test_replication_is_for_one_product_and_identity_codes_target_each_product_once():
    rule = codes.group_rule("replication")
    assert rule.applies(GroupSpec.of([(0, 0)])) and not rule.applies(GroupSpec.of(K2))
    S = codes.group_rule("uncoded").build(GroupSpec.of(K2), 65537)
    # worker i computes A_l B_r of product i; target i is that product with coefficient 1
    assert [list(t) for t in S.targets] == [[((0, 0), 1)], [((0, 1), 1)]]
