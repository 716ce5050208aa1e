r"""Hypothesis strategies for ffcc objects, for use in your own property-based tests.

One convention, :mod:`hypothesis.extra.numpy`'s: every function returns a
:class:`~hypothesis.strategies.SearchStrategy`; every parameter that can sensibly vary
(a prime, a field, a size, a count, a bound) takes a plain value **or a strategy**; plain
values are checked when the strategy is built and drawn ones when they are drawn, and a
bad one raises :class:`~hypothesis.errors.InvalidArgument` naming the parameter.

The distributions are chosen to find bugs, and shrinking is arranged so that a failure
shrinks to the smallest case: GF(2), entries 0 and 1, basis (1, ..., 1), no faults.

==========================  ===============================================================
:func:`primes`              primes, mixing tiny, word-boundary, largest and spread-out ones
:func:`fields`              :class:`~ffcc.field.PrimeField` over :func:`primes`
:func:`field_elements`      elements of GF(p), half from a fixed list of edge values
:func:`field_arrays`        int64 arrays with entries in [0, p)
:func:`field_matrices`      2-D :func:`field_arrays`
:func:`nodes`               distinct evaluation points (any n <= p, without filtering)
:func:`schemes`             random multilinear :class:`~ffcc.scheme.Scheme` objects
:func:`holding_schemes`     small schemes that hold, built constructively
:func:`catalog_schemes`     schemes from :data:`ffcc.codes.CATALOG` with drawn parameters
:func:`straggler_sets`      sorted lists of worker indices that straggle
:func:`byzantine_sets`      sorted lists of worker indices that lie, avoiding ``exclude``
:func:`arrival_orders`      which workers are missing and the order the others arrive in
:func:`fault_patterns`      stragglers and liars for a scheme, within its budget or beyond
:func:`sample_multigraphs`  lists of samples ``(l, r)`` with repeats, every index used
:func:`minimal`             the minimal example a strategy shrinks to (deterministic ``find``)
==========================  ===============================================================

Example
-------
>>> from hypothesis import given, settings
>>> from ffcc.strategies import field_matrices, fields
>>> @settings(deadline=None, max_examples=20)
... @given(fields(max_value=2**31 - 1).flatmap(
...     lambda F: field_matrices(F, 3, 3).map(lambda A: (F, A))))
... def test_transpose_of_product(FA):
...     F, A = FA
...     assert (F.matmul(A, A).T == F.matmul(A.T, A.T)).all()
>>> test_transpose_of_product()

Shrinking gives minimal cases (:func:`minimal` runs :func:`hypothesis.find`
deterministically):

>>> from ffcc.strategies import field_elements, minimal, primes
>>> minimal(primes(), lambda q: q > 2**31)  # the first prime of the two-sided limb path
2147483659
>>> minimal(primes().flatmap(lambda q: field_elements(q).map(lambda x: (q, x))),
...         lambda qx: qx[1] == qx[0] - 1 > 0)  # "an entry equal to p - 1"
(2, 1)
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import NamedTuple

import numpy as np

try:
    from hypothesis import Phase, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
    from hypothesis.extra import numpy as hnp
    from hypothesis.strategies import SearchStrategy
except ImportError as e:  # pragma: no cover - hypothesis is a test dependency
    raise ImportError(
        "ffcc.strategies needs hypothesis: pip install 'ffcc[test]' (or hypothesis)"
    ) from e

from ._errors import InputError
from .field import MAX_PRIME, PrimeField, next_prime, prev_prime
from .scheme import Scheme

__all__ = [
    "BOUNDARY_PRIMES",
    "TINY_PRIMES",
    "Arrival",
    "Faults",
    "arrival_orders",
    "byzantine_sets",
    "catalog_schemes",
    "fault_patterns",
    "field_arrays",
    "field_elements",
    "field_matrices",
    "fields",
    "holding_schemes",
    "minimal",
    "nodes",
    "primes",
    "sample_multigraphs",
    "schemes",
    "straggler_sets",
]

#: The smallest primes, drawn often by :func:`primes` (where p - 1 = 1, x = -x, ...).
TINY_PRIMES = (2, 3, 5, 7, 11, 13)

#: Primes at the edges of ffcc's arithmetic paths and of machine words, drawn often by
#: :func:`primes`: around 2^16 (65521, and the Fermat prime 65537), the largest 25-bit
#: prime (one-limb/two-limb edge), around 2^31 (2^31 - 1, the largest prime of the
#: one-sided limb path, and the first prime of the two-sided path), around 2^32, the
#: Mersenne prime 2^61 - 1, around 2^62 (above it a + b overflows int64) and the
#: largest prime below 2^63 (:data:`ffcc.field.MAX_PRIME`).
BOUNDARY_PRIMES = (
    65521,  # 2^16 - 15
    65537,  # 2^16 + 1
    33554393,  # 2^25 - 39
    2147483647,  # 2^31 - 1
    2147483659,  # 2^31 + 11, smallest prime above 2^31
    4294967291,  # 2^32 - 5
    4294967311,  # 2^32 + 15
    2305843009213693951,  # 2^61 - 1
    4611686018427387847,  # 2^62 - 57
    4611686018427388039,  # 2^62 + 135
    MAX_PRIME,  # 2^63 - 25
)

# Branches of primes() in shrinking order, with their weights out of 20; within the edge
# branch the range's largest prime takes about _LARGEST_SHARE of the draws.
_PRIME_MIX = (("tiny", 1), ("edge", 12), ("spread", 7))
_LARGEST_SHARE = 0.35


class Arrival(NamedTuple):
    """What :func:`arrival_orders` draws: the missing workers (sorted) and the order in
    which the others arrive.

    >>> Arrival(missing=[0], order=[2, 1, 3]).order
    [2, 1, 3]
    """

    missing: list[int]
    order: list[int]


class Faults(NamedTuple):
    """What :func:`fault_patterns` draws: stragglers and liars (sorted, disjoint).

    >>> Faults(stragglers=[0], byzantine=[3])
    Faults(stragglers=[0], byzantine=[3])
    """

    stragglers: list[int]
    byzantine: list[int]


# ----------------------------------------------------------------------------- helpers


def _check_int(value, name: str, lo: int | None = None, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InvalidArgument(f"{name} must be an integer or a strategy, got {value!r}")
    value = int(value)
    if lo is not None and value < lo:
        raise InvalidArgument(f"{name} = {value} must be at least {lo}")
    if hi is not None and value > hi:
        raise InvalidArgument(f"{name} = {value} must be at most {hi}")
    return value


def _int_arg(value, name: str, lo: int | None = None, hi: int | None = None):
    """Check a plain int now; a strategy passes (its draws are checked by :func:`_value`)."""
    if isinstance(value, SearchStrategy):
        return value
    return _check_int(value, name, lo, hi)


def _value(draw, value, name: str, lo: int | None = None, hi: int | None = None):
    """Draw ``value`` if it is a strategy, and check what was drawn."""
    if isinstance(value, SearchStrategy):
        return _check_int(draw(value), name, lo, hi)
    return value


def _as_field(field, name: str = "field") -> PrimeField:
    if isinstance(field, PrimeField):
        return field
    if isinstance(field, bool) or not isinstance(field, (int, np.integer)):
        raise InvalidArgument(
            f"{name} must be a prime, a PrimeField or a strategy of them, got {field!r}"
        )
    try:
        return PrimeField(int(field))
    except ValueError as e:
        raise InvalidArgument(f"{name}: {e}") from None


def _field_arg(field, name: str = "field"):
    return field if isinstance(field, SearchStrategy) else _as_field(field, name)


def _deferred(build, **params) -> SearchStrategy:
    """``build(**params)`` after drawing the parameters that are strategies."""
    return st.fixed_dictionaries(
        {k: v if isinstance(v, SearchStrategy) else st.just(v) for k, v in params.items()}
    ).flatmap(lambda kw: build(**kw))


def _any_strategy(*values) -> bool:
    return any(isinstance(v, SearchStrategy) for v in values)


def _special_values(p: int) -> tuple[int, ...]:
    """Edge values of GF(p), always seven of them whatever p is (p = 2 repeats some), so
    that an index into the list keeps its meaning while p shrinks."""
    h = (p - 1) // 2
    return tuple(v % p for v in (0, 1, p - 1, 2, p - 2, h, h + 1))


# ----------------------------------------------------------------------------- minimal


def minimal(strategy: SearchStrategy, condition=lambda x: True, *, max_examples: int = 2000):
    """The simplest example of ``strategy`` satisfying ``condition``, as shrinking finds it.

    This is :func:`hypothesis.find`, made deterministic (``derandomize=True``), without
    the example database (so examples stored for other strategies cannot leak in) and
    without the explain phase (slow, and only useful for failing tests). Use it to see
    what a strategy shrinks to, or to assert it in a test.

    Parameters
    ----------
    strategy:
        Any hypothesis strategy.
    condition:
        A predicate the example must satisfy (default: any example).
    max_examples:
        Examples tried before giving up (:class:`hypothesis.errors.NoSuchExample`).

    Examples
    --------
    >>> minimal(sample_multigraphs(), lambda g: len({l for l, _ in g}) >= 2)
    [(0, 0), (1, 0)]
    """
    quiet = settings(
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        max_examples=max_examples,
    )
    return find(strategy, condition, settings=quiet)


# ----------------------------------------------------------------------------- primes


def primes(min_value=2, max_value=MAX_PRIME) -> SearchStrategy[int]:
    r"""Primes q with ``min_value <= q <= max_value`` (at most :data:`~ffcc.field.MAX_PRIME`).

    Each draw first picks a branch, with weights 1 : 12 : 7:

    * **tiny**: one of :data:`TINY_PRIMES` (and the range's smallest prime);
    * **edge**: one of :data:`BOUNDARY_PRIMES` (around 2^16, 2^25, 2^31, 2^32, 2^61 and
      2^62) in the range, or the range's largest prime (:data:`~ffcc.field.MAX_PRIME` by
      default), which takes about 35% of this branch;
    * **spread**: a bit length uniform over the range's, then the first prime at or after
      a uniform integer of that length, so that 5-bit and 62-bit primes are about equally
      likely and nearly every draw is a new prime.

    Hypothesis never runs the same choices twice, so in a run the short tiny and edge
    branches are used up little by little and the spread branch takes over. Measured in
    runs of 100 examples (20 seeds, 2,000 draws): 13% tiny, 51% edge (16% the largest
    prime), 20% above 2^62, 16% between 2^30 and 2^34, 36% spread, of which 71% are
    distinct (the first prime after 2^k repeats); ``tests/test_strategies.py`` checks
    lower bounds on these.

    Only the choices a branch uses are drawn, so shrinking moves between like choices:
    towards the tiny branch and 2, then towards the first boundary prime satisfying the
    test, then towards short bit lengths (the first prime after a power of two).

    Parameters
    ----------
    min_value, max_value:
        Bounds (ints or strategies of ints; drawn bounds must contain a prime). Defaults:
        2 and :data:`~ffcc.field.MAX_PRIME`, the largest prime ffcc supports (< 2^63).

    Examples
    --------
    >>> minimal(primes())
    2
    >>> minimal(primes(), lambda q: q > 2**62)  # just past the int64-sum edge
    4611686018427388039
    >>> minimal(primes(min_value=100, max_value=200))
    101
    """
    if _any_strategy(min_value, max_value):
        _int_arg(min_value, "min_value")
        _int_arg(max_value, "max_value")
        return _deferred(primes, min_value=min_value, max_value=max_value)
    lo_arg = _check_int(min_value, "min_value")
    hi_arg = _check_int(max_value, "max_value")
    if hi_arg > MAX_PRIME:
        raise InvalidArgument(f"max_value = {hi_arg} exceeds MAX_PRIME = {MAX_PRIME} (< 2^63)")
    lo = next_prime(max(lo_arg, 2) - 1)
    if lo > hi_arg:
        raise InvalidArgument(f"there is no prime in [min_value, max_value] = [{lo_arg}, {hi_arg}]")
    hi = prev_prime(hi_arg + 1)
    if lo == hi:
        return st.just(lo)
    tiny = tuple(sorted({lo} | {q for q in TINY_PRIMES if lo <= q <= hi}))
    edge = [q for q in BOUNDARY_PRIMES if lo <= q < hi and q not in tiny]
    # sorted, so that shrinking the index finds the smallest edge prime that fails
    edge += [hi] * max(1, round(_LARGEST_SHARE * len(edge) / (1 - _LARGEST_SHARE)))
    table = tuple(name for name, weight in _PRIME_MIX for _ in range(weight))
    return _primes(lo, hi, tiny, tuple(edge), table)


@st.composite
def _primes(draw, lo: int, hi: int, tiny, edge, table) -> int:
    branch = draw(st.sampled_from(table))
    if branch != "spread":
        return draw(st.sampled_from(tiny if branch == "tiny" else edge))
    bits = draw(st.integers(lo.bit_length(), hi.bit_length()))
    base = 1 << (bits - 1)
    n = max(base + draw(st.integers(0, base - 1)), lo)
    return min(next_prime(n - 1), hi)  # hi is prime


def fields(min_value=2, max_value=MAX_PRIME) -> SearchStrategy[PrimeField]:
    """:class:`~ffcc.field.PrimeField` objects over :func:`primes` (same mix, same shrinking).

    Parameters
    ----------
    min_value, max_value:
        Bounds on p, ints or strategies (see :func:`primes`).

    Examples
    --------
    >>> minimal(fields(), lambda F: not F.fast)
    PrimeField(2147483659)
    """
    return primes(min_value, max_value).map(PrimeField)


# ----------------------------------------------------------------------------- arrays


def field_elements(field) -> SearchStrategy[int]:
    """Python ints in [0, p): a third of the draws from the edge values
    ``0, 1, p - 1, 2, p - 2, (p - 1)/2, (p + 1)/2`` (reduced mod p), a third uniform
    shrinking towards 0, a third uniform shrinking towards p - 1.

    The edge values are a list of **fixed length** whatever p is (for p = 2 it reads
    0, 1, 1, 0, 0, 0, 1), so a drawn "p - 1" stays "p - 1" while p shrinks: paired with
    :func:`primes`, a bug at entry p - 1 shrinks to p = 2, x = 1. Large values shrink
    to p - 1 and p - 2 rather than to small ones, so an overflow found at one prime still
    overflows when p shrinks to the smallest prime that shows it. Shrinks towards 0.

    Parameters
    ----------
    field:
        A prime, a :class:`~ffcc.field.PrimeField`, or a strategy of either (for example
        :func:`fields`); each element is then drawn in a freshly drawn field (use
        ``flatmap`` if the test needs the field too).

    Examples
    --------
    >>> minimal(field_elements(65537), lambda x: x > 0)
    1
    >>> minimal(field_elements(65537), lambda x: x > 40000)  # shrinks to p - 1 first
    65536
    """
    if isinstance(field, SearchStrategy):
        return field.flatmap(field_elements)
    p = _as_field(field).p
    top = st.integers(0, p - 1).map(lambda k: p - 1 - k)  # uniform too, but shrinks to p - 1
    return st.one_of(st.sampled_from(_special_values(p)), st.integers(0, p - 1), top)


def field_arrays(
    field,
    shape=None,
    *,
    elements: SearchStrategy[int] | None = None,
    fill: SearchStrategy[int] | None = None,
    unique: bool = False,
) -> SearchStrategy[np.ndarray]:
    """C-contiguous ``int64`` arrays of elements of GF(p) (every entry in [0, p)).

    Parameters
    ----------
    field:
        A prime, a :class:`~ffcc.field.PrimeField`, or a strategy for either (the array
        is then drawn in the drawn field; pair them with ``flatmap`` if the test needs
        the field too).
    shape:
        An int, a tuple, or a strategy of either (e.g.
        :func:`hypothesis.extra.numpy.array_shapes`); by default 1-D or 2-D with sides
        0..5.
    elements:
        A strategy for the entries; :func:`field_elements` by default (biased towards
        0, 1 and p - 1). Entries outside [0, p) raise an error when drawn.
    fill, unique:
        As in :func:`hypothesis.extra.numpy.arrays`. For distinct evaluation points use
        :func:`nodes`, which never needs to reject a draw.

    Examples
    --------
    >>> minimal(field_arrays(7, (2, 3)), lambda a: a.sum() > 0).tolist()
    [[0, 0, 0], [0, 0, 1]]
    >>> minimal(field_arrays(7, 3, fill=st.nothing()), lambda a: a.sum() > 0).tolist()
    [0, 0, 1]
    """
    if isinstance(field, SearchStrategy):
        return field.flatmap(
            lambda F: field_arrays(F, shape, elements=elements, fill=fill, unique=unique)
        )
    F = _as_field(field)
    if shape is None:
        shape = hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=5)
    elems = field_elements(F) if elements is None else elements
    return hnp.arrays(np.int64, shape, elements=elems, fill=fill, unique=unique).map(
        lambda a: _checked(F, a)
    )


def _checked(F: PrimeField, a: np.ndarray) -> np.ndarray:
    F.array(a, "drawn field array")  # raises if an entry is outside [0, p)
    return np.ascontiguousarray(a) if a.ndim else a  # keep 0-d arrays 0-d


def field_matrices(
    field,
    rows=None,
    cols=None,
    *,
    min_side=0,
    max_side=5,
    square: bool = False,
    elements: SearchStrategy[int] | None = None,
) -> SearchStrategy[np.ndarray]:
    """2-D :func:`field_arrays`.

    Parameters
    ----------
    field:
        A prime, a :class:`~ffcc.field.PrimeField` or a strategy of either.
    rows, cols:
        Ints or strategies; unspecified sides are drawn from ``min_side..max_side``.
    min_side, max_side:
        Bounds for the unspecified sides (ints or strategies).
    square:
        Draw one side for both (then ``cols`` must not be given).
    elements:
        Strategy for the entries, as in :func:`field_arrays`.

    Examples
    --------
    >>> minimal(field_matrices(5, square=True, min_side=2)).tolist()
    [[0, 0], [0, 0]]
    """
    if square and cols is not None:
        raise InvalidArgument("give either square=True or cols, not both")
    rows = None if rows is None else _int_arg(rows, "rows", 0)
    cols = None if cols is None else _int_arg(cols, "cols", 0)
    if _any_strategy(min_side, max_side):
        _int_arg(min_side, "min_side", 0)
        _int_arg(max_side, "max_side", 0)
        return _deferred(
            lambda min_side, max_side: field_matrices(
                field, rows, cols, min_side=min_side, max_side=max_side, square=square,
                elements=elements,
            ),
            min_side=min_side,
            max_side=max_side,
        )  # fmt: skip
    min_side = _check_int(min_side, "min_side", 0)
    if _check_int(max_side, "max_side", 0) < min_side:
        raise InvalidArgument(f"max_side = {max_side} is below min_side = {min_side}")
    side = st.integers(min_side, max_side)
    r = side if rows is None else _as_strategy(rows)
    if square:
        shape = r.map(lambda n: (n, n))
    else:
        shape = st.tuples(r, side if cols is None else _as_strategy(cols))
    return field_arrays(field, shape, elements=elements)


def _as_strategy(value) -> SearchStrategy:
    return value if isinstance(value, SearchStrategy) else st.just(value)


def nodes(field, n=None, *, min_n=0, max_n=8) -> SearchStrategy[np.ndarray]:
    """Distinct evaluation points: int64 arrays of n different elements of GF(p).

    A list of point choices, each a uniform value or an edge value (0, 1, 2, (p - 1)/2,
    (p + 1)/2, p - 2, p - 1), moved to the next free value when taken, so every n <= p
    is drawn without rejecting anything (``field_arrays(p, n, unique=True)``
    filters, and cannot finish when n is close to p). Shrinks towards
    ``[0, 1, ..., n - 1]``; like any list, points can be deleted while shrinking, so a
    failure needing "a node equal to p - 1" shrinks to the single node p - 1.

    Parameters
    ----------
    field:
        A prime, a :class:`~ffcc.field.PrimeField` or a strategy of either.
    n:
        The number of points: an int, which must not exceed p, or a strategy, whose
        draws are lowered to p when larger (so ``nodes(primes(), st.integers(1, 6))``
        never fails; use ``len`` of the result). By default n is drawn from
        ``min_n..min(p, max_n)``.
    min_n, max_n:
        Bounds on n when ``n`` is not given (ints or strategies; min_n is lowered to p).

    Examples
    --------
    >>> minimal(nodes(7, 3)).tolist()
    [0, 1, 2]
    >>> minimal(nodes(7, min_n=1, max_n=4), lambda x: 6 in x).tolist()  # p - 1 is a node
    [6]
    >>> minimal(nodes(2, 2), lambda x: x[0] == 1).tolist()  # all of GF(2), no retries
    [1, 0]
    """
    field = _field_arg(field)
    n = None if n is None else _int_arg(n, "n", 0)
    min_n = _int_arg(min_n, "min_n", 0)
    max_n = _int_arg(max_n, "max_n", 0)
    if not _any_strategy(min_n, max_n) and max_n < min_n:
        raise InvalidArgument(f"max_n = {max_n} is below min_n = {min_n}")
    if isinstance(n, int) and isinstance(field, PrimeField):
        _check_nodes(n, field.p)
    return _deferred(
        _nodes_in,
        field=field,
        n=_as_strategy(n),
        min_n=min_n,
        max_n=max_n,
        clamp=st.just(isinstance(n, SearchStrategy)),
    )


def _check_nodes(n: int, p: int) -> None:
    if n > p:
        raise InvalidArgument(
            f"n = {n} distinct nodes do not exist in GF({p}): use n <= p, or draw the "
            f"field with primes(min_value={n})"
        )


def _nodes_in(field, n, min_n, max_n, clamp) -> SearchStrategy[np.ndarray]:
    p = _as_field(field).p
    if n is None:
        lo = min(_check_int(min_n, "min_n", 0), p)
        hi = min(_check_int(max_n, "max_n", 0), p)
        if hi < lo:
            raise InvalidArgument(f"max_n = {max_n} is below min_n = {min_n}")
    else:
        n = _check_int(n, "n", 0)
        if not clamp:
            _check_nodes(n, p)
        lo = hi = min(n, p)
    special = _special_values(p)
    choice = st.one_of(st.integers(0, p - 1), st.sampled_from(special))
    return st.lists(choice, min_size=lo, max_size=hi).map(lambda vs: _distinct(p, vs, lo))


def _distinct(p: int, values, need: int) -> np.ndarray:
    """The values in order with repeats dropped; while fewer than ``need`` remain, the
    dropped ones come back moved to the next free value (exact sizes never retry)."""
    out = list(dict.fromkeys(values))
    taken, dropped = set(out), list(values)
    for v in out:
        dropped.remove(v)
    for v in dropped[: max(0, need - len(out))]:
        while v in taken:
            v = (v + 1) % p
        taken.add(v)
        out.append(v)
    return np.array(out, dtype=np.int64)


# ----------------------------------------------------------------------------- schemes


def _field_strategy(p) -> SearchStrategy:
    if p is None:
        return primes()
    return p if isinstance(p, SearchStrategy) else st.just(_as_field(p, "p"))


def _faults(draw, s, b, hi_w: int, lo_w: int = 1) -> tuple[int, int]:
    """Draw b and s so that s + 2b < hi_w: drawn values are clamped to what fits."""
    b = min(_value(draw, b, "byzantine", 0), (hi_w - 1) // 2)
    if s is None:
        return draw(st.integers(0, hi_w - 1 - 2 * b)), b
    return min(_value(draw, s, "stragglers", 0), hi_w - 1 - 2 * b), b


def _check_budget(s, b, max_workers, min_workers=1) -> None:
    """Plain ints that can never fit are refused up front."""
    s0 = s if isinstance(s, int) else 0
    b0 = b if isinstance(b, int) else 0
    if isinstance(max_workers, int) and s0 + 2 * b0 + 1 > max_workers:
        raise InvalidArgument(
            f"stragglers + 2 byzantine = {s0 + 2 * b0} needs at least {s0 + 2 * b0 + 1} "
            f"workers, more than max_workers = {max_workers}"
        )


def schemes(
    p=None,
    d=2,
    max_basis=3,
    max_workers=6,
    max_targets=3,
    stragglers=None,
    byzantine=0,
    *,
    min_workers=1,
    max_terms=3,
    elements: SearchStrategy[int] | None = None,
    name: str = "random",
) -> SearchStrategy[Scheme]:
    r"""Random multilinear :class:`~ffcc.scheme.Scheme` objects: random encoders, random
    sparse targets. Many fail (an encoder entry 0, two equal workers, a small field):
    use them to test verifiers, and :func:`holding_schemes` or :func:`catalog_schemes`
    when the test needs a scheme that holds.

    Every combination of arguments is respected: when s or b come from a strategy, a
    drawn value larger than ``max_workers`` allows is clamped to the largest that fits
    (plain ints that cannot fit are refused up front). Shrinks towards GF(2), basis
    (1, ..., 1), s = 0, b = 0, one worker with a zero encoder and a single target
    ``((0, ..., 0), 1)``: the choices are laid out so that shrinking the basis, the
    worker count or the faults leaves the other choices in place.

    Parameters
    ----------
    p:
        A prime, a :class:`~ffcc.field.PrimeField` or a strategy of either; by default
        :func:`primes`.
    d:
        Number of coordinates (2 is matrix multiplication): an int or a strategy.
    max_basis:
        Each basis size :math:`\lambda_c` is drawn from 1..max_basis (int or strategy).
    min_workers, max_workers:
        The worker count w is drawn from this range (raised to s + 2b + 1 if needed);
        ints or strategies.
    max_targets, max_terms:
        1..max_targets targets, each with 1..max_terms terms ``((l_1..l_d), coeff)``
        with a non-zero coefficient (indices may repeat within a target).
    stragglers:
        s as an int or strategy; by default any s with s + 2b < w.
    byzantine:
        b as an int or strategy (default 0).
    elements:
        Strategy for the encoder coefficients; :func:`field_elements` by default, whose
        frequent 0s and repeated values produce schemes that fail as well as ones that
        hold.
    name:
        The scheme's name; its ``params`` record ``{"strategy": "schemes"}``.

    Examples
    --------
    >>> S = minimal(schemes(p=7))
    >>> S.w, S.basis, S.stragglers, S.targets, [e.tolist() for e in S.E]
    (1, (1, 1), 0, ((((0, 0), 1),),), [[[0]], [[0]]])
    """
    args = dict(
        d=_int_arg(d, "d", 1),
        max_basis=_int_arg(max_basis, "max_basis", 1),
        lo_w=_int_arg(min_workers, "min_workers", 1),
        hi_w=_int_arg(max_workers, "max_workers", 1),
        max_targets=_int_arg(max_targets, "max_targets", 1),
        max_terms=_int_arg(max_terms, "max_terms", 1),
        s=None if stragglers is None else _int_arg(stragglers, "stragglers", 0),
        b=_int_arg(byzantine, "byzantine", 0),
    )
    if not _any_strategy(args["lo_w"], args["hi_w"]) and args["hi_w"] < args["lo_w"]:
        raise InvalidArgument(f"max_workers = {max_workers} is below min_workers = {min_workers}")
    _check_budget(args["s"], args["b"], args["hi_w"])
    return _schemes(_field_strategy(p), elements=elements, name=name, **args)


@st.composite
def _schemes(draw, p_st, *, d, max_basis, lo_w, hi_w, max_targets, max_terms, s, b, elements, name):
    F = _as_field(draw(p_st), "p")
    d = _value(draw, d, "d", 1)
    max_basis = _value(draw, max_basis, "max_basis", 1)
    hi_w = _value(draw, hi_w, "max_workers", 1)
    lo_w = min(_value(draw, lo_w, "min_workers", 1), hi_w)
    b = min(_value(draw, b, "byzantine", 0), (hi_w - 1) // 2)
    if s is not None:
        s = min(_value(draw, s, "stragglers", 0), hi_w - 1 - 2 * b)
    basis = [draw(st.integers(1, max_basis)) for _ in range(d)]
    coeff = st.one_of(st.just(1), st.integers(1, F.p - 1)) if F.p > 2 else st.just(1)
    index = st.tuples(*[st.integers(0, lam - 1) for lam in basis])
    max_terms = _value(draw, max_terms, "max_terms", 1)
    max_targets = _value(draw, max_targets, "max_targets", 1)
    targets = draw(
        st.lists(
            st.lists(st.tuples(index, coeff), min_size=1, max_size=max_terms),
            min_size=1,
            max_size=max_targets,
        )
    )
    # Workers are a list (shrinking can delete any of them), each a row of max_basis
    # entries per coordinate of which the last lam are used: a smaller basis keeps the
    # other choices in place, and shrinking moves non-zeros to the end of a row, where
    # they survive a smaller basis. s, when not given, comes last: it depends on w.
    el = field_elements(F) if elements is None else elements
    row = st.lists(el, min_size=max_basis, max_size=max_basis)
    need = (0 if s is None else s) + 2 * b + 1
    # every worker optional, then the ones still needed: a list's first min_size elements
    # cannot be deleted while shrinking, and the one to delete is often the first
    worker = st.tuples(*[row] * d)
    workers = draw(st.lists(worker, max_size=hi_w))
    short = max(lo_w, need) - len(workers)
    if short > 0:
        workers += draw(st.lists(worker, min_size=short, max_size=short))
    encoders = [
        [r[max_basis - lam :] for r, lam in zip(rows, basis, strict=True)] for rows in workers
    ]
    if s is None:
        s = draw(st.integers(0, len(workers) - 1 - 2 * b))
    return Scheme(
        F,
        basis,
        encoders,
        targets,
        stragglers=s,
        byzantine=b,
        name=name,
        params={"strategy": "schemes"},
    )


def holding_schemes(
    p=None,
    d=2,
    max_basis=3,
    max_workers=6,
    stragglers=None,
    byzantine=0,
    *,
    max_targets=2,
    max_terms=3,
    families=("polynomial", "matdot"),
) -> SearchStrategy[Scheme]:
    r"""Small schemes that **hold**, by construction (nothing is drawn and thrown away).

    Two families, each worker j at a distinct node :math:`x_j` (from :func:`nodes`) with
    non-zero scalings :math:`\alpha_{j,c}`:

    * ``"polynomial"`` (any d): :math:`e_{j,c}[l] = \alpha_{j,c} x_j^{\sigma_c l}` with
      strides :math:`\sigma_c = \lambda_1\cdots\lambda_{c-1}`. Worker j's tensor is a
      multiple of :math:`(1, x_j, \dots, x_j^{N-1})` (mixed-radix order,
      :math:`N = \prod_c \lambda_c`), so any N workers span everything (Vandermonde) and
      every target decodes. With basis (1, ..., 1), N = 1: replication.
    * ``"matdot"`` (d = 2): basis (m, m), :math:`e_{j,1}[i] = \alpha_j c_i x_j^i`,
      :math:`e_{j,2}[i] = \beta_j x_j^{m-1-i}`; the coefficient of :math:`x^{m-1}` is the
      single target :math:`\sum_i c_i A_i B_i`, from any 2m - 1 workers.

    The worker count is the threshold plus s + 2b, or more when ``max_workers`` (and, for
    a threshold of 2 or more, distinct nodes: w <= p) allow. Drawn s and b are clamped to
    what ``max_workers`` allows. Shrinks towards GF(2), basis (1, ..., 1), s = b = 0.
    ``params`` record the family and the nodes.

    Parameters
    ----------
    p:
        A prime, a :class:`~ffcc.field.PrimeField` or a strategy of either; by default
        :func:`primes`. Small fields only allow small thresholds (w <= p).
    d:
        Number of coordinates, an int or a strategy (the matdot family needs d = 2).
    max_basis:
        Largest :math:`\lambda_c` (int or strategy).
    max_workers:
        Largest w (int or strategy).
    stragglers, byzantine:
        s and b: ints or strategies (s by default any that fits, b by default 0).
    max_targets, max_terms:
        Targets of the polynomial family, as in :func:`schemes`.
    families:
        The families to draw from, in shrinking order.

    Examples
    --------
    >>> S = minimal(holding_schemes(stragglers=2))
    >>> S.p, S.basis, S.w, S.stragglers
    (2, (1, 1), 3, 2)
    >>> from ffcc.verify import verify
    >>> S = minimal(holding_schemes(p=65537, max_workers=3), lambda S: max(S.basis) >= 2)
    >>> S.basis, S.w, verify(S).holds
    ((2, 2), 3, True)
    """
    families = tuple(families)
    if not families or any(f not in ("polynomial", "matdot") for f in families):
        raise InvalidArgument(
            f"families must be a non-empty selection of 'polynomial' and 'matdot', got {families!r}"
        )
    args = dict(
        d=_int_arg(d, "d", 1),
        max_basis=_int_arg(max_basis, "max_basis", 1),
        hi_w=_int_arg(max_workers, "max_workers", 1),
        max_targets=_int_arg(max_targets, "max_targets", 1),
        max_terms=_int_arg(max_terms, "max_terms", 1),
        s=None if stragglers is None else _int_arg(stragglers, "stragglers", 0),
        b=_int_arg(byzantine, "byzantine", 0),
    )
    _check_budget(args["s"], args["b"], args["hi_w"])
    return _holding(_field_strategy(p), families=families, **args)


@st.composite
def _holding(draw, p_st, *, d, max_basis, hi_w, max_targets, max_terms, s, b, families):
    F = _as_field(draw(p_st), "p")
    p = F.p
    d = _value(draw, d, "d", 1)
    max_basis = _value(draw, max_basis, "max_basis", 1)
    hi_w = _value(draw, hi_w, "max_workers", 1)
    max_terms = _value(draw, max_terms, "max_terms", 1)
    max_targets = _value(draw, max_targets, "max_targets", 1)
    s, b = _faults(draw, s, b, hi_w)
    spare = s + 2 * b
    # A threshold N >= 2 needs N + s + 2b distinct nodes: N <= p - s - 2b.
    cap = max(1, min(hi_w, p) - spare)
    family = draw(st.sampled_from(families))
    if family == "matdot" and d != 2:
        family = "polynomial"
    if family == "polynomial":
        basis = []
        for _ in range(d):
            room = cap // int(np.prod(basis, dtype=object) if basis else 1)
            basis.append(draw(st.integers(1, max(1, min(max_basis, room)))))
        N = int(np.prod(basis, dtype=object))
    else:
        m = draw(st.integers(1, max(1, min(max_basis, (cap + 1) // 2))))
        basis, N = [m, m], 2 * m - 1
        if m == 1:  # the same scheme as the polynomial family's with basis (1, 1)
            family = "polynomial"
    hi = min(hi_w, p) if N >= 2 else hi_w
    w = draw(st.integers(N + spare, max(N + spare, hi)))
    x = draw(nodes(p, w)) if N >= 2 else np.zeros(w, dtype=np.int64)
    nonzero = st.integers(1, p - 1) if p > 2 else st.just(1)
    encoders = []
    if family == "polynomial":
        strides = np.cumprod([1] + basis[:-1]).tolist()
        for j in range(w):
            xj = int(x[j])
            row = []
            for sig, lam in zip(strides, basis, strict=True):
                alpha = draw(nonzero)  # one scaling per worker and coordinate
                row.append([alpha * pow(xj, sig * l, p) % p for l in range(lam)])
            encoders.append(row)
        coeff = st.one_of(st.just(1), nonzero)
        index = st.tuples(*[st.integers(0, lam - 1) for lam in basis])
        targets = draw(
            st.lists(
                st.lists(st.tuples(index, coeff), min_size=1, max_size=max_terms),
                min_size=1,
                max_size=max_targets,
            )
        )
    else:
        c = [draw(st.one_of(st.just(1), nonzero)) for _ in range(m)]
        for j in range(w):
            xj, a, bb = int(x[j]), draw(nonzero), draw(nonzero)
            encoders.append(
                [
                    [a * c[i] * pow(xj, i, p) % p for i in range(m)],
                    [bb * pow(xj, m - 1 - i, p) % p for i in range(m)],
                ]
            )
        targets = [[((i, i), c[i]) for i in range(m)]]
    return Scheme(
        F,
        basis,
        encoders,
        targets,
        stragglers=s,
        byzantine=b,
        name=f"holding-{family}",
        params={"strategy": "holding_schemes", "family": family, "nodes": x.tolist()},
    )


# Small parameter grids for the catalog's constructions (anything registered later is
# drawn with its defaults and s in 0..2).
_CATALOG_GRIDS = {
    "matdot": {"m": range(1, 5), "s": range(4)},
    "polynomial": {"m": range(1, 4), "n": range(1, 4), "s": range(3)},
    "entangled-polynomial": {"m": (1, 2), "n": (1, 2), "q": (1, 2), "s": range(3)},
    "polydot": {"m": (1, 2), "n": (1, 2), "q": (1, 2), "s": range(3)},
    "lagrange": {
        "k": range(1, 4),
        "s": range(3),
        "b": (0, 1),
        "d": (1, 2, 3),
        "systematic": (False, True),
    },
    "threem": {
        "K": (1, 2),
        "s": range(3),
        "targets": ("complex", "products"),
        "layout": ("auto", "global", "blocks"),
    },
    "locality-dependency": {"k": range(2, 5), "s": range(3)},
    "locality-coordinates": {
        "samples": ("0-0", "0-0,0-1", "0-0,1-1", "0-0,0-1,1-1", "0-0,0-1,1-1,1-0", "0-0,0-0"),
        "s": range(3),
        "merge": (1, 0),
    },
    "secure-matdot": {"m": (1, 2), "X": (1, 2), "s": range(3)},
    "gasp-big": {"K": (1, 2), "L": (1, 2), "T": (1, 2), "s": range(3)},
    "gasp-r": {"K": (1, 2), "L": (1, 2), "T": (1, 2), "r": (1,), "s": range(3)},
    "polynomial-sharing": {"m": (1, 2), "n": (1, 2), "X": (1,), "s": range(3)},
    "batch-mds": {"m": (2, 3), "n": (2,), "s": range(3)},
}


def _grid(name: str, defaults: dict) -> list[dict]:
    grid = _CATALOG_GRIDS.get(name, {"s": range(3)} if "s" in defaults else {})
    keys = list(grid)
    return [dict(zip(keys, vals, strict=True)) for vals in itertools.product(*grid.values())]


@lru_cache(maxsize=64)
def _catalog_menu(names: tuple[str, ...], p_key: int, max_workers: int) -> tuple:
    """``((name, ((params, s), ...)), ...)``: for each construction, the grid points that
    build over GF(p_key) with at most max_workers workers, smallest w first; the
    constructions ordered by their smallest w. Builders refuse fields too small for their
    nodes: the feasible set only grows with p, so one prime stands for every p >= p_key."""
    from .codes import CATALOG  # measured: ffcc.codes loads numba, +0.9 s on this import

    menu = []
    for name in names:
        entry = CATALOG[name]
        fits = []
        for params in _grid(name, entry.defaults):
            try:
                S = entry.build(**{**entry.defaults, **params, "p": p_key})
            except (InputError, ValueError):  # e.g. too few nodes in GF(p), or p = 2
                continue
            if S.w <= max_workers:
                fits.append((S.w, S.stragglers, params))
        if fits:
            fits.sort(key=lambda e: e[:2])
            menu.append((fits[0][0], name, tuple((params, s) for _, s, params in fits)))
    menu.sort(key=lambda e: e[0])
    return tuple((name, points) for _, name, points in menu)


def catalog_schemes(
    names=None, *, p=None, max_workers=8, stragglers=None
) -> SearchStrategy[Scheme]:
    """Schemes of the catalog's constructions (:data:`ffcc.codes.CATALOG`: MatDot,
    polynomial, entangled polynomial, PolyDot, Lagrange, 3M, the locality codes) with
    drawn parameters. They hold by construction (the test suite verifies draws).

    Each construction has a small grid of parameters (m, n, q, k, K, d, b, targets,
    layout, sample graphs, s); the grid points that fit ``max_workers`` and the drawn
    field are listed, smallest w first. A construction is drawn uniformly among those
    with a fitting point, then one of its points: no draw is rejected. A
    construction registered after this module was written is drawn with its defaults
    and s in 0..2. Shrinks towards the smallest scheme (one worker, s = 0).

    Parameters
    ----------
    names:
        A construction name, a list of names, or a strategy of names; by default all.
    p:
        A prime, a :class:`~ffcc.field.PrimeField` or a strategy of either; by default
        :func:`primes` starting at the smallest prime where the chosen constructions fit
        (for a drawn field with no fitting grid point, InvalidArgument names p).
    max_workers:
        Largest w (int or strategy).
    stragglers:
        s as an int or strategy; by default any. A drawn s larger than any grid point
        offers is lowered to the largest offered.

    Examples
    --------
    >>> S = minimal(catalog_schemes())
    >>> S.name, S.w, S.stragglers
    ('polynomial', 1, 0)
    >>> S = minimal(catalog_schemes("lagrange", p=65537), lambda S: S.byzantine == 1)
    >>> S.name, S.w, S.R, S.byzantine
    ('lagrange', 3, 1, 1)
    """
    from .codes import CATALOG  # measured: ffcc.codes loads numba, +0.9 s on this import

    if isinstance(names, SearchStrategy):
        return _deferred(
            lambda names: catalog_schemes(
                names, p=p, max_workers=max_workers, stragglers=stragglers
            ),
            names=names,
        )
    if names is None:
        names = tuple(CATALOG)
    elif isinstance(names, str):
        names = (names,)
    names = tuple(names)
    unknown = [n for n in names if n not in CATALOG]
    if not names or unknown:
        raise InvalidArgument(
            f"names: unknown construction(s) {unknown}; known: {', '.join(sorted(CATALOG))}"
        )
    hi_w = _int_arg(max_workers, "max_workers", 1)
    s = None if stragglers is None else _int_arg(stragglers, "stragglers", 0)
    if p is None:
        if isinstance(hi_w, int):
            q = 2
            while not _offers(_catalog_menu(names, _p_key(q, hi_w), hi_w), s):
                q = next_prime(q)
                if q > 4 * hi_w + 8:
                    raise InvalidArgument(
                        f"no construction of {list(names)} fits max_workers = {hi_w}"
                        + ("" if s is None else f" with stragglers = {s}")
                    )
            p_st = primes(min_value=q)
        else:
            p_st = primes(min_value=64)
    else:
        p_st = _field_strategy(p)
    return _catalog(p_st, names, hi_w, s)


def _offers(menu, s) -> bool:
    """Does the menu offer a grid point (with exactly s stragglers, when s is an int)?"""
    return any(not isinstance(s, int) or e[1] == s for _, points in menu for e in points)


def _p_key(p: int, max_workers: int) -> int:
    # Builders need at most a few nodes per worker; past that bound every p behaves alike.
    bound = next_prime(4 * max_workers + 8)
    return p if p < bound else bound


@st.composite
def _catalog(draw, p_st, names, hi_w, s):
    from .codes import CATALOG  # measured: ffcc.codes loads numba, +0.9 s on this import

    F = _as_field(draw(p_st), "p")
    hi_w = _value(draw, hi_w, "max_workers", 1)
    menu = _catalog_menu(names, _p_key(F.p, hi_w), hi_w)
    if s is not None:
        want = _value(draw, s, "stragglers", 0)
        offered = {s for _, points in menu for _, s in points}
        if isinstance(s, int) and want not in offered:
            raise InvalidArgument(
                f"stragglers = {want}: no construction of {list(names)} with at most "
                f"{hi_w} workers over GF({F.p}) tolerates exactly that many"
            )
        want = max((v for v in offered if v <= want), default=min(offered, default=0))
        menu = [(n, tuple(e for e in points if e[1] == want)) for n, points in menu]
        menu = tuple((n, points) for n, points in menu if points)
    if not menu:
        raise InvalidArgument(
            f"p = {F.p}: no construction of {list(names)} fits GF({F.p}) with at most "
            f"{hi_w} workers; draw p from primes(min_value=...) with a larger minimum"
        )
    name, points = draw(st.sampled_from(menu))
    params, _ = draw(st.sampled_from(points))
    entry = CATALOG[name]
    return entry.build(**{**entry.defaults, **params, "p": F.p})


# ----------------------------------------------------------------------------- faults


def straggler_sets(w, s, *, exact: bool = True) -> SearchStrategy[list[int]]:
    """Sorted lists of distinct worker indices in ``range(w)``.

    Shrinks towards ``[0, 1, ..., s - 1]`` (or ``[]``). Sorted on purpose: a set of
    stragglers has no order; for the order in which results arrive use
    :func:`arrival_orders`.

    Parameters
    ----------
    w:
        Number of workers (int or strategy).
    s:
        Number of stragglers, at most w (int or strategy).
    exact:
        Exactly s of them (default), or at most s.

    Examples
    --------
    >>> minimal(straggler_sets(6, 2), lambda S: 5 in S)
    [0, 5]
    >>> minimal(straggler_sets(st.integers(1, 6), 1), lambda S: S[0] >= 3)
    [3]
    """
    if _any_strategy(w, s):
        _int_arg(w, "w", 0)
        _int_arg(s, "s", 0)
        return _deferred(lambda w, s: straggler_sets(w, s, exact=exact), w=w, s=s)
    w = _check_int(w, "w", 0)
    s = _check_int(s, "s", 0)
    if s > w:
        raise InvalidArgument(f"s = {s}: cannot pick {s} stragglers among w = {w} workers")
    return st.lists(
        st.integers(0, w - 1) if w else st.nothing(),
        min_size=s if exact else 0,
        max_size=s,
        unique=True,
    ).map(sorted)


def byzantine_sets(w, b, *, exclude=(), exact: bool = True) -> SearchStrategy[list[int]]:
    """Sorted lists of distinct worker indices in ``range(w)`` outside ``exclude``.

    Parameters
    ----------
    w:
        Number of workers (int or strategy).
    b:
        Number of liars (int or strategy).
    exclude:
        Workers that cannot lie (e.g. the stragglers, which return nothing to corrupt).
    exact:
        Exactly b of them (default), or at most b.

    Examples
    --------
    >>> minimal(byzantine_sets(5, 2, exclude=[0, 1]))
    [2, 3]
    """
    if _any_strategy(w, b):
        _int_arg(w, "w", 0)
        _int_arg(b, "b", 0)
        return _deferred(lambda w, b: byzantine_sets(w, b, exclude=exclude, exact=exact), w=w, b=b)
    w = _check_int(w, "w", 0)
    b = _check_int(b, "b", 0)
    excluded = {int(x) for x in exclude}
    pool = [j for j in range(w) if j not in excluded]
    if b > len(pool):
        raise InvalidArgument(f"b = {b}: cannot pick {b} liars among {len(pool)} candidates")
    if not pool:
        return st.just([])
    return st.lists(st.sampled_from(pool), min_size=b if exact else 0, max_size=b, unique=True).map(
        sorted
    )


def arrival_orders(w, s, *, exact: bool = True) -> SearchStrategy[Arrival]:
    """Which workers never answer, and the order in which the others arrive.

    Draws :class:`Arrival` ``(missing, order)``: ``missing`` a sorted list of s workers
    (as :func:`straggler_sets`), ``order`` the others, in index order and then shuffled
    by a drawn list of swaps of positions. A decoder that assumes results come back
    sorted by worker index fails on the first swap. Shrinks towards ``[0, ..., s - 1]``
    missing and the others in index order; an order bug shrinks to one swap of the first
    two arrivals, which keeps its meaning when w shrinks too.

    Parameters
    ----------
    w:
        Number of workers (int or strategy).
    s:
        Number missing, at most w (int or strategy).
    exact:
        Exactly s missing (default), or at most s.

    Examples
    --------
    >>> minimal(arrival_orders(4, 1))
    Arrival(missing=[0], order=[1, 2, 3])
    >>> minimal(arrival_orders(4, 1), lambda a: a.order != sorted(a.order))
    Arrival(missing=[0], order=[2, 1, 3])
    """
    if _any_strategy(w, s):
        _int_arg(w, "w", 0)
        _int_arg(s, "s", 0)
        return _deferred(lambda w, s: arrival_orders(w, s, exact=exact), w=w, s=s)
    w = _check_int(w, "w", 0)
    return straggler_sets(w, s, exact=exact).flatmap(lambda M: _arrivals(w, M))


def _arrivals(w: int, missing: list[int]) -> SearchStrategy[Arrival]:
    order = [j for j in range(w) if j not in missing]
    n = len(order)
    if n < 2:
        return st.just(Arrival(missing, order))
    pos = st.integers(0, n - 1)

    def shuffle(swaps):
        out = list(order)
        for a, b in swaps:
            out[a], out[b] = out[b], out[a]
        return Arrival(missing, out)

    return st.lists(st.tuples(pos, pos), max_size=n).map(shuffle)


def fault_patterns(scheme, s=None, b=None, *, exact: bool = True, beyond: bool = False):
    """Stragglers and liars for a scheme: disjoint sorted lists, as :class:`Faults`.

    Within the budget (default), exactly s stragglers and b liars, the worst case the
    scheme must survive (``exact=False``: at most s and at most b). With ``beyond=True``,
    patterns the scheme is *not* built for: s' stragglers and b' liars with
    s' + 2 b' > s + 2 b (b' <= b + 1, s' + b' <= w), to test that a decoder refuses
    rather than returns a wrong answer. Shrinks towards the lowest worker indices (and,
    beyond the budget, towards extra stragglers rather than extra liars).

    Parameters
    ----------
    scheme:
        A :class:`~ffcc.scheme.Scheme` (w, s and b are then its own), a worker count w,
        or a strategy of either.
    s, b:
        The budget when ``scheme`` is a worker count (ints or strategies; b defaults to
        0); with a scheme, overrides of its s and b.
    exact:
        Within the budget: exactly s and b (default), or at most.
    beyond:
        Draw patterns beyond the budget instead.

    Examples
    --------
    >>> minimal(fault_patterns(5, 1, 1))
    Faults(stragglers=[0], byzantine=[1])
    >>> from ffcc.codes import build
    >>> S = build("matdot", m=2, s=1)  # w = 4, R = 3
    >>> minimal(fault_patterns(S, beyond=True))
    Faults(stragglers=[0, 1], byzantine=[])
    """
    if _any_strategy(scheme, s, b):
        if not isinstance(scheme, (Scheme, SearchStrategy)):
            _int_arg(scheme, "scheme", 0)
        _int_arg(0 if s is None else s, "s", 0)
        _int_arg(0 if b is None else b, "b", 0)
        return _deferred(
            lambda scheme, s, b: fault_patterns(scheme, s, b, exact=exact, beyond=beyond),
            scheme=scheme,
            s=_as_strategy(s),
            b=_as_strategy(b),
        )
    if isinstance(scheme, Scheme):
        w = scheme.w
        s = scheme.stragglers if s is None else s
        b = scheme.byzantine if b is None else b
    else:
        w = scheme
        if s is None:
            raise InvalidArgument("s: give the number of stragglers with a worker count")
    w = _check_int(w, "w", 0)
    s = _check_int(s, "s", 0)
    b = _check_int(0 if b is None else b, "b", 0)
    if not beyond:
        if s + b > w:
            raise InvalidArgument(f"s + b = {s + b} exceeds w = {w}")
        return straggler_sets(w, s, exact=exact).flatmap(
            lambda S: byzantine_sets(w, b, exclude=S, exact=exact).map(lambda B: Faults(S, B))
        )
    if s + 2 * b + 1 > w:
        raise InvalidArgument(
            f"s + 2b = {s + 2 * b} already covers all w = {w} workers: nothing lies beyond"
        )
    return _beyond(w, s + 2 * b, b)


@st.composite
def _beyond(draw, w: int, budget: int, b: int) -> Faults:
    liars = draw(st.integers(0, min(b + 1, w)))
    late = draw(st.integers(max(0, budget + 1 - 2 * liars), w - liars))
    S = draw(straggler_sets(w, late))
    return Faults(S, draw(byzantine_sets(w, liars, exclude=S)))


# ----------------------------------------------------------------------------- sample graphs


def sample_multigraphs(
    max_left=4, max_right=4, max_samples=8, *, min_samples=1
) -> SearchStrategy[list[tuple[int, int]]]:
    """Lists of samples ``(l, r)`` (edges of a bipartite multigraph, repeats allowed).

    Labels are relabelled to ``0..lambda_1 - 1`` and ``0..lambda_2 - 1`` in increasing
    order, so every basis index is used. Shrinks towards ``min_samples`` copies of
    ``(0, 0)``.

    Parameters
    ----------
    max_left, max_right:
        Largest :math:`\\lambda_1`, :math:`\\lambda_2` (ints or strategies).
    min_samples, max_samples:
        Bounds on the number of samples (ints or strategies).

    Examples
    --------
    >>> minimal(sample_multigraphs(), lambda g: len(set(g)) >= 2)
    [(0, 0), (0, 1)]
    """
    if _any_strategy(max_left, max_right, max_samples, min_samples):
        for v, n, lo in (
            (max_left, "max_left", 1),
            (max_right, "max_right", 1),
            (max_samples, "max_samples", 0),
            (min_samples, "min_samples", 0),
        ):
            _int_arg(v, n, lo)  # fmt: skip
        return _deferred(
            lambda max_left, max_right, max_samples, min_samples: sample_multigraphs(
                max_left, max_right, max_samples, min_samples=min_samples
            ),
            max_left=max_left,
            max_right=max_right,
            max_samples=max_samples,
            min_samples=min_samples,
        )
    max_left = _check_int(max_left, "max_left", 1)
    max_right = _check_int(max_right, "max_right", 1)
    min_samples = _check_int(min_samples, "min_samples", 0)
    max_samples = _check_int(max_samples, "max_samples", 0)
    if max_samples < min_samples:
        raise InvalidArgument(f"max_samples = {max_samples} is below min_samples = {min_samples}")
    pair = st.tuples(st.integers(0, max_left - 1), st.integers(0, max_right - 1))
    return st.lists(pair, min_size=min_samples, max_size=max_samples).map(_relabel)


def _relabel(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    left = {v: i for i, v in enumerate(sorted({l for l, _ in pairs}))}
    right = {v: i for i, v in enumerate(sorted({r for _, r in pairs}))}
    return [(left[l], right[r]) for l, r in pairs]
