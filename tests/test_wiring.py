"""One wiring: the catalog chooses the constructions, the plan's groups are what the run
runs (built and checked in every prime it computes in), and one pipeline function goes
from inputs to the estimate."""

import dataclasses

import numpy as np
import pytest

from ffcc import codes
from ffcc.codes import GroupSpec, group_rule
from ffcc.plan import Group, over_prime, plan, scheme_for_group
from ffcc.run import InputError, RunOptions, pipeline, run_matmul, run_plan
from ffcc.scheme import Scheme
from ffcc.sketch import grid_crmm
from ffcc.verify import verify

CYCLE8 = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0)]
P31 = 2**31 - 1


def test_the_planner_iterates_over_the_catalog(monkeypatch):
    # Theorem 1 on the 8-cycle: 2k - u1 - u2 + 1 + s = 16 - 4 + 1 + 1
    assert plan(CYCLE8, 1, verify=False).chosen.workers == 14
    entry = codes.CATALOG["locality-coordinates"]
    assert entry.plan.name == "theorem1"
    # without the entry's rule the cycle falls back to one Lagrange code: 2k - 1 + s
    monkeypatch.setitem(codes.CATALOG, entry.name, dataclasses.replace(entry, plan=None))
    P = plan(CYCLE8, 1, verify=False)
    assert P.chosen.workers == 16
    assert {g.construction for c in P.candidates for g in c.groups} <= {
        "lagrange", "uncoded", "replication"
    }  # fmt: skip
    # a new entry's rule is weighed without touching the planner
    cheap = codes.GroupRule("cheap", lambda spec: spec.k == 8, lambda spec: 9 + spec.t, "k + 1",
                            group_rule("lagrange").build, rank=5)  # fmt: skip
    fake = dataclasses.replace(codes.CATALOG["matdot"], name="fake", plan=cheap)
    monkeypatch.setitem(codes.CATALOG, "fake", fake)
    g = plan(CYCLE8, 1, verify=False).chosen.groups[0]
    assert (g.construction, g.workers, g.formula) == ("cheap", 10, "k + 1 + 1 (k = 8)")


def test_a_planned_group_builds_its_scheme_in_any_prime():
    P = plan(CYCLE8, 1, verify=False)
    (g,) = P.chosen.groups
    for p in (65537, 101, P31):
        S = g.build(p)
        assert (S.p, S.w, S.R) == (p, 14, 13)
        assert S.params["a_blocks"] == [0, 1, 2, 3] and S.params["group_construction"] == "theorem1"
    assert verify(g.build(P31), progress=False).holds


def test_over_prime_keeps_the_integer_code():
    # entries p0 - 1 and p0 - 2 are the integers -1 and -2; mod 101 they are 100 and 99
    S = Scheme(65537, [2, 1], [[[1, 0], [1]], [[0, 1], [1]], [[1, 65536], [65535]]],
               [[((0, 0), 1), ((1, 0), 1)]])  # fmt: skip
    T = over_prime(S, 101)
    assert T.p == 101 and T.E[0].tolist() == [[1, 0], [0, 1], [1, 100]]
    assert T.E[1].tolist() == [[1], [1], [99]] and T.targets == S.targets


def test_an_optimized_group_runs_exactly_in_the_primes_its_range_needs():
    P = plan(CYCLE8, 1, optimize=1)
    (g,) = P.chosen.groups
    assert g.construction == "optimized" and g.scheme.p == 65537
    assert scheme_for_group(P, g, P31).p == P31  # was the GF(65537) scheme whatever p
    rng = np.random.default_rng(5)
    As = [rng.integers(-(2**20), 2**20, (3, 4)) for _ in g.spec.a_ids]
    Bs = [rng.integers(-(2**20), 2**20, (4, 2)) for _ in g.spec.b_ids]
    run_group = dataclasses.replace(
        g, inputs=[As, Bs], place=[(t, (3 * t, 0)) for t in range(8)], name="cycle"
    )
    C, rep = run_plan([run_group], shape=(24, 2), executor="inline", progress=False)
    # |target entries| <= 4 * 2^40: beyond one 31-bit prime, so CRT over two
    assert len(rep.groups[0].primes) == 2
    assert [c["p"] for c in rep.groups[0].field_check] == rep.groups[0].primes
    want = np.vstack([As[l].astype(object) @ Bs[r].astype(object) for l, r in CYCLE8])
    assert (C.astype(object) == want).all()


def test_pipeline_stops_before_the_run_or_runs_to_the_estimate():
    rng = np.random.default_rng(2)
    A, B = rng.integers(-9, 10, (12, 12)), rng.integers(-9, 10, (12, 10))
    job = pipeline(A, B, grid=(2, 2, 4), k=3, seed=7, run=False)
    sk = grid_crmm(A, B, 2, 2, 4, 3, 7)  # the same draws: same seed
    assert job.report is None and job.estimate is None and job.padding == (0, 0, 0)
    assert job.plan.products == plan(sk.samples, 1, verify=False).products
    assert [g.k for g in job.groups] == [g.k for g in job.plan.chosen.groups]
    assert all(len(g.inputs[0]) == len(g.spec.a_ids) for g in job.groups)
    run = pipeline(A, B, grid=(2, 2, 4), k=3, seed=7, executor="inline", progress=False)
    assert np.allclose(run.estimate, sk.estimate(), rtol=1e-12, atol=1e-9)
    assert run.report.label == "sketch+plan" and run.report.total_s > 0


def test_run_options_group_the_run_keywords():
    A = np.arange(12).reshape(3, 4)
    B = np.arange(8).reshape(4, 2)
    o = RunOptions(executor="inline", progress=False, freivalds=1)
    C, rep = run_matmul(A, B, m=2, options=o, label="mine")
    assert (C == A @ B).all() and rep.label == "mine" and rep.freivalds["trials"] == 1
    with pytest.raises(TypeError, match="unexpected keyword argument.*executer"):
        run_matmul(A, B, m=2, executer="inline")


def test_a_group_without_a_code_is_refused():
    with pytest.raises(InputError, match="scheme must be a Scheme or a factory"):
        run_plan([Group(inputs=[[np.eye(2)], [np.eye(2)]])], executor="inline")
    spec = GroupSpec.of([(0, 0)], 1)
    assert Group(spec=spec, construction="replication").build(101).w == 2


def test_a_check_before_the_run_uses_the_primes_the_run_uses():
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((8, 8)), rng.standard_normal((8, 8))
    kw = dict(grid=(2, 2, 4), k=2, seed=1)
    job = pipeline(A, B, run=False, check=True, **kw)
    ran = pipeline(A, B, executor="inline", progress=False, **kw)
    before = [[c["p"] for c in checks] for checks in job.field_checks]
    assert before == [g.primes for g in ran.report.groups]
    # 20 fraction bits: |entries| up to 2^22, inner 2: a range beyond one 31-bit prime
    assert all(len(ps) >= 2 for ps in before)
    assert all(c["how"] in ("exhaustive", "certificate") for cs in job.field_checks for c in cs)
    assert pipeline(A, B, run=False, **kw).field_checks is None  # not asked: not built
