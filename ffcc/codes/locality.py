r"""Locality-based codes: inputs with linear dependencies need fewer workers.

Two constructions from the locality toolkit the paper builds on (Section II-B, Theorem 1):

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

**Per-coordinate locality** (Rudow, Guruswami, Rashmi 2023; the paper's Theorem 1). Samples
:math:`(l_i, r_i)`, :math:`i \le k`, of basis indices (repeats allowed). With
:math:`S_l = \{i : l_i = l\}`, :math:`u_1 = \min_l |S_l|` (likewise :math:`S'_r`,
:math:`u_2`) and distinct :math:`\beta_1, \dots, \beta_k`:

.. math:: \varphi_l(z) = \prod_{i \notin S_l} (z - \beta_i) \cdot \pi_{|S_l| - u_1}(z), \qquad
          \psi_r(z) = \prod_{i \notin S'_r} (z - \beta_i) \cdot \pi_{|S'_r| - u_2}(z),

where :math:`\pi_e(z) = \prod_{m<e} (z - \gamma_m)` pads every :math:`\varphi_l` to degree
:math:`k - u_1` (every :math:`\psi_r` to :math:`k - u_2`) with nodes :math:`\gamma_m` that are
not :math:`\beta`'s, so the pad does not vanish on :math:`S_l`. Worker j at :math:`x_j` gets
:math:`\sum_l \varphi_l(x_j) A_l` and :math:`\sum_r \psi_r(x_j) B_r`. At :math:`\beta_i` every
:math:`\varphi_l` with :math:`l \ne l_i` vanishes, so

.. math:: h(\beta_i) = \varphi_{l_i}(\beta_i)\, \psi_{r_i}(\beta_i)\, A_{l_i} B_{r_i}, \qquad
          \deg h = N = 2k - u_1 - u_2,

and any :math:`N + 1` workers decode (Theorem 1: :math:`w_{k,s} + 2 - u_1 - u_2` workers).

*Span-aware decoding.* h always lies in :math:`V = \mathrm{span}\{\varphi_l \psi_r\}`. The
products of *sampled* pairs are independent (each is non-zero only at its own
:math:`\beta`'s); those of unsampled pairs vanish at every :math:`\beta_i`, so they lie in
:math:`\prod_i (z - \beta_i) \cdot \mathcal P_{k - u_1 - u_2}`. Hence

.. math:: \dim V \le \#\{\text{distinct pairs}\} + \min(\#\{\text{unsampled pairs}\},
          k - u_1 - u_2 + 1),

which can be below :math:`N + 1`. For a complete :math:`K_{a,b}` grid (every pair sampled
once) :math:`\dim V = ab`, against :math:`N + 1 = ab + (a-1)(b-1)`; for :math:`K_{2,2}`,
4 against 5. The decoder then solves for h in a basis of V instead of interpolating
(:meth:`CoordinateScheme.decode`), and :func:`theorem1_report` puts the bound beside the
threshold the exhaustive verifier measures for this encoder. (In every case tried --
cycles, complete grids, paths, stars, repeated samples -- the measured threshold equalled
:math:`\dim V`; that is an observation, not a theorem: points need not be unisolvent for
an arbitrary subspace.) ``span_aware=True`` keeps only measured-threshold + s workers.

*Repeated samples.* ``merge=True`` (default) computes each distinct pair once: the sample
list is deduplicated first, which can lower :math:`u_1, u_2`. ``merge=False`` keeps the
repeats with their own :math:`\beta`'s, as in the paper's counting (k counts repeats).

Node layout: :math:`\beta_i = 1, \dots, k`, then the pad nodes :math:`\gamma`, then the
worker nodes; all distinct, so p must exceed their number (a :class:`FieldError` names a
prime that would do).

References
----------
M. Rudow, K. V. Rashmi, V. Guruswami, "A locality-based lens for coded computation",
ISIT 2021. M. Rudow, V. Guruswami, K. V. Rashmi, "On expanding the toolkit of locality-based
coded computation to the coordinates of inputs", ISIT 2023. Rudow, Charalambides, Hero,
Rashmi, "Compression-informed coded computing", Theorem 1 and Figure 2.

Example
-------
>>> from ffcc.codes.locality import dependency_code, coordinate_code, theorem1_report
>>> from ffcc.verify import verify
>>> S = dependency_code(4, s=1, alphas=[2, 3, 5])  # X_4 = 2 X_1 + 3 X_2 + 5 X_3
>>> S.w, S.R  # w_{4,1} - 2 = 6, threshold 2k - 3 = 5
(6, 5)
>>> verify(S).holds
True
>>> C = coordinate_code("0-0,0-1,1-1,1-2,2-2,2-3,3-3,3-0", s=1)  # Figure 2, 8-cycle
>>> C.w, C.R, C.params["theorem1_threshold"]
(14, 13, 13)
>>> r = theorem1_report("0-0,0-1,1-0,1-1")  # K_{2,2}
>>> r.bound_threshold, r.span_dimension, r.measured_threshold
(5, 4, 4)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from ..field import FieldError, PrimeField
from ..scheme import DecodingError, Scheme, SchemeError
from ._catalog import Construction, register

__all__ = [
    "FIGURE2",
    "CoordinateScheme",
    "DependencyScheme",
    "NodeCode",
    "Theorem1Report",
    "coordinate_code",
    "dependency_code",
    "dependency_threshold",
    "parse_ints",
    "parse_samples",
    "theorem1_bound",
    "theorem1_report",
]

#: The paper's Figure 2 (0-based): one 8-cycle over A_{1..4,1} and B_{1,1..4}.
FIGURE2 = ((0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0))


# -- parameter parsing (command line strings or Python values) ----------------------------
def parse_ints(value, name: str = "value") -> list[int]:
    """``"1,2,-3"``, ``"1 2 3"``, ``[1, 2, 3]`` or None (empty) -> list of ints."""
    if value is None:
        return []
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return [int(value)]
    if isinstance(value, str):
        parts = [x for x in re.split(r"[,\s]+", value.strip().strip("[]()")) if x]
        try:
            return [int(x) for x in parts]
        except ValueError:
            raise SchemeError(
                f"{name} must be integers separated by commas, e.g. '1,2,3'; got {value!r}"
            ) from None
    try:
        out = []
        for v in value:
            if isinstance(v, bool) or int(v) != v:
                raise TypeError
            out.append(int(v))
        return out
    except (TypeError, ValueError):
        raise SchemeError(f"{name} must be a list of integers, got {value!r}") from None


def parse_samples(value) -> list[tuple[int, int]]:
    """Samples as ``"0-0,0-1,1-1"`` (l-r pairs, comma separated) or ``[(0, 0), (0, 1)]``.

    Indices are non-negative integers (0-based basis labels); order and repeats are kept.

    >>> parse_samples("0-0, 0-1,1-1")
    [(0, 0), (0, 1), (1, 1)]
    """
    if isinstance(value, str):
        out = []
        for item in (x.strip() for x in value.split(",")):
            if not item:
                continue
            m = re.fullmatch(r"(\d+)\s*[-:]\s*(\d+)", item)
            if not m:
                raise SchemeError(
                    f"samples: {item!r} is not an 'l-r' pair of basis indices; write samples "
                    "like '0-0,0-1,1-1'"
                )
            out.append((int(m.group(1)), int(m.group(2))))
    else:
        out = []
        try:
            for pair in value:
                l, r = pair
                if any(isinstance(v, bool) or int(v) != v or v < 0 for v in (l, r)):
                    raise ValueError
                out.append((int(l), int(r)))
        except (TypeError, ValueError):
            raise SchemeError(
                f"samples must be pairs (l, r) of non-negative integers, got {value!r}"
            ) from None
    if not out:
        raise SchemeError("samples: need at least one sampled pair")
    return out


# -- small polynomial helpers over GF(p) (Python ints, low degree first) ------------------
def _poly_from_roots(roots: Sequence[int], p: int) -> list[int]:
    c = [1]
    for a in roots:
        # multiply by (z - a)
        c = [
            ((c[i - 1] if i else 0) - a * (c[i] if i < len(c) else 0)) % p
            for i in range(len(c) + 1)
        ]
    return c


def _poly_mul(a: Sequence[int], b: Sequence[int], p: int) -> list[int]:
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] = (out[i + j] + x * y) % p
    return out


def _poly_at(c: Sequence[int], z: int, p: int) -> int:
    acc = 0
    for x in reversed(c):
        acc = (acc * z + x) % p
    return acc


def _coeff_matrix(polys: Sequence[Sequence[int]], n: int) -> np.ndarray:
    """Coefficients as columns: (n, len(polys)), zero-padded to n rows."""
    M = np.zeros((n, len(polys)), dtype=np.int64)
    for j, c in enumerate(polys):
        M[: len(c), j] = c
    return M


# -- a scheme whose workers return h(x_j) for one polynomial h ------------------------------
class NodeCode(Scheme):
    r"""A :class:`~ffcc.scheme.Scheme` in which worker j returns :math:`h(x_j)` for one
    polynomial h of degree at most N, and every target is a fixed linear functional of h.

    ``params`` holds ``nodes`` (the :math:`x_j`), ``degree`` (N) and ``threshold`` (the R
    the scheme is built for), and the targets either as ``target_rows`` (one row of length
    N + 1 per target, applied to the coefficients of h) or as ``target_nodes`` and
    ``target_scales``: target t is :math:`h(\beta_t) / c_t`. :meth:`decode` interpolates h
    from any N + 1 answers with :meth:`~ffcc.field.PrimeField.vandermonde_inverse` and
    applies the rows; with fewer answers it solves for h in :meth:`span_basis` (by default
    all polynomials of degree at most N, which then fails with :class:`DecodingError`). The
    generic :meth:`Scheme.decode` stays available as an independent cross-check.
    """

    def __post_init__(self):
        super().__post_init__()
        F = self.field
        try:
            self.nodes = np.asarray(self.params["nodes"], dtype=np.int64)
            self.degree = int(self.params["degree"])
            self.threshold = int(self.params["threshold"])
        except KeyError as e:
            raise SchemeError(f"{type(self).__name__} needs params[{e.args[0]!r}]") from None
        if self.nodes.shape != (self.w,):
            raise SchemeError(f"{self.w} workers but {self.nodes.size} evaluation points")
        n = self.degree + 1
        if "target_rows" in self.params:
            rows = F.array(self.params["target_rows"], "params['target_rows']")
        else:
            try:
                beta = self.params["target_nodes"]
                scales = [int(c) % self.p for c in self.params["target_scales"]]
            except KeyError as e:
                raise SchemeError(f"{type(self).__name__} needs params[{e.args[0]!r}]") from None
            if len(scales) != len(beta) or any(c == 0 for c in scales):
                raise SchemeError("need one non-zero scale per target node")
            inv = np.array([F.inv(c) for c in scales], dtype=np.int64)
            rows = F.mul(F.vandermonde(beta, n), inv[:, None])
        if rows.shape != (len(self.targets), n):
            raise SchemeError(
                f"target rows have shape {rows.shape}, expected {(len(self.targets), n)}"
            )
        self.target_rows = np.ascontiguousarray(rows)
        self._fast: dict[tuple[int, ...], np.ndarray] = {}

    def span_basis(self) -> np.ndarray:
        """Rows: coefficient vectors (length N + 1) of a basis of the space h lies in."""
        return np.eye(self.degree + 1, dtype=np.int64)

    def functional(self, workers: Sequence[int]) -> np.ndarray:
        """(targets x len(workers)) matrix from the answers of these workers to the targets.

        Raises :class:`DecodingError` when these workers do not determine every target.
        """
        F = self.field
        key = tuple(int(j) for j in workers)
        if key in self._fast:
            return self._fast[key]
        x = self.nodes[list(key)]
        n = self.degree + 1
        L = self.target_rows
        if len(key) == n:
            # coefficients of h = V(x)^{-1} (values); targets = L (coefficients)
            D = F.matmul(L, F.vandermonde_inverse(x))
        else:
            # h = sum_d c_d b_d over a basis b of its span: values = M^T c, targets = G^T c,
            # so D with M D^T = G gives targets = D values
            Bv = self.span_basis()
            M = F.matmul(Bv, F.vandermonde(x, n).T)
            G = F.matmul(Bv, L.T)
            try:
                D = F.solve(M, G).T
            except FieldError:
                raise DecodingError(
                    f"{self.name}: workers {list(key)} do not determine every target"
                ) from None
        self._fast[key] = D
        return D

    def _decode_erasures(self, results: Mapping[int, np.ndarray]) -> list[np.ndarray]:
        """Targets from (sanitized, consistent) worker results ``{worker: array}``.

        Uses the first N + 1 answering workers (sorted) when there are that many, else all
        of them through the span of h.
        """
        ws = sorted(int(j) for j in results)
        key = ws[: self.degree + 1]
        D = self.functional(key)
        shape = np.shape(results[key[0]])
        Y = np.stack([self.field.array(results[j], f"result {j}") for j in key])
        out = self.field.matmul(D, Y.reshape(len(key), -1))
        return [out[t].reshape(shape) for t in range(out.shape[0])]


# -- one dependency (Rudow, Rashmi, Guruswami 2021) -----------------------------------------
def dependency_threshold(k: int) -> int:
    """Recovery threshold :math:`2k - 3` of the one-dependency code (k >= 2)."""
    return 2 * k - 3


class DependencyScheme(NodeCode):
    """The one-dependency code; see the module docstring. ``params["alphas"]`` holds the
    :math:`\\alpha_i` and ``params["scales"]`` the rescalings :math:`c_i`."""


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
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise SchemeError(f"locality-dependency: k must be an integer >= 2, got {k!r}")
    k, s = int(k), int(s)
    if s < 0:
        raise SchemeError(f"locality-dependency: s must be >= 0, got {s}")
    F = PrimeField(p)
    blank = alphas is None or (isinstance(alphas, str) and not alphas.strip())
    a = [1] * (k - 1) if blank else parse_ints(alphas, "alphas")
    if len(a) != k - 1:
        raise SchemeError(
            f"locality-dependency: k = {k} needs k - 1 = {k - 1} alphas, got {len(a)}"
        )
    a = [v % F.p for v in a]
    zero = [i for i, v in enumerate(a) if v == 0]
    if zero:
        raise SchemeError(
            f"locality-dependency: alpha_{zero[0]} is 0 mod {F.p}; every alpha_i must be "
            f"non-zero (X_{zero[0]} does not take part in the dependency: drop it and use "
            "k - 1 pairs, or code it separately)"
        )
    R = dependency_threshold(k)
    w = R + s
    beta = F.nodes(k + w, what="dependency and worker nodes")
    beta, x = beta[:k], beta[k:]
    # Lagrange basis of beta_1..beta_{k-1}; c_i = alpha_i / l_i(beta_k)  (l_i(beta_k) != 0)
    lk = F.lagrange_matrix(beta[:-1], beta[-1:])[0]
    c = [a[i] * F.inv(int(lk[i])) % F.p for i in range(k - 1)]
    E = F.mul(F.lagrange_matrix(beta[:-1], x), np.array(c, dtype=np.int64)[None, :])
    targets = [[((i, i), 1)] for i in range(k - 1)]
    targets.append([((i, j), a[i] * a[j] % F.p) for i in range(k - 1) for j in range(k - 1)])
    scales = [ci * ci % F.p for ci in c] + [1]
    params = {
        "k": k,
        "alphas": a,
        "scales": c,
        "nodes": x.tolist(),
        "degree": 2 * k - 4,
        "threshold": R,
        "target_nodes": beta.tolist(),
        "target_scales": scales,
        "formula": "2k - 3 (+ s) = w_{k,s} - 2",
    }
    return DependencyScheme(
        F,
        [k - 1, k - 1],
        [[row, row] for row in E.tolist()],
        targets,
        stragglers=s,
        name=f"locality-dependency(k={k})",
        params=params,
    )


# -- per-coordinate locality (the paper's Theorem 1) -----------------------------------------
def theorem1_bound(samples, s: int = 0, *, merge: bool = True) -> dict:
    """The Theorem 1 numbers for a sample list: k, u1, u2, threshold and workers.

    >>> theorem1_bound(FIGURE2, s=2)["workers"]
    15
    """
    smp = parse_samples(samples)
    if merge:
        smp = list(dict.fromkeys(smp))
    k = len(smp)
    u1 = min(Counter(l for l, _ in smp).values())
    u2 = min(Counter(r for _, r in smp).values())
    R = 2 * k - u1 - u2 + 1
    return {
        "k": k,
        "u1": u1,
        "u2": u2,
        "threshold": R,
        "workers": R + s,
        "matdot_workers": 2 * k - 1 + s,
    }


class CoordinateScheme(NodeCode):
    r"""The per-coordinate locality code of Theorem 1, with a span-aware decoder.

    ``params``: ``samples`` (as built, after merging), ``left``/``right`` (basis labels in
    index order), ``u1``, ``u2``, ``theorem1_threshold`` (:math:`2k - u_1 - u_2 + 1`),
    ``theorem1_workers``, ``span_dimension`` (:math:`\dim V`), ``phi``/``psi`` (coefficient
    lists), ``target_samples`` (the sample giving each target) and the nodes.
    """

    def span_basis(self) -> np.ndarray:
        if not hasattr(self, "_span"):
            F = self.field
            n = self.degree + 1
            prods = [
                _poly_mul(f, g, self.p) for f in self.params["phi"] for g in self.params["psi"]
            ]
            Rm, piv = F.rref(_coeff_matrix(prods, n).T)
            self._span = np.ascontiguousarray(Rm[: piv.size])
        return self._span


def coordinate_code(
    samples=FIGURE2,
    s: int = 0,
    *,
    merge: bool = True,
    span_aware: bool = False,
    p: int = 65537,
) -> CoordinateScheme:
    r"""The Theorem 1 code for sampled pairs :math:`(A_{l_i}, B_{r_i})`.

    Parameters
    ----------
    samples:
        Pairs ``(l, r)`` of basis labels, as a list or a string ``"0-0,0-1,1-1"``. The basis
        of each coordinate is the sorted set of labels used (``params["left"]``,
        ``params["right"]`` map indices back to labels).
    s:
        Stragglers tolerated.
    merge:
        True: compute each distinct pair once (deduplicate first; u1, u2 are those of the
        distinct pairs). False: keep repeats, each with its own :math:`\beta` (the paper's
        counting).
    span_aware:
        False: :math:`w = 2k - u_1 - u_2 + 1 + s` (Theorem 1). True: measure, with the
        exhaustive verifier, the smallest R* at which every R*-subset of those workers
        decodes, and keep only the first R* + s of them (every R*-subset of a subset is an
        R*-subset of the whole, so the claim carries over). ``params["measured_threshold"]``
        records R*.
    p:
        The prime field.

    Targets: one per distinct pair, :math:`A_l B_r` (term ``((l, r), 1)`` in index order).
    """
    F = PrimeField(p)
    s = int(s)
    if s < 0:
        raise SchemeError(f"locality-coordinates: s must be >= 0, got {s}")
    raw = parse_samples(samples)
    smp = list(dict.fromkeys(raw)) if merge else raw
    left = sorted({l for l, _ in smp})
    right = sorted({r for _, r in smp})
    li = {v: i for i, v in enumerate(left)}
    ri = {v: i for i, v in enumerate(right)}
    idx = [(li[l], ri[r]) for l, r in smp]
    k = len(idx)
    S1 = [[i for i, (l, _) in enumerate(idx) if l == a] for a in range(len(left))]
    S2 = [[i for i, (_, r) in enumerate(idx) if r == b] for b in range(len(right))]
    u1 = min(len(S) for S in S1)
    u2 = min(len(S) for S in S2)
    N = 2 * k - u1 - u2
    R1 = N + 1
    npad = max(max(len(S) for S in S1) - u1, max(len(S) for S in S2) - u2)
    w = R1 + s
    allnodes = F.nodes(k + npad + w, what="sample, pad and worker nodes")
    beta = [int(v) for v in allnodes[:k]]
    gamma = [int(v) for v in allnodes[k : k + npad]]
    x = allnodes[k + npad :]

    def locator(S, u):
        inside = set(S)
        roots = [beta[i] for i in range(k) if i not in inside] + gamma[: len(S) - u]
        return _poly_from_roots(roots, F.p)

    phi = [locator(S, u1) for S in S1]
    psi = [locator(S, u2) for S in S2]
    E1 = F.poly_eval(_coeff_matrix(phi, k - u1 + 1), x)
    E2 = F.poly_eval(_coeff_matrix(psi, k - u2 + 1), x)
    pairs = list(dict.fromkeys(idx))
    first = [idx.index(pr) for pr in pairs]
    scales = [
        _poly_at(phi[pr[0]], beta[i], F.p) * _poly_at(psi[pr[1]], beta[i], F.p) % F.p
        for pr, i in zip(pairs, first, strict=True)
    ]
    prods = [_poly_mul(f, g, F.p) for f in phi for g in psi]
    D = F.rank(_coeff_matrix(prods, N + 1))
    params = {
        "samples": [list(v) for v in smp],
        "merge": bool(merge),
        "left": left,
        "right": right,
        "k": k,
        "u1": u1,
        "u2": u2,
        "theorem1_threshold": R1,
        "theorem1_workers": R1 + s,
        "matdot_workers": 2 * k - 1 + s,
        "span_dimension": D,
        "phi": phi,
        "psi": psi,
        "beta": beta,
        "gamma": gamma,
        "target_samples": first,
        "nodes": x.tolist(),
        "degree": N,
        "threshold": R1,
        "target_nodes": [beta[i] for i in first],
        "target_scales": scales,
        "formula": "2k - u1 - u2 + 1 (+ s) = w_{k,s} + 2 - u1 - u2",
    }
    name = f"locality-coordinates(k={k}, u=({u1},{u2}))"
    build = dict(stragglers=s, name=name)
    enc = [[E1[j].tolist(), E2[j].tolist()] for j in range(w)]
    tg = [[(pr, 1)] for pr in pairs]
    S = CoordinateScheme(F, [len(left), len(right)], enc, tg, params=params, **build)
    if not span_aware:
        return S
    from ..verify import recovery_threshold  # local: verify is heavier than this module

    Rm = recovery_threshold(S)
    if Rm is None:  # cannot happen: all N + 1 + s distinct nodes interpolate h
        raise SchemeError(f"{name}: even all {w} workers do not decode")
    params = {**params, "measured_threshold": Rm, "threshold": Rm, "nodes": x[: Rm + s].tolist()}
    return CoordinateScheme(F, S.basis, enc[: Rm + s], tg, params=params, **build)


@dataclass(frozen=True)
class Theorem1Report:
    """Theorem 1's bound beside what the verifier measures for the same encoder.

    ``bound_threshold`` = :math:`N + 1 = 2k - u_1 - u_2 + 1`; ``span_dimension`` =
    :math:`\\dim V`, :math:`V = \\mathrm{span}\\{\\varphi_l \\psi_r\\}` (when it equals
    N + 1, V holds every polynomial of degree N and the threshold is exactly N + 1: the
    evaluation at a :math:`\\beta` is not in the span of N distinct worker evaluations);
    ``measured_threshold`` = smallest R at which every R-subset of the ``bound_workers``
    Theorem 1 workers decodes every target; ``matdot_workers`` = :math:`w_{k,s}` for the same
    k.
    """

    k: int
    distinct_pairs: int
    u1: int
    u2: int
    s: int
    merge: bool
    bound_threshold: int
    bound_workers: int
    span_dimension: int
    measured_threshold: int | None  # None: not even all the workers decode
    measured_workers: int | None
    matdot_workers: int

    def to_dict(self) -> dict:
        return asdict(self)


def theorem1_report(samples, s: int = 0, *, merge: bool = True, p: int = 65537) -> Theorem1Report:
    """Build the Theorem 1 encoder for ``samples`` and measure its true threshold.

    >>> r = theorem1_report(FIGURE2, s=0)
    >>> (r.bound_threshold, r.span_dimension, r.measured_threshold, r.matdot_workers)
    (13, 13, 13, 15)
    """
    from ..verify import recovery_threshold

    S = coordinate_code(samples, s, merge=merge, p=p)
    P = S.params
    Rm = recovery_threshold(S)
    return Theorem1Report(
        k=P["k"],
        distinct_pairs=len(S.targets),
        u1=P["u1"],
        u2=P["u2"],
        s=s,
        merge=bool(merge),
        bound_threshold=P["theorem1_threshold"],
        bound_workers=P["theorem1_workers"],
        span_dimension=P["span_dimension"],
        measured_threshold=Rm,
        measured_workers=None if Rm is None else Rm + s,
        matdot_workers=P["matdot_workers"],
    )


# -- catalog ---------------------------------------------------------------------------------
def _flag(v) -> bool:
    if isinstance(v, str):
        if v.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if v.strip().lower() in ("0", "false", "no", "off", ""):
            return False
        raise SchemeError(f"expected a flag (0/1, true/false), got {v!r}")
    return bool(v)


def _coordinates_entry(samples, s, merge, span_aware, p):
    return coordinate_code(samples, s, merge=_flag(merge), span_aware=_flag(span_aware), p=p)


def _coordinates_workers(samples, s, merge, span_aware, p, **_):
    if _flag(span_aware):
        return theorem1_report(samples, s, merge=_flag(merge), p=p).measured_workers
    return theorem1_bound(samples, s, merge=_flag(merge))["workers"]


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

register(
    Construction(
        name="locality-coordinates",
        build=_coordinates_entry,
        defaults={
            "samples": ",".join(f"{l}-{r}" for l, r in FIGURE2),
            "s": 1,
            "merge": 1,
            "span_aware": 0,
            "p": 65537,
        },
        threshold="2k - u1 - u2 + 1 (+ s workers) = w_{k,s} + 2 - u1 - u2 (Theorem 1); "
        "span_aware=1: the measured threshold of the same encoder",
        workers=_coordinates_workers,
        reference="Rudow, Guruswami, Rashmi, ISIT 2023; Rudow, Charalambides, Hero, Rashmi, "
        "Compression-informed coded computing, Theorem 1",
        summary="A_l B_r for every sampled pair (l, r), exploiting how often each basis "
        "block is shared (u1, u2)",
        param_help={
            "samples": "sampled pairs l-r, comma separated, e.g. '0-0,0-1,1-1,1-0' "
            "(default: the paper's Figure 2 8-cycle)",
            "s": "stragglers tolerated",
            "merge": "1: compute each distinct pair once (default); 0: keep repeats",
            "span_aware": "1: keep only measured-threshold + s workers (exhaustive check)",
            "p": "prime field modulus",
        },
        plan=dict(  # Theorem 1 saves workers where every block is used at least twice
            name="theorem1",
            applies=lambda spec: sum(spec.u) > 2,
            workers=lambda spec: 2 * spec.k - sum(spec.u) + 1 + spec.t,
            formula="2k - u1 - u2 + 1",
            build=lambda spec, p: spec.with_faults(
                coordinate_code(list(spec.pairs), spec.t, merge=spec.merge, p=p)
            ),
            rank=2,
        ),
    )
)
