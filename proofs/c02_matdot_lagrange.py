r"""C02 -- MatDot and Lagrange codes need :math:`w_{k,s} = 2k - 1 + s` workers for k pairs.

Paper (Sections I and II-B): "the MatDot Code [10] does so using :math:`w_{k,s} = (2k-1+s)`
workers", for "an arbitrary k matrix products"; Lagrange coded computing [15] computes a
degree-2 polynomial at k arbitrary points with the same count (footnote 1).

Checked:

1. *symbolic* (sympy): for MatDot (one target :math:`\sum_i X_iY_i`) and Lagrange (k targets
   :math:`X_iY_i`, symbolic interpolation nodes :math:`\beta`), every worker tensor is
   :math:`M v(\alpha)` with :math:`\deg \le 2k - 2`, every target is :math:`M c` for an
   explicit c, and the decoding system of 2k - 1 workers restricted to 2k - 1 coordinates
   has determinant :math:`\kappa(\beta) \prod_{i<j}(\alpha_j - \alpha_i)` with
   :math:`\kappa` a non-zero constant (MatDot) or a product of differences of the
   :math:`\beta`'s (Lagrange) -- computed as one determinant for MatDot k <= 3 and
   Lagrange k <= 2;
2. *exhaustive* over GF(65537): independent MatDot and Lagrange constructions with
   :math:`2k - 1 + s` workers decode from every :math:`(2k-1)`-subset; the library's
   ``matdot`` and ``lagrange`` catalog entries too, when present.

Negative control: the same encoders with one worker fewer (2k - 2 + s) fail on some subset.
"""

from __future__ import annotations

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from ffcc.verify import verify

from ._build import catalog_agrees, lagrange_code, matdot_code
from ._framework import Check, Claim, Result, timer
from ._sym import coefficient_matrix, only_difference_factors, product_degree

CLAIM = Claim(
    id="C02",
    title="MatDot / Lagrange: 2k-1+s workers",
    where="Sec. I, II-B; [10], [15]",
    paper="MatDot uses w_{k,s} = 2k-1+s workers for an arbitrary k matrix products "
    "(Lagrange coded computing likewise)",
    statement="worker tensors = M v(alpha) with deg <= 2k-2, targets in col(M), "
    "det = kappa(beta) * prod(alpha_j - alpha_i) with kappa != 0; every (2k-1)-subset of "
    "2k-1+s workers decodes over GF(65537)",
    method="symbolic + exhaustive",
    params_quick="symbolic k<=3 (det: MatDot k<=3, Lagrange k<=2); exhaustive k<=4, s<=2",
    params_full="symbolic k<=5 (det: MatDot k<=3, Lagrange k<=2); exhaustive k<=7, s<=3",
    negative="the same encoders with 2k-2+s workers",
    symbolic="worker nodes alpha and Lagrange points beta, per fixed k listed",
)


def _symbolic_matdot(k: int, with_det: bool) -> bool:
    z = sp.Symbol("z")
    entries = [z**i * z ** (k - 1 - j) for i in range(k) for j in range(k)]
    M = coefficient_matrix(entries, z, 2 * k - 2)
    T = sp.Matrix([1 if i == j else 0 for i in range(k) for j in range(k)])
    ok = M is not None and M[:, k - 1] == T
    if ok and with_det:
        al = sp.symbols(f"alpha0:{2 * k - 1}")
        # one coordinate (i, j) per degree d = i + k - 1 - j: i = max(0, d-k+1), j = i+k-1-d
        cols = []
        for d in range(2 * k - 1):
            i = max(0, d - k + 1)
            cols.append(i * k + (i + k - 1 - d))
        W = sp.Matrix([[entries[c].subs(z, a) for c in cols] for a in al])
        det = DomainMatrix.from_Matrix(W).det()
        R = DomainMatrix.from_Matrix(W).domain
        vdm = R.one
        for i in range(len(al)):
            for j in range(i + 1, len(al)):
                vdm *= R.from_sympy(al[j] - al[i])
        ok = det in (vdm, -vdm)
    return ok


def _symbolic_lagrange(k: int, with_det: bool) -> bool:
    z = sp.Symbol("z")
    be = sp.symbols(f"beta0:{k}")
    ell = [sp.Mul(*[(z - be[j]) / (be[i] - be[j]) for j in range(k) if j != i]) for i in range(k)]
    D = 2 * k - 2
    # every tensor entry ell_i ell_j is a polynomial of degree <= 2k - 2 in the node
    if any(product_degree(ell[i] * ell[j], z) > D for i in range(k) for j in range(k)):
        return False
    # W(beta_r) = M v(beta_r) is the target tensor e_r (x) e_r: T_r lies in col(M)
    for r in range(k):
        for i in range(k):
            for j in range(k):
                want = 1 if i == j == r else 0
                if (ell[i] * ell[j]).subs(z, be[r]) != want:
                    return False
    if not with_det:
        return True
    # staircase coordinates (0,0..k-1), (1..k-1, k-1): the products ell_0 ell_j, ell_i ell_k-1;
    # det(W_S restricted) = det(V_S) * kappa with kappa = det of their coefficient rows
    M = coefficient_matrix([ell[i] * ell[j] for i in range(k) for j in range(k)], z, D)
    rows = [j for j in range(k)] + [i * k + k - 1 for i in range(1, k)]
    kappa = sp.factor(M.extract(rows, list(range(D + 1))).det(method="berkowitz"))
    return only_difference_factors(kappa, be)


def run(quick: bool = True) -> Result:
    with timer() as tm:
        details = []
        sym = Check()
        for k in (1, 2, 3) if quick else (1, 2, 3, 4, 5):
            det = k <= 3
            sym.require(_symbolic_matdot(k, det), f"MatDot k={k}")
            sym.require(_symbolic_lagrange(k, k <= 2), f"Lagrange k={k}")
        details.append(f"symbolic (MatDot, Lagrange with symbolic beta): {sym.summary()}")

        ex = Check()
        neg = Check()
        kmax, smax = (4, 2) if quick else (7, 3)
        pairs_of = [[(("X", i), ("Y", i)) for i in range(k)] for k in range(kmax + 1)]
        subsets = 0
        for k in range(1, kmax + 1):
            for build in (matdot_code, lagrange_code):
                code = build(pairs_of[k])
                for s in range(smax + 1):
                    w = 2 * k - 1 + s
                    rep = verify(code.scheme(w, s))
                    subsets += rep.checked
                    ex.require(rep.holds, f"{code.name} k={k} s={s}: {rep.first_failure}")
                    if k > 1:
                        bad = verify(code.scheme(w - 1, s))
                        neg.require(not bad.holds, f"{code.name} k={k} s={s} with w-1 holds")
        details.append(
            f"independent MatDot/Lagrange, k=1..{kmax}, s=0..{smax}: {ex.summary()} "
            f"({subsets} subsets)"
        )
        lib = Check()
        klib = 3 if quick else 4
        for k in range(1, klib + 1):
            for name, kw, build in (("matdot", "m", matdot_code), ("lagrange", "k", lagrange_code)):
                code = build(pairs_of[k])
                for s in range(3):
                    own = code.scheme(2 * k - 1 + s, s)
                    diff = catalog_agrees(name, {kw: k, "s": s}, own)
                    lib.require(diff is None, str(diff))
        details.append(
            "catalog matdot/lagrange = independent codes (workers, verdict, smallest R, "
            f"symbolic form), k<={klib}, s<=2: {lib.summary()}"
        )
        holds = sym.ok and ex.ok and lib.ok
        rejected = neg.checked > 0 and neg.failed == 0
        negtxt = (
            f"2k-2+s workers: failing subset found in {neg.checked - neg.failed} of "
            f"{neg.checked} (code, k, s) cases"
        )
    return Result(
        CLAIM,
        "holds" if holds else "refuted",
        quick,
        CLAIM.covered(quick),
        details,
        None if holds else "; ".join(sym.failures + ex.failures + lib.failures),
        negtxt,
        rejected,
        tm.seconds,
    )
