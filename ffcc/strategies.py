"""Hypothesis strategies for ffcc objects, for use in your own property-based tests.

Modelled on :mod:`hypothesis.extra.numpy`: every function returns a
:class:`~hypothesis.strategies.SearchStrategy`, takes plain values or strategies for
its size parameters, and shrinks towards small, readable examples (small primes,
entries 0, tiny shapes, few workers).

=========================  ================================================================
:func:`primes`             primes in a range, boundary-heavy (2, 3, 65537, 2^31 - 1, ...)
:func:`fields`             :class:`~ffcc.field.PrimeField` over :func:`primes`
:func:`field_elements`     single elements of GF(p), biased towards 0, 1, p - 1, (p +- 1)/2
:func:`field_arrays`       int64 arrays with entries in [0, p)
:func:`field_matrices`     2-D :func:`field_arrays`
:func:`schemes`            random multilinear :class:`~ffcc.scheme.Scheme` objects
:func:`straggler_sets`     sorted lists of worker indices that straggle
:func:`byzantine_sets`     sorted lists of worker indices that lie, avoiding ``exclude``
:func:`fault_patterns`     disjoint ``(stragglers, byzantine)`` pairs
:func:`sample_multigraphs`  lists of samples ``(l, r)`` with repeats, every index used
:func:`minimal`            the minimal example a strategy shrinks to (deterministic ``find``)
=========================  ================================================================

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

>>> from ffcc.strategies import minimal, primes, sample_multigraphs
>>> minimal(primes(), lambda q: q > 2**31)  # the first prime of the two-sided limb path
2147483659
>>> minimal(sample_multigraphs(), lambda g: len(g) >= 3)
[(0, 0), (0, 0), (0, 0)]
"""

from __future__ import annotations

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

from .field import MAX_PRIME, PrimeField, next_prime, prev_prime
from .scheme import Scheme

__all__ = [
    "BOUNDARY_PRIMES",
    "byzantine_sets",
    "fault_patterns",
    "field_arrays",
    "field_elements",
    "field_matrices",
    "fields",
    "minimal",
    "primes",
    "sample_multigraphs",
    "schemes",
    "straggler_sets",
]

#: Primes at the edges of ffcc's arithmetic paths, drawn with extra probability by
#: :func:`primes`: the smallest fields, 65537 (the 2^16 + 1 Fermat prime), the largest
#: 25-bit prime (one-limb/two-limb edge), 2^31 - 1 (the largest prime of the one-sided
#: limb path), the smallest prime above 2^31 (first prime of the two-sided path), the
#: primes around 2^32, the Mersenne prime 2^61 - 1 and the largest prime below 2^63.
BOUNDARY_PRIMES = (
    2,
    3,
    5,
    7,
    65537,
    33554393,  # 2^25 - 39
    2147483647,  # 2^31 - 1
    2147483659,  # smallest prime above 2^31
    4294967291,  # 2^32 - 5
    4294967311,  # 2^32 + 15
    2305843009213693951,  # 2^61 - 1
    MAX_PRIME,  # 2^63 - 25
)


# ----------------------------------------------------------------------------- helpers


def _check_int(value, name: str, lo: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InvalidArgument(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if lo is not None and value < lo:
        raise InvalidArgument(f"{name} = {value} must be at least {lo}")
    return value


def _as_strategy(value, name: str, lo: int = 0) -> SearchStrategy:
    """An int (checked) becomes ``just(int)``; a strategy passes through."""
    if isinstance(value, SearchStrategy):
        return value
    return st.just(_check_int(value, name, lo))


def _as_field(field) -> PrimeField:
    if isinstance(field, PrimeField):
        return field
    try:
        return PrimeField(field)
    except ValueError as e:
        raise InvalidArgument(str(e)) from None


# ----------------------------------------------------------------------------- minimal


def minimal(strategy: SearchStrategy, condition=lambda x: True, *, max_examples: int = 2000):
    """The simplest example of ``strategy`` satisfying ``condition``, as shrinking finds it.

    This is :func:`hypothesis.find`, made deterministic (``derandomize=True``), without
    the example database (so examples stored for other strategies cannot leak in) and
    without the explain phase (slow, and only useful for failing tests). Use it to see
    what a strategy shrinks to, or to assert it in a test.

    Example
    -------
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


def primes(min_value: int = 2, max_value: int = MAX_PRIME) -> SearchStrategy[int]:
    """Primes q with ``min_value <= q <= max_value`` (at most the largest prime below 2^63).

    About a quarter of the draws come from :data:`BOUNDARY_PRIMES` plus the two end
    primes of the range; the rest pick a bit length uniformly, then the first prime at or
    after a random integer of that length, so that 5-bit and 62-bit primes are about
    equally likely. Shrinks towards the smallest prime in the range, and otherwise
    towards short bit lengths (``q > 1000`` shrinks to 1031, the first prime after 2^10).

    Example
    -------
    >>> minimal(primes(), lambda q: True)
    2
    >>> minimal(primes(min_value=2**31), lambda q: True)  # first prime of the two-sided path
    2147483659
    >>> minimal(primes(min_value=100, max_value=200), lambda q: True)
    101
    """
    lo_arg = _check_int(min_value, "min_value")
    hi_arg = _check_int(max_value, "max_value")
    if hi_arg > MAX_PRIME:
        raise InvalidArgument(f"max_value = {hi_arg} exceeds MAX_PRIME = {MAX_PRIME} (< 2^63)")
    lo = next_prime(max(lo_arg, 2) - 1)
    if lo > hi_arg:
        raise InvalidArgument(f"there is no prime in [{lo_arg}, {hi_arg}]")
    hi = prev_prime(hi_arg + 1)
    if lo == hi:
        return st.just(lo)
    boundary = sorted({q for q in BOUNDARY_PRIMES if lo <= q <= hi} | {lo, hi})
    return _primes(lo, hi, tuple(boundary))


@st.composite
def _primes(draw, lo: int, hi: int, boundary: tuple[int, ...]) -> int:
    # Two choices in every branch, so that shrinking compares like with like: a bit length
    # (values past hi's length select the boundary list, about a quarter of the draws)
    # and an offset, read modulo the branch's range so it stays meaningful when the bit
    # length shrinks.
    lo_bits, hi_bits = lo.bit_length(), hi.bit_length()
    bits = draw(st.integers(lo_bits, hi_bits + max(1, (hi_bits - lo_bits + 1) // 3)))
    offset = draw(st.integers(0, (1 << hi_bits) - 1))
    if bits > hi_bits:
        return boundary[offset % len(boundary)]
    base = 1 << (bits - 1)
    n = min(max(base + offset % base, lo), hi)
    q = next_prime(n - 1)
    return q if q <= hi else hi


def fields(min_value: int = 2, max_value: int = MAX_PRIME) -> SearchStrategy[PrimeField]:
    """:class:`~ffcc.field.PrimeField` objects over :func:`primes` in the given range.

    Example
    -------
    >>> minimal(fields(), lambda F: not F.fast)
    PrimeField(2147483659)
    """
    return primes(min_value, max_value).map(PrimeField)


# ----------------------------------------------------------------------------- arrays


def field_elements(field) -> SearchStrategy[int]:
    """Python ints in [0, p), half of them from the edge values 0, 1, p - 1, 2, p - 2 and
    the signed-embedding edges (p - 1)/2, (p + 1)/2. Shrinks towards 0.

    ``field`` is a prime or a :class:`~ffcc.field.PrimeField`.

    Example
    -------
    >>> minimal(field_elements(65537), lambda x: x > 0)
    1
    >>> minimal(field_elements(65537), lambda x: x > 40000)
    65535
    """
    p = _as_field(field).p
    h = (p - 1) // 2
    special = sorted({v % p for v in (0, 1, 2, h, h + 1, p - 2, p - 1)})  # shrinks to 0
    return st.one_of(st.sampled_from(special), st.integers(0, p - 1))


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
        An int, a tuple, or a strategy of tuples (e.g.
        :func:`hypothesis.extra.numpy.array_shapes`); by default 1-D or 2-D with sides
        0..5.
    elements:
        A strategy for the entries; :func:`field_elements` by default (biased towards
        0, 1 and p - 1). Entries outside [0, p) raise an error when drawn.
    fill, unique:
        As in :func:`hypothesis.extra.numpy.arrays`.

    Example
    -------
    >>> minimal(field_arrays(7, (2, 3)), lambda a: a.sum() > 0).tolist()  # one fill value
    [[1, 1, 1], [1, 1, 1]]
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
    min_side: int = 0,
    max_side: int = 5,
    square: bool = False,
    elements: SearchStrategy[int] | None = None,
) -> SearchStrategy[np.ndarray]:
    """2-D :func:`field_arrays`; ``rows`` and ``cols`` are ints or strategies.

    Unspecified sides are drawn from ``min_side..max_side``; ``square=True`` draws one
    side for both.

    Example
    -------
    >>> minimal(field_matrices(5, square=True, min_side=2), lambda A: True).tolist()
    [[0, 0], [0, 0]]
    """
    _check_int(min_side, "min_side", 0)
    if _check_int(max_side, "max_side", 0) < min_side:
        raise InvalidArgument(f"max_side = {max_side} is below min_side = {min_side}")
    side = st.integers(min_side, max_side)
    r = side if rows is None else _as_strategy(rows, "rows")
    if square:
        if cols is not None:
            raise InvalidArgument("give either square=True or cols, not both")
        shape = r.map(lambda n: (n, n))
    else:
        c = side if cols is None else _as_strategy(cols, "cols")
        shape = st.tuples(r, c)
    return field_arrays(field, shape, elements=elements)


# ----------------------------------------------------------------------------- schemes


def schemes(
    p=None,
    d=2,
    max_basis: int = 3,
    max_workers: int = 6,
    max_targets: int = 3,
    stragglers=None,
    byzantine=0,
    *,
    min_workers: int = 1,
    max_terms: int = 3,
    elements: SearchStrategy[int] | None = None,
    name: str = "random",
) -> SearchStrategy[Scheme]:
    """Random multilinear :class:`~ffcc.scheme.Scheme` objects: random encoders, random
    sparse targets.

    Parameters
    ----------
    p:
        A prime, a :class:`~ffcc.field.PrimeField` or a strategy of primes; by default
        :func:`primes` (small fields such as GF(2) give many failing schemes).
    d:
        Number of coordinates (2 is matrix multiplication): an int or a strategy.
    max_basis:
        Each basis size :math:`\\lambda_c` is drawn from 1..max_basis.
    max_workers, min_workers:
        The worker count w is drawn from this range (raised to s + 2b + 1 if needed).
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

    The scheme's ``params`` record ``{"strategy": "schemes"}``. Shrinks towards one
    worker with basis (1, ..., 1) and a zero encoder, and a single target of
    coefficient 1.

    Example
    -------
    >>> S = minimal(schemes(p=7))
    >>> S.w, S.basis, S.stragglers, S.targets, [e.tolist() for e in S.E]
    (1, (1, 1), 0, ((((0, 0), 1),),), [[[0]], [[0]]])
    """
    _check_int(max_basis, "max_basis", 1)
    _check_int(max_targets, "max_targets", 1)
    _check_int(max_terms, "max_terms", 1)
    lo_w = _check_int(min_workers, "min_workers", 1)
    hi_w = _check_int(max_workers, "max_workers", 1)
    if hi_w < lo_w:
        raise InvalidArgument(f"max_workers = {hi_w} is below min_workers = {lo_w}")
    if isinstance(p, SearchStrategy):
        p_st = p
    elif p is None:
        p_st = primes()
    else:
        p_st = st.just(_as_field(p))
    return _schemes(
        p_st,
        _as_strategy(d, "d", 1),
        max_basis,
        lo_w,
        hi_w,
        max_targets,
        max_terms,
        None if stragglers is None else _as_strategy(stragglers, "stragglers"),
        _as_strategy(byzantine, "byzantine"),
        elements,
        name,
    )


@st.composite
def _schemes(
    draw, p_st, d_st, max_basis, lo_w, hi_w, max_targets, max_terms, s_st, b_st, elements, name
):
    F = _as_field(draw(p_st))
    d = draw(d_st)
    if d < 1:
        raise InvalidArgument(f"d = {d} must be at least 1")
    basis = draw(st.lists(st.integers(1, max_basis), min_size=d, max_size=d))
    b = draw(b_st)
    s_min = 0 if s_st is None else draw(s_st)
    if 2 * b + s_min + 1 > hi_w:
        raise InvalidArgument(
            f"s + 2b = {s_min + 2 * b} needs more than max_workers = {hi_w} workers"
        )
    w = draw(st.integers(max(lo_w, s_min + 2 * b + 1), hi_w))
    s = draw(st.integers(0, w - 2 * b - 1)) if s_st is None else s_min
    el = field_elements(F) if elements is None else elements
    encoders = draw(
        st.lists(
            st.tuples(*[st.lists(el, min_size=lam, max_size=lam) for lam in basis]),
            min_size=w,
            max_size=w,
        )
    )
    coeff = st.one_of(st.just(1), st.integers(1, F.p - 1)) if F.p > 2 else st.just(1)
    index = st.tuples(*[st.integers(0, lam - 1) for lam in basis])
    term = st.tuples(index, coeff)
    targets = draw(
        st.lists(st.lists(term, min_size=1, max_size=max_terms), min_size=1, max_size=max_targets)
    )
    return Scheme(
        F,
        basis,
        [list(e) for e in encoders],
        targets,
        stragglers=s,
        byzantine=b,
        name=name,
        params={"strategy": "schemes"},
    )


# ----------------------------------------------------------------------------- faults


def straggler_sets(w: int, s: int, *, exact: bool = True) -> SearchStrategy[list[int]]:
    """Sorted lists of distinct worker indices in ``range(w)``: exactly ``s`` of them, or
    at most ``s`` with ``exact=False``. Shrinks towards ``[0, 1, ..., s - 1]`` (or ``[]``).

    Example
    -------
    >>> minimal(straggler_sets(6, 2), lambda S: 5 in S)
    [0, 5]
    """
    w = _check_int(w, "w", 0)
    s = _check_int(s, "s", 0)
    if s > w:
        raise InvalidArgument(f"cannot pick {s} stragglers among {w} workers")
    return st.lists(
        st.integers(0, w - 1) if w else st.nothing(),
        min_size=s if exact else 0,
        max_size=s,
        unique=True,
    ).map(sorted)


def byzantine_sets(w: int, b: int, *, exclude=(), exact: bool = True) -> SearchStrategy[list[int]]:
    """Sorted lists of ``b`` (or at most ``b``) distinct worker indices in ``range(w)``
    outside ``exclude`` (e.g. the stragglers, which return nothing to corrupt).

    Example
    -------
    >>> minimal(byzantine_sets(5, 2, exclude=[0, 1]), lambda B: True)
    [2, 3]
    """
    w = _check_int(w, "w", 0)
    b = _check_int(b, "b", 0)
    pool = [j for j in range(w) if j not in set(int(x) for x in exclude)]
    if b > len(pool):
        raise InvalidArgument(f"cannot pick {b} byzantine workers among {len(pool)} candidates")
    if not pool:
        return st.just([])
    return st.lists(st.sampled_from(pool), min_size=b if exact else 0, max_size=b, unique=True).map(
        sorted
    )


def fault_patterns(w: int, s: int, b: int) -> SearchStrategy[tuple[list[int], list[int]]]:
    """Disjoint ``(stragglers, byzantine)`` lists with exactly s and b workers.

    Example
    -------
    >>> minimal(fault_patterns(5, 1, 1), lambda sb: True)
    ([0], [1])
    """
    w, s, b = _check_int(w, "w", 0), _check_int(s, "s", 0), _check_int(b, "b", 0)
    if s + b > w:
        raise InvalidArgument(f"s + b = {s + b} exceeds w = {w}")
    return straggler_sets(w, s).flatmap(
        lambda S: st.tuples(st.just(S), byzantine_sets(w, b, exclude=S))
    )


# ----------------------------------------------------------------------------- sample graphs


def sample_multigraphs(
    max_left: int = 4, max_right: int = 4, max_samples: int = 8, *, min_samples: int = 1
) -> SearchStrategy[list[tuple[int, int]]]:
    """Lists of samples ``(l, r)`` (edges of a bipartite multigraph, repeats allowed).

    Labels are relabelled to ``0..lambda_1 - 1`` and ``0..lambda_2 - 1`` in increasing
    order, so every basis index is used and ``lambda_1 <= max_left``,
    ``lambda_2 <= max_right``. Shrinks towards ``min_samples`` copies of ``(0, 0)``.

    Example
    -------
    >>> minimal(sample_multigraphs(), lambda g: len(set(g)) >= 2)
    [(0, 0), (0, 1)]
    """
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
