"""The record types of the executable proofs: :class:`Claim`, :class:`Result`, :class:`Check`.

Every claim module defines ``CLAIM`` (what the paper says and what exactly is checked) and
``run(quick: bool) -> Result``. A result carries one of three verdicts:

* ``"holds"``: every checked instance satisfies the statement;
* ``"refuted"``: a checked instance contradicts the statement as read (the counterexample
  is recorded);
* ``"partial"``: the statement holds in part of the parameter range or under one reading
  only, and fails elsewhere (both recorded).

Each run also performs a **negative control**: a deliberately false variant of the claim
(one worker fewer, a biased estimator, a bound that is too strong ...) that the same check
must reject. ``negative_rejected`` records that it was rejected; a check that cannot reject
its negative control proves nothing.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

__all__ = ["Claim", "Result", "Check", "VERDICTS", "timer"]

VERDICTS = ("holds", "refuted", "partial")


@dataclass(frozen=True)
class Claim:
    """What the paper claims and how it is checked.

    ``paper`` quotes or paraphrases the claim in the paper's words; ``statement`` is the
    exact mathematical statement the code checks; ``method`` is one or more of symbolic /
    exhaustive / exact-probability / statistical; ``params_quick`` and ``params_full`` say
    which parameters each mode covers. ``expected`` is the verdict this code base expects
    (a change makes ``tests/test_claims.py`` fail). ``symbolic`` names exactly the quantities
    the symbolic part treats as symbols (and for which fixed parameters), or ``"none"``.
    """

    id: str
    title: str
    where: str
    paper: str
    statement: str
    method: str
    params_quick: str
    params_full: str
    negative: str
    expected: str = "holds"
    symbolic: str = "none"

    def covered(self, quick: bool) -> str:
        """The parameter ranges one mode checks."""
        return self.params_quick if quick else self.params_full


@dataclass
class Result:
    """The outcome of one claim's run."""

    claim: Claim
    verdict: str
    quick: bool
    covered: str
    details: list[str] = field(default_factory=list)
    counterexample: str | None = None
    negative_control: str = ""
    negative_rejected: bool = False
    seconds: float = 0.0
    data: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def expected(self) -> bool:
        """True when the verdict is the one recorded as expected in the claim."""
        return self.verdict == self.claim.expected

    def to_dict(self) -> dict:
        d = asdict(self)
        d["expected"] = self.expected
        d["mode"] = "quick" if self.quick else "full"
        return d

    def report(self) -> str:
        """A readable multi-line account of the run."""
        c = self.claim
        lines = [
            f"{c.id} {c.title} [{c.where}]: {self.verdict.upper()} "
            f"({'quick' if self.quick else 'full'}, {self.seconds:.1f} s)",
            f"  paper:   {c.paper}",
            f"  checked: {c.statement}",
            f"  method:  {c.method}; covered: {self.covered}",
        ]
        lines += [f"  - {d}" for d in self.details]
        if self.counterexample:
            lines.append(f"  counterexample: {self.counterexample}")
        lines.append(
            f"  negative control ({'rejected' if self.negative_rejected else 'NOT rejected'}): "
            f"{self.negative_control}"
        )
        return "\n".join(lines)


class Check:
    """Collects the outcome of many small checks of one statement.

    ``require(ok, what)`` records a failure message when ``ok`` is false; ``failures`` keeps
    the first few messages and ``failed`` counts them all.
    """

    def __init__(self, keep: int = 5):
        self.keep = keep
        self.checked = 0
        self.failed = 0
        self.failures: list[str] = []

    def require(self, ok: bool, what: str) -> bool:
        self.checked += 1
        if not ok:
            self.failed += 1
            if len(self.failures) < self.keep:
                self.failures.append(what)
        return bool(ok)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self, noun: str = "checks") -> str:
        if self.ok:
            return f"all {self.checked} {noun} pass"
        return f"{self.failed} of {self.checked} {noun} FAIL, e.g. {self.failures[0]}"


class timer:
    """``with timer() as t: ...; t.seconds``."""

    def __enter__(self):
        self.t0 = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        return False
