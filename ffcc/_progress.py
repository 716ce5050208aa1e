"""A dependency-free progress bar on stderr, shown for long work only."""

from __future__ import annotations

import sys
import time


class Progress:
    """``with Progress(total, "verify") as bar: bar.update(n)``.

    Shown when ``enabled`` is True, or (``None``) when stderr is a terminal and the work
    has run for more than ``delay`` seconds. The bar shows the fraction done, the rate and
    the time left, redrawn at most five times a second.

    >>> from ffcc._progress import Progress
    >>> with Progress(10, "work", enabled=False) as bar:
    ...     for _ in range(5):
    ...         bar.update(2)
    >>> bar.done, bar.total
    (10, 10)
    """

    def __init__(self, total: int, label: str, enabled: bool | None = None, delay: float = 1.0):
        self.total = max(int(total), 1)
        self.label = label
        self.enabled = enabled
        self.delay = delay
        self.done = 0
        self.t0 = time.perf_counter()
        self._last = 0.0
        self._shown = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._shown:
            self._draw(final=True)
            sys.stderr.write("\n")
            sys.stderr.flush()

    def _visible(self, now: float) -> bool:
        if self.enabled is not None:
            return self.enabled
        return sys.stderr.isatty() and now - self.t0 > self.delay

    def update(self, n: int) -> None:
        """Count ``n`` more units of work done; redraw if shown and 0.2 s have passed."""
        self.done += int(n)
        now = time.perf_counter()
        if now - self._last > 0.2 and self._visible(now):
            self._last = now
            self._draw()

    def _draw(self, final: bool = False) -> None:
        self._shown = True
        frac = min(self.done / self.total, 1.0)
        el = time.perf_counter() - self.t0
        rate = self.done / el if el > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 and not final else 0.0
        bar = "#" * int(30 * frac) + "-" * (30 - int(30 * frac))
        sys.stderr.write(
            f"\r{self.label} [{bar}] {frac:6.1%} {self.done:,}/{self.total:,} "
            f"{rate:,.0f}/s eta {eta:,.0f}s "
        )
        sys.stderr.flush()
