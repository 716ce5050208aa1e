r"""Lagrange coded computing: f at k independent inputs, with stragglers and Byzantine workers.

For a d-linear map f (d = 2: the matrix product :math:`f(X, Y) = XY`) and k independent
inputs :math:`(X_{i,1}, \dots, X_{i,d})`, :math:`i = 1, \dots, k`, pick distinct nodes
:math:`\beta_1, \dots, \beta_k` and let :math:`u_c` be the polynomial of degree k - 1 with
:math:`u_c(\beta_i) = X_{i,c}`:

.. math::

    u_c(z) = \sum_{i=1}^k X_{i,c}\, \ell_i(z), \qquad
    \ell_i(z) = \prod_{i' \ne i} \frac{z - \beta_{i'}}{\beta_i - \beta_{i'}} .

Worker j, at a node :math:`\alpha_j`, computes
:math:`f(u_1(\alpha_j), \dots, u_d(\alpha_j)) = g(\alpha_j)` for
:math:`g = f(u_1, \dots, u_d)`, a polynomial of degree :math:`(k-1)d`. Any
:math:`K = (k-1)d + 1` evaluations fix g, and the targets are its values
:math:`g(\beta_i) = f(X_{i,1}, \dots, X_{i,d})`: the decoder is the Lagrange matrix
:math:`[\ell^S_r(\beta_i)]` of the K answering nodes S. So :math:`w = (k-1)d + 1 + s + 2b`
workers tolerate s stragglers and b Byzantine workers; for matrix products that is
:math:`w_{k,s} = 2k - 1 + s` (+ 2b).

**Byzantine workers.** The answers :math:`(g(\alpha_j))_j` form a Reed-Solomon codeword of
dimension K (with matrix symbols). :meth:`LagrangeScheme.decode_with_errors` projects every
answer onto a few random vectors, which turns the matrix codeword into scalar RS codewords
with errors where the liars are (a liar escapes one projection with probability 1/p);
Berlekamp-Welch finds each error locator, the union of the error positions is erased, g is
interpolated from honest workers, and finally **every** given answer is checked against
the decoded g. More than b disagreements raise :class:`~ffcc.scheme.DecodingError`.

Guarantee: with at most b liars among :math:`n \ge K + 2b` answers, the exact targets and
the liars are returned. With more liars the decoder raises unless the liars' answers are
within distance b of another codeword, which random faults essentially never are
(probability about :math:`\binom{n}{b}/p`) but which a coordinated adversary controlling
b + 1 or more workers can arrange: beyond half the minimum distance no decoder can tell.

**Systematic variant** (``systematic=True``): :math:`\alpha_i = \beta_i` for the first k
workers, which then compute the plain :math:`f(X_{i,1}, \dots)`; if they all answer,
decoding is a copy.

Reference
---------
Q. Yu, S. Li, N. Raviv, S. M. M. Kalan, M. Soltanolkotabi, A. S. Avestimehr, "Lagrange coded
computing: optimal design for resiliency, security, and privacy", AISTATS 2019.

Example
-------
>>> from ffcc.codes.lagrange import lagrange
>>> S = lagrange(k=2, s=0, b=1)  # K = 3, w = 3 + 2 = 5
>>> F = S.field
>>> X = [F.random((2, 3), i) for i in range(2)]
>>> Y = [F.random((3, 2), i + 2) for i in range(2)]
>>> coded = S.encode([X, Y])
>>> results = {j: S.compute(coded[j]) for j in range(S.w)}
>>> results[3] = (results[3] + 1) % F.p  # worker 3 lies
>>> targets, liars = S.decode_with_errors(results, rng=0)
>>> liars
[3]
>>> all((t == S.compute([x, y])).all() for t, x, y in zip(targets, X, Y))
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .._combine import combine
from ..field import FieldError, PrimeField
from ..scheme import DecodingError
from ._catalog import Construction, register
from ._form import CodeForm, FormPart, build_scheme, lagrange_term
from .parsing import check_int, parse_flag
from .polynomial import EvaluationCode

__all__ = [
    "LagrangeScheme",
    "berlekamp_welch",
    "lagrange",
    "lagrange_form",
    "lagrange_threshold",
]


def lagrange_threshold(k: int, d: int = 2) -> int:
    """Recovery threshold (k - 1) d + 1 of Lagrange coded computing for a degree-d map.

    >>> lagrange_threshold(3), lagrange_threshold(3, d=3)  # 2 * 2 + 1, 2 * 3 + 1
    (5, 7)
    """
    return (k - 1) * d + 1


def _polydiv(num: list[int], den: list[int], p: int) -> tuple[list[int], list[int]]:
    """Quotient and remainder of polynomials over GF(p) (low degree first, den monic)."""
    num = [int(c) % p for c in num]
    dd = len(den) - 1
    if len(num) <= dd:
        return [0], num
    quo = [0] * (len(num) - dd)
    for i in range(len(num) - 1, dd - 1, -1):
        c = num[i]
        if c:
            quo[i - dd] = c
            for t in range(dd + 1):
                num[i - dd + t] = (num[i - dd + t] - c * den[t]) % p
    return quo, num[:dd]


def berlekamp_welch(F: PrimeField, x, y, K: int, e: int) -> np.ndarray | None:
    r"""The polynomial P of degree < K with :math:`P(x_j) = y_j` for all but at most e of the
    n points, if there is one (None otherwise); needs :math:`n \ge K + 2e`.

    Solves :math:`Q(x_j) = y_j E(x_j)` for monic E of degree e and :math:`\deg Q < K + e`,
    then :math:`P = Q / E` (Berlekamp and Welch, US patent 4,633,470, 1986). Any solution
    gives the same quotient when at most e values are wrong.

    >>> F = PrimeField(13)
    >>> x = F.nodes(5)
    >>> y = F.poly_eval([3, 1], x)  # P(z) = 3 + z
    >>> y[2] = 0
    >>> berlekamp_welch(F, x, y, K=2, e=1).tolist()
    [3, 1]
    """
    x = F.array(x, "nodes").ravel()
    y = F.array(y, "values").ravel()
    n = x.size
    if n < K + 2 * e:
        raise ValueError(f"Berlekamp-Welch needs n >= K + 2e = {K + 2 * e} points, got {n}")
    VQ = F.vandermonde(x, K + e)
    VE = F.vandermonde(x, e + 1)
    A = np.concatenate([VQ, F.neg(F.mul(VE[:, :e], y[:, None]))], axis=1)
    try:
        sol = F.solve(A, F.mul(y, VE[:, e]))
    except FieldError:
        return None  # no (Q, E): more than e of the values are wrong
    Q = sol[: K + e].tolist()
    E = sol[K + e :].tolist() + [1]
    P, rem = _polydiv(Q, E, F.p)  # deg Q < K + e and E monic of degree e: deg P < K
    if any(rem):
        return None
    return np.array(P, dtype=np.int64)


class LagrangeScheme(EvaluationCode):
    """Lagrange coded computing; targets are :math:`g(\\beta_i) = f(X_i)` (see module doc).

    ``params["betas"]`` are the interpolation nodes, ``params["nodes"]`` the workers'.

    >>> S = lagrange(k=3, s=1)  # (k - 1) d + 1 = 5 for the product map (d = 2), plus s
    >>> isinstance(S, LagrangeScheme), S.w, S.R, len(S.params["betas"])
    (True, 6, 5, 3)
    """

    def __post_init__(self):
        super().__post_init__()
        self.betas = np.asarray(self.params["betas"], dtype=np.int64)

    def functional(self, nodes):
        # g(beta_i) = sum_r l^S_r(beta_i) g(alpha_r) for the Lagrange basis of the K nodes
        return self.field.lagrange_matrix(nodes, self.betas)

    def decode_with_errors(
        self,
        results: Mapping[int, np.ndarray],
        *,
        max_errors: int | None = None,
        projections: int | None = None,
        rng=None,
    ) -> tuple[list[np.ndarray], list[int]]:
        """Targets and the sorted list of workers whose results disagree with them.

        Parameters
        ----------
        results:
            ``{worker: result}`` from n >= K + 2 * max_errors workers.
        max_errors:
            Faulty results to tolerate; defaults to the scheme's b. More disagreeing
            results than this raise :class:`DecodingError`; results that are not field
            arrays of the common shape count as faulty.
        projections:
            Random projections of each result (default 2, or 3 when p < 2^20).
        rng:
            Seed or generator for the projections (default: fresh entropy, so that a
            worker cannot predict them).
        """
        F = self.field
        K = self.threshold
        b = self.byzantine if max_errors is None else int(max_errors)
        if b == 0:  # nothing to locate: check any spare results by re-encoding, decode
            return super().decode_with_errors(results, 0)
        if not results:
            raise DecodingError("no worker results to decode")
        ws, arrays, bad = self._sanitize(results)
        n = len(ws)
        if n < K + 2 * b:
            raise DecodingError(
                f"{self.name}: correcting {b} faulty results needs at least K + 2b = "
                f"{K + 2 * b} results, got {n}"
            )
        if len(bad) > b:
            raise DecodingError(f"results of workers {bad} are malformed, more than b = {b}")
        good = [j for j in ws if j not in bad]
        shape = arrays[good[0]].shape
        flat = {j: arrays[j].reshape(-1) for j in good}
        # scalar Reed-Solomon words <y_j, r> for a few random r; each locates its errors
        npro = projections or (3 if F.p < 1 << 20 else 2)
        gen = np.random.default_rng(rng)
        Rv = F.random((flat[good[0]].size, npro), gen)
        words = np.stack([F.matmul(flat[j][None, :], Rv)[0] for j in good])  # (n', npro)
        x = self.nodes[good]
        radius = (len(good) - K) // 2
        suspects: set[int] = set()
        for c in range(npro):
            P = berlekamp_welch(F, x, words[:, c], K, radius)
            if P is None:
                raise DecodingError(
                    f"{self.name}: more than {radius} of the {len(good)} results are faulty "
                    f"(declared b = {b}); cannot decode"
                )
            wrong = np.flatnonzero(F.poly_eval(P, x) != words[:, c])
            suspects.update(good[i] for i in wrong)
        honest = [j for j in good if j not in suspects]
        if len(honest) < K:
            raise DecodingError(
                f"{self.name}: only {len(honest)} results look honest, {K} are needed"
            )
        use = honest[:K]
        ys = [flat[j] for j in use]
        out = combine(F, self.functional(self.nodes[use]), ys)
        # re-encode: every other answer must be g at its node, else it is a liar
        others = [j for j in good if j not in use]
        liars = list(bad)
        if others:
            pred = combine(F, F.lagrange_matrix(self.nodes[use], self.nodes[others]), ys)
            liars += [j for i, j in enumerate(others) if not np.array_equal(pred[i], flat[j])]
        liars.sort()
        if len(liars) > b:
            raise DecodingError(
                f"{self.name}: {len(liars)} results (workers {liars}) disagree with the "
                f"decoded polynomial, more than the b = {b} tolerated"
            )
        return [out[t].reshape(shape) for t in range(out.shape[0])], liars


def lagrange(
    k: int = 3,
    s: int = 0,
    b: int = 0,
    d: int = 2,
    *,
    p: int = 65537,
    systematic: bool = False,
    product: Callable | None = None,
) -> LagrangeScheme:
    r"""Lagrange coded computing of a d-linear map at k inputs, s stragglers, b liars.

    Basis ``[k] * d`` (coordinate c holds :math:`X_{1,c}, \dots, X_{k,c}`), worker j's
    encoders :math:`e_{j,c} = (\ell_1(\alpha_j), \dots, \ell_k(\alpha_j))` for every c,
    target i the term :math:`((i, \dots, i), 1)`; w = (k - 1) d + 1 + s + 2b workers.

    Nodes: :math:`\beta_i = i` and :math:`\alpha_j = k + j` (1-based), or
    :math:`\alpha_j = j` when ``systematic``. ``product`` is the d-linear map each worker
    applies (default: chained matrix products).

    >>> S = lagrange(k=2, s=1, b=1, d=3)
    >>> S.threshold, S.w, S.R, S.basis
    (4, 7, 4, (2, 2, 2))
    >>> lagrange(k=3, systematic=True).E[0][:3].tolist()  # first k workers: plain inputs
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    """
    k, d = check_int(k, "lagrange: k"), check_int(d, "lagrange: d")
    s, b = check_int(s, "lagrange: s", lowest=0), check_int(b, "lagrange: b", lowest=0)
    systematic = parse_flag(systematic, "lagrange: systematic")
    F = PrimeField(p)
    K = lagrange_threshold(k, d)
    w = K + s + 2 * b
    if systematic:
        pts = F.nodes(max(w, k), what=f"Lagrange nodes (w = {w} workers)")
        betas, alphas = pts[:k], pts[:w]
    else:
        pts = F.nodes(k + w, what=f"Lagrange nodes (k = {k} betas + w = {w} alphas)")
        betas, alphas = pts[:k], pts[k:]
    form = lagrange_form(betas.tolist(), alphas.tolist(), d, s)
    params = {
        "construction": "lagrange",
        "k": int(k),
        "d": int(d),
        "s": int(s),
        "b": int(b),
        "systematic": bool(systematic),
        "threshold": int(K),
        "betas": betas.tolist(),
        "nodes": alphas.tolist(),
    }
    if product is not None:
        params["product"] = getattr(product, "__qualname__", repr(product))
    return build_scheme(
        form, F, LagrangeScheme, byzantine=b, name="lagrange", params=params, product=product
    )


def lagrange_form(betas: Sequence[int], alphas: Sequence[int], d: int, s: int) -> CodeForm:
    r"""The exact form of Lagrange coding: every coordinate's input i gets the Lagrange
    basis polynomial :math:`\ell_i` of ``betas``, the workers sit at ``alphas``, target i is
    :math:`h(\beta_i)`.

    >>> f = lagrange_form([1, 2], [3, 4, 5], 2, 0)
    >>> (t,) = f.parts[0].polys[0][0]  # l_0(z) = (z - 2)/(1 - 2)
    >>> t.coef, t.roots, f.targets[1]
    (Fraction(-1, 1), (2,), (0, ((1, 'value', 2),)))
    """
    k = len(betas)
    polys = tuple({i: (lagrange_term(betas, i),) for i in range(k)} for _ in range(d))
    part = FormPart(polys, tuple((1, int(x)) for x in alphas))
    targets = tuple((0, ((1, "value", int(betas[i])),)) for i in range(k))
    note = "X_i -> l_i(z), the Lagrange basis on the betas; target i = h(beta_i)"
    return CodeForm("lagrange", (k,) * d, (part,), targets, int(s), (note,))


register(
    Construction(
        name="lagrange",
        build=lagrange,
        defaults={"k": 3, "s": 1, "b": 0, "d": 2, "p": 65537, "systematic": False},
        threshold="(k - 1) d + 1 (+ s + 2b workers)",
        workers=lambda k, s, b, d, **_: lagrange_threshold(k, d) + s + 2 * b,
        reference="Yu et al., Lagrange coded computing, AISTATS 2019",
        summary="f(X_i) for k independent inputs of a d-linear map, with stragglers and "
        "Byzantine workers (Berlekamp-Welch decoding)",
        param_help={
            "k": "number of independent inputs (products X_i Y_i for d = 2)",
            "s": "stragglers tolerated",
            "b": "Byzantine (arbitrarily wrong) workers tolerated",
            "d": "degree of the multilinear map (2 = matrix product, d = chained products)",
            "p": "prime field modulus",
            "systematic": "first k workers compute the plain f(X_i)",
        },
        plan=dict(  # any group of k products: the products of k independent pairs
            name="lagrange",
            applies=lambda spec: True,
            workers=lambda spec: 2 * spec.k - 1 + spec.t,
            formula="2k - 1",
            build=lambda spec, p: spec.relabel(
                lagrange(spec.k, spec.stragglers, spec.byzantine, p=p)
            ),
            rank=0,
        ),
    )
)
