r"""Latency of coded and uncoded plans under a straggler model, by sampling (no sleeping).

Each run draws one latency per worker from the model (times ``work``, the relative
amount of computation per worker) and combines them:

* a coded group of w workers that needs any R of them finishes at the R-th order
  statistic :math:`L_{(R)}` of its w latencies;
* a plan of several groups finishes when its slowest group does (the maximum);
* uncoded computation of k products, each replicated r times, finishes at
  :math:`\max_{i \le k} \min_{j \le r} L_{ij}`.

For i.i.d. latencies with CDF F these have closed forms (:func:`exact_quantile`):
:math:`P(L_{(R)} \le t) = P(\mathrm{Bin}(w, F(t)) \ge R)`, and for replication
:math:`P(T \le t) = (1 - (1 - F(t))^r)^k`; a plan's CDF is the product of its groups'.

Example
-------
>>> from ffcc.run import ShiftedExponential, coded, simulate, uncoded
>>> res = simulate([uncoded(4), coded(9, 7, "MatDot")], ShiftedExponential(1.0, 2.0),
...                runs=2000, seed=0, progress=False)
>>> p = res.percentiles()
>>> p["MatDot"][50] < p["uncoded x1"][50]  # waiting for 7 of 9 beats waiting for all 4
True
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .._errors import ResourceError
from .._progress import Progress
from .._resources import check_memory
from ._errors import InputError, RunError
from ._faults import SlowWorkers, StragglerModel, parse_model

__all__ = [
    "LatencyConfig",
    "uncoded",
    "coded",
    "plan_config",
    "simulate",
    "SimulationResult",
    "exact_quantile",
    "plot_cdf",
    "parse_config",
]

PERCENTILES = (50, 95, 99)
MAX_DRAWS = 2 * 10**9  # latencies one simulate call may sample (tens of seconds)


@dataclass(frozen=True)
class LatencyConfig:
    """How a configuration finishes: ``kind`` is ``"coded"`` (groups of (w, R)) or
    ``"uncoded"`` (one entry (k, r): k products, r replicas each).

    ``work`` scales every latency (the relative amount of computation per worker). Build
    one with :func:`uncoded`, :func:`coded`, :func:`plan_config` or :func:`parse_config`.

    >>> from ffcc.run import plan_config
    >>> plan_config([(5, 4), (4, 3)])
    LatencyConfig(name='plan 4/5+3/4', kind='coded', groups=((5, 4), (4, 3)), work=1.0)
    """

    name: str
    kind: str
    groups: tuple
    work: float = 1.0

    @property
    def workers(self) -> int:
        """Workers used: k * r uncoded, the sum of the groups' w coded.

        >>> from ffcc.run import plan_config, uncoded
        >>> uncoded(4, 2).workers, plan_config([(5, 4), (4, 3)]).workers
        (8, 9)
        """
        if self.kind == "uncoded":
            k, r = self.groups[0]
            return k * r
        return sum(w for w, _ in self.groups)


def _pos(x, what) -> int:
    if isinstance(x, bool) or int(x) != x or int(x) < 1:
        raise InputError(f"{what} must be a positive integer, got {x!r}")
    return int(x)


def uncoded(k: int, replicas: int = 1, name: str | None = None, work: float = 1.0):
    r"""k products computed without coding, each on ``replicas`` workers.

    The run ends when every product has one finished replica:
    :math:`\max_{i \le k} \min_{j \le r} L_{ij}`.

    >>> from ffcc.run import uncoded
    >>> uncoded(4, 2)
    LatencyConfig(name='uncoded x2', kind='uncoded', groups=((4, 2),), work=1.0)
    """
    k, r = _pos(k, "k"), _pos(replicas, "replicas")
    return LatencyConfig(name or f"uncoded x{r}", "uncoded", ((k, r),), float(work))


def coded(w: int, R: int, name: str | None = None, work: float = 1.0):
    """One coded group: w workers, any R suffice (it ends at the R-th order statistic).

    >>> from ffcc.run import coded
    >>> coded(9, 7), coded(9, 7, "MatDot").name
    (LatencyConfig(name='coded 7/9', kind='coded', groups=((9, 7),), work=1.0), 'MatDot')
    """
    return plan_config([(w, R)], name or f"coded {R}/{w}", work)


def plan_config(groups: Sequence[tuple[int, int]], name: str | None = None, work: float = 1.0):
    """Several coded groups (w_g, R_g); the plan finishes with its slowest group.

    >>> from ffcc.run import plan_config
    >>> plan_config([(5, 4), (4, 3)], "plan").groups
    ((5, 4), (4, 3))
    """
    gs = []
    for w, R in groups:
        w, R = _pos(w, "w"), _pos(R, "R")
        if R > w:
            raise InputError(f"a group needs R <= w, got R = {R} > w = {w}")
        gs.append((w, R))
    if not gs:
        raise InputError("a plan needs at least one group")
    label = name or "plan " + "+".join(f"{R}/{w}" for w, R in gs)
    return LatencyConfig(label, "coded", tuple(gs), float(work))


def parse_config(spec: str) -> LatencyConfig:
    """``uncoded:K`` / ``uncoded:KxR``; ``NAME=W:R`` (coded); ``NAME=W1:R1+W2:R2`` (plan).

    The syntax of ``ffcc simulate --config``.

    >>> from ffcc.run import parse_config
    >>> parse_config("uncoded:4x2").workers, parse_config("MatDot=9:7").name
    (8, 'MatDot')
    >>> parse_config("plan=5:4+4:3").groups
    ((5, 4), (4, 3))
    """
    s = spec.strip()
    if s.lower().startswith("uncoded:"):
        body = s.split(":", 1)[1]
        k, _, r = body.partition("x")
        try:
            return uncoded(int(k), int(r) if r else 1)
        except ValueError:
            raise InputError(f"configuration {spec!r}: write uncoded:K or uncoded:KxR") from None
    name, eq, body = s.partition("=")
    if not eq:
        name, body = None, s
    try:
        groups = [tuple(int(v) for v in part.split(":")) for part in body.split("+")]
        if any(len(g) != 2 for g in groups):
            raise ValueError
    except ValueError:
        raise InputError(
            f"configuration {spec!r}: write NAME=W:R, NAME=W1:R1+W2:R2 or uncoded:KxR"
        ) from None
    return plan_config(groups, name)


def _draw(model: StragglerModel, runs: int, w: int, rng) -> np.ndarray:
    """(runs, w) latencies; a model of fixed slow workers slows the same workers each run."""
    if isinstance(model, SlowWorkers):
        return np.tile(model.sample(w, rng), (runs, 1))
    return model.sample(runs * w, rng).reshape(runs, w)


def _sample(cfg: LatencyConfig, model: StragglerModel, runs: int, rng) -> np.ndarray:
    if cfg.kind == "uncoded":
        k, r = cfg.groups[0]
        L = _draw(model, runs, k * r, rng).reshape(runs, k, r) * cfg.work
        return L.min(axis=2).max(axis=1)
    out = np.full(runs, -np.inf)
    for w, R in cfg.groups:
        L = _draw(model, runs, w, rng) * cfg.work
        out = np.maximum(out, np.partition(L, R - 1, axis=1)[:, R - 1])
    return out


@functools.lru_cache(maxsize=64)
def _log_comb(w: int, R: int) -> tuple[np.ndarray, np.ndarray]:
    i = np.arange(R, w + 1, dtype=np.float64)
    lg = np.array([math.lgamma(v + 1.0) for v in range(w + 1)])
    return i, lg[w] - lg[R:] - lg[w - R :: -1]


def _binom_tail(w: int, R: int, u: float) -> float:
    """P(Bin(w, u) >= R), summed in log space (C(w, i) overflows a float for w > 1000)."""
    if R <= 0 or u >= 1.0:
        return 1.0
    if u <= 0.0:
        return 0.0
    i, logc = _log_comb(w, R)
    logs = logc + i * math.log(u) + (w - i) * math.log1p(-u)
    top = float(logs.max())
    return min(1.0, math.exp(top) * float(np.exp(logs - top).sum()))


def _cdf_config(cfg: LatencyConfig, model, t: float) -> float:
    u = float(model.cdf(t / cfg.work))
    if cfg.kind == "uncoded":
        k, r = cfg.groups[0]
        return (1.0 - (1.0 - u) ** r) ** k
    return math.prod(_binom_tail(w, R, u) for w, R in cfg.groups)


def exact_quantile(cfg: LatencyConfig, model: StragglerModel, q: float) -> float | None:
    """The q-quantile of the configuration's latency for i.i.d. workers (None when the
    model has no closed-form CDF, e.g. a trace or a fixed set of slow workers).

    Bisection on the closed-form CDF of the module docstring.

    Example (delays 1 + Exp(1): the faster of 2 workers is 1 + Exp(2), whose 0.75-quantile
    is 1 + ln 4 / 2; all 3 of 3 finish by t with probability (1 - e^{1-t})^3):

    >>> import math
    >>> from ffcc.run import ShiftedExponential, coded, exact_quantile
    >>> m = ShiftedExponential(1.0, 1.0)
    >>> round(exact_quantile(coded(2, 1), m, 0.75), 9) == round(1 + math.log(4) / 2, 9)
    True
    >>> round(exact_quantile(coded(3, 3), m, 0.5), 9) == round(1 - math.log(1 - 0.5 ** (1 / 3)), 9)
    True
    """
    if not (hasattr(model, "cdf") and hasattr(model, "quantile")):
        return None
    lo, hi = float(model.quantile(0.0)) * cfg.work, float(model.quantile(0.5)) * cfg.work
    while _cdf_config(cfg, model, hi) < q:
        hi = 2 * hi + 1e-12
        if hi > 1e300:
            return math.inf
    for _ in range(200):  # bisection on a continuous, increasing CDF
        mid = 0.5 * (lo + hi)
        if _cdf_config(cfg, model, mid) < q:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


@dataclass
class SimulationResult:
    """Sampled latencies ``samples[name]`` (one per run) for every configuration.

    ``exact[name]`` holds the closed-form percentiles when the model has them.

    >>> from ffcc.run import ShiftedExponential, coded, simulate
    >>> res = simulate([coded(3, 2, "c")], ShiftedExponential(1.0, 1.0), runs=4, progress=False)
    >>> res.samples["c"].shape, round(res.exact["c"][50], 4)
    ((4,), 1.6931)
    >>> print(res.summary().splitlines()[0])
    latency over 4 runs, model ShiftedExponential(shift=1.0, rate=1.0) (seed 0)
    """

    model: str
    runs: int
    seed: int
    configs: list
    samples: dict
    exact: dict = field(default_factory=dict)  # name -> {percentile: closed form}

    def percentiles(self, qs: Sequence[float] = PERCENTILES) -> dict:
        """``{name: {q: sampled q-th percentile}}``, by default for q = 50, 95, 99."""
        return {
            name: {q: float(np.percentile(v, q)) for q in qs} for name, v in self.samples.items()
        }

    def to_dict(self) -> dict:
        """Model, runs, seed, configurations, sampled and closed-form percentiles, means."""
        return {
            "model": self.model,
            "runs": self.runs,
            "seed": self.seed,
            "configs": [
                {
                    "name": c.name,
                    "kind": c.kind,
                    "groups": [list(g) for g in c.groups],
                    "workers": c.workers,
                    "work": c.work,
                }
                for c in self.configs
            ],
            "percentiles": {
                n: {f"p{q}": v for q, v in d.items()} for n, d in self.percentiles().items()
            },
            "mean": {n: float(np.mean(v)) for n, v in self.samples.items()},
            "exact": {n: {f"p{q}": v for q, v in d.items()} for n, d in self.exact.items()},
        }

    def to_json(self, indent: int | None = None) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent)

    def summary(self) -> str:
        """The percentile table printed by ``ffcc simulate``, closed forms beneath."""
        pc = self.percentiles()
        width = max(12, *(len(c.name) for c in self.configs))
        head = f"{'configuration':<{width}} {'workers':>7} " + " ".join(
            f"{'p' + str(q):>9}" for q in PERCENTILES
        )
        L = [f"latency over {self.runs} runs, model {self.model} (seed {self.seed})", head]
        for c in self.configs:
            row = f"{c.name:<{width}} {c.workers:>7} " + " ".join(
                f"{pc[c.name][q]:>9.4g}" for q in PERCENTILES
            )
            L.append(row)
            ex = self.exact.get(c.name)
            if ex:
                L.append(
                    f"{'  closed form':<{width}} {'':>7} "
                    + " ".join(f"{ex[q]:>9.4g}" for q in PERCENTILES)
                )
        return "\n".join(L)


def simulate(
    configs: Sequence[LatencyConfig],
    model: StragglerModel | str | None,
    *,
    runs: int = 200,
    seed: int = 0,
    progress: bool | None = None,
    exact: bool = True,
) -> SimulationResult:
    """Sample the latency of each configuration ``runs`` times under ``model``.

    Each configuration draws its own workers' latencies from one seeded generator. With
    ``exact`` (default), the closed-form percentiles are added when the model has a CDF.
    ``model`` is a model or a :func:`parse_model` spec such as ``"exp:0.05,20"``; nothing
    sleeps. ``progress`` shows a bar (None: on a terminal, for long runs).

    >>> from ffcc.run import coded, simulate, uncoded
    >>> res = simulate([uncoded(4), coded(6, 4)], "exp:1,1", runs=500, seed=0, progress=False)
    >>> p = res.percentiles()
    >>> p["coded 4/6"][95] < p["uncoded x1"][95]  # 2 spare workers cut the tail
    True
    """
    model = parse_model(model)
    runs = _pos(runs, "runs")
    configs = list(configs)
    if not configs:
        raise InputError("simulate needs at least one configuration")
    names = [c.name for c in configs]
    if len(set(names)) != len(names):
        raise InputError(f"configuration names must differ: {names}")
    step = max(1, min(runs, 1000))
    widest = max(c.workers for c in configs)
    check_memory(
        step * widest * 8 * 3 + runs * len(configs) * 8,
        f"simulating {widest:,} workers x {step} runs per batch",
        fix="use fewer workers or --runs",
    )
    draws = runs * sum(c.workers for c in configs)
    if draws > MAX_DRAWS:
        raise ResourceError(
            f"simulate would draw {draws:,} latencies (limit {MAX_DRAWS:,}, minutes of work); "
            "use fewer workers or --runs"
        )
    rng = np.random.default_rng(seed)
    chunks = {c.name: [] for c in configs}
    with Progress(runs, "simulate", progress) as bar:
        done = 0
        while done < runs:
            n = min(step, runs - done)
            for c in configs:
                chunks[c.name].append(_sample(c, model, n, rng))
            done += n
            bar.update(n)
    samples = {k: np.concatenate(v) for k, v in chunks.items()}
    res = SimulationResult(model.describe(), runs, seed, configs, samples)
    if exact:
        for c in configs:
            vals = {q: exact_quantile(c, model, q / 100) for q in PERCENTILES}
            if all(v is not None for v in vals.values()):
                res.exact[c.name] = vals
    return res


def _readable_model(text: str) -> str:
    """A model's ``describe()`` text in words, e.g. ``ShiftedExponential(shift=0.05,
    rate=20.0)`` -> ``delay 0.05 s + Exp(rate 20 /s)``; unknown text is returned as is."""
    m = re.fullmatch(r"(\w+)\((.*)\)", text.strip())
    if m is None:
        return text
    name, body = m.groups()
    kw = dict(re.findall(r"(\w+)=(\([^)]*\)|[^,]+)", body))
    try:
        if name == "NoStragglers":
            return "no stragglers"
        if name == "ShiftedExponential":
            return f"delay {float(kw['shift']):g} s + Exp(rate {float(kw['rate']):g} /s)"
        if name == "Pareto":
            scale, shape = float(kw["scale"]), float(kw["shape"])
            return f"Pareto delay, P(delay > t) = ({scale:g} s / t)^{shape:g}"
        if name == "SlowWorkers":
            return f"workers {kw['workers']} wait {kw['delay']} s, the others {kw['base']} s"
        if name == "TraceReplay":
            return "measured trace: " + body
    except (KeyError, ValueError):
        pass
    return text


def plot_cdf(result: SimulationResult, path=None, *, ax=None):
    """Empirical latency CDF of every configuration, closed-form percentiles marked.

    One step curve per configuration: the fraction of the sampled runs finished by time t.
    Where the model has a closed form (:func:`exact_quantile`), circles in the curve's colour
    mark the exact p50, p95 and p99; a sampled curve should pass through them. Needs
    matplotlib; no pyplot, so no GUI backend is touched.

    Draws into ``ax`` if given, else into a new figure. Saves the figure to ``path`` if given
    and returns ``str(path)``; without ``path`` returns the axes.

    Example
    -------
    >>> from ffcc.run import ShiftedExponential, coded, plot_cdf, simulate, uncoded
    >>> res = simulate([uncoded(4), coded(9, 7, "MatDot")], ShiftedExponential(1.0, 2.0),
    ...                runs=200, seed=0, progress=False)
    >>> ax = plot_cdf(res)  # or plot_cdf(res, "cdf.png")
    >>> ax.get_title()
    'latency CDF over 200 runs; straggler model: delay 1 s + Exp(rate 2 /s)'
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['uncoded x1 (4 workers)', 'MatDot (9 workers)', 'closed form p50, p95, p99']
    """
    try:  # optional dependency (ffcc[plot])
        from matplotlib.figure import Figure
        from matplotlib.lines import Line2D
    except ImportError:
        raise RunError("plot_cdf needs matplotlib: pip install 'ffcc[plot]'") from None
    own = ax is None
    if own:
        ax = Figure(figsize=(7, 4.5)).subplots()
    for i, c in enumerate(result.configs):
        color = f"C{i % 10}"
        v = np.sort(result.samples[c.name])
        ax.step(
            v,
            np.arange(1, v.size + 1) / v.size,
            where="post",
            color=color,
            label=f"{c.name} ({c.workers} workers)",
        )
        ex = result.exact.get(c.name)
        if ex:
            qs = sorted(ex)
            ax.plot(
                [ex[q] for q in qs], [q / 100 for q in qs], ls="none", marker="o", mfc="none",
                mec=color, ms=7, mew=1.5,
            )  # fmt: skip
    handles, _ = ax.get_legend_handles_labels()
    if result.exact:
        qs = ", ".join(f"p{q}" for q in PERCENTILES)
        handles.append(
            Line2D([], [], ls="none", marker="o", mfc="none", mec="k", label=f"closed form {qs}")
        )
    ax.set_xlabel("latency (s)")
    ax.set_ylabel("fraction of runs finished")
    ax.set_title(
        f"latency CDF over {result.runs} runs; straggler model: {_readable_model(result.model)}",
        fontsize=10,
    )
    ax.grid(alpha=0.3)
    ax.legend(handles=handles, fontsize=8, loc="lower right")
    if path is None:
        return ax
    if own:
        ax.figure.tight_layout()
    ax.figure.savefig(path, dpi=100)
    return str(path)
