r"""Secure distributed matrix multiplication: codes whose coded inputs carry random masks.

Each code encodes A and B as matrix polynomials evaluated at the workers' nodes,

.. math::

    f(x) = \sum_i A_i x^{\alpha_i} + \sum_{t<X} R_t x^{\alpha_{K+t}}, \qquad
    g(x) = \sum_j B_j x^{\beta_j} + \sum_{t<X} S_t x^{\beta_{L+t}},

with uniformly random masks :math:`R_t, S_t` (the scheme's ``random`` basis inputs). Worker
k returns :math:`f(x_k) g(x_k)`; the wanted products :math:`A_i B_j` are coefficients of
:math:`h = fg` at exponents no other term reaches. Two promises, both checked by
:func:`ffcc.verify.verify` (``secrecy=X``):

* *recovery*: every set of N workers (the distinct exponents of h, its *degree table*)
  determines every target;
* *X-security*: any X colluding workers see shares whose mask part
  :math:`(x_k^{\alpha_{K+t}})_{k,t}` has full rank, so their shares are uniform whatever
  A and B are.

Constructions
-------------
* :func:`secure_matdot` -- Aliasgari, Simeone, Kliewer, "Private and secure distributed
  matrix multiplication with flexible communication load", IEEE Trans. Inf. Forensics
  Security 15, 2020: MatDot with X masks per side, :math:`N = 2m + 2X - 1`.
* :func:`gasp` -- D'Oliveira, El Rouayheb, Karpuk, "GASP codes for secure distributed
  matrix multiplication", IEEE Trans. Inf. Theory 66(7), 2020 (``GASP_big``), and the
  family ``GASP_r`` of D'Oliveira, El Rouayheb, Heinlein, Karpuk, "Degree tables for
  secure distributed matrix multiplication", IEEE J. Sel. Areas Inf. Theory 2(3), 2021.
  N is the number of distinct entries of the degree table :math:`\alpha + \beta`.
* :func:`polynomial_sharing` -- polynomial-code shares with X Shamir masks per side, after
  Nodehi and Maddah-Ali, "Limited-sharing multi-party computation for massive matrix
  operations", ISIT 2018; the exponents are arranged here so that h has no gaps,
  :math:`N = n(m + X) + m + 2X - 1`.

The targets are decoded by the generic decoder (or the GASP generalised Vandermonde,
which over a small field can be singular: GASP over GF(17) with nodes 1..16 fails on the
8 workers whose nodes sum to 0, see ``notebooks/08_secure_and_batch.ipynb``).

Example
-------
>>> from ffcc.codes.secure import secure_matdot
>>> from ffcc.verify import verify
>>> S = secure_matdot(2, X=1, p=23)
>>> S.w, S.random, S.secrecy
(5, ((2,), (2,)), 1)
>>> rep = verify(S)
>>> rep.holds, rep.secrecy.secure
(True, True)
>>> F = S.field
>>> A, B = F.random((2, 4), 0), F.random((4, 3), 1)
>>> coded = S.encode(share(S, S.split(A, B), rng=2))
>>> C = S.assemble_targets(S.decode({j: S.compute(coded[j]) for j in range(S.w)}))
>>> bool((C == (A.astype(object) @ B.astype(object)) % F.p).all())
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..field import PrimeField
from ..scheme import Scheme, SchemeError
from ._catalog import Construction, register
from ._form import build_scheme
from .parsing import check_int, parse_ints
from .polynomial import block_form

__all__ = [
    "SecureScheme",
    "degree_table",
    "gasp",
    "gasp_exponents",
    "polynomial_sharing",
    "secure_matdot",
    "share",
]


def degree_table(alpha: Sequence[int], beta: Sequence[int]) -> list[int]:
    """The distinct exponents :math:`\\alpha_i + \\beta_j` of h = f g, sorted.

    >>> degree_table([0, 1, 4], [0, 2, 4])  # GASP_big, K = L = 2, T = 1: N = 8
    [0, 1, 2, 3, 4, 5, 6, 8]
    """
    return sorted({int(a) + int(b) for a in alpha for b in beta})


class SecureScheme(Scheme):
    r"""A masked product code ``C = A B``: data blocks of A, B followed by X masks each.

    ``params["split"]`` is ``"inner"`` (A in m column blocks, B in m row blocks, one
    target AB) or ``"outer"`` (A in K row blocks, B in L column blocks, targets
    :math:`A_k B_l`); :meth:`split` cuts A and B accordingly and :func:`share` appends
    the masks.

    >>> S = secure_matdot(2, X=1, p=23)  # A in 2 column blocks, B in 2 row blocks, 1 mask each
    >>> isinstance(S, SecureScheme), S.params["split"], S.basis
    (True, 'inner', (3, 3))
    >>> F = S.field
    >>> [a.shape for a in S.split(F.random((2, 4), 0), F.random((4, 3), 1))[0]]
    [(2, 2), (2, 2)]
    """

    def split(self, A, B) -> list[list[np.ndarray]]:
        """The data blocks ``[[A_0, ...], [B_0, ...]]`` (masks not included)."""
        F = self.field
        A, B = F.array(A, "A"), F.array(B, "B")
        if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
            raise SchemeError(f"A {A.shape} and B {B.shape} do not multiply")
        ka, kb = (self.basis[c] - len(self.random[c]) for c in range(2))
        if self.params["split"] == "inner":
            if A.shape[1] % ka:
                raise SchemeError(f"{self.name}: {A.shape[1]} inner columns do not split in {ka}")
            return [np.split(A, ka, axis=1), np.split(B, kb, axis=0)]
        if A.shape[0] % ka or B.shape[1] % kb:
            raise SchemeError(
                f"{self.name}: A's {A.shape[0]} rows / B's {B.shape[1]} columns do not split "
                f"into {ka} / {kb} equal blocks; pad with zeros first"
            )
        return [np.split(A, ka, axis=0), np.split(B, kb, axis=1)]


def share(scheme: Scheme, data: Sequence[Sequence[np.ndarray]], rng=None) -> list[list]:
    """The full basis inputs: each coordinate's data blocks with uniformly random masks
    inserted at the scheme's ``random`` indices (the same shape as the data blocks).

    >>> S = secure_matdot(2, X=1, p=23)  # basis 3 per side: 2 data blocks, a mask at index 2
    >>> F = S.field
    >>> data = S.split(F.random((2, 4), 0), F.random((4, 3), 1))
    >>> inputs = share(S, data, rng=5)
    >>> [len(c) for c in inputs], inputs[1][2].shape  # the mask has the shape of the data
    ([3, 3], (2, 3))
    >>> all((inputs[c][l] == data[c][l]).all() for c in range(2) for l in range(2))
    True
    """
    F = scheme.field
    rng = np.random.default_rng(rng)
    out = []
    for c, blocks in enumerate(data):
        masks = scheme.random[c]
        want = scheme.basis[c] - len(masks)
        if len(blocks) != want:
            raise SchemeError(f"coordinate {c} needs {want} data blocks, got {len(blocks)}")
        it = iter(blocks)
        shape = np.shape(blocks[0])
        out.append(
            [F.random(shape, rng) if l in masks else next(it) for l in range(scheme.basis[c])]
        )
    return out


def _masked_code(
    name: str,
    alpha: list[int],
    beta: list[int],
    X: int,
    t_exp: list[int],
    N: int,
    s: int,
    p: int,
    nodes,
    split: str,
    grid: list[list[int]],
    extra: dict,
    note: str,
) -> SecureScheme:
    r"""Workers at ``nodes`` (default 1..N + s) get f, g with the exponents alpha, beta
    (data first, the last X of each are masks); target t sits at exponent t_exp[t] of h.
    The scheme is the numeric form of :func:`~ffcc.codes.polynomial.block_form` with the
    masks declared; the targets are the form's coefficient functionals (e.g.
    :math:`\sum_i A_i B_i` for secure MatDot)."""
    if s is not None:  # None: s follows from the nodes
        s = check_int(s, f"{name}: s", lowest=0)
    F = PrimeField(p)
    if nodes is None:
        s = s or 0
        x = F.nodes(N + s, what=f"evaluation points for {name} (w = {N + s} workers)")
    else:
        x = np.asarray([v % F.p for v in parse_ints(nodes, f"{name}: nodes")], dtype=np.int64)
        if len(set(x.tolist())) != x.size or (x == 0).any():
            raise SchemeError(f"{name}: nodes must be distinct and non-zero in GF({F.p})")
        if x.size < N:
            raise SchemeError(f"{name}: {x.size} nodes, but N = {N} workers are needed")
        if s is not None and s != x.size - N:
            raise SchemeError(
                f"{name}: s = {s}, but {x.size} nodes for N = {N} workers tolerate "
                f"s = {x.size - N}; give s = {x.size - N} or leave s out"
            )
    w = int(x.size)
    kA, kB = len(alpha) - X, len(beta) - X
    form = replace(
        block_form(name, [len(alpha), len(beta)], alpha, beta, t_exp, x.tolist(), w - N,
                   notes=(note,)),
        random=(tuple(range(kA, kA + X)), tuple(range(kB, kB + X))),
        secrecy=X,
    )  # fmt: skip
    params = {
        "construction": name,
        "X": int(X),
        "threshold": int(N),
        "split": split,
        "alpha": [int(a) for a in alpha],
        "beta": [int(b) for b in beta],
        "target_exponents": [int(e) for e in t_exp],
        **extra,
    }
    return build_scheme(
        form, F, SecureScheme, name=name, params=params, nodes=x.tolist(), assembly=grid
    )


# -- secure MatDot ------------------------------------------------------------------------------


def secure_matdot_threshold(m: int, X: int) -> int:
    """N = 2m + 2X - 1 workers: h = f g has degree 2(m + X - 1)."""
    return 2 * m + 2 * X - 1


def secure_matdot(m: int = 2, X: int = 1, s: int | None = None, *, p: int = 65537, nodes=None):
    r"""Secure MatDot (Aliasgari, Simeone, Kliewer 2020): AB from any 2m + 2X - 1 workers,
    nothing about A or B to any X of them.

    A in m column blocks, B in m row blocks;
    :math:`f(x) = \sum_{i<m} A_i x^i + \sum_{t<X} R_t x^{m+t}`,
    :math:`g(x) = \sum_{i<m} B_i x^{m-1-i} + \sum_{t<X} S_t x^{m+t}`. Only
    :math:`A_i B_i` reach :math:`x^{m-1}` (every mask term has exponent at least m), so
    AB is that coefficient of h, of degree 2m + 2X - 2. The X x X mask matrix of X workers
    is :math:`\mathrm{diag}(x_k^m)` times a Vandermonde matrix: invertible at distinct
    non-zero nodes.

    >>> S = secure_matdot(3, X=2, p=23)
    >>> S.params["threshold"], S.w
    (9, 9)
    """
    m, X = check_int(m, "secure-matdot: m"), check_int(X, "secure-matdot: X")
    alpha = list(range(m)) + [m + t for t in range(X)]
    beta = [m - 1 - i for i in range(m)] + [m + t for t in range(X)]
    N = secure_matdot_threshold(m, X)
    note = ("A_i -> z^i, R_t -> z^(m+t-1); B_i -> z^(m-1-i), S_t -> z^(m+t-1) (t = 1..X); "
            "AB = sum_i A_i B_i = [z^(m-1)] h, masks reach only z^m and above")  # fmt: skip
    return _masked_code(
        "secure-matdot", alpha, beta, X, [m - 1], N, s, p, nodes, "inner", [[0]],
        {"m": int(m)}, note,
    )  # fmt: skip


# -- GASP ---------------------------------------------------------------------------------------


def gasp_exponents(K: int, L: int, T: int, r: int | None = None) -> tuple[list[int], list[int]]:
    r"""The exponents :math:`(\alpha, \beta)` of ``GASP_r`` (``r=None``: ``GASP_big``).

    :math:`\alpha_k = k` and :math:`\beta_l = Kl` for the data (0-based),
    :math:`\beta_{L+t} = KL + t` for the masks of B; the masks of A sit at
    :math:`\alpha_{K+t} = KL + \lfloor t / r \rfloor rK + (t \bmod r)` (blocks of r
    consecutive exponents, 1 <= r <= min(K, T)). ``GASP_big`` puts them at KL + t, which
    is ``GASP_r`` with r = T when T <= K. The ``GASP_r`` placement is our transcription of
    the degree-table paper's definition; nothing rests on it unchecked: :func:`gasp`
    reports N from the degree table, and ``verify`` checks recovery and T-security of
    every instance built.

    >>> gasp_exponents(2, 2, 1)
    ([0, 1, 4], [0, 2, 4])
    >>> gasp_exponents(3, 2, 3, r=1)
    ([0, 1, 2, 6, 9, 12], [0, 3, 6, 7, 8])
    """
    alpha = list(range(K))
    beta = [K * l for l in range(L)] + [K * L + t for t in range(T)]
    if r is None:
        alpha += [K * L + t for t in range(T)]
    else:
        if check_int(r, "gasp-r: r") > min(K, T):
            raise SchemeError(f"gasp-r: r must lie in [1, min(K, T) = {min(K, T)}], got {r}")
        alpha += [K * L + (t // r) * r * K + t % r for t in range(T)]
    return alpha, beta


def gasp_threshold(K: int, L: int, T: int, r: int | None = None) -> int:
    """N: the number of distinct entries of the GASP degree table."""
    return len(degree_table(*gasp_exponents(K, L, T, r)))


def gasp(
    K: int = 2, L: int = 2, T: int = 1, s: int | None = None, *, r: int | None = None,
    p: int = 65537, nodes=None,
):  # fmt: skip
    r"""GASP code (D'Oliveira, El Rouayheb, Karpuk): every :math:`A_k B_l` from N workers,
    nothing to any T of them.

    A in K row blocks, B in L column blocks (the outer-product partition); the exponents
    are :func:`gasp_exponents`; N is the number of distinct entries of the degree table
    (:func:`degree_table`), and each target :math:`A_k B_l` sits at exponent
    :math:`k + Kl`, reached by no other product. Decoding inverts a *generalised*
    Vandermonde matrix (exponents with gaps), which is invertible for generic nodes but
    can be singular for particular ones in a small field -- verification finds them.

    ``nodes`` chooses the evaluation points (w = len(nodes), s = w - N; a different s is
    an error); default 1..N+s.

    >>> S = gasp(2, 2, 1)
    >>> S.params["threshold"], S.w, S.params["target_exponents"]
    (8, 8, [0, 2, 1, 3])
    """
    name = "gasp-big" if r is None else "gasp-r"
    K, L, T = (check_int(v, f"{name}: {c}") for c, v in (("K", K), ("L", L), ("T", T)))
    alpha, beta = gasp_exponents(K, L, T, r)
    N = gasp_threshold(K, L, T, r)
    t_exp = [alpha[k] + beta[l] for k in range(K) for l in range(L)]
    grid = [[k * L + l for l in range(L)] for k in range(K)]
    extra = {"K": int(K), "L": int(L), "r": None if r is None else int(r)}
    where = "KL + t - 1" if r is None else "KL + rK floor((t-1)/r) + (t-1) mod r"
    note = (f"A_k -> z^k, R_t -> z^({where}); B_l -> z^(K l), S_t -> z^(KL + t - 1); "
            "A_k B_l = [z^(k + K l)] h, an exponent below KL that no mask reaches")  # fmt: skip
    return _masked_code(name, alpha, beta, T, t_exp, N, s, p, nodes, "outer", grid, extra,
                        note)  # fmt: skip


def gasp_r(
    K: int = 3,
    L: int = 2,
    T: int = 2,
    s: int | None = None,
    *,
    r: int = 1,
    p: int = 65537,
    nodes=None,
):
    """``GASP_r`` (degree tables of D'Oliveira, El Rouayheb, Heinlein, Karpuk); see :func:`gasp`.

    >>> gasp_exponents(2, 2, 2, r=1)  # alpha_{K+t} = KL + rK floor(t/r) + t mod r = 4, 6
    ([0, 1, 4, 6], [0, 2, 4, 5])
    >>> S = gasp_r(2, 2, 2, r=1)  # degree table {a + b}: 0..6, 8..11 -> 11 distinct
    >>> S.params["threshold"], S.w
    (11, 11)
    """
    r = check_int(r, "gasp-r: r")  # None here would silently build GASP_big
    return gasp(K, L, T, s, r=r, p=p, nodes=nodes)


# -- polynomial sharing -------------------------------------------------------------------------


def polynomial_sharing_threshold(m: int, n: int, X: int) -> int:
    """N = n(m + X) + m + 2X - 1: h has every exponent below N (no gaps)."""
    return n * (m + X) + m + 2 * X - 1


def polynomial_sharing(
    m: int = 2, n: int = 2, X: int = 1, s: int | None = None, *, p: int = 65537, nodes=None
):
    r"""Polynomial-code shares with X Shamir masks per side (after Nodehi, Maddah-Ali 2018).

    A in m row blocks, B in n column blocks; with :math:`q = m + X`,
    :math:`f(x) = \sum_{i<m} A_i x^i + \sum_{t<X} R_t x^{m+t}`,
    :math:`g(x) = \sum_{j<n} B_j x^{jq} + \sum_{t<X} S_t x^{nq+t}`.
    :math:`A_i B_j` sits at :math:`i + jq` (residue i < m mod q), :math:`R_t B_j` at
    residues m..q-1, and every term with :math:`S_t` at or above nq, so the targets are
    clean; the exponents fill [0, N) without gaps, so any N nodes interpolate h.

    >>> polynomial_sharing(2, 2, 1).params["threshold"]
    9
    """
    m, n, X = (check_int(v, f"polynomial-sharing: {c}") for c, v in (("m", m), ("n", n), ("X", X)))
    q = m + X
    alpha = list(range(m)) + [m + t for t in range(X)]
    beta = [j * q for j in range(n)] + [n * q + t for t in range(X)]
    N = polynomial_sharing_threshold(m, n, X)
    assert len(degree_table(alpha, beta)) == N == max(alpha) + max(beta) + 1
    t_exp = [i + j * q for i in range(m) for j in range(n)]
    grid = [[i * n + j for j in range(n)] for i in range(m)]
    extra = {"m": int(m), "n": int(n)}
    note = (f"q = m + X = {q}: A_i -> z^i, R_t -> z^(m+t-1); B_j -> z^(q j), "
            "S_t -> z^(nq+t-1); A_i B_j = [z^(i + q j)] h (residue i < m mod q), R_t B_j at "
            "residues >= m, S_t terms at nq and above")  # fmt: skip
    return _masked_code(
        "polynomial-sharing", alpha, beta, X, t_exp, N, s, p, nodes, "outer", grid, extra,
        note,
    )  # fmt: skip


# -- catalog ------------------------------------------------------------------------------------

register(
    Construction(
        name="secure-matdot",
        build=secure_matdot,
        defaults={"m": 2, "X": 1, "s": 1, "p": 65537, "nodes": None},
        threshold="2m + 2X - 1 (X-secure)",
        workers=lambda m, X, s, **_: secure_matdot_threshold(m, X) + s,
        reference="Aliasgari, Simeone, Kliewer, IEEE Trans. IFS 15, 2020",
        summary="AB = sum_i A_i B_i with X random masks per side: any X workers learn nothing",
        param_help={
            "m": "column blocks of A = row blocks of B",
            "X": "colluding workers that must learn nothing",
            "s": "stragglers tolerated",
            "p": "prime field modulus",
            "nodes": "evaluation points (distinct, non-zero), e.g. 1,2,3; default 1..w",
        },
    )
)

_GASP_HELP = {
    "K": "row blocks of A",
    "L": "column blocks of B",
    "T": "colluding workers that must learn nothing",
    "s": "stragglers tolerated",
    "p": "prime field modulus",
    "nodes": "evaluation points (distinct, non-zero); w = their number",
}

register(
    Construction(
        name="gasp-big",
        build=lambda K, L, T, s, p, nodes: gasp(K, L, T, s, p=p, nodes=nodes),
        defaults={"K": 2, "L": 2, "T": 1, "s": 1, "p": 65537, "nodes": None},
        threshold="N = |degree table| (T-secure)",
        workers=lambda K, L, T, s, **_: gasp_threshold(K, L, T) + s,
        reference="D'Oliveira, El Rouayheb, Karpuk, IEEE Trans. IT 66(7), 2020",
        summary="every A_k B_l from N workers (gap additive exponents), T-secure",
        param_help=dict(_GASP_HELP),
    )
)

register(
    Construction(
        name="gasp-r",
        build=gasp_r,
        defaults={"K": 3, "L": 2, "T": 2, "s": 1, "r": 1, "p": 65537, "nodes": None},
        threshold="N = |degree table of GASP_r| (T-secure)",
        workers=lambda K, L, T, s, r, **_: gasp_threshold(K, L, T, r) + s,
        reference="D'Oliveira, El Rouayheb, Heinlein, Karpuk, IEEE JSAIT 2(3), 2021",
        summary="GASP with A's masks in blocks of r exponents, T-secure",
        param_help={**_GASP_HELP, "r": "block length of A's mask exponents, 1 <= r <= min(K, T)"},
    )
)

register(
    Construction(
        name="polynomial-sharing",
        build=polynomial_sharing,
        defaults={"m": 2, "n": 2, "X": 1, "s": 1, "p": 65537, "nodes": None},
        threshold="n(m + X) + m + 2X - 1 (X-secure)",
        workers=lambda m, n, X, s, **_: polynomial_sharing_threshold(m, n, X) + s,
        reference="after Nodehi, Maddah-Ali, ISIT 2018",
        summary="polynomial-code shares with X Shamir masks per side, X-secure",
        param_help={
            "m": "row blocks of A",
            "n": "column blocks of B",
            "X": "colluding workers that must learn nothing",
            "s": "stragglers tolerated",
            "p": "prime field modulus",
            "nodes": "evaluation points (distinct, non-zero); w = their number",
        },
    )
)
