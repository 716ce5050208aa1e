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

Example
-------
>>> from ffcc.codes.matdot import matdot
>>> [c["how"] for c in check_schemes([matdot(2, 1, p=65537), matdot(2, 1, p=101)], 0, "g")]
['exhaustive', 'exhaustive']
>>> check_schemes([matdot(2, 1, p=101)], 0, "g")[0]["cached"]
True
"""

from __future__ import annotations

import math
import threading
import time

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
    from ..plan import VERIFY_LIMIT  # the planner's own bound on enumeration

    return VERIFY_LIMIT


def _verdict(scheme) -> dict:
    """How ``scheme`` holds in its own field: exhaustive, certificate, fails or unverified."""
    from .._certificate import certify
    from ..verify import verify

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


def check_schemes(schemes, gi: int, name: str) -> list[dict]:
    """Check each scheme (one per prime of a group) in its own field; one dict per prime:
    ``p``, ``how`` ("exhaustive", "certificate" or "unverified"), ``subsets`` (C(w, R)),
    ``seconds`` and ``cached``. Raises :class:`FieldCheckFailed` on the first failure."""
    from .._certificate import scheme_digest

    out = []
    for s in schemes:
        key = (scheme_digest(s), s.R)
        with _LOCK:
            hit = _CACHE.get(key)
        cached = hit is not None
        if not cached:
            hit = _verdict(s)
            with _LOCK:
                if len(_CACHE) >= _CACHE_SIZE:
                    _CACHE.pop(next(iter(_CACHE)))
                _CACHE[key] = hit
        if hit["how"] == "fails":
            raise FieldCheckFailed(
                f"group {gi} ({name}): the scheme does not hold in GF({s.p}), a field this run "
                f"computes in: workers {hit['first_failure']} do not determine target "
                f"{hit['target']} (every {s.R}-subset of the {s.w} workers must decode); "
                "nothing was dispatched: use other primes or another scheme (other nodes)"
            )
        out.append({**hit, "cached": cached})
    return out


def describe(checks) -> str:
    """One line for a group's checks, e.g. ``verified exhaustively in GF(65537) (28
    subsets)``; the primes are listed in the order the run uses them."""
    parts = []
    for how, text in (
        ("exhaustive", "verified exhaustively in {}{}"),
        ("certificate", "certified in {}{} (evaluation-code certificate, no enumeration)"),
        ("unverified", "NOT verified in {}{}: too many to enumerate, no certificate applies"),
    ):
        mine = [c for c in checks if c["how"] == how]
        if not mine:
            continue
        fields = ", ".join(f"GF({c['p']})" for c in mine)
        counts = sorted({c["subsets"] for c in mine})
        each = " each" if len(mine) > 1 else ""
        size = f" ({counts[0]:,} {mine[0]['R']}-subsets{each})" if len(counts) == 1 else ""
        parts.append(text.format(fields, size))
    cached = sum(c["cached"] for c in checks)
    tail = f" [{cached} of {len(checks)} from cache]" if cached else ""
    return "; ".join(parts) + tail
