"""Certificates (ffcc._certificate): never issued for a failing scheme, always re-checked.

Every certificate is compared with exhaustive enumeration (``certificate=False``) on the
catalog's constructions at small sizes, on fault counts one past the degree bound, and on
hypothesis-perturbed schemes; tampered certificates must be rejected.
"""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ffcc._certificate import CertificateError, certify, check_certificate
from ffcc.cli import main
from ffcc.codes import build
from ffcc.codes.matdot import matdot
from ffcc.scheme import Scheme
from ffcc.verify import verify

CASES = [
    ("matdot", {"m": 2, "s": 0}), ("matdot", {"m": 3, "s": 2}), ("matdot", {"m": 4, "s": 1}),
    ("matdot", {"m": 3, "s": 1, "weights": "1,5,-2"}), ("matdot", {"m": 3, "s": 1, "p": 11}),
    ("polynomial", {"m": 2, "n": 3, "s": 2}), ("polynomial", {"m": 3, "n": 2, "s": 1}),
    ("entangled-polynomial", {"m": 2, "n": 2, "q": 2, "s": 1}),
    ("polydot", {"m": 2, "n": 1, "q": 3, "s": 2}),
    ("lagrange", {"k": 3, "s": 1}), ("lagrange", {"k": 2, "s": 1, "b": 1}),
    ("lagrange", {"k": 3, "s": 1, "systematic": True}),
    ("locality-dependency", {"k": 3, "s": 1}), ("locality-dependency", {"k": 4, "s": 2}),
    ("locality-coordinates", {"s": 1}), ("locality-coordinates", {"s": 1, "span_aware": 1}),
    ("threem", {"K": 2, "s": 1}), ("threem", {"K": 2, "s": 3}),
]  # fmt: skip


def _agrees(S: Scheme, R: int) -> dict | None:
    """The certificate for (S, R), after checking it against enumeration."""
    cert = certify(S, R)
    if cert is not None:
        assert check_certificate(S, cert, R)
        assert verify(S, R, certificate=False).holds is True, "certificate for a failing R"
    return cert


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}{p}" for n, p in CASES])
def test_catalog_certificates_agree_with_enumeration(name, params):
    S = build(name, **params)
    for R in range(max(1, S.R - 2), S.w + 1):
        _agrees(S, R)


@pytest.mark.parametrize(("m", "s"), [(2, 1), (3, 0), (3, 2), (5, 1)])
def test_matdot_is_certified_exactly_down_to_its_threshold(m, s):
    S = matdot(m, s)
    cert = _agrees(S, 2 * m - 1)
    assert cert is not None and cert["degree"] == 2 * m - 2
    assert [c["degree"] for c in cert["coordinates"]] == [m - 1, m - 1]
    # R = 2m - 2 is one below N + 1: no certificate, and enumeration finds the failure
    if 2 * m - 2 >= 1:
        assert certify(S, 2 * m - 2) is None
        assert verify(S, 2 * m - 2, certificate=False).holds is False


def _perturbed(S: Scheme, kind: str, j: int, k: int, v: int) -> Scheme:
    enc = [[S.E[c][i].tolist() for c in range(S.d)] for i in range(S.w)]
    targets = [list(t) for t in S.targets]
    if kind == "repeat":  # worker j becomes a copy of worker k: a repeated node
        enc[j % S.w] = [list(e) for e in enc[k % S.w]]
    elif kind == "entry":  # one entry of one worker vector changes
        c = k % S.d
        enc[j % S.w][c][v % S.basis[c]] = (enc[j % S.w][c][v % S.basis[c]] + 1 + k) % S.p
    else:  # an extra target term
        idx = tuple((j + c * k) % S.basis[c] for c in range(S.d))
        targets[0].append((idx, 1 + v % (S.p - 1)))
    return Scheme(S.p, S.basis, enc, targets, S.stragglers, S.byzantine, "perturbed")


@settings(max_examples=60, deadline=None)
@given(
    base=st.sampled_from([("matdot", {"m": 3, "s": 1}), ("polynomial", {"m": 2, "n": 2, "s": 1}),
                          ("lagrange", {"k": 2, "s": 1}), ("matdot", {"m": 2, "s": 2})]),
    kind=st.sampled_from(["repeat", "entry", "target"]),
    j=st.integers(0, 50), k=st.integers(0, 50), v=st.integers(0, 70000),
)  # fmt: skip
def test_perturbed_schemes_never_get_a_false_certificate(base, kind, j, k, v):
    S = _perturbed(build(base[0], **base[1]), kind, j, k, v)
    for R in (S.R, S.R + 1):
        if R <= S.w:
            _agrees(S, R)


def test_negative_controls_fail_and_get_no_certificate():
    S = matdot(3, s=1)  # R = 5 = N + 1
    repeat = _perturbed(S, "repeat", 0, 1, 0)
    outside = Scheme(S.p, S.basis, [[S.E[c][i] for c in range(2)] for i in range(S.w)],
                     [list(S.targets[0]) + [((0, 1), 1)]], 1)  # fmt: skip
    for bad in (repeat, outside, S.with_faults(2)):
        assert certify(bad) is None
        assert verify(bad, certificate=False).holds is False


def _tamper(cert, what):
    c = json.loads(json.dumps(cert))
    if what == "node":
        c["nodes"][1] = c["nodes"][0]
    elif what == "degree":
        c["coordinates"][0]["degree"] -= 1
        c["coordinates"][0]["coefficients"].pop()
        c["degree"] -= 1
    elif what == "coefficient":
        c["coordinates"][1]["coefficients"][0][0] ^= 1
    elif what == "span":
        c["span"][0][0] = (c["span"][0][0] + 1) % c["field"]
    elif what == "R":
        c["R"] -= 1
    elif what == "anchor":
        c["coordinates"][0]["anchor"] = 0 if c["coordinates"][0]["anchor"] is None else None
    return c


@pytest.mark.parametrize("what", ["node", "degree", "coefficient", "span", "R", "anchor"])
def test_tampered_certificates_are_rejected(what):
    S = matdot(3, s=1, weights=[2, 3, 5])  # no entry is 1: a claimed anchor rescales
    cert = certify(S)
    assert check_certificate(S, cert)
    with pytest.raises(CertificateError):
        check_certificate(S, _tamper(cert, what), cert["R"] if what != "R" else None)


def test_certificate_for_another_scheme_is_rejected():
    cert = certify(matdot(3, s=1))
    with pytest.raises(CertificateError, match="digest"):
        check_certificate(matdot(3, s=1, weights=[1, 2, 3]), cert)


def test_large_matdot_verifies_by_certificate():
    S = matdot(40, s=60)  # w = 139, C(139, 79) ~ 10^40 subsets
    rep = verify(S, certificate="auto")
    assert rep.mode == "certificate" and rep.holds is True and rep.checked == 0
    assert "HOLDS (certificate)" in rep.summary()
    # R = 78 < N + 1: no certificate, and enumeration refutes at the first subset
    assert verify(S.with_faults(61), certificate="auto").holds is False


def test_cli_writes_and_checks_certificates(tmp_path, capsys):
    f, cf = tmp_path / "s.json", tmp_path / "c.json"
    matdot(3, s=2).save(f)
    assert main(["verify", str(f), "--certificate", str(cf)]) == 0
    assert "HOLDS (certificate)" in capsys.readouterr().out
    assert main(["verify", str(f), "--check-certificate", str(cf)]) == 0
    assert "certificate CHECKS" in capsys.readouterr().out
    cf.write_text(json.dumps(_tamper(json.loads(cf.read_text()), "span")))
    assert main(["verify", str(f), "--check-certificate", str(cf)]) == 1
    assert "REJECTED" in capsys.readouterr().out


def test_no_certificate_applies_falls_back_to_enumeration():
    rng = np.random.default_rng(3)  # random vectors: no polynomial structure of low degree
    enc = [[rng.integers(0, 101, 3).tolist(), rng.integers(0, 101, 3).tolist()] for _ in range(9)]
    S = Scheme(101, [3, 3], enc, [[((0, 0), 1)]], stragglers=2)
    assert certify(S) is None
    rep = verify(S, certificate=True)
    assert rep.mode == "exhaustive" and rep.checked >= 1


def test_astronomical_counts_print_without_float_overflow():
    from ffcc.verify import _count

    assert _count(2_035_800) == "2,035,800"
    assert _count(27 * 10**600 + 1) == "2.70 x 10^601"
