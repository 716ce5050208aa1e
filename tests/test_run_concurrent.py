"""Every group of a plan in flight at once: groups overlap in time, the job's latency is
the slowest group's (as ``ffcc simulate`` models it), a failing group stops the others,
and a crash in one group blames only its own worker."""

import json
import time

import numpy as np
import pytest

from ffcc.cli import main
from ffcc.run import Faults, TooManyFaults, TraceReplay, plan_config, run_sketched, simulate
from ffcc.run._inputs import graph_matrix
from ffcc.run._pipeline import SMALL_JOB_WORK

KARATE = graph_matrix("karate")
MAIN_JOB = dict(grid=(2, 2, 17), k=8, stragglers=1, progress=False)  # `make run`
DELAY = 0.4  # every task sleeps this long: a group decodes >= DELAY after it starts


def _run(executor, model=None, faults=None):
    return run_sketched(
        KARATE, KARATE, executor=executor, straggler_model=model or TraceReplay([DELAY]),
        faults=faults, **MAIN_JOB,
    )  # fmt: skip


def _first_start(g) -> float:
    """When the group's first task began, from the start of the run."""
    return g.start_s + min(e.started for e in g.events if e.started is not None)


def _decoded(g) -> float:
    """When the group's decode ended, from the start of the run (its R-th result is at
    ``time_to_R_s`` after its tasks were submitted, a few ms of encoding after start_s)."""
    return g.start_s + g.time_to_R_s + g.decode_s


@pytest.mark.parametrize("executor", ["threads", "local"])
def test_groups_overlap_in_time_and_latency_is_the_slowest_group(executor):
    est, rep, P = _run(executor)
    groups = rep.exact_groups
    assert len(groups) == len(P.chosen.groups) >= 3
    # every group's first task starts before the first group to decode is done: all in
    # flight at once (run one after the other, group 1 starts >= DELAY after group 0 ends)
    first_done = min(_decoded(g) for g in groups)
    assert max(_first_start(g) for g in groups) < first_done
    assert all(g.time_to_R_s >= DELAY for g in groups)  # each waited for its own sleeps
    # latency = the slowest group, not the sum (which is >= 3 * DELAY)
    t0 = min(g.start_s for g in groups)
    assert rep.time_to_R_s == pytest.approx(max(g.start_s - t0 + g.time_to_R_s for g in groups))
    assert rep.time_to_R_s < 2 * DELAY < sum(g.time_to_R_s for g in groups)
    # the guarantees hold as before: exact, and checked by Freivalds
    ref, _, _ = _run("inline", model="none")
    assert np.array_equal(est, ref) and rep.checked
    if executor == "local":  # the pool came up in the background while the plan was made
        assert rep.timings["pool_start_wait"] == rep.pool_start_s >= 0
        assert any("started in the background" in n for n in rep.notes)


def test_inline_runs_groups_one_after_the_other():
    _, rep, _ = _run("inline")
    gs = rep.exact_groups
    assert all(gs[i].start_s <= gs[i + 1].start_s for i in range(len(gs) - 1))


def test_latency_matches_the_simulated_plan(monkeypatch):
    import ffcc.field

    # no kernel compile inside the timed run (earlier tests' small calls could tip
    # use_kernel over its call count here): compiling is not coordination overhead
    monkeypatch.setattr(ffcc.field, "_SPENT", {})
    monkeypatch.setattr(ffcc.field, "_SMALL_CALLS", 10**9)
    # shifted exponential with a 0.3 s shift and a 2 ms tail: the plan's simulated latency
    # (the max over groups of each group's R-th order statistic, all starting at 0) is
    # 0.3-0.33 s; run one group after the other it would be >= 3 x 0.3 s
    _, rep, P = _run("threads", model="exp:0.3,500")
    groups = [(g.w, g.R) for g in rep.exact_groups]
    res = simulate([plan_config(groups, "plan")], "exp:0.3,500", runs=400, seed=0, progress=False)
    p = res.percentiles((50, 100))["plan"]
    assert 0.3 <= p[50] <= p[100] < 0.35
    # the run adds coordination overhead (thread wake-ups, a 5 ms poll) but not a group
    assert p[50] <= rep.time_to_R_s < p[100] + 0.25 < 2 * 0.3


def test_a_failing_group_stops_the_others_at_once():
    # group 0 loses 2 workers (it tolerates 1) at once; the others would sleep 30 s
    model = TraceReplay([0.0] * 3 + [30.0] * 33)
    t = time.perf_counter()
    with pytest.raises(TooManyFaults, match="group 0"):
        _run("threads", model=model, faults=Faults(raises=[(0, 0), (0, 1)]))
    assert time.perf_counter() - t < 10  # the 30 s sleepers were abandoned


def test_a_crash_in_one_group_blames_only_its_worker():
    # local processes, all groups in flight: worker 3 of group 2 dies, which breaks the pool
    # under every group; only that task counts as lost, the others are run again
    est, rep, _ = _run("local", model=TraceReplay([0.3]), faults=Faults(kill=[(2, 3)]))
    events = [(g.index, e) for g in rep.exact_groups for e in g.events]
    blamed = [(gi, e.worker) for gi, e in events if e.status in ("killed", "raised")]
    # the victim is blamed, or (a race) its group decoded from the others first and it
    # was abandoned; no other task is ever blamed for the crash
    assert blamed in ([(2, 3)], []), blamed
    assert [e.status for gi, e in events if (gi, e.worker) == (2, 3)] in (["killed"], ["abandoned"])
    ref, _, _ = _run("inline", model="none")
    assert np.array_equal(est, ref) and rep.checked


def test_main_job_runs_in_threads_with_a_time_breakdown(capsys):
    argv = ["run", "--sketch", "--graph", "karate", "--grid", "2,2,17", "--k", "8", "-s", "1",
            "--model", "exp:0.02,50", "--json"]  # fmt: skip
    assert main(argv) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["executor"] == "threads" and rep["checked"]
    for key in ("sketch", "plan", "prepare", "compute_and_decode", "check", "reconstruct"):
        assert rep["timings"][key] >= 0
    assert any("small job" in n for n in rep["notes"])
    # a kill needs a real process: auto then picks the local pool
    assert main(argv + ["--kill", "2:3"]) == 0
    assert json.loads(capsys.readouterr().out)["executor"] == "local"
    assert SMALL_JOB_WORK > 0


def test_bundled_karate_is_networkx_karate():
    nx = pytest.importorskip("networkx")
    G = nx.karate_club_graph()
    ref = np.rint(nx.to_numpy_array(G, nodelist=list(G.nodes()), weight=None)).astype(np.int64)
    assert np.array_equal(KARATE, ref) and KARATE.sum() == 2 * 78
