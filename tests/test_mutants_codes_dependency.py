"""Tests that kill mutants of ffcc/codes/dependency.py which its own tests let survive
(tools/mutate.py, docs/mutation.md): the defaults, with w = 2k - 3 + s."""

import pytest

from ffcc import codes
from ffcc.codes.dependency import dependency_code
from ffcc.scheme import SchemeError


def test_defaults_are_three_pairs():
    S = dependency_code()  # k = 3, s = 0: 2*3 - 3 = 3 workers, all needed
    assert (S.params["k"], S.w, S.R) == (3, 3, 3)
    S = codes.build("locality-dependency")  # the catalog's default adds a straggler
    assert (S.params["k"], S.w, S.R, S.stragglers) == (3, 4, 3, 1)


@pytest.mark.parametrize("s", [2.5, 1.0])
def test_dependency_refuses_a_fractional_straggler_count(s):
    # s = 2.5 must not be truncated to 2 stragglers
    with pytest.raises(SchemeError, match=r"^locality-dependency: s must be a non-negative"):
        dependency_code(3, s)
