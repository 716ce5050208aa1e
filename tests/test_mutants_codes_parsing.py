"""Tests that kill mutants of ffcc/codes/parsing.py which its own tests let survive
(tools/mutate.py, docs/mutation.md)."""

import pytest

from ffcc.codes.parsing import parse_ints
from ffcc.scheme import SchemeError


@pytest.mark.parametrize("bad", [[1, True], [1, 2.5]])
def test_parse_ints_refuses_flags_and_fractions_in_a_list(bad):
    with pytest.raises(SchemeError, match="alphas must be a list of integers"):
        parse_ints(bad, "alphas")


def test_parse_ints_takes_integral_values_of_any_type():
    assert parse_ints([1, 2.0, -3], "alphas") == [1, 2, -3]
