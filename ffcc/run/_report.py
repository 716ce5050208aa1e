"""What a run did: per-group timings, worker events, faults, errors; text, JSON and a plot.

Example
-------
>>> from ffcc.run import RunReport
>>> rep = RunReport(label="demo", executor="inline")
>>> rep.workers_compare = {"plan": 7, "MatDot": 9, "uncoded": 4}
>>> print(rep.summary().splitlines()[0])
run demo on inline: 0 groups, total 0.000 s
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field

import numpy as np

from ._errors import RunError
from ._fieldcheck import describe
from ._job import ABANDONED, CORRUPTED, KILLED, OK, RAISED, WorkerEvent

__all__ = ["GroupReport", "RunReport", "plot_latency"]


@dataclass
class GroupReport:
    """One group of the plan: its code, the primes used and what its workers did."""

    index: int
    name: str
    w: int
    R: int
    stragglers: int
    byzantine: int
    need: int  # results waited for: R, or w - s when correcting errors
    kind: str  # "field" (exact) or "float" (real-valued comparison)
    primes: list = field(default_factory=list)
    bound_bits: int | None = None  # bits of the largest |entry| the targets can reach
    start_s: float = 0.0  # when the group started, from the start of the run
    encode_s: float = 0.0
    time_to_R_s: float | None = None
    decode_s: float = 0.0
    submissions: int = 0
    rebuilds: int = 0
    rebuild_s: float = 0.0
    used: list = field(default_factory=list)  # workers whose results were decoded
    liars: list = field(default_factory=list)
    events: list = field(default_factory=list)  # WorkerEvent
    condition: float | None = None  # real-valued path: cond of the decoding matrix
    # what cross-checked the decoded targets: "freivalds", "error-correcting decode" (b >= 1),
    # "spare results (k)" (k results beyond those decoded agreed); empty: unchecked
    checked_by: list = field(default_factory=list)
    # how the scheme was checked in each field the group computed in, before dispatch: one
    # dict per prime (p, how = "exhaustive" | "certificate" | "unverified", subsets, ...)
    field_check: list = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many of the group's workers ended with ``status`` (e.g. ``"ok"``)."""
        return sum(1 for e in self.events if e.status == status)

    def to_dict(self) -> dict:
        """The group's fields, worker events as dicts."""
        d = asdict(self)
        d["events"] = [e.to_dict() if isinstance(e, WorkerEvent) else e for e in self.events]
        d["field_check_text"] = describe(self.field_check) if self.field_check else None
        return d


def _fmt_s(x) -> str:
    return "-" if x is None else f"{x:.3f} s"


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


@dataclass
class RunReport:
    """Everything a coded run measured. ``summary()`` for people, ``to_json()`` for tools.

    ``errors`` may hold ``rel_error`` (relative Frobenius error of the returned product
    against the exact product), ``lemma1_bound`` (given by the planner),
    ``quant_max_abs``, ``quant_rel_fro`` and ``quant_bound`` (the exact path's only error:
    quantization), and ``real_*`` entries for the floating-point comparison.

    >>> import numpy as np
    >>> from ffcc.run import Faults, run_matmul
    >>> A, B = np.arange(12).reshape(3, 4), np.arange(8).reshape(4, 2)
    >>> C, rep = run_matmul(A, B, m=2, stragglers=1, byzantine=1, executor="inline",
    ...                     faults=Faults(corrupt=[2]), progress=False)
    >>> rep.workers_used, rep.liars, rep.event_counts()["corrupted-detected"]  # 2m - 1 + s + 2b
    (6, [(0, 2)], 1)
    >>> rep.groups[0].name, rep.groups[0].count("ok")
    ('matdot-m2', 4)
    """

    label: str = "run"
    executor: str = "local"
    processes: int | None = None
    pool_start_s: float = 0.0  # time spent starting workers during this run
    total_s: float = 0.0
    groups: list = field(default_factory=list)
    workers_compare: dict = field(default_factory=dict)
    straggler_model: str = "none"
    faults: dict = field(default_factory=dict)
    freivalds: dict | None = None
    errors: dict = field(default_factory=dict)
    inputs: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    # where the wall time went, in seconds: import, plan, pool_start, compute_and_decode
    # (all groups in flight), check (Freivalds and assembly), ...
    timings: dict = field(default_factory=dict)

    # -- derived ---------------------------------------------------------------------
    @property
    def exact_groups(self) -> list:
        """The groups computed exactly over GF(p) (not the real-valued comparison)."""
        return [g for g in self.groups if g.kind == "field"]

    @property
    def workers_used(self) -> int:
        """Workers of the exact groups, summed."""
        return sum(g.w for g in self.exact_groups)

    @property
    def time_to_R_s(self) -> float | None:
        """The job's latency: every group is in flight from the start, so the job has its
        results when the slowest group has its R-th (from the run's first group start)."""
        ts = [g.time_to_R_s for g in self.exact_groups]
        if not ts or any(t is None for t in ts):
            return None
        t0 = min(g.start_s for g in self.exact_groups)
        return max(g.start_s - t0 + g.time_to_R_s for g in self.exact_groups)

    @property
    def decode_s(self) -> float:
        """Decoding time of the exact groups, summed."""
        return sum(g.decode_s for g in self.exact_groups)

    @property
    def encode_s(self) -> float:
        """Encoding time of the exact groups, summed."""
        return sum(g.encode_s for g in self.exact_groups)

    @property
    def checked(self) -> bool:
        """True when something beyond decoding checked every exact group's targets."""
        return bool(self.exact_groups) and all(g.checked_by for g in self.exact_groups)

    @property
    def checked_by(self) -> list:
        """The kinds of check that confirmed the exact groups' targets (``freivalds``,
        ``error-correcting decode``, ``spare results``), each named once."""
        return sorted({how.split(" (")[0] for g in self.exact_groups for how in g.checked_by})

    @property
    def unverified_fields(self) -> list:
        """``(group, p)`` of every field in which a group's scheme could not be checked
        (too many subsets to enumerate and no certificate): its tolerance of s stragglers
        and b liars is then not established in that field."""
        return [
            (g.index, c["p"]) for g in self.exact_groups for c in g.field_check
            if c["how"] == "unverified"
        ]  # fmt: skip

    @property
    def liars(self) -> list:
        """``(group, worker)`` of every worker whose wrong result was corrected."""
        return [(g.index, j) for g in self.groups for j in g.liars]

    def event_counts(self) -> dict:
        """``{status: workers}`` over the exact groups, every status listed."""
        out = {}
        for st in (OK, RAISED, KILLED, ABANDONED, CORRUPTED):
            out[st] = sum(g.count(st) for g in self.exact_groups)
        return out

    # -- output ----------------------------------------------------------------------
    def to_dict(self) -> dict:
        """Every field and derived total, JSON-ready (non-finite floats as strings)."""
        d = asdict(self)
        d["groups"] = [g.to_dict() for g in self.groups]
        d["workers_used"] = self.workers_used
        d["time_to_R_s"] = self.time_to_R_s
        d["encode_s"] = self.encode_s
        d["decode_s"] = self.decode_s
        d["event_counts"] = self.event_counts()
        d["liars"] = [list(x) for x in self.liars]
        d["checked"] = self.checked
        d["checked_by"] = self.checked_by
        return _jsonable(d)

    def to_json(self, indent: int | None = None) -> str:
        """:meth:`to_dict` as JSON text (what ``ffcc run --json`` prints)."""
        return json.dumps(self.to_dict(), indent=indent)

    def summary(self) -> str:
        """The text report ``ffcc run`` prints: totals, then one block per group."""
        L = [
            f"run {self.label} on {self.executor}: {len(self.groups)} groups, "
            f"total {self.total_s:.3f} s"
            + (f" (of which pool start {self.pool_start_s:.2f} s)" if self.pool_start_s else "")
        ]
        if self.workers_compare:
            parts = ", ".join(f"{k} {v}" for k, v in self.workers_compare.items())
            L.append(f"workers: {parts}")
        if self.groups:
            L.append(
                f"latency {_fmt_s(self.time_to_R_s)} (R-th result of the slowest group; every "
                f"group in flight at once), encode {self.encode_s:.3f} s, decode "
                f"{self.decode_s:.3f} s"
            )
        if self.timings:
            parts = ", ".join(f"{k.replace('_', ' ')} {v:.3f} s" for k, v in self.timings.items())
            L.append(f"wall time: {parts}")
        L.append(f"straggler model: {self.straggler_model}")
        if any(self.faults.values()):
            L.append(f"injected faults: {self.faults}")
        for g in self.groups:
            if g.kind != "field":
                kind = "real-valued"
            else:
                kind = "exact" if g.checked_by else "decoded, UNCHECKED"
            primes = f", primes {g.primes}" if g.primes else ""
            bits = f" ({g.bound_bits}-bit range)" if g.bound_bits is not None else ""
            L.append(
                f"  group {g.index} {g.name} [{kind}]: w = {g.w}, R = {g.R}, s = {g.stragglers}, "
                f"b = {g.byzantine}, waited for {g.need}{primes}{bits}"
            )
            if g.field_check:
                L.append(f"    scheme {describe(g.field_check)}")
            counts = {st: g.count(st) for st in (OK, RAISED, KILLED, ABANDONED, CORRUPTED)}
            seen = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
            L.append(
                f"    R-th result at {_fmt_s(g.time_to_R_s)}, decode {g.decode_s:.3f} s; "
                f"workers: {seen}; decoded from {g.used}"
            )
            if g.rebuilds:
                L.append(
                    f"    pool rebuilt {g.rebuilds}x after a crash ({g.rebuild_s:.2f} s), "
                    f"{g.submissions} tasks submitted for {g.w} workers"
                )
            if g.liars:
                L.append(f"    workers that lied (corrected): {g.liars}")
            for e in g.events:
                if e.status in (RAISED, KILLED):
                    L.append(f"    worker {e.worker} {e.status}: {e.detail}")
            if g.condition is not None:
                L.append(f"    condition number of the decoding matrix: {g.condition:.3g}")
        if self.freivalds:
            fv = self.freivalds
            L.append(
                f"Freivalds check: {fv['trials']} trials over GF({fv['q']}) "
                f"{'passed' if fv['passed'] else 'FAILED'}; a wrong product passes with "
                f"probability <= {fv['failure_probability']:.3g}"
            )
        if self.exact_groups:
            L.append(self._checked_line())
        e = self.errors
        if "rel_error" in e:
            L.append(f"relative error vs the exact product: {e['rel_error']:.3g}")
        if "lemma1_bound" in e:
            L.append(f"Lemma 1 bound (expected squared error): {e['lemma1_bound']:.6g}")
        if "quant_max_abs" in e:
            L.append(
                f"quantization ({e.get('frac_bits')} fraction bits): max abs error "
                f"{e['quant_max_abs']:.3g} (bound {e['quant_bound']:.3g}), relative Frobenius "
                f"{e['quant_rel_fro']:.3g}"
            )
        if "real_rel_error_vs_exact" in e:
            L.append(
                f"real-valued MatDot ({e.get('real_basis')}): relative error vs exact path "
                f"{e['real_rel_error_vs_exact']:.3g}, worst condition number seen "
                f"{e['real_worst_condition_seen']:.3g}"
                + (
                    f" (over all subsets {e['real_worst_condition_all']:.3g})"
                    if e.get("real_worst_condition_all") is not None
                    else ""
                )
            )
        L.extend(self.notes)
        return "\n".join(L)

    def _checked_line(self) -> str:
        if self.checked:
            return f"checked: yes, by {', '.join(self.checked_by)}"
        bare = [g.index for g in self.exact_groups if not g.checked_by]
        return (
            f"UNCHECKED: nothing verified the decoded result of group(s) {bare} (b = 0, no "
            "spare result arrived, Freivalds off): it is exact only if every worker used "
            "returned a correct result"
        )


_COLORS = {
    OK: "tab:green",
    RAISED: "tab:orange",
    KILLED: "tab:red",
    ABANDONED: "tab:gray",
    CORRUPTED: "tab:purple",
}


def plot_latency(report: RunReport, path=None, *, ax=None):
    """Worker timeline of a run: one row per worker, labelled with its group's construction.

    Row ``g0 matdot-m2 w3`` is worker 3 of group 0, coded by ``matdot-m2``. Its bar runs
    from when the worker began to when the coordinator saw its outcome, coloured by status;
    the legend lists only the statuses that occurred (a pale bar: the worker never reported
    its start, so it is drawn from dispatch). A dashed tick across each group's rows
    marks its R-th useful result, where decoding starts. Times are seconds from the dispatch
    of the group's tasks, so pool start-up (``report.pool_start_s``) and encoding are not on
    the axis. Needs matplotlib; no pyplot, so no GUI backend is touched.

    Draws into ``ax`` if given, else into a new figure. Saves the figure to ``path`` if given
    and returns ``str(path)``; without ``path`` returns the axes.

    Example
    -------
    >>> import numpy as np
    >>> from ffcc.run import Faults, plot_latency, run_matmul
    >>> A, B = np.arange(12).reshape(3, 4), np.arange(8).reshape(4, 2)
    >>> C, rep = run_matmul(A, B, m=2, stragglers=1, executor="inline",
    ...                     faults=Faults(raises=[1]), progress=False)
    >>> ax = plot_latency(rep)  # or plot_latency(rep, "latency.png")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['g0 matdot-m2 w0', 'g0 matdot-m2 w1', 'g0 matdot-m2 w2', 'g0 matdot-m2 w3']
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['ok (3)', 'raised (1)', 'R-th result: decoding starts']
    """
    try:  # optional dependency (ffcc[plot])
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
    except ImportError:
        raise RunError("plot_latency needs matplotlib: pip install 'ffcc[plot]'") from None
    rows = [(g, e) for g in report.groups for e in g.events]
    own = ax is None
    if own:
        ax = Figure(figsize=(9.5, max(2.5, 0.22 * len(rows) + 1.5))).subplots()
    counts: dict[str, int] = {}
    for y, (g, e) in enumerate(rows):
        t0 = e.started if e.started is not None else 0.0
        t1 = e.finished if e.finished is not None else (g.time_to_R_s or t0)
        color = _COLORS.get(e.status, "tab:blue")
        alpha = 1.0 if e.started is not None else 0.5  # start unknown: drawn from dispatch
        ax.barh(y, max(t1 - t0, 1e-4), left=t0, height=0.7, color=color, alpha=alpha)
        counts[e.status] = counts.get(e.status, 0) + 1
    y = 0
    for g in report.groups:
        n = len(g.events)
        if y:
            ax.axhline(y - 0.5, color="0.8", lw=0.8)  # separates the groups
        if g.time_to_R_s is not None and n:
            ax.vlines(g.time_to_R_s, y - 0.45, y + n - 0.55, colors="k", linestyles="--", lw=1)
        y += n
    ax.set_yticks(range(len(rows)), [f"g{g.index} {g.name} w{e.worker}" for g, e in rows])
    ax.tick_params(axis="y", labelsize=7)
    ax.set_ylim(len(rows) - 0.5, -0.5)  # first worker on top
    ax.set_xlim(left=0)
    ax.set_xlabel("seconds from the dispatch of the group's tasks")
    order = [st for st in _COLORS if st in counts] + [st for st in counts if st not in _COLORS]
    handles = [
        Patch(color=_COLORS.get(st, "tab:blue"), label=f"{st} ({counts[st]})") for st in order
    ]
    if any(g.time_to_R_s is not None for g in report.groups):
        handles.append(
            Line2D([], [], color="k", ls="--", lw=1, label="R-th result: decoding starts")
        )
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    pool = f"; pool start {report.pool_start_s:.2f} s before" if report.pool_start_s else ""
    ax.set_title(f"worker latency: {report.label} on {report.executor}{pool}", fontsize=10)
    if path is None:
        return ax
    if own:
        ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=100)
    return str(path)
