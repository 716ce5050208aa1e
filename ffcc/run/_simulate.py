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
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .._errors import ResourceError
from .._progress import Progress
from .._resources import check_memory
from ._errors import InputError
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
    ``"uncoded"`` (one entry (k, r): k products, r replicas each)."""

    name: str
    kind: str
    groups: tuple
    work: float = 1.0

    @property
    def workers(self) -> int:
        if self.kind == "uncoded":
            k, r = self.groups[0]
            return k * r
        return sum(w for w, _ in self.groups)


def _pos(x, what) -> int:
    if isinstance(x, bool) or int(x) != x or int(x) < 1:
        raise InputError(f"{what} must be a positive integer, got {x!r}")
    return int(x)


def uncoded(k: int, replicas: int = 1, name: str | None = None, work: float = 1.0):
    """k products computed without coding, each on ``replicas`` workers."""
    k, r = _pos(k, "k"), _pos(replicas, "replicas")
    return LatencyConfig(name or f"uncoded x{r}", "uncoded", ((k, r),), float(work))


def coded(w: int, R: int, name: str | None = None, work: float = 1.0):
    """One coded group: w workers, any R suffice."""
    return plan_config([(w, R)], name or f"coded {R}/{w}", work)


def plan_config(groups: Sequence[tuple[int, int]], name: str | None = None, work: float = 1.0):
    """Several coded groups (w_g, R_g); the plan finishes with its slowest group."""
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
    """``uncoded:K`` / ``uncoded:KxR``; ``NAME=W:R`` (coded); ``NAME=W1:R1+W2:R2`` (plan)."""
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
    model has no closed-form CDF, e.g. a trace or a fixed set of slow workers)."""
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
    """Sampled latencies ``samples[name]`` (one per run) for every configuration."""

    model: str
    runs: int
    seed: int
    configs: list
    samples: dict
    exact: dict = field(default_factory=dict)  # name -> {percentile: closed form}

    def percentiles(self, qs: Sequence[float] = PERCENTILES) -> dict:
        return {
            name: {q: float(np.percentile(v, q)) for q in qs} for name, v in self.samples.items()
        }

    def to_dict(self) -> dict:
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
        return json.dumps(self.to_dict(), indent=indent)

    def summary(self) -> str:
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


def plot_cdf(result: SimulationResult, path) -> str:
    """PNG of the empirical latency CDF of every configuration (matplotlib, Agg)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        from ._errors import RunError

        raise RunError("plot_cdf needs matplotlib: pip install 'ffcc[plot]'") from None
    fig, ax = plt.subplots(figsize=(6, 4))
    for c in result.configs:
        v = np.sort(result.samples[c.name])
        ax.step(
            v,
            np.arange(1, v.size + 1) / v.size,
            where="post",
            label=f"{c.name} ({c.workers} workers)",
        )
    ax.set_xlabel("latency (s)")
    ax.set_ylabel("fraction of runs finished")
    ax.set_title(f"{result.runs} runs, {result.model}", fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return str(path)
