r"""Straggler models (delays injected inside workers) and fault injection.

A straggler model draws one delay (seconds) per worker from a seeded
:class:`numpy.random.Generator`; the worker sleeps that long before computing. The same
models drive :func:`ffcc.run.simulate`, where nothing sleeps.

* :class:`NoStragglers`: every delay is 0.
* :class:`ShiftedExponential`: :math:`X = \text{shift} + E` with
  :math:`E \sim \mathrm{Exp}(\text{rate})`, so
  :math:`F(t) = 1 - e^{-\text{rate}(t - \text{shift})}` for :math:`t \ge \text{shift}`.
* :class:`Pareto`: heavy tail, :math:`F(t) = 1 - (\text{scale}/t)^{\text{shape}}` for
  :math:`t \ge \text{scale}` (infinite variance when shape :math:`\le 2`).
* :class:`SlowWorkers`: a fixed set of workers is slow by a fixed delay.
* :class:`TraceReplay`: replays measured latencies from a file, one per line.

Fault injection (:class:`Faults`) names workers that are killed mid-task (``os._exit`` in
the worker process), that raise, or that return a corrupted result (a random non-zero
matrix added: a Byzantine worker).

Example
-------
>>> import numpy as np
>>> from ffcc.run import ShiftedExponential, parse_model
>>> m = ShiftedExponential(shift=0.01, rate=100.0)
>>> d = m.sample(5, np.random.default_rng(0))
>>> bool((d >= 0.01).all()), d.shape
(True, (5,))
>>> parse_model("pareto:0.01,1.5")
Pareto(scale=0.01, shape=1.5)
>>> round(m.quantile(0.5), 6)  # shift + ln(2)/rate
0.016931
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._errors import InputError

__all__ = [
    "StragglerModel",
    "NoStragglers",
    "ShiftedExponential",
    "Pareto",
    "SlowWorkers",
    "TraceReplay",
    "parse_model",
    "Faults",
    "KILL",
    "RAISE",
    "CORRUPT",
]

KILL, RAISE, CORRUPT = "kill", "raise", "corrupt"


def _scalar(x, like):
    """Plain floats for scalar arguments, arrays otherwise."""
    return float(x) if np.ndim(like) == 0 else x


class StragglerModel:
    """Base class: ``sample(n, rng)`` returns n non-negative delays in seconds.

    Models with a closed form also give ``cdf(t)`` and ``quantile(q)``, which
    :func:`ffcc.run.exact_quantile` uses.

    Example (a model of one's own: every worker waits 0.1 s):

    >>> import numpy as np
    >>> from ffcc.run import StragglerModel, simulate, uncoded
    >>> class Fixed(StragglerModel):
    ...     def sample(self, n, rng):
    ...         return np.full(n, 0.1)
    >>> Fixed().sample(3, np.random.default_rng(0)).tolist()
    [0.1, 0.1, 0.1]
    >>> simulate([uncoded(2)], Fixed(), runs=5, progress=False).percentiles()["uncoded x1"][50]
    0.1
    """

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:  # pragma: no cover
        """n delays in seconds, drawn with ``rng`` (a :class:`numpy.random.Generator`)."""
        raise NotImplementedError

    def describe(self) -> str:
        """A one-line description for reports (the ``repr`` unless a model says better)."""
        return repr(self)

    def to_dict(self) -> dict:
        """The model's name and parameters, for JSON reports.

        >>> from ffcc.run import ShiftedExponential
        >>> ShiftedExponential(0.01, 100.0).to_dict()
        {'model': 'ShiftedExponential', 'shift': 0.01, 'rate': 100.0}
        """
        d = {"model": type(self).__name__}
        d.update({k: v for k, v in vars(self).items() if not k.startswith("_")})
        return d


@dataclass(frozen=True)
class NoStragglers(StragglerModel):
    """No delay at all: every worker finishes at time 0.

    >>> import numpy as np
    >>> from ffcc.run import NoStragglers
    >>> m = NoStragglers()
    >>> m.sample(3, np.random.default_rng(0)).tolist(), m.cdf(0.0), m.cdf(-1.0), m.quantile(0.99)
    ([0.0, 0.0, 0.0], 1.0, 0.0, 0.0)
    """

    def sample(self, n, rng):
        """n zeros."""
        return np.zeros(int(n))

    def cdf(self, t):
        """P(delay <= t): 1 for t >= 0, else 0 (scalar or array, like ``t``)."""
        return _scalar((np.asarray(t, dtype=float) >= 0).astype(float), t)

    def quantile(self, q):
        """0 for every q."""
        return _scalar(0.0 * np.asarray(q, dtype=float), q)


def _positive(x, name: str, allow_zero: bool = False) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {x!r}") from None
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        need = "non-negative" if allow_zero else "positive"
        raise InputError(f"{name} must be a finite {need} number, got {x!r}")
    return v


@dataclass(frozen=True)
class ShiftedExponential(StragglerModel):
    r"""Delay :math:`\text{shift} + \mathrm{Exp}(\text{rate})` (mean shift + 1/rate).

    :math:`F(t) = 1 - e^{-\text{rate}(t - \text{shift})}` for :math:`t \ge \text{shift}`, so
    the q-quantile is :math:`\text{shift} - \ln(1 - q)/\text{rate}`.

    >>> from ffcc.run import ShiftedExponential
    >>> m = ShiftedExponential(shift=0.01, rate=100.0)
    >>> m.cdf(0.01), round(m.cdf(0.02), 6)  # 1 - 1/e one mean past the shift
    (0.0, 0.632121)
    >>> round(m.quantile(0.9), 6)  # 0.01 + ln(10)/100
    0.033026
    """

    shift: float = 0.0
    rate: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "shift", _positive(self.shift, "shift", allow_zero=True))
        object.__setattr__(self, "rate", _positive(self.rate, "rate"))

    def sample(self, n, rng):
        """n delays ``shift + Exp(rate)``."""
        return self.shift + rng.exponential(1.0 / self.rate, int(n))

    def cdf(self, t):
        """P(delay <= t) (scalar or array, like ``t``)."""
        u = np.maximum(np.asarray(t, dtype=float) - self.shift, 0.0)
        return _scalar(-np.expm1(-self.rate * u), t)

    def quantile(self, q):
        """The q-quantile, ``shift - log(1 - q) / rate``."""
        return _scalar(self.shift - np.log1p(-np.asarray(q, dtype=float)) / self.rate, q)


@dataclass(frozen=True)
class Pareto(StragglerModel):
    r"""Heavy-tailed delay with :math:`P(X > t) = (\text{scale}/t)^{\text{shape}}`, t >= scale.

    >>> from ffcc.run import Pareto
    >>> m = Pareto(scale=0.01, shape=2.0)
    >>> m.cdf(0.02), m.quantile(0.75)  # 1 - (1/2)^2; scale * (1/4)^(-1/2)
    (0.75, 0.02)
    """

    scale: float = 0.01
    shape: float = 1.5

    def __post_init__(self):
        object.__setattr__(self, "scale", _positive(self.scale, "scale"))
        object.__setattr__(self, "shape", _positive(self.shape, "shape"))

    def sample(self, n, rng):
        """n delays, each at least ``scale``."""
        # numpy's pareto is the Lomax law: 1 + Lomax is the classical Pareto on [1, inf)
        return self.scale * (1.0 + rng.pareto(self.shape, int(n)))

    def cdf(self, t):
        """P(delay <= t) (scalar or array, like ``t``)."""
        u = np.maximum(np.asarray(t, dtype=float), self.scale)
        return _scalar(1.0 - (self.scale / u) ** self.shape, t)

    def quantile(self, q):
        """The q-quantile, ``scale * (1 - q) ** (-1 / shape)``."""
        return _scalar(self.scale * (1.0 - np.asarray(q, dtype=float)) ** (-1.0 / self.shape), q)


@dataclass(frozen=True)
class SlowWorkers(StragglerModel):
    """Workers in ``workers`` wait ``delay`` seconds, the others ``base`` seconds.

    >>> import numpy as np
    >>> from ffcc.run import SlowWorkers
    >>> SlowWorkers((1, 3), delay=2.0, base=0.1).sample(5, np.random.default_rng(0)).tolist()
    [0.1, 2.0, 0.1, 2.0, 0.1]
    """

    workers: tuple[int, ...] = ()
    delay: float = 1.0
    base: float = 0.0

    def __post_init__(self):
        ws = tuple(sorted({int(j) for j in self.workers}))
        if any(j < 0 for j in ws):
            raise InputError(f"slow worker indices must be >= 0, got {list(ws)}")
        object.__setattr__(self, "workers", ws)
        object.__setattr__(self, "delay", _positive(self.delay, "delay", allow_zero=True))
        object.__setattr__(self, "base", _positive(self.base, "base", allow_zero=True))

    def sample(self, n, rng):
        """The delays of workers 0..n-1 (``rng`` is not used: nothing is random)."""
        out = np.full(int(n), self.base)
        idx = [j for j in self.workers if j < n]
        out[idx] = self.delay
        return out


@dataclass
class TraceReplay(StragglerModel):
    """Replay measured latencies in order (cycling), or draw from them with ``shuffle``.

    ``TraceReplay.from_file(path)`` reads one non-negative number per line; blank lines
    and ``#`` comments are skipped; anything else is an :class:`InputError` naming the
    line.

    >>> from ffcc.run import TraceReplay
    >>> t = TraceReplay([0.5, 0.25, 1.0])
    >>> t.sample(2, None).tolist(), t.sample(2, None).tolist()  # in order, cycling
    ([0.5, 0.25], [1.0, 0.5])
    >>> t.describe()
    'TraceReplay(3 delays, replayed in order)'
    """

    delays: Sequence[float]
    shuffle: bool = False
    source: str = ""
    _cursor: int = field(default=0, repr=False)

    def __post_init__(self):
        d = np.asarray(self.delays, dtype=float).ravel()
        if d.size == 0:
            raise InputError("a latency trace needs at least one delay")
        if not np.isfinite(d).all() or (d < 0).any():
            raise InputError("latency trace delays must be finite and non-negative")
        self.delays = d

    @classmethod
    def from_file(cls, path, shuffle: bool = False) -> TraceReplay:
        r"""Read one delay (seconds) per line; ``#`` starts a comment.

        >>> import pathlib, tempfile
        >>> from ffcc.run import TraceReplay
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "trace.txt"
        >>> _ = path.write_text("0.5\n# measured on node 3\n0.25\n\n1.0\n")
        >>> TraceReplay.from_file(path).delays.tolist()
        [0.5, 0.25, 1.0]
        """
        try:
            text = Path(path).read_text()
        except OSError as e:
            raise InputError(f"cannot read latency trace {path}: {e.strerror}") from None
        vals = []
        for n, line in enumerate(text.splitlines(), 1):
            s = line.split("#", 1)[0].strip()
            if not s:
                continue
            try:
                v = float(s)
            except ValueError:
                raise InputError(
                    f"latency trace {path}, line {n}: {line.strip()!r} is not a number "
                    "(expected one delay in seconds per line)"
                ) from None
            if not math.isfinite(v) or v < 0:
                raise InputError(
                    f"latency trace {path}, line {n}: {v} is not a finite non-negative delay"
                )
            vals.append(v)
        if not vals:
            raise InputError(f"latency trace {path} holds no delays")
        return cls(vals, shuffle=shuffle, source=str(path))

    def sample(self, n, rng):
        """The next n delays of the trace (cycling), or n drawn from it with ``shuffle``."""
        n = int(n)
        if self.shuffle:
            return rng.choice(self.delays, size=n, replace=True)
        idx = (self._cursor + np.arange(n)) % self.delays.size
        self._cursor = int((self._cursor + n) % self.delays.size)
        return self.delays[idx]

    def describe(self) -> str:
        """How many delays, from where, and how they are used."""
        src = f" from {self.source}" if self.source else ""
        how = "resampled" if self.shuffle else "replayed in order"
        return f"TraceReplay({self.delays.size} delays{src}, {how})"

    def to_dict(self) -> dict:
        """The trace's source and size for JSON reports (not the delays themselves)."""
        return {
            "model": "TraceReplay",
            "source": self.source,
            "n": int(self.delays.size),
            "shuffle": self.shuffle,
        }


def _floats(text: str, n: int, spec: str) -> list[float]:
    parts = [p for p in text.split(",") if p.strip()]
    if len(parts) != n:
        raise InputError(f"straggler model {spec!r}: expected {n} comma-separated numbers")
    try:
        return [float(p) for p in parts]
    except ValueError:
        raise InputError(f"straggler model {spec!r}: {text!r} holds a non-number") from None


def parse_model(spec: str | StragglerModel | None) -> StragglerModel:
    """A straggler model from a short spec (as used by the command line).

    ``none``; ``exp:SHIFT,RATE``; ``pareto:SCALE,SHAPE``; ``slow:J1,J2,...@DELAY``;
    ``trace:PATH`` (in order) or ``trace-shuffle:PATH`` (resampled). A model is returned as
    is and ``None`` means no stragglers.

    >>> from ffcc.run import parse_model
    >>> parse_model("exp:0.05,20")
    ShiftedExponential(shift=0.05, rate=20.0)
    >>> parse_model("slow:1,3@2"), parse_model(None)
    (SlowWorkers(workers=(1, 3), delay=2.0, base=0.0), NoStragglers())
    """
    if spec is None:
        return NoStragglers()
    if isinstance(spec, StragglerModel):
        return spec
    s = str(spec).strip()
    kind, _, rest = s.partition(":")
    kind = kind.lower()
    if kind in ("none", ""):
        return NoStragglers()
    if kind in ("exp", "shifted-exp", "shiftedexp"):
        shift, rate = _floats(rest, 2, s)
        return ShiftedExponential(shift, rate)
    if kind == "pareto":
        scale, shape = _floats(rest, 2, s)
        return Pareto(scale, shape)
    if kind == "slow":
        who, at, delay = rest.partition("@")
        if not at:
            raise InputError(f"straggler model {s!r}: write slow:J1,J2,...@DELAY")
        try:
            ws = [int(x) for x in who.split(",") if x.strip()]
        except ValueError:
            raise InputError(f"straggler model {s!r}: worker indices must be integers") from None
        if not ws:
            raise InputError(f"straggler model {s!r}: name the slow workers, e.g. slow:0,3@2.5")
        return SlowWorkers(tuple(ws), _floats(delay, 1, s)[0])
    if kind in ("trace", "trace-shuffle"):
        if not rest:
            raise InputError(f"straggler model {s!r}: write trace:PATH")
        return TraceReplay.from_file(rest, shuffle=kind == "trace-shuffle")
    raise InputError(
        f"unknown straggler model {s!r}; use none, exp:SHIFT,RATE, pareto:SCALE,SHAPE, "
        "slow:J1,J2@DELAY or trace:PATH"
    )


def _worker_set(items, name: str) -> frozenset:
    out = set()
    for it in items or ():
        if isinstance(it, (tuple, list)):
            if len(it) != 2:
                raise InputError(f"{name}: entries are worker j or (group g, worker j), got {it!r}")
            g, j = int(it[0]), int(it[1])
            if g < 0 or j < 0:
                raise InputError(f"{name}: indices must be >= 0, got {it!r}")
            out.add((g, j))
        else:
            j = int(it)
            if j < 0:
                raise InputError(f"{name}: worker indices must be >= 0, got {it!r}")
            out.add(j)
    return frozenset(out)


@dataclass(frozen=True)
class Faults:
    """Workers to kill, to make raise, or to corrupt (Byzantine).

    Entries are a worker index j (applies in every group of the plan) or a pair
    ``(g, j)`` (worker j of group g only). A fault applies to every attempt of that
    worker, so a killed worker that the pool resubmits dies again.

    >>> from ffcc.run import Faults
    >>> f = Faults(kill=[1], corrupt=[(0, 3)])  # worker 1 everywhere, worker 3 of group 0
    >>> f.for_group(0, 5), f.for_group(1, 5)
    ([None, 'kill', None, 'corrupt', None], [None, 'kill', None, None, None])
    >>> f.to_dict(), bool(Faults())
    ({'kill': [1], 'raise': [], 'corrupt': [[0, 3]]}, False)
    """

    kill: Iterable = ()
    raises: Iterable = ()
    corrupt: Iterable = ()

    def __post_init__(self):
        sets = {}
        for name in ("kill", "raises", "corrupt"):
            sets[name] = _worker_set(getattr(self, name), name)
            object.__setattr__(self, name, sets[name])
        names = list(sets)
        for a in range(3):
            for b in range(a + 1, 3):
                both = sets[names[a]] & sets[names[b]]
                if both:
                    raise InputError(
                        f"workers {sorted(both, key=str)} are in both {names[a]} and {names[b]}"
                    )

    @classmethod
    def parse(cls, kill: str | None = None, raises: str | None = None, corrupt: str | None = None):
        """From comma lists such as ``"1,3"`` or ``"0:2"`` (group 0, worker 2).

        >>> from ffcc.run import Faults
        >>> Faults.parse(kill="1,3", raises="0:2") == Faults(kill=[1, 3], raises=[(0, 2)])
        True
        """

        def items(text):
            out = []
            for tok in (text or "").split(","):
                tok = tok.strip()
                if not tok:
                    continue
                try:
                    if ":" in tok:
                        g, j = tok.split(":")
                        out.append((int(g), int(j)))
                    else:
                        out.append(int(tok))
                except ValueError:
                    raise InputError(
                        f"fault list {text!r}: {tok!r} is not a worker j or group:worker"
                    ) from None
            return out

        return cls(items(kill), items(raises), items(corrupt))

    def __bool__(self) -> bool:
        return bool(self.kill or self.raises or self.corrupt)

    def for_group(self, g: int, w: int) -> list[str | None]:
        """The fault of each of the w workers of group g (None, KILL, RAISE or CORRUPT)."""
        out: list[str | None] = [None] * w
        for kind, items in ((KILL, self.kill), (RAISE, self.raises), (CORRUPT, self.corrupt)):
            for it in items:
                j = it[1] if isinstance(it, tuple) else it
                if isinstance(it, tuple) and it[0] != g:
                    continue
                if j < w:
                    out[j] = kind
        return out

    def to_dict(self) -> dict:
        """The three worker lists for JSON (``(g, j)`` pairs as ``[g, j]``)."""

        def lst(s):
            return sorted((list(x) if isinstance(x, tuple) else x for x in s), key=str)

        return {"kill": lst(self.kill), "raise": lst(self.raises), "corrupt": lst(self.corrupt)}


def check_indices(faults: Faults | None, model: StragglerModel | None, widths) -> None:
    """Refuse fault or slow-worker indices that name no worker: a plain index j must be
    below the largest group's w, a pair (g, j) needs group g and j below its w.

    >>> check_indices(Faults(kill=[4], corrupt=[(1, 3)]), None, [5, 4])  # all exist
    >>> check_indices(Faults(kill=[(1, 4)]), None, [5, 4])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ffcc._errors.InputError: --kill 1:4: the plan has 2 groups and group 1 has 4 workers; ...
    """
    widths = [int(w) for w in widths]
    top = max(widths, default=0)
    named = []
    if faults:
        for flag, items in (("--kill", faults.kill), ("--raise", faults.raises),
                            ("--corrupt", faults.corrupt)):  # fmt: skip
            named += [(flag, it) for it in items]
    if isinstance(model, SlowWorkers):
        named += [("--model slow", j) for j in model.workers]
    for flag, it in sorted(named, key=str):
        if isinstance(it, tuple):
            g, j = it
            if g >= len(widths) or j >= widths[g]:
                raise InputError(
                    f"{flag} {g}:{j}: the plan has {len(widths)} groups"
                    + (f" and group {g} has {widths[g]} workers" if g < len(widths) else "")
                    + "; name an existing group:worker"
                )
        elif it >= top:
            raise InputError(
                f"{flag} {it}: there are only {top} workers (0..{top - 1}); name one of them"
            )
