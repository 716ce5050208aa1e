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

A file is JSON (see ``docs/scheme-format.md``)::

    {"format": "ffcc-scheme/1", "name": ..., "field": p, "stragglers": s, "byzantine": b,
     "basis": [l1, ..., ld], "workers": [[[e_j1...], ..., [e_jd...]], ...],
     "targets": [[[l1, ..., ld, coeff], ...], ...], "params": {...}}

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

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ._errors import FailureError, InputError
from ._json import parse_json
from .field import FieldError, PrimeField, check_prime

__all__ = ["Scheme", "SchemeError", "DecodingError", "FORMAT", "load", "loads"]

FORMAT = "ffcc-scheme/1"


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


@dataclass(eq=False)
class Scheme:
    """A linear coded computation of targets of a d-linear map over GF(p).

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
        matrix products, so d = 2 is matrix multiplication.
    """

    field: PrimeField | int
    basis: Sequence[int]
    encoders: Sequence
    targets: Sequence[Sequence[Term]]
    stragglers: int = 0
    byzantine: int = 0
    name: str = "scheme"
    params: dict = field(default_factory=dict)
    product: Callable | None = None

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
        self._decoders: dict[tuple[int, ...], np.ndarray] = {}

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
        return len(self.basis)

    @property
    def w(self) -> int:
        return self.E[0].shape[0]

    @property
    def R(self) -> int:
        """Workers every decoding may rely on: w - s - 2b."""
        return self.w - self.stragglers - 2 * self.byzantine

    @property
    def p(self) -> int:
        return self.field.p

    def __repr__(self) -> str:
        return (
            f"Scheme({self.name!r}, p={self.p}, basis={list(self.basis)}, w={self.w}, "
            f"targets={len(self.targets)}, s={self.stragglers}, b={self.byzantine})"
        )

    # -- tensors ----------------------------------------------------------------------
    def worker_tensors(self) -> np.ndarray:
        """Row j: e_{j,1} (x) ... (x) e_{j,d}, flattened (C order), shape (w, prod basis)."""
        F = self.field
        M = self.E[0]
        for c in range(1, self.d):
            a = np.repeat(M, self.basis[c], axis=1)
            b = np.tile(self.E[c], (1, M.shape[1]))
            M = F.mul(a, b)
        return M

    def target_tensors(self) -> np.ndarray:
        T = np.zeros((len(self.targets), math.prod(self.basis)), dtype=np.int64)
        for t, terms in enumerate(self.targets):
            for idx, coeff in terms:
                flat = int(np.ravel_multi_index(idx, self.basis))
                T[t, flat] = (int(T[t, flat]) + coeff) % self.p
        return T

    @cached_property
    def reduced(self) -> Reduced:
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
        GS = red.G[S]
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
                sol = self.field.solve(red.G[list(key)].T, red.T.T)
            except FieldError:
                t = self.missing_targets(key)[0]
                raise DecodingError(f"workers {list(key)} do not determine target {t}") from None
            self._decoders[key] = sol.T
        D = self._decoders[key]
        order = [key.index(int(j)) for j in workers]
        return D[:, order] if len(order) == len(key) else D

    # -- data path --------------------------------------------------------------------
    def encode(self, inputs: Sequence[Sequence[np.ndarray]]) -> list[tuple[np.ndarray, ...]]:
        """Coded inputs per worker: ``out[j][c] = sum_l e_{j,c}[l] * inputs[c][l]``.

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
            coded.append(Y.reshape((self.w,) + shape))
        return [tuple(coded[c][j] for c in range(self.d)) for j in range(self.w)]

    def compute(self, coded: Sequence[np.ndarray]) -> np.ndarray:
        """What one worker does with its coded inputs."""
        f = self.product or _default_product
        return f(self.field, coded)

    def decode(self, results: Mapping[int, np.ndarray]) -> list[np.ndarray]:
        """Targets from worker results ``{worker: array}`` (erasures only).

        Uses R of the given workers when they suffice, else all of them.
        """
        if not results:
            raise DecodingError("no worker results to decode")
        ws = sorted(results)
        pick = ws[: self.R] if len(ws) >= self.R and self.decodes(ws[: self.R]) else ws
        D = self.decoder(pick)
        shapes = {np.shape(results[j]) for j in pick}
        if len(shapes) != 1:
            raise DecodingError(f"worker results differ in shape: {sorted(shapes)}")
        shape = shapes.pop()
        Y = np.stack([np.asarray(results[j], dtype=np.int64) for j in pick])
        out = self.field.matmul(D, Y.reshape(len(pick), -1))
        return [out[t].reshape(shape) for t in range(out.shape[0])]

    def decode_with_errors(
        self, results: Mapping[int, np.ndarray], max_errors: int | None = None, rng=0
    ) -> tuple[list[np.ndarray], list[int]]:
        """Targets and the workers that lied, from results of which at most
        ``max_errors`` (default b) are wrong.

        Honest results form a codeword: worker j returns :math:`\\sum_l M[j, l] P_l` for the
        basis products :math:`P_l`, so the results restricted to any set S satisfy the
        parity checks of :math:`G_S`. Every result block is projected onto a few random
        vectors, then error sets of increasing size are tried until the rest is
        consistent. With R = w - s - 2b workers determining every target, the answer is
        unique. If no set of at most ``max_errors`` workers explains the results, this
        raises :class:`DecodingError`; it never returns an inconsistent answer. (More
        lies than declared that happen to form another codeword cannot be detected by any
        decoder; see the Freivalds check in :mod:`ffcc.run`.)

        Generic and combinatorial in the number of errors; structured codes (Lagrange)
        provide faster decoders.
        """
        import itertools

        F = self.field
        b = self.byzantine if max_errors is None else int(max_errors)
        ws = sorted(results)
        blocks = {j: np.asarray(results[j], dtype=np.int64).reshape(-1) for j in ws}
        sizes = {v.size for v in blocks.values()}
        if len(sizes) != 1:
            raise DecodingError("worker results differ in shape")
        gen = np.random.default_rng(rng)
        proj = F.random((sizes.pop(), 4), gen)
        Y = F.matmul(np.stack([blocks[j] for j in ws]), proj)
        G = self.reduced.G
        for e in range(b + 1):
            for bad in itertools.combinations(range(len(ws)), e):
                keep = [i for i in range(len(ws)) if i not in bad]
                S = [ws[i] for i in keep]
                N = F.nullspace(G[S].T)  # rows n with n . G_S = 0: parity checks
                if N.size and F.matmul(N, Y[keep]).any():
                    continue
                if not self.decodes(S):
                    continue
                good = {j: results[j] for j in S}
                return self.decode(good), [ws[i] for i in bad]
        raise DecodingError(
            f"no set of at most {b} workers explains the {len(ws)} results: more faults than "
            "the scheme tolerates"
        )

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
        return {
            "format": FORMAT,
            "name": self.name,
            "field": self.p,
            "stragglers": self.stragglers,
            "byzantine": self.byzantine,
            "basis": list(self.basis),
            "workers": [[self.E[c][j].tolist() for c in range(self.d)] for j in range(self.w)],
            "targets": [[[*idx, coeff] for idx, coeff in t] for t in self.targets],
            "params": self.params,
        }

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))

    def save(self, path) -> None:
        Path(path).write_text(self.dumps() + "\n")

    def with_faults(self, stragglers: int | None = None, byzantine: int | None = None):
        """The same code, asked to tolerate other fault counts."""
        d = self.to_dict()
        if stragglers is not None:
            d["stragglers"] = stragglers
        if byzantine is not None:
            d["byzantine"] = byzantine
        return from_dict(d)

    def relabel(self, maps: Sequence[Sequence[int]], basis: Sequence[int], name: str | None = None):
        """The same code on other inputs: basis input l of coordinate c becomes input
        ``maps[c][l]`` of a new basis of sizes ``basis`` (inputs mapped together are the
        same block, so their coefficients add). A code that decodes for arbitrary inputs
        still decodes, e.g. Lagrange over k samples that share blocks.
        """
        F = self.field
        if len(maps) != self.d or len(basis) != self.d:
            raise SchemeError(f"relabel needs {self.d} maps and basis sizes")
        enc = []
        for c in range(self.d):
            mp = np.asarray(maps[c], dtype=np.int64)
            if mp.shape != (self.basis[c],) or mp.min() < 0 or mp.max() >= basis[c]:
                raise SchemeError(f"relabel map {c} must send [0, {self.basis[c]}) into "
                                  f"[0, {basis[c]})")  # fmt: skip
            E = np.zeros((self.w, int(basis[c])), dtype=np.int64)
            for l, nl in enumerate(mp.tolist()):
                E[:, nl] = F.add(E[:, nl], self.E[c][:, l])
            enc.append(E)
        workers = [[enc[c][j] for c in range(self.d)] for j in range(self.w)]
        targets = [
            [(tuple(int(maps[c][i]) for c, i in enumerate(idx)), coeff) for idx, coeff in t]
            for t in self.targets
        ]
        return Scheme(
            F, basis, workers, targets, self.stragglers, self.byzantine,
            name or self.name, dict(self.params), self.product,
        )  # fmt: skip

    def subset(self, workers: Sequence[int], stragglers: int = 0, byzantine: int = 0):
        """The scheme restricted to the given workers."""
        d = self.to_dict()
        d["workers"] = [d["workers"][j] for j in workers]
        d["stragglers"] = stragglers
        d["byzantine"] = byzantine
        return from_dict(d)


def _need(obj: dict, key: str, kind, where: str = ""):
    if key not in obj:
        raise SchemeError(f"scheme file: missing key {where}{key!r}")
    val = obj[key]
    if kind is int and (isinstance(val, bool) or not isinstance(val, int)):
        raise SchemeError(f"scheme file: {where}{key!r} must be an integer, got {val!r}")
    if kind is not int and not isinstance(val, kind):
        raise SchemeError(f"scheme file: {where}{key!r} must be a {kind.__name__}, got {val!r}")
    return val


def from_dict(obj) -> Scheme:
    """Build a scheme from the parsed JSON of a scheme file, checking every key."""
    if not isinstance(obj, dict):
        raise SchemeError("scheme file: top level must be a JSON object")
    fmt = obj.get("format")
    if fmt != FORMAT:
        raise SchemeError(f"scheme file: 'format' must be {FORMAT!r}, got {fmt!r}")
    p = _need(obj, "field", int)
    try:
        check_prime(p)
    except FieldError as e:
        raise SchemeError(f"scheme file: 'field': {e}") from None
    s = _need(obj, "stragglers", int)
    b = obj.get("byzantine", 0)
    if isinstance(b, bool) or not isinstance(b, int):
        raise SchemeError(f"scheme file: 'byzantine' must be an integer, got {b!r}")
    basis = _need(obj, "basis", list)
    for c, lam in enumerate(basis):
        if isinstance(lam, bool) or not isinstance(lam, int) or lam < 1:
            raise SchemeError(f"scheme file: basis[{c}] must be a positive integer, got {lam!r}")
    d = len(basis)
    workers = _need(obj, "workers", list)
    for j, wk in enumerate(workers):
        if not isinstance(wk, list) or len(wk) != d:
            raise SchemeError(f"scheme file: workers[{j}] must be a list of {d} vectors")
        for c, vec in enumerate(wk):
            if not isinstance(vec, list) or len(vec) != basis[c]:
                raise SchemeError(
                    f"scheme file: workers[{j}][{c}] must be a list of {basis[c]} integers"
                )
            for l, v in enumerate(vec):
                if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < p:
                    raise SchemeError(
                        f"scheme file: workers[{j}][{c}][{l}] = {v!r} is not an integer in [0, {p})"
                    )
    targets = _need(obj, "targets", list)
    parsed = []
    for t, terms in enumerate(targets):
        if not isinstance(terms, list):
            raise SchemeError(f"scheme file: targets[{t}] must be a list of terms")
        out = []
        for n, term in enumerate(terms):
            where = f"targets[{t}][{n}]"
            if not isinstance(term, list) or len(term) != d + 1:
                raise SchemeError(f"scheme file: {where} must be [l1, ..., l{d}, coeff]")
            if any(isinstance(v, bool) or not isinstance(v, int) for v in term):
                raise SchemeError(f"scheme file: {where} must hold integers, got {term!r}")
            out.append((tuple(term[:d]), term[d]))
        parsed.append(out)
    params = obj.get("params", {})
    if not isinstance(params, dict):
        raise SchemeError("scheme file: 'params' must be an object")
    name = obj.get("name", "scheme")
    if not isinstance(name, str):
        raise SchemeError(f"scheme file: 'name' must be a string, got {name!r:.60}")
    try:
        return Scheme(
            p,
            basis,
            workers,
            parsed,
            stragglers=s,
            byzantine=b,
            name=str(name),
            params=params,
        )
    except (FieldError, SchemeError) as e:
        raise SchemeError(f"scheme file: {e}") from None


def loads(text: str) -> Scheme:
    try:
        obj = parse_json(text, "scheme file")
    except InputError as e:
        raise SchemeError(str(e)) from None
    return from_dict(obj)


def load(path) -> Scheme:
    try:
        text = Path(path).read_text()
    except OSError as e:
        raise SchemeError(f"cannot read scheme file {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise SchemeError(
            f"scheme file {path} is not text; a scheme file is ffcc-scheme/1 JSON "
            "(write one with `ffcc export NAME -o FILE`)"
        ) from None
    return loads(text)
