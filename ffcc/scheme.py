r"""The multilinear scheme model and its file format.

A *multilinear scheme* computes targets of a d-linear map f (d = 2 is matrix
multiplication) over GF(p) with w workers:

* coordinate c has a basis of :math:`\lambda_c` inputs :math:`X_{c,1},\dots,X_{c,\lambda_c}`;
* worker j receives, for every coordinate, the coded input
  :math:`\tilde X_{j,c} = \sum_l e_{j,c}[l] X_{c,l}` and returns
  :math:`f(\tilde X_{j,1},\dots,\tilde X_{j,d})`;
* target t is a sparse d-way tensor :math:`T_t` asking for
  :math:`\sum T_t[l_1,\dots,l_d] f(X_{1,l_1},\dots,X_{d,l_d})`.

Because f is multilinear, worker j returns :math:`\sum_{l} (e_{j,1}\otimes\cdots\otimes
e_{j,d})[l]\, f(X_{1,l_1},\dots)`, so a set S of workers determines target t exactly when
:math:`T_t \in \mathrm{span}\{e_{j,1}\otimes\cdots\otimes e_{j,d} : j \in S\}` (for
generic inputs). The scheme *holds* when every subset of :math:`R = w - s - 2b` workers
determines every target.

A file is JSON (see ``docs/scheme-format.md`` and ``docs/ffcc-scheme-2.schema.json``)::

    {"format": "ffcc-scheme/2", "name": ..., "field": p, "stragglers": s, "byzantine": b,
     "product": "XY", "basis": [l1, ..., ld], "workers": [[[e_j1...], ..., [e_jd...]], ...],
     "targets": [[[l1, ..., ld, coeff], ...], ...], "params": {...}}

plus the optional keys ``random`` (mask inputs, for secrecy), ``secrecy``, ``nodes``,
``assemble`` and ``extensions``; a worker may be ``{"outputs": [...]}`` when it returns
several products. ``load`` also reads ``ffcc-scheme/1`` files.

Example
-------
>>> import numpy as np
>>> from ffcc.scheme import Scheme
>>> # two workers both compute X1*Y1; either one suffices (s = 1)
>>> S = Scheme(7, basis=[1, 1], encoders=[[[1], [1]], [[1], [2]]],
...            targets=[[((0, 0), 1)]], stragglers=1)
>>> S.R, S.w
(1, 2)
>>> S.decoder([1]).tolist()  # worker 1 returns 2*X1*Y1, so target = 4 * result (2*4 = 8 = 1)
[[4]]
"""

from __future__ import annotations

import difflib
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ._errors import FailureError, InputError
from ._json import parse_json
from .field import FieldError, PrimeField, check_prime

__all__ = ["Scheme", "SchemeError", "DecodingError", "FORMAT", "FORMATS", "Layout", "load", "loads"]

FORMAT = "ffcc-scheme/2"
FORMATS = ("ffcc-scheme/1", FORMAT)  # what load reads; save writes FORMAT
LAYOUTS = ("XY", "XYt", "XtY")


class SchemeError(InputError):
    """A scheme (or scheme file) that is malformed or inconsistent."""


class DecodingError(FailureError, ArithmeticError):
    """The workers given do not determine the requested targets."""


Term = tuple[tuple[int, ...], int]


@dataclass(frozen=True, eq=False)
class Reduced:
    """Coordinates of worker and target tensors in a basis of the workers' span.

    ``G[j]`` are worker j's coordinates, ``T[t]`` target t's; ``outside`` lists targets
    not in the span of all workers (never decodable).
    """

    G: np.ndarray
    T: np.ndarray
    outside: tuple[int, ...]


def _default_product(F: PrimeField, xs: Sequence[np.ndarray]) -> np.ndarray:
    out = xs[0]
    for x in xs[1:]:
        out = F.matmul(out, x)
    return out


@dataclass(frozen=True)
class Layout:
    """A named bilinear product for d = 2: ``"XY"`` (X Y), ``"XYt"`` (X Y^T) or ``"XtY"``
    (X^T Y). Unlike a Python function it is written to scheme files (key ``product``).

    >>> from ffcc.field import PrimeField
    >>> F = PrimeField(7)
    >>> Layout("XYt")(F, [np.array([[1, 2]]), np.array([[3, 4]])]).tolist()  # 1*3 + 2*4
    [[4]]
    """

    name: str

    def __post_init__(self):
        if self.name not in LAYOUTS:
            raise SchemeError(f"product layout must be one of {LAYOUTS}, got {self.name!r}")

    def __call__(self, F: PrimeField, xs: Sequence[np.ndarray]) -> np.ndarray:
        if len(xs) != 2:
            raise SchemeError(f"product layout {self.name!r} takes 2 inputs, got {len(xs)}")
        X, Y = (np.asarray(x) for x in xs)
        if self.name == "XYt":
            Y = np.ascontiguousarray(Y.T)
        elif self.name == "XtY":
            X = np.ascontiguousarray(X.T)
        return F.matmul(X, Y)


@dataclass(eq=False)
class Scheme:
    """A linear coded computation of targets of a d-linear map over GF(p).

    Worker j receives, for each coordinate c, the coded input :math:`\\tilde X_{j,c} =
    \\sum_l e_{j,c}[l] X_{c,l}` and returns :math:`f(\\tilde X_{j,1},\\dots,\\tilde X_{j,d})`;
    by multilinearity that is :math:`\\sum_l (e_{j,1}\\otimes\\cdots\\otimes e_{j,d})[l]\\,
    f(X_{1,l_1},\\dots,X_{d,l_d})`. A set S of workers determines target t iff its tensor
    :math:`T_t` lies in the span of :math:`\\{e_{j,1}\\otimes\\cdots\\otimes e_{j,d}\\}_{j\\in S}`
    (:meth:`decodes`, :meth:`decoder`); the scheme *holds* when every subset of
    :math:`R = w - s - 2b` workers determines every target (:func:`ffcc.verify.verify`
    checks every one). MatDot, Lagrange, polynomial and locality codes
    (:mod:`ffcc.codes`) are all instances; compression-informed codes (Rudow,
    Charalambides, Hero, Rashmi, "Compression-Informed Coded Computing", Sections II-B and
    IV) exploit linear dependencies among the products to need fewer workers than the
    :math:`w_{k,s} = 2k - 1 + s` of a code that ignores them.

    Parameters
    ----------
    field:
        The prime p (or a :class:`~ffcc.field.PrimeField`).
    basis:
        :math:`(\\lambda_1,\\dots,\\lambda_d)`, the number of basis inputs per coordinate.
    encoders:
        ``encoders[j][c]`` is worker j's length-:math:`\\lambda_c` coefficient vector for
        coordinate c (anything array-like of shape (w, ...) per the file layout).
    targets:
        ``targets[t]`` is a list of terms ``((l_1, ..., l_d), coeff)`` (0-based indices).
    stragglers, byzantine:
        s and b; the recovery threshold asked of the scheme is R = w - s - 2b.
    product:
        The d-linear map each worker applies to its coded inputs; the default chains
        matrix products, so d = 2 is matrix multiplication. ``"XY"``, ``"XYt"`` or
        ``"XtY"`` name a layout (a :class:`Layout`, stored in files); a Python function
        cannot be saved.
    random:
        ``random[c]``: the basis indices of coordinate c that hold uniformly random masks
        (no target may use them); see :func:`ffcc.verify.verify_secrecy`.
    outputs:
        Products per worker when a worker returns several: ``encoders`` then lists
        ``sum(outputs)`` products, worker by worker. A worker fails or lies as a unit: w,
        R, s and b count workers; ``E`` and :meth:`worker_tensors` have a row per product.
    nodes:
        Optional evaluation points, one per worker (kept for structured decoders).
    assembly:
        Optional grid of target indices: how decoded targets form the output's blocks
        (file key ``assemble``); see :meth:`assemble_targets`.
    secrecy:
        X: the scheme claims that any X colluding workers learn nothing about the data.
    extensions:
        Free-form data, written to files unchanged.

    Example
    -------
    MatDot with m = 2 over GF(7): :math:`A = [A_0\\ A_1]`, :math:`B = [B_0; B_1]`, worker j
    at node x gets :math:`A_0 + x A_1` and :math:`x B_0 + B_1` and returns a polynomial of
    degree 2 whose middle coefficient is the target :math:`A B = A_0 B_0 + A_1 B_1`; any 3 of
    its 4 workers (s = 1) interpolate it.

    >>> import numpy as np
    >>> S = Scheme(7, [2, 2], [[[1, x], [x, 1]] for x in (1, 2, 3, 4)],
    ...            [[((0, 0), 1), ((1, 1), 1)]], stragglers=1, name="matdot-2")
    >>> S
    Scheme('matdot-2', p=7, basis=[2, 2], w=4, targets=1, s=1, b=0)
    >>> S.R, S.decodes([0, 2, 3]), S.decodes([1, 3])
    (3, True, False)
    >>> A, B = np.array([[1, 2]]), np.array([[3], [4]])  # A B = 1*3 + 2*4 = 11 = 4 mod 7
    >>> coded = S.encode([[A[:, :1], A[:, 1:]], [B[:1], B[1:]]])
    >>> results = {j: S.compute(coded[j]) for j in (0, 2, 3)}  # worker 1 straggles
    >>> S.decode(results)[0].tolist()
    [[4]]
    >>> from ffcc.verify import verify
    >>> verify(S, progress=False).holds  # all C(4, 3) = 4 subsets
    True
    """

    field: PrimeField | int
    basis: Sequence[int]
    encoders: Sequence
    targets: Sequence[Sequence[Term]]
    stragglers: int = 0
    byzantine: int = 0
    name: str = "scheme"
    params: dict = field(default_factory=dict)
    product: Callable | str | None = None
    random: Sequence[Sequence[int]] = ()
    outputs: Sequence[int] | None = None
    nodes: Sequence[int] | None = None
    assembly: Sequence[Sequence[int]] | None = None
    secrecy: int = 0
    extensions: dict = field(default_factory=dict)
    # True when decoding reads every result it uses through a pass that rejects entries
    # outside [0, p) (ffcc._combine.combine), so decode() skips its own range pass
    _checks_range = False

    def __post_init__(self):
        if not isinstance(self.field, PrimeField):
            self.field = PrimeField(self.field)
        F = self.field
        self.basis = tuple(int(x) for x in self.basis)
        if not self.basis or any(x < 1 for x in self.basis):
            raise SchemeError(f"basis sizes must be positive integers, got {list(self.basis)}")
        d = len(self.basis)
        enc = [[np.asarray(e, dtype=object).ravel() for e in worker] for worker in self.encoders]
        if not enc:
            raise SchemeError("a scheme needs at least one worker")
        cols = []
        for c in range(d):
            rows = []
            for j, worker in enumerate(enc):
                if len(worker) != d:
                    raise SchemeError(f"workers[{j}] has {len(worker)} coordinates, expected {d}")
                if worker[c].size != self.basis[c]:
                    raise SchemeError(
                        f"workers[{j}][{c}] has length {worker[c].size}, expected "
                        f"basis[{c}] = {self.basis[c]}"
                    )
                rows.append(worker[c])
            try:
                cols.append(F.array(np.array(rows, dtype=object), f"workers[:][{c}]"))
            except FieldError as e:
                raise SchemeError(str(e)) from None
        self.E = tuple(np.ascontiguousarray(c) for c in cols)
        self._check_outputs()
        self.targets = tuple(self._check_target(t, i) for i, t in enumerate(self.targets))
        if not self.targets:
            raise SchemeError("a scheme needs at least one target")
        self.stragglers = int(self.stragglers)
        self.byzantine = int(self.byzantine)
        if self.stragglers < 0 or self.byzantine < 0:
            raise SchemeError("stragglers and byzantine must be non-negative")
        if self.R < 1:
            raise SchemeError(
                f"s + 2b = {self.stragglers + 2 * self.byzantine} leaves no worker of w = "
                f"{self.w}; need s + 2b < w (add workers or tolerate fewer faults)"
            )
        self._check_extras()
        self._decoders: dict[tuple[int, ...], np.ndarray] = {}

    def _check_outputs(self) -> None:
        rows = self.E[0].shape[0]
        if self.outputs is None:
            return
        outs = tuple(int(n) for n in self.outputs)
        if not outs or min(outs) < 1:
            raise SchemeError(f"outputs must be positive product counts, got {list(outs)}")
        if sum(outs) != rows:
            raise SchemeError(f"outputs {list(outs)} sum to {sum(outs)}, but {rows} products given")
        self.outputs = None if max(outs) == 1 else outs  # one product each: the plain model

    def _check_extras(self) -> None:
        """Normalise and check product, random, nodes, assembly, secrecy, extensions."""
        F, d = self.field, self.d
        if isinstance(self.product, str):
            lay = Layout(self.product)
            if d != 2 and lay.name != "XY":
                raise SchemeError(f"product layout {lay.name!r} needs d = 2 coordinates, not {d}")
            self.product = None if lay.name == "XY" else lay
        rnd = [tuple(int(i) for i in r) for r in self.random] if self.random else [()] * d
        if len(rnd) != d:
            raise SchemeError(f"random needs one index list per coordinate ({d}), got {len(rnd)}")
        for c, r in enumerate(rnd):
            if len(set(r)) != len(r) or any(not 0 <= i < self.basis[c] for i in r):
                raise SchemeError(
                    f"random[{c}] = {list(r)} must hold distinct indices in [0, {self.basis[c]})"
                )
        for t, terms in enumerate(self.targets):
            for n, (idx, _) in enumerate(terms):
                for c, i in enumerate(idx):
                    if i in rnd[c]:
                        raise SchemeError(
                            f"targets[{t}][{n}] uses basis input {i} of coordinate {c}, which "
                            "random declares a mask; targets may use data inputs only"
                        )
        self.random = tuple(tuple(sorted(r)) for r in rnd)
        if self.nodes is not None:
            x = [int(v) for v in np.asarray(self.nodes, dtype=object).ravel()]
            if len(x) != self.w:
                raise SchemeError(f"nodes has {len(x)} points for w = {self.w} workers")
            if any(not 0 <= v < F.p for v in x):
                raise SchemeError(f"nodes must be field elements in [0, {F.p})")
            self.nodes = tuple(x)
        if self.assembly is not None:
            grid = [[int(t) for t in row] for row in self.assembly]
            if not grid or not grid[0] or any(len(row) != len(grid[0]) for row in grid):
                raise SchemeError("assemble grid must be a non-empty rectangle of target indices")
            bad = [t for row in grid for t in row if not 0 <= t < len(self.targets)]
            if bad:
                raise SchemeError(
                    f"assemble grid names target {bad[0]}, not in [0, {len(self.targets)})"
                )
            self.assembly = tuple(tuple(row) for row in grid)
        self.secrecy = int(self.secrecy)
        if not 0 <= self.secrecy < self.w:
            raise SchemeError(f"secrecy X = {self.secrecy} must lie in [0, w = {self.w})")
        if not isinstance(self.extensions, dict):
            raise SchemeError("extensions must be a dict (free-form data)")

    @property
    def products(self) -> int:
        """Number of coded products (rows of ``E``): w unless workers return several."""
        return self.E[0].shape[0]

    def output_rows(self, workers: Sequence[int]) -> list[int]:
        """The product rows of these workers, worker by worker (rows = workers when every
        worker returns one product)."""
        if self.outputs is None:
            return [int(j) for j in workers]
        start = np.concatenate([[0], np.cumsum(self.outputs)])
        return [r for j in workers for r in range(int(start[j]), int(start[j + 1]))]

    def assemble_targets(self, targets: Sequence[np.ndarray]) -> np.ndarray:
        """The output matrix from decoded targets, laid out by the ``assemble`` grid."""
        if self.assembly is None:
            raise SchemeError(f"scheme {self.name!r} declares no assemble grid")
        if len(targets) != len(self.targets):
            raise SchemeError(f"expected {len(self.targets)} targets, got {len(targets)}")
        return np.block([[np.asarray(targets[t]) for t in row] for row in self.assembly])

    def decode_outputs(self, results: Mapping[int, Sequence[np.ndarray]]) -> list[np.ndarray]:
        """Targets from workers that return several products: ``results[j]`` lists worker
        j's products in order (erasures only; every worker given is used).

        >>> S = Scheme(7, [2, 1], [[[1, 0], [1]], [[0, 1], [1]], [[1, 1], [1]]],
        ...            [[((0, 0), 1)], [((1, 0), 1)]], outputs=[2, 1], stragglers=1)
        >>> [int(t[0]) for t in S.decode_outputs({1: [np.array([5])]})]  # X1 + X2 alone
        Traceback (most recent call last):
        ...
        ffcc.scheme.DecodingError: workers [1] do not determine target 0
        >>> [int(t[0]) for t in S.decode_outputs({0: [np.array([2]), np.array([3])]})]
        [2, 3]
        """
        if not results:
            raise DecodingError("no worker results to decode")
        ws = sorted(int(j) for j in results)
        D = self.decoder(ws)
        blocks = []
        for j in ws:
            got, want = list(results[j]), len(self.output_rows([j]))
            if len(got) != want:
                raise DecodingError(f"worker {j} returns {want} products, got {len(got)}")
            blocks += got
        shapes = {np.shape(b) for b in blocks}
        if len(shapes) != 1:
            raise DecodingError(f"worker results differ in shape: {sorted(shapes)}")
        shape = shapes.pop()
        Y = np.stack([np.asarray(b, dtype=np.int64).reshape(-1) for b in blocks])
        out = self.field.matmul(D, Y)
        return [out[t].reshape(shape) for t in range(out.shape[0])]

    def decode_blocks(self, results: Mapping) -> np.ndarray:
        """The output matrix: :meth:`decode` (or :meth:`decode_outputs` when workers return
        several products) laid out by the ``assemble`` grid."""
        targets = self.decode(results) if self.outputs is None else self.decode_outputs(results)
        return self.assemble_targets(targets)

    def _check_target(self, terms, t) -> tuple[Term, ...]:
        out = []
        for n, term in enumerate(terms):
            idx, coeff = term
            idx = tuple(int(i) for i in idx)
            if len(idx) != self.d:
                raise SchemeError(f"targets[{t}][{n}] has {len(idx)} indices, expected {self.d}")
            for c, i in enumerate(idx):
                if not 0 <= i < self.basis[c]:
                    raise SchemeError(
                        f"targets[{t}][{n}] index {i} for coordinate {c} is outside "
                        f"[0, {self.basis[c]})"
                    )
            coeff = int(coeff)
            if not 0 <= coeff < self.field.p:
                raise SchemeError(
                    f"targets[{t}][{n}] coefficient {coeff} is outside [0, {self.field.p})"
                )
            out.append((idx, coeff))
        return tuple(out)

    # -- shape ------------------------------------------------------------------------
    @property
    def d(self) -> int:
        """Coordinates of the multilinear map (inputs per product): 2 for matrix products.

        >>> Scheme(7, [2, 3], [[[1, 0], [1, 0, 0]]], [[((0, 0), 1)]]).d
        2
        """
        return len(self.basis)

    @property
    def w(self) -> int:
        """Number of workers (products, unless workers return several: see ``outputs``).

        >>> Scheme(7, [1, 1], [[[1], [1]], [[1], [2]]], [[((0, 0), 1)]], stragglers=1).w
        2
        """
        return self.E[0].shape[0] if self.outputs is None else len(self.outputs)

    @property
    def R(self) -> int:
        """Workers every decoding may rely on: w - s - 2b."""
        return self.w - self.stragglers - 2 * self.byzantine

    @property
    def p(self) -> int:
        """The prime p of the field GF(p) the scheme computes in (``self.field.p``).

        >>> Scheme(65537, [1, 1], [[[1], [1]]], [[((0, 0), 1)]]).p
        65537
        """
        return self.field.p

    def __repr__(self) -> str:
        return (
            f"Scheme({self.name!r}, p={self.p}, basis={list(self.basis)}, w={self.w}, "
            f"targets={len(self.targets)}, s={self.stragglers}, b={self.byzantine})"
        )

    # -- tensors ----------------------------------------------------------------------
    def worker_tensors(self) -> np.ndarray:
        """Row j: e_{j,1} (x) ... (x) e_{j,d}, flattened (C order), shape (w, prod basis)
        (a row per product when workers return several, see :meth:`output_rows`)."""
        F = self.field
        M = self.E[0]
        for c in range(1, self.d):
            a = np.repeat(M, self.basis[c], axis=1)
            b = np.tile(self.E[c], (1, M.shape[1]))
            M = F.mul(a, b)
        return M

    def target_tensors(self) -> np.ndarray:
        """Row t: target t's tensor :math:`T_t` flattened (C order) like
        :meth:`worker_tensors`, shape (targets, prod basis); repeated terms are summed mod p.

        >>> S = Scheme(7, [2, 2], [[[1, 1], [1, 1]]], [[((0, 0), 1), ((1, 1), 1)]])
        >>> S.target_tensors().tolist()  # A0 B0 + A1 B1: entries (0, 0) and (1, 1) of 2 x 2
        [[1, 0, 0, 1]]
        """
        T = np.zeros((len(self.targets), math.prod(self.basis)), dtype=np.int64)
        for t, terms in enumerate(self.targets):
            for idx, coeff in terms:
                flat = int(np.ravel_multi_index(idx, self.basis))
                T[t, flat] = (int(T[t, flat]) + coeff) % self.p
        return T

    @cached_property
    def reduced(self) -> Reduced:
        """Worker and target tensors in coordinates of a basis of the workers' span.

        The worker tensors M (w x prod basis) are row-reduced once; with pivot columns P,
        a target's restriction to P determines its combination of workers when it lies in
        the span at all. ``G = M[:, P]`` and ``T = T[:, P]`` are then small, and every
        subset's decodability is a rank question on rows of G (cached per scheme).

        >>> S = Scheme(7, [1, 1], [[[1], [1]], [[1], [2]]], [[((0, 0), 1)]], stragglers=1)
        >>> S.reduced.G.tolist(), S.reduced.T.tolist(), S.reduced.outside
        ([[1], [2]], [[1]], ())
        """
        F = self.field
        M = self.worker_tensors()
        Rm, piv = F.rref(M)
        rows = Rm[: piv.size]
        T = self.target_tensors()
        G = np.ascontiguousarray(M[:, piv])
        Tc = np.ascontiguousarray(T[:, piv])
        resid = F.sub(T, F.matmul(Tc, rows)) if piv.size else T
        outside = tuple(int(t) for t in np.flatnonzero(resid.any(axis=1)))
        return Reduced(G, Tc, outside)

    # -- decoding ---------------------------------------------------------------------
    def decodes(self, workers: Sequence[int]) -> bool:
        """Whether these workers' results determine every target: each :math:`T_t` lies in
        the span of their tensors (see :meth:`decoder`, which this tries).

        >>> S = Scheme(7, [2], [[[1, 0]], [[0, 1]], [[1, 1]]], [[((0,), 1)], [((1,), 1)]],
        ...            stragglers=1)  # workers see X1, X2 and X1 + X2; targets X1 and X2
        >>> S.decodes([0, 2]), S.decodes([2])
        (True, False)
        """
        try:
            self.decoder(workers)
        except DecodingError:
            return False
        return True

    def missing_targets(self, workers: Sequence[int]) -> list[int]:
        """Targets outside the span of these workers' tensors."""
        F = self.field
        red = self.reduced
        S = sorted(set(int(j) for j in workers))
        missing = list(red.outside)
        GS = red.G[self.output_rows(S)]
        for t in range(len(self.targets)):
            if t in red.outside:
                continue
            try:
                F.solve(GS.T, red.T[t])
            except FieldError:
                missing.append(t)
        return sorted(missing)

    def decoder(self, workers: Sequence[int]) -> np.ndarray:
        """Matrix D (targets x |workers|) with target_t = sum_i D[t, i] * result_{workers[i]}.

        Cached per worker set. Raises :class:`DecodingError` naming a target these
        workers do not determine.
        """
        key = tuple(sorted(set(int(j) for j in workers)))
        if any(not 0 <= j < self.w for j in key):
            raise SchemeError(f"worker indices must lie in [0, {self.w}), got {list(key)}")
        if key not in self._decoders:
            red = self.reduced
            if red.outside:
                raise DecodingError(f"target {red.outside[0]} is outside every workers' span")
            try:
                sol = self.field.solve(red.G[self.output_rows(key)].T, red.T.T)
            except FieldError:
                t = self.missing_targets(key)[0]
                raise DecodingError(f"workers {list(key)} do not determine target {t}") from None
            self._decoders[key] = sol.T
        D = self._decoders[key]
        if self.outputs is not None:  # columns per product, in the order of the workers given
            pos = {r: i for i, r in enumerate(self.output_rows(key))}
            rows = self.output_rows(dict.fromkeys(int(j) for j in workers))
            return D[:, [pos[r] for r in rows]]
        order = [key.index(int(j)) for j in workers]
        return D[:, order] if len(order) == len(key) else D

    # -- data path --------------------------------------------------------------------
    def encode(self, inputs: Sequence[Sequence[np.ndarray]]) -> list[tuple[np.ndarray, ...]]:
        """Coded inputs per worker: ``out[j][c] = sum_l e_{j,c}[l] * inputs[c][l]``
        (per product, see :meth:`output_rows`, when workers return several).

        ``inputs[c]`` holds the :math:`\\lambda_c` blocks of coordinate c (field arrays of
        one shape). Inputs are not modified.
        """
        F = self.field
        if len(inputs) != self.d:
            raise SchemeError(f"expected {self.d} coordinates of inputs, got {len(inputs)}")
        coded = []
        for c, blocks in enumerate(inputs):
            if len(blocks) != self.basis[c]:
                raise SchemeError(f"coordinate {c} needs {self.basis[c]} blocks, got {len(blocks)}")
            shapes = {np.shape(b) for b in blocks}
            if len(shapes) != 1:
                raise SchemeError(f"coordinate {c} blocks differ in shape: {sorted(shapes)}")
            shape = shapes.pop()
            X = np.stack([F.array(b, f"inputs[{c}][{i}]") for i, b in enumerate(blocks)])
            Y = F.matmul(self.E[c], X.reshape(len(blocks), -1))
            coded.append(Y.reshape((self.products,) + shape))
        return [tuple(coded[c][j] for c in range(self.d)) for j in range(self.products)]

    def compute(self, coded: Sequence[np.ndarray]) -> np.ndarray:
        """What one worker does with its coded inputs."""
        f = self.product or _default_product
        return f(self.field, coded)

    def decode(self, results: Mapping[int, np.ndarray]) -> list[np.ndarray]:
        """Targets from worker results ``{worker: array}``, correcting up to b wrong ones.

        The contract of every decoder (see :meth:`decode_with_errors`): it returns the
        exact targets or raises :class:`DecodingError`. With b = 0, spare results beyond
        a determining set are checked against the decoded targets, not ignored.
        """
        return self.decode_with_errors(results)[0]

    def decode_with_errors(
        self, results: Mapping[int, np.ndarray], max_errors: int | None = None, rng=0
    ) -> tuple[list[np.ndarray], list[int]]:
        """Targets and the workers that lied, from results of which at most
        ``max_errors`` = e (default b) are wrong.

        **Contract.** Given any results, this returns the exact targets or raises
        :class:`DecodingError`. It returns only when the answer is pinned down:

        * for e > 0, at least :math:`R + 2e` results (two explanations with at most e
          liars each then agree on at least R results, which determine every target);
        * a malformed result (not an integer array, another shape than the rest, an
          entry outside [0, p)) is a liar and counts against e, it never aborts decoding;
        * the results kept are checked exactly against each other (every parity check
          of their code vanishes), so a result that is not used to decode is still
          checked, and dropping any e' more of them (e' = e minus the malformed ones)
          still determines every target.

        So if at most e results are wrong the answer is exact and the liars are named;
        with more liars it raises unless their lies happen to form another codeword
        within distance e (which no decoder can tell apart; random lies essentially
        never do). Stated for a scheme whose every R-subset decodes (``ffcc verify``);
        the last condition is checked, not assumed.

        Honest results form a codeword: worker j returns :math:`\\sum_l M[j, l] P_l` for
        the basis products :math:`P_l`. Every result is projected onto a few random
        vectors, error sets of increasing size are tried until the rest passes the parity
        checks, then the exact check above confirms. Generic and combinatorial in the
        number of errors; structured codes (Lagrange) provide faster decoders.

        Example: one liar among R + b = 4 results of a b = 1 scheme cannot be corrected.

        >>> from ffcc.codes.matdot import matdot
        >>> S = matdot(2, 2, p=65537).with_faults(0, 1)  # w = 5, R = 3
        >>> F = S.field
        >>> coded = S.encode([[F.random((2, 2), i) for i in range(2)],
        ...                   [F.random((2, 2), i + 2) for i in range(2)]])
        >>> res = {j: S.compute(coded[j]) for j in range(4)}
        >>> res[0] = (res[0] + 1) % F.p
        >>> S.decode_with_errors(res)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ffcc.scheme.DecodingError: ... needs at least R + 2e = 5 results, got 4
        >>> res[4] = S.compute(coded[4])
        >>> S.decode_with_errors(res)[1]
        [0]
        """
        F = self.field
        e = self.byzantine if max_errors is None else int(max_errors)
        if e < 0:
            raise SchemeError(f"max_errors must be >= 0, got {e}")
        if not results:
            raise DecodingError("no worker results to decode")
        # With no error budget an entry outside [0, p) fails decoding either way; a decoder that
        # checks entries in its own pass over the results (_checks_range) saves a pass here.
        ws, arrays, bad = self._sanitize(results, check_range=e > 0 or not self._checks_range)
        n = len(ws)
        if e and n < self.R + 2 * e:
            raise DecodingError(
                f"{self.name}: correcting {e} faulty results needs at least R + 2e = "
                f"{self.R + 2 * e} results, got {n}"
            )
        if len(bad) > e:
            raise DecodingError(
                f"{self.name}: results of workers {bad} are malformed (not field elements of "
                f"the common shape), more than the {e} faulty results tolerated"
            )
        good = [j for j in ws if j not in bad]
        budget = e - len(bad)
        flat = {j: arrays[j].reshape(-1) for j in good}
        if budget == 0:
            if not self._consistent(good, flat):
                raise DecodingError(
                    f"{self.name}: the {len(good)} results disagree with each other: some "
                    f"worker returned a wrong result, more than the {e} tolerated"
                )
            return self._decode_erasures({j: arrays[j] for j in good}), bad
        gen = np.random.default_rng(rng)
        proj = F.random((flat[good[0]].size, 4), gen)
        Y = F.matmul(np.stack([flat[j] for j in good]), proj)
        G = self.reduced.G
        for k in range(budget + 1):
            for drop in itertools.combinations(range(len(good)), k):
                keep = [i for i in range(len(good)) if i not in drop]
                S = [good[i] for i in keep]
                N = F.nullspace(G[S].T)  # rows n with n . G_S = 0: parity checks
                if N.size and F.matmul(N, Y[keep]).any():
                    continue
                if not self._consistent(S, flat):
                    continue  # a lie the projections missed (probability ~ p^-4)
                if not self._determined_without(S, budget):
                    raise DecodingError(
                        f"{self.name}: the results of workers {S} agree, but losing {budget} "
                        "of them would leave a target undetermined: the answer is not pinned "
                        "down (does every R-subset decode? run ffcc verify)"
                    )
                liars = sorted(bad + [good[i] for i in drop])
                return self._decode_erasures({j: arrays[j] for j in S}), liars
        raise DecodingError(
            f"{self.name}: no set of at most {e} workers explains the {n} results: more "
            "faults than the scheme tolerates"
        )

    def consistent(self, results: Mapping[int, np.ndarray]) -> bool:
        """True when the results are field arrays of one shape that some basis products
        explain exactly (every parity check of these workers' code vanishes). With k
        results beyond a determining set, any k or fewer wrong ones make this False.

        >>> from ffcc.codes.matdot import matdot
        >>> S = matdot(1, 1, p=7)  # w = 2 workers, each returns A B
        >>> S.consistent({0: np.array([[3]]), 1: np.array([[3]])})
        True
        >>> S.consistent({0: np.array([[3]]), 1: np.array([[4]])})
        False
        """
        if not results:
            return True
        try:
            ws, arrays, bad = self._sanitize(results)
        except DecodingError:
            return False
        return not bad and self._consistent(ws, {j: arrays[j].reshape(-1) for j in ws})

    def _sanitize(
        self, results, check_range: bool = True
    ) -> tuple[list[int], dict[int, np.ndarray], list[int]]:
        """Sorted workers, their results as int64 arrays, and the malformed ones (not an
        integer array, an entry outside [0, p), or not of the most common shape)."""
        ws = sorted(int(j) for j in results)
        if any(not 0 <= j < self.w for j in ws):
            raise SchemeError(f"worker indices must lie in [0, {self.w}), got {ws}")
        p = self.p
        arrays: dict[int, np.ndarray] = {}
        for j in ws:
            try:
                a = np.asarray(results[j])
            except Exception:  # an object numpy cannot even read is malformed too
                continue
            if a.dtype.kind not in "iu" or a.dtype.itemsize > 8:
                continue
            if a.dtype.kind == "u" and a.size and int(a.max()) >= 1 << 63:
                continue
            a = np.ascontiguousarray(a, dtype=np.int64)
            if check_range and a.size and int(a.view(np.uint64).max()) >= p:  # negatives wrap
                continue
            arrays[j] = a
        shapes = Counter(a.shape for a in arrays.values())
        if not shapes:
            raise DecodingError("no result is an array of field elements")
        shape = shapes.most_common(1)[0][0]
        bad = [j for j in ws if j not in arrays or arrays[j].shape != shape]
        return ws, arrays, bad

    def _consistent(self, workers: Sequence[int], flat: Mapping[int, np.ndarray]) -> bool:
        """True when these (flattened, canonical) results satisfy every parity check of
        the workers' code exactly, i.e. some basis products explain all of them."""
        F = self.field
        N = F.nullspace(self.reduced.G[list(workers)].T)
        if not N.size:
            return True
        return not F.matmul(N, np.stack([flat[j] for j in workers])).any()

    def _determined_without(self, workers: Sequence[int], k: int) -> bool:
        """Whether every subset of ``workers`` missing at most k of them decodes."""
        ws = list(workers)
        return all(
            self.decodes([j for j in ws if j not in drop]) for drop in itertools.combinations(ws, k)
        )

    def _decode_erasures(self, results: Mapping[int, np.ndarray]) -> list[np.ndarray]:
        """Targets from sanitized, mutually consistent results (no error handling).

        Uses R of them when they suffice, else all of them. Subclasses with structured
        decoders override this.
        """
        ws = sorted(results)
        pick = ws[: self.R] if len(ws) >= self.R and self.decodes(ws[: self.R]) else ws
        D = self.decoder(pick)
        shape = np.shape(results[pick[0]])
        Y = np.stack([np.asarray(results[j], dtype=np.int64).reshape(-1) for j in pick])
        out = self.field.matmul(D, Y)
        return [out[t].reshape(shape) for t in range(out.shape[0])]

    def reference(self, inputs: Sequence[Sequence[np.ndarray]]) -> list[np.ndarray]:
        """Targets computed directly, without coding (for checking)."""
        F = self.field
        outs = []
        for terms in self.targets:
            acc = None
            for idx, coeff in terms:
                val = self.compute([inputs[c][i] for c, i in enumerate(idx)])
                val = F.mul(val, coeff)
                acc = val if acc is None else F.add(acc, val)
            outs.append(acc)
        return outs

    # -- files ------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The ``ffcc-scheme/2`` file content; optional keys only when they are set.

        A Python function as ``product`` cannot be written: name a :class:`Layout`.
        """
        if self.product is not None and not isinstance(self.product, Layout):
            raise SchemeError(
                f"scheme {self.name!r}: its product is a Python function, which a scheme file "
                f"cannot hold; use product= one of {LAYOUTS}"
            )
        return self._file_dict()

    def _file_dict(self) -> dict:
        rows = [[self.E[c][r].tolist() for c in range(self.d)] for r in range(self.products)]
        if self.outputs is None:
            workers = rows
        else:
            workers = [{"outputs": [rows[r] for r in self.output_rows([j])]} for j in range(self.w)]
        out = {
            "format": FORMAT,
            "name": self.name,
            "field": self.p,
            "stragglers": self.stragglers,
            "byzantine": self.byzantine,
            "product": self.product.name if isinstance(self.product, Layout) else "XY",
            "basis": list(self.basis),
            "workers": workers,
            "targets": [[[*idx, coeff] for idx, coeff in t] for t in self.targets],
            "params": self.params,
        }
        if any(self.random):
            out["random"] = [list(r) for r in self.random]
        if self.secrecy:
            out["secrecy"] = self.secrecy
        if self.nodes is not None:
            out["nodes"] = [int(x) for x in np.asarray(self.nodes).ravel()]
        if self.assembly is not None:
            out["assemble"] = {"grid": [list(row) for row in self.assembly]}
        if self.extensions:
            out["extensions"] = self.extensions
        return out

    def dumps(self) -> str:
        """The scheme as compact ``ffcc-scheme/2`` JSON text (:meth:`to_dict`); :func:`loads`
        reads it back.

        >>> S = Scheme(7, [1, 1], [[[1], [3]]], [[((0, 0), 5)]], name="tiny")
        >>> S.dumps()[:50]
        '{"format":"ffcc-scheme/2","name":"tiny","field":7,'
        >>> loads(S.dumps()).target_tensors().tolist()
        [[5]]
        """
        return json.dumps(self.to_dict(), separators=(",", ":"))

    def save(self, path) -> None:
        """Write the scheme file (:meth:`dumps` and a newline) to ``path``; read it back
        with :func:`load`, check it with ``ffcc verify FILE``.

        >>> import os, tempfile
        >>> S = Scheme(7, [1, 1], [[[1], [1]], [[1], [2]]], [[((0, 0), 1)]], stragglers=1)
        >>> path = os.path.join(tempfile.mkdtemp(), "s.json")
        >>> S.save(path)
        >>> load(path).w, load(path).stragglers
        (2, 1)
        """
        Path(path).write_text(self.dumps() + "\n")

    def _rebuild(self, d: dict) -> Scheme:
        out = from_dict(d)
        out.product = self.product  # a Python function is not in the dict
        return out

    def with_faults(self, stragglers: int | None = None, byzantine: int | None = None):
        """The same code, asked to tolerate other fault counts."""
        d = self._file_dict()
        if stragglers is not None:
            d["stragglers"] = stragglers
        if byzantine is not None:
            d["byzantine"] = byzantine
        return self._rebuild(d)

    def relabel(self, maps: Sequence[Sequence[int]], basis: Sequence[int], name: str | None = None):
        """The same code on other inputs: basis input l of coordinate c becomes input
        ``maps[c][l]`` of a new basis of sizes ``basis`` (inputs mapped together are the
        same block, so their coefficients add). A code that decodes for arbitrary inputs
        still decodes, e.g. Lagrange over k samples that share blocks.
        """
        F = self.field
        if len(maps) != self.d or len(basis) != self.d:
            raise SchemeError(f"relabel needs {self.d} maps and basis sizes")
        if any(self.random):
            raise SchemeError("relabel would mix random masks with data; build the code anew")
        enc = []
        for c in range(self.d):
            mp = np.asarray(maps[c], dtype=np.int64)
            if mp.shape != (self.basis[c],) or mp.min() < 0 or mp.max() >= basis[c]:
                raise SchemeError(f"relabel map {c} must send [0, {self.basis[c]}) into "
                                  f"[0, {basis[c]})")  # fmt: skip
            E = np.zeros((self.products, int(basis[c])), dtype=np.int64)
            for l, nl in enumerate(mp.tolist()):
                E[:, nl] = F.add(E[:, nl], self.E[c][:, l])
            enc.append(E)
        workers = [[enc[c][j] for c in range(self.d)] for j in range(self.products)]
        targets = [
            [(tuple(int(maps[c][i]) for c, i in enumerate(idx)), coeff) for idx, coeff in t]
            for t in self.targets
        ]
        return Scheme(
            F, basis, workers, targets, self.stragglers, self.byzantine,
            name or self.name, dict(self.params), self.product, outputs=self.outputs,
            nodes=self.nodes, secrecy=self.secrecy, extensions=dict(self.extensions),
        )  # fmt: skip

    def subset(self, workers: Sequence[int], stragglers: int = 0, byzantine: int = 0):
        """The scheme restricted to the given workers."""
        d = self._file_dict()
        workers = list(workers)
        d["workers"] = [d["workers"][j] for j in workers]
        d["stragglers"] = stragglers
        d["byzantine"] = byzantine
        if "nodes" in d:
            d["nodes"] = [d["nodes"][j] for j in workers]
        d["secrecy"] = min(self.secrecy, max(len(workers) - 1, 0))
        return self._rebuild(d)


_KEYS = {
    "ffcc-scheme/1": (
        "format", "name", "field", "stragglers", "byzantine", "basis", "workers", "targets",
        "params",
    ),
}  # fmt: skip
_KEYS[FORMAT] = _KEYS["ffcc-scheme/1"] + (
    "product", "random", "secrecy", "nodes", "assemble", "extensions",
)  # fmt: skip
_FRACTION = re.compile(r"\s*([+-]?\d{1,4300})\s*(?:/\s*([+-]?\d{1,4300})\s*)?")


def _err(msg: str) -> SchemeError:
    return SchemeError(f"scheme file: {msg}")


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _need(obj: dict, key: str, kind, where: str = ""):
    if key not in obj:
        raise _err(f"missing key {where}{key!r}")
    return _typed(obj[key], kind, f"{where}{key!r}")


def _typed(val, kind, where: str):
    if kind is int and not _is_int(val):
        raise _err(f"{where} must be an integer, got {val!r}")
    if kind is not int and not isinstance(val, kind):
        names = {list: "a list", dict: "an object", str: "a string"}
        raise _err(f"{where} must be {names.get(kind, kind.__name__)}, got {val!r}")
    return val


def _opt(obj: dict, key: str, kind, default):
    return default if key not in obj else _typed(obj[key], kind, repr(key))


def _coefficient(v, p: int, where: str, version: str) -> int:
    """An integer of any sign, or an exact fraction "a/b", reduced in GF(p) (format /2);
    format /1 holds integers in [0, p) only."""
    if version == "ffcc-scheme/1":
        if not _is_int(v) or not 0 <= v < p:
            raise _err(f"{where} = {v!r} is not an integer in [0, {p})")
        return v
    if _is_int(v):
        return v % p
    m = _FRACTION.fullmatch(v) if isinstance(v, str) else None
    if m is None:
        raise _err(f'{where} = {v!r} must be an integer or an exact fraction string like "-3/4"')
    num, den = int(m.group(1)), int(m.group(2) or 1)
    if den % p == 0:
        raise _err(f"{where} = {v!r} has denominator {den} = 0 mod {p}; use another prime")
    return num * pow(den, -1, p) % p


def _close(key: str, known) -> str:
    near = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {near[0]!r}?)" if near else ""


def _vectors(wk, d: int, basis, p: int, where: str, version: str) -> list[list[int]]:
    if not isinstance(wk, list) or len(wk) != d:
        raise _err(f"{where} must be a list of {d} vectors")
    out = []
    for c, vec in enumerate(wk):
        if not isinstance(vec, list) or len(vec) != basis[c]:
            raise _err(f"{where}[{c}] must be a list of {basis[c]} integers")
        out.append([_coefficient(v, p, f"{where}[{c}][{l}]", version) for l, v in enumerate(vec)])
    return out


def from_dict(obj) -> Scheme:
    """Build a scheme from the parsed JSON of a scheme file (``ffcc-scheme/1`` or ``/2``),
    checking every key: unknown keys and wrong types are errors naming the key.

    >>> from_dict({"format": "ffcc-scheme/2", "field": 7, "basis": [1, 1],
    ...            "workers": [[[1], ["1/2"]]], "targets": [[[0, 0, -1]]]}).E[1].tolist()
    [[4]]
    >>> from_dict({"format": "ffcc-scheme/2", "field": 7, "byzantin": 1})
    Traceback (most recent call last):
    ...
    ffcc.scheme.SchemeError: scheme file: unknown key 'byzantin' (did you mean 'byzantine'?); ...
    """
    if not isinstance(obj, dict):
        raise _err("top level must be a JSON object")
    version = obj.get("format")
    if version not in FORMATS:
        raise _err(f"'format' must be {' or '.join(map(repr, FORMATS))}, got {version!r}")
    known = _KEYS[version]
    for key in obj:
        if key not in known:
            hint = "; free-form data belongs under 'extensions'" if version == FORMAT else ""
            raise _err(
                f"unknown key {key!r}{_close(key, known)}; {version} keys are "
                f"{', '.join(known)}{hint}"
            )
    p = _need(obj, "field", int)
    try:
        check_prime(p)
    except FieldError as e:
        raise _err(f"'field': {e}") from None
    s = _need(obj, "stragglers", int) if version != FORMAT else _opt(obj, "stragglers", int, 0)
    b = _opt(obj, "byzantine", int, 0)
    basis = _need(obj, "basis", list)
    for c, lam in enumerate(basis):
        if not _is_int(lam) or lam < 1:
            raise _err(f"basis[{c}] must be a positive integer, got {lam!r}")
    d = len(basis)
    encoders, outputs = [], []
    for j, wk in enumerate(_need(obj, "workers", list)):
        if isinstance(wk, dict) and version == FORMAT:
            extra = set(wk) - {"outputs"}
            if extra:
                raise _err(f"workers[{j}] has unknown key {sorted(extra)[0]!r}; only 'outputs'")
            prods = _need(wk, "outputs", list, f"workers[{j}].")
            if not prods:
                raise _err(f"workers[{j}].'outputs' must list at least one product")
            for n, prod in enumerate(prods):
                encoders.append(_vectors(prod, d, basis, p, f"workers[{j}].outputs[{n}]", version))
            outputs.append(len(prods))
        else:
            encoders.append(_vectors(wk, d, basis, p, f"workers[{j}]", version))
            outputs.append(1)
    parsed = []
    for t, terms in enumerate(_need(obj, "targets", list)):
        if not isinstance(terms, list):
            raise _err(f"targets[{t}] must be a list of terms")
        out = []
        for n, term in enumerate(terms):
            where = f"targets[{t}][{n}]"
            if not isinstance(term, list) or len(term) != d + 1:
                raise _err(f"{where} must be [l1, ..., l{d}, coeff]")
            if version != FORMAT:  # /1: integers; Scheme checks the range
                if not all(_is_int(v) for v in term):
                    raise _err(f"{where} must hold integers, got {term!r}")
                out.append((tuple(term[:d]), term[d]))
                continue
            if not all(_is_int(v) for v in term[:d]):
                raise _err(f"{where} indices must be integers, got {term[:d]!r}")
            out.append((tuple(term[:d]), _coefficient(term[d], p, f"{where} coefficient", version)))
        parsed.append(out)
    extras = {}
    if version == FORMAT:
        product = _opt(obj, "product", str, "XY")
        if product not in LAYOUTS:
            raise _err(f"'product' must be one of {', '.join(LAYOUTS)}, got {product!r}")
        random = _opt(obj, "random", list, [[] for _ in basis])
        if len(random) != d or not all(isinstance(r, list) for r in random):
            raise _err(f"'random' must be a list of {d} index lists, one per coordinate")
        for c, r in enumerate(random):
            if not all(_is_int(i) for i in r):
                raise _err(f"random[{c}] must hold integer indices, got {r!r}")
        nodes = _opt(obj, "nodes", list, None)
        if nodes is not None:
            nodes = [_coefficient(v, p, f"nodes[{k}]", version) for k, v in enumerate(nodes)]
        grid = None
        if "assemble" in obj:
            asm = _typed(obj["assemble"], dict, "'assemble'")
            if set(asm) != {"grid"}:
                raise _err("'assemble' must be {\"grid\": [[target, ...], ...]}")
            grid = _typed(asm["grid"], list, "assemble.'grid'")
            if not all(isinstance(row, list) and all(_is_int(t) for t in row) for row in grid):
                raise _err("assemble.'grid' must be a list of rows of target indices")
        extras = dict(
            product=product,
            random=random,
            nodes=nodes,
            assembly=grid,
            secrecy=_opt(obj, "secrecy", int, 0),
            extensions=_opt(obj, "extensions", dict, {}),
        )
    name, params = _opt(obj, "name", str, "scheme"), _opt(obj, "params", dict, {})
    try:
        return Scheme(
            p,
            basis,
            encoders,
            parsed,
            stragglers=s,
            byzantine=b,
            name=name,
            params=params,
            outputs=outputs,
            **extras,
        )
    except (FieldError, SchemeError) as e:
        raise _err(str(e)) from None


def loads(text: str) -> Scheme:
    """A :class:`Scheme` from scheme-file text (``ffcc-scheme/2``, or ``/1``).

    The JSON is parsed strictly (:func:`ffcc._json.parse_json`: duplicate keys and deep
    nesting are refused) and every field is checked; anything wrong raises
    :class:`SchemeError` with one line saying what and where. The format is described in
    ``docs/scheme-format.md``.

    >>> S = loads('{"format": "ffcc-scheme/2", "name": "two", "field": 7, "stragglers": 1,'
    ...           ' "byzantine": 0, "basis": [1, 1], "workers": [[[1], [1]], [[1], [2]]],'
    ...           ' "targets": [[[0, 0, 1]]], "params": {}}')
    >>> S.name, S.w, S.R
    ('two', 2, 1)
    >>> loads('{"format": "ffcc-scheme/2", "field": 8}')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ffcc.scheme.SchemeError: ...
    """
    try:
        obj = parse_json(text, "scheme file")
    except InputError as e:
        raise SchemeError(str(e)) from None
    return from_dict(obj)


def load(path) -> Scheme:
    """Read a scheme file: :func:`loads` of the file's text (written by
    :meth:`Scheme.save` or ``ffcc export NAME -o FILE``). A missing or non-text file raises
    :class:`SchemeError` naming it.

    >>> load("/nonexistent/s.json")
    Traceback (most recent call last):
    ...
    ffcc.scheme.SchemeError: cannot read scheme file /nonexistent/s.json: No such file or directory
    """
    try:
        text = Path(path).read_text()
    except OSError as e:
        raise SchemeError(f"cannot read scheme file {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise SchemeError(
            f"scheme file {path} is not text; a scheme file is ffcc-scheme JSON "
            "(write one with `ffcc export NAME -o FILE`)"
        ) from None
    return loads(text)
