"""Tests that kill mutants of ffcc/codes/batch.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). Worker and output counts from the construction:
w = m + s workers, n products each."""

import inspect

import pytest

from ffcc import codes
from ffcc.codes.batch import batch_mds, separate_outputs
from ffcc.codes.matdot import matdot
from ffcc.scheme import SchemeError, from_dict


def test_batch_mds_defaults_are_two_by_two_with_one_straggler():
    for S in (batch_mds(), codes.build("batch-mds")):  # m = 2, n = 2, s = 1
        assert (S.w, S.R, S.products, S.outputs) == (2 + 1, 2, 2 * 3, (2, 2, 2))
        assert (S.params["m"], S.params["n"], S.p) == (2, 2, 65537)
    sig = inspect.signature(batch_mds).parameters
    assert codes.CATALOG["batch-mds"].defaults == {k: v.default for k, v in sig.items()}


def test_batch_mds_takes_one_block_and_refuses_non_integers():
    S = batch_mds(1, 1, 0)  # one worker, one product: A B itself
    assert (S.w, S.products, S.outputs) == (1, 1, None)  # one output each: plain
    for bad in (dict(m=True), dict(n=0), dict(m=2.0), dict(s=-1)):
        with pytest.raises(SchemeError, match="must be a (positive|non-negative) integer"):
            batch_mds(**bad)


def test_separate_outputs_of_a_single_output_scheme_keeps_its_faults():
    T = separate_outputs(matdot(2, 1))  # one output per worker: nothing to separate
    assert (T.w, T.stragglers, T.byzantine, T.secrecy) == (4, 1, 0, 0)


def test_separate_outputs_multiplies_liars_by_the_outputs():
    d = batch_mds(2, 2, s=3).to_dict()  # w = 5, two outputs each
    d["stragglers"], d["byzantine"] = 1, 1  # R = 5 - 1 - 2 = 2
    T = separate_outputs(from_dict(d))
    # a lost or lying worker is 2 lost or lying products
    assert (T.w, T.stragglers, T.byzantine, T.secrecy) == (10, 2, 2, 0)
