"""Tests that kill mutants of ffcc/field.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). Expected values come from sympy, Python integers or
the constants the docstrings and comments specify; none is read back from ffcc."""

import numpy as np
import pytest
import sympy

import ffcc.field as field


def test_miller_rabin_bases_are_the_first_twelve_primes():
    # Sorenson-Webster's bound psi_12 holds for exactly the prime bases 2..37; a composite
    # base, or a missing prime, voids it (is_prime's docstring promises determinism)
    assert field._MR_BASES == tuple(sympy.primerange(2, 38))
    assert field._MR_LIMIT == 318665857834031151167461


class _Cold:
    """A kernel that is neither compiled nor loaded (numba's ``overloads`` is empty)."""

    def __init__(self, name):
        self.__name__ = name
        self.overloads = {}


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(field, "_SPENT", {})


def test_small_work_threshold_is_2_to_the_22_multiply_adds(fresh):
    # the documented cost model: up to 2^22 multiply-adds (2^16 for Python integers,
    # p >= 2^31) numpy is faster than a compile; more work compiles at once
    p31, p61 = 2**31 - 1, 2**61 - 1
    assert not field.use_kernel(_Cold("a"), 2**22, p31)
    assert field.use_kernel(_Cold("b"), 2**22 + 1, p31)
    assert not field.use_kernel(_Cold("c"), 2**16, p61)
    assert field.use_kernel(_Cold("d"), 2**16 + 1, p61)


def test_a_thousand_small_calls_then_a_compile(fresh):
    calls = [field.use_kernel(_Cold("e"), 1, 65537) for _ in range(1001)]
    assert calls == [False] * 1000 + [True]  # the 1001st call compiles
