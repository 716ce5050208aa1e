"""Tests that kill mutants of ffcc/codes/parsing.py which its own tests let survive
(tools/mutate.py, docs/mutation.md)."""

import pytest

from ffcc.codes.parsing import check_int, parse_ints
from ffcc.scheme import SchemeError


@pytest.mark.parametrize("bad", [[1, True], [1, 2.5]])
def test_parse_ints_refuses_flags_and_fractions_in_a_list(bad):
    with pytest.raises(SchemeError, match="alphas must be a list of integers"):
        parse_ints(bad, "alphas")


def test_parse_ints_takes_integral_values_of_any_type():
    assert parse_ints([1, 2.0, -3], "alphas") == [1, 2, -3]


@pytest.mark.parametrize(
    "value, lowest, message",
    [
        (-1, 0, "s must be a non-negative integer, got -1"),
        (0.0, 0, "s must be a non-negative integer, got 0.0"),
        (0, 1, "s must be a positive integer, got 0"),
        (True, 1, "s must be a positive integer, got True"),
        (1, 2, "s must be an integer >= 2, got 1"),
    ],
)
def test_check_int_names_the_lowest_value(value, lowest, message):
    with pytest.raises(SchemeError) as info:
        check_int(value, "s", lowest=lowest)
    assert str(info.value) == message


def test_check_int_returns_python_ints():
    import numpy as np

    out = check_int(np.int64(3), "m")
    assert out == 3 and type(out) is int
    assert check_int(2, "k", lowest=2) == 2 and check_int(0, "s", lowest=0) == 0
