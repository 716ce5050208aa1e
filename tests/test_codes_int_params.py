"""Every catalog construction checks its integer parameters one way (``check_int``).

A count is an int (or a numpy integer) of at least its lowest value. A float is refused
even when integral (2.0: a count is never rounded, 2.5 stragglers must not become 2), and
so is a bool: ``m=True`` is a slip, not the count 1. Flags take a bool, 0/1 or a word
(``parse_flag``), never 2 or 0.5. Each refusal is one SchemeError line naming the
construction, the parameter, what it must be and what it got.
"""

from __future__ import annotations

import numpy as np
import pytest

from ffcc.codes import CATALOG, GroupSpec, build
from ffcc.codes.batch import batch_mds, separate_outputs
from ffcc.codes.coordinates import FIGURE2, theorem1_bound
from ffcc.codes.secure import gasp_exponents
from ffcc.optimize import lower_bound, optimize
from ffcc.plan import compare, plan
from ffcc.scheme import SchemeError

# (construction, parameter, lowest value), from each construction's definition: block and
# mask counts are >= 1, stragglers and liars >= 0, the one-dependency code needs k >= 2.
LOWEST = [
    ("batch-mds", "m", 1), ("batch-mds", "n", 1), ("batch-mds", "s", 0),
    ("polynomial", "m", 1), ("polynomial", "n", 1), ("polynomial", "s", 0),
    ("entangled-polynomial", "m", 1), ("entangled-polynomial", "n", 1),
    ("entangled-polynomial", "q", 1), ("entangled-polynomial", "s", 0),
    ("polydot", "m", 1), ("polydot", "n", 1), ("polydot", "q", 1), ("polydot", "s", 0),
    ("lagrange", "k", 1), ("lagrange", "s", 0), ("lagrange", "b", 0), ("lagrange", "d", 1),
    ("locality-coordinates", "s", 0),
    ("locality-dependency", "k", 2), ("locality-dependency", "s", 0),
    ("matdot", "m", 1), ("matdot", "s", 0),
    ("secure-matdot", "m", 1), ("secure-matdot", "X", 1), ("secure-matdot", "s", 0),
    ("gasp-big", "K", 1), ("gasp-big", "L", 1), ("gasp-big", "T", 1), ("gasp-big", "s", 0),
    ("gasp-r", "K", 1), ("gasp-r", "L", 1), ("gasp-r", "T", 1), ("gasp-r", "s", 0),
    ("gasp-r", "r", 1),
    ("polynomial-sharing", "m", 1), ("polynomial-sharing", "n", 1),
    ("polynomial-sharing", "X", 1), ("polynomial-sharing", "s", 0),
    ("threem", "K", 1), ("threem", "s", 0),
]  # fmt: skip
FLAGS = [("locality-coordinates", "merge"), ("locality-coordinates", "span_aware"),
         ("lagrange", "systematic")]  # fmt: skip
SECURE = {"secure-matdot", "gasp-big", "gasp-r", "polynomial-sharing"}
KIND = {0: "a non-negative integer", 1: "a positive integer", 2: "an integer >= 2"}


def test_every_integer_parameter_of_the_catalog_is_listed():
    # a new entry (or parameter) must join LOWEST or FLAGS, so that it is checked below
    ints = {(name, key) for name, c in CATALOG.items() for key, v in c.defaults.items()
            if key != "p" and isinstance(v, int) and not isinstance(v, bool)}  # fmt: skip
    assert ints == {(n, k) for n, k, _ in LOWEST} | set(FLAGS) - {("lagrange", "systematic")}


@pytest.mark.parametrize("name, key, lowest", LOWEST)
@pytest.mark.parametrize("bad", [2.5, 2.0, np.float64(3.0), True, False, "2", None, "low"])
def test_a_non_integer_is_refused_with_one_line(name, key, lowest, bad):
    if bad == "low":
        bad = lowest - 1
    if bad is None and key == "s" and name in SECURE:
        return  # s = None: the secure codes take s from the nodes (test below)
    with pytest.raises(SchemeError) as info:
        build(name, **{key: bad})
    assert str(info.value) == f"{name}: {key} must be {KIND[lowest]}, got {bad!r}"


@pytest.mark.parametrize("name, key, lowest", LOWEST)
def test_the_lowest_value_and_numpy_integers_are_taken(name, key, lowest):
    if (name, key) == ("gasp-r", "r") or lowest == 0:  # one build per parameter kind is enough
        return
    S = build(name, **{key: np.int64(lowest)})
    stored = S.params.get("X" if key == "T" else key)  # GASP stores T as the secrecy X
    assert stored == lowest and type(stored) is int


@pytest.mark.parametrize("name, key", FLAGS)
@pytest.mark.parametrize("bad", [2, -1, 0.5, 1.0, None, "2", "maybe"])
def test_a_flag_is_a_bool_or_zero_or_one(name, key, bad):
    with pytest.raises(SchemeError) as info:
        build(name, **{key: bad})
    want = f"{name}: {key} must be true or false (1/0, yes/no, on/off), got {bad!r}"
    assert str(info.value) == want


def test_flags_taken():
    small = "0-0,0-1,1-1,1-0"  # a 4-cycle: w = 2*4 - 2 - 2 + 1 + s
    for yes in (True, 1, np.int64(1), np.bool_(True), "yes", "1"):
        assert build("lagrange", k=2, s=0, systematic=yes).nodes.tolist() == [1, 2, 3]
        assert build("locality-coordinates", samples="0-0,0-0", s=0, merge=yes).params["k"] == 1
    for no in (False, 0, np.int64(0), np.bool_(False), "off", ""):
        assert build("lagrange", k=2, s=0, systematic=no).nodes.tolist() == [3, 4, 5]
        assert build("locality-coordinates", samples="0-0,0-0", s=0, merge=no).params["k"] == 2
    assert build("locality-coordinates", samples=small, s=1, span_aware=0).w == 6


def test_gasp_r_range_after_the_type():
    # r is an integer first (2.0 is refused, not read as 2), then 1 <= r <= min(K, T)
    assert gasp_exponents(2, 2, 2, r=np.int64(2)) == ([0, 1, 4, 5], [0, 2, 4, 5])
    with pytest.raises(SchemeError, match=r"^gasp-r: r must be a positive integer, got 2\.0$"):
        gasp_exponents(2, 2, 2, r=2.0)
    with pytest.raises(SchemeError, match=r"^gasp-r: r must lie in \[1, min\(K, T\) = 2\], got 3$"):
        build("gasp-r", K=2, L=2, T=2, r=3)


def test_gasp_names_its_variant():
    with pytest.raises(SchemeError, match="^gasp-big: T must be a positive integer, got 0$"):
        build("gasp-big", T=0)
    with pytest.raises(SchemeError, match="^gasp-r: T must be a positive integer, got 0$"):
        build("gasp-r", T=0)


def test_secure_codes_leave_s_to_the_nodes():
    # s = None: w = len(nodes) and s = w - N; secure MatDot m = 1, X = 1: N = 2 + 2 - 1 = 3
    S = build("secure-matdot", m=1, X=1, s=None, nodes="1,2,3,4", p=23)
    assert (S.w, S.stragglers) == (4, 1)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: separate_outputs(batch_mds(2, 2, s=1), stragglers=1.5),
         "separate_outputs: stragglers must be a non-negative integer, got 1.5"),
        (lambda: theorem1_bound(FIGURE2, s=1.5),
         "locality-coordinates: s must be a non-negative integer, got 1.5"),
        (lambda: GroupSpec.of([(0, 0)], stragglers=1.5),
         "group: stragglers must be a non-negative integer, got 1.5"),
        (lambda: GroupSpec.of([(0, 0)], byzantine=True),
         "group: byzantine must be a non-negative integer, got True"),
        (lambda: plan([(0, 0), (0, 1)], stragglers=1.5, verify=False),
         "plan: stragglers must be a non-negative integer, got 1.5"),
        (lambda: plan([(0, 0), (0, 1)], byzantine=-1, verify=False),
         "plan: byzantine must be a non-negative integer, got -1"),
        (lambda: compare([(0, 0), (0, 1)], stragglers=2.0),
         "compare: stragglers must be a non-negative integer, got 2.0"),
        (lambda: optimize([(0, 0), (1, 1)], stragglers=1.5, strategies=["catalog"]),
         "optimize: stragglers must be a non-negative integer, got 1.5"),
        (lambda: lower_bound([(0, 0), (1, 1)], True),
         "lower_bound: stragglers must be a non-negative integer, got True"),
    ],
)  # fmt: skip
def test_other_constructors_do_not_truncate(call, message):
    with pytest.raises(SchemeError) as info:
        call()
    assert str(info.value) == message


def test_other_constructors_take_integers():
    # FIGURE2: k = 8, u1 = u2 = 2 -> R = 2k - u1 - u2 + 1 = 13, plus s
    assert theorem1_bound(FIGURE2, s=np.int64(2))["workers"] == 15
    assert separate_outputs(batch_mds(2, 2, s=1), stragglers=np.int64(3)).stragglers == 3
    spec = GroupSpec.of([(0, 0)], stragglers=np.int64(1), byzantine=np.int64(1))
    assert (spec.stragglers, spec.byzantine, type(spec.stragglers)) == (1, 1, int)
