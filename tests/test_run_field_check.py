"""`ffcc run` checks every group's scheme in every prime it computes in, before dispatch.

The scheme under test is MatDot with m = 2 (w = 4, s = 1, R = 3) at the nodes 1, 2, 3 and
1 + q: distinct mod 65537, but 1 + q = 1 mod q. Worker j computes
P(x_j) = C0 + x_j C1 + x_j^2 C2 (C1 = A0B0 + A1B1, the target), so two workers at the same
node give the same vector, and workers {0, 1, 3} (nodes 1, 2, 1 mod q) see only P(1), P(2):
a C1 = b P(1) + c P(2) needs b + c = 0, b + 2c = 1, b + 4c = 0, i.e. c = 1, b = -1 and
-1 + 4 = 3 = 0, false mod q = 101. [0, 1, 2] (nodes 1, 2, 3) decodes, so [0, 1, 3] is the
first failing 3-subset in lexicographic order.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from ffcc.codes.matdot import matdot
from ffcc.run import Faults, FieldCheckFailed, TooManyFaults, _fieldcheck, choose_primes, run_matmul
from ffcc.scheme import Scheme
from ffcc.verify import verify

Q = 101  # the small prime the run is forced to use
NODES = [1, 2, 3, 1 + Q]


def colliding_matdot(p: int) -> Scheme:
    """MatDot m = 2, s = 1 at NODES over GF(p): e_A = (1, x), e_B = (x, 1)."""
    xs = [x % p for x in NODES]
    return Scheme(
        p, [2, 2], [[[1, x], [x, 1]] for x in xs], [[((0, 0), 1), ((1, 1), 1)]], 1, 0,
        "matdot-colliding",
    )  # fmt: skip


def small_inputs():
    rng = np.random.default_rng(7)
    return rng.integers(0, 2, (3, 4)), rng.integers(0, 2, (4, 2))  # |C| <= 4: 2*4 < 101


@pytest.fixture(autouse=True)
def fresh_cache():
    _fieldcheck.clear_cache()
    yield
    _fieldcheck.clear_cache()


def test_premise_holds_over_65537_fails_over_q():
    assert verify(colliding_matdot(65537), progress=False).holds is True
    rep = verify(colliding_matdot(Q), progress=False)
    assert rep.holds is False and rep.first_failure == [0, 1, 3]


def test_a_scheme_failing_in_the_prime_used_fails_loudly_before_dispatch():
    A, B = small_inputs()
    # one raising worker is within s = 1: a field check after dispatch would see
    # TooManyFaults ({0, 1, 3} does not decode); before dispatch it is FieldCheckFailed
    with pytest.raises(FieldCheckFailed) as e:
        run_matmul(A, B, scheme=colliding_matdot, primes=[Q], executor="inline",
                   faults=Faults(raises=[2]), progress=False)  # fmt: skip
    msg = str(e.value)
    assert "\n" not in msg
    assert "group 0" in msg and f"GF({Q})" in msg and "workers [0, 1, 3]" in msg
    # CRT over 65537 and q: the code holds in the first field, fails in the second
    with pytest.raises(FieldCheckFailed, match=rf"GF\({Q}\).*workers \[0, 1, 3\]"):
        run_matmul(A, B, scheme=colliding_matdot, primes=[65537, Q], executor="inline",
                   progress=False)  # fmt: skip
    # the same code over the default prime (65537) runs and is exact
    C, rep = run_matmul(A, B, scheme=colliding_matdot, executor="inline", progress=False)
    assert (C == A @ B).all() and rep.groups[0].primes == [65537]


def test_cli_fails_with_exit_1_and_one_line(tmp_path, capsys):
    from ffcc.cli import main

    path = tmp_path / "s.json"
    colliding_matdot(Q).save(path)  # a scheme file over GF(101): the run computes in it
    A, B = small_inputs()
    np.save(tmp_path / "a.npy", A)
    np.save(tmp_path / "b.npy", B)
    code = main(["run", "--scheme", str(path), "--A", str(tmp_path / "a.npy"), "--B",
                 str(tmp_path / "b.npy"), "--executor", "inline"])  # fmt: skip
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert len(err.splitlines()) == 1 and f"GF({Q})" in err and "[0, 1, 3]" in err


def test_the_report_lists_the_check_per_prime():
    A = np.full((3, 4), 1 << 20)  # entries of A @ B reach 4 * 2^40: two 31-bit primes
    B = np.full((4, 2), 1 << 20)
    primes = choose_primes(4 << 40)
    assert len(primes) == 2
    C, rep = run_matmul(A, B, m=2, stragglers=1, executor="inline", progress=False)
    assert (C == A @ B).all()
    g = rep.groups[0]
    assert g.primes == list(primes)
    assert [c["p"] for c in g.field_check] == list(primes)
    assert all(c["how"] == "exhaustive" for c in g.field_check)
    assert all(c["subsets"] == math.comb(4, 3) for c in g.field_check)  # w = 4, R = 3
    assert not any(c["cached"] for c in g.field_check)
    text = rep.summary()
    assert f"verified exhaustively in GF({primes[0]}), GF({primes[1]}) (4 3-subsets each)" in text
    d = json.loads(rep.to_json())["groups"][0]
    assert [c["p"] for c in d["field_check"]] == list(primes)
    assert d["field_check_text"].startswith("verified exhaustively in")
    assert "field_check" in rep.timings
    # the same primes again: from the cache, not verified again
    _, rep2 = run_matmul(A, B, m=2, stragglers=1, executor="inline", progress=False)
    assert all(c["cached"] for c in rep2.groups[0].field_check)
    assert "[2 of 2 from cache]" in rep2.summary()


def test_a_large_evaluation_code_is_certified_not_enumerated():
    # MatDot m = 10, s = 8: C(27, 19) = 2,220,075 subsets, above CERTIFY_ABOVE
    A = np.arange(40).reshape(4, 10) % 5
    B = np.arange(20).reshape(10, 2) % 3
    C, rep = run_matmul(A, B, m=10, stragglers=8, executor="inline", progress=False)
    assert (C == A @ B).all()
    (c,) = rep.groups[0].field_check
    assert c["how"] == "certificate" and c["subsets"] == math.comb(27, 19)
    assert "certified in GF(65537)" in rep.summary()


def test_every_group_of_a_sketched_run_is_checked_in_every_prime():
    from ffcc.run import run_sketched

    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((8, 8)), rng.standard_normal((8, 8))
    _, rep, P = run_sketched(A, B, grid=(2, 2, 4), k=2, executor="inline", progress=False)
    assert len(rep.groups) == len(P.chosen.groups) >= 1
    for g in rep.groups:
        assert len(g.primes) >= 2  # 20 fraction bits: a range beyond one 31-bit prime
        assert [c["p"] for c in g.field_check] == g.primes
        assert all(c["how"] in ("exhaustive", "certificate") for c in g.field_check)
    assert rep.summary().count("scheme verified exhaustively in GF(") + rep.summary().count(
        "scheme certified in GF("
    ) >= len(rep.groups)


def test_sabotage_without_the_check_the_run_passes_silently(monkeypatch):
    """The check is what catches the scheme: removed, the same run succeeds and reports
    nothing, and one failure (within the declared s = 1) breaks it mid-run."""
    monkeypatch.setattr(_fieldcheck, "check_schemes", lambda schemes, gi, name: [])
    A, B = small_inputs()
    C, rep = run_matmul(A, B, scheme=colliding_matdot, primes=[Q], executor="inline",
                        progress=False)  # fmt: skip
    assert (C == A @ B).all()  # all four results arrived: {0, 1, 2} happened to decode
    assert rep.groups[0].field_check == [] and "verified" not in rep.summary()
    with pytest.raises(TooManyFaults):  # dispatched, and the "s = 1" code fails at s = 1
        run_matmul(A, B, scheme=colliding_matdot, primes=[Q], executor="inline",
                   faults=Faults(raises=[2]), progress=False)  # fmt: skip


def test_describe_names_unverified_fields():
    checks = [{"p": 7, "how": "unverified", "subsets": 10**9, "R": 20, "cached": False}]
    assert _fieldcheck.describe(checks).startswith("NOT verified in GF(7)")


def test_matdot_small_field_is_checked_in_that_field():
    # plain MatDot over GF(101) holds (nodes 1..4 distinct): the check passes there too
    assert verify(matdot(2, 1, p=Q), progress=False).holds is True
