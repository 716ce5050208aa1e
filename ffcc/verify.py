r"""Exhaustive verification of schemes: does every R-subset of workers decode?

A subset S decodes when every target tensor lies in the span of the workers' rank-one
tensors :math:`e_{j,1}\otimes\cdots\otimes e_{j,d}`, :math:`j \in S`. :func:`verify`
checks **every** subset of size R = w - s - 2b (or of a size you give), walking them in
lexicographic order in compiled code and reusing the elimination of the common prefix,
so each step costs about one row insertion.

For counts too large to finish there are two honest alternatives:

* ``sample=N`` checks N uniformly random subsets; the report says "sampled" and never
  claims the scheme holds (it can only refute it);
* ``ranks=(start, stop)`` or ``shard=(i, n)`` checks one range of lexicographic ranks
  (the combinatorial number system), so that processes or machines can split one
  exhaustive run; :func:`merge` combines the shard reports into one verdict.

Example
-------
>>> from ffcc.scheme import Scheme
>>> from ffcc.verify import verify
>>> # three workers, each sees X1*Y1 with a different coefficient; any one suffices
>>> S = Scheme(11, [1, 1], [[[1], [1]], [[2], [1]], [[3], [3]]], [[((0, 0), 1)]],
...            stragglers=2)
>>> rep = verify(S)
>>> rep.holds, rep.checked, rep.total
(True, 3, 3)
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from . import _subsets
from ._errors import InputError
from ._progress import Progress
from .scheme import Scheme

__all__ = [
    "VerifyReport", "verify", "recovery_threshold", "merge", "prepare",
    "subset_count", "estimate_seconds", "tensor_bytes",
]  # fmt: skip

_BATCH = 1 << 18


@dataclass
class VerifyReport:
    """What a verification found.

    ``holds`` is True only when every subset of size ``R`` was checked and decodes;
    False when a failing subset was found; None when only a sample or a shard was checked
    and nothing failed.
    """

    name: str
    p: int
    w: int
    R: int
    stragglers: int
    byzantine: int
    mode: str  # "exhaustive", "sampled" or "shard"
    total: int  # C(w, R)
    checked: int
    failed: int
    holds: bool | None
    first_failure: list[int] | None = None
    witness_target: int | None = None
    ranks: list[int] | None = None
    recovery_threshold: int | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.checked / self.seconds if self.seconds > 0 else float("inf")

    def to_json(self) -> str:
        d = asdict(self)
        d["subsets_per_second"] = round(self.rate) if math.isfinite(self.rate) else None
        return json.dumps(d)

    def summary(self) -> str:
        lines = [
            f"scheme {self.name}: GF({self.p}), w = {self.w}, s = {self.stragglers}, "
            f"b = {self.byzantine}, R = {self.R}"
        ]
        if self.mode == "sampled":
            lines.append(
                f"SAMPLED, not verified: checked {self.checked:,} random {self.R}-subsets of "
                f"{self.total:,} ({self.checked / self.total:.3%})"
            )
        elif self.mode == "shard":
            lines.append(
                f"shard of ranks [{self.ranks[0]:,}, {self.ranks[1]:,}) of {self.total:,}: "
                f"checked {self.checked:,} subsets"
            )
        else:
            lines.append(f"checked {self.checked:,} of {self.total:,} {self.R}-subsets")
        if self.holds is True:
            lines.append(f"HOLDS: every {self.R}-subset of the {self.w} workers decodes")
        elif self.holds is False:
            lines.append(
                f"FAILS: workers {self.first_failure} do not determine target "
                f"{self.witness_target}"
                + (f" ({self.failed:,} failing subsets found)" if self.failed > 1 else "")
            )
        else:
            lines.append("no failing subset found in what was checked")
        if self.recovery_threshold is not None:
            lines.append(
                f"recovery threshold (smallest R at which every subset decodes): "
                f"{self.recovery_threshold}"
            )
        lines.extend(self.notes)
        lines.append(f"{self.seconds:.3f} s, {self.rate:,.0f} subsets/s")
        return "\n".join(lines)


@dataclass(frozen=True)
class Prepared:
    """Worker coordinates with the target space on the last ``D - tstart`` columns."""

    G: np.ndarray
    tstart: int
    p: int
    outside: tuple[int, ...]


def prepare(scheme: Scheme) -> Prepared:
    F = scheme.field
    red = scheme.reduced
    G, T = red.G, red.T
    D = G.shape[1]
    if red.outside or D == 0:
        return Prepared(G, D, scheme.p, red.outside)
    Tr, piv = F.rref(T)
    t = piv.size
    comp = [c for c in range(D) if c not in set(piv.tolist())]
    Bm = np.zeros((D, D), dtype=np.int64)
    for i, c in enumerate(comp):
        Bm[i, c] = 1
    Bm[len(comp) :] = Tr[:t]
    Gp = F.matmul(G, F.inverse(Bm))
    return Prepared(np.ascontiguousarray(Gp), D - t, scheme.p, ())


def subset_count(scheme: Scheme, R: int | None = None) -> int:
    """C(w, R): the subsets an exhaustive :func:`verify` checks (R defaults to w - s - 2b).

    >>> from ffcc.codes import build
    >>> subset_count(build("matdot", m=3, s=2))  # w = 2m - 1 + s = 7 workers, R = 5
    21
    """
    R = scheme.R if R is None else int(R)
    if not 1 <= R <= scheme.w:
        raise InputError(f"subset size R = {R} must lie in [1, w = {scheme.w}]")
    return math.comb(scheme.w, R)


def tensor_bytes(scheme: Scheme) -> int:
    """Bytes :func:`prepare` allocates: the w x prod(basis) worker tensors (int64) and
    their temporaries, about four copies. Check it before verifying a large scheme."""
    return 4 * 8 * scheme.w * math.prod(scheme.basis)


def estimate_seconds(scheme: Scheme, R: int | None = None, *, probe: float = 0.05):
    """(count, seconds): :func:`subset_count` and the time an exhaustive walk would take
    at the rate measured on its first subsets (for about ``probe`` seconds)."""
    count = subset_count(scheme, R)
    R = scheme.R if R is None else int(R)
    prep = prepare(scheme)
    rep = VerifyReport("", scheme.p, scheme.w, R, 0, 0, "shard", count, 0, 0, None)
    _run_walk(prep, R, scheme.w, 0, min(count, 2), True, False, rep, "")  # compile, warm up
    n, elapsed = 16, 0.0
    while True:
        n = min(n, count)
        t = time.perf_counter()
        _run_walk(prep, R, scheme.w, 0, n, True, False, rep, "")
        elapsed = time.perf_counter() - t
        if n >= count or elapsed >= probe:
            break
        n *= 8 if elapsed < probe / 20 else 2
    if count.bit_length() > 1000:  # beyond a float; any budget refuses it anyway
        return count, math.inf
    return count, count * elapsed / max(n, 1)


def _witness(scheme: Scheme, subset) -> int | None:
    missing = scheme.missing_targets(subset)
    return missing[0] if missing else None


def verify(
    scheme: Scheme,
    R: int | None = None,
    *,
    sample: int | None = None,
    ranks: tuple[int, int] | None = None,
    shard: tuple[int, int] | None = None,
    count_failures: bool = False,
    threshold: bool = False,
    seed=0,
    progress: bool | None = None,
) -> VerifyReport:
    """Check that every R-subset of the scheme's workers decodes every target.

    Parameters
    ----------
    R:
        Subset size; defaults to the scheme's w - s - 2b.
    sample:
        Check this many uniformly random subsets instead (reported as sampled).
    ranks, shard:
        Check only lexicographic ranks [start, stop), or shard i of n equal rank ranges.
    count_failures:
        Keep going after the first failure to count all failing subsets.
    threshold:
        Also compute the smallest subset size at which every subset decodes.
    """
    R = scheme.R if R is None else int(R)
    w = scheme.w
    if not 1 <= R <= w:
        raise InputError(f"subset size R = {R} must lie in [1, w = {w}]")
    total = math.comb(w, R)
    prep = prepare(scheme)
    t0 = time.perf_counter()
    rep = VerifyReport(
        scheme.name, scheme.p, w, R, scheme.stragglers, scheme.byzantine,
        "exhaustive", total, 0, 0, None,
    )  # fmt: skip
    if sample is not None:
        rep.mode = "sampled"
        _run_sample(prep, R, w, int(sample), seed, rep)
    else:
        if shard is not None:
            i, n = shard
            if not 0 <= i < n:
                raise InputError(f"shard index {i} must lie in [0, {n})")
            ranks = (total * i // n, total * (i + 1) // n)
        start, stop = (0, total) if ranks is None else (int(ranks[0]), int(ranks[1]))
        if not 0 <= start <= stop <= total:
            raise InputError(f"rank range [{start}, {stop}) must lie within [0, {total}]")
        if ranks is not None:
            rep.mode = "shard"
            rep.ranks = [start, stop]
        _run_walk(prep, R, w, start, stop, count_failures, progress, rep, scheme.name)
    if rep.failed:
        rep.holds = False
        rep.witness_target = _witness(scheme, rep.first_failure)
    elif rep.mode == "exhaustive":
        rep.holds = True
    if prep.outside:
        rep.notes.append(f"targets {list(prep.outside)} lie outside the span of all workers")
    if threshold:
        rep.recovery_threshold = recovery_threshold(scheme, prep=prep, progress=progress)
    rep.seconds = time.perf_counter() - t0
    return rep


def _run_walk(prep, R, w, start, stop, count_failures, progress, rep, label):
    need = prep.G.shape[1] - prep.tstart
    if prep.outside or R < need:
        # fewer rows than the target space's dimension can never decode: every subset fails
        rep.checked = (stop - start) if count_failures else min(1, stop - start)
        rep.failed = rep.checked
        if rep.failed:
            rep.first_failure = _subsets.unrank(start, w, R).tolist()
        return
    pos = start
    with Progress(stop - start, f"verify {label}", progress) as bar:
        while pos < stop:
            n = min(_BATCH, stop - pos)
            comb = _subsets.unrank(pos, w, R)
            checked, failed, first = _subsets.walk(
                prep.G, prep.p, R, prep.tstart, comb, n, not count_failures
            )
            if failed and rep.failed == 0:
                rep.first_failure = first.tolist()
            rep.checked += int(checked)
            rep.failed += int(failed)
            bar.update(checked)
            pos += n
            if failed and not count_failures:
                break


def _run_sample(prep, R, w, n, seed, rep):
    rng = np.random.default_rng(seed)
    need = prep.G.shape[1] - prep.tstart
    done = 0
    batch = max(1, min(_BATCH, (1 << 24) // w))  # rng.random((m, w)) stays near 128 MiB
    while done < n:
        m = min(batch, n - done)
        subsets = np.sort(np.argsort(rng.random((m, w)), axis=1)[:, :R], axis=1)
        if prep.outside or R < need:
            ok = np.zeros(m, dtype=bool)
        else:
            ok = _subsets.check_list(prep.G, prep.p, prep.tstart, subsets)
        bad = np.flatnonzero(~ok)
        if bad.size and rep.failed == 0:
            rep.first_failure = subsets[bad[0]].tolist()
        rep.failed += int(bad.size)
        rep.checked += m
        done += m


def recovery_threshold(scheme: Scheme, *, prep=None, progress=None) -> int | None:
    """The smallest r such that every r-subset of workers decodes (None if even all w fail).

    Decoding is monotone in the subset, so the search walks r from the declared R.
    """
    prep = prepare(scheme) if prep is None else prep
    w = scheme.w

    def holds(r):
        rep = VerifyReport(scheme.name, scheme.p, w, r, 0, 0, "exhaustive", 0, 0, 0, None)
        _run_walk(prep, r, w, 0, math.comb(w, r), False, progress, rep, f"{scheme.name} r={r}")
        return rep.failed == 0

    if not holds(w):
        return None
    r = min(max(scheme.R, 1), w)
    if holds(r):
        while r > 1 and holds(r - 1):
            r -= 1
        return r
    while not holds(r + 1):
        r += 1
    return r + 1


def merge(reports: list[VerifyReport]) -> VerifyReport:
    """Combine shard reports; holds is True only if the shards cover every rank."""
    if not reports:
        raise ValueError("no reports to merge")
    base = reports[0]
    covered = sorted(tuple(r.ranks or (0, r.total)) for r in reports)
    pos = 0
    for a, b in covered:
        if a > pos:
            break
        pos = max(pos, b)
    out = VerifyReport(
        base.name, base.p, base.w, base.R, base.stragglers, base.byzantine,
        "exhaustive", base.total, sum(r.checked for r in reports),
        sum(r.failed for r in reports), None,
    )  # fmt: skip
    out.seconds = max(r.seconds for r in reports)
    fails = [r for r in reports if r.failed]
    if fails:
        first = min(fails, key=lambda r: r.ranks[0] if r.ranks else 0)
        out.holds = False
        out.first_failure = first.first_failure
        out.witness_target = first.witness_target
    elif pos >= base.total:
        out.holds = True
    else:
        out.mode = "shard"
        out.ranks = [0, pos]
        out.notes.append(f"shards cover only ranks [0, {pos}) of {base.total}")
    return out
