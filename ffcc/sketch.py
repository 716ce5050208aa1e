r"""Column-row sketches for approximate matrix multiplication, with exact error accounting.

Three samplers of increasing structure are provided, all estimating :math:`C = AB` for real
matrices (float64, numpy):

* :func:`crmm` -- CR-MM of Drineas, Kannan and Mahoney (2006): sample ``c`` inner indices
  :math:`i_1,\dots,i_c` i.i.d. with :math:`p_t \propto \|A_{:,t}\|_2 \|B_{t,:}\|_2` and return
  :math:`\sum_s A_{:,i_s} B_{i_s,:} / (c\,p_{i_s})`.
* :func:`block_crmm` -- block-weighted CR-MM (Charalambides, Pilanci and Hero, 2021): the inner
  dimension is cut into ``q`` blocks :math:`A = [A_1 \cdots A_q]`, :math:`B = [B_1; \dots; B_q]`
  (paper eq. (1)); ``k`` block pairs are drawn i.i.d. with
  :math:`p_\iota \propto \|A_\iota\|_F \|B_\iota\|_F` and
  :math:`\hat C = \sum_{t=1}^k A_{\iota_t} B_{\iota_t} / (k\,p_{\iota_t})`.
* :func:`grid_crmm` -- Grid CR-MM (paper Section IV-A, eq. (2)): :math:`A` is cut into an
  :math:`m \times q` grid and :math:`B` into a :math:`q \times n` grid; every output block
  :math:`C_{i,j} = \sum_\iota A_{i,\iota} B_{\iota,j}` is estimated by its own block CR-MM with
  :math:`k_{i,j}` samples and :math:`p^{(i,j)}_\iota \propto \|A_{i,\iota}\|_F \|B_{\iota,j}\|_F`.

Exact accounting. For i.i.d. sampling with probabilities :math:`p` and :math:`k` draws, the
estimator is unbiased whenever :math:`p_\iota = 0 \Rightarrow A_\iota B_\iota = 0`, and

.. math::

    \mathbb{E}\|\hat C - C\|_F^2
    = \frac1k\Big(\sum_{\iota:\,p_\iota>0} \frac{\|A_\iota B_\iota\|_F^2}{p_\iota} - \|C\|_F^2\Big)
    = \frac1k \sum_{\iota:\,p_\iota>0} p_\iota \Big\|\frac{A_\iota B_\iota}{p_\iota} - C\Big\|_F^2 .

The second (equivalent) form is a sum of non-negative terms and is what is evaluated, so the
float result never goes negative through cancellation. With norm-proportional probabilities,
Cauchy-Schwarz gives Lemma 1 of the paper,
:math:`\mathbb{E}\|\hat C_{i,j} - C_{i,j}\|_F^2 \le \|A_i\|_F^2 \|B_j\|_F^2 / k_{i,j}`.

Indices are 0-based throughout (the paper is 1-based).

References: P. Drineas, R. Kannan, M. W. Mahoney, "Fast Monte Carlo algorithms for matrices I",
SIAM J. Comput. 36(1), 2006; N. Charalambides, M. Pilanci, A. O. Hero, "Approximate weighted CR
coded matrix multiplication", ICASSP 2021; the compression-informed coded computing paper,
Section II-A, Section IV-A, eq. (2) and Lemma 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from numbers import Integral

import numpy as np

from ._errors import InputError

__all__ = [
    "GridSketch",
    "block_crmm",
    "crmm",
    "expected_sq_error",
    "grid_crmm",
    "lemma1_bound",
    "pad_to_grid",
]

BlockId = tuple[int, int]


# ----------------------------------------------------------------------------- validation


def _rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng must be a numpy.random.Generator or an int seed, got {type(rng).__name__}"
    )


def _pos_int(x, name: str) -> int:
    if not isinstance(x, Integral) or isinstance(x, bool):
        raise TypeError(f"{name} must be a positive int, got {x!r}")
    if x < 1:
        raise InputError(f"{name} must be a positive int, got {x}")
    return int(x)


def _real_matrix(X, name: str) -> np.ndarray:
    """Read-only float64 copy of ``X`` (the caller's array is never touched)."""
    arr = np.asarray(X)
    if arr.ndim != 2:
        raise InputError(f"{name} must be a 2-D matrix, got an array with {arr.ndim} dimensions")
    if arr.size == 0:
        raise InputError(f"{name} is empty (shape {arr.shape})")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    out = np.array(arr, dtype=np.float64, copy=True)
    finite = np.isfinite(out)
    if not finite.all():
        bad = tuple(int(t) for t in np.argwhere(~finite)[0])
        raise InputError(
            f"{name} contains NaN or Inf (first at entry {bad}); sketches need finite input"
        )
    out.flags.writeable = False
    return out


def _check_inner(A: np.ndarray, B: np.ndarray) -> None:
    if A.shape[1] != B.shape[0]:
        raise InputError(
            f"inner dimensions differ: A is {A.shape[0]}x{A.shape[1]} but B is "
            f"{B.shape[0]}x{B.shape[1]} (A's columns must equal B's rows)"
        )


def _check_divides(size: int, parts: int, what: str, letter: str, matrix: str) -> None:
    if size % parts:
        raise InputError(
            f"{what}, not divisible by {letter}={parts}; "
            f"pad {matrix} or choose {letter} dividing {size}"
        )


def _block_norms(X4: np.ndarray, axes: tuple[int, int]) -> np.ndarray:
    """Frobenius norms of blocks, scaled per block so tiny or huge entries neither under- nor
    overflow in the squares."""
    sq = np.einsum("aibj,aibj->ab", X4, X4) if axes == (1, 3) else None
    if sq is not None and np.isfinite(sq).all() and (sq > 1e-280).all():
        return np.sqrt(sq)  # one pass; the scaled form below guards over- and underflow
    s = np.max(np.abs(X4), axis=axes, keepdims=True)
    safe = np.where(s > 0, s, 1.0)
    norms = (np.sqrt(np.sum((X4 / safe) ** 2, axis=axes, keepdims=True)) * s).squeeze(axes)
    if not np.isfinite(norms).all():
        raise InputError("block Frobenius norms overflow float64; rescale the inputs")
    return norms


def _norm_of_norms(x: np.ndarray, axis: int) -> np.ndarray:
    """Euclidean norm along ``axis`` without overflow or underflow in the squares."""
    mx = np.max(x, axis=axis)
    return mx * np.sqrt(np.sum(_ratio_to_max(x, axis) ** 2, axis=axis))


def _ratio_to_max(x: np.ndarray, axis: int) -> np.ndarray:
    mx = np.max(x, axis=axis, keepdims=True)
    return np.where(mx > 0, x / np.where(mx > 0, mx, 1.0), 0.0)


# ----------------------------------------------------------------------------- CR-MM


def crmm(A, B, c: int, rng) -> tuple[np.ndarray, np.ndarray]:
    r"""CR-MM of Drineas, Kannan and Mahoney: sample ``c`` column/row pairs with replacement.

    Index :math:`t` of the inner dimension is drawn with
    :math:`p_t = \|A_{:,t}\|_2\|B_{t,:}\|_2 / \sum_s \|A_{:,s}\|_2\|B_{s,:}\|_2`; the sampled
    column and row are both rescaled by :math:`1/\sqrt{c\,p_t}`, so the estimate is
    :math:`\hat C = \sum_{s=1}^{c} A_{:,i_s}B_{i_s,:}/(c\,p_{i_s})`, which is unbiased.

    Args:
        A: real ``L x N`` matrix.
        B: real ``N x M`` matrix.
        c: number of samples (with replacement), ``c >= 1``.
        rng: ``numpy.random.Generator`` or an int seed.

    Returns:
        ``(estimate, indices)``: the ``L x M`` float64 estimate and the ``c`` sampled inner
        indices in draw order. If every product :math:`A_{:,t}B_{t,:}` is zero then
        :math:`AB = 0`; the zero matrix is returned exactly and ``indices`` is empty.

    Example:
        >>> import numpy as np
        >>> from ffcc.sketch import crmm
        >>> A = np.array([[1.0, 0.0, 2.0]]); B = np.array([[1.0], [5.0], [1.0]])
        >>> est, idx = crmm(A, B, 4, rng=0)
        >>> sorted(set(idx.tolist())) == [0, 2]  # column 1 of A is zero: never sampled
        True
    """
    A = _real_matrix(A, "A")
    B = _real_matrix(B, "B")
    _check_inner(A, B)
    c = _pos_int(c, "c")
    gen = _rng(rng)
    w = _ratio_to_max(_block_norms(A[None, :, :], (0, 1)), 0) * _ratio_to_max(
        _block_norms(B[:, None, :], (1, 2)), 0
    )
    tot = w.sum()
    if tot == 0:
        return np.zeros((A.shape[0], B.shape[1])), np.zeros(0, dtype=np.int64)
    p = w / tot
    idx = gen.choice(A.shape[1], size=c, p=p)
    scale = 1.0 / np.sqrt(c * p[idx])
    return (A[:, idx] * scale) @ (B[idx, :] * scale[:, None]), idx


# ----------------------------------------------------------------------------- Grid CR-MM


@dataclass(frozen=True, eq=False, repr=False)
class GridSketch:
    r"""Outcome of :func:`grid_crmm` (and :func:`block_crmm`, which is the case ``m = n = 1``).

    Block ids are 0-based. The A-block :math:`A_{i,\iota}` has id ``(i, iota)`` and the B-block
    :math:`B_{\iota,j}` has id ``(iota, j)``.

    Attributes:
        m, n, q: grid sizes; A is cut ``m x q`` and B ``q x n``.
        k: ``m x n`` int array of requested samples :math:`k_{i,j}`.
        probabilities: ``m x n x q`` array, ``probabilities[i, j, iota]`` is
            :math:`p^{(i,j)}_\iota`; an all-zero row marks a skipped block.
        indices: ``{(i, j): tuple of sampled iota in draw order}`` (empty when skipped).
        multiplicities: ``{(i, j): {iota: count}}``; counts sum to :math:`k_{i,j}`.
        weights: ``{(i, j): {iota: count / (k_ij * p_iota)}}``, so that
            :math:`\hat C_{i,j} = \sum_\iota w_\iota A_{i,\iota}B_{\iota,j}` (repeats merged).
        skipped: blocks whose probabilities are all zero. There :math:`C_{i,j} = 0` exactly, the
            estimate is the exact zero block and the :math:`k_{i,j}` samples were not drawn.
        samples: the sample multigraph, one ``((i, iota), (iota, j))`` per draw, blocks in
            row-major ``(i, j)`` order and draws in order inside each block.
        sample_blocks: the output block ``(i, j)`` of each entry of ``samples``.
        lemma1_bound: ``m x n`` array :math:`\|A_i\|_F^2\|B_j\|_F^2/k_{i,j}` (Lemma 1).
        expected_sq_error: ``m x n`` array of exact
            :math:`\mathbb{E}\|\hat C_{i,j}-C_{i,j}\|_F^2` (computed on first access; costs as
            much as the exact product).

    Example (:math:`C = [1\ 2][3\ 4]^T = 11`; the inner blocks have norm products 3 and 8,
    so :math:`p = (3/11, 8/11)`, and each draw gets weight :math:`1/(k p_\iota)`):

        >>> import numpy as np
        >>> from ffcc.sketch import grid_crmm
        >>> sk = grid_crmm(np.array([[1.0, 2.0]]), np.array([[3.0], [4.0]]), 1, 1, 2, k=2, rng=0)
        >>> sk
        GridSketch(m=1, n=1, q=2, samples=2, skipped=[])
        >>> (11 * sk.probabilities[0, 0]).tolist(), sk.multiplicities[(0, 0)]
        ([3.0, 8.0], {0: 1, 1: 1})
        >>> from fractions import Fraction
        >>> [Fraction(2 * w).limit_denominator(99) for w in sk.weights[(0, 0)].values()]  # 1/p
        [Fraction(11, 3), Fraction(11, 8)]
        >>> sk.samples  # ((i, iota), (iota, j)) per draw
        (((0, 1), (1, 0)), ((0, 0), (0, 0)))
    """

    m: int
    n: int
    q: int
    k: np.ndarray
    probabilities: np.ndarray
    indices: dict[BlockId, tuple[int, ...]]
    multiplicities: dict[BlockId, dict[int, int]]
    weights: dict[BlockId, dict[int, float]]
    skipped: frozenset[BlockId]
    samples: tuple[tuple[BlockId, BlockId], ...]
    sample_blocks: tuple[BlockId, ...]
    lemma1_bound: np.ndarray
    A: np.ndarray
    B: np.ndarray

    def __repr__(self) -> str:
        return (
            f"GridSketch(m={self.m}, n={self.n}, q={self.q}, samples={len(self.samples)}, "
            f"skipped={sorted(self.skipped)})"
        )

    @property
    def num_samples(self) -> int:
        """Number of drawn samples (skipped blocks contribute none).

        Example (block (1, 1) of the product is exactly zero, so it draws nothing):

            >>> import numpy as np
            >>> from ffcc.sketch import grid_crmm
            >>> A = np.array([[1.0, 1.0], [0.0, 0.0]])
            >>> grid_crmm(A, np.eye(2), m=2, n=2, q=2, k=3, rng=0).num_samples
            6
        """
        return len(self.samples)

    def _blocks(self):
        Lb, Nb, Mb = self.A.shape[0] // self.m, self.A.shape[1] // self.q, self.B.shape[1] // self.n
        A4 = self.A.reshape(self.m, Lb, self.q, Nb).transpose(0, 2, 1, 3)  # [i, iota]
        B4 = self.B.reshape(self.q, Nb, self.n, Mb).transpose(0, 2, 1, 3)  # [iota, j]
        return A4, B4, Lb, Mb

    def estimate(self) -> np.ndarray:
        r"""The float64 estimate :math:`\hat C` (``L x M``), built from the sampled blocks only.

        Example (:math:`A = B = I_2`, one draw: :math:`p = (1/2, 1/2)`, so the estimate is
        twice one of the two rank-one terms):

            >>> import numpy as np
            >>> from ffcc.sketch import grid_crmm
            >>> grid_crmm(np.eye(2), np.eye(2), m=1, n=1, q=2, k=1, rng=0).estimate().tolist()
            [[0.0, 0.0], [0.0, 2.0]]
        """
        Lb, Nb, Mb = self.A.shape[0] // self.m, self.A.shape[1] // self.q, self.B.shape[1] // self.n
        out = np.zeros((self.A.shape[0], self.B.shape[1]))
        for (i, j), w in self.weights.items():
            if not w:
                continue
            # one GEMM per output block: [w_1 A_{i,t1} ... w_k A_{i,tk}] @ [B_{t1,j}; ...]
            rows = self.A[i * Lb : (i + 1) * Lb]
            cols = self.B[:, j * Mb : (j + 1) * Mb]
            left = np.concatenate([wt * rows[:, t * Nb : (t + 1) * Nb] for t, wt in w.items()], 1)
            right = np.concatenate([cols[t * Nb : (t + 1) * Nb] for t in w], 0)
            out[i * Lb : (i + 1) * Lb, j * Mb : (j + 1) * Mb] = left @ right
        return out

    @cached_property
    def expected_sq_error(self) -> np.ndarray:
        r"""``m x n`` exact :math:`\mathbb{E}\|\hat C_{i,j}-C_{i,j}\|_F^2` (see
        :func:`expected_sq_error`); 0 for skipped blocks. Cached after the first access.

        Example (:math:`A = B = I_2`, one draw: either estimate is off by
        :math:`\|\mathrm{diag}(1, -1)\|_F^2 = 2`; Lemma 1 bounds it by
        :math:`\|A\|_F^2\|B\|_F^2 / k = 4`):

            >>> import numpy as np
            >>> from ffcc.sketch import grid_crmm
            >>> sk = grid_crmm(np.eye(2), np.eye(2), m=1, n=1, q=2, k=1, rng=0)
            >>> sk.expected_sq_error.round(9).tolist(), sk.lemma1_bound.round(9).tolist()
            ([[2.0]], [[4.0]])
        """
        A4, B4, _, _ = self._blocks()
        out = np.zeros((self.m, self.n))
        for i in range(self.m):
            for j in range(self.n):
                if (i, j) in self.skipped:
                    continue  # exact zero block, no error
                P = np.matmul(A4[i], B4[:, j])  # (q, Lb, Mb): every A_{i,iota} B_{iota,j}
                out[i, j] = _sq_error_float(P, self.probabilities[i, j], int(self.k[i, j]))
        out.flags.writeable = False
        return out


def _sq_error_float(P: np.ndarray, p: np.ndarray, k: int) -> float:
    C = P.sum(axis=0)
    total = 0.0
    for Pi, pi in zip(P, p, strict=True):
        if pi > 0:
            D = Pi / pi - C
            total += pi * float(np.sum(D * D))
    return total / k


def _k_matrix(k, m: int, n: int) -> np.ndarray:
    if isinstance(k, Integral) and not isinstance(k, bool):
        _pos_int(k, "k")
        return np.full((m, n), int(k), dtype=np.int64)
    arr = np.asarray(k)
    if arr.shape != (m, n):
        raise InputError(f"k must be an int or an m x n = {m}x{n} array, got shape {arr.shape}")
    if arr.dtype.kind not in "iu":
        raise TypeError(f"k must hold integers, got dtype {arr.dtype}")
    if (arr < 1).any():
        raise InputError("every k[i, j] must be >= 1")
    return arr.astype(np.int64)


def grid_crmm(A, B, m: int, n: int, q: int, k, rng) -> GridSketch:
    r"""Grid CR-MM (paper eq. (2)): an independent block CR-MM for every output block.

    With :math:`A` cut into blocks :math:`A_{i,\iota}` (``m x q`` grid) and :math:`B` into
    :math:`B_{\iota,j}` (``q x n`` grid), block :math:`(i,j)` draws :math:`k_{i,j}` inner indices
    i.i.d. with

    .. math:: p^{(i,j)}_\iota = \frac{\|A_{i,\iota}\|_F\|B_{\iota,j}\|_F}
                                     {\sum_{\iota'}\|A_{i,\iota'}\|_F\|B_{\iota',j}\|_F}

    and estimates :math:`\hat C_{i,j} = \sum_t A_{i,\iota_t}B_{\iota_t,j}/(k_{i,j}p_{\iota_t})`.
    Blocks are processed in row-major order, each with one ``rng.choice`` call, so a seed fixes
    the whole outcome. Inputs are copied, never modified.

    Args:
        A: real ``L x N`` matrix with ``m | L`` and ``q | N``.
        B: real ``N x M`` matrix with ``n | M``.
        m, n, q: grid sizes (positive ints).
        k: samples per output block, an int for all blocks or an ``m x n`` int array, all >= 1.
        rng: ``numpy.random.Generator`` or an int seed.

    Returns:
        A :class:`GridSketch`.

    Raises:
        ValueError: non-finite or empty input, mismatched inner dimensions, or a size the grid
            does not divide (the message names the sizes).

    Example:
        >>> import numpy as np
        >>> from ffcc.sketch import grid_crmm
        >>> A = np.arange(16.0).reshape(4, 4); B = np.eye(4)
        >>> sk = grid_crmm(A, B, m=2, n=2, q=2, k=3, rng=1)
        >>> sk.num_samples
        12
        >>> sk.probabilities[0, 0].tolist()  # B_{1,0} = 0, so iota = 1 can never be drawn
        [1.0, 0.0]
        >>> sk.samples[:3]  # ((i, iota), (iota, j)) per draw; block (0, 0) comes first
        (((0, 0), (0, 0)), ((0, 0), (0, 0)), ((0, 0), (0, 0)))
        >>> bool(np.allclose(sk.estimate(), A @ B))  # one nonzero term per block: exact
        True
        >>> bool((sk.expected_sq_error <= sk.lemma1_bound).all())
        True
    """
    A = _real_matrix(A, "A")
    B = _real_matrix(B, "B")
    _check_inner(A, B)
    m, n, q = _pos_int(m, "m"), _pos_int(n, "n"), _pos_int(q, "q")
    L, N = A.shape
    M = B.shape[1]
    _check_divides(L, m, f"A has {L} rows", "m", "A")
    _check_divides(N, q, f"the inner dimension N={N} (A's columns, B's rows)", "q", "A and B")
    _check_divides(M, n, f"B has {M} columns", "n", "B")
    kk = _k_matrix(k, m, n)
    kk.flags.writeable = False
    gen = _rng(rng)

    Lb, Nb, Mb = L // m, N // q, M // n
    nA = _block_norms(A.reshape(m, Lb, q, Nb), (1, 3))  # (m, q)
    nB = _block_norms(B.reshape(q, Nb, n, Mb), (1, 3))  # (q, n)
    # Normalising by the row/column maxima keeps the products in [0, 1] (no overflow);
    # the per-(i, j) constant factor cancels in p.
    w = _ratio_to_max(nA, 1)[:, None, :] * _ratio_to_max(nB, 0).T[None, :, :]  # (m, n, q)
    tot = w.sum(axis=2, keepdims=True)
    probs = np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), 0.0)
    probs.flags.writeable = False

    indices: dict[BlockId, tuple[int, ...]] = {}
    mults: dict[BlockId, dict[int, int]] = {}
    weights: dict[BlockId, dict[int, float]] = {}
    skipped = set()
    samples: list[tuple[BlockId, BlockId]] = []
    owners: list[BlockId] = []
    for i in range(m):
        for j in range(n):
            if tot[i, j, 0] == 0:
                skipped.add((i, j))
                indices[(i, j)], mults[(i, j)], weights[(i, j)] = (), {}, {}
                continue
            kij = int(kk[i, j])
            draw = tuple(int(t) for t in gen.choice(q, size=kij, p=probs[i, j]))
            indices[(i, j)] = draw
            counts: dict[int, int] = {}
            for t in draw:
                counts[t] = counts.get(t, 0) + 1
                samples.append(((i, t), (t, j)))
                owners.append((i, j))
            counts = dict(sorted(counts.items()))
            mults[(i, j)] = counts
            weights[(i, j)] = {t: c / (kij * float(probs[i, j, t])) for t, c in counts.items()}

    # (||A_i||_F ||B_j||_F)^2 / k_ij, with the norms formed before squaring so that tiny A and
    # huge B do not give 0 * inf.
    bound = (_norm_of_norms(nA, 1)[:, None] * _norm_of_norms(nB, 0)[None, :]) ** 2 / kk
    bound.flags.writeable = False
    return GridSketch(
        m=m,
        n=n,
        q=q,
        k=kk,
        probabilities=probs,
        indices=indices,
        multiplicities=mults,
        weights=weights,
        skipped=frozenset(skipped),
        samples=tuple(samples),
        sample_blocks=tuple(owners),
        lemma1_bound=bound,
        A=A,
        B=B,
    )


def block_crmm(A, B, q: int, k: int, rng) -> GridSketch:
    r"""Block-weighted CR-MM (Charalambides, Pilanci, Hero 2021); paper Section II-A, eq. (1).

    The inner dimension is cut into ``q`` equal blocks; ``k`` block pairs are sampled with
    replacement with :math:`p_\iota \propto \|A_\iota\|_F\|B_\iota\|_F` and
    :math:`\hat C = \sum_t A_{\iota_t}B_{\iota_t}/(k\,p_{\iota_t})`, repeated indices merged into
    one product weighted by multiplicity. This is :func:`grid_crmm` with ``m = n = 1``: the
    result's block ``(0, 0)`` holds everything and sample ids are ``((0, iota), (iota, 0))``.

    Example:
        >>> import numpy as np
        >>> from ffcc.sketch import block_crmm
        >>> A = np.ones((2, 6)); B = np.ones((6, 2))
        >>> sk = block_crmm(A, B, q=3, k=5, rng=0)
        >>> sk.probabilities[0, 0].round(3).tolist(), sum(sk.multiplicities[(0, 0)].values())
        ([0.333, 0.333, 0.333], 5)
    """
    return grid_crmm(A, B, 1, 1, q, k, rng)


# ----------------------------------------------------------------------------- exact accounting


def _is_exact(x) -> bool:
    return isinstance(x, Integral | Fraction) and not isinstance(x, bool)


def _exact_block(X) -> np.ndarray:
    arr = np.asarray(X)
    if arr.dtype.kind in "iub":
        return np.vectorize(lambda v: Fraction(int(v)), otypes=[object])(arr)
    if arr.dtype.kind == "f":
        return np.vectorize(lambda v: Fraction(float(v)), otypes=[object])(arr)
    if arr.dtype == object:
        return np.vectorize(Fraction, otypes=[object])(arr)
    raise TypeError(f"unsupported block dtype {arr.dtype}")


def _as_blocks(X, exact: bool, name: str) -> list[np.ndarray]:
    seq = [X] if isinstance(X, np.ndarray) and X.ndim == 2 else list(X)
    out = []
    for b in seq:
        arr = _exact_block(b) if exact else np.asarray(b, dtype=np.float64)
        if arr.ndim != 2:
            raise ValueError(f"every block of {name} must be 2-D, got shape {arr.shape}")
        out.append(arr)
    return out


def _sumsq(X: np.ndarray):
    if X.dtype == object:
        return sum((v * v for v in X.flat), Fraction(0))
    return float(np.sum(X * X))


def expected_sq_error(A_blocks: Sequence, B_blocks: Sequence, p: Sequence, k: int):
    r"""Exact :math:`\mathbb{E}\|\hat C - C\|_F^2` of block CR-MM with given probabilities.

    .. math::

        \mathbb{E}\|\hat C - C\|_F^2 = \frac1k\Big(\sum_{\iota:\,p_\iota>0}
        \frac{\|A_\iota B_\iota\|_F^2}{p_\iota} - \|C\|_F^2\Big),
        \qquad C = \sum_\iota A_\iota B_\iota,

    for :math:`\hat C = \frac1k\sum_{t=1}^k A_{\iota_t}B_{\iota_t}/p_{\iota_t}` with
    :math:`\iota_1,\dots,\iota_k` i.i.d. from :math:`p` (any :math:`p`, not only the
    norm-proportional one). It is evaluated in the cancellation-free form
    :math:`\frac1k\sum_{p_\iota>0} p_\iota\|A_\iota B_\iota/p_\iota - C\|_F^2`.

    Args:
        A_blocks: the ``q`` blocks :math:`A_\iota` (2-D array-likes).
        B_blocks: the ``q`` blocks :math:`B_\iota`.
        p: ``q`` probabilities summing to 1. If they are all ``int``/``Fraction`` the computation
            is exact (blocks converted to ``Fraction``) and a ``Fraction`` is returned;
            otherwise everything is float64.
        k: number of samples, ``k >= 1``.

    Raises:
        ValueError: on a negative probability, probabilities not summing to 1, mismatched
            block shapes, or :math:`p_\iota = 0` with :math:`A_\iota B_\iota \ne 0` (the
            estimator would then be biased and the formula would not hold).

    Example:
        >>> from fractions import Fraction as F
        >>> from ffcc.sketch import expected_sq_error
        >>> expected_sq_error([[[1]], [[1]]], [[[1]], [[3]]], [F(1, 4), F(3, 4)], 1)
        Fraction(0, 1)
        >>> expected_sq_error([[[1]], [[1]]], [[[1]], [[3]]], [F(1, 2), F(1, 2)], 2)
        Fraction(2, 1)
    """
    k = _pos_int(k, "k")
    p = list(p)
    exact = all(_is_exact(x) for x in p)
    Ab, Bb = _as_blocks(A_blocks, exact, "A_blocks"), _as_blocks(B_blocks, exact, "B_blocks")
    if not (len(Ab) == len(Bb) == len(p)) or not p:
        raise ValueError(
            f"need the same positive number of A blocks, B blocks and probabilities, "
            f"got {len(Ab)}, {len(Bb)}, {len(p)}"
        )
    p = [Fraction(x) for x in p] if exact else [float(x) for x in p]
    if any(x < 0 for x in p) or not all(np.isfinite(float(x)) for x in p):
        raise ValueError("probabilities must be finite and non-negative")
    if (sum(p) != 1) if exact else abs(sum(p) - 1.0) > 1e-9:
        raise ValueError(f"probabilities must sum to 1, got {sum(p)}")
    prods = []
    for t, (a, b) in enumerate(zip(Ab, Bb, strict=True)):
        if a.shape[1] != b.shape[0]:
            raise ValueError(f"block {t}: A is {a.shape} but B is {b.shape}")
        prods.append(a @ b)
    if len({P.shape for P in prods}) != 1:
        raise ValueError("the block products A_iota B_iota do not all have the same shape")
    C = sum(prods[1:], prods[0])
    total = Fraction(0) if exact else 0.0
    for t, (P, pt) in enumerate(zip(prods, p, strict=True)):
        if pt == 0:
            if np.any(P != 0):
                raise ValueError(
                    f"p[{t}] = 0 but A_{t} B_{t} != 0: the estimator is biased and the formula "
                    "does not apply"
                )
            continue
        total += pt * _sumsq(P / pt - C)
    return total / k


def lemma1_bound(A_blocks, B_blocks, k: int):
    r"""Lemma 1 bound :math:`\|A_i\|_F^2\|B_j\|_F^2/k`.

    ``A_blocks`` / ``B_blocks`` may be the full block row :math:`A_i` and block column
    :math:`B_j` (2-D arrays) or the sequences of their blocks
    :math:`A_{i,\iota}` / :math:`B_{\iota,j}` (the squared Frobenius norm is additive over
    blocks). Integer or ``Fraction`` input gives an exact ``Fraction``; floats give a float.

    Example:
        >>> import numpy as np
        >>> from ffcc.sketch import lemma1_bound
        >>> lemma1_bound(np.array([[3, 4]]), [np.array([[1]]), np.array([[2]])], 5)
        Fraction(25, 1)
    """
    k = _pos_int(k, "k")

    def exact_input(X) -> bool:
        seq = [X] if isinstance(X, np.ndarray) and X.ndim == 2 else list(X)
        return all(np.asarray(b).dtype.kind in "iubO" for b in seq)

    exact = exact_input(A_blocks) and exact_input(B_blocks)
    zero = Fraction(0) if exact else 0.0
    sa = sum((_sumsq(b) for b in _as_blocks(A_blocks, exact, "A_blocks")), zero)
    sb = sum((_sumsq(b) for b in _as_blocks(B_blocks, exact, "B_blocks")), zero)
    return Fraction(sa * sb, k) if exact else sa * sb / k


def pad_to_grid(A, B, m: int, n: int, q: int):
    r"""Zero-pad ``A`` (``L x N``) and ``B`` (``N x M``) up to the next multiples of the grid:
    ``m | L``, ``q | N``, ``n | M``.

    Exact for Grid CR-MM: a zero block has norm 0, so its probability
    :math:`p_\iota \propto \|A_{i,\iota}\|_F\|B_{\iota,j}\|_F` is 0 and it is never sampled;
    the padded product is :math:`\begin{pmatrix} AB & 0 \\ 0 & 0 \end{pmatrix}`, so cropping
    to ``L x M`` gives the estimate of ``A @ B``.

    Returns ``(A, B, (dL, dN, dM))``, the zero rows/columns added (the inputs themselves when
    nothing is added).

    Example:
        >>> import numpy as np
        >>> A, B, pad = pad_to_grid(np.ones((34, 34)), np.ones((34, 34)), 2, 2, 16)
        >>> A.shape, B.shape, pad
        ((34, 48), (48, 34), (0, 14, 0))
    """
    A = np.asarray(A)
    B = np.asarray(B)
    pad = (-A.shape[0] % m, -A.shape[1] % q, -B.shape[1] % n)
    if any(pad):
        A = np.pad(A, ((0, pad[0]), (0, pad[1])))
        B = np.pad(B, ((0, pad[1]), (0, pad[2])))
    return A, B, pad
