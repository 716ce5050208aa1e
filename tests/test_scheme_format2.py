"""The scheme file format ffcc-scheme/2: strict keys, exact fractions, layouts, masks,
multi-output workers, nodes, assembly; /1 files still load."""

import json

import numpy as np
import pytest

from ffcc.field import PrimeField
from ffcc.scheme import FORMAT, Layout, Scheme, SchemeError, from_dict, load, loads


def v1_file():
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


def v2_file(**extra):
    d = v1_file()
    d["format"] = "ffcc-scheme/2"
    d.update(extra)
    return d


def field_division(num: int, den: int, p: int) -> int:
    """num / den in GF(p) by search: the x with den * x = num (independent of pow(., -1))."""
    return next(x for x in range(p) if (den * x - num) % p == 0)


def full_scheme():
    """Every optional feature at once: XYt layout, masks, two-output worker, nodes, grid."""
    return Scheme(
        11,
        [3, 2],
        # worker 0: one product; worker 1: two products; worker 2: one product
        [[[1, 0, 0], [1, 0]], [[0, 1, 0], [0, 1]], [[3, 1, 1], [2, 2]], [[1, 4, 9], [1, 3]]],
        [[((0, 0), 1)], [((1, 1), 10)]],
        stragglers=1,
        name="everything",
        params={"note": [1, None, "x"]},
        product="XYt",
        random=[[2], []],
        outputs=[1, 2, 1],
        nodes=[1, 2, 3],
        assembly=[[0], [1]],
        secrecy=1,
        extensions={"other-tool": {"seed": 3}},
    )


# -- strictness ---------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [v1_file, v2_file])
def test_misspelled_key_is_an_error_naming_it(make):
    d = make()
    d["byzantin"] = 1
    with pytest.raises(
        SchemeError, match="unknown key 'byzantin' \\(did you mean 'byzantine'\\?\\)"
    ):
        from_dict(d)


def test_misspelled_key_exits_2_on_the_command_line(tmp_path, capsys):
    from ffcc.cli import main

    f = tmp_path / "typo.json"
    f.write_text(json.dumps({**v2_file(), "byzantin": 1}))
    assert main(["verify", str(f)]) == 2
    err = capsys.readouterr().err
    assert "'byzantin'" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "change, match",
    [
        ({"product": 5}, "'product' must be a string, got 5"),
        ({"product": "YX"}, "'product' must be one of XY, XYt, XtY, got 'YX'"),
        ({"random": {"0": [1]}}, "'random' must be a list"),
        ({"random": [[1]]}, "'random' must be a list of 2 index lists"),
        ({"random": [[1], ["1"]]}, "random\\[1\\] must hold integer indices"),
        ({"random": [[0], []]}, "targets\\[0\\]\\[0\\] uses basis input 0 of coordinate 0"),
        ({"random": [[5], []]}, "random\\[0\\] = \\[5\\] must hold distinct indices in \\[0, 2\\)"),
        ({"secrecy": "1"}, "'secrecy' must be an integer, got '1'"),
        ({"secrecy": 4}, "secrecy X = 4 must lie in \\[0, w = 4\\)"),
        ({"extensions": [1]}, "'extensions' must be an object"),
        ({"nodes": 3}, "'nodes' must be a list"),
        ({"nodes": [1, 2]}, "nodes has 2 points for w = 4 workers"),
        ({"nodes": [1, 2, 3, 1.5]}, "nodes\\[3\\] = 1.5 must be an integer or an exact fraction"),
        ({"assemble": [[0]]}, "'assemble' must be an object"),
        ({"assemble": {"grid": [[0]], "t": 1}}, "'assemble' must be"),
        ({"assemble": {"grid": [[0, 1], [1]]}}, "non-empty rectangle"),
        ({"assemble": {"grid": [[0, 2]]}}, "assemble grid names target 2"),
        ({"name": 3}, "'name' must be a string"),
        ({"stragglers": True}, "'stragglers' must be an integer"),
        ({"workers": [{"outputs": []}]}, "workers\\[0\\].'outputs' must list at least one"),
        ({"workers": [{"output": [[[1, 1], [1, 1]]]}]}, "workers\\[0\\] has unknown key 'output'"),
        ({"workers": [{"outputs": [[[1, 1]]]}]}, "workers\\[0\\].outputs\\[0\\] must be a list"),
        ({"targets": [[[0, 0, "1/7"]]]}, "denominator 7 = 0 mod 7"),
        ({"targets": [[[0, 0, "1/-14"]]]}, "denominator -14 = 0 mod 7"),
        ({"targets": [[[0, 0, "1/2/3"]]]}, "must be an integer or an exact fraction"),
        ({"targets": [[[0, 0, 0.5]]]}, "must be an integer or an exact fraction"),
        ({"targets": [[[0, "0", 1]]]}, "targets\\[0\\]\\[0\\] indices must be integers"),
    ],
)
def test_v2_errors_name_the_key(change, match):
    with pytest.raises(SchemeError, match="^scheme file: .*" + match) as e:
        from_dict(v2_file(**change))
    assert "\n" not in str(e.value)


def test_v1_keeps_its_stricter_coefficients_and_keys():
    for value in ("1/2", -1):
        d = v1_file()
        d["workers"][0][0][0] = value
        with pytest.raises(SchemeError, match="not an integer in \\[0, 7\\)"):
            from_dict(d)
    with pytest.raises(SchemeError, match="unknown key 'product'"):
        from_dict({**v1_file(), "product": "XY"})


# -- coefficients -------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [7, 65537, 2**61 - 1])
def test_fractions_and_signed_integers_reduce_in_gf_p(p):
    values = ["3/4", "-1/8", " 5 / -3 ", "-7", -1, -p - 2, 2**80, "10/2"]
    d = {
        "format": FORMAT,
        "field": p,
        "basis": [len(values), 1],
        "workers": [[values, [1]]],
        "targets": [[[0, 0, "-1/2"]]],
    }
    S = from_dict(d)
    small = p < 100  # the search oracle is only fast for a small field
    want = [
        (3 * pow(4, -1, p)) % p,
        (-1 * pow(8, -1, p)) % p,
        (-5 * pow(3, -1, p)) % p,
        p - 7,
        p - 1,
        p - 2,
        2**80 % p,
        5,
    ]
    if small:
        assert want[:3] == [
            field_division(3, 4, p),
            field_division(-1, 8, p),
            field_division(5, -3, p),
        ]
    assert S.E[0][0].tolist() == want
    assert S.targets[0][0][1] == (p - 1) * pow(2, -1, p) % p
    if small:
        assert S.targets[0][0][1] == field_division(-1, 2, p)


def test_dyadic_real_code_maps_exactly():
    """A real-valued worker row (0.75, -0.125) written as fractions equals its GF(p) image."""
    p = 65537
    S = from_dict({"format": FORMAT, "field": p, "basis": [2, 1],
                   "workers": [[["3/4", "-1/8"], [1]]], "targets": [[[0, 0, 1]]]})  # fmt: skip
    x, y = (int(v) for v in S.E[0][0])
    assert 4 * x % p == 3 and 8 * y % p == p - 1


# -- round trips ----------------------------------------------------------------------------------


def test_everything_round_trips():
    S = full_scheme()
    assert (S.w, S.products, S.R, S.outputs) == (3, 4, 2, (1, 2, 1))
    text = S.dumps()
    d = json.loads(text)
    assert d["format"] == "ffcc-scheme/2" and d["product"] == "XYt"
    assert d["workers"][1] == {"outputs": [[[0, 1, 0], [0, 1]], [[3, 1, 1], [2, 2]]]}
    assert d["random"] == [[2], []] and d["secrecy"] == 1 and d["nodes"] == [1, 2, 3]
    assert d["assemble"] == {"grid": [[0], [1]]} and d["extensions"] == {"other-tool": {"seed": 3}}
    T = loads(text)
    for attr in ("p", "basis", "targets", "stragglers", "byzantine", "name", "params", "product",
                 "random", "outputs", "nodes", "assembly", "secrecy", "extensions"):  # fmt: skip
        assert getattr(T, attr) == getattr(S, attr), attr
    assert all((a == b).all() for a, b in zip(S.E, T.E, strict=True))
    assert T.dumps() == text


def test_layout_round_trips_and_computes():
    F = PrimeField(13)
    rng = np.random.default_rng(0)
    X, Y = F.random((3, 4), rng), F.random((5, 4), rng)
    for name, x, y, want in [
        ("XYt", X, Y, X @ Y.T),
        ("XtY", X.T.copy(), Y.T.copy(), X @ Y.T),
        ("XY", X, Y.T.copy(), X @ Y.T),
    ]:
        S = Scheme(13, [1, 1], [[[1], [1]]], [[((0, 0), 1)]], product=name)
        T = loads(S.dumps())
        assert json.loads(S.dumps())["product"] == name
        assert T.product == S.product == (None if name == "XY" else Layout(name))
        assert (T.compute([x, y]) == want % 13).all()
    with pytest.raises(SchemeError, match="needs d = 2"):
        Scheme(13, [1, 1, 1], [[[1], [1], [1]]], [[((0, 0, 0), 1)]], product="XYt")


def test_python_product_cannot_be_saved_but_survives_with_faults():
    def f(F, xs):
        return F.mul(xs[0], xs[1])

    S = Scheme(7, [1, 1], [[[1], [1]], [[2], [1]]], [[((0, 0), 1)]], stragglers=1, product=f)
    with pytest.raises(SchemeError, match="Python function"):
        S.dumps()
    assert S.with_faults(stragglers=0).product is f


def test_v1_files_still_load_and_resave_as_v2(tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps(v1_file()))
    S = load(path)
    assert (S.w, S.R, S.product, S.random, S.secrecy) == (4, 3, None, ((), ()), 0)
    S.save(tmp_path / "new.json")
    T = load(tmp_path / "new.json")
    assert json.loads((tmp_path / "new.json").read_text())["format"] == "ffcc-scheme/2"
    assert T.targets == S.targets and all((a == b).all() for a, b in zip(S.E, T.E, strict=True))


def test_multi_output_decoder_and_subset():
    S = full_scheme()
    assert S.output_rows([2, 1]) == [3, 1, 2]
    assert S.subset([1, 2]).outputs == (2, 1)
    assert S.subset([1, 2]).nodes == (2, 3)
    D = S.decoder([1, 0])
    assert D.shape == (2, 3)  # columns: worker 1's two products, then worker 0's
    W = S.worker_tensors()
    combo = S.field.matmul(D, W[[1, 2, 0]])
    assert (combo == S.target_tensors()).all()


def test_assemble_targets():
    S = full_scheme()
    blocks = [np.full((1, 2), 3), np.full((2, 2), 4)]
    assert S.assemble_targets(blocks).tolist() == [[3, 3], [4, 4], [4, 4]]


def test_json_schema_accepts_saved_files_and_rejects_typos():
    jsonschema = pytest.importorskip("jsonschema")
    from pathlib import Path

    from ffcc import codes

    schema = json.loads(
        (Path(__file__).parents[1] / "docs" / "ffcc-scheme-2.schema.json").read_text()
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    check = jsonschema.Draft202012Validator(schema)
    for S in [full_scheme(), *(codes.build(name) for name in sorted(codes.CATALOG))]:
        assert not list(check.iter_errors(json.loads(S.dumps())))
    assert not list(check.iter_errors(v2_file(workers=[[["3/4", -1], [1, 1]]])))
    for bad in [v2_file(byzantin=1), v2_file(product="YX"), v2_file(nodes=[1.5])]:
        assert list(check.iter_errors(bad))


def test_documented_example_loads_holds_and_is_secure():
    from pathlib import Path

    from ffcc.verify import verify

    text = (Path(__file__).parents[1] / "docs" / "scheme-format.md").read_text()
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    S = loads(example)
    rep = verify(S)
    assert (S.w, S.secrecy, S.random) == (3, 1, ((1,), (1,)))
    assert rep.holds is True and rep.secrecy.secure is True


def test_duplicate_keys_are_errors_naming_the_key():
    text = json.dumps(v2_file()).replace('"byzantine": 0', '"byzantine": 0, "byzantine": 1')
    with pytest.raises(SchemeError, match="duplicate key 'byzantine'"):
        loads(text)
    nested = '{"format": "ffcc-scheme/2", "field": 7, "basis": [1, 1], "targets": [[[0, 0, 1]]], '
    nested += '"workers": [{"outputs": [[[1], [1]]], "outputs": [[[2], [1]]]}]}'
    with pytest.raises(SchemeError, match="duplicate key 'outputs'"):
        loads(nested)


@pytest.mark.parametrize("seed", range(12))
def test_random_schemes_with_every_feature_round_trip(seed):
    """Random schemes with masks, multi-output workers, layouts, nodes, grids and fractions:
    save -> load is the identity, and the file is a fixed point."""
    rng = np.random.default_rng(seed)
    p = int(rng.choice([2, 3, 7, 65537, 2**31 - 1, 2**61 - 1]))
    basis = [int(rng.integers(2, 4)), int(rng.integers(2, 4))]
    random = [sorted(rng.choice(basis[c], size=int(rng.integers(0, basis[c])), replace=False)
                     .tolist()) for c in range(2)]  # fmt: skip
    data = [[l for l in range(basis[c]) if l not in random[c]] for c in range(2)]
    w = int(rng.integers(2, 5))
    outs = rng.integers(1, 3, size=w).tolist()
    enc = [[[int(v) for v in rng.integers(0, p, size=basis[c], dtype=np.int64)] for c in range(2)]
           for _ in range(sum(outs))]  # fmt: skip
    targets = [[((data[0][0], data[1][-1]), int(rng.integers(0, p)))]]
    S = Scheme(p, basis, enc, targets, stragglers=int(rng.integers(0, w)), random=random,
               outputs=outs, product=str(rng.choice(["XY", "XYt", "XtY"])),
               nodes=rng.integers(0, p, size=w).tolist(), assembly=[[0]],
               secrecy=int(rng.integers(0, w)), extensions={"seed": seed})  # fmt: skip
    text = S.dumps()
    T = loads(text)
    for attr in ("p", "basis", "targets", "stragglers", "product", "random", "outputs",
                 "nodes", "assembly", "secrecy", "extensions"):  # fmt: skip
        assert getattr(T, attr) == getattr(S, attr), attr
    assert all((a == b).all() for a, b in zip(S.E, T.E, strict=True))
    assert T.dumps() == text
    # the same coefficients written as signed integers and fractions load to the same scheme
    d = json.loads(text)
    first = d["workers"][0]["outputs"][0] if isinstance(d["workers"][0], dict) else d["workers"][0]
    first[0][0] = first[0][0] - p  # negative representative
    first[1][0] = f"{2 * first[1][0]}/2" if p != 2 else first[1][0]
    assert all((a == b).all() for a, b in zip(from_dict(d).E, S.E, strict=True))
