r"""C06 -- With s = 2 and every 8 samples shaped like Figure 2, the coding overhead falls >= 12.5%.

Paper (Section IV-A, after Figure 2): "If s = 2 and every set of 8 samples has a structure
like that of Figure 2, the overhead of coding reduced by at least 12.5%."

Reading: k = 8G samples forming G disjoint 8-cycles; the overhead is w - k. MatDot needs
:math:`w_{k,2} = 16G + 1` (overhead 8G + 1); Theorem 1 per cycle needs 15 each (overhead
7G). The relative fall is :math:`(G + 1)/(8G + 1)`.

Checked:

1. *symbolic* (sympy, G a positive integer symbol): the fall is :math:`(G+1)/(8G+1)` and
   :math:`(G+1)/(8G+1) - 1/8 = 7/(8(8G+1)) > 0`; for general s the fall is
   :math:`(G(3-s) + s - 1)/(8G + s - 1)`;
2. ``ffcc.plan`` on G = 1..8 disjoint 8-cycles with s = 2: the paper's split has exactly
   that fall and the chosen plan at least 1/8; the split's schemes are verified
   exhaustively (every 15G - 2 subset of the 15G workers) for G <= 3 (full: <= 5).

Boundary (recorded, not part of the claim as read): when r > 0 samples are left over for
MatDot, the fall is :math:`G(3-s)/(8G + r + s - 1)`, below 1/8 for s = 2.

Negative controls: the stronger "at least 1/7" must be refuted by the same comparisons (it
fails from G = 7 on); the verified split with one worker fewer in one 8-cycle (s = 2, the
same verifier) must fail.
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from ffcc.plan import plan
from ffcc.verify import verify

from ._build import groups_scheme, plan_parts, plan_scheme
from ._framework import Check, Claim, Result, timer

CLAIM = Claim(
    id="C06",
    title="12.5% overhead reduction (s=2)",
    where="Sec. IV-A, after Fig. 2",
    paper="if s = 2 and every set of 8 samples has a structure like Figure 2, the overhead "
    "of coding is reduced by at least 12.5%",
    statement="fall of w - k = (G+1)/(8G+1) >= 1/8 for all G >= 1 (symbolic); plan() on G "
    "disjoint 8-cycles, s=2, reaches it; the split's schemes verified exhaustively",
    method="symbolic + exhaustive",
    params_quick="symbolic in G (every G >= 1) and s; plan G=1..8; exhaustive G<=3",
    params_full="symbolic in G (every G >= 1) and s; plan G=1..8; exhaustive G<=5",
    negative="'at least 1/7' instead of 1/8; the split with one worker fewer",
    symbolic="G (every G >= 1), s and the leftover r: symbolic in the claim's own parameters",
)


def _cycles(G: int) -> list[tuple]:
    out = []
    for g in range(G):
        for i in range(4):
            out += [(("A", g, i), ("B", g, i)), (("A", g, i), ("B", g, (i + 1) % 4))]
    return out


def _fall(s, G, r=0):
    k = 8 * G + r
    base = (2 * k - 1 + s) - k
    split = G * (13 + s) + ((2 * r - 1 + s) if r else 0) - k
    return (base - split) / base


def run(quick: bool = True) -> Result:
    with timer() as tm:
        details = []
        ck = Check()
        neg = Check()
        G, s, r = sp.symbols("G s r", positive=True, integer=True)
        fall2 = sp.simplify(_fall(2, G))
        ck.require(sp.simplify(fall2 - (G + 1) / (8 * G + 1)) == 0, f"fall is {fall2}")
        gap = sp.factor(sp.simplify(fall2 - sp.Rational(1, 8)))
        ck.require(sp.simplify(gap - sp.Rational(7, 8) / (8 * G + 1)) == 0, f"gap {gap}")
        ck.require(bool(gap.is_positive), "gap not positive for G >= 1")
        general = sp.factor(sp.simplify(_fall(s, G)))
        ck.require(
            sp.simplify(general - (G * (3 - s) + s - 1) / (8 * G + s - 1)) == 0, f"{general}"
        )
        leftover = sp.factor(sp.simplify(_fall(s, G, r)))
        ck.require(sp.simplify(leftover - G * (3 - s) / (8 * G + r + s - 1)) == 0, "leftover")
        details.append(
            f"symbolic: fall = {sp.factor(fall2)}, fall - 1/8 = {gap} > 0; general s: "
            f"{general}; with r leftover samples: {leftover}"
        )

        neg_fail_at = None
        ver = []
        for g in range(1, 9):
            P = plan(_cycles(g), stragglers=2, verify=False)
            cand = {c.name: c for c in P.candidates}["paper-split"]
            base = P.baseline_workers - P.k
            fall = Fraction(base - (cand.workers - P.k), base)
            ck.require(fall == Fraction(g + 1, 8 * g + 1), f"G={g}: split fall {fall}")
            chosen = Fraction(base - (P.chosen.workers - P.k), base)
            ck.require(chosen >= Fraction(1, 8), f"G={g}: chosen plan falls by {chosen}")
            if neg_fail_at is None and fall < Fraction(1, 7):
                neg_fail_at = g
            if g <= (3 if quick else 5):
                rep = verify(plan_scheme(P, cand))
                ck.require(rep.holds, f"G={g}: split scheme fails at {rep.first_failure}")
                ver.append(f"G={g}: {cand.workers} vs {P.baseline_workers} ({rep.checked} subsets)")
                # the same split, s = 2, one worker fewer in its first 8-cycle (14 instead of
                # 15): the 8-cycle's products span all D + 1 = 13 coefficients, so it must fail
                parts = plan_parts(P, cand)
                code, w0 = parts[0]
                fewer_ok = code.span_dimension() == code.D + 1
                parts[0] = (code, w0 - 1)
                fewer = verify(groups_scheme(parts, 2, name="split - 1"))
                neg.require(fewer_ok and not fewer.holds, f"G={g}: 15G - 1 workers decode")
        details.append(
            "plan(), s=2: paper-split fall (G+1)/(8G+1) for G=1..8 = "
            + ", ".join(f"{Fraction(g + 1, 8 * g + 1)}" for g in range(1, 9))
        )
        details.append("split verified exhaustively: " + "; ".join(ver))
        details.append(
            "boundary: with r >= 1 leftover samples coded by MatDot the fall is "
            "G/(8G+r+1) < 1/8 at s=2 (e.g. G=1, r=1: 1/10): the 12.5% needs every sample "
            "in a Figure-2 group"
        )
        neg_sym = not sp.simplify(fall2 - sp.Rational(1, 7)).subs(G, 7).is_nonnegative
        rejected = neg_fail_at is not None and neg_sym and neg.checked > 0 and neg.ok
    return Result(
        CLAIM,
        "holds" if ck.ok else "refuted",
        quick,
        CLAIM.covered(quick),
        details,
        None if ck.ok else "; ".join(ck.failures),
        f"'at least 1/7': refuted symbolically (G=7 gives 8/57 < 1/7) and by plan() "
        f"from G={neg_fail_at}; the verified split with one worker fewer (s = 2): "
        f"{neg.checked - neg.failed} of {neg.checked} fail as they must",
        rejected,
        tm.seconds,
    )
