"""Tests that kill mutants of ffcc/structure.py which its own tests let survive
(tools/mutate.py, docs/mutation.md). The cycle checks are independent of the library:
a group is a cycle when it is connected and every vertex has degree 2; a leftover is a
forest when union-find never joins two vertices already connected."""

import random

import pytest

from ffcc.structure import SampleGraph


def _is_cycle(samples):
    deg, adj = {}, {}
    for a, b in samples:
        u, v = ("L", a), ("R", b)
        deg[u], deg[v] = deg.get(u, 0) + 1, deg.get(v, 0) + 1
        adj.setdefault(u, []).append(v)
        adj.setdefault(v, []).append(u)
    if any(d != 2 for d in deg.values()):
        return False
    start = next(iter(adj))
    seen, stack = {start}, [start]
    while stack:
        for y in adj[stack.pop()]:
            if y not in seen:
                seen.add(y)
                stack.append(y)
    return len(seen) == len(adj)


def _is_forest(samples):
    root = {}

    def find(x):
        while root.setdefault(x, x) != x:
            x = root[x]
        return x

    for a, b in samples:
        ra, rb = find(("L", a)), find(("R", b))
        if ra == rb:
            return False
        root[ra] = rb
    return True


def _graphs():
    hexagon_with_tail = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 0), (3, 0), (3, 5)]
    yield hexagon_with_tail, 1
    # two hexagons sharing the edge (0, 0): a theta graph, one cycle can be taken
    theta = [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 0), (0, 3), (3, 3), (3, 4), (4, 4),
             (4, 0)]  # fmt: skip
    yield theta, None
    rng = random.Random(7)
    for _ in range(6):
        yield [(rng.randrange(6), rng.randrange(6)) for _ in range(14)], None


def test_cycle_packing_takes_cycles_until_a_forest_is_left():
    for samples, n_groups in _graphs():
        g = SampleGraph(samples)
        cover = g.cycle_packing()
        used = [t for grp in cover.groups for t in grp] + list(cover.leftover)
        assert sorted(used) == list(range(len(samples)))
        for grp in cover.groups:
            assert _is_cycle([samples[t] for t in grp]), (samples, grp)
        assert _is_forest([samples[t] for t in cover.leftover]), samples
        if n_groups is not None:
            assert len(cover.groups) == n_groups
    # the hexagon is the only cycle; the tail (3, 0), (3, 5) is left over
    cover = SampleGraph(next(_graphs())[0]).cycle_packing()
    assert cover.groups == ((0, 1, 2, 3, 4, 5),) and cover.leftover == (6, 7)


def test_k_core_default_and_bad_v():
    g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 2), (2, 2), (3, 2)])
    assert g.k_core_groups().groups == ((0, 1, 2, 3), (4, 5))  # default v = 2
    for bad in (0, True, 1.5, -1):
        with pytest.raises(ValueError, match="v must be a positive int"):
            g.k_core_groups(bad)


def _colors(ax):
    from matplotlib.colors import to_hex

    return [to_hex(line.get_color()) for line in ax.get_lines()]


def test_draw_colours_limits_and_labels():
    pytest.importorskip("matplotlib")
    from matplotlib.colors import to_hex

    g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 2), (2, 2), (3, 2)])
    ax = g.draw(groups={"pair": [4, 5]}, highlight=[0])
    # lines in the order of the distinct pairs: (0,0) (0,1) (1,1) (1,0) (2,2) (3,2)
    cols = _colors(ax)
    assert cols[0] == to_hex("tab:red") and cols[4] == to_hex("tab:blue")
    assert ax.get_xlim() == (0.0, 4.0)  # N = max(4 left, 3 right)
    marks = [t.get_text() for t in ax.texts if t.get_text().startswith("×")]
    assert marks == ["×2"]  # only the pair sampled twice
    assert SampleGraph([(0, 0)]).draw().get_xlim() == (0.0, 1.0)


@pytest.mark.parametrize("n, labelled", [(200, True), (201, False)])
def test_draw_labels_up_to_200_blocks(n, labelled):
    pytest.importorskip("matplotlib")
    ax = SampleGraph([(i, 0) for i in range(n)]).draw()
    labels = [t for t in ax.texts if not t.get_text().startswith("×")]
    assert len(labels) == (n + 1 if labelled else 0)


def _girth(samples):
    """Shortest cycle length by brute force: drop each edge, BFS between its ends."""
    pairs = sorted(set(samples))
    if len(pairs) < len(samples):
        return 2  # a repeated pair
    best = None
    for drop in pairs:
        adj = {}
        for a, b in pairs:
            if (a, b) != drop:
                adj.setdefault(("L", a), []).append(("R", b))
                adj.setdefault(("R", b), []).append(("L", a))
        src, dst = ("L", drop[0]), ("R", drop[1])
        dist, frontier = {src: 0}, [src]
        while frontier and dst not in dist:
            nxt = []
            for x in frontier:
                for y in adj.get(x, ()):
                    if y not in dist:
                        dist[y] = dist[x] + 1
                        nxt.append(y)
            frontier = nxt
        if dst in dist and (best is None or dist[dst] + 1 < best):
            best = dist[dst] + 1
    return best


def test_find_cycle_is_a_shortest_cycle():
    rng = random.Random(11)
    graphs = [next(_graphs())[0]]
    # an 8-cycle with a chord making a 6-cycle and a 4-cycle elsewhere: the 4-cycle wins
    graphs.append([(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 0), (0, 2),
                   (7, 7), (7, 8), (8, 8), (8, 7)])  # fmt: skip
    # a graph where the first root's BFS finds a longer cycle than a later root's
    graphs.append([(0, 6), (2, 6), (4, 6), (5, 4), (6, 5), (5, 1), (1, 2), (3, 4), (1, 0),
                   (5, 6), (0, 5), (3, 6)])  # fmt: skip
    for _ in range(30):
        graphs.append(list({(rng.randrange(7), rng.randrange(7)) for _ in range(11)}))
    for samples in graphs:
        cyc = SampleGraph(samples).find_cycle()
        girth = _girth(samples)
        if girth is None:
            assert cyc is None
        else:
            assert cyc is not None and len(cyc) == girth, samples
            assert _is_cycle([samples[t] for t in cyc])


def test_dense_cover_absorbs_paths_between_group_vertices_only():
    # a 4-cycle, a path R0-L2-R1 between two of its vertices (absorbed) and a path
    # R1-L3-R5 ending outside the group (pruned leaf by leaf: left over)
    g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 0), (2, 1), (3, 1), (3, 5)])
    cover = g.dense_cover()
    assert cover.groups == ((0, 1, 2, 3, 4, 5),) and cover.leftover == (6, 7)


def _left_x(ax, line_index):
    return float(ax.get_lines()[line_index].get_xdata()[0])


def test_draw_geometry():
    pytest.importorskip("matplotlib")
    g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0), (2, 2), (2, 2), (3, 2)])
    ax = g.draw()
    N, nl, nr = 4, 4, 3
    # A blocks on the top row (y = 1), B blocks on the bottom row (y = 0), each row stretched
    # to the full width: column i of a row of n sits at (i + 1/2) N / n
    for line in ax.get_lines():
        assert list(line.get_ydata()) == [1, 0]
    tops, bottoms = (sorted(map(tuple, c.get_offsets().tolist())) for c in ax.collections)
    assert tops == [((i + 0.5) * N / nl, 1.0) for i in range(nl)]
    assert bottoms == [((i + 0.5) * N / nr, 0.0) for i in range(nr)]
    # the repeated pair (2, 2) is the 5th distinct pair: thicker (1.2 + 1 per repeat), its
    # label 70% of the way from its B end to its A end, at height 0.7
    lws = [line.get_linewidth() for line in ax.get_lines()]
    assert lws == [1.2, 1.2, 1.2, 1.2, 2.2, 1.2]
    (mark,) = [t for t in ax.texts if t.get_text() == "×2"]
    xa, xb = ax.get_lines()[4].get_xdata()
    assert mark.get_position() == pytest.approx((0.7 * xa + 0.3 * xb, 0.7))
    assert [t.get_position()[0] for t in ax.get_yticklabels()] == [0, 0]
    assert [t.get_position()[1] for t in ax.get_yticklabels()] == [0, 1]
    # no groups: no legend rows, height 3.6; four groups: two legend rows, 3.6 + 2 * 0.25
    assert ax.figure.get_size_inches()[1] == pytest.approx(3.6)
    ax4 = g.draw(groups=[[0], [1], [2], [3]])
    assert ax4.figure.get_size_inches()[1] == pytest.approx(4.1)


@pytest.mark.parametrize("n, rotation", [(12, 0), (13, 90)])
def test_draw_labels_turn_upright_beyond_12_blocks(n, rotation):
    pytest.importorskip("matplotlib")
    ax = SampleGraph([(i, 0) for i in range(n)]).draw()
    assert {t.get_rotation() for t in ax.texts} == {rotation}


def test_draw_puts_grouped_blocks_first():
    pytest.importorskip("matplotlib")
    # four components; the group is the last one: its blocks take the leftmost columns,
    # then the other components in order
    samples = [(0, 0), (1, 1), (2, 2), (3, 3)]
    ax = SampleGraph(samples).draw(groups={"last": [3]})
    xs = [_left_x(ax, i) for i in range(4)]
    assert xs == [1.5, 2.5, 3.5, 0.5]


def test_subset_message_names_the_index_range():
    g = SampleGraph([(0, 0), (0, 1), (1, 1), (1, 0)])
    with pytest.raises(ValueError, match=r"subset entry 4 is not a sample index in 0\.\.3$"):
        g.find_cycle([0, 4])


def test_draw_single_block_rows_and_width():
    pytest.importorskip("matplotlib")
    # one A block, two B blocks (N = 2): the A block sits at 1/2 * 2 / 1 = 1.0
    tops, bottoms = (
        sorted(map(tuple, c.get_offsets().tolist()))
        for c in SampleGraph([(0, 0), (0, 1)]).draw().collections
    )
    assert tops == [(1.0, 1.0)] and bottoms == [(0.5, 0.0), (1.5, 0.0)]
    tops, bottoms = (
        sorted(map(tuple, c.get_offsets().tolist()))
        for c in SampleGraph([(0, 0), (1, 0)]).draw().collections
    )
    assert tops == [(0.5, 1.0), (1.5, 1.0)] and bottoms == [(1.0, 0.0)]
    # width 0.3 N + 1.5 between 6 and 40 inches: N = 30 gives 10.5
    ax = SampleGraph([(i, 0) for i in range(30)]).draw()
    assert ax.figure.get_size_inches()[0] == pytest.approx(10.5)


def test_find_cycle_does_not_stop_at_a_longer_cycle_through_vertex_4():
    # vertices 0-3 (left a-d) sit on pendant edges, vertex 4 (left e) on a hexagon, and a
    # 4-cycle (the shortest possible) only among later vertices: the search must reach it
    samples = [("a", "ra"), ("b", "rb"), ("c", "rc"), ("d", "rd"),
               ("e", "x"), ("e", "y"), ("f", "y"), ("f", "z"), ("g", "z"), ("g", "x"),
               ("h", "u"), ("h", "v"), ("i", "u"), ("i", "v")]  # fmt: skip
    assert _girth(samples) == 4
    cyc = SampleGraph(samples).find_cycle()
    assert sorted(cyc) == [10, 11, 12, 13]


def test_find_cycle_beyond_a_third_of_the_limit():
    # a 10-cycle (left 1-5, right r0-r4) with a pendant left vertex t on r0, listed first:
    # the BFS from t closes a 12-step walk (tail twice + cycle), then the cycle's own
    # vertices must search past depth 12 / 3 = 4 to close the 10-cycle (found at depth 4)
    ring = [("1", "r0"), ("1", "r1"), ("2", "r1"), ("2", "r2"), ("3", "r2"), ("3", "r3"),
            ("4", "r3"), ("4", "r4"), ("5", "r4"), ("5", "r0")]  # fmt: skip
    samples = [("t", "r0"), *ring]
    assert _girth(samples) == 10
    cyc = SampleGraph(samples).find_cycle()
    assert sorted(cyc) == list(range(1, 11)) and _is_cycle([samples[t] for t in cyc])


def test_find_cycle_tie_break():
    # Derived by hand from the documented rule (find_cycle's docstring). Left 0, 2, 1, 3
    # are vertices 0-3 (order of first appearance), right 1, 0 are 4, 5. Vertex 0 is on a
    # 4-cycle, so the search roots there: neighbours in sample order are 4 (sample 0) and
    # 5 (sample 5). From 4 it reaches left 2 (sample 1) and left 1 (sample 3); from 5 the
    # first closing edge is sample 2 (5 - left 2), closing 0 -5- 5 -2- left 2 -1- 4 -0- 0.
    # The later closing edge, sample 4 (5 - left 1), gives the 4-cycle (5, 4, 3, 0) instead.
    samples = [(0, 1), (2, 1), (2, 0), (1, 1), (1, 0), (0, 0), (3, 0)]
    assert SampleGraph(samples).find_cycle() == (5, 2, 1, 0)
