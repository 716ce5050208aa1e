r"""Polynomial, Entangled-Polynomial and PolyDot codes for C = A B over GF(p).

All three split A into an :math:`m \times q` grid of blocks :math:`A_{i,\iota}` and B into a
:math:`q \times n` grid :math:`B_{\iota,j}`, so that the result blocks are
:math:`C_{i,j} = \sum_\iota A_{i,\iota} B_{\iota,j}`. Worker k receives
:math:`\tilde A = p_A(x_k)` and :math:`\tilde B = p_B(x_k)` for two matrix polynomials and
returns :math:`h(x_k) = p_A(x_k)\, p_B(x_k)`; every :math:`C_{i,j}` is one coefficient of h.
A degree-:math:`(K-1)` matrix polynomial is fixed by K evaluations, so **any K workers
decode** (K is the recovery threshold) and :math:`w = K + s` workers tolerate s stragglers.

=====================  ==========================================  ===============================
code                   :math:`p_A(x)`, :math:`p_B(x)`              threshold K
=====================  ==========================================  ===============================
Polynomial (q = 1)     :math:`\sum_i A_i x^i`,                     :math:`mn`
                       :math:`\sum_j B_j x^{jm}`
Entangled-Polynomial   :math:`\sum A_{i,\iota} x^{\iota + iq}`,    :math:`mnq + q - 1`
                       :math:`\sum B_{\iota,j} x^{q-1-\iota+jqm}`
PolyDot                :math:`\sum A_{i,\iota} x^{i + m\iota}`,    :math:`mn(2q - 1)`
                       :math:`\sum B_{\iota,j} x^{m(q-1-\iota)
                       + m(2q-1)j}`
=====================  ==========================================  ===============================

For the entangled code the product :math:`A_{i,\iota} B_{\iota',j}` lands on the exponent
:math:`q - 1 + (\iota - \iota') + iq + jqm`; since :math:`|\iota-\iota'| < q` the exponent
:math:`q-1+iq+jqm` collects exactly the terms of :math:`C_{i,j}`. MatDot
(:mod:`ffcc.codes.matdot`) is the case m = n = 1.

Decoding (:meth:`BlockProductScheme.decode`) is structured: the coefficients of h are
:math:`V^{-1} y` for the Vandermonde matrix V of the K answering nodes, so the decoder is
the (targets x K) matrix of the rows of :math:`V^{-1}` at the target exponents, built in
:math:`O(K^2)`, and applied to the results in one fused pass
(:func:`ffcc._combine.combine`). Its cost grows with the number of targets and K, never
with :math:`\binom{w}{K}`.

References
----------
* Q. Yu, M. A. Maddah-Ali, A. S. Avestimehr, "Polynomial codes: an optimal design for
  high-dimensional coded matrix multiplication", NeurIPS 2017.
* Q. Yu, M. A. Maddah-Ali, A. S. Avestimehr, "Straggler mitigation in distributed matrix
  multiplication: fundamental limits and optimal coding", IEEE Trans. IT 66(3), 2020
  (Entangled-Polynomial codes).
* S. Dutta et al., "On the optimal recovery threshold of coded matrix multiplication",
  IEEE Trans. IT 66(1), 2019 (PolyDot codes).

Example
-------
>>> import numpy as np
>>> from ffcc.codes.polynomial import entangled_polynomial
>>> S = entangled_polynomial(m=2, n=1, q=2, s=1)  # K = 2*1*2 + 2 - 1 = 5, w = 6
>>> S.threshold, S.w
(5, 6)
>>> F = S.field
>>> A, B = F.random((4, 6), 1), F.random((6, 3), 2)
>>> coded = S.encode(S.split(A, B))
>>> results = {j: S.compute(coded[j]) for j in (0, 2, 3, 4, 5)}  # worker 1 straggles
>>> C = S.assemble(S.decode(results))
>>> bool((C == (A.astype(object) @ B.astype(object)) % F.p).all())
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .._combine import combine
from ..field import PrimeField
from ..scheme import DecodingError, Scheme, SchemeError
from ._catalog import Construction, register
from ._form import CodeForm, FormPart, Term, build_scheme
from .parsing import check_int

__all__ = [
    "BlockProductScheme",
    "block_code",
    "block_form",
    "EvaluationCode",
    "combine",
    "entangled_for_grid",
    "entangled_polynomial",
    "entangled_threshold",
    "polydot",
    "polydot_threshold",
    "polynomial_code",
    "polynomial_threshold",
]


# -- evaluation codes -------------------------------------------------------------------------


class EvaluationCode(Scheme):
    r"""A :class:`~ffcc.scheme.Scheme` whose worker k returns :math:`h(x_k)` for one matrix
    polynomial h of degree below :attr:`threshold`, with targets fixed linear functionals of h.

    Subclasses supply :meth:`functional`: for K distinct nodes, the (targets x K) matrix
    mapping :math:`(h(x_1), \dots, h(x_K))` to the targets. :meth:`decode` applies it to any
    K answering workers with :func:`ffcc._combine.combine` (after checking the others
    against them); the generic :meth:`Scheme.decoder` remains available as an independent
    cross-check.

    ``params["nodes"]`` holds the workers' evaluation points and ``params["threshold"]`` K.

    >>> from ffcc.codes.matdot import matdot
    >>> S = matdot(2)  # h = p_A p_B of degree 2: K = 3 nodes determine it
    >>> isinstance(S, EvaluationCode), S.threshold
    (True, 3)
    >>> S.functional(np.array(S.params["nodes"][:3])).shape  # 1 target x K answers
    (1, 3)
    """

    _checks_range = True  # decoding reads the results through combine, which checks them

    def __post_init__(self):
        super().__post_init__()
        try:
            self.nodes = np.asarray(self.params["nodes"], dtype=np.int64)
            self.threshold = int(self.params["threshold"])
        except KeyError as e:
            raise SchemeError(f"{type(self).__name__} needs params[{e.args[0]!r}]") from None
        if self.nodes.shape != (self.w,):
            raise SchemeError(f"{self.w} workers but {self.nodes.size} evaluation points")
        self._fast: dict[tuple[int, ...], np.ndarray] = {}

    def functional(self, nodes: np.ndarray) -> np.ndarray:
        """(targets x K) matrix taking h at K distinct ``nodes`` to the targets."""
        raise NotImplementedError

    def _pick(self, workers) -> tuple[list[int], tuple[int, ...]]:
        ws = [int(j) for j in workers]
        if any(not 0 <= j < self.w for j in ws):
            raise SchemeError(f"worker indices must lie in [0, {self.w}), got {ws}")
        key = tuple(sorted(set(ws))[: self.threshold])
        if len(key) < self.threshold:
            raise DecodingError(
                f"{self.name}: {len(set(ws))} distinct workers answered, but any "
                f"{self.threshold} are needed (the recovery threshold)"
            )
        return ws, key

    def fast_decoder(self, workers: Sequence[int]) -> np.ndarray:
        """Matrix D (targets x len(workers)): target t = sum_i D[t, i] result_{workers[i]}.

        Uses the first K workers in sorted order (any K decode); the other columns are 0.
        Built in O(K^2) per target set from the nodes, cached per worker set.
        """
        ws, key = self._pick(workers)
        if key not in self._fast:
            self._fast[key] = self.functional(self.nodes[list(key)])
        Dk = self._fast[key]
        D = np.zeros((Dk.shape[0], len(ws)), dtype=np.int64)
        seen = set()
        for i, j in enumerate(ws):
            if j in key and j not in seen:
                D[:, i] = Dk[:, key.index(j)]
                seen.add(j)
        return D

    def _consistent(self, workers, flat) -> bool:
        # h has degree < K: the first K results fix it, every other one must be h at its node
        ws = sorted(workers)
        use, rest = ws[: self.threshold], ws[self.threshold :]
        if not rest:
            return True  # K results or fewer: nothing to check against (or no decoding)
        F = self.field
        L = F.lagrange_matrix(self.nodes[use], self.nodes[rest])
        pred = combine(F, L, [flat[j] for j in use])
        return all(np.array_equal(pred[i], flat[j]) for i, j in enumerate(rest))

    def _determined_without(self, workers, k: int) -> bool:
        return len(set(workers)) - k >= self.threshold  # any K distinct nodes fix h

    def _decode_erasures(self, results: Mapping[int, np.ndarray]) -> list[np.ndarray]:
        """Targets from any K (sanitized, consistent) worker results ``{worker: array}``."""
        _, key = self._pick(results)
        shape = np.shape(results[key[0]])
        if key not in self._fast:
            self._fast[key] = self.functional(self.nodes[list(key)])
        out = combine(self.field, self._fast[key], [results[j] for j in key], rows=True)
        return [row.reshape(shape) for row in out]


class BlockProductScheme(EvaluationCode):
    r"""C = A B from an :math:`m \times q` grid of A and a :math:`q \times n` grid of B.

    Basis of coordinate 0: :math:`A_{i,\iota}` at index :math:`iq + \iota`; coordinate 1:
    :math:`B_{\iota,j}` at :math:`\iota n + j`; target :math:`in + j` is
    :math:`C_{i,j} = \sum_\iota A_{i,\iota} B_{\iota,j}`, the coefficient of
    :math:`x^{e_{ij}}` in :math:`h = p_A p_B` (``params["target_exponents"]``).

    >>> from ffcc.codes.matdot import matdot
    >>> S = matdot(3)  # A in 1 x 3 blocks, B in 3 x 1: AB = sum_i A_i B_i = [x^(m-1)] h
    >>> isinstance(S, BlockProductScheme), S.basis, S.params["target_exponents"]
    (True, (3, 3), [2])
    """

    def __post_init__(self):
        super().__post_init__()
        self.grid = tuple(int(self.params[k]) for k in ("m", "n", "q"))
        self.target_exponents = np.asarray(self.params["target_exponents"], dtype=np.int64)

    def functional(self, nodes):
        # rows of V^{-1} pick the wanted coefficients of h out of its K values
        return np.ascontiguousarray(self.field.vandermonde_inverse(nodes)[self.target_exponents])

    def split(self, A, B) -> list[list[np.ndarray]]:
        """The basis blocks ``[[A_00, A_01, ...], [B_00, ...]]`` of A (m x q) and B (q x n)."""
        m, n, q = self.grid
        F = self.field
        A = F.array(A, "A")
        B = F.array(B, "B")
        if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
            raise SchemeError(f"A {A.shape} and B {B.shape} do not multiply")
        (L, N), M = A.shape, B.shape[1]
        if L % m or N % q or M % n:
            raise SchemeError(
                f"{self.name} splits A into {m} x {q} and B into {q} x {n} equal blocks, but "
                f"A is {L} x {N} and B is {N} x {M}; pad with zero rows/columns first"
            )
        a, b, c = L // m, N // q, M // n
        As = [
            A[i * a : (i + 1) * a, k * b : (k + 1) * b].copy() for i in range(m) for k in range(q)
        ]
        Bs = [
            B[k * b : (k + 1) * b, j * c : (j + 1) * c].copy() for k in range(q) for j in range(n)
        ]
        return [As, Bs]

    def assemble(self, targets: Sequence[np.ndarray]) -> np.ndarray:
        """The product C from the decoded blocks ``C_{i,j}`` (target i n + j)."""
        m, n, _ = self.grid
        if len(targets) != m * n:
            raise SchemeError(f"expected {m * n} result blocks, got {len(targets)}")
        return np.block([[np.asarray(targets[i * n + j]) for j in range(n)] for i in range(m)])


def block_form(
    name: str,
    basis: Sequence[int],
    a_exp: Sequence[int],
    b_exp: Sequence[int],
    t_exp: Sequence[int],
    nodes: Sequence[int],
    s: int,
    a_scale: Sequence | None = None,
    notes: tuple[str, ...] = (),
) -> CodeForm:
    r"""The exact form of a two-coordinate exponent code: basis input l of A gets
    :math:`c_l z^{a_l}` (:math:`c_l` = ``a_scale[l]``, default 1), input l of B gets
    :math:`z^{b_l}`, the workers sit at the affine ``nodes`` and target t is the coefficient
    of :math:`z^{t_t}` in h. MatDot, polynomial, entangled-polynomial and PolyDot codes are
    such codes (:func:`block_code`); so are the secure codes of :mod:`ffcc.codes.secure`.

    >>> f = block_form("toy", (2, 2), [0, 1], [1, 0], [1], [1, 2, 3], 0)
    >>> f.w, f.targets
    (3, ((0, ((1, 'coeff', 1),)),))
    """
    sc = [1] * len(a_exp) if a_scale is None else list(a_scale)
    polys = ({l: (Term(sc[l], int(e)),) for l, e in enumerate(a_exp)},
             {l: (Term(1, int(e)),) for l, e in enumerate(b_exp)})  # fmt: skip
    part = FormPart(polys, tuple((1, int(x)) for x in nodes))
    targets = tuple((0, ((1, "coeff", int(e)),)) for e in t_exp)
    return CodeForm(name, tuple(int(b) for b in basis), (part,), targets, int(s), tuple(notes))


def block_code(
    name: str,
    m: int,
    n: int,
    q: int,
    a_exp: list[int],
    b_exp: list[int],
    t_exp: list[int],
    K: int,
    s: int,
    p: int,
    extra: dict | None = None,
    a_scale: list[int] | None = None,
    notes: tuple[str, ...] = (),
) -> BlockProductScheme:
    r"""The block-product evaluation code with the given exponents at w = K + s nodes
    1, ..., w: the numeric scheme of its :func:`block_form` (A is an m x q grid of blocks,
    B q x n; exponents below K). Used by every code of this module and by
    :func:`ffcc.codes.matdot.matdot` (m = n = 1).

    >>> S = block_code("toy", 1, 1, 2, [0, 1], [1, 0], [1], 3, 1, 11)  # MatDot, m = 2
    >>> S.w, S.targets[0], S.E[0].tolist()
    (4, (((0, 0), 1), ((1, 1), 1)), [[1, 1], [1, 2], [1, 3], [1, 4]])
    """
    m, n, q = _grid(name, m=m, n=n, q=q)
    s = check_int(s, f"{name}: s", lowest=0)
    F = PrimeField(p)
    w = K + s
    x = F.nodes(w, what=f"evaluation points for {name} (w = {w} workers)")
    form = block_form(name, [m * q, q * n], a_exp, b_exp, t_exp, x.tolist(), s, a_scale, notes)
    params = {
        "construction": name,
        "m": int(m),
        "n": int(n),
        "q": int(q),
        "s": int(s),
        "threshold": int(K),
        "nodes": x.tolist(),
        "a_exponents": [int(e) for e in a_exp],
        "b_exponents": [int(e) for e in b_exp],
        "target_exponents": [int(e) for e in t_exp],
        **(extra or {}),
    }
    return build_scheme(form, F, BlockProductScheme, name=name, params=params)


# -- the constructions ------------------------------------------------------------------------


def _grid(name: str, **sizes) -> list[int]:
    """The grid sizes as ints, each checked to be a positive integer (before any range())."""
    return [check_int(v, f"{name}: {label}") for label, v in sizes.items()]


def polynomial_threshold(m: int, n: int) -> int:
    """Recovery threshold mn of the polynomial code (Yu, Maddah-Ali, Avestimehr 2017).

    >>> polynomial_threshold(2, 3)  # 2 * 3
    6
    """
    return m * n


def entangled_threshold(m: int, n: int, q: int) -> int:
    """Recovery threshold mnq + q - 1 of the entangled-polynomial code.

    >>> entangled_threshold(2, 2, 2)  # 2 * 2 * 2 + 2 - 1
    9
    """
    return m * n * q + q - 1


def polydot_threshold(m: int, n: int, q: int) -> int:
    """Recovery threshold mn(2q - 1) of the PolyDot code (t^2 (2q - 1) for m = n = t).

    >>> polydot_threshold(2, 2, 2)  # 2 * 2 * (2 * 2 - 1)
    12
    """
    return m * n * (2 * q - 1)


def polynomial_code(m: int = 2, n: int = 2, s: int = 0, *, p: int = 65537) -> BlockProductScheme:
    r"""Polynomial code: A in m row blocks, B in n column blocks, all mn products wanted.

    Worker k computes :math:`(\sum_i A_i x_k^i)(\sum_j B_j x_k^{jm})`, a polynomial of degree
    mn - 1 whose coefficient of :math:`x^{i + jm}` is :math:`A_i B_j`; any K = mn workers
    decode, so w = mn + s.

    >>> S = polynomial_code(2, 3, s=1)
    >>> S.threshold, S.w, S.basis, len(S.targets)
    (6, 7, (2, 3), 6)
    """
    m, n = _grid("polynomial", m=m, n=n)
    K = polynomial_threshold(m, n)
    a_exp = list(range(m))
    b_exp = [j * m for j in range(n)]
    t_exp = [i + j * m for i in range(m) for j in range(n)]
    note = "A_i -> z^i, B_j -> z^(m j); target C_ij = [z^(i + m j)] h"
    return block_code("polynomial", m, n, 1, a_exp, b_exp, t_exp, K, s, p, notes=(note,))


def entangled_polynomial(
    m: int = 2, n: int = 2, q: int = 2, s: int = 0, *, p: int = 65537
) -> BlockProductScheme:
    r"""Entangled-polynomial code for an :math:`m \times q` grid of A and :math:`q \times n` of B.

    :math:`p_A(x) = \sum_{i,\iota} A_{i,\iota} x^{\iota + iq}`,
    :math:`p_B(x) = \sum_{\iota,j} B_{\iota,j} x^{q-1-\iota+jqm}`; the coefficient of
    :math:`x^{q-1+iq+jqm}` in :math:`p_A p_B` is :math:`C_{i,j}`, and the degree is
    mnq + q - 2, so any K = mnq + q - 1 workers decode (w = K + s). In the paper's
    notation the inner split is called p; here it is q, as in the Grid CR-MM grid.

    >>> S = entangled_polynomial(2, 2, 3)
    >>> S.threshold, S.params["target_exponents"]
    (14, [2, 8, 5, 11])
    """
    m, n, q = _grid("entangled-polynomial", m=m, n=n, q=q)
    K = entangled_threshold(m, n, q)
    a_exp = [k + i * q for i in range(m) for k in range(q)]
    b_exp = [q - 1 - k + j * q * m for k in range(q) for j in range(n)]
    t_exp = [q - 1 + i * q + j * q * m for i in range(m) for j in range(n)]
    note = "A_(i,t) -> z^(t + q i), B_(t,j) -> z^(q-1-t + q m j); C_ij = [z^(q-1 + q i + q m j)] h"
    return block_code("entangled-polynomial", m, n, q, a_exp, b_exp, t_exp, K, s, p,
                      notes=(note,))  # fmt: skip


def entangled_for_grid(m: int, n: int, q: int, s: int = 0, *, p: int = 65537):
    r"""The paper's reference point: the exact product A B for an (m, n, q) Grid CR-MM grid.

    A is split into :math:`m \times q` blocks and B into :math:`q \times n` (q inner blocks of
    :math:`\tau = N/q` columns/rows, Eq. (2) of the paper); the entangled-polynomial code
    computes every :math:`C_{i,j}` from any mnq + q - 1 workers, i.e. with
    mnq + q - 1 + s workers in all.

    >>> S = entangled_for_grid(2, 2, 2, s=1)
    >>> S.w == 2 * 2 * 2 + 2 - 1 + 1
    True
    """
    return entangled_polynomial(m, n, q, s, p=p)


def polydot(m: int = 2, n: int = 2, q: int = 2, s: int = 0, *, p: int = 65537):
    r"""PolyDot code (Dutta et al. 2019), generalised to an m x q / q x n grid.

    :math:`p_A(x) = \sum A_{i,\iota} x^{i + m\iota}`,
    :math:`p_B(x) = \sum B_{\iota,j} x^{m(q-1-\iota) + m(2q-1)j}`; :math:`C_{i,j}` is the
    coefficient of :math:`x^{i + m(q-1) + m(2q-1)j}`. Threshold mn(2q - 1): between
    MatDot (m = n = 1) and polynomial codes (q = 1), above the entangled code otherwise.

    >>> polydot(2, 2, 2).threshold
    12
    """
    m, n, q = _grid("polydot", m=m, n=n, q=q)
    K = polydot_threshold(m, n, q)
    a_exp = [i + m * k for i in range(m) for k in range(q)]
    b_exp = [m * (q - 1 - k) + m * (2 * q - 1) * j for k in range(q) for j in range(n)]
    t_exp = [i + m * (q - 1) + m * (2 * q - 1) * j for i in range(m) for j in range(n)]
    note = "A_(i,t) -> z^(i + m t), B_(t,j) -> z^(m(q-1-t) + m(2q-1) j)"
    return block_code("polydot", m, n, q, a_exp, b_exp, t_exp, K, s, p, notes=(note,))


_GRID_HELP = {
    "m": "row blocks of A (and of C)",
    "n": "column blocks of B (and of C)",
    "q": "inner blocks: A's column blocks = B's row blocks",
    "s": "stragglers tolerated",
    "p": "prime field modulus",
}

register(
    Construction(
        name="polynomial",
        build=polynomial_code,
        defaults={"m": 2, "n": 2, "s": 1, "p": 65537},
        threshold="m n",
        workers=lambda m, n, s, **_: polynomial_threshold(m, n) + s,
        reference="Yu, Maddah-Ali, Avestimehr, Polynomial codes, NeurIPS 2017",
        summary="A in m row blocks, B in n column blocks; every A_i B_j from any mn workers",
        param_help={k: v for k, v in _GRID_HELP.items() if k != "q"},
        plan=dict(  # a complete a x c grid of products
            name="polynomial",
            applies=lambda spec: spec.k > 1 and spec.is_complete_grid(),
            workers=lambda spec: spec.k + spec.t,
            formula="k",
            build=lambda spec, p: spec.in_product_order(polynomial_code(*spec.blocks, spec.t, p=p)),
            rank=3,
        ),
    )
)

register(
    Construction(
        name="entangled-polynomial",
        build=entangled_polynomial,
        defaults={"m": 2, "n": 2, "q": 2, "s": 1, "p": 65537},
        threshold="m n q + q - 1",
        workers=lambda m, n, q, s, **_: entangled_threshold(m, n, q) + s,
        reference="Yu, Maddah-Ali, Avestimehr, IEEE Trans. IT 66(3), 2020",
        summary="exact A B on an m x q / q x n block grid from any mnq + q - 1 workers",
        param_help=dict(_GRID_HELP),
    )
)

register(
    Construction(
        name="polydot",
        build=polydot,
        defaults={"m": 2, "n": 2, "q": 2, "s": 1, "p": 65537},
        threshold="m n (2q - 1)",
        workers=lambda m, n, q, s, **_: polydot_threshold(m, n, q) + s,
        reference="Dutta et al., IEEE Trans. IT 66(1), 2019 (PolyDot)",
        summary="exact A B on an m x q / q x n block grid from any mn(2q - 1) workers",
        param_help=dict(_GRID_HELP),
    )
)
