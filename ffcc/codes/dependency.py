r"""Locality-based codes: one linear dependency among the inputs saves two workers.

**One dependency** (Rudow, Rashmi, Guruswami 2021). k pairs :math:`X_i = (A_i, B_i)` with
:math:`\sum_{i<k} \alpha_i X_i = X_k` (both coordinates, every :math:`\alpha_i \neq 0`):
all k products :math:`A_i B_i` from any :math:`2k - 3` of :math:`w_{k,s} - 2 = 2k - 3 + s`
workers. Take distinct :math:`\beta_1, \dots, \beta_k`, the Lagrange basis
:math:`\ell_i` of :math:`\beta_1, \dots, \beta_{k-1}` (degree :math:`k - 2`) and rescale

.. math:: c_i = \alpha_i / \ell_i(\beta_k) \neq 0, \qquad
          u_A(z) = \sum_{i<k} c_i \ell_i(z) A_i, \quad u_B(z) = \sum_{i<k} c_i \ell_i(z) B_i .

Then :math:`u(\beta_i) = c_i X_i` for :math:`i < k` and
:math:`u(\beta_k) = \sum_i \alpha_i X_i = X_k`: the dependent point lies on the curve.
:math:`h = u_A u_B` has degree :math:`2k - 4`, so any :math:`2k - 3` of the values
:math:`h(x_j)` give h, and :math:`A_i B_i = h(\beta_i)/c_i^2`, :math:`A_k B_k = h(\beta_k)`
(f is homogeneous of degree 2, so the rescaling is undone by :math:`c_i^{-2}`). Any
distinct :math:`\beta`'s and any distinct worker nodes :math:`x_j` work. Taking the
:math:`x_j` disjoint from the :math:`\beta`'s also means that *no* :math:`2k - 4` workers
decode: the Vandermonde rows of :math:`2k - 3` distinct points are independent, so the
evaluation at :math:`\beta_i` is not in the span of :math:`2k - 4` worker rows. A zero
:math:`\alpha_i` would make :math:`c_i = 0` and erase :math:`X_i` from every worker; it is
refused.

In the scheme model the basis is ``[k - 1, k - 1]`` (the independent inputs) and there are
k targets: ``((i, i), 1)`` for :math:`i < k` and
:math:`X_k Y_k = \sum_{a,b} \alpha_a \alpha_b X_a Y_b`.

References
----------
M. Rudow, K. V. Rashmi, V. Guruswami, "A locality-based lens for coded computation",
ISIT 2021.

Example
-------
>>> from ffcc.verify import verify
>>> S = dependency_code(4, s=1, alphas=[2, 3, 5])  # X_4 = 2 X_1 + 3 X_2 + 5 X_3
>>> S.w, S.R  # w_{4,1} - 2 = 6, threshold 2k - 3 = 5
(6, 5)
>>> verify(S).holds
True
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from ..field import PrimeField
from ..scheme import SchemeError
from ._catalog import Construction, register
from ._form import CodeForm, FormPart, build_scheme, lagrange_term, poly_value, to_field
from .nodecode import NodeCode
from .parsing import check_int, parse_ints

__all__ = ["DependencyScheme", "dependency_code", "dependency_form", "dependency_threshold"]


def dependency_threshold(k: int) -> int:
    """Recovery threshold :math:`2k - 3` of the one-dependency code (k >= 2).

    >>> dependency_threshold(4)  # 2 * 4 - 3, two below MatDot's 2 * 4 - 1
    5
    """
    return 2 * k - 3


class DependencyScheme(NodeCode):
    """The one-dependency code; see the module docstring. ``params["alphas"]`` holds the
    :math:`\\alpha_i` and ``params["scales"]`` the rescalings :math:`c_i`.

    >>> S = dependency_code(4)  # 2k - 3 = 5 workers, where MatDot needs 2k - 1 = 7
    >>> isinstance(S, DependencyScheme), S.w, S.R, len(S.params["alphas"])  # alpha_1..alpha_(k-1)
    (True, 5, 5, 3)
    """


def dependency_code(k: int = 3, s: int = 0, *, alphas=None, p: int = 65537) -> DependencyScheme:
    r"""All k products of k pairs with :math:`X_k = \sum_{i<k} \alpha_i X_i`, from any
    :math:`2k - 3` of :math:`2k - 3 + s` workers.

    Parameters
    ----------
    k:
        Number of pairs, k >= 2 (k - 1 independent inputs plus the dependent one).
    s:
        Stragglers tolerated.
    alphas:
        The k - 1 non-zero coefficients (ints taken mod p, a list or ``"2,3,-1"``); default
        all ones, i.e. :math:`X_k = \sum_i X_i`.
    p:
        The prime field.

    Inputs are the k - 1 independent blocks per coordinate; targets 0..k-2 are
    :math:`A_i B_i`, target k - 1 is :math:`A_k B_k = (\sum \alpha_a A_a)(\sum \alpha_b B_b)`.

    >>> S = dependency_code(3, s=0, alphas="1,1", p=101)
    >>> S.targets[2]  # X_3 Y_3 = (X_1 + X_2)(Y_1 + Y_2)
    (((0, 0), 1), ((0, 1), 1), ((1, 0), 1), ((1, 1), 1))
    """
    k = check_int(k, "locality-dependency: k", lowest=2)
    s = check_int(s, "locality-dependency: s", lowest=0)
    F = PrimeField(p)
    blank = alphas is None or (isinstance(alphas, str) and not alphas.strip())
    a = [1] * (k - 1) if blank else parse_ints(alphas, "alphas")
    if len(a) != k - 1:
        raise SchemeError(
            f"locality-dependency: k = {k} needs k - 1 = {k - 1} alphas, got {len(a)}"
        )
    zero = [i for i, v in enumerate(a) if v % F.p == 0]
    if zero:
        raise SchemeError(
            f"locality-dependency: alpha_{zero[0]} is 0 mod {F.p}; every alpha_i must be "
            f"non-zero (X_{zero[0]} does not take part in the dependency: drop it and use "
            "k - 1 pairs, or code it separately)"
        )
    R = dependency_threshold(k)
    w = R + s
    beta = F.nodes(k + w, what="dependency and worker nodes")
    beta, x = beta[:k].tolist(), beta[k:]
    form = dependency_form(a, beta, x.tolist(), s)
    c = [to_field(v, F.p) for v in form.params["scales"]]
    scales = [ci * ci % F.p for ci in c] + [1]
    params = {
        "k": k,
        "alphas": [v % F.p for v in a],
        "scales": c,
        "nodes": x.tolist(),
        "degree": 2 * k - 4,
        "threshold": R,
        "target_nodes": beta,
        "target_scales": scales,
        "formula": "2k - 3 (+ s) = w_{k,s} - 2",
    }
    return build_scheme(
        form, F, DependencyScheme, name=f"locality-dependency(k={k})", params=params
    )


def dependency_form(alphas: Sequence[int], beta: Sequence[int], x: Sequence[int], s: int):
    r"""The exact form of the one-dependency code: :math:`X_i \mapsto c_i \ell_i(z)` in both
    coordinates (Lagrange basis of :math:`\beta_1..\beta_{k-1}`,
    :math:`c_i = \alpha_i / \ell_i(\beta_k)`, in ``form.params["scales"]``), workers at
    ``x``; target i < k - 1 is :math:`h(\beta_i)/c_i^2`, the last :math:`h(\beta_k)`.

    >>> f = dependency_form([1, 1], [1, 2, 3], [4, 5], 0)  # X_3 = X_1 + X_2; l_0(3) = -1
    >>> f.params["scales"], f.targets[0]
    ([Fraction(-1, 1), Fraction(1, 2)], (0, ((Fraction(1, 1), 'value', 1),)))
    """
    k = len(beta)
    ell = [lagrange_term(beta[:-1], i) for i in range(k - 1)]
    c = [Fraction(alphas[i]) / poly_value((ell[i],), beta[-1]) for i in range(k - 1)]
    poly = {i: (lagrange_term(beta[:-1], i, c[i]),) for i in range(k - 1)}
    part = FormPart((poly, dict(poly)), tuple((1, int(v)) for v in x))
    targets = [(0, ((1 / c[i] ** 2, "value", beta[i]),)) for i in range(k - 1)]
    targets.append((0, ((1, "value", beta[-1]),)))
    note = (
        "X_k = sum_i alpha_i X_i; X_i -> c_i l_i(z) (Lagrange basis on beta_1..beta_(k-1)), "
        "c_i = alpha_i / l_i(beta_k), so u(beta_k) = X_k; target i = h(beta_i)/c_i^2"
    )
    return CodeForm("locality-dependency", (k - 1, k - 1), (part,), tuple(targets), int(s),
                    (note,), params={"scales": c})  # fmt: skip


register(
    Construction(
        name="locality-dependency",
        build=lambda k, s, alphas, p: dependency_code(k, s, alphas=alphas, p=p),
        defaults={"k": 3, "s": 1, "alphas": "", "p": 65537},
        threshold="2k - 3 (+ s workers) = w_{k,s} - 2",
        workers=lambda k, s, **_: dependency_threshold(k) + s,
        reference="Rudow, Rashmi, Guruswami, A locality-based lens for coded computation, "
        "ISIT 2021",
        summary="all k products of k pairs with one dependency X_k = sum_i alpha_i X_i "
        "(every alpha_i non-zero)",
        param_help={
            "k": "number of pairs (k - 1 independent inputs), k >= 2",
            "s": "stragglers tolerated",
            "alphas": "k - 1 non-zero coefficients, e.g. '2,3,-1' (default all ones)",
            "p": "prime field modulus",
        },
    )
)
