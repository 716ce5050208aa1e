r"""Exact integer products through GF(p): quantization, prime choice, CRT, Freivalds.

**Signed embedding.** An integer x with :math:`|x| \le (p-1)/2` is stored as x mod p and
recovered by lifting to the symmetric range. A product whose entries are bounded by

.. math::  |(XY)_{ik}| \le \text{inner} \cdot \max|X| \cdot \max|Y| =: \beta

is therefore exact in GF(p) whenever :math:`2\beta < p`. When one prime is too small,
the same computation runs modulo primes :math:`p_1,\dots,p_L` just below :math:`2^{31}`
(the largest on the fast limb path) with :math:`\prod p_i > 2\beta`, and the Chinese
remainder theorem rebuilds the integers exactly (:func:`ffcc.field.crt`).

**Quantization.** A float matrix is stored as :math:`X_q = \mathrm{round}(2^f X)`, so
:math:`X = 2^{-f} X_q + \delta_X` with :math:`|\delta_X| \le 2^{-f-1}`. Then

.. math::

    AB - 2^{-2f} A_q B_q = \delta_A B + A\,\delta_B - \delta_A \delta_B,

and every entry of the error is at most
:math:`\text{inner}\cdot 2^{-f-1}\,(\max|A| + \max|B| + 2^{-f-1})`
(:func:`quantization_bound`). That is the only error of the exact path.

**Freivalds.** For a claimed :math:`C = AB`, draw x uniformly from :math:`GF(q)^n` and
compare Cx with A(Bx) modulo q. If :math:`C \ne AB \pmod q`, some row r of
:math:`E = C - AB` is non-zero and :math:`\Pr[r \cdot x = 0] = 1/q`; t independent trials
miss the error with probability at most :math:`q^{-t}`. Rows of a :math:`t \times n`
matrix X do the t trials at once, as :math:`XC` against :math:`(XA)B`. The check uses the
largest prime below :math:`2^{30}` that is not a computing prime (an error the CRT made
a multiple of a computing prime would be invisible modulo that prime).

Example
-------
>>> import numpy as np
>>> from ffcc.run import choose_primes, quantize
>>> choose_primes(100)  # 2 * 100 < 65537: one small prime
(65537,)
>>> len(choose_primes(2**62))  # three 31-bit primes: product > 2^93 > 2^63
3
>>> Aq, f = quantize(np.array([[0.5, -0.25]]), 4)
>>> Aq.tolist(), f
([[8, -4]], 4)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..codes.matdot import matdot
from ..field import PrimeField, crt, is_prime, prev_prime
from ..scheme import Scheme
from ._errors import InputError

__all__ = [
    "SMALL_PRIMES",
    "FREIVALDS_PRIME",
    "choose_primes",
    "quantize",
    "quantization_bound",
    "entry_bound",
    "target_bound",
    "reduce_mod",
    "combine",
    "freivalds",
    "freivalds_prime",
    "matdot_scheme",
    "split_inner",
    "max_abs",
]

# single primes tried first, cheapest limb plan first: 1 limb (65537), 2 limbs (25 bits)
SMALL_PRIMES = (65537, 33554393)
FREIVALDS_PRIME = 1073741789  # the largest prime below 2^30
_FAST = 1 << 31


def _primes_below_2_31():
    q = _FAST
    while True:
        q = prev_prime(q)
        yield q


def choose_primes(bound: int, primes: Sequence[int] | None = None) -> tuple[int, ...]:
    r"""Primes whose product P satisfies :math:`P > 2\,\text{bound}` (so every integer of
    absolute value at most ``bound`` is recovered exactly by CRT and signed lifting).

    Without ``primes``: one prime from :data:`SMALL_PRIMES` when it suffices, else the
    fewest primes just below :math:`2^{31}`. With ``primes``: checks they are distinct
    primes that suffice, else raises :class:`InputError` saying how many bits are missing.

    >>> choose_primes(32768), choose_primes(32769)  # 2 * 32768 < 65537 <= 2 * 32769
    ((65537,), (33554393,))
    >>> choose_primes(10, primes=[7, 11])  # 77 > 20
    (7, 11)
    >>> choose_primes(100, primes=[7, 11])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ffcc._errors.InputError: ... above 2*100 (8 bits) but primes [7, 11] give only 7 bits; ...
    """
    bound = int(bound)
    need = 2 * bound + 1
    if primes is not None:
        ps = tuple(int(q) for q in primes)
        if len(set(ps)) != len(ps) or any(not is_prime(q) for q in ps):
            raise InputError(f"primes {list(ps)} must be distinct primes")
        P = math.prod(ps)
        if P < need:
            raise InputError(
                f"the exact product needs a modulus above 2*{bound} ({need.bit_length()} bits) "
                f"but primes {list(ps)} give only {P.bit_length()} bits; add primes"
            )
        return ps
    for q in SMALL_PRIMES:
        if q >= need:
            return (q,)
    out, P = [], 1
    for q in _primes_below_2_31():
        out.append(q)
        P *= q
        if P >= need:
            return tuple(out)
    raise AssertionError("unreachable")  # pragma: no cover


def max_abs(X) -> int:
    """max |x| as a Python int (works for int64 and object arrays; 0 when empty).

    >>> max_abs(np.array([[3, -7]])), max_abs(np.array([2**70, -1], dtype=object)) == 2**70
    (7, True)
    """
    a = np.asarray(X)
    if a.size == 0:
        return 0
    if a.dtype == object:
        return max(abs(int(v)) for v in a.ravel())
    return max(abs(int(a.max())), abs(int(a.min())))


def entry_bound(X, Y) -> int:
    """A bound on the entries of X @ Y: inner * max|X| * max|Y| (exact integers).

    >>> entry_bound(np.full((2, 3), -4), np.full((3, 1), 5))  # 3 * 4 * 5, met by every entry
    60
    """
    return int(np.shape(X)[-1]) * max_abs(X) * max_abs(Y)


def target_bound(scheme: Scheme, inputs) -> int:
    r"""Bound on the entries of every target :math:`\sum c\, X_{l_1} Y_{l_2}`:
    :math:`\sum |c| \cdot \text{inner} \cdot \max|X_{l_1}| \max|Y_{l_2}|` (d = 2 only),
    with c lifted to the signed range.

    MatDot's one target is A0 B0 + A1 B1: with inner dimension 2, max|A0| = 2, max|B0| = 1,
    max|A1| = 3 and max|B1| = 2 the bound is 2*2*1 + 2*3*2 = 16.

    >>> S = matdot_scheme(65537, 2)
    >>> A = [np.array([[1, 2]]), np.array([[3, 0]])]
    >>> B = [np.array([[1], [1]]), np.array([[2], [1]])]
    >>> target_bound(S, [A, B])
    16
    """
    if scheme.d != 2:
        raise InputError("the integer range of a target is derived for d = 2 (matrix products)")
    h = (scheme.p - 1) // 2
    mx = [[max_abs(b) for b in inputs[c]] for c in range(2)]
    inner = [int(np.shape(b)[-1]) for b in inputs[0]]
    best = 0
    for terms in scheme.targets:
        tot = 0
        for (l1, l2), coeff in terms:
            c = coeff - scheme.p if coeff > h else coeff
            tot += abs(c) * inner[l1] * mx[0][l1] * mx[1][l2]
        best = max(best, tot)
    return best


def reduce_mod(X, q: int) -> np.ndarray:
    """Integers (int64 or object) modulo q, as int64 in [0, q).

    >>> reduce_mod(np.array([-1, 7, 2**40]), 7).tolist()  # 2^40 = 2 * (2^3)^13 = 2
    [6, 0, 2]
    """
    a = np.asarray(X)
    if a.dtype == object:
        return np.array([int(v) % q for v in a.ravel()], dtype=np.int64).reshape(a.shape)
    if a.dtype.kind not in "iub":
        raise InputError(f"exact inputs must be integers, got dtype {a.dtype}")
    return np.mod(a.astype(np.int64, copy=False), np.int64(q))


def combine(residues: Sequence[np.ndarray], primes: Sequence[int], bound: int) -> np.ndarray:
    """Signed integers from residues mod ``primes``: int64 when ``bound < 2^63``, else a
    Python-int object array.

    >>> combine([np.array([2]), np.array([6])], (7, 11), 30).tolist()  # -5 = 2 (7), 6 (11)
    [-5]
    """
    if len(primes) == 1:
        F = PrimeField(primes[0])
        out = F.lift(residues[0])
    else:
        out = crt(residues, primes)
    if bound < (1 << 63) - 1:
        return np.asarray(out).astype(np.int64)
    return np.asarray(out, dtype=object)


def quantize(X, frac_bits: int) -> tuple[np.ndarray, int]:
    r"""Fixed point: ``round(X * 2**frac_bits)`` as int64 (X must be finite, and the result
    below :math:`2^{62}` in absolute value). Returns (integers, frac_bits).

    >>> quantize([[0.3, -1.0]], 2)  # round(1.2) = 1, -4
    (array([[ 1, -4]]), 2)
    >>> quantize([[float("nan")]], 2)
    Traceback (most recent call last):
    ...
    ffcc._errors.InputError: cannot quantize NaN or Inf entries
    """
    f = int(frac_bits)
    if f < 0 or f > 60:
        raise InputError(f"fraction bits must lie in [0, 60], got {frac_bits}")
    a = np.asarray(X, dtype=np.float64)
    if not np.isfinite(a).all():
        raise InputError("cannot quantize NaN or Inf entries")
    s = np.ldexp(a, f)  # exact: scaling by a power of two
    if s.size and np.abs(s).max() >= 2.0**62:
        raise InputError(
            f"entries up to {np.abs(a).max():g} times 2^{f} exceed 2^62; use fewer fraction bits"
        )
    return np.round(s).astype(np.int64), f


def quantization_bound(inner: int, max_a: float, max_b: float, frac_bits: int) -> float:
    r"""Entrywise bound :math:`\text{inner}\cdot 2^{-f-1}(\max|A| + \max|B| + 2^{-f-1})` on
    :math:`|AB - 2^{-2f}A_qB_q|` (both operands quantized with f fraction bits).

    >>> quantization_bound(4, 1.0, 2.0, 3)  # 4 * 2^-4 * (1 + 2 + 2^-4)
    0.765625
    """
    h = 2.0 ** (-int(frac_bits) - 1)
    return float(inner) * h * (float(max_a) + float(max_b) + h)


def freivalds_prime(avoid=()) -> int:
    """The largest prime below 2^30 not in ``avoid`` (the computing primes): fast-path
    arithmetic, and never a modulus the product was computed with.

    >>> freivalds_prime() == FREIVALDS_PRIME == 2**30 - 35
    True
    >>> q = freivalds_prime([FREIVALDS_PRIME]); is_prime(q) and q < FREIVALDS_PRIME
    True
    """
    avoid = {int(q) for q in avoid}
    q = FREIVALDS_PRIME
    while q in avoid:
        q = prev_prime(q)
    return q


def freivalds(C, A, B, trials: int = 3, rng=None, q: int | None = None, avoid=()) -> bool:
    r"""True when :math:`XC = (XA)B \bmod q` for a random :math:`t \times n` matrix X over
    GF(q) (t = ``trials``; integer matrices, int64 or object). Each row of X is one
    independent trial, so a wrong C passes with probability at most :math:`q^{-t}`.

    >>> A, B = np.array([[1, 2], [3, 4]]), np.array([[0, 1], [1, 0]])
    >>> C = A @ B
    >>> freivalds(C, A, B, rng=0)
    True
    >>> C[1, 1] += 1
    >>> freivalds(C, A, B, rng=0)  # passes with probability (2^30 - 35)^-3
    False
    """
    q = freivalds_prime(avoid) if q is None else int(q)
    F = PrimeField(q)
    X = F.random((int(trials), np.shape(C)[0]), np.random.default_rng(rng))
    left = F.matmul(X, reduce_mod(C, q))
    right = F.matmul(F.matmul(X, reduce_mod(A, q)), reduce_mod(B, q))
    return bool(np.array_equal(left, right))


def freivalds_target(
    scheme: Scheme, inputs, value, t: int, trials: int, rng, q: int | None = None
) -> bool:
    r"""Check target t, :math:`\sum c\,X_{l_1} Y_{l_2}` (signed integers), modulo q, with
    ``trials`` Freivalds trials (see :func:`freivalds`).

    MatDot's target A0 B0 + A1 B1 below is 1*1 + 2*1 + 3*2 + 0*1 = 9:

    >>> S = matdot_scheme(65537, 2)
    >>> A = [np.array([[1, 2]]), np.array([[3, 0]])]
    >>> B = [np.array([[1], [1]]), np.array([[2], [1]])]
    >>> freivalds_target(S, [A, B], np.array([[9]]), 0, 3, 0)
    True
    >>> freivalds_target(S, [A, B], np.array([[10]]), 0, 3, 0)
    False
    """
    q = freivalds_prime([scheme.p]) if q is None else int(q)
    F = PrimeField(q)
    h = (scheme.p - 1) // 2
    V = reduce_mod(value, q)
    X = F.random((int(trials), V.shape[0]), np.random.default_rng(rng))
    acc = np.zeros((X.shape[0], V.shape[1]), dtype=np.int64)
    for (l1, l2), coeff in scheme.targets[t]:
        c = (coeff - scheme.p if coeff > h else coeff) % q
        y = F.matmul(F.matmul(X, reduce_mod(inputs[0][l1], q)), reduce_mod(inputs[1][l2], q))
        acc = F.add(acc, F.mul(y, c))
    return bool(np.array_equal(F.matmul(X, V), acc))


def matdot_scheme(p: int, m: int, stragglers: int = 0, byzantine: int = 0) -> Scheme:
    r"""MatDot (:func:`ffcc.codes.matdot.matdot`) over GF(p) with s stragglers and b liars:
    any 2m - 1 results decode, so :math:`w = 2m - 1 + s + 2b`.

    >>> S = matdot_scheme(65537, 2, stragglers=1)
    >>> S.w, S.R
    (4, 3)
    >>> matdot_scheme(65537, 2, byzantine=1).w  # 3 + 2 * 1
    5
    """
    m, s, b = int(m), int(stragglers), int(byzantine)
    if m < 1:
        raise InputError(f"MatDot needs m >= 1 blocks, got {m}")
    if b == 0:
        return matdot(m, s, p=p)  # keeps the structured decoder
    return matdot(m, s + 2 * b, p=p).with_faults(s, b)


def split_inner(A, B, m: int) -> tuple[list[np.ndarray], list[np.ndarray], int]:
    """A's column blocks and B's row blocks (m each), zero-padding the inner dimension up
    to a multiple of m (padding adds zero products). Returns (A blocks, B blocks, pad).

    Without padding the blocks are read-only views of A and B (nothing is copied twice:
    encoding reads them once).

    >>> Ab, Bb, pad = split_inner(np.ones((2, 5)), np.ones((5, 1)), 2)  # 5 = 2 * 3 - 1
    >>> [a.shape for a in Ab], [b.shape for b in Bb], pad
    ([(2, 3), (2, 3)], [(3, 1), (3, 1)], 1)
    """
    k = A.shape[1]
    kb = -(-k // m)
    pad = kb * m - k
    if pad:
        A = np.concatenate([A, np.zeros((A.shape[0], pad), dtype=A.dtype)], axis=1)
        B = np.concatenate([B, np.zeros((pad, B.shape[1]), dtype=B.dtype)], axis=0)
    Ab = [_readonly(A[:, i * kb : (i + 1) * kb]) for i in range(m)]
    Bb = [_readonly(B[i * kb : (i + 1) * kb]) for i in range(m)]
    return Ab, Bb, pad


def _readonly(view: np.ndarray) -> np.ndarray:
    v = view.view()
    v.flags.writeable = False  # a view of the caller's data: make writes impossible
    return v
