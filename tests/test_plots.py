"""The three plots check their labels and artists, not only that a file appears.

``SampleGraph.draw`` (``ffcc plan --draw``), ``plot_latency`` (``ffcc run --plot``) and
``plot_cdf`` (``ffcc simulate --plot``) draw into a matplotlib ``Figure`` without pyplot; the
tests read the Axes back: titles, tick labels, legend texts, and where lines and bars are.
"""

import re
from types import SimpleNamespace

import pytest

pytest.importorskip("matplotlib")

import matplotlib.colors as mcolors  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ffcc.cli import main  # noqa: E402
from ffcc.run import (  # noqa: E402
    ShiftedExponential,
    SlowWorkers,
    coded,
    exact_quantile,
    plot_cdf,
    plot_latency,
    simulate,
    uncoded,
)
from ffcc.structure import SampleGraph  # noqa: E402


def texts(items):
    return [t.get_text() for t in items]


def legend_texts(ax):
    return texts(ax.get_legend().get_texts())


def same_color(a, b):
    return mcolors.to_rgba(a) == mcolors.to_rgba(b)


def segments(ax):
    """Every drawn edge as ((x_top, y_top), (x_bottom, y_bottom))."""
    return [tuple(zip(ln.get_xdata(), ln.get_ydata(), strict=True)) for ln in ax.lines]


def crossings(ax) -> int:
    segs = [(s[0][0], s[1][0]) for s in segments(ax)]
    return sum(
        (a0 - b0) * (a1 - b1) < 0 for i, (a0, a1) in enumerate(segs) for (b0, b1) in segs[i + 1 :]
    )


# ----------------------------------------------------------------------- plan --draw


def test_draw_two_labelled_rows_one_line_per_distinct_pair():
    # Figure 2's 8-cycle plus a repeat of (1, 1): 9 samples, 8 distinct pairs
    fig2 = [(1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 4), (4, 4), (4, 1), (1, 1)]
    ax = SampleGraph(fig2).draw()
    assert ax.get_title() == "sample graph: 9 samples, 8 distinct pairs, (u1, u2) = (2, 2)"
    assert texts(ax.get_yticklabels()) == ["B blocks (4)", "A blocks (4)"]
    assert len(ax.lines) == 8
    a_row, b_row = ax.collections  # the A blocks (squares) and B blocks (circles)
    assert len(a_row.get_offsets()) == 4 and len(b_row.get_offsets()) == 4
    assert set(a_row.get_offsets()[:, 1]) == {1} and set(b_row.get_offsets()[:, 1]) == {0}
    a_x, b_x = set(a_row.get_offsets()[:, 0]), set(b_row.get_offsets()[:, 0])
    for (xa, ya), (xb, yb) in segments(ax):  # every line joins an A block to a B block
        assert (ya, yb) == (1, 0) and xa in a_x and xb in b_x
    labels = texts(ax.texts)
    assert sorted(labels) == sorted(["×2"] + ["1", "2", "3", "4"] * 2)
    assert ax.get_legend() is None  # nothing named, nothing to explain


def test_draw_groups_coloured_named_and_kept_together():
    # two 4-cycles and a tree edge, samples interleaved; groups given by name
    c1 = [("a", "x"), ("a", "y"), ("b", "y"), ("b", "x")]
    c2 = [("c", "z"), ("c", "w"), ("d", "w"), ("d", "z")]
    samples = [c1[0], c2[0], c1[1], c2[1], c1[2], c2[2], c1[3], c2[3], ("e", "x")]
    g = SampleGraph(samples)
    groups = {"left cycle": [0, 2, 4, 6], "right cycle": [1, 3, 5, 7]}
    ax = g.draw(groups=groups)
    assert legend_texts(ax) == [
        "left cycle (4 samples)",
        "right cycle (4 samples)",
        "in no group (1 samples)",
    ]
    handles = ax.get_legend().legend_handles
    by_color = {}
    for ln in ax.lines:
        by_color.setdefault(mcolors.to_rgba(ln.get_color()), []).append(ln)
    # one colour per group, each used by exactly its 4 lines; the leftover edge is grey
    assert len(by_color[mcolors.to_rgba(handles[0].get_color())]) == 4
    assert len(by_color[mcolors.to_rgba(handles[1].get_color())]) == 4
    assert len(by_color[mcolors.to_rgba(handles[2].get_color())]) == 1
    # the first group's blocks sit left of the second group's, on both rows
    xs0 = [x for ln in by_color[mcolors.to_rgba(handles[0].get_color())] for x in ln.get_xdata()]
    xs1 = [x for ln in by_color[mcolors.to_rgba(handles[1].get_color())] for x in ln.get_xdata()]
    assert max(xs0) < min(xs1)
    # a sequence of groups is named by position
    ax2 = g.draw(groups=[[0, 2, 4, 6], [1, 3, 5, 7, 8]])
    assert legend_texts(ax2) == ["group 0 (4 samples)", "group 1 (5 samples)"]


def test_draw_orders_blocks_to_avoid_crossings():
    # a zig-zag path a0-b0-a1-b1-...-a5-b5 listed in a scrambled order: drawable without
    # any crossing (A and B in path order), and the first-appearance order has many
    n = 6
    path = [(f"a{i}", f"b{i}") for i in range(n)] + [(f"a{i + 1}", f"b{i}") for i in range(n - 1)]
    order = np.random.default_rng(3).permutation(len(path))
    ax = SampleGraph([path[t] for t in order]).draw()
    assert crossings(ax) == 0


def test_draw_highlight_keyword_still_works(tmp_path):
    g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 2)])
    out = tmp_path / "g.png"
    ax = g.draw(path=out, highlight=[0, 1, 2, 3])
    assert open(out, "rb").read(4) == b"\x89PNG"
    assert legend_texts(ax) == ["highlight (4 samples)", "in no group (1 samples)"]
    red = [ln for ln in ax.lines if same_color(ln.get_color(), "tab:red")]
    assert len(red) == 4
    fig = Figure()
    mine = fig.subplots()
    assert g.draw(ax=mine) is mine  # draws into the caller's axes


def test_draw_rejects_bad_group_indices():
    with pytest.raises(ValueError, match="not a sample index"):
        SampleGraph([(0, 0)]).draw(groups={"g": [3]})


def test_cli_plan_draw_names_the_chosen_groups(tmp_path, capsys, monkeypatch):
    drawn = []
    original = SampleGraph.draw

    def spy(self, *args, **kw):
        drawn.append(original(self, *args, **kw))
        return drawn[-1]

    monkeypatch.setattr(SampleGraph, "draw", spy)
    png = tmp_path / "plan.png"
    assert main(["plan", "--draw", str(png)]) == 0  # the defaults: flags may be renamed
    out = capsys.readouterr().out
    assert png.exists()
    (ax,) = drawn
    names = [t for t in legend_texts(ax) if not t.startswith("in no group")]
    assert names, "the chosen groups are named in the legend"
    for i, name in enumerate(names):  # "group 0: theorem1, 4 workers (3 samples)"
        m = re.fullmatch(rf"group {i}: (\S+), (\d+) workers \((\d+) samples\)", name)
        assert m, name
        assert m.group(1) in out  # the construction the plan printed
        assert int(m.group(2)) >= int(m.group(3))  # a coded group has w >= k workers


# ----------------------------------------------------------------------- run --plot


def _report():
    """Two groups; times in seconds from each group's dispatch. Plain namespaces with the
    fields a RunReport, its GroupReports and their WorkerEvents have."""

    def event(worker, status, started=None, finished=None):
        return SimpleNamespace(worker=worker, status=status, started=started, finished=finished)

    g0 = SimpleNamespace(index=0, name="matdot-m2", start_s=2.5, time_to_R_s=0.4)
    g0.events = [event(0, "ok", 0.1, 0.3), event(1, "killed", None, 0.05), event(2, "ok", 0.2, 0.4)]
    g1 = SimpleNamespace(index=1, name="lagrange[5]", start_s=3.5, time_to_R_s=0.25)
    g1.events = [event(0, "ok", 0.05, 0.25), event(1, "abandoned", None, 0.25)]
    return SimpleNamespace(label="t", executor="local", pool_start_s=2.0, groups=[g0, g1])


def test_plot_latency_rows_by_construction_time_from_dispatch():
    ax = plot_latency(_report())
    assert texts(ax.get_yticklabels()) == [
        "g0 matdot-m2 w0",
        "g0 matdot-m2 w1",
        "g0 matdot-m2 w2",
        "g1 lagrange[5] w0",
        "g1 lagrange[5] w1",
    ]
    # one bar per worker, from its start (dispatch if unknown) to its outcome; the run's
    # pool start (2 s) and the groups' start times (2.5 s, 3.5 s) are not added
    bars = [x for p in ax.patches for x in (p.get_x(), p.get_x() + p.get_width())]
    assert bars == pytest.approx([0.1, 0.3, 0, 0.05, 0.2, 0.4, 0.05, 0.25, 0, 0.25])
    assert ax.get_xlim()[0] == 0
    assert "dispatch" in ax.get_xlabel()
    # only the statuses that occurred, with counts, and the decode marker
    assert legend_texts(ax) == [
        "ok (3)",
        "killed (1)",
        "abandoned (1)",
        "R-th result: decoding starts",
    ]
    marks = [c for c in ax.collections if isinstance(c, LineCollection)]
    xs = [v for c in marks for seg in c.get_segments() for v in (*seg[0], seg[1][1])]
    # each group's time to its R-th result (x, x), across that group's rows only (y, y)
    assert xs == pytest.approx([0.4, -0.45, 2.45, 0.25, 2.55, 4.45])
    assert "pool start 2.00 s" in ax.get_title()


def test_plot_latency_saves_and_returns_path(tmp_path):
    out = plot_latency(_report(), tmp_path / "lat.png")
    assert out == str(tmp_path / "lat.png")
    assert open(out, "rb").read(4) == b"\x89PNG"


def test_cli_run_plot_prints_wrote(tmp_path, capsys):
    png = tmp_path / "run.png"
    argv = ["run", "--random", "8", "--executor", "inline", "--plot", str(png)]
    assert main(argv) == 0
    assert f"wrote {png}" in capsys.readouterr().out.splitlines()
    assert png.exists()


# ----------------------------------------------------------------------- simulate --plot


def test_plot_cdf_readable_title_and_closed_form_marks():
    model = ShiftedExponential(shift=0.05, rate=20.0)
    configs = [uncoded(3), coded(5, 3, "MatDot")]
    res = simulate(configs, model, runs=300, seed=0, progress=False)
    ax = plot_cdf(res)
    title = ax.get_title()
    assert title == "latency CDF over 300 runs; straggler model: delay 0.05 s + Exp(rate 20 /s)"
    assert "ShiftedExponential(" not in title
    assert legend_texts(ax) == [
        "uncoded x1 (3 workers)",
        "MatDot (5 workers)",
        "closed form p50, p95, p99",
    ]
    curves = [ln for ln in ax.lines if ln.get_linestyle() != "None"]
    marks = [ln for ln in ax.lines if ln.get_linestyle() == "None"]
    assert len(curves) == 2 and len(marks) == 2
    for cfg, curve, mark in zip(configs, curves, marks, strict=True):
        assert same_color(mark.get_markeredgecolor(), curve.get_color())
        assert list(mark.get_ydata()) == [0.5, 0.95, 0.99]
        want = [exact_quantile(cfg, model, q) for q in (0.5, 0.95, 0.99)]
        assert list(mark.get_xdata()) == pytest.approx(want)
    # one shifted exponential worker: its median is shift + ln 2 / rate, independently
    one = simulate([coded(1, 1, "one")], model, runs=10, seed=0, progress=False)
    (mark,) = [ln for ln in plot_cdf(one).lines if ln.get_linestyle() == "None"]
    assert mark.get_xdata()[0] == pytest.approx(0.05 + np.log(2) / 20)


def test_plot_cdf_without_closed_form_has_no_marks(tmp_path):
    res = simulate([coded(4, 3)], SlowWorkers((1,), 0.5), runs=20, seed=0, progress=False)
    ax = plot_cdf(res)
    assert legend_texts(ax) == ["coded 3/4 (4 workers)"]
    assert all(ln.get_linestyle() != "None" for ln in ax.lines)
    assert ax.get_title().endswith("straggler model: workers (1,) wait 0.5 s, the others 0.0 s")
    out = plot_cdf(res, tmp_path / "cdf.png")
    assert open(out, "rb").read(4) == b"\x89PNG"
