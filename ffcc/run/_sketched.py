r"""The compression-informed pipeline: sketch -> plan -> encode -> workers -> decode ->
reconstruct.

Grid CR-MM (:func:`ffcc.sketch.grid_crmm`) picks the block products; the planner
(:func:`ffcc.plan.plan`) codes them in groups; every group runs exactly over GF(p) on the
workers (:func:`run_plan`); the estimate is rebuilt from the exact products of the
quantized blocks:

.. math:: \hat C_{ij} = 2^{-2f} \sum_\iota w_{ij,\iota}\,
          \mathrm{round}(2^f A_{i,\iota})\,\mathrm{round}(2^f B_{\iota,j}),

so the only errors are the sketch's (measured, beside its exact expectation and the Lemma
1 bound) and quantization's (measured against the float64 sketch).
"""

from __future__ import annotations

import time

import numpy as np

from ._errors import InputError
from ._exact import quantize
from ._faults import check_indices
from ._pipeline import Group, _finish, run_plan

__all__ = ["run_sketched"]


def _integers(X, frac_bits: int | None) -> tuple[np.ndarray, int]:
    if np.issubdtype(np.asarray(X).dtype, np.integer) and not frac_bits:
        return np.asarray(X, dtype=np.int64), 0
    return quantize(X, 20 if frac_bits is None else frac_bits)


def run_sketched(
    A,
    B,
    *,
    grid: tuple[int, int, int] = (2, 2, 16),
    k=4,
    stragglers: int = 1,
    byzantine: int = 0,
    frac_bits: int | None = None,
    verify_plan: bool = True,
    seed: int = 0,
    **run_options,
):
    """Sketch A @ B with Grid CR-MM, plan the codes, run them on workers, reconstruct.

    ``grid = (m, n, q)`` cuts A into m x q blocks and B into q x n (A and B are padded with
    zero rows/columns up to multiples of the grid: exact, as zero blocks are never sampled;
    the estimate is cropped back); ``k`` samples per output block (int or m x n array).
    Floats are quantized with ``frac_bits`` fraction bits (default 20); integer inputs are
    used as they are. ``run_options`` go to
    :func:`run_plan` (executor, straggler_model, faults, freivalds, progress, timeout).

    Returns (estimate, report, plan).
    """
    from ..sketch import grid_crmm, pad_to_grid

    t0 = time.perf_counter()
    m, n, q = grid
    L, M = np.shape(A)[0], np.shape(B)[1]
    A, B, pad = pad_to_grid(A, B, m, n, q)  # exact: zero blocks are never sampled
    sk = grid_crmm(A, B, m, n, q, k, seed)
    t = time.perf_counter()
    early = _start_pool_early(run_options, sk, stragglers, byzantine)
    try:
        est, rep, P = _plan_and_run(A, B, sk, grid, stragglers, byzantine, frac_bits,
                                    verify_plan, run_options, early, t0, t)  # fmt: skip
        if any(pad):
            rep.inputs["padding"] = list(pad)
            rep.notes.append(
                f"padded with zeros to fit the grid {m},{n},{q}: A {L}x{A.shape[1] - pad[1]} -> "
                f"{A.shape[0]}x{A.shape[1]}, B -> {B.shape[0]}x{B.shape[1]} (exact: zero "
                f"blocks are never sampled); the product is cropped to {L}x{M}"
            )
        return est[:L, :M], rep, P
    finally:
        if early is not None:
            early[1].join()
            early[0].close()


def _start_pool_early(run_options, sk, stragglers, byzantine):
    """With ``executor="local"``: start the process pool in a background thread now, so
    that it comes up while the plan is made (sized for MatDot's workers, which the plan
    never exceeds, at most 64). Returns (executor, thread) or None."""
    if run_options.get("executor", "local") != "local" or run_options.get("executor_options"):
        return None
    import threading

    from ._executors import LocalExecutor

    ex = LocalExecutor()
    n = min(64, 2 * len(set(sk.samples)) - 1 + int(stragglers) + 2 * int(byzantine))
    th = threading.Thread(target=ex.start, args=(max(n, 1),), daemon=True)
    th.start()
    return ex, th


def _plan_and_run(A, B, sk, grid, stragglers, byzantine, frac_bits, verify_plan, run_options,
                  early, t0, t):  # fmt: skip
    from ..plan import plan as make_plan
    from ..plan import scheme_for_group

    m, n, q = grid
    P = make_plan(sk.samples, stragglers, byzantine, verify=verify_plan)
    t_plan = time.perf_counter()
    before = {"sketch": t - t0, "plan": t_plan - t}
    Ai, fa = _integers(A, frac_bits)
    Bi, fb = _integers(B, frac_bits)
    bm, bq, bn = A.shape[0] // m, A.shape[1] // q, B.shape[1] // n

    def a_block(ident):
        i, t = ident
        return Ai[i * bm : (i + 1) * bm, t * bq : (t + 1) * bq]

    def b_block(ident):
        t, j = ident
        return Bi[t * bq : (t + 1) * bq, j * bn : (j + 1) * bn]

    products: dict = {}
    groups = []
    for g in P.chosen.groups:
        pairs = P.group_pairs(g)
        lefts = list(dict.fromkeys(l for l, _ in pairs))
        rights = list(dict.fromkeys(r for _, r in pairs))

        def place(C, t, value, pairs=pairs):
            products[pairs[t]] = value

        groups.append(
            Group(
                lambda p, g=g: scheme_for_group(P, g, p),
                [[a_block(l) for l in lefts], [b_block(r) for r in rights]],
                place=place,
                name=f"{g.construction}[{g.k}]",
            )
        )
    if not groups:
        raise InputError("the sketch sampled no products (A or B is zero)")
    compare = {"plan": P.chosen.workers, "MatDot": P.baseline_workers, "uncoded": P.k}
    widths = [g.workers for g in P.chosen.groups]
    check_indices(run_options.get("faults"), run_options.get("straggler_model"), widths)
    if early is not None:
        t = time.perf_counter()
        early[1].join()  # the pool, started in the background while planning
        before["pool_start_wait"] = time.perf_counter() - t
        run_options = {**run_options, "executor": early[0]}
    _, rep = run_plan(
        groups, shape=(1, 1), label="sketch+plan", workers_compare=compare, _t0=t0, **run_options
    )
    if early is not None:
        rep.pool_start_s = before["pool_start_wait"]  # the part of it the run waited for
        rep.executor = early[0].name
        rep.notes.append(
            f"the process pool started in the background while planning ({early[0].start_s:.2f}"
            f" s); the run waited {before['pool_start_wait']:.2f} s for it"
        )
    rep.timings = {**before, **rep.timings}
    t_rec = time.perf_counter()
    scale = 2.0 ** -(fa + fb)
    est = np.zeros((A.shape[0], B.shape[1]))
    for (i, j), weights in sk.weights.items():
        blk = est[i * bm : (i + 1) * bm, j * bn : (j + 1) * bn]
        for t, wgt in weights.items():
            blk += wgt * scale * np.asarray(products[((i, t), (t, j))], dtype=np.float64)
    C = A.astype(np.float64) @ B.astype(np.float64)
    normC = float(np.linalg.norm(C)) or 1.0
    float_est = sk.estimate()
    errs = {
        "rel_error": float(np.linalg.norm(C - est)) / normC,
        "sketch_expected_rel_error": float(np.sqrt(sk.expected_sq_error.sum())) / normC,
        "sketch_lemma1_rel_bound": float(np.sqrt(sk.lemma1_bound.sum())) / normC,
        "quant_rel_to_float_sketch": float(np.linalg.norm(est - float_est)) / normC,
    }
    rep.errors.update(errs)
    rep.timings["reconstruct"] = time.perf_counter() - t_rec
    rep.notes.append(
        f"sketch error: relative {errs['rel_error']:.4g} against the exact product; exact "
        f"expectation sqrt(E||C - C^||^2)/||C|| = {errs['sketch_expected_rel_error']:.4g}, "
        f"Lemma 1 bound {errs['sketch_lemma1_rel_bound']:.4g}; quantization ({fa}+{fb} fraction "
        f"bits) moves the estimate by {errs['quant_rel_to_float_sketch']:.3g} relative"
    )
    rep.inputs.update(
        {
            "grid": [m, n, q],
            "samples": sk.num_samples,
            "products": P.k,
            "plan": P.chosen.name,
            "frac_bits": [fa, fb],
        }
    )
    rep.notes.append(
        f"plan {P.chosen.name}: {len(P.chosen.groups)} groups, {P.chosen.workers} workers "
        f"against MatDot's {P.baseline_workers} (saves {P.saving}) and {P.k} uncoded; "
        "each group tolerates s stragglers and b liars on its own"
    )
    _finish(rep, t0)
    return est, rep, P
