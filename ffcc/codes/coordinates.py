r"""Per-coordinate locality: the paper's Theorem 1 code for sampled block pairs.

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
M. Rudow, V. Guruswami, K. V. Rashmi, "On expanding the toolkit of locality-based coded
computation to the coordinates of inputs", ISIT 2023. Rudow, Charalambides, Hero, Rashmi,
"Compression-informed coded computing", Theorem 1 and Figure 2.

Example
-------
>>> C = coordinate_code("0-0,0-1,1-1,1-2,2-2,2-3,3-3,3-0", s=1)  # Figure 2, 8-cycle
>>> C.w, C.R, C.params["theorem1_threshold"]
(14, 13, 13)
>>> r = theorem1_report("0-0,0-1,1-0,1-1")  # K_{2,2}
>>> r.bound_threshold, r.span_dimension, r.measured_threshold
(5, 4, 4)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from fractions import Fraction

import numpy as np

from ..field import PrimeField
from ..scheme import SchemeError
from ..verify import recovery_threshold
from ._catalog import Construction, register
from ._form import CodeForm, FormPart, Term, build_scheme, coefficients_mod, poly_value
from .nodecode import NodeCode
from .parsing import check_int, parse_flag, parse_samples
from .polyarith import coefficient_matrix, poly_at, poly_mul

__all__ = [
    "FIGURE2",
    "CoordinateScheme",
    "Theorem1Report",
    "coordinate_code",
    "coordinates_form",
    "theorem1_bound",
    "theorem1_report",
]

#: The paper's Figure 2 (0-based): one 8-cycle over A_{1..4,1} and B_{1,1..4}.
FIGURE2 = ((0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0))


def theorem1_bound(samples, s: int = 0, *, merge: bool = True) -> dict:
    """The Theorem 1 numbers for a sample list: k, u1, u2, threshold and workers.

    >>> theorem1_bound(FIGURE2, s=2)["workers"]
    15
    """
    s = check_int(s, "locality-coordinates: s", lowest=0)
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

    >>> S = coordinate_code()  # Figure 2: the 8-cycle, k = 8, u1 = u2 = 2
    >>> isinstance(S, CoordinateScheme), S.params["u1"], S.params["u2"]
    (True, 2, 2)
    >>> S.params["theorem1_threshold"], S.w  # 2*8 - 2 - 2 + 1
    (13, 13)
    """

    def span_basis(self) -> np.ndarray:
        if not hasattr(self, "_span"):
            F = self.field
            n = self.degree + 1
            prods = [poly_mul(f, g, self.p) for f in self.params["phi"] for g in self.params["psi"]]
            Rm, piv = F.rref(coefficient_matrix(prods, n).T)
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

    >>> from ffcc.verify import verify
    >>> S = coordinate_code("0-0,0-1,1-1,1-0", s=1)  # a 4-cycle: 2*4 - 2 - 2 + 1 = 5, plus s
    >>> S.w, S.params["theorem1_threshold"], verify(S).holds
    (6, 5, True)
    """
    F = PrimeField(p)
    s = check_int(s, "locality-coordinates: s", lowest=0)
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

    form = coordinates_form(idx, beta, gamma, x.tolist(), s)
    phi, psi = ([coefficients_mod(q, F.p) for _, q in sorted(pc.items())]
                for pc in form.parts[0].polys)  # fmt: skip
    pairs = list(dict.fromkeys(idx))
    first = [idx.index(pr) for pr in pairs]
    scales = [
        poly_at(phi[pr[0]], beta[i], F.p) * poly_at(psi[pr[1]], beta[i], F.p) % F.p
        for pr, i in zip(pairs, first, strict=True)
    ]
    prods = [poly_mul(f, g, F.p) for f in phi for g in psi]
    D = F.rank(coefficient_matrix(prods, N + 1))
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
    S = build_scheme(form, F, CoordinateScheme, name=name, params=params)
    if not span_aware:
        return S
    from ..verify import recovery_threshold  # local: verify is heavier than this module

    Rm = recovery_threshold(S)
    if Rm is None:  # cannot happen: all N + 1 + s distinct nodes interpolate h
        raise SchemeError(f"{name}: even all {w} workers do not decode")
    params = {**params, "measured_threshold": Rm, "threshold": Rm, "nodes": x[: Rm + s].tolist()}
    kept = replace(form.parts[0], nodes=form.parts[0].nodes[: Rm + s])
    return build_scheme(replace(form, parts=(kept,)), F, CoordinateScheme, name=name,
                        params=params)  # fmt: skip


def coordinates_form(
    idx: Sequence[tuple[int, int]], beta: Sequence[int], gamma: Sequence[int],
    x: Sequence[int], s: int,
) -> CodeForm:  # fmt: skip
    r"""The exact form of the Theorem 1 code for samples ``idx`` (index pairs (l, r)) at
    nodes ``beta``, with pad nodes ``gamma`` and workers at ``x``:
    :math:`A_l \mapsto \varphi_l`, :math:`B_r \mapsto \psi_r` (the locators of the module
    docstring), target (l, r) = :math:`h(\beta_i) / (\varphi_l(\beta_i) \psi_r(\beta_i))`
    at its first sample i.

    >>> f = coordinates_form([(0, 0), (0, 1), (1, 1)], [1, 2, 3], [4], [5, 6, 7, 8], 0)
    >>> f.parts[0].polys[0]  # phi_0 = (z - 3) times the pad (z - 4); phi_1 = (z - 1)(z - 2)
    {0: (Term(coef=1, shift=0, roots=(3, 4)),), 1: (Term(coef=1, shift=0, roots=(1, 2)),)}
    """
    k = len(idx)
    nl, nr = 1 + max(l for l, _ in idx), 1 + max(r for _, r in idx)
    S1 = [[i for i, (l, _) in enumerate(idx) if l == a] for a in range(nl)]
    S2 = [[i for i, (_, r) in enumerate(idx) if r == b] for b in range(nr)]
    u1, u2 = min(map(len, S1)), min(map(len, S2))

    def locator(S, u):
        inside = set(S)
        roots = [beta[i] for i in range(k) if i not in inside] + list(gamma[: len(S) - u])
        return (Term(1, 0, tuple(int(r) for r in roots)),)

    polys = ({a: locator(S, u1) for a, S in enumerate(S1)},
             {b: locator(S, u2) for b, S in enumerate(S2)})  # fmt: skip
    targets = []
    for pr in dict.fromkeys(idx):
        i = idx.index(pr)
        scale = poly_value(polys[0][pr[0]], beta[i]) * poly_value(polys[1][pr[1]], beta[i])
        targets.append((0, ((Fraction(1, scale), "value", beta[i]),)))
    part = FormPart(polys, tuple((1, int(v)) for v in x))
    note = (
        "sample r at beta_r; a_l(z) = prod_(r: l_r != l) (z - beta_r) (padded with "
        "gamma roots to a common degree); target (l, l') = h(beta_r)/(a_l(beta_r) b_l'(beta_r))"
    )
    return CodeForm("locality-coordinates", (nl, nr), (part,), tuple(targets), int(s), (note,))


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

    >>> r = theorem1_report("0-0,0-1,1-1,1-0")  # k = 4, every block used twice
    >>> r.k, r.u1, r.u2, r.bound_threshold, r.matdot_workers  # 2k - u1 - u2 + 1; 2k - 1
    (4, 2, 2, 5, 7)
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
        """The report as a plain dict (for JSON), one key per field.

        >>> theorem1_report("0-0,0-1,1-1,1-0", s=1).to_dict()["bound_workers"]  # 5 + s
        6
        """
        return asdict(self)


def theorem1_report(samples, s: int = 0, *, merge: bool = True, p: int = 65537) -> Theorem1Report:
    """Build the Theorem 1 encoder for ``samples`` and measure its true threshold.

    >>> r = theorem1_report(FIGURE2, s=0)
    >>> (r.bound_threshold, r.span_dimension, r.measured_threshold, r.matdot_workers)
    (13, 13, 13, 15)
    """
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


def _flags(merge, span_aware) -> tuple[bool, bool]:
    return (parse_flag(merge, "locality-coordinates: merge"),
            parse_flag(span_aware, "locality-coordinates: span_aware"))  # fmt: skip


def _coordinates_entry(samples, s, merge, span_aware, p):
    merge, span_aware = _flags(merge, span_aware)
    return coordinate_code(samples, s, merge=merge, span_aware=span_aware, p=p)


def _coordinates_workers(samples, s, merge, span_aware, p, **_):
    merge, span_aware = _flags(merge, span_aware)
    if span_aware:
        return theorem1_report(samples, s, merge=merge, p=p).measured_workers
    return theorem1_bound(samples, s, merge=merge)["workers"]


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
