r"""MatDot codes: :math:`AB = \sum_{i=1}^m A_i B_i` from any 2m - 1 of w = 2m - 1 + s workers.

A is split into m column blocks :math:`A_i` and B into m row blocks :math:`B_i`. Worker k,
at the evaluation point :math:`x_k`, receives

.. math::

    p_A(x_k) = \sum_{i=1}^m A_i x_k^{i-1}, \qquad p_B(x_k) = \sum_{i=1}^m B_i x_k^{m-i}

and returns :math:`h(x_k) = p_A(x_k) p_B(x_k)`. The product of :math:`x^{i-1}` and
:math:`x^{m-i'}` has exponent :math:`m - 1` exactly when :math:`i = i'`, so the coefficient
of :math:`x^{m-1}` in h is :math:`\sum_i A_i B_i = AB`. Since :math:`\deg h = 2m - 2`, any
:math:`K = 2m - 1` evaluations determine h (the recovery threshold), and the decoder is one
row of the inverse Vandermonde matrix of the K answering nodes.

In the scheme model: basis ``[m, m]``, worker k has :math:`e_A = (x_k^0, \dots,
x_k^{m-1})`, :math:`e_B = (x_k^{m-1}, \dots, x_k^0)`, one target
:math:`\sum_i ((i, i), 1)`.

**k arbitrary pairs.** Nothing requires the :math:`A_i, B_i` to come from splitting one
product: for any k pairs :math:`(X_i, Y_i)` of compatible shapes, ``matdot(k, s,
weights=c)`` computes :math:`\sum_i c_i X_i Y_i` with :math:`w_{k,s} = 2k - 1 + s` workers
(the weights are folded into :math:`e_A`, :math:`c_i x^{i-1}`). This is the baseline the
paper compares compression-informed schemes against.

The construction is the special case m = n = 1 of the entangled-polynomial code
(:mod:`ffcc.codes.polynomial`), and shares its structured decoder.

Reference
---------
S. Dutta, M. Fahim, F. Haddadpour, H. Jeong, V. Cadambe, P. Grover, "On the optimal recovery
threshold of coded matrix multiplication", IEEE Trans. Inf. Theory 66(1), 2019.

Example
-------
>>> from ffcc.codes.matdot import matdot
>>> S = matdot(3, s=2)  # K = 5, w = 7
>>> S.threshold, S.w
(5, 7)
>>> F = S.field
>>> A, B = F.random((4, 6), 0), F.random((6, 5), 1)
>>> coded = S.encode(S.split(A, B))
>>> results = {j: S.compute(coded[j]) for j in (0, 1, 3, 5, 6)}  # workers 2 and 4 straggle
>>> C = S.assemble(S.decode(results))
>>> bool((C == (A.astype(object) @ B.astype(object)) % F.p).all())
True
"""

from __future__ import annotations

from collections.abc import Sequence

from ..field import PrimeField
from ..scheme import SchemeError
from ._catalog import Construction, register
from .parsing import check_int, parse_ints
from .polynomial import BlockProductScheme, block_code

__all__ = ["matdot", "matdot_threshold", "matdot_workers"]


def matdot_threshold(m: int) -> int:
    """Recovery threshold 2m - 1 of MatDot with m blocks (or m arbitrary pairs).

    >>> matdot_threshold(4)  # 2 * 4 - 1
    7
    """
    return 2 * m - 1


def matdot_workers(k: int, s: int = 0) -> int:
    """:math:`w_{k,s} = 2k - 1 + s`: workers MatDot needs for k products and s stragglers.

    >>> matdot_workers(3), matdot_workers(3, s=2)  # 2*3 - 1, plus 2 stragglers
    (5, 7)
    """
    return matdot_threshold(k) + s


def matdot(
    m: int = 4, s: int = 0, *, p: int = 65537, weights: Sequence[int] | None = None
) -> BlockProductScheme:
    r"""The MatDot code with m blocks (or m arbitrary pairs) tolerating s stragglers.

    Parameters
    ----------
    m:
        Number of column blocks of A = row blocks of B (or of pairs :math:`(X_i, Y_i)`).
    s:
        Stragglers tolerated; w = 2m - 1 + s workers at the nodes 1, ..., w.
    p:
        The prime field; it needs at least w + 1 elements (a :class:`FieldError` names a
        large enough prime otherwise).
    weights:
        Optional non-zero :math:`c_1, \dots, c_m` (integers, taken mod p; or a string
        ``"1,-2,3"``): the target becomes :math:`\sum_i c_i A_i B_i`, e.g. the re-weighted
        samples of CR-MM.

    >>> S = matdot(2, s=1, p=11, weights=[1, 3])
    >>> S.targets[0]
    (((0, 0), 1), ((1, 1), 3))
    >>> S.E[0].tolist()  # e_A = (c_1, c_2 x_k) at x_k = 1, 2, 3, 4
    [[1, 3], [1, 6], [1, 9], [1, 1]]
    """
    m = check_int(m, "matdot: m")
    K = matdot_threshold(m)
    extra = {}
    scale = None
    if isinstance(weights, str):  # from the command line: --param weights=1,-2,3
        weights = parse_ints(weights, "matdot: weights")
    if weights is not None:
        F = PrimeField(p)
        c = [int(v) % F.p for v in weights]
        if len(c) != m:
            raise SchemeError(f"matdot: {len(c)} weights for m = {m} pairs")
        zero = [i for i, v in enumerate(c) if v == 0]
        if zero:
            raise SchemeError(
                f"matdot: weight {zero[0]} is 0 mod {F.p}; drop that pair instead (m = {m - 1})"
            )
        scale = [int(v) for v in weights]  # exact; the form reduces them mod p
        extra["weights"] = c
    a_exp = list(range(m))
    b_exp = [m - 1 - i for i in range(m)]
    note = "A_i -> c_i z^i, B_i -> z^(m-1-i); target: [z^(m-1)] h = sum_i c_i A_i B_i"
    return block_code("matdot", 1, 1, m, a_exp, b_exp, [m - 1], K, s, p, extra, scale, (note,))


register(
    Construction(
        name="matdot",
        build=matdot,
        defaults={"m": 4, "s": 1, "p": 65537, "weights": None},
        threshold="2m - 1",
        workers=lambda m, s, **_: matdot_workers(m, s),
        reference="Dutta et al., IEEE Trans. IT 66(1), 2019",
        summary="AB = sum_i A_i B_i (or sum_i c_i X_i Y_i of m arbitrary pairs) "
        "from any 2m - 1 workers",
        param_help={
            "m": "column blocks of A = row blocks of B (or number of pairs)",
            "s": "stragglers tolerated",
            "p": "prime field modulus",
            "weights": "optional non-zero weights c_i: target sum_i c_i A_i B_i",
        },
    )
)
