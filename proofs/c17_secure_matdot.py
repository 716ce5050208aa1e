r"""C17 -- Secure MatDot needs :math:`2m + 2X - 1` workers, and any X of them learn nothing.

Source: Aliasgari, Simeone, Kliewer, "Private and secure distributed matrix multiplication
with flexible communication load", IEEE Trans. Inf. Forensics Security 15, 2020 (their p is
m here, to keep p for the field). A is cut into m column blocks, B into m row blocks, and
X uniform masks are added per side:
:math:`f(z) = \sum_{i<m} A_i z^i + \sum_{t<X} R_t z^{m+t}`,
:math:`g(z) = \sum_{i<m} B_i z^{m-1-i} + \sum_{t<X} S_t z^{m+t}`; AB is the coefficient of
:math:`z^{m-1}` in h = f g.

Checked:

1. *symbolic* (exponent tables and sympy): only the pairs :math:`A_iB_i` reach
   :math:`z^{m-1}`; the degree table of h is all of [0, 2m + 2X - 2], so h has
   N = 2m + 2X - 1 unknown coefficients; the X x X mask matrix of X workers has
   determinant :math:`\prod_k z_k^m \prod_{k<l}(z_l - z_k)` (non-zero at distinct non-zero
   nodes) -- as one sympy determinant for X <= 3;
2. *exhaustive* over GF(65537) and GF(23): an independent construction (written here from
   the definition) with N + s workers decodes from every N-subset, some (N - 1)-subset
   does not (so the recovery threshold is exactly N: N workers are needed), and every
   X-subset is secure (``verify_secrecy``); the library's ``secure-matdot`` entry has the
   same encoders.
3. *which* (N - 1)-subsets decode anyway: AB is the coefficient :math:`u_{m-1}` of h, in
   the row space of the (N - 1) x N Vandermonde matrix of S iff the polynomial
   :math:`\prod_{k \in S}(z - z_k)` spanning its kernel has no :math:`z^{m-1}` term, i.e.
   iff the elementary symmetric polynomial :math:`e_{N-m}(z_S) = 0`. Over GF(65537) at
   nodes 1..w no checked subset is that lucky; over GF(23) some are (e.g. m = 2, X = 4),
   and the lucky subsets are exactly those with :math:`e_{N-m}(z_S) = 0` mod 23.

Negative control: the same codes asked for (X + 1)-security must leak.
"""

from __future__ import annotations

import itertools

import sympy as sp

from ffcc import Scheme
from ffcc.codes import secure_matdot
from ffcc.verify import verify, verify_secrecy

from ._framework import Check, Claim, Result, timer

CLAIM = Claim(
    id="C17",
    title="secure MatDot: 2m+2X-1 workers",
    where="Aliasgari et al. 2020 (issue 15)",
    paper="secure MatDot computes AB with X-security from 2p + 2X - 1 workers (p blocks)",
    statement="only A_iB_i reach z^(m-1); degree table = [0, 2m+2X-2]; X x X mask "
    "determinant = prod z^m * Vandermonde; every N-subset decodes, not every (N-1)-subset "
    "(those that do are exactly those with e_{N-m}(nodes) = 0); every X-subset is secure; "
    "N = 2m+2X-1",
    method="symbolic + exhaustive",
    params_quick="m<=3, X<=3, s<=1 over GF(65537); (m, X) = (2,1), (3,2), (2,4) over GF(23); "
    "det X<=3",
    params_full="m<=4, X<=4, s<=2 over GF(65537); (m, X) with 2m+2X-1 <= 22 over GF(23); det X<=3",
    negative="the same codes asked for (X+1)-security",
)


def exponents(m: int, X: int) -> tuple[list[int], list[int]]:
    return list(range(m)) + [m + t for t in range(X)], [m - 1 - i for i in range(m)] + [
        m + t for t in range(X)
    ]


def independent_code(m: int, X: int, w: int, p: int) -> Scheme:
    """Secure MatDot at nodes 1..w, built from the definition with Python integers."""
    alpha, beta = exponents(m, X)
    enc = [[[pow(z, a, p) for a in alpha], [pow(z, b, p) for b in beta]] for z in range(1, w + 1)]
    target = [[((i, i), 1) for i in range(m)]]
    masks = [list(range(m, m + X)), list(range(m, m + X))]
    N = 2 * m + 2 * X - 1
    return Scheme(p, [m + X] * 2, enc, target, stragglers=w - N, random=masks, secrecy=X)


def _tables(m: int, X: int) -> bool:
    alpha, beta = exponents(m, X)
    at = {(i, j) for i, a in enumerate(alpha) for j, b in enumerate(beta) if a + b == m - 1}
    table = {a + b for a in alpha for b in beta}
    return at == {(i, i) for i in range(m)} and table == set(range(2 * m + 2 * X - 1))


def _mask_det(m: int, X: int) -> bool:
    z = sp.symbols(f"z0:{X}")
    M = sp.Matrix([[zk ** (m + t) for t in range(X)] for zk in z])
    want = sp.Mul(*[zk**m for zk in z]) * sp.Mul(
        *[z[l] - z[k] for k in range(X) for l in range(k + 1, X)]
    )
    return sp.expand(M.det() - want) == 0


def elementary(nodes, k: int, p: int) -> int:
    """e_k of the nodes mod p (coefficients of prod (1 + z_j t))."""
    e = [1]
    for z in nodes:
        e = [(a + (z * e[i - 1] if i else 0)) % p for i, a in enumerate(e + [0])]
    return e[k] if k < len(e) else 0


def run(quick: bool = True) -> Result:
    with timer() as tm:
        details = []
        sym = Check()
        mx = 3 if quick else 4
        for m in range(1, mx + 1):
            for X in range(1, mx + 1):
                sym.require(_tables(m, X), f"exponent table m={m} X={X}")
        for m in (1, 2):
            for X in (1, 2, 3):
                sym.require(_mask_det(m, X), f"mask determinant m={m} X={X}")
        details.append(f"symbolic (exponent tables, mask determinants): {sym.summary()}")

        ex, lower, neg, lib, lucky = Check(), Check(), Check(), Check(), Check()
        n_lucky = 0
        cases = [(m, X, s, 65537) for m in range(1, mx + 1) for X in range(1, mx + 1)
                 for s in range(2 if quick else 3)]  # fmt: skip
        fits = [(m, X) for m in range(1, 11) for X in range(1, 11) if 2 * m + 2 * X - 1 <= 22]
        small = [(2, 1), (3, 2), (2, 4)] if quick else fits
        cases += [(m, X, 0, 23) for m, X in small]
        subsets = 0
        for m, X, s, p in cases:
            N = 2 * m + 2 * X - 1
            S = independent_code(m, X, N + s, p)
            rep = verify(S, progress=False)
            subsets += rep.checked + rep.secrecy.checked
            ex.require(rep.holds and rep.secrecy.secure, f"m={m} X={X} s={s} GF({p})")
            below = verify(S, N - 1, count_failures=True, progress=False)
            lower.require(below.failed > 0, f"every {N - 1}-subset decodes: m={m} X={X} GF({p})")
            if below.failed < below.total:
                n_lucky += below.total - below.failed
                for sub in itertools.combinations(range(S.w), N - 1):
                    zero = elementary([j + 1 for j in sub], N - m, p) == 0
                    lucky.require(S.decodes(sub) == zero, f"m={m} X={X} GF({p}) {sub}")
            neg.require(not verify_secrecy(S, X + 1).secure, f"(X+1)-secure m={m} X={X}")
            if p == 65537 and s == 0:
                L = secure_matdot(m, X=X, p=p)
                lib.require(all((a == b).all() for a, b in zip(L.E, S.E, strict=True))
                            and L.random == S.random, f"library m={m} X={X}")  # fmt: skip
        details.append(
            f"independent secure MatDot, {len(cases)} (m, X, s, p) cases: {ex.summary()} "
            f"({subsets} subsets)"
        )
        details.append(f"some (2m+2X-2)-subset fails (threshold exactly N): {lower.summary()}")
        details.append(
            f"{n_lucky} (N-1)-subsets decode anyway (small field); decodes <=> "
            f"e_(N-m)(nodes) = 0: {lucky.summary()}"
        )
        details.append(f"library secure-matdot has the same encoders: {lib.summary()}")
        holds = sym.ok and ex.ok and lower.ok and lib.ok and lucky.ok
        rejected = neg.checked > 0 and neg.failed == 0
    return Result(
        CLAIM,
        "holds" if holds else "refuted",
        quick,
        CLAIM.covered(quick),
        details,
        None
        if holds
        else "; ".join(sym.failures + ex.failures + lower.failures + lib.failures + lucky.failures),
        f"(X+1)-security: a leaking subset found in {neg.checked - neg.failed} of "
        f"{neg.checked} cases",
        rejected,
        tm.seconds,
    )
