"""`ffcc run` checks a secure scheme's secrecy in every prime it computes in, before dispatch.

The scheme under test is secure MatDot with m = 1, X = 1 (one mask per input) at the nodes
1, 2, 3 and q = 101: worker j receives :math:`A + x_j R` and :math:`B + x_j S` (R, S uniform
masks) and computes :math:`h(x_j)` with :math:`h(x) = (A + xR)(B + xS)`, of degree 2, so any
3 of the 4 workers decode the target :math:`AB = h(0)` (s = 1).

* Over GF(65537) every node is non-zero, so each worker's share :math:`A + x_j R` is uniform
  whatever A is: 1-secure (rank [D | M] = rank M = 1 for every single worker).
* Over GF(q) the node q is 0: worker 3 receives A and B in the clear. Its row is D = (1),
  M = (0): rank [D | M] = 1 > rank M = 0, so [3] is the first (and only) leaking 1-subset,
  at input coordinate 0.
* Decodability does not notice: the nodes 1, 2, 3, 0 are distinct mod q, so every 3-subset
  still decodes in GF(q). Only the secrecy check stands between the run and the leak.
"""

from __future__ import annotations

import numpy as np
import pytest

from ffcc.run import FieldCheckFailed, Group, _fieldcheck, run_plan
from ffcc.scheme import Scheme
from ffcc.verify import verify, verify_secrecy

Q = 101  # the small prime the run is forced to use
NODES = [1, 2, 3, Q]


def masked_matdot(p: int) -> Scheme:
    """Secure MatDot m = 1, X = 1, s = 1 at NODES over GF(p): basis (A, R) and (B, S)."""
    xs = [x % p for x in NODES]
    return Scheme(
        p, [2, 2], [[[1, x], [1, x]] for x in xs], [[((0, 0), 1)]], 1, 0, "masked-matdot",
        random=[[1], [1]], secrecy=1,
    )  # fmt: skip


def inputs():
    rng = np.random.default_rng(11)
    A, B = rng.integers(0, 2, (3, 4)), rng.integers(0, 2, (4, 2))  # |AB| <= 4: 2*4 < 101
    R, S = rng.integers(0, Q, (3, 4)), rng.integers(0, Q, (4, 2))  # the masks
    return A, B, R, S


def run(primes):
    A, B, R, S = inputs()
    group = Group(masked_matdot, [[A, R], [B, S]], place=None, name="masked", primes=primes)
    C, rep = run_plan([group], executor="inline", freivalds=0, progress=False)
    return A @ B, C, rep


@pytest.fixture(autouse=True)
def fresh_cache():
    _fieldcheck.clear_cache()
    yield
    _fieldcheck.clear_cache()


def test_premise_secure_over_65537_leaks_over_q_decodes_in_both():
    assert verify_secrecy(masked_matdot(65537)).secure is True
    rep = verify_secrecy(masked_matdot(Q))
    assert rep.secure is False
    assert (rep.leaking_subset, rep.leaking_coordinate, rep.ranks) == ([3], 0, [1, 0])
    assert masked_matdot(Q).E[0][3].tolist() == [1, 0]  # worker 3 gets A + 0 R = A
    for p in (65537, Q):
        assert verify(masked_matdot(p), secrecy=0, progress=False).holds is True


def test_secure_in_the_prime_used_runs_and_reports_it():
    AB, C, rep = run(None)  # the default prime, 65537
    assert (C == AB).all()
    (c,) = rep.groups[0].field_check
    assert c["p"] == 65537 and c["how"] == "exhaustive"
    assert c["secrecy"]["X"] == 1 and c["secrecy"]["how"] == "exhaustive"
    assert c["secrecy"]["subsets"] == 4  # C(4, 1)
    assert "1-secure in GF(65537) (4 1-subsets)" in rep.summary()
    _, _, rep2 = run(None)  # again: from the cache
    assert rep2.groups[0].field_check[0]["secrecy"]["cached"] is True


def test_a_leak_in_the_prime_used_fails_loudly_before_dispatch():
    for primes in ([Q], [65537, Q]):  # alone, and second in a CRT pair
        with pytest.raises(FieldCheckFailed) as e:
            run(primes)
        msg = str(e.value)
        assert "\n" not in msg
        assert f"not 1-secure in GF({Q})" in msg and "workers [3]" in msg and "input 0" in msg


def test_sabotage_without_the_secrecy_check_the_leaking_run_passes(monkeypatch):
    """The secrecy check is what stops the run: with it patched away the same run over
    GF(q) completes and is exact, though worker 3 saw A and B in the clear."""

    def blind(scheme):
        return {"X": scheme.secrecy, "subsets": scheme.w, "how": "exhaustive", "seconds": 0.0}

    monkeypatch.setattr(_fieldcheck, "_secrecy_verdict", blind)
    AB, C, rep = run([Q])
    assert (C == AB).all()
    assert "1-secure in GF(101)" in rep.summary()  # a false claim, without the check


def test_describe_names_unverified_secrecy():
    sec = {"X": 2, "how": "unverified", "subsets": 10**9}
    checks = [{"p": 7, "how": "exhaustive", "subsets": 4, "R": 3, "cached": False, "secrecy": sec}]
    assert _fieldcheck.describe(checks) == (
        "verified exhaustively in GF(7) (4 3-subsets); "
        "2-secrecy NOT verified in GF(7) (1,000,000,000 2-subsets): too many to enumerate"
    )
