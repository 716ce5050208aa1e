"""Secrecy and multi-output workers: verify_secrecy and the grouped subset walk against
python-flint ranks; the secure catalog (secure MatDot, GASP, polynomial sharing) and the
batch code with negative controls; ``ffcc verify --secrecy``."""

import itertools
import json

import flint
import numpy as np
import pytest

from ffcc import codes
from ffcc.cli import main
from ffcc.codes.batch import batch_mds, separate_outputs
from ffcc.codes.secure import degree_table, share
from ffcc.scheme import Scheme, from_dict, loads
from ffcc.verify import verify, verify_secrecy


def rank(rows, p, ncols):
    rows = [list(r) for r in rows]
    if not rows or ncols == 0:
        return 0
    return flint.nmod_mat(len(rows), ncols, [int(x) for r in rows for x in r], p).rank()


def leak_oracle(S, X):
    """First (subset, coordinate) whose shares reveal data: rank [D|M] > rank M (flint)."""
    for sub in itertools.combinations(range(S.w), X):
        rows = S.output_rows(sub)
        for c in range(S.d):
            E = S.E[c][rows]
            masks = list(S.random[c])
            if rank(E, S.p, E.shape[1]) > rank(E[:, masks], S.p, len(masks)):
                return [list(sub), c]
    return None


def kron(vectors, p):
    out = [1]
    for v in vectors:
        out = [a * int(b) % p for a in out for b in v]
    return out


def decodes_oracle(S, workers):
    """Every target tensor in the span of all products of these workers (flint ranks)."""
    W = [kron([S.E[c][r] for c in range(S.d)], S.p) for r in S.output_rows(workers)]
    D = int(np.prod(S.basis))
    r = rank(W, S.p, D)
    for T in S.target_tensors().tolist():
        if rank(W + [T], S.p, D) > r:
            return False
    return True


def random_masked_scheme(rng, p):
    w = int(rng.integers(2, 6))
    basis = [int(rng.integers(2, 5)), int(rng.integers(2, 5))]
    sizes = [
        int(rng.integers(1, basis[c])) if rng.random() < 0.5 else basis[c] - 1 for c in range(2)
    ]
    random = [sorted(rng.choice(basis[c], size=sizes[c], replace=False).tolist()) for c in range(2)]
    outs = rng.integers(1, 3, size=w).tolist()
    # small entries make rank deficiencies (and so leaks) common
    enc = [[rng.integers(0, min(p, 4), size=basis[c]).tolist() for c in range(2)]
           for _ in range(sum(outs))]  # fmt: skip
    data = [[l for l in range(basis[c]) if l not in random[c]] for c in range(2)]
    targets = [[((data[0][0], data[1][0]), 1)]]
    return Scheme(p, basis, enc, targets, random=random, outputs=outs)


@pytest.mark.parametrize("p", [2, 5, 65537])
def test_secrecy_matches_flint_on_random_schemes(p):
    rng = np.random.default_rng(p)
    seen = {True: 0, False: 0}
    for _ in range(40):
        S = random_masked_scheme(rng, p)
        for X in range(1, S.w + 1):
            rep = verify_secrecy(S, X, progress=False)
            want = leak_oracle(S, X)
            assert rep.secure == (want is None)
            seen[rep.secure] += 1
            if want is not None:
                assert [rep.leaking_subset, rep.leaking_coordinate] == want
                assert rep.ranks[0] > rep.ranks[1]
            else:
                assert rep.checked == rep.total
    assert min(seen.values()) >= 3, seen  # both verdicts exercised


@pytest.mark.parametrize("p", [3, 7, 65537])
def test_grouped_walk_matches_flint(p):
    rng = np.random.default_rng(100 + p)
    fails = 0
    for _ in range(25):
        w = int(rng.integers(2, 6))
        basis = [int(rng.integers(1, 4)), int(rng.integers(1, 3))]
        outs = rng.integers(1, 4, size=w).tolist()
        enc = [[rng.integers(0, min(p, 3), size=basis[c]).tolist() for c in range(2)]
               for _ in range(sum(outs))]  # fmt: skip
        targets = [[((0, 0), 1)], [((basis[0] - 1, basis[1] - 1), 1)]]
        S = Scheme(p, basis, enc, targets, outputs=outs)
        for R in range(1, w + 1):
            rep = verify(S, R, count_failures=True, progress=False)
            bad = [list(c) for c in itertools.combinations(range(w), R) if not decodes_oracle(S, c)]
            assert rep.failed == len(bad) and rep.checked == rep.total
            assert rep.holds == (not bad)
            if bad:
                fails += 1
                assert rep.first_failure == bad[0]
                sampled = verify(S, R, sample=20, seed=1)
                assert sampled.failed > 0 or len(bad) < rep.total  # sampling may miss
            assert S.decodes(list(range(R))) == decodes_oracle(S, range(R))
    assert fails >= 5


# -- the catalog ------------------------------------------------------------------------------

SECURE = ["secure-matdot", "gasp-big", "gasp-r", "polynomial-sharing"]


@pytest.mark.parametrize("name", SECURE + ["batch-mds"])
def test_catalog_entries_verify_and_round_trip(name):
    entry = codes.CATALOG[name]
    S = codes.build(name)
    assert S.w == entry.workers(**entry.defaults)
    rep = verify(S, threshold=True, progress=False)
    # threshold: the worker count the construction promises, measured exhaustively
    assert rep.holds is True and rep.recovery_threshold == S.params["threshold"]
    if name != "batch-mds":
        # N is the size of the degree table alpha + beta (counted independently here)
        alpha, beta = S.params["alpha"], S.params["beta"]
        assert S.params["threshold"] == len({a + b for a in alpha for b in beta})
        assert S.secrecy >= 1 and rep.secrecy.secure is True
        assert rep.secrecy.checked == rep.secrecy.total
    T = loads(S.dumps())
    assert T.random == S.random and T.secrecy == S.secrecy and T.outputs == S.outputs
    assert T.nodes == tuple(S.nodes) and T.assembly == S.assembly
    assert verify(T, progress=False).ok is True
    assert set(entry.param_help) <= set(entry.defaults)


@pytest.mark.parametrize("name", SECURE)
def test_secure_negative_controls(name):
    S = codes.build(name)
    X = S.secrecy
    # X + 1 colluders: X + 1 shares against X mask columns, rank M <= X < rank [D|M]
    rep = verify_secrecy(S, X + 1)
    assert rep.secure is False and rep.leaking_subset == list(range(X + 1))
    assert rep.ranks == [X + 1, X]
    # without masks, a single worker sees a coded input of the data in the clear
    d = S._file_dict()
    del d["random"], d["secrecy"]
    bare = from_dict(d)
    rep = verify_secrecy(bare, 1)
    assert rep.secure is False and rep.leaking_subset == [0] and rep.ranks == [1, 0]
    # one worker fewer than the degree table: some subset must fail
    assert verify(S, S.params["threshold"] - 1, progress=False).holds is False


def test_zero_node_leaks_its_worker():
    """A worker at node 0 gets f(0) = A_0: secure MatDot is no longer 1-secure."""
    S = codes.secure_matdot(2, X=1, p=23)
    d = S._file_dict()
    alpha, beta = S.params["alpha"], S.params["beta"]
    d["workers"][3] = [[int(a == 0) for a in alpha], [int(b == 0) for b in beta]]
    rep = verify_secrecy(from_dict(d), 1)
    assert rep.secure is False and rep.leaking_subset == [3] and rep.leaking_coordinate == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda: codes.secure_matdot(3, X=2, s=1, p=65537),
        lambda: codes.gasp(2, 3, 2, s=1),
        lambda: codes.gasp_r(3, 2, 3, r=2),
        lambda: codes.polynomial_sharing(2, 3, 2),
    ],
)
def test_secure_codes_compute_the_product(make):
    S = make()
    F = S.field
    rng = np.random.default_rng(5)
    ka = S.basis[0] - len(S.random[0])
    kb = S.basis[1] - len(S.random[1])
    inner = S.params["split"] == "inner"
    A = F.random((2, 3 * ka) if inner else (2 * ka, 3), rng)
    B = F.random((3 * kb, 4) if inner else (3, 2 * kb), rng)
    coded = S.encode(share(S, S.split(A, B), rng))
    alive = sorted(rng.choice(S.w, size=S.params["threshold"], replace=False).tolist())
    C = S.assemble_targets(S.decode({j: S.compute(coded[j]) for j in alive}))
    assert (C == (A.astype(object) @ B.astype(object)) % F.p).all()


def test_degree_table_and_gasp_exponents():
    # GASP_big, K = L = 2, T = 1 (DER 2020, Example): alpha = (0,1,4), beta = (0,2,4)
    assert codes.gasp(2, 2, 1).params["alpha"] == [0, 1, 4]
    assert degree_table([0, 1, 4], [0, 2, 4]) == [0, 1, 2, 3, 4, 5, 6, 8]
    with pytest.raises(Exception, match="r must lie"):
        codes.gasp_r(2, 2, 1, r=2)
    with pytest.raises(Exception, match="distinct and non-zero"):
        codes.gasp(nodes=[0, 1, 2, 3, 4, 5, 6, 7])
    with pytest.raises(Exception, match="N = 8 workers"):
        codes.gasp(nodes="1,2,3")


# -- several outputs per worker ---------------------------------------------------------------


@pytest.mark.parametrize("m, n, s", [(2, 2, 1), (3, 2, 2), (2, 3, 1)])
def test_batch_code_holds_as_a_unit_but_not_split(m, n, s):
    S = batch_mds(m, n, s)
    assert (S.w, S.products, S.R) == (m + s, n * (m + s), m)
    assert verify(S, progress=False).holds is True
    split = separate_outputs(S)  # the same products, ns product stragglers
    assert (split.w, split.R) == (n * (m + s), n * m)
    rep = verify(split, progress=False)
    assert rep.holds is False
    # why: the failing products hold fewer than m products of some column block B_j
    cols = [r % n for r in rep.first_failure]
    assert min(cols.count(j) for j in range(n)) < m


def test_batch_code_decodes_blocks():
    S = batch_mds(2, 2, 1)
    F = S.field
    A, B = F.random((4, 3), 0), F.random((3, 4), 1)
    inputs = [np.split(A, 2, axis=0), np.split(B, 2, axis=1)]
    coded = S.encode(inputs)  # one entry per product
    results = [S.compute(c) for c in coded]
    D = S.decoder([2, 0])  # columns: worker 2's products, then worker 0's
    rows = S.output_rows([2, 0])
    blocks = [sum(int(D[t, i]) * results[r].astype(object) for i, r in enumerate(rows)) % F.p
              for t in range(len(S.targets))]  # fmt: skip
    assert (S.assemble_targets(blocks) == (A.astype(object) @ B.astype(object)) % F.p).all()
    by_worker = {j: [results[r] for r in S.output_rows([j])] for j in (0, 2)}
    C = S.decode_blocks(by_worker)
    assert (C == (A.astype(object) @ B.astype(object)) % F.p).all()
    with pytest.raises(Exception, match="returns 2 products, got 1"):
        S.decode_outputs({0: by_worker[0][:1], 2: by_worker[2]})


# -- command line -----------------------------------------------------------------------------


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_secrecy(tmp_path, capsys):
    f = tmp_path / "smd.json"
    argv = ["export", "secure-matdot", "--param", "X=2", "--param", "m=2", "-o", str(f)]
    assert run(capsys, *argv)[0] == 0
    assert json.loads(f.read_text())["secrecy"] == 2
    code, out, _ = run(capsys, "verify", str(f))
    assert code == 0 and "SECURE: no 2 colluding workers" in out
    code, out, _ = run(capsys, "verify", str(f), "--secrecy", "3")
    assert code == 1 and "LEAKS: workers [0, 1, 2]" in out
    code, out, _ = run(capsys, "verify", str(f), "--secrecy", "3", "--json")
    rep = json.loads(out)
    assert code == 1 and rep["holds"] is True and rep["secrecy"]["leaking_subset"] == [0, 1, 2]
    plain = tmp_path / "matdot.json"
    codes.build("matdot").save(plain)
    code, out, _ = run(capsys, "verify", str(plain), "--secrecy", "1")
    assert code == 1 and "LEAKS: workers [0]" in out
    assert run(capsys, "verify", str(plain), "--secrecy", "0")[0] == 0
    code, _, err = run(capsys, "verify", str(f), "--secrecy", "99")
    assert code == 2 and "--secrecy 99" in err


def test_nodes_and_stragglers_must_agree():
    S = codes.gasp(2, 2, 1, p=17, nodes=range(1, 17))
    assert (S.w, S.stragglers) == (16, 8)
    assert codes.gasp(2, 2, 1, 8, p=17, nodes=range(1, 17)).stragglers == 8
    text = ",".join(map(str, range(1, 17)))  # as ffcc export --param nodes=1,...,16 gives it
    with pytest.raises(Exception, match="s = 1, but 16 nodes for N = 8 workers tolerate s = 8"):
        codes.build("gasp-big", p=17, nodes=text)
    assert codes.build("gasp-big", p=17, s=8, nodes=text).w == 16


def test_run_refuses_multi_output_workers_clearly():
    from ffcc.run import Group, InputError, run_plan

    S = batch_mds(2, 2, 1)
    blocks = [[np.ones((2, 2), dtype=np.int64)] * 2] * 2
    with pytest.raises(InputError, match="several outputs"):
        run_plan([Group(S, blocks)], executor="inline", progress=False)


def test_gasp_and_polynomial_sharing_sweep():
    """Every GASP_big / GASP_r with K, L, T <= 3 (all r) and polynomial sharing with
    m, n, X <= 3, one straggler, over GF(65537) at nodes 1..N+1: recovery threshold = the
    degree table's size N (counted here), and T-secure."""
    cases = [codes.gasp(K, L, T, 1, r=r) for K, L, T in itertools.product(range(1, 4), repeat=3)
             for r in [None, *range(1, min(K, T) + 1)]]  # fmt: skip
    cases += [codes.polynomial_sharing(m, n, X, 1)
              for m, n, X in itertools.product(range(1, 4), repeat=3)]  # fmt: skip
    for S in cases:
        alpha, beta = S.params["alpha"], S.params["beta"]
        N = len({a + b for a in alpha for b in beta})
        rep = verify(S, threshold=True, progress=False)
        assert (S.w, rep.holds, rep.recovery_threshold) == (N + 1, True, N), S.params
        assert rep.secrecy.secure is True, S.params
