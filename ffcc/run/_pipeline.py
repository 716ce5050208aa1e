r"""The whole pipeline on real workers: encode, run, keep the first results, decode, check.

A *plan* is a list of :class:`~ffcc.plan.Group`\ s (the planner's groups, given their
inputs). Each group is one coded computation: a scheme (a fixed one, a factory ``p ->
Scheme``, or a planned group's description, so that several primes can be used), the
integer blocks it multiplies, and where its targets go in the result. :func:`run_plan` submits every
group's tasks at once to one executor (one pool for the whole run), decodes each group as
soon as its own results suffice, and returns the exact integer result and a
:class:`~ffcc.run.RunReport`; the job's latency is its slowest group's.

**Guarantees.** With at most s results missing (killed, raising or straggling workers)
and at most b corrupted, the result is exact and the workers that lied are named: with
b = 0 the first results that determine every target are decoded, and every spare result
that arrived as well is checked against them (a disagreement raises); with b > 0 the run
waits for w - s results (R + 2b, the minimum that corrects b errors) and calls the
scheme's ``decode_with_errors``. With more faults it raises :class:`TooManyFaults`; a lie
that no decoder can see (more than b liars whose results happen to be consistent, or any
lie when b = 0 and no spare result arrived) is caught by the Freivalds check with
probability at least :math:`1 - q^{-t}`, raising :class:`VerificationFailed`. The report
says what checked the product (``checked``, ``checked_by``); when nothing did (b = 0, no
spare result, Freivalds off) it says UNCHECKED. Nothing the caller passed is modified.

Example
-------
>>> import numpy as np
>>> from ffcc.run import run_matmul
>>> rng = np.random.default_rng(1)
>>> A = rng.integers(-9, 10, (6, 8)); B = rng.integers(-9, 10, (8, 5))
>>> C, rep = run_matmul(A, B, m=2, stragglers=1, executor="inline", progress=False)
>>> bool((C == A @ B).all()), rep.groups[0].w, rep.groups[0].R
(True, 4, 3)
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace

import numpy as np

from .._progress import Progress
from ..plan import Group
from ..scheme import DecodingError, Scheme
from . import _exact, _fieldcheck
from ._errors import InputError, TooManyFaults, VerificationFailed
from ._exact import (
    choose_primes,
    combine,
    freivalds_prime,
    freivalds_target,
    matdot_scheme,
    max_abs,
    quantization_bound,
    quantize,
    reduce_mod,
    split_inner,
    target_bound,
)
from ._executors import make_executor
from ._faults import Faults, StragglerModel, parse_model
from ._job import CORRUPTED, KILLED, RAISED, Executor, GroupJob
from ._kernels import lincomb_many
from ._realvalued import RealMatDot
from ._report import GroupReport, RunReport

__all__ = ["Group", "RunOptions", "check_groups", "run_plan", "run_matmul"]


@dataclass(frozen=True)
class RunOptions:
    """How a run is carried out and what its report shows, shared by :func:`run_plan`,
    :func:`run_matmul` and :func:`ffcc.run.run_sketched` (which also take each field as a
    keyword argument).

    Parameters
    ----------
    executor:
        ``"local"`` (default), ``"dask"``, ``"threads"``, ``"inline"``, ``"auto"`` (threads
        below :data:`SMALL_JOB_WORK` multiply-adds without injected kills, else local) or
        an :class:`Executor` (kept open).
    executor_options:
        Keyword arguments of the executor (e.g. a pool size).
    straggler_model, faults:
        Delays injected in the workers (:func:`parse_model` spec or model) and injected
        faults (:class:`Faults`).
    freivalds:
        Trials t of the Freivalds check of every target, over a prime q below
        :math:`2^{30}` that is not a computing prime; a wrong target passes with
        probability at most :math:`q^{-t}` (0: no check).
    seed, progress, timeout:
        Seed of the injected delays and checks; progress bar (None: when a terminal);
        seconds to wait for a group before giving up.
    label, workers_compare, lemma1_bound:
        Shown in the report: the job's name, worker counts of other schemes (e.g.
        ``{"MatDot": 15}``) and the planner's Lemma 1 bound.

    Example
    -------
    >>> o = RunOptions.of(None, {"executor": "inline", "progress": False}, "example")
    >>> o.executor, o.freivalds
    ('inline', 3)
    """

    executor: str | Executor = "local"
    executor_options: dict | None = None
    straggler_model: StragglerModel | str | None = None
    faults: Faults | None = None
    freivalds: int = 3
    seed: int = 0
    progress: bool | None = None
    timeout: float | None = None
    label: str | None = None
    workers_compare: dict | None = None
    lemma1_bound: float | None = None

    @classmethod
    def of(cls, options: RunOptions | None, keywords: dict, who: str) -> RunOptions:
        """``options`` (default: all defaults) with the fields named in ``keywords``
        replaced; an unknown keyword raises TypeError naming ``who`` and the fields."""
        unknown = sorted(set(keywords) - {f.name for f in fields(cls)})
        if unknown:
            raise TypeError(
                f"{who}() got unexpected keyword argument(s) {', '.join(unknown)}; run options "
                f"are {', '.join(f.name for f in fields(cls))}"
            )
        return replace(options or cls(), **keywords)


@dataclass
class _Prepared:
    group: Group
    schemes: list
    primes: tuple
    bound: int
    inputs: list
    field_check: list = field(default_factory=list)  # one verdict per prime, before dispatch

    @property
    def scheme(self) -> Scheme:
        return self.schemes[0]


def _int_blocks(blocks, c: int, gi: int) -> list:
    out = []
    for l, X in enumerate(blocks):
        a = np.asarray(X)
        if a.dtype == object:
            if not all(isinstance(v, (int, np.integer)) for v in a.ravel()):
                raise InputError(f"group {gi}: inputs[{c}][{l}] holds non-integers")
        elif a.dtype.kind not in "iub":
            raise InputError(
                f"group {gi}: inputs[{c}][{l}] has dtype {a.dtype}; exact groups take "
                "integers (quantize floats first, e.g. with ffcc.run.quantize)"
            )
        elif a.dtype.kind == "u" and a.dtype.itemsize == 8 and a.size and a.max() >= 1 << 63:
            raise InputError(f"group {gi}: inputs[{c}][{l}] exceeds the int64 range")
        out.append(a)
    return out


def _lifted_targets(s: Scheme):
    h = (s.p - 1) // 2
    return [[(idx, c - s.p if c > h else c) for idx, c in t] for t in s.targets]


def _prepare(g: Group, gi: int) -> _Prepared:
    if not isinstance(g, Group):
        raise InputError(f"plan[{gi}] is a {type(g).__name__}, expected ffcc.run.Group")
    # a planned group (spec) is built in every prime, even when it holds a found scheme
    first = g.scheme if isinstance(g.scheme, Scheme) and g.spec is None else None
    if first is None and not g.described:
        raise InputError(
            f"group {gi}: scheme must be a Scheme or a factory p -> Scheme (or give a planned "
            "group: spec= and construction=)"
        )
    probe = first if first is not None else g.build(65537)
    if not isinstance(probe, Scheme):
        raise InputError(f"group {gi}: the scheme factory returned {type(probe).__name__}")
    if probe.outputs is not None:
        raise InputError(
            f"group {gi}: workers with several outputs are not run by ffcc.run yet; check the "
            "scheme with ffcc.verify and decode its results with Scheme.decode_outputs"
        )
    if len(g.inputs) != probe.d:
        raise InputError(f"group {gi}: {len(g.inputs)} input coordinates for d = {probe.d}")
    inputs = [_int_blocks(g.inputs[c], c, gi) for c in range(probe.d)]
    for c in range(probe.d):
        if len(inputs[c]) != probe.basis[c]:
            raise InputError(
                f"group {gi}: coordinate {c} has {len(inputs[c])} blocks, the scheme's basis "
                f"needs {probe.basis[c]}"
            )
    bound = int(g.bound) if g.bound is not None else target_bound(probe, inputs)
    if first is not None:
        need = 2 * bound + 1
        if first.p < need and g.primes is None:
            raise InputError(
                f"group {gi}: the exact targets reach {bound.bit_length()} bits but the scheme "
                f"is over GF({first.p}); pass a factory p -> Scheme so several primes can be "
                "combined by CRT, or use smaller entries / fewer fraction bits"
            )
        if g.primes is not None and tuple(int(q) for q in g.primes) != (first.p,):
            raise InputError(f"group {gi}: a fixed scheme runs over its own prime {first.p} only")
        return _Prepared(g, [first], (first.p,), bound, inputs)
    primes = choose_primes(bound, g.primes)
    schemes = [probe if q == 65537 else g.build(q) for q in primes]
    ref = _lifted_targets(schemes[0])
    for q, s in zip(primes, schemes, strict=True):
        if not isinstance(s, Scheme) or s.p != q:
            raise InputError(f"group {gi}: the factory must return a Scheme over GF({q})")
        if (s.w, s.basis, s.stragglers, s.byzantine) != (
            schemes[0].w,
            schemes[0].basis,
            schemes[0].stragglers,
            schemes[0].byzantine,
        ):
            raise InputError(f"group {gi}: the factory builds different codes for different p")
        if _lifted_targets(s) != ref:
            raise InputError(
                f"group {gi}: targets differ across primes; integer results need the same "
                "small integer target coefficients over every prime"
            )
    return _Prepared(g, schemes, primes, bound, inputs)


def _stack_reduced(blocks, q: int, gi: int, c: int) -> np.ndarray:
    """The blocks of one coordinate mod q, flattened into the rows of one array."""
    shapes = {np.shape(b) for b in blocks}
    if len(shapes) != 1:
        raise InputError(f"group {gi}: coordinate {c} blocks differ in shape: {sorted(shapes)}")
    shape = shapes.pop()
    out = np.empty((len(blocks), int(np.prod(shape, dtype=np.int64))), dtype=np.int64)
    for l, b in enumerate(blocks):
        if b.dtype == object:
            out[l] = reduce_mod(b, q).reshape(-1)
        else:  # one pass, written in place
            np.remainder(b.astype(np.int64, copy=False), q, out=out[l].reshape(shape))
    return out


def _fault_text(events) -> str:
    parts = []
    for e in events:
        if e.status in (KILLED, RAISED):
            parts.append(f"worker {e.worker} {e.status} ({e.detail})")
    return "; ".join(parts) if parts else "none failed, but the results do not suffice"


def _decode_group(pr: _Prepared, outcome, seed, grep) -> tuple[list, list, list]:
    """Signed integer targets, the workers used and the liars; records in
    ``grep.checked_by`` what cross-checked the decoded targets."""
    S0 = pr.scheme
    ok = outcome.results
    b = S0.byzantine
    per_prime, liars = [], set()
    if b == 0:
        order = outcome.order
        pick = order[: S0.R] if len(order) >= S0.R and S0.decodes(order[: S0.R]) else order
        used = sorted(pick)
        spare = sorted(set(ok) - set(used))
        for qi, s in enumerate(pr.schemes):
            if spare and not s.consistent({j: ok[j][qi] for j in used + spare}):
                raise TooManyFaults(
                    f"group {grep.index} ({grep.name}): the {len(ok)} results disagree with "
                    f"each other: some worker returned a wrong result, but b = 0 was declared; "
                    "declare byzantine >= 1 (-b 1) to locate and correct liars"
                )
            D = s.decoder(used)
            shape = np.shape(ok[used[0]][qi])
            # the results are views of the workers' output slots: no stacked copy
            ys = [np.asarray(ok[j][qi], dtype=np.int64).reshape(-1) for j in used]
            out = lincomb_many(s.p, D, ys, ys[0].size)  # one pass over the results
            per_prime.append([out[t].reshape(shape) for t in range(D.shape[0])])
        if spare:
            grep.checked_by.append(f"spare results ({len(spare)})")
    else:
        for qi, s in enumerate(pr.schemes):
            try:
                targets, bad = s.decode_with_errors(
                    {j: ok[j][qi] for j in ok}, max_errors=b, rng=seed
                )
            except DecodingError as e:
                raise TooManyFaults(
                    f"group {pr.group.name}: the {len(ok)} results cannot be explained with "
                    f"at most b = {b} corrupted workers: more workers lied than the scheme "
                    f"corrects ({e})"
                ) from None
            per_prime.append(targets)
            liars.update(bad)
        used = sorted(set(ok) - liars)
        grep.checked_by.append("error-correcting decode")
    n_t = len(per_prime[0])
    targets = [combine([pp[t] for pp in per_prime], pr.primes, pr.bound) for t in range(n_t)]
    return targets, used, sorted(liars)


def _place(C, g: Group, targets, gi):
    if callable(g.place):
        for t, v in enumerate(targets):
            g.place(C, t, v)
        return
    for item in g.place:
        t, (r0, c0) = item[0], item[1]
        coeff = item[2] if len(item) > 2 else 1
        v = targets[t]
        h, w = v.shape
        if r0 + h > C.shape[0] or c0 + w > C.shape[1]:
            raise InputError(
                f"group {gi}: target {t} at {(r0, c0)} does not fit a {C.shape} result"
            )
        C[r0 : r0 + h, c0 : c0 + w] += v * coeff if coeff != 1 else v


def run_plan(
    plan: Sequence[Group],
    *,
    shape: tuple[int, int] | None = None,
    reference=None,
    options: RunOptions | None = None,
    started: float | None = None,
    **run_options,
) -> tuple[np.ndarray, RunReport]:
    r"""Run every group of a plan on real workers; return (exact integer result, report).

    Parameters
    ----------
    plan:
        A list of :class:`~ffcc.plan.Group` (``ffcc.run.Group``).
    shape:
        Shape of the result; needed unless the plan is one group with ``place=None``.
    reference:
        A reference product: the report gives the relative error against it.
    options, run_options:
        A :class:`RunOptions` and/or its fields as keywords (executor, executor_options,
        straggler_model, faults, freivalds, seed, progress, timeout, label,
        workers_compare, lemma1_bound). Every group is in flight at once on the local,
        dask and threads engines; inline runs them one after the other.
    started:
        ``time.perf_counter()`` when the job started (default: now): the report's group
        start times and ``total_s`` count from it (a caller that sketched and planned
        first passes its own start, and may raise ``total_s`` for work done after).

    Raises
    ------
    TooManyFaults
        More missing or corrupted results than the group's s and b.
    VerificationFailed
        A target failed the Freivalds check.

    Example
    -------
    Two groups, the top and the bottom rows of A @ B, each a MatDot code with m = 2 inner
    blocks and s = 1 (w = 2m - 1 + s = 4 workers, any R = 3 decode); worker 1 of every
    group is killed:

    >>> from ffcc.run import Faults, matdot_scheme
    >>> A, B = np.arange(24).reshape(6, 4), np.arange(8).reshape(4, 2)
    >>> def rows(r):  # target 0 = A[r] @ B, placed at row r.start
    ...     blocks = [[A[r, :2], A[r, 2:]], [B[:2], B[2:]]]
    ...     return Group(lambda p: matdot_scheme(p, 2, 1), blocks, place=[(0, (r.start, 0))])
    >>> C, rep = run_plan([rows(slice(0, 3)), rows(slice(3, 6))], shape=(6, 2),
    ...                   executor="inline", faults=Faults(kill=[1]), progress=False)
    >>> bool((C == A @ B).all()), [(g.w, g.R) for g in rep.groups]
    (True, [(4, 3), (4, 3)])
    """
    t_run = time.perf_counter() if started is None else started
    o = RunOptions.of(options, run_options, "run_plan")
    executor, straggler_model, faults = o.executor, o.straggler_model, o.faults
    freivalds, seed, progress, timeout = o.freivalds, o.seed, o.progress, o.timeout
    label = o.label or "plan"
    plan = list(plan)
    if not plan:
        raise InputError("the plan has no groups")
    model = parse_model(straggler_model)
    faults = faults if faults is not None else Faults()
    t = time.perf_counter()
    prepared = [_prepare(g, gi) for gi, g in enumerate(plan)]
    prepare_s = time.perf_counter() - t
    t = time.perf_counter()
    _check_prepared(prepared)  # every scheme in every field it runs in, first
    field_check_s = time.perf_counter() - t
    if shape is None and not (len(plan) == 1 and plan[0].place is None):
        raise InputError("give shape= for a plan with several groups or explicit placements")
    if any(g.place is None for g in plan) and len(plan) > 1:
        raise InputError("place=None means the whole result: only for a one-group plan")
    own = not isinstance(executor, Executor)
    executor, why = _resolve_auto(executor, prepared, faults, o.executor_options)
    ex = make_executor(executor, **(o.executor_options or {}))
    rep = RunReport(label=label, executor=ex.name, straggler_model=model.describe())
    rep.timings["prepare"] = prepare_s
    rep.timings["field_check"] = field_check_s
    if why:
        rep.notes.append(why)
    rep.faults = faults.to_dict()
    rep.workers_compare = {"plan": sum(p.scheme.w for p in prepared), **(o.workers_compare or {})}
    rng = np.random.default_rng([seed, 1])  # delays
    rng_check = np.random.default_rng([seed, 2])  # Freivalds vectors
    q_check = freivalds_prime([q for p in prepared for q in p.primes])
    C = None
    delays = [model.sample(p.scheme.w, rng) for p in prepared]  # drawn in group order
    try:
        start = getattr(ex, "start", None)
        if start is not None and own:
            rep.pool_start_s = start(_pool_size(ex, prepared))
            rep.timings["pool_start"] = rep.pool_start_s
        rep.processes = ex.processes
        total_need = sum(_need(p.scheme) for p in prepared)
        with Progress(total_need, f"run {label}", progress) as bar:
            t = time.perf_counter()
            outcomes = _run_groups(ex, prepared, delays, faults, seed, _LockedBar(bar), timeout)
            rep.timings["compute_and_decode"] = time.perf_counter() - t
            t = time.perf_counter()
            for gi, (pr, (targets, grep)) in enumerate(zip(prepared, outcomes, strict=True)):
                rep.groups.append(grep)
                if freivalds and _check_targets(pr, targets, freivalds, rng_check, gi, q_check):
                    grep.checked_by.append("freivalds")
                C = _assemble(C, pr, targets, shape, prepared, gi)
            rep.timings["check"] = time.perf_counter() - t
    finally:
        if own:
            ex.close()
    if freivalds and any("freivalds" in g.checked_by for g in rep.groups):
        rep.freivalds = {
            "trials": int(freivalds),
            "q": q_check,
            "passed": True,
            "failure_probability": float(q_check) ** -int(freivalds),
            "what": "every target of every matrix-product group, against its definition "
            "from the inputs",
        }
    if len(prepared) > 1 and getattr(ex, "concurrent", False):
        spec = "+".join(f"{p.scheme.w}:{_need(p.scheme)}" for p in prepared)
        rep.notes.append(
            f"latency model: every group in flight from 0, the job done at its slowest group's "
            f"last needed result (`ffcc simulate --plan {spec}` samples it)"
        )
    if o.lemma1_bound is not None:
        rep.errors["lemma1_bound"] = float(o.lemma1_bound)
    if reference is not None:
        rep.errors["rel_error"] = _rel_error(C, reference)
    _finish(rep, t_run)
    return C, rep


def check_groups(plan: Sequence[Group]) -> list[list[dict]]:
    """Build every group's scheme in each prime its exact range needs and check it in that
    field, as :func:`run_plan` does before it dispatches anything: one list of verdicts
    per group, one dict per prime (``p``, ``how``: "exhaustive", "certificate" or
    "unverified", ``subsets``, ...; see :mod:`ffcc.run._fieldcheck`).

    Raises
    ------
    FieldCheckFailed
        Some R-subset of a group's workers does not decode in a prime the run would use.

    Example
    -------
    >>> import numpy as np
    >>> from ffcc.run import matdot_scheme
    >>> big = [np.full((2, 2), 2**20)] * 2  # 2 * 2 * 2^40: beyond one 31-bit prime
    >>> g = Group(lambda p: matdot_scheme(p, 2, 1), [big, big])
    >>> [(c["p"] > 2**30, c["how"]) for c in check_groups([g])[0]]
    [(True, 'exhaustive'), (True, 'exhaustive')]
    """
    prepared = [_prepare(g, gi) for gi, g in enumerate(plan)]
    _check_prepared(prepared)
    return [pr.field_check for pr in prepared]


def _check_prepared(prepared) -> None:
    for gi, pr in enumerate(prepared):
        pr.field_check = _fieldcheck.check_schemes(pr.schemes, gi, pr.group.name or pr.scheme.name)


def _finish(rep: RunReport, t0: float) -> None:
    """Group starts were taken on the perf_counter clock: make them run-relative."""
    for g in rep.groups:
        g.start_s -= t0
    rep.total_s = time.perf_counter() - t0


def _need(s: Scheme) -> int:
    return s.R if s.byzantine == 0 else s.w - s.stragglers


def _rel_error(C, ref) -> float:
    C = np.asarray(C, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    den = np.linalg.norm(ref)
    num = np.linalg.norm(C - ref)
    return float(num / den) if den > 0 else float(num)


def _assemble(C, pr: _Prepared, targets, shape, prepared, gi):
    g = pr.group
    if g.place is None:
        if len(targets) != 1:
            raise InputError(f"group {gi} has {len(targets)} targets: say where each goes (place=)")
        return targets[0]
    if C is None:
        # every entry of C is a sum of placed targets: int64 when their bounds allow it
        total = sum(p.bound * _place_weight(p.group) for p in prepared)
        dtype = np.int64 if total < (1 << 63) - 1 else object
        C = np.zeros(shape, dtype=dtype)
        if dtype is object:
            C[...] = 0
    _place(C, g, [t.astype(C.dtype) if C.dtype == object else t for t in targets], gi)
    return C


def _place_weight(g: Group) -> int:
    """Sum of |coeff| over a group's placements (an upper bound for a callable: 2^63)."""
    if callable(g.place):
        return 1 << 63
    return sum(abs(int(it[2])) if len(it) > 2 else 1 for it in g.place)


def _check_targets(pr: _Prepared, targets, trials, rng, gi, q) -> bool:
    """Freivalds check of every target; False when it does not apply (not a product)."""
    s = pr.scheme
    if s.d != 2 or s.product is not None:
        return False  # the check is written for matrix products
    for t, v in enumerate(targets):
        if not freivalds_target(s, pr.inputs, v, t, trials, rng, q):
            raise VerificationFailed(
                f"group {gi}, target {t} failed the Freivalds check: a worker returned a wrong "
                f"result that decoding did not correct (more than b = {s.byzantine} liars?); "
                "declare byzantine >= 1 to locate and correct liars"
            )
    return True


# Below this many multiply-adds over all workers (and primes), ``executor="auto"`` runs the
# tasks in threads of this process instead of starting a process pool. Measured with
# ``benchmarks/bench_main_job.py --threshold`` on the 2-core reference machine (MatDot
# m = 4, s = 1, N x N): a fresh pool costs 1.1-1.5 s to start (3.7 s for the main job's 28
# processes), while threads and an already running pool compute equally fast (the GEMMs
# release the GIL) from 3e7 to 3e10 multiply-adds, e.g. 2.5 s against 2.4 s at 1.7e10.
# So below 1e10 (N of about 1700) threads win by the pool start; above it the job takes
# seconds anyway and processes buy isolation (a worker crash or memory blow-up stays out
# of the coordinator) for a small share of the time.
SMALL_JOB_WORK = 10**10


def _work(prepared) -> int:
    """Multiply-adds of every worker of every group (chained 2-D products)."""
    total = 0
    for pr in prepared:
        shapes = [np.shape(blocks[0]) for blocks in pr.inputs]
        if all(len(sh) == 2 for sh in shapes):
            per = sum(shapes[0][0] * r * c for r, c in shapes[1:])
        else:  # another product: at least a pass over its operands
            per = sum(int(np.prod(sh)) for sh in shapes)
        total += pr.scheme.w * len(pr.primes) * max(per, 1)
    return total


def _resolve_auto(executor, prepared, faults, options) -> tuple:
    """``"auto"``: threads for small jobs (no pool to start), processes otherwise.

    Injected kills need processes (a thread is no failure domain), and so do executor
    options (a pool size)."""
    if not (isinstance(executor, str) and executor.lower() == "auto"):
        return executor, ""
    work = _work(prepared)
    if options or faults.kill or work > SMALL_JOB_WORK:
        return "local", ""
    return "threads", (
        f"small job ({work:.3g} multiply-adds <= {SMALL_JOB_WORK:.0e}): tasks ran in threads "
        "of this process, not in a process pool (--executor local forces processes)"
    )


def _pool_size(ex, prepared) -> int:
    """One process per worker of every group in flight (a sleeping straggler then holds no
    other task back), but not beyond 64 more than the widest group."""
    widest = max(p.scheme.w for p in prepared)
    if not getattr(ex, "concurrent", False):
        return widest
    return min(sum(p.scheme.w for p in prepared), max(widest, 64))


class _LockedBar:
    """A progress bar several group threads update."""

    def __init__(self, bar):
        self.bar, self.lock = bar, threading.Lock()

    def update(self, n):
        with self.lock:
            self.bar.update(n)


def _run_groups(ex, prepared, delays, faults, seed, bar, timeout) -> list:
    """Every group's (targets, report), all groups in flight at once.

    Each group has its own coordinator thread, which submits the group's w tasks, waits
    for the results that suffice and decodes them at once: a group's latency no longer
    includes the groups before it, and the job's is the slowest group's. The first group
    that fails stops the others (their coordinators give up within a poll interval) and
    its error is raised. An executor that cannot run groups concurrently (inline) runs
    them one after the other.
    """
    if not getattr(ex, "concurrent", False) or len(prepared) == 1:
        return [
            _run_group(ex, pr, gi, delays[gi], faults, seed, bar, timeout)
            for gi, pr in enumerate(prepared)
        ]
    stop = threading.Event()
    errors: list = []
    lock = threading.Lock()

    def one(gi):
        try:
            return _run_group(ex, prepared[gi], gi, delays[gi], faults, seed, bar, timeout, stop)
        except BaseException as e:
            with lock:
                if not stop.is_set():  # the first failure is the one to report
                    errors.append(e)
                stop.set()
            raise

    with ThreadPoolExecutor(len(prepared), thread_name_prefix="ffcc-group") as pool:
        futs = [pool.submit(one, gi) for gi in range(len(prepared))]
        out = []
        try:
            for f in futs:
                try:
                    out.append(f.result())
                except Exception:
                    out.append(None)
        except BaseException:  # Ctrl-C here: the group threads give up within a poll
            stop.set()
            raise
    if errors:
        raise errors[0]
    return out


def _run_group(ex, pr: _Prepared, gi, delays, faults, seed, bar, timeout, stop=None):
    S0 = pr.scheme
    w, b, s = S0.w, S0.byzantine, S0.stragglers
    t_start = time.perf_counter()
    grep = GroupReport(
        gi,
        pr.group.name or S0.name,
        w,
        S0.R,
        s,
        b,
        _need(S0),
        "field",
        primes=list(pr.primes),
        bound_bits=int(pr.bound).bit_length(),
        field_check=pr.field_check,
    )
    t = time.perf_counter()
    X = [
        [_stack_reduced(blocks, q, gi, c) for c, blocks in enumerate(pr.inputs)] for q in pr.primes
    ]
    job = GroupJob(
        gi,
        "field",
        tuple(pr.primes),
        w,
        tuple(np.shape(blocks[0]) for blocks in pr.inputs),
        delays,
        faults.for_group(gi, w),
        product=S0.product,
        seed=seed,
        label=grep.name,
        E=[list(sch.E) for sch in pr.schemes],
        X=X,
        tolerates=s,
    )
    prep_s = time.perf_counter() - t
    if b == 0:

        def enough(ok):
            return len(ok) >= S0.R and S0.decodes(sorted(ok))

        def possible(failed):
            rest = [j for j in range(w) if j not in failed]
            return len(rest) >= S0.R and S0.decodes(rest)
    else:

        def enough(ok):
            return len(ok) >= w - s

        def possible(failed):
            return len(failed) <= s

    if stop is not None:  # another group failed: give up at once
        possible0 = possible

        def possible(failed):
            return not stop.is_set() and possible0(failed)

    out = ex.run_group(job, enough, possible, bar, timeout)
    grep.encode_s = prep_s + job.encode_s
    del job, X
    grep.events = [out.events[j] for j in range(w)]
    grep.submissions, grep.rebuilds, grep.rebuild_s = out.submissions, out.rebuilds, out.rebuild_s
    grep.time_to_R_s = out.t_enough
    if out.t_enough is None:
        got = len(out.results)
        what = (
            f"needs {S0.R} that determine every target (tolerates s = {s} missing)"
            if b == 0
            else f"needs w - s = {w - s} to correct b = {b} liars (tolerates s = {s} missing)"
        )
        raise TooManyFaults(
            f"group {gi} ({grep.name}): only {got} of {w} workers returned a result; the code "
            f"{what}. Failures: {_fault_text(grep.events)}"
        )
    t = time.perf_counter()
    targets, used, liars = _decode_group(pr, out, seed, grep)
    grep.decode_s = time.perf_counter() - t
    grep.used, grep.liars = used, liars
    for j in liars:
        grep.events[j].status = CORRUPTED
    grep.start_s = t_start
    return targets, grep


def _as_matrix(X, name: str) -> np.ndarray:
    a = np.asarray(X)
    if a.dtype == object or a.dtype.kind not in "iubf":
        raise InputError(f"{name} has dtype {a.dtype}; expected an integer or float matrix")
    if a.ndim != 2:
        raise InputError(f"{name} must be a 2-D matrix, got {a.ndim} dimensions")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise InputError(f"{name} holds NaN or Inf")
    if a.dtype.kind == "u" and a.dtype.itemsize == 8 and a.size and a.max() >= 1 << 63:
        raise InputError(f"{name} exceeds the int64 range")
    return a


def run_matmul(
    A,
    B,
    *,
    m: int = 4,
    stragglers: int = 1,
    byzantine: int = 0,
    scheme: Scheme | Callable[[int], Scheme] | None = None,
    frac_bits: int | None = None,
    primes: Sequence[int] | None = None,
    real: bool = False,
    real_basis: str = "chebyshev",
    reference: bool = False,
    options: RunOptions | None = None,
    **run_options,
) -> tuple[np.ndarray, RunReport]:
    r"""The exact product A @ B with a MatDot-like code on real workers.

    Integer matrices are multiplied exactly. Float matrices are quantized to
    ``frac_bits`` fraction bits (default 20), multiplied exactly, and scaled back; the
    only error is quantization, reported with its bound
    :math:`\text{inner}\cdot 2^{-f-1}(\max|A| + \max|B| + 2^{-f-1})`. Several primes and
    CRT are used when :math:`2\cdot\text{inner}\cdot\max|A_q|\max|B_q|` exceeds one prime.

    Parameters
    ----------
    m, stragglers, byzantine:
        MatDot with m inner blocks, s stragglers and b liars: w = 2m - 1 + s + 2b workers.
    scheme:
        Another code with basis (m, m) and the single target :math:`\sum_i A_iB_i` (a Scheme
        or a factory ``p -> Scheme``).
    real:
        Also run the floating-point MatDot (Chebyshev nodes and basis, or
        ``real_basis="monomial"``) and report its condition number and error.
    reference:
        For integer inputs, also compute the exact product directly and report the error.
    frac_bits, primes:
        Fraction bits of quantized floats (default 20); primes to use instead of the
        automatic choice.
    options, run_options:
        How to run: a :class:`RunOptions` and/or its fields as keywords (``executor``,
        ``straggler_model``, ``faults``, ``freivalds``, ``seed``, ``progress``, ...).

    Returns
    -------
    (C, report):
        C is int64 (or a Python-int object array when entries may exceed int64) for
        integer inputs, float64 for float inputs.

    Example
    -------
    Entries :math:`2^{40}`: each entry of the product is :math:`2\cdot 2^{80} = 2^{81}`,
    beyond int64 and beyond one 31-bit prime, so three primes are used and combined by CRT:

    >>> big = np.full((2, 2), 2**40)
    >>> C, rep = run_matmul(big, big, m=2, executor="inline", progress=False)
    >>> C[0, 0] == 2**81, len(rep.groups[0].primes)
    (True, 3)

    Floats with f = 4 fraction bits: the error stays within the quantization bound
    :math:`3\cdot 2^{-5}(3 + 4 + 2^{-5}) = 0.6591796875`:

    >>> A = np.array([[0.5, -1.25, 3.0], [2.0, 0.1, -0.7]])
    >>> B = np.array([[1.0, 2.0], [0.3, -4.0], [1.5, 0.25]])
    >>> C, rep = run_matmul(A, B, m=3, frac_bits=4, executor="inline", progress=False)
    >>> rep.errors["quant_bound"], bool(np.abs(C - A @ B).max() <= rep.errors["quant_bound"])
    (0.6591796875, True)
    """
    t0 = time.perf_counter()
    o = RunOptions.of(options, run_options, "run_matmul")
    executor, straggler_model, faults = o.executor, o.straggler_model, o.faults
    freivalds, seed, timeout = o.freivalds, o.seed, o.timeout
    A0 = _as_matrix(A, "A")
    B0 = _as_matrix(B, "B")
    if A0.shape[1] != B0.shape[0]:
        raise InputError(f"A is {A0.shape} and B is {B0.shape}: inner dimensions differ")
    is_float = A0.dtype.kind == "f" or B0.dtype.kind == "f"
    if is_float:
        f = 20 if frac_bits is None else int(frac_bits)
        Aq, _ = quantize(A0, f)
        Bq, _ = quantize(B0, f)
    else:
        if frac_bits:
            raise InputError("frac_bits applies to float matrices; these are integers")
        f = 0
        # no copy: everything below only reads A and B (blocks are read-only views)
        Aq = A0.astype(np.int64, copy=False)
        Bq = B0.astype(np.int64, copy=False)
    if scheme is None:
        m, s, b = int(m), int(stragglers), int(byzantine)

        def factory(q):
            return matdot_scheme(q, m, s, b)

        name = f"matdot-m{m}"
        sch = factory
    else:
        sch = scheme
        probe = scheme if isinstance(scheme, Scheme) else scheme(65537)
        if probe.d != 2 or probe.basis[0] != probe.basis[1]:
            raise InputError("scheme= must have basis (m, m) and the target sum_i A_i B_i")
        m, s, b = probe.basis[0], probe.stragglers, probe.byzantine
        name = probe.name
    Ab, Bb, pad = split_inner(Aq, Bq, m)
    group = Group(sch, [Ab, Bb], place=None, name=name, primes=primes)
    own = not isinstance(executor, Executor)
    faults = faults if faults is not None else Faults()
    executor, why = _resolve_auto(executor, [_prepare(group, 0)], faults, o.executor_options)
    ex = make_executor(executor, **(o.executor_options or {}))
    pool_s = 0.0
    try:
        if own and hasattr(ex, "start"):
            pool_s = ex.start(2 * m - 1 + s + 2 * b)
        label = o.label or f"{A0.shape[0]}x{A0.shape[1]} @ {B0.shape[0]}x{B0.shape[1]}"
        C_int, rep = run_plan(
            [group],
            options=replace(o, executor=ex, faults=faults, freivalds=0, label=label),
            started=t0,
        )
        rep.pool_start_s = pool_s  # 0 when the caller's executor was already running
        if why:
            rep.notes.append(why)
        rep.inputs = {
            "A": list(A0.shape),
            "B": list(B0.shape),
            "dtype": str(A0.dtype),
            "frac_bits": f if is_float else None,
            "inner_padding": pad,
        }
        if freivalds:
            t = time.perf_counter()
            q_check = freivalds_prime(rep.groups[0].primes)
            ok = _exact.freivalds(C_int, Aq, Bq, freivalds, [seed, 0xF2E1], q_check)
            rep.freivalds = {
                "trials": int(freivalds),
                "q": q_check,
                "passed": ok,
                "failure_probability": float(q_check) ** -int(freivalds),
                "what": "C x == A (B x) mod q for the whole (quantized) product",
                "seconds": time.perf_counter() - t,
            }
            if ok:
                for g in rep.exact_groups:
                    g.checked_by.append("freivalds")
            else:
                raise VerificationFailed(
                    "the decoded product failed the Freivalds check: some worker returned a "
                    f"wrong result that decoding did not correct (b = {b} declared); declare "
                    "byzantine >= 1 so liars are located and corrected"
                )
        if is_float:
            C = _dequantize(C_int, 2 * f)
            ref = A0.astype(np.float64) @ B0.astype(np.float64)
            diff = np.abs(C - ref)
            rep.errors.update(
                frac_bits=f,
                quant_max_abs=float(diff.max(initial=0.0)),
                quant_rel_fro=_rel_error(C, ref),
                quant_bound=quantization_bound(
                    A0.shape[1], np.abs(A0).max(initial=0), np.abs(B0).max(initial=0), f
                ),
                rel_error=_rel_error(C, ref),
            )
        else:
            C = C_int
            if reference:
                rep.errors["rel_error"] = _rel_error(C, _exact_product(A0, B0))
        if real:
            _run_real(ex, rep, A0, B0, C, m, s, real_basis, straggler_model, seed, timeout)
            rep.groups[-1].start_s -= t0  # run_plan made the others run-relative
    finally:
        if own:
            ex.close()
    rep.total_s = time.perf_counter() - t0
    return C, rep


def _dequantize(C_int, bits: int) -> np.ndarray:
    if C_int.dtype == object:
        return np.array([math.ldexp(float(v), -bits) for v in C_int.ravel()]).reshape(C_int.shape)
    return np.ldexp(C_int.astype(np.float64), -bits)


def _exact_product(A, B):
    bound = A.shape[1] * max_abs(A) * max_abs(B)
    if bound < 1 << 53:
        return A.astype(np.float64) @ B.astype(np.float64)  # exact: every partial sum < 2^53
    return A.astype(object) @ B.astype(object)


def _run_real(ex, rep: RunReport, A0, B0, C_exact, m, s, basis, model, seed, timeout):
    nodes = "chebyshev" if basis == "chebyshev" else "integer"
    code = RealMatDot(m, s, basis=basis, nodes=nodes)
    A = A0.astype(np.float64)
    B = B0.astype(np.float64)
    coded = code.encode(A, B)
    rng = np.random.default_rng([seed, 0x5EA1])
    delays = parse_model(model).sample(code.w, rng)
    gi = len(rep.groups)
    job = GroupJob.from_coded(
        gi, "float", (), [coded], delays, [None] * code.w, seed=seed, tolerates=s
    )
    t_start = time.perf_counter()
    out = ex.run_group(
        job,
        lambda ok: len(ok) >= code.R,
        lambda failed: code.w - len(failed) >= code.R,
        None,
        timeout,
    )
    grep = GroupReport(gi, f"real-matdot-{basis}", code.w, code.R, s, 0, code.R, "float")
    grep.events = [out.events[j] for j in range(code.w)]
    grep.time_to_R_s = out.t_enough
    grep.submissions = out.submissions
    if out.t_enough is None:
        raise TooManyFaults(f"real-valued MatDot: only {len(out.results)} of {code.w} results")
    S = out.order[: code.R]
    t = time.perf_counter()
    C_real, cond = code.decode({j: out.results[j][0] for j in S}, S)
    grep.decode_s = time.perf_counter() - t
    grep.used = sorted(S)
    grep.condition = cond
    grep.start_s = t_start
    rep.groups.append(grep)
    exact = np.asarray(C_exact, dtype=np.float64)
    rep.errors.update(
        real_basis=basis,
        real_rel_error_vs_exact=_rel_error(C_real, exact),
        real_rel_error_vs_float64=_rel_error(C_real, A @ B),
        real_worst_condition_seen=cond,
        real_worst_condition_all=code.worst_condition(),
    )
