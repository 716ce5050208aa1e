"""Executable proofs of the claims of *Compression-Informed Coded Computing*.

Every module ``cNN_*`` checks one claim of the paper -- symbolically (sympy), exhaustively
(every subset of workers, every sample multigraph up to isomorphism, every outcome of the
sampling) or with exact probabilities -- and runs a negative control that the same check
must reject. ``run(quick)`` returns a :class:`~proofs._framework.Result`.

>>> import proofs
>>> [m.CLAIM.id for m in proofs.CLAIMS][:3]
['C01', 'C02', 'C03']

Entry points (``ffcc claims [--full] [--json] [--only C04,C05]``)::

    results = proofs.run_all(quick=True, only=None, progress=None)
    print(proofs.table(results))
    print(proofs.to_json(results))
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterable

from ._framework import Claim, Result

__all__ = ["CLAIMS", "Claim", "Result", "claim_ids", "run_all", "table", "to_json"]

_MODULES = (
    "c01_lemma1",
    "c02_matdot_lagrange",
    "c03_one_dependency",
    "c04_theorem1",
    "c05_figure2",
    "c06_overhead",
    "c07_theorem2",
    "c08_theorem3",
    "c09_entangled",
    "c10_threem",
    "c11_byzantine",
    "c12_sparse_two_stage",
    "c13_remark_theorem2",
    "c14_byzantine_locality",
    "c15_epsilon_valid",
    "c16_optimal_2k1",
    "c17_secure_matdot",
    "c18_figure2_below",
)
CLAIMS = [importlib.import_module(f"{__name__}.{name}") for name in _MODULES]


def claim_ids() -> list[str]:
    return [m.CLAIM.id for m in CLAIMS]


def _select(only: Iterable[str] | None):
    if only is None:
        return list(CLAIMS)
    want = [x.strip().upper() for x in only if x.strip()]
    known = {m.CLAIM.id: m for m in CLAIMS}
    bad = [x for x in want if x not in known]
    if bad:
        raise ValueError(f"unknown claim id(s) {', '.join(bad)}; known: {', '.join(known)}")
    return [m for m in CLAIMS if m.CLAIM.id in want]


def run_all(
    quick: bool = True,
    only: Iterable[str] | None = None,
    progress: Callable[[Result], None] | bool | None = None,
) -> list[Result]:
    """Run the claims (all, or the ids in ``only``) and return their results in order.

    ``progress``: None prints one line per finished claim to stderr, False is silent, a
    callable is called with each :class:`Result`.
    """
    out = []
    for mod in _select(only):
        res = mod.run(quick=quick)
        out.append(res)
        if progress is None:
            print(
                f"{res.id} {res.verdict:<8} {res.seconds:6.1f} s  {res.claim.title}",
                file=sys.stderr,
                flush=True,
            )
        elif callable(progress):
            progress(res)
    return out


def table(results: list[Result]) -> str:
    """A Markdown table (claim, where in the paper, method, what is symbolic, parameters
    covered, verdict, negative control, time) and the computed findings -- the README's
    claims block (``proofs._readme.render``)."""
    # not at the top: `python -m proofs._readme` would then find itself imported (runpy)
    from ._readme import render

    return render([r.to_dict() for r in results])


def to_json(results: list[Result]) -> str:
    return json.dumps([r.to_dict() for r in results], indent=2, default=str)
