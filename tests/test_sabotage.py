"""Break the library on purpose: every claim must notice.

For every claim of ``proofs`` at least two deliberate breakages of the library code it
relies on -- the estimator's weights or probabilities, the verifier's rank test, a
construction's nodes, a threshold formula -- are applied with ``monkeypatch``; each must
move the claim's verdict (quick mode) or make its negative control pass. A claim that
does not notice a broken library vouches for nothing.

The numba-compiled subset walk cannot be patched inside, so the rank test is broken at the
Python level that calls it (``ffcc._subsets.walk`` / ``check_list``, looked up by
``ffcc.verify`` at call time) or in ``ffcc.verify.prepare``.

The core set (one verifier breakage and one library breakage per claim) runs in CI;
``FFCC_SLOW=1`` (``make sabotage``) runs every breakage.
"""

from __future__ import annotations

import dataclasses
import importlib
import os

import numpy as np
import pytest

import proofs
from ffcc import Scheme, _subsets, codes, sketch, theorem2
from ffcc.codes import locality, threem
from ffcc.structure import SampleGraph

verify = importlib.import_module("ffcc.verify")  # the module (ffcc.verify is the function)
SLOW = os.environ.get("FFCC_SLOW") == "1"
_CLAIM = {m.CLAIM.id: m for m in proofs.CLAIMS}


# ----------------------------------------------------------------------------- breakages


def rank_test_disabled(mp):
    """`inU < need` never true: every subset of workers 'decodes'."""

    def walk(G, p, R, tstart, start, count, stop_at_first, compiled=True):
        return count, 0, -np.ones(R, dtype=np.int64)

    def check_list(G, p, tstart, subsets, compiled=True):
        return np.ones(subsets.shape[0], dtype=bool)

    def walk_groups(G, starts, p, R, tstart, start, count, stop_at_first, compiled=True):
        return count, 0, -np.ones(R, dtype=np.int64)

    def zero_minors(P, p, info, rest, maxout, compiled=True):  # fast path: no minor vanishes
        return 0, np.zeros(0, dtype=np.int64), 1

    mp.setattr(_subsets, "walk", walk)
    mp.setattr(_subsets, "walk_groups", walk_groups)
    mp.setattr(_subsets, "check_list", check_list)
    mp.setattr(_subsets, "zero_minors", zero_minors)


def secrecy_rank_test_disabled(mp):
    """Batched ranks all 0: rank[D | M] = rank M always, every subset looks secure."""
    from ffcc.field import PrimeField

    mp.setattr(PrimeField, "batched_rank", lambda self, M: np.zeros(len(M), dtype=np.int64))


def optimize_catalog_only(mp):
    """ffcc.optimize's own searches find nothing: only the catalog's codes are left."""
    from ffcc import optimize

    for name in ("_local", "_exponents", "_support"):
        mp.setattr(optimize, name, lambda *a, **k: iter(()))


def rank_test_one_short(mp):
    """The rank test asks for one dimension of the target space fewer (an off-by-one)."""
    real = verify.prepare

    def prepare(scheme):
        prep = real(scheme)
        return dataclasses.replace(prep, tstart=min(prep.tstart + 1, prep.G.shape[1]))

    mp.setattr(verify, "prepare", prepare)


def _with_duplicate_node(S: Scheme) -> Scheme:
    """The same scheme with its last worker at the first worker's node."""
    if S.w == 1:
        return S
    enc = [[np.asarray(c).copy() for c in wk] for wk in _encoders(S)]
    enc[-1] = [c.copy() for c in enc[0]]
    return _rebuilt(S, [[c.tolist() for c in wk] for wk in enc])


def _without_last_worker(S: Scheme) -> Scheme:
    """One worker fewer than the threshold formula asks for, the same s (a single worker
    is left alone: no scheme has none)."""
    if S.w - S.stragglers - 2 * S.byzantine <= 1:
        return S
    return _rebuilt(S, [[c.tolist() for c in wk] for wk in _encoders(S)][:-1])


def _rebuilt(S: Scheme, encoders) -> Scheme:
    return Scheme(
        S.field, S.basis, encoders, S.targets, stragglers=S.stragglers,
        byzantine=S.byzantine, name=S.name, params=dict(S.params),
    )  # fmt: skip


def _encoders(S: Scheme):
    return [[S.E[c][j] for c in range(S.d)] for j in range(S.w)]


def catalog_broken(name: str, how):
    """Break a catalog construction (``codes.build(name)``) with ``how(scheme)``."""

    def apply(mp):
        entry = codes.CATALOG[name]
        mp.setitem(codes.CATALOG, name, dataclasses.replace(entry, build=_wrap(entry.build, how)))

    return apply


def _wrap(fn, how):
    def broken(*a, **kw):
        return how(fn(*a, **kw))

    return broken


def function_broken(module, attr: str, how):
    """Replace ``module.attr`` by ``how(original)``."""

    def apply(mp):
        mp.setattr(module, attr, how(getattr(module, attr)))

    return apply


def estimator_without_weights(mp):
    """grid_crmm's weights count / k instead of count / (k p): the 1/p weights removed."""
    real = sketch.grid_crmm

    def grid_crmm(*a, **kw):
        sk = real(*a, **kw)
        w = {
            b: {t: c / int(sk.k[b]) for t, c in cnt.items()} for b, cnt in sk.multiplicities.items()
        }
        return dataclasses.replace(sk, weights=w)

    mp.setattr(sketch, "grid_crmm", grid_crmm)


def vanishing_polynomials_broken(mp):
    """proofs._build's vanishing polynomials lose their last root (C04 must say 'refuted',
    not crash on a None threshold)."""
    import proofs._build as b

    real = b.from_roots
    mp.setattr(b, "from_roots", lambda roots, p=b.P: real(list(roots)[:-1], p))


def plan_theorem1_one_fewer(mp):
    """The catalog's Theorem 1 rule promises the planner one worker fewer than the code
    needs."""
    entry = codes.CATALOG["locality-coordinates"]
    rule = dataclasses.replace(entry.plan, workers=lambda spec, f=entry.plan.workers: f(spec) - 1)
    mp.setitem(codes.CATALOG, entry.name, dataclasses.replace(entry, plan=rule))


def find_cycle_broken(mp):
    """SampleGraph.find_cycle returns a path, not a cycle (its last sample dropped)."""
    real = SampleGraph.find_cycle

    def find_cycle(self, *a, **kw):
        c = real(self, *a, **kw)
        return None if c is None else list(c)[:-1]

    mp.setattr(SampleGraph, "find_cycle", find_cycle)


def sample_graph_u_inflated(mp):
    """SampleGraph.u() reports one more than the fewest uses (a wrong u, eq. (3))."""
    real = SampleGraph.u
    mp.setattr(SampleGraph, "u", lambda self, *a, **kw: tuple(x + 1 for x in real(self, *a, **kw)))


def decoder_corrupted(mp):
    """Scheme.decoder's first row is off by one in its first entry (a wrong decoding map)."""
    real = Scheme.decoder

    def decoder(self, workers):
        D = np.array(real(self, workers), dtype=np.int64, copy=True)
        D[0, 0] = (D[0, 0] + 1) % self.p
        return D

    mp.setattr(Scheme, "decoder", decoder)


def prob_u_constant(mp):
    """prob_u_at_least answers 1 whatever the samples."""
    real = theorem2.prob_u_at_least

    def prob(*a, **kw):
        r = real(*a, **kw)
        return dataclasses.replace(r, value=type(r.value)(1))

    mp.setattr(theorem2, "prob_u_at_least", prob)


def prob_u_v_off_by_one(mp):
    """prob_u_at_least counts 'at least v - 1' instead of 'at least v'."""
    real = theorem2.prob_u_at_least
    mp.setattr(theorem2, "prob_u_at_least", lambda pairs, k, v, **kw: real(pairs, k, v - 1, **kw)
               if v > 1 else real(pairs, k + 1, v, **kw))  # fmt: skip


def decode_with_errors_ignores_errors(mp):
    """Scheme.decode_with_errors decodes as if nobody lied (no error correction)."""

    def decode_with_errors(self, results, max_errors=None):
        keep = dict(list(results.items())[: self.R])
        return self._decode_erasures(keep), []

    mp.setattr(Scheme, "decode_with_errors", decode_with_errors)


def pencil_points_duplicated(mp):
    """threem's per-block pencil repeats a point (two workers at one node)."""
    real = threem._pencil_points
    mp.setattr(threem, "_pencil_points", lambda n, p: (lambda pts: pts[:-1] + pts[:1])(real(n, p))
               if n > 1 else real(n, p))  # fmt: skip


def complex_encoder_shifted(mp):
    """threem's global layout evaluates at one node too few (its last worker repeats one)."""
    real = threem._complex_form
    mp.setattr(threem, "_complex_form", lambda K, x, p, s: real(K, [*x[:-1], x[0]], p, s))


def threem_formula_k2s(mp):
    """threem_workers promises K(2 + s) for the per-block layout instead of K(3 + s)."""
    real = threem.threem_workers

    def workers(K, s=0, targets="complex", layout="auto"):
        w = real(K, s, targets, layout)
        return K * (2 + s) if w == K * (3 + s) and layout == "blocks" else w

    mp.setattr(threem, "threem_workers", workers)


def matdot_formula_short(mp):
    """matdot_workers promises 2k - 2 + s (one worker fewer than the code has)."""
    from ffcc.codes import matdot

    mp.setattr(matdot, "matdot_workers", lambda k, s=0: 2 * k - 2 + s)


def sampling_uniform(mp):
    """grid_crmm samples uniformly (norms ignored); the weights stay consistent."""
    mp.setattr(sketch, "_ratio_to_max", lambda x, axis: np.ones_like(x))


def sq_error_formula_halved(mp):
    """sketch.expected_sq_error reports half the mean squared error."""
    real = sketch.expected_sq_error
    mp.setattr(sketch, "expected_sq_error", lambda *a, **kw: real(*a, **kw) / 2)


def coordinate_code_duplicate_node(mp):
    """The locality-coordinates (Theorem 1) code puts two workers at one node."""
    real = locality.coordinate_code
    mp.setattr(locality, "coordinate_code", lambda *a, **kw: _with_duplicate_node(real(*a, **kw)))


# (claim, breakage name, breakage, core: run in CI)
SABOTAGE = [
    ("C01", "1/p weights removed", estimator_without_weights, True),
    ("C01", "uniform sampling probabilities", sampling_uniform, True),
    ("C01", "expected_sq_error halved", sq_error_formula_halved, False),
    ("C02", "rank test disabled", rank_test_disabled, True),
    ("C02", "matdot: duplicate node", catalog_broken("matdot", _with_duplicate_node), True),
    ("C02", "lagrange: one worker fewer", catalog_broken("lagrange", _without_last_worker), False),
    ("C02", "rank test one short", rank_test_one_short, False),
    ("C03", "rank test disabled", rank_test_disabled, True),
    (
        "C03",
        "dependency code: duplicate node",
        catalog_broken("locality-dependency", _with_duplicate_node),
        True,
    ),  # fmt: skip
    ("C04", "rank test disabled", rank_test_disabled, True),
    ("C04", "coordinate code: duplicate node", coordinate_code_duplicate_node, True),
    ("C04", "vanishing polynomials broken", vanishing_polynomials_broken, True),
    ("C05", "rank test disabled", rank_test_disabled, True),
    ("C05", "coordinate code: duplicate node", coordinate_code_duplicate_node, True),
    ("C05", "plan: Theorem 1 one worker fewer", plan_theorem1_one_fewer, False),
    ("C06", "rank test disabled", rank_test_disabled, True),
    ("C06", "plan: Theorem 1 one worker fewer", plan_theorem1_one_fewer, True),
    ("C07", "prob_u_at_least constant", prob_u_constant, True),
    ("C07", "prob_u_at_least v off by one", prob_u_v_off_by_one, True),
    ("C08", "rank test disabled", rank_test_disabled, True),
    ("C08", "find_cycle returns a path", find_cycle_broken, True),
    ("C09", "rank test disabled", rank_test_disabled, True),
    (
        "C09",
        "entangled: duplicate node",
        catalog_broken("entangled-polynomial", _with_duplicate_node),
        True,
    ),  # fmt: skip
    ("C10", "rank test disabled", rank_test_disabled, True),
    ("C10", "pencil points duplicated", pencil_points_duplicated, True),
    ("C10", "global encoder: repeated node", complex_encoder_shifted, False),
    ("C10", "blocks formula K(2+s)", threem_formula_k2s, False),
    ("C02", "matdot formula 2k-2+s", matdot_formula_short, False),
    ("C11", "rank test disabled", rank_test_disabled, True),
    ("C11", "no error correction", decode_with_errors_ignores_errors, True),
    ("C12", "rank test disabled", rank_test_disabled, True),
    ("C12", "plan: Theorem 1 one worker fewer", plan_theorem1_one_fewer, True),
    ("C13", "rank test disabled", rank_test_disabled, True),
    ("C13", "coordinate code: duplicate node", coordinate_code_duplicate_node, True),
    ("C13", "u() off by one", sample_graph_u_inflated, False),
    ("C14", "rank test disabled", rank_test_disabled, True),
    ("C14", "no error correction", decode_with_errors_ignores_errors, True),
    (
        "C14",
        "dependency code: duplicate node",
        catalog_broken("locality-dependency", _with_duplicate_node),
        False,
    ),  # fmt: skip
    ("C15", "1/p weights removed", estimator_without_weights, True),
    ("C15", "decoding map corrupted", decoder_corrupted, True),
    ("C16", "rank test disabled", rank_test_disabled, True),
    ("C16", "rank test one short", rank_test_one_short, True),
    ("C16", "matdot: duplicate node", catalog_broken("matdot", _with_duplicate_node), False),
    ("C17", "rank test disabled", rank_test_disabled, True),
    ("C17", "secrecy rank test disabled", secrecy_rank_test_disabled, True),
    ("C18", "rank test disabled", rank_test_disabled, True),
    ("C18", "optimize: catalog only", optimize_catalog_only, True),
]


def _moved(cid: str) -> tuple[bool, str]:
    r = _CLAIM[cid].run(quick=True)
    moved = r.verdict != r.claim.expected or not r.negative_rejected
    return moved, f"{cid}: verdict {r.verdict}, negative control rejected {r.negative_rejected}"


def _params():
    for cid, name, breakage, core in SABOTAGE:
        marks = () if core or SLOW else (pytest.mark.skip(reason="FFCC_SLOW=1 runs it"),)
        yield pytest.param(cid, breakage, id=f"{cid}-{name}", marks=marks)


@pytest.mark.parametrize("cid, breakage", list(_params()))
def test_claim_notices(monkeypatch, cid, breakage):
    with monkeypatch.context() as mp:
        breakage(mp)
        moved, what = _moved(cid)
    assert moved, f"the claim did not notice the breakage: {what}"


def test_every_claim_has_two_breakages():
    per: dict = {}
    for cid, _, _, core in SABOTAGE:
        per.setdefault(cid, []).append(core)
    assert sorted(per) == proofs.claim_ids()
    assert all(len(v) >= 2 for v in per.values())
    assert all(sum(v) >= 2 for v in per.values())  # two in CI


def test_unbroken_claims_hold_still():
    """The breakages are undone: the claims they touch give their expected verdicts."""
    for cid in ("C02", "C10"):
        moved, what = _moved(cid)
        assert not moved, what
