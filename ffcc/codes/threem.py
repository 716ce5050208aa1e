r"""Complex block products through real ones: the 3M method meets locality.

K complex products :math:`(A^m_r + i A^m_i)(B^m_r + i B^m_i)`, :math:`m < K`, over GF(p).
The 3M method computes each from three real products
:math:`P_1 = A_r B_r`, :math:`P_2 = A_i B_i`, :math:`P_3 = (A_r + A_i)(B_r + B_i)`:
:math:`\mathrm{Re} = P_1 - P_2`, :math:`\mathrm{Im} = P_3 - P_1 - P_2`. The inputs of
:math:`P_3` are the sums of those of :math:`P_1, P_2` -- K linear dependencies among
k = 3K pairs -- which is what locality-based coding exploits.

Scheme model: basis ``[2K, 2K]`` per coordinate, :math:`A^m_r` at index 2m and
:math:`A^m_i` at 2m + 1 (likewise B). Two target sets (``targets=``):

``"complex"`` (default; what complex multiplication needs): the 2K output blocks
    :math:`\mathrm{Re}_m = A_r B_r - A_i B_i` (target 2m) and
    :math:`\mathrm{Im}_m = A_r B_i + A_i B_r` (target 2m + 1).
``"products"``: the 3K real products :math:`P_1, P_2, P_3` of each m (targets 3m, 3m+1,
    3m+2). This asks strictly more (it also yields :math:`A_r B_r + A_i B_i`).

**Construction for "complex": conjugate-node Lagrange, 4K - 1 + s workers.** Let
:math:`A' = A_r + iA_i`, :math:`A'' = A_r - iA_i` (likewise B); then
:math:`U = A'B' = \mathrm{Re} + i\,\mathrm{Im}` and :math:`V = A''B''` are 2K products of
*independent* pairs, and Lagrange coding of them needs :math:`2(2K) - 1 = 4K - 1` evaluations.
The trick is to keep every worker real:

* p = 1 mod 4: i is in GF(p). Put :math:`A'_m` at node :math:`\beta_{2m}` and :math:`A''_m`
  at :math:`\beta_{2m+1}`: :math:`u(z) = \sum_m \ell_{2m}(z) A'_m + \ell_{2m+1}(z) A''_m`, a
  GF(p) combination of :math:`A_r, A_i` with coefficients :math:`\ell_{2m} + \ell_{2m+1}`
  and :math:`i(\ell_{2m} - \ell_{2m+1})`. Decode :math:`U_m = h(\beta_{2m})`,
  :math:`V_m = h(\beta_{2m+1})`, :math:`\mathrm{Re} = (U + V)/2`,
  :math:`\mathrm{Im} = (U - V)/(2i)`.
* p = 3 mod 4: i is not in GF(p); work in :math:`GF(p^2) = GF(p)[i]`. Put :math:`A'_m` at
  :math:`\beta_m = m + 1 + i` and :math:`A''_m` at its conjugate :math:`\bar\beta_m`. The node
  set is closed under conjugation, so for a *real* worker node x,
  :math:`\ell_{\bar\beta}(x) = \overline{\ell_\beta(x)}` and
  :math:`u(x) = 2\,\mathrm{Re}(\ell_{\beta_m}(x) A'_m) = 2\mathrm{Re}\,\ell \cdot A_r -
  2\mathrm{Im}\,\ell \cdot A_i` is real. Then :math:`h(\beta_m) = U_m`, and its real and
  imaginary parts are Re and Im: with :math:`\beta^n = x_n + i y_n`, the decoding rows
  are :math:`x^T V^{-1}` and :math:`y^T V^{-1}`.

Each worker computes one real product of size one block; h has degree 4K - 2, so any
4K - 1 workers decode, and fewer never do (the evaluations at 4K - 2 real nodes and
:math:`\beta, \bar\beta` are 4K points of a space of dimension 4K - 1, so they satisfy only
one relation: at most one real combination of Re, Im is determined).

**Construction for "products": block-local curve, 6K - 3 + s workers.** Nodes
:math:`\beta_{m,1..3}`; the coefficient functions of :math:`A^m_r, A^m_i` are
:math:`P_m(z) a_m(z)` and :math:`P_m(z) b_m(z)` with
:math:`P_m = \prod_{m' \ne m, j}(z - \beta_{m',j})`, :math:`b_m = z - \beta_{m,1}`,
:math:`a_m = \kappa_m (z - \beta_{m,2})` and :math:`\kappa_m` chosen so that
:math:`a_m(\beta_{m,3}) = b_m(\beta_{m,3})`. So the curve passes (up to non-zero scale)
through :math:`X_1, X_2` and :math:`X_1 + X_2` of every block, the same encoder serves A
and B, :math:`\deg h = 2(3K - 2)`, threshold 6K - 3 = :math:`w_{3K} - 2`. Rescaling alone
(the one-dependency trick of :mod:`ffcc.codes.locality`) cannot put all K dependent points
on one curve of degree 2K - 1: every Lagrange basis polynomial is non-zero off its node.

**Per-block layout (either target): K (3 + s) workers.** Block m gets 3 + s workers on its
own pencil :math:`(aA_r + bA_i)(aB_r + bB_i)` at distinct projective points (a : b), the
first three being the 3M products themselves (:class:`BlockPencilScheme`). Any 3 of them
give the block; s stragglers leave every block at least 3, and s + 1 in one block break
it, so the threshold is exactly K (3 + s) - s. This is a locality code in the storage
sense (local groups, no global parity): it wins when s is small against K, the global
codes win when s is large. ``layout="auto"`` picks the smaller.

Worker counts (``layout="auto"``; the first two rows verified exhaustively in the tests
for K <= 3, s <= 3, the other two are formulas):

=====================  ===========  ==========  =================  ==================
K complex products     s = 0        s = 1       s = 2              s >= 3
=====================  ===========  ==========  =================  ==================
complex (Re, Im)       3K (blocks)  4K (tie)    4K + 1 (global)    4K - 1 + s
3K real products       3K (blocks)  4K          5K (blocks)        6K - 3 + s
no locality (MatDot)   6K - 1       6K          6K + 1             6K - 1 + s
2/3 w_{3K,s}           4K - 2/3     4K          4K + 2/3           4K - 2/3 + 2s/3
=====================  ===========  ==========  =================  ==================

(K = 1: every entry is 3 + s. At s = 3 the products row ties, 6K = K (3 + 3).)

Claim status
------------
The paper (Section I, citing Rudow, Rashmi, Guruswami 2021) says the 3M structure lets
coded computing "make do with only :math:`2/3\,w_{k,s}`" workers, k = 3K,
:math:`w_{3K,s} = 6K - 1 + s`. What ffcc reaches, verified exhaustively (every R-subset,
K = 1..3, s = 0..3, p = 65537 and 2^31 - 1, plus K = 4 for the complex outputs):

* complex outputs: **4K - 1 + s** workers for s >= 1 (4K at s = 1 either way), **3K** at
  s = 0, each worker one real block product. Against
  :math:`\tfrac23 w_{3K,s} = 4K - \tfrac23 + \tfrac23 s` this meets the figure for s = 0
  and s = 1 only; for s >= 2 it is above it by :math:`(s - 1)/3` of a worker (within the
  ceiling :math:`\lceil \tfrac23 w_{3K,s} \rceil` for s = 2, 3; above it for s >= 4). The
  ratio :math:`(4K - 1 + s)/(6K - 1 + s)` tends to 2/3 as K grows for fixed s: that is the
  "33.3% fewer workers" of the 2021 abstract, an asymptotic ratio, not a worker count for
  every s. We do not expect better for s >= 2: :math:`\sum_m \mathrm{Re}_m` is an inner
  product of 2K independent block pairs (negate :math:`B_i`), and the paper itself quotes
  Yu et al. for the optimality of 2n - 1 + s workers for such products, which would give
  R >= 4K - 1. Checked here only for K = 1 (enumeration over GF(5), GF(7), GF(11), GF(13)
  in the tests: no two workers of three can decode) and, as numerical evidence (not a
  proof), for K = 2, s = 1: a least-squares search over real encoders (worker vectors
  free, decoders projected out) found no R = 6 scheme from 4 random starts (residual
  >= 1.7) while R = 7 converges to 1e-14 from every start.
* the 3K real products themselves: **K (3 + s)** for s <= 2, **6K - 3 + s** for s >= 3.
  Meets 2/3 of :math:`w_{3K,s}` only for s <= 1. The lower bound 4K - 1 + s (they contain
  the complex outputs) is reached at s = 1; for K = 2, s = 2 the same numerical search found
  no R = 7 scheme (4 starts, residual >= 2), so 10 = K (3 + s) workers is the best we know.
  Theorem 1 in the real basis cannot name :math:`P_3` (not a basis pair); sampling all four
  pairs of every block (K disjoint :math:`K_{2,2}`) measures 8K - 3 for K >= 2 (4 for
  K = 1), while in the conjugate basis the samples :math:`(A'_m, B'_m), (A''_m, B''_m)`
  form a matching (u = (1, 1)) and Theorem 1 gives the 4K - 1 above. No
  *polynomial* code with :math:`\deg h = 4K - 2` exists for K >= 2 (rank-one Hankel
  matrices are moment matrices :math:`v(\beta) v(\beta)^T`, and
  :math:`\lambda v(\beta)v(\beta')^T + \mu v(\beta')v(\beta)^T` is Hankel only when
  :math:`\beta = \beta'`), and an exhaustive search over monomial encoders for K = 2
  (exponents below 8) found nothing below 9 = 6K - 3. Optimality for K >= 2, s >= 2 is
  open here.
* Lagrange coding over :math:`GF(p^2)` (p = 3 mod 4, where i exists): K products need
  2K - 1 + s workers, each doing one :math:`GF(p^2)` block product, i.e. 3 real products
  by 3M (4 naively): :math:`3(2K - 1 + s) = 6K - 3 + 3s` real block products in all,
  against 4K - 1 + s here, and one straggler there loses three products' worth of work.

:func:`threem_comparison` returns these numbers for given K and s.

Example
-------
>>> from ffcc.codes.threem import threem, complex_inputs
>>> from ffcc.verify import verify
>>> S = threem(2, s=1)  # 4K - 1 + s = 8 workers for 2 complex products
>>> S.w, S.R, verify(S).holds
(8, 7, True)
>>> F = S.field
>>> Ar, Ai, Br, Bi = (F.random((2, 2), seed) for seed in range(4))
>>> inputs = complex_inputs(F, [(Ar, Ai), (Ar, Ai)], [(Br, Bi), (Bi, Br)])
>>> coded = S.encode(inputs)
>>> out = S.decode({j: S.compute(coded[j]) for j in range(1, 8)})  # worker 0 straggles
>>> re = (Ar.astype(object) @ Br - Ai.astype(object) @ Bi) % F.p
>>> bool((out[0] == re).all())
True
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from ..field import PrimeField
from ..scheme import Scheme, SchemeError
from ._catalog import Construction, register
from ._form import (
    CodeForm,
    FormPart,
    Gaussian,
    I,
    Term,
    build_scheme,
    functional_rows,
    lagrange_term,
    poly_value,
    sqrt_minus_one,
    to_field,
)
from .nodecode import NodeCode
from .parsing import check_int

__all__ = [
    "BlockPencilScheme",
    "ThreeMScheme",
    "complex_inputs",
    "threem",
    "threem_comparison",
    "threem_threshold",
    "threem_workers",
]

TARGETS = ("complex", "products")
LAYOUTS = ("auto", "global", "blocks")


def threem_threshold(K: int, targets: str = "complex") -> int:
    """Threshold of the global layout: 4K - 1 (complex outputs) or 6K - 3 (3K products).

    >>> threem_threshold(2), threem_threshold(2, "products")  # 4 * 2 - 1, 6 * 2 - 3
    (7, 9)
    """
    return 4 * K - 1 if targets == "complex" else 6 * K - 3


def _layout(K: int, s: int, targets: str, layout: str) -> str:
    if layout == "auto":
        # per-block pencils only when strictly fewer workers
        return "blocks" if K * (3 + s) < threem_threshold(K, targets) + s else "global"
    return layout


def threem_workers(K: int, s: int = 0, targets: str = "complex", layout: str = "auto") -> int:
    """Workers of :func:`threem`: global 4K - 1 + s or 6K - 3 + s; blocks K (3 + s).

    >>> [threem_workers(3, s, "products") for s in range(5)]
    [9, 12, 15, 18, 19]
    """
    if _layout(K, s, targets, layout) == "blocks":
        return K * (3 + s)
    return threem_threshold(K, targets) + s


def threem_comparison(K: int, s: int = 0) -> dict:
    """Worker counts for K complex block products with s stragglers.

    >>> c = threem_comparison(2, 1)
    >>> c["w_3K"], c["two_thirds"], c["complex"], c["products"], c["gfp2_real_products"]
    (12, Fraction(8, 1), 8, 10, 12)
    """
    w3k = 6 * K - 1 + s
    two = Fraction(2, 3) * w3k
    return {
        "K": K,
        "s": s,
        "w_3K": w3k,
        "two_thirds": two,
        "complex": 4 * K - 1 + s,
        "complex_meets_two_thirds": 4 * K - 1 + s <= two,
        "products": 6 * K - 3 + s,
        "uncoded_3m_s0": 3 * K,
        "gfp2_workers": 2 * K - 1 + s,
        "gfp2_real_products": 3 * (2 * K - 1 + s),
    }


def complex_inputs(F: PrimeField, A: Sequence, B: Sequence) -> list[list[np.ndarray]]:
    """Scheme inputs from K pairs ``A[m] = (A_r, A_i)`` and ``B[m] = (B_r, B_i)``.

    >>> S = threem(1)  # K = 1: (A_r + i A_i)(B_r + i B_i) from 4K - 1 = 3 workers
    >>> F = S.field
    >>> X = complex_inputs(F, [([[1]], [[2]])], [([[3]], [[4]])])  # (1 + 2i)(3 + 4i)
    >>> [int(x[0, 0]) for c in X for x in c]
    [1, 2, 3, 4]
    >>> coded = S.encode(X)
    >>> Re, Im = S.decode({j: S.compute(coded[j]) for j in range(S.w)})
    >>> int(Re[0, 0]) - F.p, int(Im[0, 0])  # -5 + 10i
    (-5, 10)
    """
    if len(A) != len(B):
        raise SchemeError(f"{len(A)} A pairs but {len(B)} B pairs")
    xs = [F.array(x, "A") for pair in A for x in pair]
    ys = [F.array(y, "B") for pair in B for y in pair]
    return [xs, ys]


class ThreeMScheme(NodeCode):
    """K complex products (or their 3K real 3M products); see the module docstring.

    ``params``: ``K``, ``targets``, ``nodes``, ``degree``, ``threshold`` and the decoding
    rows or target nodes of :class:`~ffcc.codes.locality.NodeCode`.

    >>> S = threem(2, layout="global")  # one polynomial, 4K - 1 = 7 workers for 2 Re + 2 Im
    >>> isinstance(S, ThreeMScheme), S.w, S.R, S.params["K"]
    (True, 7, 7, 2)
    """


# -- the exact forms ---------------------------------------------------------------------------
def _complex_form(K: int, x: Sequence[int], p: int, s: int) -> CodeForm:
    """Conjugate-node Lagrange: A'_m at beta_2m, A''_m at beta_2m+1 (1..2K for p = 1 mod 4,
    m + 1 +- i for p = 3 mod 4); workers at x."""
    if p % 4 == 1:
        pairs = [(2 * m + 1, 2 * m + 2) for m in range(K)]
    else:
        pairs = [(Gaussian(m + 1, 1), Gaussian(m + 1, -1)) for m in range(K)]
    betas = [b for pr in pairs for b in pr]
    poly = {}
    for m in range(K):
        l1, l2 = lagrange_term(betas, 2 * m), lagrange_term(betas, 2 * m + 1)
        poly[2 * m] = (l1, l2)  # A_r -> l' + l''
        poly[2 * m + 1] = (lagrange_term(betas, 2 * m, I), lagrange_term(betas, 2 * m + 1, -I))
    half = Fraction(1, 2)
    targets = []
    for b1, b2 in pairs:  # Re = (U + V)/2, Im = (U - V)/2i
        targets.append((0, ((half, "value", b1), (half, "value", b2))))
        targets.append((0, ((-I * half, "value", b1), (I * half, "value", b2))))
    part = FormPart((poly, dict(poly)), tuple((1, int(v)) for v in x))
    note = ("A' = A_r + i A_i at beta_2m, A'' = A_r - i A_i at beta_2m+1; "
            "Re = (U + V)/2, Im = (U - V)/2i")  # fmt: skip
    return CodeForm("threem", (2 * K, 2 * K), (part,), tuple(targets), s, (note,),
                    params={"betas": betas})  # fmt: skip


def _products_form(K: int, beta: Sequence[Sequence[int]], x: Sequence[int], s: int) -> CodeForm:
    """Block-local curve through X_1, X_2, X_1 + X_2 of every block (nodes beta[m])."""
    poly, targets = {}, []
    for m, (b1, b2, b3) in enumerate(beta):
        others = tuple(v for mm in range(K) if mm != m for v in beta[mm])
        kappa = Fraction(b3 - b1, b3 - b2)  # a(b3) = b(b3)
        a = (Term(kappa, 0, others + (b2,)),)
        b = (Term(1, 0, others + (b1,)),)
        poly[2 * m], poly[2 * m + 1] = a, b
        # u(b1) = a(b1) A_r, u(b2) = b(b2) A_i, u(b3) = a(b3)(A_r + A_i); h = u_A u_B
        for node, q in ((b1, a), (b2, b), (b3, a)):
            targets.append((0, ((1 / Fraction(poly_value(q, node)) ** 2, "value", node),)))
    part = FormPart((poly, dict(poly)), tuple((1, int(v)) for v in x))
    note = "block-local curve through X_1, X_2, X_1 + X_2 of every block (nodes beta_m,1..3)"
    return CodeForm("threem", (2 * K, 2 * K), (part,), tuple(targets), s, (note,))


def _blocks_form(K: int, pts: Sequence[tuple[int, int]], kind: str, s: int) -> CodeForm:
    """Block m: u(z) = A_r + z A_i at the pencil points (a, b) -> a A_r + b A_i."""
    q = len(pts)
    parts = []
    for m in range(K):
        poly = {2 * m: (Term(1),), 2 * m + 1: (Term(1, 1),)}
        parts.append(FormPart((poly, dict(poly)), tuple(pts), tuple(range(m * q, (m + 1) * q))))
    targets = []
    for m in range(K):
        if kind == "complex":  # Re = P1 - P2 = [z^0] h - [z^2] h, Im = [z^1] h
            targets += [(m, ((1, "coeff", 0), (-1, "coeff", 2))), (m, ((1, "coeff", 1),))]
        else:  # P1, P2 and P3 = h(1)
            targets += [(m, ((1, "coeff", 0),)), (m, ((1, "coeff", 2),)), (m, ((1, "value", 1),))]
    note = "block m: u(z) = A_r + z A_i at pencil points (a, b) -> a A_r + b A_i"
    return CodeForm("threem", (2 * K, 2 * K), tuple(parts), tuple(targets), s, (note,))


def _pencil_points(n: int, p: int) -> list[tuple[int, int]]:
    """n distinct points of the projective line: (1,0), (0,1), (1,1), (1,2), (1,3), ..."""
    if n > p + 1:
        raise SchemeError(
            f"threem: a block needs {n} distinct pencil points but GF({p}) has only {p + 1}; "
            "use a larger prime"
        )
    pts = [(1, 0), (0, 1), (1, 1)] + [(1, t) for t in range(2, max(n - 1, 2))]
    return pts[:n]


class BlockPencilScheme(Scheme):
    r"""Per-block layout: block m has 3 + s workers on the pencil
    :math:`(a A_r + b A_i)(a B_r + b B_i) = a^2 P_1 + ab\,X + b^2 P_2` with
    :math:`X = A_r B_i + A_i B_r`, at distinct projective points (a : b), the first three
    being (1:0), (0:1), (1:1), i.e. exactly the 3M products. Any 3 workers of a block give
    :math:`(P_1, X, P_2)` through the 3 x 3 matrix of rows :math:`(a^2, ab, b^2)` (a
    homogeneous Vandermonde matrix, invertible for distinct points); then
    :math:`P_3 = P_1 + X + P_2`, Re = :math:`P_1 - P_2`, Im = X. With s stragglers a block
    keeps at least 3 of its 3 + s workers, so any w - s workers decode; w - s - 1 can miss
    s + 1 workers of one block, so the threshold is exactly w - s = 3K + (K - 1)s.

    >>> S = threem(2, s=2, targets="products")  # 2 (3 + 2) = 10 < 6*2 - 3 + 2 = 11 workers
    >>> isinstance(S, BlockPencilScheme), S.w, S.R  # R = 3K + (K - 1)s = 8
    (True, 10, 8)
    """

    def __post_init__(self):
        super().__post_init__()
        self.per_block = int(self.params["per_block"])
        self.points = [tuple(int(v) for v in pt) for pt in self.params["points"]]
        kind = self.params["targets"]
        # rows on (P1, X, P2): products P1, P2, P3 = P1 + X + P2; complex Re, Im
        rows = [[1, 0, 0], [0, 0, 1], [1, 1, 1]] if kind == "products" else [[1, 0, -1], [0, 1, 0]]
        self.block_rows = np.array(rows, dtype=np.int64) % self.p

    def _block_decoder(self, pts) -> np.ndarray:
        F = self.field
        M = np.array([[a * a % self.p, a * b % self.p, b * b % self.p] for a, b in pts], np.int64)
        return F.matmul(self.block_rows, F.inverse(M))

    def _decode_erasures(self, results):
        """Per block: the first three answering workers (generic decoder if a block has
        fewer than three)."""
        q = self.per_block
        K = self.basis[0] // 2
        picks = [sorted(j for j in results if j // q == m)[:3] for m in range(K)]
        if any(len(pk) < 3 for pk in picks):
            return Scheme._decode_erasures(self, results)
        F = self.field
        out = []
        for pk in picks:
            D = self._block_decoder([self.points[j % q] for j in pk])
            shape = np.shape(results[pk[0]])
            Y = np.stack([np.asarray(results[j], dtype=np.int64) for j in pk])
            Z = F.matmul(D, Y.reshape(3, -1))
            out += [Z[t].reshape(shape) for t in range(Z.shape[0])]
        return out


def threem(
    K: int = 2, s: int = 0, *, targets: str = "complex", layout: str = "auto", p: int = 65537
) -> Scheme:
    r"""K complex block products from real workers; see the module docstring.

    Parameters
    ----------
    K:
        Number of complex products.
    s:
        Stragglers tolerated.
    targets:
        ``"complex"`` (the 2K blocks Re, Im) or ``"products"`` (the 3K real 3M products).
    layout:
        ``"global"``: one polynomial code over all blocks (4K - 1 + s workers for complex,
        6K - 3 + s for products); ``"blocks"``: 3 + s pencil workers per block
        (K (3 + s)); ``"auto"`` (default): whichever needs fewer workers (global on ties).
    p:
        An odd prime. p = 1 mod 4 uses i in GF(p); p = 3 mod 4 uses conjugate nodes in
        :math:`GF(p^2)` while every worker stays in GF(p).

    Inputs: ``complex_inputs(F, [(A_r, A_i), ...], [(B_r, B_i), ...])``.

    >>> S = threem(1, s=0, targets="products", p=101)
    >>> [len(t) for t in S.targets]  # P1, P2, P3 = (A_r + A_i)(B_r + B_i)
    [1, 1, 4]
    >>> threem(3, s=1, targets="products").w  # blocks: 3 (3 + 1) = 12 < 6K - 3 + s = 16
    12
    """
    K, s = check_int(K, "threem: K"), check_int(s, "threem: s", lowest=0)
    if targets not in TARGETS:
        raise SchemeError(f"threem: targets must be one of {TARGETS}, got {targets!r}")
    if layout not in LAYOUTS:
        raise SchemeError(f"threem: layout must be one of {LAYOUTS}, got {layout!r}")
    F = PrimeField(p)
    if F.p == 2:
        raise SchemeError("threem: needs an odd prime (2 is not invertible in GF(2))")
    lay = _layout(K, s, targets, layout)
    common = {
        "K": K,
        "targets": targets,
        "layout": lay,
        "w_3K": 6 * K - 1 + s,
        "two_thirds_w_3K": str(Fraction(2, 3) * (6 * K - 1 + s)),
    }
    name = f"threem(K={K}, {targets}, {lay})"
    if lay == "blocks":
        q = 3 + s
        pts = _pencil_points(q, F.p)
        form = _blocks_form(K, pts, targets, s)
        params = common | {
            "per_block": q,
            "points": [list(pt) for pt in pts],
            "formula": "K (3 + s) workers, threshold 3K + (K - 1) s",
        }
        return build_scheme(form, F, BlockPencilScheme, name=name, params=params)
    R = threem_threshold(K, targets)
    w = R + s
    params = common | {"degree": R - 1, "threshold": R}
    if targets == "complex":
        if F.p % 4 == 1:
            allnodes = F.nodes(2 * K + w, what="product and worker nodes")
            x = allnodes[2 * K :]
            extra = {"i": sqrt_minus_one(F.p), "beta": allnodes[: 2 * K].tolist()}
        else:  # conjugate node pairs beta_m = m + 1 + i, beta-bar_m, in GF(p^2)
            if K >= F.p:
                raise SchemeError(f"threem: GF({F.p}^2) has too few nodes m + 1 + i for K = {K}")
            x = F.nodes(w, what="worker nodes")
            extra = {"i": None, "beta": [[m + 1, 1] for m in range(K)]}
        form = _complex_form(K, x.tolist(), F.p, s)
        rows = functional_rows(form, 0, R, F.p)  # Re, Im as rows on h's coefficients
        params |= extra | {"target_rows": rows.tolist(), "formula": "4K - 1 (+ s)"}
    else:
        allnodes = F.nodes(3 * K + w, what="product and worker nodes")
        beta = [[int(v) for v in allnodes[3 * m : 3 * m + 3]] for m in range(K)]
        x = allnodes[3 * K :]
        form = _products_form(K, beta, x.tolist(), s)
        tnodes = [at for _, ((_, _, at),) in form.targets]
        scales = [to_field(1 / weight, F.p) for _, ((weight, _, _),) in form.targets]
        params |= {"beta": beta, "target_nodes": tnodes, "target_scales": scales}
        params["formula"] = "6K - 3 (+ s) = w_{3K,s} - 2"
    params["nodes"] = x.tolist()
    return build_scheme(form, F, ThreeMScheme, name=name, params=params)


register(
    Construction(
        name="threem",
        build=lambda K, s, targets, layout, p: threem(K, s, targets=targets, layout=layout, p=p),
        defaults={"K": 2, "s": 1, "targets": "complex", "layout": "auto", "p": 65537},
        threshold="complex: 4K - 1 (+ s workers); products: 6K - 3 (+ s); layout=blocks: "
        "K (3 + s) workers, threshold K (3 + s) - s; auto: the fewer workers "
        "(no locality: w_{3K,s} = 6K - 1 + s)",
        workers=lambda K, s, targets="complex", layout="auto", **_: threem_workers(
            K, s, targets, layout
        ),
        reference="Rudow, Rashmi, Guruswami, ISIT 2021 (3M example); Higham, SIMAX 13(3), 1992",
        summary="K complex block products (A_r + i A_i)(B_r + i B_i) from real workers",
        param_help={
            "K": "number of complex block products",
            "s": "stragglers tolerated",
            "targets": "'complex' (Re, Im blocks; default) or 'products' (3K real products)",
            "layout": "'auto' (default), 'global' (one polynomial code) or 'blocks' "
            "(3 + s pencil workers per block)",
            "p": "odd prime; p = 3 mod 4 works through conjugate nodes in GF(p^2)",
        },
    )
)
