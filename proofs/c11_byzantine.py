r"""C11 -- Byzantine workers: w grows by 2b and decoding corrects b errors.

Paper (Section III): "it is straightforward to extend the model to handle b byzantine
workers that return adversarial outputs instead of correct matrix products in addition to
the s straggling workers." For the codes compared (MatDot/Lagrange) that is the classical
:math:`w = 2k - 1 + s + 2b` (Lagrange coded computing [15]).

Checked (exhaustive over GF(65537), 2x2 blocks with random data):

1. structure: with w = 2k - 1 + s + 2b workers, every (w - s - 2b)-subset decodes
   (``ffcc.verify``, R = w - s - 2b);
2. correction: for every straggler set of size s and every set E of at most b liars among
   the other workers (random non-zero errors), ``Scheme.decode_with_errors`` returns the
   exact products and names exactly E -- for independent MatDot and Lagrange codes, and the
   library's Berlekamp-Welch decoder (``ffcc.codes.lagrange``) on the same patterns.

Negative controls: (a) b + 1 liars who coordinate -- they move the answers onto another
codeword's values at b + 1 of the 2b + 1 positions where the two differ -- make the decoder
return wrong products (no decoder can do better); random b + 1 errors are counted as
detected (an error is raised) or not; (b) w - 1 workers: some (w - 1 - s - 2b)-subset does
not decode.
"""

from __future__ import annotations

import itertools

import numpy as np

from ffcc import PrimeField
from ffcc.scheme import DecodingError
from ffcc.verify import verify

from ._build import P, lagrange_code, matdot_code
from ._framework import Check, Claim, Result, timer

CLAIM = Claim(
    id="C11",
    title="Byzantine: +2b workers, b errors",
    where="Sec. III (Byzantine extension); [15]",
    paper="the model extends to b byzantine workers returning adversarial outputs, in "
    "addition to s stragglers (w_{k,s} + 2b workers for MatDot/Lagrange)",
    statement="with 2k-1+s+2b workers every R = 2k-1 subset decodes, and for every straggler "
    "set and every set of <= b liars the decoder returns the exact products and the liars",
    method="exhaustive",
    params_quick="MatDot and Lagrange, k<=2, s<=1 (b=1), s=0 (b=2)",
    params_full="MatDot and Lagrange, k<=3, s<=2, b in {1,2}",
    negative="b+1 coordinated liars; 2k-2+s+2b workers",
)


def honest_results(S, rng):
    F = S.field
    A = [F.random((2, 2), rng) for _ in range(S.basis[0])]
    B = [F.random((2, 2), rng) for _ in range(S.basis[1])]
    coded = S.encode([A, B])
    return {j: S.compute(coded[j]) for j in range(S.w)}, S.reference([A, B])


def same(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def lied(F, honest, alive, b, rng):
    """Every set of at most b liars among ``alive``, each adding a random non-zero error:
    yields (liars, results) with the honest results of the others."""
    for e in range(b + 1):
        for liars in itertools.combinations(alive, e):
            res = {j: honest[j] for j in alive}
            for j in liars:
                err = F.random((2, 2), rng)
                err[0, 0] = err[0, 0] or 1
                res[j] = F.add(res[j], err)
            yield liars, res


def coordinated_liars(S, honest, alive, b, rng):
    """Answers of b + 1 liars that sit within distance b of another codeword."""
    F = S.field
    G = S.reduced.G[alive]
    D = G.shape[1]
    # a non-zero codeword of the received code vanishing on D - 1 received positions
    zero = list(range(D - 1))
    N = F.nullspace(G[zero]) if zero else np.eye(D, dtype=np.int64)
    for x in N:
        c = F.matmul(G, x[:, None])[:, 0]
        if F.matmul(S.reduced.T, x[:, None]).any():  # it changes some target
            break
    else:  # pragma: no cover - would mean the code does not separate targets
        return None
    support = [i for i in range(len(alive)) if c[i]]
    liars = support[: b + 1]
    out = {j: honest[j] for j in alive}  # stragglers send nothing
    E = F.random((2, 2), rng)
    for i in liars:
        j = alive[i]
        out[j] = F.add(honest[j], F.mul(E, int(c[i])))
    return out


def run(quick: bool = True) -> Result:
    with timer() as tm:
        details = []
        ck = Check()
        neg_adv = Check()
        neg_w = Check()
        random_extra = {"detected": 0, "miscorrected": 0, "corrected": 0}
        rng = np.random.default_rng(11)
        F = PrimeField(P)
        kmax, smax = (2, 1) if quick else (3, 2)
        patterns = 0
        lib_patterns = 0
        try:
            from ffcc.codes.lagrange import lagrange as lib_lagrange
        except ImportError:  # pragma: no cover
            lib_lagrange = None
        for k in range(1, kmax + 1):
            pairs = [(("X", i), ("Y", i)) for i in range(k)]
            for build in (matdot_code, lagrange_code):
                code = build(pairs)
                for s in range(smax + 1):
                    for b in (1, 2):
                        if quick and b == 2 and s > 0:
                            continue
                        w = 2 * k - 1 + s + 2 * b
                        S = code.scheme(w, s, b)
                        ck.require(verify(S).holds, f"{code.name} k={k} s={s} b={b}: verify")
                        if w - 1 - s - 2 * b >= 1:
                            neg_w.require(
                                not verify(code.scheme(w - 1, s, b)).holds,
                                f"{code.name} k={k} s={s} b={b}: w-1 holds",
                            )
                        honest, truth = honest_results(S, rng)
                        L = None
                        if lib_lagrange is not None and code.name == "lagrange":
                            L = lib_lagrange(k=k, s=s, b=b)
                            lhonest, ltruth = honest_results(L, rng)
                        for strag in itertools.combinations(range(w), s):
                            alive = [j for j in range(w) if j not in strag]
                            for liars, res in lied(F, honest, alive, b, rng):
                                out, named = S.decode_with_errors(res, max_errors=b)
                                patterns += 1
                                ck.require(
                                    same(out, truth) and sorted(named) == list(liars),
                                    f"{code.name} k={k} s={s} b={b} liars {liars}",
                                )
                                if L is not None:
                                    lres = {j: lhonest[j] for j in alive}
                                    for j in liars:
                                        lres[j] = F.add(lres[j], 1)
                                    lout, lnamed = L.decode_with_errors(lres, rng=0)
                                    lib_patterns += 1
                                    ck.require(
                                        same(lout, ltruth) and sorted(lnamed) == list(liars),
                                        f"library lagrange k={k} s={s} b={b} liars {liars}",
                                    )
                            # negative (a): b + 1 coordinated liars, first straggler set only
                            if strag == tuple(range(s)):
                                adv = coordinated_liars(S, honest, alive, b, rng)
                                try:
                                    out, _ = S.decode_with_errors(adv, max_errors=b)
                                    wrong = not same(out, truth)
                                except DecodingError:
                                    wrong = False
                                neg_adv.require(wrong, f"{code.name} k={k} s={s} b={b}")
                                # random b + 1 errors: detected or not
                                res = {j: honest[j] for j in alive}
                                for j in alive[: b + 1]:
                                    res[j] = F.add(res[j], F.random((2, 2), rng))
                                try:
                                    out, _ = S.decode_with_errors(res, max_errors=b)
                                    key = "corrected" if same(out, truth) else "miscorrected"
                                except DecodingError:
                                    key = "detected"
                                random_extra[key] += 1
        details.append(
            f"every straggler set and every <= b liar set, {patterns} patterns (generic "
            f"decoder), {lib_patterns} more with the library's Berlekamp-Welch decoder: "
            f"{ck.summary()}"
        )
        details.append(
            "b+1 random errors: "
            + ", ".join(f"{v} {n}" for n, v in random_extra.items())
            + " (detection is not guaranteed beyond b)"
        )
        rejected = neg_adv.checked > 0 and neg_adv.ok and neg_w.checked > 0 and neg_w.ok
    return Result(
        CLAIM,
        "holds" if ck.ok else "refuted",
        quick,
        CLAIM.covered(quick),
        details,
        None if ck.ok else "; ".join(ck.failures),
        f"b+1 coordinated liars make the decoder return wrong products in "
        f"{neg_adv.checked - neg_adv.failed} of {neg_adv.checked} configurations; "
        f"w-1 workers fail verification in {neg_w.checked - neg_w.failed} of {neg_w.checked}",
        rejected,
        tm.seconds,
    )
