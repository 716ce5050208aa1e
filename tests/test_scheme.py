"""ffcc.scheme against independent oracles: Kronecker products in Python integers, spans
decided by python-flint ranks, products computed by flint; the file format's errors."""

import copy
import itertools
import json

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ffcc.field import MAX_PRIME, PrimeField
from ffcc.scheme import DecodingError, Scheme, SchemeError, from_dict, load, loads
from ffcc.strategies import field_arrays, schemes, straggler_sets

P31 = 2**31 - 1
SETTINGS = settings(deadline=None, max_examples=30)


# ----------------------------------------------------------------------------- oracles


def fmat(A, p):
    A = np.asarray(A)
    return flint.nmod_mat(A.shape[0], A.shape[1], [int(x) for x in A.ravel()], p)


def tonp(M):
    return np.array([[int(x) for x in row] for row in M.tolist()], dtype=np.int64).reshape(
        M.nrows(), M.ncols()
    )


def kron_py(vectors, p):
    """e_1 (x) ... (x) e_d in C order, with Python ints."""
    out = [1]
    for v in vectors:
        out = [a * int(b) % p for a in out for b in v]
    return out


def worker_tensors_py(S):
    return [kron_py([S.E[c][j] for c in range(S.d)], S.p) for j in range(S.w)]


def target_tensors_py(S):
    size = int(np.prod(S.basis))
    out = []
    for terms in S.targets:
        T = [0] * size
        for idx, coeff in terms:
            flat = 0
            for c, i in enumerate(idx):
                flat = flat * S.basis[c] + i
            T[flat] = (T[flat] + coeff) % S.p
        out.append(T)
    return out


def rank(rows, p, ncols):
    if not rows:
        return 0
    return flint.nmod_mat(len(rows), ncols, [int(x) for r in rows for x in r], p).rank()


def missing_py(S, workers):
    """Targets outside the span of these workers' tensors, decided by flint ranks."""
    W = worker_tensors_py(S)
    D = len(W[0])
    rows = [W[j] for j in sorted(set(workers))]
    r = rank(rows, S.p, D)
    return [t for t, T in enumerate(target_tensors_py(S)) if rank(rows + [T], S.p, D) > r]


def chain_inputs(S, dims, data):
    """Blocks for a chain of matrix products: coordinate c has shape (dims[c], dims[c+1])."""
    return [
        [data.draw(field_arrays(S.field, (dims[c], dims[c + 1]))) for _ in range(S.basis[c])]
        for c in range(S.d)
    ]


def reference_flint(S, inputs):
    """Targets sum coeff * X_{1,l1} ... X_{d,ld}, multiplied by flint."""
    p = S.p
    out = []
    for terms in S.targets:
        acc = None
        for idx, coeff in terms:
            prod = fmat(inputs[0][idx[0]], p)
            for c in range(1, S.d):
                prod = prod * fmat(inputs[c][idx[c]], p)
            prod = prod * flint.nmod(coeff, p)
            acc = prod if acc is None else acc + prod
        out.append(tonp(acc))
    return out


# ----------------------------------------------------------------------------- tensors


@SETTINGS
@given(schemes(d=st.integers(1, 3)))
def test_worker_and_target_tensors_are_kronecker_products(S):
    W = S.worker_tensors()
    assert W.dtype == np.int64 and W.shape == (S.w, int(np.prod(S.basis)))
    assert W.tolist() == worker_tensors_py(S)
    assert S.target_tensors().tolist() == target_tensors_py(S)


def test_tensors_at_the_largest_prime():
    p = MAX_PRIME
    S = Scheme(
        p,
        [2, 3],
        [[[p - 1, 2], [p - 1, p - 2, 1]], [[3, p - 1], [7, 0, p - 1]]],
        [[((0, 0), p - 1), ((0, 0), 2), ((1, 2), 5)]],
    )
    assert S.worker_tensors().tolist() == worker_tensors_py(S)
    T = S.target_tensors().tolist()
    assert T == target_tensors_py(S) and T[0][0] == 1  # p - 1 + 2 = 1: repeated terms add


# ----------------------------------------------------------------------------- decoding


@SETTINGS
@given(schemes(d=st.integers(1, 3), max_workers=5), st.data())
def test_decodability_matches_flint(S, data):
    stragglers = data.draw(straggler_sets(S.w, S.stragglers))
    alive = [j for j in range(S.w) if j not in stragglers]
    missing = missing_py(S, alive)
    assert S.missing_targets(alive) == missing
    assert S.decodes(alive) == (not missing)
    if missing:
        with pytest.raises(DecodingError, match=f"target {missing[0]}"):
            S.decoder(alive)
        return
    # the decoder really combines worker tensors into target tensors, in the given order
    order = data.draw(st.permutations(alive))
    D = S.decoder(order)
    assert D.shape == (len(S.targets), len(order))
    W = worker_tensors_py(S)
    for t, T in enumerate(target_tensors_py(S)):
        combo = [
            sum(int(D[t, i]) * W[j][k] for i, j in enumerate(order)) % S.p for k in range(len(T))
        ]
        assert combo == T


@SETTINGS
@given(schemes(d=st.integers(1, 3), max_workers=5, max_basis=2), st.data())
def test_encode_compute_decode_round_trip(S, data):
    dims = data.draw(st.lists(st.integers(1, 3), min_size=S.d + 1, max_size=S.d + 1))
    inputs = chain_inputs(S, dims, data)
    coded = S.encode(inputs)
    # coded inputs are the encoders' combinations (Python ints)
    for j in range(S.w):
        for c in range(S.d):
            want = sum(int(S.E[c][j, l]) * inputs[c][l].astype(object) for l in range(S.basis[c]))
            assert coded[j][c].tolist() == (want % S.p).tolist()
    stragglers = data.draw(straggler_sets(S.w, S.stragglers))
    alive = [j for j in range(S.w) if j not in stragglers]
    results = {j: S.compute(coded[j]) for j in alive}
    if missing_py(S, alive):
        with pytest.raises(DecodingError):
            S.decode(results)
        return
    got = S.decode(results)
    want = reference_flint(S, inputs)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.tolist() == w.reshape(g.shape).tolist()
    ref = S.reference(inputs)
    assert all((r == g).all() for r, g in zip(ref, got, strict=True))


def polynomial_code(p, m, n, w, s):
    """A split in m row blocks, B in n column blocks; worker at x gets (x^i), (x^(m j))."""
    workers = [
        [[pow(x, i, p) for i in range(m)], [pow(x, m * j, p) for j in range(n)]]
        for x in range(1, w + 1)
    ]
    targets = [[((i, j), 1)] for i in range(m) for j in range(n)]
    return Scheme(p, [m, n], workers, targets, stragglers=s, name="poly")


@pytest.mark.parametrize("p", [65537, P31, 2**61 - 1, MAX_PRIME])
def test_polynomial_code_round_trip(p):
    S = polynomial_code(p, 2, 3, 9, 3)
    F = S.field
    rng = np.random.default_rng(p % 1000)
    A = [F.random((4, 5), rng) for _ in range(2)]
    B = [F.random((5, 3), rng) for _ in range(3)]
    A[0][0] = p - 1
    coded = S.encode([A, B])
    want = reference_flint(S, [A, B])
    for alive in ([0, 1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8], [0, 2, 4, 6, 7, 8, 1]):
        got = S.decode({j: S.compute(coded[j]) for j in alive})
        assert [g.tolist() for g in got] == [w.tolist() for w in want]
    with pytest.raises(DecodingError, match="do not determine target"):
        S.decode({j: S.compute(coded[j]) for j in range(5)})
    with pytest.raises(DecodingError, match="no worker results"):
        S.decode({})


def test_decoder_errors_and_caching():
    S = polynomial_code(7, 2, 2, 5, 1)
    with pytest.raises(SchemeError, match="worker indices must lie in \\[0, 5\\)"):
        S.decoder([0, 1, 2, 9])
    D1 = S.decoder([3, 0, 1, 2])
    D2 = S.decoder([0, 1, 2, 3])
    assert D1[:, [1, 2, 3, 0]].tolist() == D2.tolist()


def test_target_outside_every_span():
    # worker tensors all have a zero second column; target (0, 1) is never reachable
    S = Scheme(7, [1, 2], [[[1], [1, 0]], [[2], [3, 0]]], [[((0, 0), 1)], [((0, 1), 1)]])
    assert S.missing_targets([0, 1]) == [1] == missing_py(S, [0, 1])
    with pytest.raises(DecodingError, match="target 1 is outside every workers' span"):
        S.decoder([0, 1])


# ----------------------------------------------------------------------------- files


def assert_same_scheme(S, T):
    assert T.p == S.p and T.basis == S.basis and T.w == S.w
    assert all((a == b).all() for a, b in zip(S.E, T.E, strict=True))
    assert T.targets == S.targets
    assert (T.stragglers, T.byzantine, T.name, T.params) == (
        S.stragglers,
        S.byzantine,
        S.name,
        S.params,
    )
    assert (T.worker_tensors() == S.worker_tensors()).all()


@SETTINGS
@given(schemes(d=st.integers(1, 3), byzantine=st.integers(0, 1)))
def test_file_round_trip(S):
    S.params = {"strategy": "schemes", "nested": {"list": [1, 2.5, None, "x"]}, "ok": True}
    text = S.dumps()
    d = json.loads(text)
    assert d["format"] == "ffcc-scheme/2" and d["field"] == S.p
    assert d["workers"] == [[S.E[c][j].tolist() for c in range(S.d)] for j in range(S.w)]
    T = loads(text)
    assert_same_scheme(S, T)
    assert T.dumps() == text


def test_save_load(tmp_path):
    S = polynomial_code(MAX_PRIME, 2, 2, 6, 2)
    path = tmp_path / "poly.json"
    S.save(path)
    assert_same_scheme(S, load(path))
    assert_same_scheme(S, load(str(path)))
    with pytest.raises(SchemeError, match="cannot read scheme file"):
        load(tmp_path / "missing.json")


def test_with_faults_and_subset():
    S = polynomial_code(11, 2, 2, 6, 2)
    T = S.with_faults(stragglers=0, byzantine=1)
    assert (T.stragglers, T.byzantine, T.R) == (0, 1, 4)
    U = S.subset([5, 0, 3, 1], stragglers=0)
    assert U.w == 4 and (U.E[0] == S.E[0][[5, 0, 3, 1]]).all()


def base_file():
    return {
        "format": "ffcc-scheme/1",
        "name": "t",
        "field": 7,
        "stragglers": 1,
        "byzantine": 0,
        "basis": [2, 2],
        "workers": [[[1, 1], [1, 1]], [[1, 2], [2, 1]], [[1, 3], [3, 1]], [[1, 4], [4, 1]]],
        "targets": [[[0, 0, 1], [1, 1, 1]], [[0, 1, 6]]],
        "params": {"m": 2},
    }


def mutate(path, value=None, delete=False):
    d = base_file()
    obj = d
    for k in path[:-1]:
        obj = obj[k]
    if delete:
        del obj[path[-1]]
    else:
        obj[path[-1]] = value
    return json.dumps(d)


MALFORMED = [
    ("{", r"not valid JSON \(line 1, column 2\)"),
    ("", r"not valid JSON \(line 1, column 1\)"),
    ("[1, 2]", "top level must be a JSON object"),
    (
        mutate(["format"], "ffcc-scheme/3"),
        "'format' must be 'ffcc-scheme/1' or 'ffcc-scheme/2', got 'ffcc-scheme/3'",
    ),
    (mutate(["format"], delete=True), "'format' must be"),
    (mutate(["field"], delete=True), "missing key 'field'"),
    (mutate(["stragglers"], delete=True), "missing key 'stragglers'"),
    (mutate(["basis"], delete=True), "missing key 'basis'"),
    (mutate(["workers"], delete=True), "missing key 'workers'"),
    (mutate(["targets"], delete=True), "missing key 'targets'"),
    (mutate(["field"], 12), "'field': field modulus 12 is not prime; the next prime is 13"),
    (mutate(["field"], 2**63), "'field': field modulus 9223372036854775808 is outside"),
    (mutate(["field"], "7"), "'field' must be an integer, got '7'"),
    (mutate(["field"], True), "'field' must be an integer, got True"),
    (mutate(["stragglers"], 1.5), "'stragglers' must be an integer"),
    (mutate(["byzantine"], "1"), "'byzantine' must be an integer"),
    (mutate(["stragglers"], -1), "stragglers and byzantine must be non-negative"),
    (mutate(["stragglers"], 4), "s \\+ 2b = 4 leaves no worker of w = 4"),
    (mutate(["byzantine"], 2), "s \\+ 2b = 5 leaves no worker of w = 4"),
    (mutate(["basis"], 2), "'basis' must be a list"),
    (mutate(["basis", 1], 0), "basis\\[1\\] must be a positive integer, got 0"),
    (mutate(["basis", 0], 2.0), "basis\\[0\\] must be a positive integer"),
    (mutate(["workers"], []), "a scheme needs at least one worker"),
    (mutate(["workers", 2], [[1, 3]]), "workers\\[2\\] must be a list of 2 vectors"),
    (mutate(["workers", 3, 1], [4, 1, 0]), "workers\\[3\\]\\[1\\] must be a list of 2 integers"),
    (
        mutate(["workers", 0, 1, 0], 7),
        "workers\\[0\\]\\[1\\]\\[0\\] = 7 is not an integer in \\[0, 7\\)",
    ),
    (mutate(["workers", 1, 0, 1], -1), "workers\\[1\\]\\[0\\]\\[1\\] = -1 is not an integer"),
    (mutate(["workers", 1, 0, 1], 1.0), "workers\\[1\\]\\[0\\]\\[1\\] = 1.0 is not an integer"),
    (mutate(["workers", 1, 0, 1], True), "workers\\[1\\]\\[0\\]\\[1\\] = True"),
    (mutate(["targets"], []), "a scheme needs at least one target"),
    (mutate(["targets", 1], {"a": 1}), "targets\\[1\\] must be a list of terms"),
    (mutate(["targets", 0, 1], [1, 1]), "targets\\[0\\]\\[1\\] must be \\[l1, ..., l2, coeff\\]"),
    (mutate(["targets", 0, 1], [1, 1, "1"]), "targets\\[0\\]\\[1\\] must hold integers"),
    (
        mutate(["targets", 1, 0], [0, 2, 1]),
        "targets\\[1\\]\\[0\\] index 2 for coordinate 1 is outside \\[0, 2\\)",
    ),
    (mutate(["targets", 0, 0], [-1, 0, 1]), "targets\\[0\\]\\[0\\] index -1 for coordinate 0"),
    (
        mutate(["targets", 1, 0], [0, 1, 7]),
        "targets\\[1\\]\\[0\\] coefficient 7 is outside \\[0, 7\\)",
    ),
    (mutate(["targets", 1, 0], [0, 1, -3]), "targets\\[1\\]\\[0\\] coefficient -3 is outside"),
    (mutate(["params"], [1]), "'params' must be an object"),
]


@pytest.mark.parametrize("text, match", MALFORMED)
def test_malformed_files_name_the_key(text, match):
    with pytest.raises(SchemeError, match="^scheme file: .*" + match) as e:
        loads(text)
    assert "\n" not in str(e.value)


def test_base_file_is_valid():
    S = loads(json.dumps(base_file()))
    assert (S.w, S.R, S.p, S.basis) == (4, 3, 7, (2, 2))
    d = base_file()
    del d["byzantine"], d["params"], d["name"]  # optional keys
    S = from_dict(d)
    assert (S.byzantine, S.params, S.name) == (0, {}, "scheme")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"basis": [2, 0]}, "basis sizes must be positive integers, got \\[2, 0\\]"),
        ({"encoders": [[[1, 1]]]}, "workers\\[0\\] has 1 coordinates, expected 2"),
        (
            {"encoders": [[[1, 1], [1]]]},
            "workers\\[0\\]\\[1\\] has length 1, expected basis\\[1\\] = 2",
        ),
        ({"encoders": [[[1, 1], [1, 7]]]}, "holds 7, outside \\[0, 7\\)"),
        ({"targets": [[((0, 2), 1)]]}, "targets\\[0\\]\\[0\\] index 2 for coordinate 1"),
        ({"targets": [[((0,), 1)]]}, "targets\\[0\\]\\[0\\] has 1 indices, expected 2"),
        ({"targets": [[((0, 0), 9)]]}, "targets\\[0\\]\\[0\\] coefficient 9"),
        ({"stragglers": 1}, "s \\+ 2b = 1 leaves no worker of w = 1"),
        ({"byzantine": -1}, "non-negative"),
    ],
)
def test_constructor_errors(kwargs, match):
    args = {"field": 7, "basis": [2, 2], "encoders": [[[1, 1], [1, 1]]], "targets": [[((0, 0), 1)]]}
    args.update(kwargs)
    with pytest.raises(SchemeError, match=match):
        Scheme(**args)


def test_shape_properties():
    S = loads(json.dumps(base_file()))
    assert (S.d, S.w, S.R, S.p) == (2, 4, 3, 7)
    T = copy.deepcopy(base_file())
    T["byzantine"] = 1
    T["stragglers"] = 0
    assert loads(json.dumps(T)).R == 2
    assert "w=4" in repr(S)
    PrimeField(7)  # the scheme's field compares equal to a fresh one
    assert S.field == PrimeField(7)
    for subset in itertools.combinations(range(4), 3):
        assert S.decodes(subset) == (not missing_py(S, subset))
