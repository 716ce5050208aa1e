"""The symbolic forms of the catalog's constructions (ffcc.codes.symbolic_form) and the
numeric schemes the catalog builds: the same code, checked entry by entry mod p."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from ffcc import PrimeField, Scheme, codes
from ffcc.cli import main
from ffcc.scheme import SchemeError

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
NEW = [  # masked codes and a multi-output code, each at >= 2 parameter points
    ("secure-matdot", {"m": 2, "X": 1, "s": 1}),
    ("secure-matdot", {"m": 3, "X": 2, "s": 0, "p": 23}),
    ("secure-matdot", {"m": 2, "X": 2, "nodes": "3,5,7,9,11,13,15,17"}),
    ("gasp-big", {"K": 2, "L": 2, "T": 1}),
    ("gasp-big", {"K": 3, "L": 2, "T": 2, "s": 0}),
    ("gasp-r", {"K": 3, "L": 2, "T": 2, "r": 1}),
    ("gasp-r", {"K": 3, "L": 2, "T": 3, "r": 2, "s": 2}),
    ("polynomial-sharing", {"m": 2, "n": 2, "X": 1}),
    ("polynomial-sharing", {"m": 1, "n": 3, "X": 2, "s": 2, "p": 101}),
    ("batch-mds", {"m": 2, "n": 2, "s": 1}),
    ("batch-mds", {"m": 3, "n": 4, "s": 2, "p": 17}),
    ("batch-mds", {"m": 2, "n": 1, "s": 0}),
]
CASES += NEW


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
                                          ("secure-matdot", {"m": 1, "X": 1, "s": 0}),
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


def _params(name, params):
    return {**codes.CATALOG[name].defaults, **params}


@pytest.mark.parametrize("name, params", NEW[:9], ids=[f"{n}-{p}" for n, p in NEW[:9]])
def test_masks_reach_only_coefficients_the_targets_do_not_read(name, params):
    """The target exponents and the mask-free region, from the papers' formulas."""
    form = codes.symbolic_form(name, **params)
    P = _params(name, params)
    if name == "secure-matdot":
        m = P["m"]
        want, free = [m - 1], range(m)  # every mask term has exponent >= m
    elif name.startswith("gasp"):
        K, L = P["K"], P["L"]
        want, free = [k + K * l for k in range(K) for l in range(L)], range(K * L)
    else:
        m, n, X = P["m"], P["n"], P["X"]
        q = m + X
        want = [i + q * j for i in range(m) for j in range(n)]
        free = [e for e in range(n * q) if e % q < m]  # R_t B_j: residue >= m; S_t: >= nq
    assert [at for _, ((_, kind, at),) in form.targets] == want
    assert not set(form.mask_exponents()) & set(free)
    assert form.masks == [*sp.symbols(f"R_1:{P.get('X', P.get('T'))+1}"),
                          *sp.symbols(f"S_1:{P.get('X', P.get('T'))+1}")]  # fmt: skip
    assert len(form.parts[0].support) == codes.build(name, **params).params["threshold"]


def test_gasp_threshold_is_the_degree_table_size():
    """GASP_big with K = L = 2, T = 1: h = (A0 + A1 z + R z^4)(B0 + B1 z^2 + S z^4) reaches
    0..6 and 8, so N = 8 (D'Oliveira et al., Example)."""
    form = codes.symbolic_form("gasp-big", K=2, L=2, T=1, s=0)
    assert form.parts[0].support == [0, 1, 2, 3, 4, 5, 6, 8] and form.w == 8


def _perturbed(S, row, c, l):
    """S with one encoder coefficient (product row, coordinate c, basis index l) + 1."""
    d = S._file_dict()
    workers = d["workers"]
    if S.outputs is not None:
        rows = [prod for wk in workers for prod in wk["outputs"]]
    else:
        rows = workers
    rows[row][c][l] = (rows[row][c][l] + 1) % S.p
    return S._rebuild(d)


@pytest.mark.parametrize("name, params", NEW, ids=[f"{n}-{p}" for n, p in NEW])
def test_check_rejects_a_perturbed_scheme(name, params):
    """Break it on purpose: one coefficient changed, masks dropped, X changed or the
    outputs split into separate workers -- each makes check() false."""
    form = codes.symbolic_form(name, **params)
    S = codes.build(name, **params)
    assert form.check(S)
    last = S.products - 1
    spots = [(last, 0, S.basis[0] - 1)]  # a mask coefficient, for secure codes
    if S.basis[1] > 1:  # (a length-1 vector changes by a scale, which check() allows)
        spots += [(1, 1, 0), (0, 1, S.basis[1] - 1)]
    for row, c, l in spots:
        assert not form.check(_perturbed(S, row, c, l)), (row, c, l)
    d = S._file_dict()
    if name == "batch-mds":
        if S.outputs is not None:
            from ffcc.codes.batch import separate_outputs

            assert not form.check(separate_outputs(S))
    else:
        d.pop("random")
        assert not form.check(S._rebuild(d))  # the same numbers, no input declared a mask
        d = S._file_dict()
        d["secrecy"] -= 1
        if d["secrecy"] == 0:
            d.pop("secrecy")
        assert not form.check(S._rebuild(d))


def test_gapped_decoder_is_cramer_on_the_generalised_vandermonde():
    """GASP_big's decoding map (h has a gap at z^7) at the first N nodes, on the workers'
    real answers, gives every A_k B_l (mod p)."""
    form = codes.symbolic_form("gasp-big", K=2, L=2, T=1, s=1, p=10007)
    S = codes.build("gasp-big", K=2, L=2, T=1, s=1, p=10007)
    F = PrimeField(S.p)
    rng = np.random.default_rng(5)
    inputs = [[F.random((1, 1), rng) for _ in range(n)] for n in S.basis]
    coded = S.encode(inputs)
    truth = S.reference(inputs)
    al, exprs = form.decoder(0)
    N = len(al)
    assert N == 8 and len(exprs) == 4
    nodes = [b for _, b in form.parts[0].nodes][:N]
    hs = sp.symbols(f"h1:{N + 1}")
    answers = [int(S.compute(coded[j])[0, 0]) for j in range(N)]
    sub = {**dict(zip(al, nodes, strict=True)), **dict(zip(hs, answers, strict=True))}
    for t, e in enumerate(exprs):
        val = sp.Rational(e.subs(sub).doit())
        assert int(val.p) * pow(int(val.q), -1, S.p) % S.p == int(truth[t][0, 0]), t


def test_show_prints_a_secure_form_and_a_batch_form(capsys):
    assert main(["show", "secure-matdot", "--param", "m=2", "--param", "X=1"]) == 0
    out = capsys.readouterr().out
    assert "u1(z) = R_1*z**2 + X0_0 + X0_1*z" in out and "z^[2, 3, 4]" in out
    assert "disjoint" in out and out.rstrip().endswith("True")
    assert main(["show", "batch-mds", "--param", "n=3"]) == 0
    out = capsys.readouterr().out
    assert "output 2: u2(z) = X1_2" in out and "each worker returns 3 products" in out


def test_a_masked_form_refuses_nodes_its_code_refuses():
    with pytest.raises(SchemeError, match="N = 5"):
        codes.symbolic_form("secure-matdot", nodes="1,2,3")
    with pytest.raises(SchemeError, match="tolerate s = 0"):
        codes.symbolic_form("secure-matdot", nodes="1,2,3,4,5")
