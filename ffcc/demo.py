"""``ffcc demo``: a two-minute tour that builds, verifies and runs codes exactly."""

from __future__ import annotations

import sys
import time

import numpy as np

FIGURE2 = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0)]


def demo(seed: int = 0, stragglers: int = 1, out=sys.stdout, results: dict | None = None) -> int:
    """The tour, printed to ``out``; ``results`` (a dict), when given, receives its numbers
    (``ffcc demo --json``). Returns 0 (the exit status).

    Four steps, each checked exactly: a 300 x 300 product in GF(2^31 - 1) against Python
    integers; MatDot with m = 4 (w = 2m - 1 + s), every R-subset verified and s random
    workers dropped; the paper's Figure 2 (an 8-cycle of samples: Theorem 1 needs 13 + s
    workers, MatDot 15 + s), planned and verified; Grid CR-MM of a 256 x 256 product, its
    relative error beside the exact expectation, and its plan.

    Example
    -------
    The whole tour takes tens of seconds (``ffcc demo``), so it is not run here:

    >>> import io
    >>> r = {}
    >>> demo(stragglers=1, out=io.StringIO(), results=r)  # doctest: +SKIP
    0
    >>> r["figure2"]["workers"], r["figure2"]["matdot_workers"]  # doctest: +SKIP
    (14, 16)

    Its third step, on its own:

    >>> from ffcc.plan import plan
    >>> P = plan(FIGURE2, stragglers=1)
    >>> P.chosen.workers, P.baseline_workers, P.chosen.groups[0].verified
    (14, 16, True)
    """
    # measured: `ffcc demo --help` imports this module (0.4 s with numpy); these would add
    # ffcc.run and numba (1.0 s more), which only the tour itself needs
    from .codes import build
    from .field import PrimeField
    from .plan import plan
    from .run import pipeline
    from .verify import verify

    s = stragglers

    def say(text=""):
        print(text, file=out)

    rng = np.random.default_rng(seed)
    say("1. Exact arithmetic in GF(2^31 - 1)")
    F = PrimeField(2**31 - 1)
    A, B = F.random((300, 300), rng), F.random((300, 300), rng)
    A[0, :] = F.p - 1  # boundary values
    F.matmul(A[:2, :2], B[:2, :2])  # compile the kernels outside the timing
    t = time.perf_counter()
    C = F.matmul(A, B)
    dt = time.perf_counter() - t
    exact = (A[:2].astype(object) @ B.astype(object)) % F.p
    ok = bool((C[:2].astype(object) == exact).all())
    say(f"   300x300 product in {dt * 1e3:.1f} ms; rows checked against Python ints: {ok}")
    rec = {} if results is None else results
    rec["field"] = {"p": F.p, "matmul_ms": dt * 1e3, "rows_match_python_ints": ok}

    say(f"\n2. MatDot, m = 4 blocks, s = {s}: w = 2m - 1 + s = {7 + s} workers")
    S = build("matdot", m=4, s=s)
    rep = verify(S, threshold=True, progress=False)
    say(
        f"   verify: {rep.checked} of {rep.total} subsets of size {rep.R} decode -> "
        f"{'HOLDS' if rep.holds else 'FAILS'}; measured threshold {rep.recovery_threshold}"
    )
    rec["matdot"] = {"m": 4, "s": s, "w": S.w, "R": rep.R, "subsets": rep.total,
                     "holds": bool(rep.holds), "threshold": rep.recovery_threshold}  # fmt: skip
    G = S.field
    Ab = [G.embed(rng.integers(-50, 50, (8, 8))) for _ in range(4)]
    Bb = [G.embed(rng.integers(-50, 50, (8, 8))) for _ in range(4)]
    results = {j: S.compute(c) for j, c in enumerate(S.encode([Ab, Bb]))}
    late = sorted(rng.choice(S.w, size=s, replace=False).tolist())
    for j in late:
        results.pop(j)
    got = G.lift(S.decode(results)[0])
    want = sum(G.lift(a).astype(np.int64) @ G.lift(b) for a, b in zip(Ab, Bb, strict=True))
    say(f"   workers {late} straggle; decoded sum A_i B_i equals the integer product: "
        f"{bool((got == want).all())}")  # fmt: skip
    rec["matdot"].update(stragglers=late, decoded_equals_integer_product=bool((got == want).all()))

    say(f"\n3. Figure 2 of the paper: an 8-cycle of samples, s = {s}")
    P = plan(FIGURE2, s, verify=True)
    g = P.chosen.groups[0]
    say(
        f"   u1 = u2 = {g.u[0]}: Theorem 1 needs {P.chosen.workers} = 13 + s workers, MatDot "
        f"{P.baseline_workers} = 15 + s; every {g.workers - s}-subset checked: "
        f"{'verified' if g.verified else g.verify_note}"
    )
    sch = g.build(65537)  # the code the plan verified
    rep = verify(sch, threshold=True, progress=False)
    say(f"   measured recovery threshold of that code: {rep.recovery_threshold}")
    rec["figure2"] = {
        "workers": P.chosen.workers,
        "matdot_workers": P.baseline_workers,
        "verified": bool(g.verified),
        "threshold": rep.recovery_threshold,
    }

    say(f"\n4. Grid CR-MM of a 256x256 product (4 x 16 x 4 grid, 6 samples per block), s = {s}")
    X = rng.standard_normal((256, 256)) * np.repeat(10.0 ** (-np.arange(16) / 8), 16)[None, :]
    Y = rng.standard_normal((256, 256))
    job = pipeline(X, Y, grid=(4, 4, 16), k=6, stragglers=s, seed=rng,
                   plan_options={"verify": False}, run=False)  # fmt: skip
    sk, P = job.sketch, job.plan
    Cx = X @ Y
    rel = np.linalg.norm(Cx - sk.estimate()) / np.linalg.norm(Cx)
    exp = np.sqrt(sk.expected_sq_error.sum()) / np.linalg.norm(Cx)
    say(f"   relative error {rel:.3f} (exact expectation {exp:.3f})")
    rec["grid_crmm"] = {"grid": [4, 4, 16], "k": 6, "relative_error": float(rel),
                        "expected_relative_error": float(exp)}  # fmt: skip
    rec["grid_crmm"].update(plan_workers=P.chosen.workers, matdot_workers=P.baseline_workers)
    for line in P.summary().splitlines()[:12]:
        say("   " + line)
    return 0
