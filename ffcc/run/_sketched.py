r"""The compression-informed pipeline in one function: inputs -> sketch -> plan -> per-group
schemes (built and checked in the primes the run computes in) -> run -> report.

Grid CR-MM (:func:`ffcc.sketch.grid_crmm`) picks the block products; the planner
(:func:`ffcc.plan.plan`) codes them in groups, each a :class:`~ffcc.plan.Group` that
describes its code; the run (:func:`~ffcc.run.run_plan`) gives every group its integer
blocks, builds its scheme in every prime the exact range needs, checks it there
(:mod:`ffcc.run._fieldcheck`), runs all groups on the workers and decodes them; the
estimate is rebuilt from the exact products of the quantized blocks:

.. math:: \hat C_{ij} = 2^{-2f} \sum_\iota w_{ij,\iota}\,
          \mathrm{round}(2^f A_{i,\iota})\,\mathrm{round}(2^f B_{\iota,j}),

so the only errors are the sketch's (measured, beside its exact expectation and the Lemma
1 bound) and quantization's (measured against the float64 sketch).

:func:`pipeline` is the one wiring (``ffcc run --sketch``, ``ffcc plan``, ``ffcc demo`` and
the notebooks call it); :func:`run_sketched` is its shorthand returning (estimate, report,
plan).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace

import numpy as np

from ..plan import Plan, plan
from ..sketch import GridSketch, grid_crmm, pad_to_grid
from ._errors import InputError
from ._exact import quantize
from ._executors import LocalExecutor
from ._faults import check_indices
from ._pipeline import Group, RunOptions, check_groups, run_plan
from ._report import RunReport

__all__ = ["pipeline", "Pipeline", "run_sketched"]


@dataclass
class Pipeline:
    """What :func:`pipeline` made, stage by stage.

    ``sketch`` (of the padded inputs), ``padding`` (zero rows/columns added: (dL, dN,
    dM)), ``plan``, ``groups`` (the plan's groups with their integer blocks: what the run
    runs), and after the run the ``estimate`` (cropped to A @ B's shape) and the
    ``report`` (None when ``run=False``); ``field_checks``: every group's scheme checked in
    each prime the run computes in (:func:`~ffcc.run.check_groups`), after a run or a
    ``check``.

    Example
    -------
    A 5 x 6 by 6 x 3 product on a (2, 2, 4) grid is padded to 6 x 8 by 8 x 4 (zero blocks
    are never sampled, so the estimate is unchanged); ``run=False`` stops after the plan:

    >>> A, B = np.ones((5, 6), dtype=int), np.ones((6, 3), dtype=int)
    >>> job = pipeline(A, B, grid=(2, 2, 4), k=2, run=False)
    >>> job.padding  # (rows of A, inner, columns of B)
    (1, 2, 1)
    >>> job.estimate is None and job.report is None  # nothing was dispatched
    True
    >>> sum(g.workers for g in job.groups) == job.plan.chosen.workers
    True
    """

    sketch: GridSketch
    plan: Plan
    padding: tuple[int, int, int]
    groups: list[Group] = field(default_factory=list)
    frac_bits: tuple[int, int] = (0, 0)
    estimate: np.ndarray | None = None
    report: RunReport | None = None
    field_checks: list[list[dict]] | None = None  # per group, per prime: how it was checked
    timings: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)  # (A-block, B-block) -> exact product


def _integers(X, frac_bits: int | None) -> tuple[np.ndarray, int]:
    if np.issubdtype(np.asarray(X).dtype, np.integer) and not frac_bits:
        return np.asarray(X, dtype=np.int64), 0
    return quantize(X, 20 if frac_bits is None else frac_bits)


def pipeline(
    A,
    B,
    *,
    grid: tuple[int, int, int] = (2, 2, 16),
    k=4,
    stragglers: int = 1,
    byzantine: int = 0,
    seed=0,
    frac_bits: int | None = None,
    plan_options: dict | None = None,
    run: bool = True,
    check: bool = False,
    options: RunOptions | None = None,
    **run_options,
) -> Pipeline:
    """Sketch A @ B with Grid CR-MM, plan the codes, run them on workers, reconstruct.

    Parameters
    ----------
    grid, k, seed:
        ``grid = (m, n, q)`` cuts A into m x q blocks and B into q x n (A and B are padded
        with zero rows/columns up to multiples of the grid: exact, as zero blocks are never
        sampled; the estimate is cropped back); ``k`` samples per output block (int or
        m x n array); ``seed`` (int or numpy Generator) draws the samples.
    stragglers, byzantine:
        s and b, tolerated by every group on its own.
    frac_bits:
        Floats are quantized with this many fraction bits (default 20); integer inputs
        are used as they are.
    plan_options:
        Keywords of :func:`ffcc.plan.plan` (``verify``, ``merge``, ``measure``,
        ``optimize``, ``p``).
    run, check:
        ``run=False``: stop after the plan (``groups`` hold their blocks, nothing is
        dispatched); with ``check=True`` also build every group's scheme in the primes the
        run would compute in and check it there (``field_checks``). A run always checks.
    options, run_options:
        How to run (:class:`~ffcc.run.RunOptions` and/or its fields as keywords).

    Example
    -------
    >>> import numpy as np
    >>> A = np.arange(64).reshape(8, 8) % 5
    >>> job = pipeline(A, A.T, grid=(2, 2, 4), k=2, executor="inline", progress=False)
    >>> job.plan.chosen.workers <= job.plan.baseline_workers, job.estimate.shape
    (True, (8, 8))
    >>> bool(np.allclose(job.estimate, job.sketch.estimate()))  # exact products, same sketch
    True
    """
    t0 = time.perf_counter()
    o = RunOptions.of(options, run_options, "pipeline")
    m, n, q = grid
    L, M = np.shape(A)[0], np.shape(B)[1]
    A, B, pad = pad_to_grid(A, B, m, n, q)  # exact: zero blocks are never sampled
    sk = grid_crmm(A, B, m, n, q, k, seed)
    t = time.perf_counter()
    early = _start_pool_early(o, sk, stragglers, byzantine) if run else None
    try:
        opts = {"verify": True, **(plan_options or {})}
        P = plan(sk.samples, stragglers, byzantine, **opts)
        t_plan = time.perf_counter()
        job = Pipeline(sk, P, pad, timings={"sketch": t - t0, "plan": t_plan - t})
        _give_blocks(job, A, B, frac_bits)
        if check and not run:
            t = time.perf_counter()
            job.field_checks = check_groups(job.groups)
            job.timings["field_check"] = time.perf_counter() - t
        if run:
            _run(job, o, early, t0, A, B)
            job.estimate = job.estimate[:L, :M]
            if any(pad):
                _note_padding(job.report, pad, A, B, grid, L, M)
            job.field_checks = [g.field_check for g in job.report.groups]
            job.report.total_s = time.perf_counter() - t0
        return job
    finally:
        if early is not None:
            early[1].join()
            early[0].close()


def run_sketched(A, B, *, grid=(2, 2, 16), k=4, stragglers: int = 1, byzantine: int = 0,
                 frac_bits: int | None = None, verify_plan: bool = True, seed=0,
                 **run_options):  # fmt: skip
    """:func:`pipeline` run to the end; returns (estimate, report, plan).

    ``verify_plan``: verify every group of the plan in GF(65537) while planning (the run
    checks every group in every prime it computes in regardless). ``run_options``:
    :class:`~ffcc.run.RunOptions` fields (executor, straggler_model, faults, freivalds,
    progress, timeout, ...).

    >>> import numpy as np
    >>> A = np.arange(64).reshape(8, 8) % 5
    >>> est, rep, P = run_sketched(A, A.T, grid=(2, 2, 4), k=2, executor="inline",
    ...                            progress=False)
    >>> rep.label, len(rep.groups) == len(P.chosen.groups)
    ('sketch+plan', True)
    """
    job = pipeline(A, B, grid=grid, k=k, stragglers=stragglers, byzantine=byzantine,
                   seed=seed, frac_bits=frac_bits, plan_options={"verify": verify_plan},
                   **run_options)  # fmt: skip
    return job.estimate, job.report, job.plan


def _start_pool_early(o: RunOptions, sk, stragglers, byzantine):
    """With ``executor="local"``: start the process pool in a background thread now, so
    that it comes up while the plan is made (sized for MatDot's workers, which the plan
    never exceeds, at most 64). Returns (executor, thread) or None."""
    if o.executor != "local" or o.executor_options:
        return None
    ex = LocalExecutor()
    n = min(64, 2 * len(set(sk.samples)) - 1 + int(stragglers) + 2 * int(byzantine))
    th = threading.Thread(target=ex.start, args=(max(n, 1),), daemon=True)
    th.start()
    return ex, th


def _give_blocks(job: Pipeline, A, B, frac_bits) -> None:
    """The plan's groups, each given its integer blocks and told where its products go."""
    m, n, q = job.sketch.m, job.sketch.n, job.sketch.q
    P = job.plan
    Ai, fa = _integers(A, frac_bits)
    Bi, fb = _integers(B, frac_bits)
    job.frac_bits = (fa, fb)
    bm, bq, bn = A.shape[0] // m, A.shape[1] // q, B.shape[1] // n

    def a_block(ident):
        i, t = ident
        return Ai[i * bm : (i + 1) * bm, t * bq : (t + 1) * bq]

    def b_block(ident):
        t, j = ident
        return Bi[t * bq : (t + 1) * bq, j * bn : (j + 1) * bn]

    for g in P.chosen.groups:
        pairs = P.group_pairs(g)

        def place(C, t, value, pairs=pairs):
            job.products[pairs[t]] = value

        job.groups.append(
            replace(
                g,
                inputs=[[a_block(x) for x in g.spec.a_ids], [b_block(x) for x in g.spec.b_ids]],
                place=place,
                name=f"{g.construction}[{g.k}]",
            )
        )


def _run(job: Pipeline, o: RunOptions, early, t0: float, A, B) -> None:
    P, sk = job.plan, job.sketch
    if not job.groups:
        raise InputError("the sketch sampled no products (A or B is zero)")
    compare = {"plan": P.chosen.workers, "MatDot": P.baseline_workers, "uncoded": P.k}
    check_indices(o.faults, o.straggler_model, [g.workers for g in P.chosen.groups])
    before = dict(job.timings)
    if early is not None:
        t = time.perf_counter()
        early[1].join()  # the pool, started in the background while planning
        before["pool_start_wait"] = time.perf_counter() - t
        o = replace(o, executor=early[0])
    o = replace(o, label=o.label or "sketch+plan", workers_compare=compare)
    _, rep = run_plan(job.groups, shape=(1, 1), options=o, started=t0)
    if early is not None:
        rep.pool_start_s = before["pool_start_wait"]  # the part of it the run waited for
        rep.executor = early[0].name
        rep.notes.append(
            f"the process pool started in the background while planning ({early[0].start_s:.2f}"
            f" s); the run waited {before['pool_start_wait']:.2f} s for it"
        )
    rep.timings = {**before, **rep.timings}
    t_rec = time.perf_counter()
    fa, fb = job.frac_bits
    scale = 2.0 ** -(fa + fb)
    bm, bn = A.shape[0] // sk.m, B.shape[1] // sk.n
    est = np.zeros((A.shape[0], B.shape[1]))
    for (i, j), weights in sk.weights.items():
        blk = est[i * bm : (i + 1) * bm, j * bn : (j + 1) * bn]
        for t, wgt in weights.items():
            blk += wgt * scale * np.asarray(job.products[((i, t), (t, j))], dtype=np.float64)
    C = A.astype(np.float64) @ B.astype(np.float64)
    normC = float(np.linalg.norm(C)) or 1.0
    errs = {
        "rel_error": float(np.linalg.norm(C - est)) / normC,
        "sketch_expected_rel_error": float(np.sqrt(sk.expected_sq_error.sum())) / normC,
        "sketch_lemma1_rel_bound": float(np.sqrt(sk.lemma1_bound.sum())) / normC,
        "quant_rel_to_float_sketch": float(np.linalg.norm(est - sk.estimate())) / normC,
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
            "grid": [sk.m, sk.n, sk.q],
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
    job.estimate, job.report = est, rep


def _note_padding(rep, pad, A, B, grid, L, M) -> None:
    m, n, q = grid
    rep.inputs["padding"] = list(pad)
    rep.notes.append(
        f"padded with zeros to fit the grid {m},{n},{q}: A {L}x{A.shape[1] - pad[1]} -> "
        f"{A.shape[0]}x{A.shape[1]}, B -> {B.shape[0]}x{B.shape[1]} (exact: zero "
        f"blocks are never sampled); the product is cropped to {L}x{M}"
    )
