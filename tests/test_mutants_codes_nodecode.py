"""Tests that kill mutants of ffcc/codes/nodecode.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). The one-dependency code with k = 3 has h of degree
N = 2k - 4 = 2: three answers fix h, two do not."""

import pytest

from ffcc.codes.dependency import dependency_code
from ffcc.codes.nodecode import NodeCode
from ffcc.scheme import DecodingError, SchemeError


def _rebuilt(S, **params):
    """The same code as a plain NodeCode with some params replaced (None: removed)."""
    pr = {k: v for k, v in {**S.params, **params}.items() if v is not None}
    workers = [[list(S.E[c][j]) for c in range(S.d)] for j in range(S.w)]
    return NodeCode(S.p, S.basis, workers, S.targets, S.stragglers, S.byzantine, S.name, pr)


def test_two_answers_do_not_fix_a_quadratic():
    S = dependency_code(3, s=1)
    assert S.degree == 2 and S.functional([0, 1, 2]).shape == (3, 3)
    with pytest.raises(DecodingError, match=r"workers \[0, 1\] do not determine"):
        S.functional([0, 1])


@pytest.mark.parametrize("key", ["degree", "target_scales"])
def test_a_missing_param_is_named(key):
    S = dependency_code(3, s=1)
    assert _rebuilt(S).target_rows.shape == (3, 3)
    with pytest.raises(SchemeError, match=rf"NodeCode needs params\['{key}'\]"):
        _rebuilt(S, **{key: None})


def test_target_scales_are_one_non_zero_per_node():
    S = dependency_code(3, s=1)
    scales = list(S.params["target_scales"])
    for bad in (scales[:-1], [0] + scales[1:]):
        with pytest.raises(SchemeError, match="one non-zero scale per target node"):
            _rebuilt(S, target_scales=bad)
