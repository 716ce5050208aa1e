r"""Every scheme a run uses is checked in the field it runs in, before any task is sent.

The planner verifies a group's code over GF(65537), but a run computes modulo the primes
that its exact range needs (one small prime, or several primes just below :math:`2^{31}`
combined by CRT), and whether every R-subset of workers decodes depends on the field. A
subset S decodes iff the targets lie in the span of its worker vectors, a rank condition on
minors with integer entries; a minor that is non-zero over the integers vanishes modulo
every prime dividing it. So nodes distinct mod 65537 may collide mod q, and a threshold
below the degree bound (``measured R*``) may hold in one field and not in another.

:func:`check_schemes` therefore checks each (scheme, prime) the run uses with
:func:`ffcc.verify.verify`: up to :data:`ffcc.verify.CERTIFY_ABOVE` subsets it enumerates
every R-subset (milliseconds for small groups); above, an evaluation-code certificate
(:mod:`ffcc._certificate`) proves it without enumeration, and the subsets are enumerated
only when no certificate applies and there are at most :data:`ffcc.plan.VERIFY_LIMIT`.
Beyond that the group is reported NOT verified in that field (and ``ffcc run`` warns). A
failing subset raises :class:`FieldCheckFailed` naming the group, the prime and the first
failing subset; nothing is dispatched. Verdicts are cached per (scheme digest, R) -- the
digest includes p -- so a prime met again (another group with the same code, another run
in the same process) is not checked again.

Secrecy is a field property too. A scheme that claims X-security (``scheme.secrecy``)
gives worker j the shares :math:`D_j x + M_j r` with uniform masks r; a set S of workers
learns nothing iff :math:`\operatorname{rank}[D_S \mid M_S] = \operatorname{rank} M_S`
(:func:`ffcc.verify.verify_secrecy`), again a rank condition on integer minors. A mask
coefficient :math:`x_j` that is non-zero mod 65537 but divisible by q hands worker j its
data in the clear in GF(q). So every X-subset is checked in every prime too (cached per
(scheme digest, masks, X)), up to :data:`ffcc.plan.VERIFY_LIMIT` subsets; beyond, the
group's secrecy is reported NOT verified in that field. A leak raises
:class:`FieldCheckFailed` naming the leaking workers; nothing is dispatched.

Example
-------
>>> from ffcc.codes.matdot import matdot
>>> [c["how"] for c in check_schemes([matdot(2, 1, p=65537), matdot(2, 1, p=101)], 0, "g")]
['exhaustive', 'exhaustive']
>>> check_schemes([matdot(2, 1, p=101)], 0, "g")[0]["cached"]
True
>>> from ffcc.codes.secure import secure_matdot
>>> c = check_schemes([secure_matdot(2, X=1, s=1, p=23)], 0, "g")[0]  # w = 6, R = 5
>>> c["how"], c["secrecy"]["X"], c["secrecy"]["how"], c["secrecy"]["subsets"]
('exhaustive', 1, 'exhaustive', 6)
>>> describe([c])
'verified exhaustively in GF(23) (6 5-subsets); 1-secure in GF(23) (6 1-subsets)'
"""

from __future__ import annotations

import math
import threading
import time

from .. import plan as planner
from .._certificate import certify, scheme_digest
from ..verify import verify, verify_secrecy
from ._errors import FieldCheckFailed

__all__ = ["check_schemes", "describe", "clear_cache"]

_CACHE: dict = {}  # (scheme digest, R) -> verdict dict (without "cached")
_CACHE_SIZE = 512  # verdicts kept; the oldest is dropped first
_LOCK = threading.Lock()


def clear_cache() -> None:
    """Forget every cached verdict (tests; a long-lived process that wants a fresh check)."""
    with _LOCK:
        _CACHE.clear()


def _limit() -> int:
    return planner.VERIFY_LIMIT  # the planner's own bound, read when a check runs


def _verdict(scheme) -> dict:
    """How ``scheme`` holds in its own field: exhaustive, certificate, fails or unverified."""
    R, w = scheme.R, scheme.w
    total = math.comb(w, R)
    t = time.perf_counter()
    out = {"p": scheme.p, "w": w, "R": R, "subsets": total}
    if total > _limit():  # too many to enumerate here: a certificate or nothing
        how = "certificate" if certify(scheme, R) is not None else "unverified"
        out["how"] = how
    else:
        rep = verify(scheme, R, certificate="auto", secrecy=0, progress=False)
        if rep.holds:
            out["how"] = "certificate" if rep.mode == "certificate" else "exhaustive"
        else:
            out.update(how="fails", first_failure=rep.first_failure, target=rep.witness_target)
    out["seconds"] = time.perf_counter() - t
    return out


def _secrecy_verdict(scheme) -> dict:
    """Whether every X-subset of workers learns nothing in ``scheme``'s own field."""
    X, w = scheme.secrecy, scheme.w
    total = math.comb(w, X)
    t = time.perf_counter()
    out = {"X": X, "subsets": total}
    if total > _limit():
        out["how"] = "unverified"
    else:
        rep = verify_secrecy(scheme, X, progress=False)
        if rep.secure:
            out["how"] = "exhaustive"
        else:
            out.update(how="leaks", leaking_subset=rep.leaking_subset,
                       coordinate=rep.leaking_coordinate, ranks=rep.ranks)  # fmt: skip
    out["seconds"] = time.perf_counter() - t
    return out


def _cached(key, compute) -> tuple[dict, bool]:
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit, True
    hit = compute()
    with _LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = hit
    return hit, False


def check_schemes(schemes, gi: int, name: str) -> list[dict]:
    """Check each scheme (one per prime of a group) in its own field; one dict per prime:
    ``p``, ``how`` ("exhaustive", "certificate" or "unverified"), ``subsets`` (C(w, R)),
    ``seconds`` and ``cached``; for a scheme claiming X-security also ``secrecy``: a dict
    with ``X``, ``how`` ("exhaustive" or "unverified"), ``subsets`` (C(w, X)), ``seconds``
    and ``cached``. Raises :class:`FieldCheckFailed` on the first failure or leak."""
    out = []
    for s in schemes:
        digest = scheme_digest(s)
        hit, cached = _cached((digest, s.R), lambda s=s: _verdict(s))
        if hit["how"] == "fails":
            raise FieldCheckFailed(
                f"group {gi} ({name}): the scheme does not hold in GF({s.p}), a field this run "
                f"computes in: workers {hit['first_failure']} do not determine target "
                f"{hit['target']} (every {s.R}-subset of the {s.w} workers must decode); "
                "nothing was dispatched: use other primes or another scheme (other nodes)"
            )
        check = {**hit, "cached": cached}
        if s.secrecy:
            masks = tuple(tuple(int(i) for i in r) for r in s.random)  # not in the digest
            sec, sec_cached = _cached(
                (digest, "secrecy", masks, s.secrecy), lambda s=s: _secrecy_verdict(s)
            )
            if sec["how"] == "leaks":
                full, part = sec["ranks"]
                raise FieldCheckFailed(
                    f"group {gi} ({name}): the scheme is not {s.secrecy}-secure in GF({s.p}), "
                    f"a field this run computes in: workers {sec['leaking_subset']} together "
                    f"learn the data of input {sec['coordinate']} (rank [D|M] = {full} > rank "
                    f"M = {part}; every {s.secrecy}-subset of the {s.w} workers must learn "
                    "nothing); nothing was dispatched: use other primes or another scheme "
                    "(other nodes)"
                )
            check["secrecy"] = {**sec, "cached": sec_cached}
        out.append(check)
    return out


def _phrases(items, size_of, templates) -> list[str]:
    """One phrase per verdict in ``templates``: the fields with that verdict, and the
    subset count when it is the same for all of them."""
    parts = []
    for how, text in templates:
        mine = [(p, v) for p, v in items if v["how"] == how]
        if not mine:
            continue
        fields = ", ".join(f"GF({p})" for p, _ in mine)
        counts = sorted({v["subsets"] for _, v in mine})
        each = " each" if len(mine) > 1 else ""
        size = f" ({counts[0]:,} {size_of(mine[0][1])}-subsets{each})" if len(counts) == 1 else ""
        parts.append(text.format(fields=fields, size=size, **mine[0][1]))
    return parts


def describe(checks) -> str:
    """One line for a group's checks, e.g. ``verified exhaustively in GF(65537) (28
    subsets)``, then the secrecy checks if the scheme claims X-security, e.g. ``1-secure
    in GF(65537) (4 1-subsets)``; the primes are listed in the order the run uses them."""
    parts = _phrases(
        [(c["p"], c) for c in checks],
        lambda c: c["R"],
        [
            ("exhaustive", "verified exhaustively in {fields}{size}"),
            ("certificate", "certified in {fields}{size} (evaluation-code certificate, "
             "no enumeration)"),
            ("unverified", "NOT verified in {fields}{size}: too many to enumerate, "
             "no certificate applies"),
        ],
    )  # fmt: skip
    parts += _phrases(
        [(c["p"], c["secrecy"]) for c in checks if c.get("secrecy")],
        lambda v: v["X"],
        [
            ("exhaustive", "{X}-secure in {fields}{size}"),
            ("unverified", "{X}-secrecy NOT verified in {fields}{size}: too many to enumerate"),
        ],
    )
    cached = sum(c["cached"] for c in checks)
    tail = f" [{cached} of {len(checks)} from cache]" if cached else ""
    return "; ".join(parts) + tail
