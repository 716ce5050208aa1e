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
