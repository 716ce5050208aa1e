"""Tests that kill mutants of ffcc/codes/_symbolic.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). Expected values are worked out by hand in comments."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from ffcc.codes import build, symbolic_form
from ffcc.codes._form import CodeForm, FormPart, Term
from ffcc.codes._symbolic import Part, SymbolicForm, _inputs, _proportional, from_form


def _matdot2():
    # m = 2, s = 0: u1 = X0_0 + X0_1 z, u2 = X1_0 z + X1_1, h of degree 2, target [z^1] h
    return symbolic_form("matdot", m=2, s=0)


def test_a_hand_written_form_defaults_to_one_output_no_stragglers_no_secrecy():
    f = _matdot2()
    bare = SymbolicForm(f.name, f.params, f.basis,
                        tuple(Part(pt.polys, pt.workers, pt.nodes, pt.inputs) for pt in f.parts),
                        f.targets)  # fmt: skip
    assert (bare.parts[0].output, bare.stragglers, bare.secrecy) == (0, 0, 0)
    assert bare.check(f.scheme()) is True  # the plain matdot scheme: output 0, X = 0
    assert str(bare).splitlines()[0].endswith("3 workers, s = 0")


def test_forms_are_frozen():
    f = _matdot2()
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.name = "other"
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.parts[0].output = 1


def test_default_decoder_reads_the_middle_coefficient():
    # h = c0 + c1 z + c2 z^2 answered at alpha_1..3: Lagrange gives [z^1] h = c1 exactly
    f = _matdot2()
    al, (expr,) = f.decoder()
    c = sp.symbols("c0:3")
    hs = sp.symbols("h1:4")
    sub = {h: c[0] + c[1] * a + c[2] * a**2 for h, a in zip(hs, al, strict=True)}
    assert sp.simplify(expr.subs(sub) - c[1]) == 0


def test_check_rejects_a_scheme_with_the_same_workers_but_another_basis():
    # matdot m = 1, s = 2 also has 3 workers and 1 target, but basis (1, 1), not (2, 2)
    assert _matdot2().check(build("matdot", m=1, s=2)) is False


def test_str_of_a_one_output_form_line_by_line():
    lines = str(_matdot2()).splitlines()
    assert "  u1(z) = X0_0 + X0_1*z" in lines
    assert "  h(z) = u1(z)*u2(z), degree 2" in lines
    assert "  target 0: (1)*[z^1]h = X0_0*X1_0 + X0_1*X1_1" in lines
    assert any(ln.startswith("  decoding: from any 3 answers h(alpha_1..alpha_3)") for ln in lines)
    # deg h = 2: the explicit decoder of 3 answers is printed
    assert any(ln.startswith("    target 0 = ") for ln in lines)
    # deg h = 4 (m = 3): five answers, not printed
    assert not any(
        ln.startswith("    target 0 = ")
        for ln in str(symbolic_form("matdot", m=3, s=0)).splitlines()
    )


def test_str_of_a_two_output_form():
    text = str(symbolic_form("batch-mds", m=2, n=2, s=1))
    assert "  output 1: u2(z) = X1_1" in text.splitlines()
    assert "  target 0 (output 0): (1)*[z^0]h_0 = X0_0*X1_0" in text.splitlines()
    assert "each worker returns 2 products" in text


def test_proportional_rows():
    p = 7
    assert _proportional([0, 0], [0, 0], p) is True  # two zero rows
    assert _proportional([0, 0], [0, 1], p) is False
    assert _proportional([0, 1], [0, 0], p) is False
    assert _proportional([1, 2], [3, 6], p) is True  # v = 3 u
    assert _proportional([1, 2], [3, 5], p) is False


def test_str_of_a_two_part_form_names_the_part():
    # threem blocks, K = 2: block 1 is part 1, its Re target is [z^0] h - [z^2] h
    lines = str(symbolic_form("threem", K=2, s=0, layout="blocks")).splitlines()
    assert "  part 1: worker nodes: [0, 'oo', 1]" in lines  # pencil points (1:0), (0:1), (1:1)
    assert any(ln.startswith("  target 2 (part 1): (1)*[z^0]h + (-1)*[z^2]h = ") for ln in lines)


def test_polynomial_code_of_four_answers_prints_no_explicit_decoder():
    # m = n = 2: deg h = mn - 1 = 3, four answers: only deg h <= 2 gets explicit formulas
    lines = str(symbolic_form("polynomial", m=2, n=2, s=0)).splitlines()
    assert "  worker nodes: [1, 2, 3, 4]" in lines
    assert not any(ln.startswith("    target 0 = ") for ln in lines)


def _gapped_form(nodes):
    # u1 = X0_0 + z^2 X0_1, u2 = X1_0: h = X0_0 X1_0 + z^2 X0_1 X1_0 has no z^1 term;
    # the target is the value h(1)
    part = FormPart(({0: (Term(1),), 1: (Term(1, 2),)}, {0: (Term(1),)}), nodes)
    return from_form(CodeForm("gap", (2, 1), (part,), ((0, ((1, "value", 1),)),)), {})


def test_a_value_target_over_a_gapped_support_decodes_by_lagrange():
    f = _gapped_form(((1, 1), (1, 2), (1, 3)))
    assert f.parts[0].support == [0, 2]
    al, (expr,) = f.decoder()
    c0, c2 = sp.symbols("c0 c2")
    sub = {h: c0 + c2 * a**2 for h, a in zip(sp.symbols("h1:4"), al, strict=True)}
    assert sp.simplify(expr.subs(sub) - (c0 + c2)) == 0  # h(1) = c0 + c2


def test_projective_nodes_print_as_fractions_and_infinity():
    lines = str(_gapped_form(((1, 4), (0, 1), (2, 3)))).splitlines()
    assert "  worker nodes: [4, 'oo', '3/2']" in lines


def test_mask_symbols_of_a_third_coordinate():
    # coordinates 0, 1 mask as R_, S_; a third one as M2__
    X = _inputs((2, 2, 2), ((1,), (1,), (1,)))
    assert [str(x) for x in X[0] + X[1] + X[2]] == ["X0_0", "R_1", "X1_0", "S_1", "X2_0", "M2__1"]


def test_str_of_a_masked_form_and_of_a_gapped_form():
    # secure MatDot m = 2, X = 1: masks at z^2 in both, so they reach z^2..z^4; target z^1
    lines = str(symbolic_form("secure-matdot", m=2, X=1, s=0)).splitlines()
    want = "  masks R_1, S_1 (uniformly random) reach h at z^[2, 3, 4]; the targets read z^[1]: "
    assert want + "disjoint" in lines
    # GASP_big K = L = 2, T = 1: h misses z^7 (test_symbolic's gapped decoder), N = 8
    text = str(symbolic_form("gasp-big", K=2, L=2, T=1))
    assert "h reaches the N = 8 exponents [0, 1, 2, 3, 4, 5, 6, 8] only; from any 8" in text


def test_check_rejects_other_targets_outputs_and_masks():
    # matdot m = 2, s = 1 and polynomial m = n = 2: basis (2, 2), 4 workers, but 1 target vs 4
    assert symbolic_form("matdot", m=2, s=1).check(build("polynomial", m=2, n=2, s=0)) is False
    # batch-mds m = n = 2, s = 2 and polynomial m = n = 2: basis (2, 2), 4 workers, 4 targets,
    # but batch workers return 2 products each and polynomial workers one
    assert (
        symbolic_form("batch-mds", m=2, n=2, s=2).check(build("polynomial", m=2, n=2, s=0)) is False
    )
    # secure MatDot with its masks undeclared: the same numbers, no random input
    S = build("secure-matdot", m=2, X=1, s=0)
    d = S._file_dict()
    d.pop("random")
    assert symbolic_form("secure-matdot", m=2, X=1, s=0).check(S._rebuild(d)) is False


def test_proportional_needs_rows_of_one_length():
    with pytest.raises(ValueError):
        _proportional([1, 2], [1, 2, 0], 7)
