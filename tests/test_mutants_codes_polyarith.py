"""Tests that kill mutants of ffcc/codes/polyarith.py which its own tests let survive
(tools/mutate.py, docs/mutation.md); expected values worked by hand."""

from ffcc.codes.polyarith import poly_add, poly_degree


def test_poly_add_pads_the_shorter_operand_with_zeros():
    # (1 + 2z + 3z^2) + 4 = 5 + 2z + 3z^2, either way round
    assert poly_add([1, 2, 3], [4], p=None) == [5, 2, 3]
    assert poly_add([4], [1, 2, 3], p=7) == [5, 2, 3]


def test_poly_degree_reads_every_coefficient_from_the_top():
    assert poly_degree([1, 2]) == 1  # the top coefficient is not skipped
    assert poly_degree([0, 1, 0]) == 1  # nor every other one
    assert poly_degree([]) == -1  # the empty list is the zero polynomial
