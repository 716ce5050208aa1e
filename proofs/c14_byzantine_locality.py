r"""C14 -- Byzantine workers with the locality codes: Theorem 1's and the one-dependency code
tolerate b liars with 2b more workers.

Paper (Section III): the model extends to b Byzantine workers, in addition to s stragglers;
for MatDot / Lagrange that costs 2b workers (C11). The same holds for the locality-based
codes of Section IV: an evaluation code whose product polynomial has degree D is a
Reed-Solomon code of dimension D + 1 in every coordinate, so D + 1 + s + 2b workers let the
decoder correct b errors among any w - s answers (minimum distance w - s - D > 2b).

Checked (exhaustive over GF(65537)):

1. Theorem 1's vanishing-product code (independent construction, and the catalog's
   ``locality-coordinates`` code built for s + 2b and asked for (s, b)) on Figure 2's 8-cycle,
   a 4-cycle, a path and a repeated sample, and the one-dependency code (independent and
   catalog ``locality-dependency``) for k = 3, 4: with D + 1 + s + 2b workers every
   (D + 1)-subset decodes (``ffcc.verify``, R = w - s - 2b);
2. for every straggler set of size s and every set of at most b liars (random non-zero
   errors), ``Scheme.decode_with_errors`` returns the exact products and names the liars.

Negative controls, at the same (s, b): one worker fewer must fail verification (where the
products span all D + 1 coefficients), and b + 1 coordinated liars (an error that is itself
a codeword on all but D of the answers) must make the decoder return wrong products or
refuse.
"""

from __future__ import annotations

import itertools
import random

import numpy as np

from ffcc import codes
from ffcc.codes import locality
from ffcc.scheme import DecodingError
from ffcc.verify import verify

from ._build import describe, one_dependency_code, vanishing_code
from ._framework import Check, Claim, Result, timer
from .c11_byzantine import coordinated_liars, honest_results, lied, same

CLAIM = Claim(
    id="C14",
    title="Byzantine with locality codes: +2b",
    where="Sec. III, IV-A; [12], [14]",
    paper="b Byzantine workers in addition to s stragglers; the locality-based codes "
    "(Theorem 1, one dependency) extended like MatDot/Lagrange",
    statement="Theorem 1 and one-dependency codes with D+1+s+2b workers: every (D+1)-subset "
    "decodes, and every <= b liars among any w-s answers are corrected and named",
    method="exhaustive",
    params_quick="numeric: 8-cycle, C4, path k=3, repeated sample, one dependency k=3,4; "
    "s<=1, b=1 (8-cycle: s=0)",
    params_full="numeric: 8-cycle, C4, path k=3, repeated sample, one dependency k=3,4,5; "
    "(s, b) in {(0,1), (1,1), (2,1), (0,2)} (8-cycle: s<=1, b=1)",
    negative="one worker fewer; b+1 coordinated liars",
)


def _graphs(quick: bool) -> dict:
    fig2 = [(i, i) for i in range(4)] + [(i, (i + 1) % 4) for i in range(4)]
    return {
        "Figure 2 (8-cycle)": fig2,
        "C4": [(0, 0), (0, 1), (1, 0), (1, 1)],
        "path k=3": [(0, 0), (0, 1), (1, 1)],
        "repeated sample": [(0, 0), (0, 0), (0, 1)],
    }


def _faults(quick: bool, name: str):
    if name.startswith("Figure 2"):
        return [(0, 1)] if quick else [(0, 1), (1, 1)]
    if quick:
        return [(0, 1), (1, 1)]
    return [(0, 1), (1, 1), (2, 1), (0, 2)]


def _patterns(S, rng, ck: Check, neg_adv: Check, where: str) -> int:
    """Every straggler set and every <= b liar set through decode_with_errors."""
    F = S.field
    s, b, w = S.stragglers, S.byzantine, S.w
    honest, truth = honest_results(S, rng)
    n = 0
    for strag in itertools.combinations(range(w), s):
        alive = [j for j in range(w) if j not in strag]
        for liars, res in lied(F, honest, alive, b, rng):
            out, named = S.decode_with_errors(res, max_errors=b)
            n += 1
            ck.require(same(out, truth) and sorted(named) == list(liars), f"{where}: liars {liars}")
        if strag == tuple(range(s)):
            adv = coordinated_liars(S, honest, alive, b, rng)
            try:
                out, _ = S.decode_with_errors(adv, max_errors=b)
                wrong = not same(out, truth)
            except DecodingError:
                wrong = True  # refused: b + 1 liars are not corrected
            neg_adv.require(wrong, f"{where}: b+1 coordinated liars corrected")
    return n


def run(quick: bool = True) -> Result:
    with timer() as tm:
        details = []
        ck = Check()
        neg_w = Check()
        neg_adv = Check()
        rng = np.random.default_rng(14)
        patterns = 0
        cases = 0
        for name, samples in _graphs(quick).items():
            pairs = [(("A", l), ("B", r)) for l, r in samples]
            code = vanishing_code(pairs)
            full_span = code.span_dimension() == code.D + 1
            for s, b in _faults(quick, name):
                w = code.D + 1 + s + 2 * b
                own = code.scheme(w, s, b)
                lib = locality.coordinate_code(samples, s + 2 * b, merge=False).with_faults(s, b)
                for label, S in (("own", own), ("catalog", lib)):
                    where = f"{name} {label} s={s} b={b}"
                    ck.require(S.w == w, f"{where}: {S.w} workers, not {w}")
                    ck.require(verify(S).holds, f"{where}: verification fails")
                    patterns += _patterns(S, rng, ck, neg_adv, where)
                    cases += 1
                if full_span and w - 1 - s - 2 * b >= 1:
                    bad = verify(code.scheme(w - 1, s, b))
                    neg_w.require(not bad.holds, f"{describe(pairs)} s={s} b={b}: w-1 holds")
        rnd = random.Random(14)
        for k in (3, 4) if quick else (3, 4, 5):
            coeffs = [rnd.randrange(1, 65537) for _ in range(k - 1)]
            code = one_dependency_code(coeffs)
            for s, b in _faults(quick, "dependency"):
                w = code.D + 1 + s + 2 * b
                alphas = ",".join(map(str, coeffs))
                lib = codes.build("locality-dependency", k=k, s=s + 2 * b, alphas=alphas)
                for label, S in (("own", code.scheme(w, s, b)), ("catalog", lib.with_faults(s, b))):
                    where = f"one dependency k={k} {label} s={s} b={b}"
                    ck.require(S.w == w, f"{where}: {S.w} workers, not {w}")
                    ck.require(verify(S).holds, f"{where}: verification fails")
                    patterns += _patterns(S, rng, ck, neg_adv, where)
                    cases += 1
                bad = verify(code.scheme(w - 1, s, b))
                neg_w.require(not bad.holds, f"one dependency k={k} s={s} b={b}: w-1 holds")
        details.append(
            f"{cases} (code, s, b) cases, own and catalog constructions, verified and "
            f"decoded under every straggler set and every <= b liar set ({patterns} "
            f"patterns): {ck.summary()}"
        )
        rejected = neg_w.checked > 0 and neg_w.ok and neg_adv.checked > 0 and neg_adv.ok
    return Result(
        CLAIM,
        "holds" if ck.ok else "refuted",
        quick,
        CLAIM.covered(quick),
        details,
        None if ck.ok else "; ".join(ck.failures),
        f"one worker fewer fails verification in {neg_w.checked - neg_w.failed} of "
        f"{neg_w.checked} cases; b+1 coordinated liars defeat the decoder in "
        f"{neg_adv.checked - neg_adv.failed} of {neg_adv.checked}",
        rejected,
        tm.seconds,
    )
