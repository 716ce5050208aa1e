"""The symbolic forms of the catalog's constructions (ffcc.codes.symbolic_form) and the
numeric schemes the catalog builds: the same code, checked entry by entry mod p."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from ffcc import PrimeField, Scheme, codes
from ffcc.cli import main

CASES = [
    ("matdot", {"m": 3, "s": 0}),
    ("matdot", {"m": 2, "s": 1, "p": 11, "weights": "1,3"}),
    ("polynomial", {"m": 3, "n": 2, "s": 2}),
    ("entangled-polynomial", {"m": 1, "n": 2, "q": 3, "s": 0}),
    ("entangled-polynomial", {"m": 2, "n": 2, "q": 2, "s": 1}),
    ("polydot", {"m": 2, "n": 1, "q": 3, "s": 1}),
    ("lagrange", {"k": 2, "s": 1, "b": 1, "d": 3}),
    ("lagrange", {"k": 3, "systematic": True}),
    ("locality-dependency", {"k": 4, "s": 2, "alphas": "2,3,5"}),
    ("locality-coordinates", {"samples": "0-0,0-0,0-1,1-1", "merge": 0, "s": 1}),
    ("locality-coordinates", {"samples": "0-0,0-1,1-0,1-1", "s": 2}),
    ("threem", {"K": 2, "s": 0, "layout": "blocks"}),
    ("threem", {"K": 2, "s": 2, "layout": "global"}),
    ("threem", {"K": 2, "s": 1, "targets": "products", "layout": "global"}),
    ("threem", {"K": 1, "s": 3, "targets": "products", "layout": "blocks"}),
    ("threem", {"K": 2, "s": 1, "layout": "global", "p": 103}),  # p = 3 mod 4: GF(p^2) nodes
]


def test_every_catalog_construction_has_a_form():
    assert {name for name, _ in CASES} == set(codes.CATALOG)
    for name in codes.CATALOG:
        form = codes.symbolic_form(name)
        assert form.check(codes.build(name)), name


@pytest.mark.parametrize("name, params", CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_numeric_scheme_is_the_form_at_its_nodes(name, params):
    form = codes.symbolic_form(name, **params)
    S = codes.build(name, **params)
    assert form.check(S)
    assert form.w == S.w and form.stragglers == S.stragglers


def _rebuilt(S, enc=None, targets=None):
    return Scheme(S.field, S.basis, enc if enc is not None else
                  [[S.E[c][j].tolist() for c in range(S.d)] for j in range(S.w)],
                  targets if targets is not None else S.targets, S.stragglers)  # fmt: skip


@pytest.mark.parametrize("name, params", CASES[:4] + CASES[8:10], ids=str)
def test_check_rejects_a_moved_node_and_a_wrong_target(name, params):
    form = codes.symbolic_form(name, **params)
    S = codes.build(name, **params)
    enc = [[S.E[c][j].tolist() for c in range(S.d)] for j in range(S.w)]
    enc[-1] = [list(e) for e in enc[0]]  # the last worker at the first worker's node
    assert not form.check(_rebuilt(S, enc=enc))
    t0 = list(S.targets[0])
    (idx, coef), rest = t0[0], t0[1:]
    wrong = [((idx, (coef + 1) % S.p),) + tuple(rest)] + list(S.targets[1:])
    assert not form.check(_rebuilt(S, targets=wrong))


@pytest.mark.parametrize("name, params", [("matdot", {"m": 2, "s": 1}),
                                          ("lagrange", {"k": 2, "s": 1}),
                                          ("locality-dependency", {"k": 3, "s": 0})])  # fmt: skip
def test_symbolic_decoder_at_the_nodes_decodes(name, params):
    """The decoding map in node symbols, evaluated at the scheme's first D + 1 nodes on the
    workers' real answers, gives the scheme's targets (mod p)."""
    form = codes.symbolic_form(name, **params)
    S = codes.build(name, **params)
    F = PrimeField(S.p)
    rng = np.random.default_rng(3)
    inputs = [[F.random((2, 2), rng) for _ in range(n)] for n in S.basis]
    coded = S.encode(inputs)
    truth = S.reference(inputs)
    al, exprs = form.decoder(0)
    R = len(al)
    nodes = [b for _, b in form.parts[0].nodes][:R]
    answers = [S.compute(coded[j]) for j in range(R)]
    hs = sp.symbols(f"h1:{R + 1}")
    for t, e in enumerate(exprs):
        coeffs = [sp.Rational(sp.expand(e).coeff(h).subs(dict(zip(al, nodes, strict=True))))
                  for h in hs]  # fmt: skip
        got = sum(int(c.p) * pow(int(c.q), -1, S.p) * answers[j].astype(object)
                  for j, c in enumerate(coeffs)) % S.p  # fmt: skip
        assert np.array_equal(got.astype(np.int64), truth[t])


def test_show_prints_the_form_and_checks_it(capsys):
    assert main(["show", "matdot", "--param", "m=2", "--param", "s=0"]) == 0
    out = capsys.readouterr().out
    assert "u1(z) = X0_0 + X0_1*z" in out and "target 0: (1)*[z^1]h" in out
    assert out.rstrip().endswith("True")
    assert main(["show", "threem", "--param", "K=1"]) == 0
    assert main(["show", "no-such-code"]) == 2
