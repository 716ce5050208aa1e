r"""Exhaustive verification of schemes: does every R-subset of workers decode?

A subset S decodes when every target tensor lies in the span of the workers' rank-one
tensors :math:`e_{j,1}\otimes\cdots\otimes e_{j,d}`, :math:`j \in S`. :func:`verify`
checks **every** subset of size R = w - s - 2b (or of a size you give), walking them in
lexicographic order in compiled code and reusing the elimination of the common prefix,
so each step costs about one row insertion. When R equals the dimension of the workers'
span, a subset spans everything iff one D x D minor is non-zero; all minors then follow
level by level by cofactor expansion (a few multiply-adds per subset, ``mds=True``), with
the same verdict, count and first failure as the walk.

For evaluation codes a certificate proves the claim for any w without enumeration
(``certificate=True`` or ``"auto"``; :mod:`ffcc._certificate`, re-checked by
:func:`check_certificate`); the report then says "HOLDS (certificate)".

Workers that return several products (``Scheme(outputs=...)``) count as one: a subset of
workers contributes all their products, and fails or succeeds as a unit.

:func:`verify_secrecy` checks the other promise of secure schemes: no X colluding workers
learn anything about the data (``verify(..., secrecy=X)`` runs it alongside recovery).

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

import itertools
import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ._errors import InputError
from ._json import parse_json
from ._progress import Progress
from ._resources import check_memory
from .field import PrimeField, use_kernel
from .scheme import Scheme

__all__ = [
    "SecrecyReport",
    "VerifyReport",
    "verify",
    "verify_secrecy",
    "recovery_threshold",
    "merge",
    "prepare",
    "check_certificate",
    "verify_resumable",
    "subset_count",
    "estimate_seconds",
    "tensor_bytes",
]

_BATCH = 1 << 18


@dataclass
class VerifyReport:
    """What a verification found.

    ``holds`` is True only when every subset of size ``R`` was checked and decodes;
    False when a failing subset was found; None when only a sample or a shard was checked
    and nothing failed.

    >>> from ffcc.codes.matdot import matdot
    >>> rep = verify(matdot(2, 1, p=7), progress=False)
    >>> rep.mode, rep.total, rep.checked, rep.failed, rep.holds, rep.ok
    ('exhaustive', 4, 4, 0, True, True)
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
    secrecy: SecrecyReport | None = None
    certificate: dict | None = field(default=None, repr=False)  # mode "certificate"

    @property
    def rate(self) -> float:
        """Subsets checked per second (inf when no time was measured)."""
        return self.checked / self.seconds if self.seconds > 0 else float("inf")

    def to_json(self) -> str:
        """The report as one line of JSON (what ``ffcc verify --json`` prints), with
        ``subsets_per_second``; a certificate is left out (``--certificate FILE``).

        >>> from ffcc.codes.matdot import matdot
        >>> import json
        >>> d = json.loads(verify(matdot(2, 1, p=7), progress=False).to_json())
        >>> d["holds"], d["mode"], d["total"], d["checked"]
        (True, 'exhaustive', 4, 4)
        """
        d = asdict(self)
        d.pop("certificate")  # large; written apart with `ffcc verify --certificate FILE`
        d["subsets_per_second"] = round(self.rate) if math.isfinite(self.rate) else None
        return json.dumps(d)

    def summary(self) -> str:
        """What was checked and the verdict, for people: HOLDS (every R-subset decodes,
        by enumeration or certificate), FAILS with the first failing subset, or SAMPLED /
        shard ("no failing subset found", which proves nothing about the rest).

        >>> from ffcc.codes.matdot import matdot
        >>> print(verify(matdot(2, 1, p=7), progress=False).summary().splitlines()[2])
        HOLDS: every 3-subset of the 4 workers decodes
        """
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
        elif self.mode == "certificate":
            N = self.certificate["degree"] if self.certificate else "?"
            lines.append(
                f"certificate: evaluation code of degree N = {N} at distinct nodes, "
                f"R = {self.R} >= N + 1; none of the {_count(self.total)} subsets enumerated"
            )
        else:
            lines.append(f"checked {self.checked:,} of {self.total:,} {self.R}-subsets")
        if self.holds is True and self.mode == "certificate":
            lines.append(
                f"HOLDS (certificate): every {self.R}-subset of the {self.w} workers decodes"
            )
        elif self.holds is True:
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
        if self.secrecy is not None:
            lines.append(self.secrecy.summary())
        lines.extend(self.notes)
        if self.mode == "certificate":
            lines.append(f"{self.seconds:.3f} s")
        else:
            lines.append(f"{self.seconds:.3f} s, {self.rate:,.0f} subsets/s")
        return "\n".join(lines)

    @property
    def ok(self) -> bool | None:
        """False when recovery or secrecy failed; else as ``holds``."""
        if self.secrecy is not None and self.secrecy.secure is False:
            return False
        return self.holds


def _count(n: int) -> str:
    """A subset count for people: 2,035,800 or 2.71 x 10^583 (exact ints, no float)."""
    if n < 10**15:
        return f"{n:,}"
    digits = str(n)
    return f"{digits[0]}.{digits[1:3]} x 10^{len(digits) - 1}"


@dataclass(frozen=True)
class Prepared:
    """Worker coordinates with the target space on the last ``D - tstart`` columns."""

    G: np.ndarray
    tstart: int
    p: int
    outside: tuple[int, ...]
    starts: np.ndarray | None = None  # worker j owns rows starts[j]:starts[j+1] (outputs)


def prepare(scheme: Scheme) -> Prepared:
    r"""The scheme in the coordinates the subset walk tests rank in.

    From :attr:`Scheme.reduced` (worker tensors G in a basis of their span, targets T),
    a change of basis puts the target space on the last columns: with :math:`B` built from
    the non-pivot unit vectors and rref(T), :math:`G' = G B^{-1}`. A subset S then decodes
    every target iff the rows :math:`G'_S` span those last ``D - tstart`` coordinates
    modulo the first ``tstart`` ones, a rank test that needs no solve (the walk in
    :mod:`ffcc._subsets`). With workers returning several products, ``starts`` marks each
    worker's rows.

    >>> from ffcc.codes.matdot import matdot
    >>> P = prepare(matdot(2, 1, p=7))  # span: 3 coefficients of h(x), 1 of them the target
    >>> P.G.shape, P.tstart, P.outside
    ((4, 3), 2, ())
    """
    prep = _prepare_rows(scheme)
    if scheme.outputs is None:
        return prep
    starts = np.concatenate([[0], np.cumsum(scheme.outputs)]).astype(np.int64)
    return Prepared(prep.G, prep.tstart, prep.p, prep.outside, starts)


def _prepare_rows(scheme: Scheme) -> Prepared:
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
    their temporaries, about four copies. Check it before verifying a large scheme.

    >>> from ffcc.codes.matdot import matdot
    >>> tensor_bytes(matdot(2, 1, p=7))  # 4 copies * 8 bytes * w = 4 * 2 * 2
    512
    """
    return 4 * 8 * scheme.w * math.prod(scheme.basis)


def estimate_seconds(scheme: Scheme, R: int | None = None, *, probe: float = 0.05):
    """(count, seconds): :func:`subset_count` and the time an exhaustive walk would take
    at the rate measured on its first subsets (for about ``probe`` seconds).

    >>> from ffcc.codes.matdot import matdot
    >>> count, seconds = estimate_seconds(matdot(2, 1, p=7))
    >>> count, seconds >= 0
    (4, True)
    """
    count = subset_count(scheme, R)
    R = scheme.R if R is None else int(R)
    prep = prepare(scheme)
    rep = VerifyReport("", scheme.p, scheme.w, R, 0, 0, "shard", count, 0, 0, None)
    # probe the path the whole walk will take: numpy for a small one, else compiled
    compiled = _walk_compiled(prep, R, 0, count)
    _run_walk(prep, R, scheme.w, 0, min(count, 2), True, False, rep, "", compiled)  # warm up
    n, elapsed = 16, 0.0
    while True:
        n = min(n, count)
        t = time.perf_counter()
        _run_walk(prep, R, scheme.w, 0, n, True, False, rep, "", compiled)
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
    secrecy: int | None = None,
    seed=0,
    progress: bool | None = None,
    certificate: bool | str = False,
    mds: bool = True,
) -> VerifyReport:
    r"""Check that every R-subset of the scheme's workers decodes every target.

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
    secrecy:
        Also check X-security (:func:`verify_secrecy`) for X = ``secrecy``; by default the
        scheme's own claim ``scheme.secrecy`` (0: not checked; a shard does not check it).
    certificate:
        Try to prove the claim without enumeration first (:mod:`ffcc._certificate`):
        True always, False never (the default: callers that report subset counts keep
        them), a certificate dict issued before (re-checked by :func:`check_certificate`
        before it counts), "auto" when an exhaustive run has more than ``CERTIFY_ABOVE`` subsets
        (what ``ffcc verify`` does). A certificate is only issued for a scheme that holds;
        when none applies the subsets are enumerated.
    mds:
        Use the minors fast path (:func:`ffcc._subsets.mds_zero_minors`) when R equals the
        dimension of the workers' span; same verdict, count and first failure as the walk.
        While that kernel is neither compiled nor cached and the work is small
        (:func:`ffcc.field.use_kernel`), an exact numpy twin computes the same minors.

    Notes
    -----
    A subset S decodes iff every target tensor lies in the span of its workers' tensors
    (:meth:`Scheme.decodes`). In the coordinates of :func:`prepare`, where the target
    space U is spanned by the last t coordinates, that is
    :math:`\dim(\operatorname{span} G'_S \cap U) = t`: the number of echelon pivots in
    the last t columns. It is tested on all :math:`\binom{w}{R}` subsets in lexicographic
    order, reusing the elimination of shared prefixes (:mod:`ffcc._subsets`); the first
    failure in that order is reported with a target it misses. Ranks depend on p: a scheme
    that holds in one field may fail in another (:mod:`ffcc.run._fieldcheck` checks every
    prime a run uses).

    Examples
    --------
    MatDot with m = 2 and s = 1 (w = 4, R = 3): every 3-subset decodes, no 2-subset does.

    >>> from ffcc.codes.matdot import matdot
    >>> S = matdot(2, 1, p=7)
    >>> rep = verify(S, progress=False, threshold=True)
    >>> rep.holds, rep.checked, rep.total, rep.recovery_threshold
    (True, 4, 4, 3)
    >>> rep = verify(S, 2, progress=False)
    >>> rep.holds, rep.first_failure, rep.witness_target
    (False, [0, 1], 0)
    >>> verify(S, sample=2, progress=False).holds is None  # SAMPLED: proves nothing
    True

    Above :data:`CERTIFY_ABOVE` subsets an evaluation-code certificate replaces
    enumeration, and :func:`check_certificate` re-checks it:

    >>> B = matdot(4, 2, p=65537)
    >>> rep = verify(B, certificate=True, progress=False)
    >>> rep.mode, rep.holds, rep.total, check_certificate(B, rep.certificate)
    ('certificate', True, 36, True)
    """
    R = scheme.R if R is None else int(R)
    w = scheme.w
    if not 1 <= R <= w:
        raise InputError(f"subset size R = {R} must lie in [1, w = {w}]")
    total = math.comb(w, R)
    t0 = time.perf_counter()
    rep = VerifyReport(
        scheme.name, scheme.p, w, R, scheme.stragglers, scheme.byzantine,
        "exhaustive", total, 0, 0, None,
    )  # fmt: skip
    certified = (
        scheme.outputs is None  # a certificate speaks of one product per worker
        and _wants_certificate(certificate, total, sample, ranks, shard, count_failures)
        and _certify_into(scheme, R, rep, certificate)  # before prepare(): a w x prod(basis) rref
    )
    prep = None if certified else prepare(scheme)
    if certified:
        pass
    elif sample is not None:
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
        if not (mds and _run_mds(prep, R, w, start, stop, total, count_failures, rep)):
            _run_walk(prep, R, w, start, stop, count_failures, progress, rep, scheme.name)
    if rep.failed:
        rep.holds = False
        rep.witness_target = _witness(scheme, rep.first_failure)
    elif rep.mode == "exhaustive":
        rep.holds = True
    if prep is not None and prep.outside:
        rep.notes.append(f"targets {list(prep.outside)} lie outside the span of all workers")
    if threshold:
        rep.recovery_threshold = recovery_threshold(scheme, prep=prep, progress=progress)
    if secrecy is None:  # the scheme's own claim; a shard leaves it to the merged run
        X = 0 if rep.mode == "shard" else scheme.secrecy
    else:
        X = int(secrecy)
    if X:
        rep.secrecy = verify_secrecy(scheme, X, progress=progress)
    rep.seconds = time.perf_counter() - t0
    return rep


CERTIFY_ABOVE = 100_000  # subsets; below this, enumerating is about as fast as proving


def _wants_certificate(certificate, total, sample, ranks, shard, count_failures) -> bool:
    if certificate is False or sample is not None or ranks is not None or shard is not None:
        return False
    if isinstance(certificate, dict):  # issued already (ffcc verify): use it
        return True
    if certificate == "auto":
        return total > CERTIFY_ABOVE and not count_failures
    return True


def _certify_into(scheme, R, rep, certificate=None) -> bool:
    """Fill ``rep`` from a certificate if one applies; False otherwise."""
    from ._certificate import certify  # measured: 24 ms at import (hashlib)

    if isinstance(certificate, dict):  # issued elsewhere: re-checked independently first
        check_certificate(scheme, certificate, R)
        cert = certificate
    else:
        cert = certify(scheme, R)
    if cert is None:
        return False
    rep.mode, rep.holds, rep.certificate = "certificate", True, cert
    return True


def _rows_per_subset(prep, R) -> int:
    """The most rows an R-subset of workers inserts."""
    if prep.starts is None:
        return R
    return int(np.sort(np.diff(prep.starts))[::-1][:R].sum())


def _walk_compiled(prep, R, start, stop) -> bool:
    """Whether the walk over ranks [start, stop) runs compiled or in numpy: a cold small
    verification compiles nothing (:func:`ffcc.field.use_kernel`)."""
    from . import _subsets  # compiled (numba): not loaded by `from ffcc import verify`

    work = _subsets.walk_work(stop - start, _rows_per_subset(prep, R), prep.G.shape[1])
    return use_kernel(_subsets.walk_kernel, work, prep.p)


def _run_walk(prep, R, w, start, stop, count_failures, progress, rep, label, compiled=None):
    """Walk ranks [start, stop); ``compiled`` None decides by the work (:func:`_walk_compiled`)."""
    from . import _subsets  # compiled; imported when a walk runs, not with ffcc

    need = prep.G.shape[1] - prep.tstart
    if prep.outside or (R < need and prep.starts is None):
        # fewer rows than the target space's dimension can never decode: every subset fails
        rep.checked = (stop - start) if count_failures else min(1, stop - start)
        rep.failed = rep.checked
        if rep.failed:
            rep.first_failure = _subsets.unrank(start, w, R).tolist()
        return
    rows, D = prep.G.shape
    check_memory(_subsets.walk_bytes(rows, D, R),
                 f"the walk's {R} levels of {rows} x {D} reduced rows",
                 fix="use --sample N, or a smaller R")  # fmt: skip
    if compiled is None:
        compiled = _walk_compiled(prep, R, start, stop)
    pos = start
    with Progress(stop - start, f"verify {label}", progress) as bar:
        while pos < stop:
            n = min(_BATCH, stop - pos)
            comb = _subsets.unrank(pos, w, R)
            if prep.starts is None:
                checked, failed, first = _subsets.walk(
                    prep.G, prep.p, R, prep.tstart, comb, n, not count_failures, compiled
                )
            else:
                checked, failed, first = _subsets.walk_groups(
                    prep.G, prep.starts, prep.p, R, prep.tstart, comb, n,
                    not count_failures, compiled,
                )  # fmt: skip
            if failed and rep.failed == 0:
                rep.first_failure = first.tolist()
            rep.checked += int(checked)
            rep.failed += int(failed)
            bar.update(checked)
            pos += n
            if failed and not count_failures:
                break


_MDS_MAX_LEVEL = 1 << 25  # entries of one level of minors (256 MB)
_MDS_MAX_ZERO = 1 << 20  # vanishing minors kept; more and the walk takes over


def _run_mds(prep, R, w, start, stop, total, count_failures, rep) -> bool:
    """Every R-subset when R = D: a subset spans everything iff its minor is non-zero.

    Subsets with a vanishing minor are then checked one by one (when the targets are a
    proper subspace they may still decode). False when the path does not apply."""
    from . import _subsets  # compiled (numba): not loaded by `from ffcc import verify`

    G, D = prep.G, prep.G.shape[1]
    if prep.starts is not None:  # rows are products, not workers
        return False
    if prep.outside or R != D or w > 62 or (start, stop) != (0, total) or total == 0:
        return False
    if _subsets.mds_level_sizes(w - D, D) > _MDS_MAX_LEVEL:
        return False
    F = PrimeField(prep.p)
    _, info = F.rref(np.ascontiguousarray(G.T))  # D independent rows: an information set
    rest = np.setdiff1d(np.arange(w), info)
    P = F.matmul(G[rest], F.inverse(G[info])) if rest.size else np.zeros((0, D), np.int64)
    # a cold small run takes the numpy path: no 2-3 s compile for a few thousand minors
    compiled = use_kernel(_subsets.mds_zero_minors, _subsets.mds_work(*P.shape), prep.p)
    nzero, masks, _ = _subsets.zero_minors(
        np.ascontiguousarray(P), prep.p, info.astype(np.int64), rest.astype(np.int64),
        _MDS_MAX_ZERO, compiled,
    )  # fmt: skip
    if nzero > masks.size:
        return False
    bits = (masks[:, None] >> np.arange(w)) & 1
    subsets = np.nonzero(bits)[1].reshape(-1, R).astype(np.int64)
    if subsets.size and prep.tstart > 0:  # targets a proper subspace: check those subsets
        work = _subsets.walk_work(subsets.shape[0], R, D)
        small = not use_kernel(_subsets.check_kernel, work, prep.p)
        subsets = subsets[~_subsets.check_list(G, prep.p, prep.tstart, subsets, not small)]
    nfail = subsets.shape[0]
    rep.checked, rep.failed = total, nfail
    if nfail:
        first = subsets[np.lexsort(subsets.T[::-1])[0]]
        rep.first_failure = first.tolist()
        if not count_failures:  # what the walk reports: it stops at the first failure
            rep.checked, rep.failed = _subsets.rank_of(first.tolist(), w) + 1, 1
    return True


def _run_sample(prep, R, w, n, seed, rep):
    from . import _subsets  # compiled (numba): not loaded by `from ffcc import verify`

    rng = np.random.default_rng(seed)
    need = prep.G.shape[1] - prep.tstart
    done = 0
    batch = max(1, min(_BATCH, (1 << 24) // w))  # rng.random((m, w)) stays near 128 MiB
    work = _subsets.walk_work(n, _rows_per_subset(prep, R), prep.G.shape[1])
    compiled = use_kernel(_subsets.check_kernel, work, prep.p)
    while done < n:
        m = min(batch, n - done)
        subsets = np.sort(np.argsort(rng.random((m, w)), axis=1)[:, :R], axis=1)
        if prep.outside or (R < need and prep.starts is None):
            ok = np.zeros(m, dtype=bool)
        elif prep.starts is not None:
            ok = _subsets.check_list_groups(
                prep.G, prep.starts, prep.p, prep.tstart, subsets, compiled
            )
        else:
            ok = _subsets.check_list(prep.G, prep.p, prep.tstart, subsets, compiled)
        bad = np.flatnonzero(~ok)
        if bad.size and rep.failed == 0:
            rep.first_failure = subsets[bad[0]].tolist()
        rep.failed += int(bad.size)
        rep.checked += m
        done += m


def check_certificate(scheme: Scheme, cert: dict, R: int | None = None) -> bool:
    """Re-check a certificate written by ``ffcc verify --certificate``; True, or
    :class:`ffcc._certificate.CertificateError` naming the first false claim.

    >>> from ffcc.codes.matdot import matdot
    >>> S = matdot(3, 1, p=65537)
    >>> cert = verify(S, certificate=True, progress=False).certificate
    >>> check_certificate(S, cert)
    True
    """
    # measured: ffcc._certificate adds 24 ms (hashlib) to `from ffcc import verify`
    from ._certificate import check_certificate as check

    return check(scheme, cert, R)


def recovery_threshold(scheme: Scheme, *, prep=None, progress=None) -> int | None:
    """The smallest r such that every r-subset of workers decodes (None if even all w fail).

    Decoding is monotone in the subset, so the search walks r from the declared R.

    >>> from ffcc.codes.matdot import matdot
    >>> recovery_threshold(matdot(2, 3, p=7))  # degree-2 product: any 3 of 6 nodes
    3
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


@dataclass
class SecrecyReport:
    """Whether any X colluding workers learn something about the data.

    ``secure`` is True when every X-subset was checked and none leaks; False with the
    first leaking subset (lexicographic order), its coordinate and the two ranks.

    >>> from ffcc.codes.secure import secure_matdot
    >>> rep = verify_secrecy(secure_matdot(2, X=1, p=23))
    >>> rep.secure, rep.X, rep.checked, rep.total
    (True, 1, 5, 5)
    """

    X: int
    total: int  # C(w, X)
    checked: int
    secure: bool
    leaking_subset: list[int] | None = None
    leaking_coordinate: int | None = None
    ranks: list[int] | None = None  # [rank [D_S | M_S], rank M_S] of the leak

    def summary(self) -> str:
        """SECURE (every X-subset checked) or LEAKS with the first leaking workers, the
        input coordinate and the two ranks (see :func:`verify_secrecy`)."""
        if self.secure:
            return (
                f"SECURE: no {self.X} colluding workers learn anything about the data "
                f"(every {self.X}-subset checked: {self.checked:,} of {self.total:,})"
            )
        full, masks = self.ranks
        return (
            f"LEAKS: workers {self.leaking_subset} together learn {full - masks} combination(s) "
            f"of coordinate {self.leaking_coordinate}'s data (rank [data | masks] = {full} > "
            f"rank masks = {masks}); the scheme is not {self.X}-secure"
        )


def verify_secrecy(scheme: Scheme, X: int | None = None, *, progress=None) -> SecrecyReport:
    r"""Check that every X colluding workers learn nothing about the data.

    Worker j receives, per coordinate c, the coded inputs :math:`D_j x_c + M_j r_c` (one
    per output): data coefficients :math:`D_j`, coefficients :math:`M_j` of the uniform
    masks ``scheme.random[c]``. The shares of a set S are independent of the data iff
    every combination of them that cancels the masks also cancels the data,

    .. math:: \operatorname{rank}[D_S \mid M_S] = \operatorname{rank} M_S,

    which for X independent shares is the usual condition :math:`\operatorname{rank} M_S = X`
    (then :math:`M_S r` is uniform). Masks of different coordinates are independent, so the
    coordinates are checked one at a time. **Every** X-subset is checked with batched
    ranks (:meth:`~ffcc.field.PrimeField.batched_rank`); the first leak in lexicographic
    order is reported.

    References: Aliasgari, Simeone, Kliewer (secure MatDot), IEEE Trans. IFS 15, 2020;
    D'Oliveira, El Rouayheb, Karpuk (GASP), IEEE Trans. IT 66(7), 2020.

    >>> from ffcc.scheme import Scheme
    >>> # worker k gets A + k R (R a mask) and B + k S: any one worker learns nothing
    >>> S = Scheme(7, [2, 2], [[[1, k], [1, k]] for k in (1, 2, 3)], [[((0, 0), 1)]],
    ...            random=[[1], [1]])
    >>> verify_secrecy(S, 1).secure
    True
    >>> rep = verify_secrecy(S, 2)  # two workers subtract: (A + R) - ... reveals A
    >>> rep.secure, rep.leaking_subset, rep.leaking_coordinate, rep.ranks
    (False, [0, 1], 0, [2, 1])
    """
    X = scheme.secrecy if X is None else int(X)
    w = scheme.w
    if not 1 <= X <= w:
        raise ValueError(f"secrecy X = {X} must lie in [1, w = {w}]")
    F = scheme.field
    total = math.comb(w, X)
    counts = np.asarray(scheme.outputs or [1] * w, dtype=np.int64)
    width = int(np.sort(counts)[-X:].sum())  # most rows an X-subset can have
    rows_of = -np.ones((w, int(counts.max())), dtype=np.int64)
    for j in range(w):
        r = scheme.output_rows([j])
        rows_of[j, : len(r)] = r
    rep = SecrecyReport(X, total, 0, True)
    chunk = max(1, _BATCH // max(1, width * max(scheme.basis)))
    combos = itertools.combinations(range(w), X)
    with Progress(total, f"secrecy {scheme.name}", progress) as bar:
        while rep.checked < total:
            sub = np.array(list(itertools.islice(combos, chunk)), dtype=np.int64).reshape(-1, X)
            idx = rows_of[sub].reshape(len(sub), -1)  # -1: padding, a zero row
            order = np.argsort(idx < 0, axis=1, kind="stable")
            idx = np.take_along_axis(idx, order, axis=1)[:, :width]
            for c in range(scheme.d):
                E = np.vstack([scheme.E[c], np.zeros((1, scheme.basis[c]), dtype=np.int64)])
                stack = E[idx]  # (n, width, lambda_c); row -1 picks the zero row
                masks = list(scheme.random[c])
                full = F.batched_rank(stack)
                part = F.batched_rank(stack[:, :, masks]) if masks else np.zeros_like(full)
                leak = np.flatnonzero(full > part)
                if leak.size and (rep.secure or _earlier(sub[leak[0]], rep.leaking_subset)):
                    k = leak[0]
                    rep.secure = False
                    rep.leaking_subset = sub[k].tolist()
                    rep.leaking_coordinate = c
                    rep.ranks = [int(full[k]), int(part[k])]
            rep.checked += len(sub)
            bar.update(len(sub))
            if not rep.secure:
                break
    return rep


def _earlier(a, b) -> bool:
    return list(a) < list(b)


def merge(reports: list[VerifyReport]) -> VerifyReport:
    """Combine shard reports; holds is True only if the shards cover every rank.

    >>> from ffcc.codes.matdot import matdot
    >>> S = matdot(2, 1, p=7)
    >>> shards = [verify(S, shard=(i, 2), progress=False) for i in range(2)]
    >>> [r.ranks for r in shards], [r.holds for r in shards]  # a shard proves nothing alone
    ([[0, 2], [2, 4]], [None, None])
    >>> rep = merge(shards)
    >>> rep.holds, rep.checked, rep.mode
    (True, 4, 'exhaustive')
    >>> merge(shards[:1]).holds is None  # ranks [2, 4) missing
    True
    """
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


def shard_record(args) -> dict:
    """One shard's :class:`VerifyReport` as the dict a ledger records: ``args`` is
    ``(scheme, R, i, n)``, the i-th of n rank ranges of the R-subsets (the unit of work of
    :func:`verify_resumable` and of ``verify_dask`` with a ledger).

    >>> from ffcc.codes import build
    >>> d = shard_record((build("matdot", m=2, s=1), 3, 0, 2))
    >>> d["holds"], d["checked"]  # no failure in this shard; the whole is for merge() to say
    (None, 2)
    """
    scheme, R, i, n = args
    rep = verify(scheme, R, shard=(i, n), progress=False)
    d = asdict(rep)
    d.pop("certificate")
    return d


def verify_resumable(
    scheme: Scheme, ledger, *, shards: int = 64, R: int | None = None, mapper=map
) -> VerifyReport:
    """Exhaustive verification in ``shards`` rank ranges, with a ledger that survives a kill.

    Every finished shard is appended to the ledger file (JSON lines, flushed and fsync'ed)
    before the next one is used; running again with the same ledger skips the shards it
    records, so a killed run resumes where it stopped. The first line pins the scheme
    (its SHA-256), R and the shard count: a ledger made for anything else is refused.
    ``mapper(fn, items)`` runs the shards, e.g. ``executor.map`` of a process pool or a
    Dask ``client.map`` wrapped to yield results; results are recorded as they arrive.
    Scheduling stops after a shard that fails.

    >>> import os, tempfile
    >>> from ffcc.codes.matdot import matdot
    >>> S, ledger = matdot(2, 1, p=7), os.path.join(tempfile.mkdtemp(), "ledger.jsonl")
    >>> rep = verify_resumable(S, ledger, shards=2)
    >>> rep.holds, rep.checked, len(open(ledger).read().splitlines())  # header + 2 shards
    (True, 4, 3)
    >>> verify_resumable(S, ledger, shards=2).holds  # again: every shard from the ledger
    True
    """
    from ._certificate import scheme_digest  # measured: 24 ms at import (hashlib)

    R = scheme.R if R is None else int(R)
    if shards < 1:
        raise InputError(f"shards = {shards} must be at least 1")
    shards = min(int(shards), max(1, math.comb(scheme.w, R)))  # no empty shards
    head = {"format": "ffcc-verify-ledger/1", "sha256": scheme_digest(scheme), "R": R,
            "shards": int(shards), "total": math.comb(scheme.w, R)}  # fmt: skip
    path = Path(ledger)
    done: dict[int, dict] = {}
    if path.exists() and path.stat().st_size:
        lines = path.read_text().splitlines()
        got = parse_json(lines[0], f"ledger {path}")
        if got != head:
            raise InputError(
                f"ledger {path} was made for another scheme, R or shard count ({got}); "
                "use a new ledger file"
            )
        for k, line in enumerate(lines[1:], 2):
            try:
                entry = parse_json(line, f"ledger {path} line {k}")
            except InputError:
                break  # a line cut short by the kill: that shard runs again
            done[int(entry["shard"])] = entry["report"]
    else:
        path.write_text(json.dumps(head) + "\n")
    todo = [i for i in range(shards) if i not in done]
    total = head["total"]
    starts = {(total * i // shards, total * (i + 1) // shards): i for i in todo}
    failed = any(d["failed"] for d in done.values())
    if todo and not failed:
        with path.open("a") as fh:
            for d in mapper(shard_record, [(scheme, R, i, shards) for i in todo]):
                i = starts[d["ranks"][0], d["ranks"][1]]
                done[i] = d
                fh.write(json.dumps({"shard": i, "report": d}) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
                if d["failed"]:
                    break
    reports = [VerifyReport(**d) for _, d in sorted(done.items())]
    out = merge(reports)
    out.notes.append(f"ledger {path}: {len(done)} of {shards} shards done")
    if out.holds is None and out.mode == "shard":
        out.notes.append("run again with the same ledger to resume")
    return out
