"""The command line: one-line errors with exit 2, failing checks exit 1."""

import json

import pytest

from ffcc.cli import main
from ffcc.scheme import Scheme

P = 65537


def matdot(m: int, w: int, s: int, repeat_node: bool = False) -> Scheme:
    xs = list(range(1, w + 1))
    if repeat_node:
        xs[-1] = xs[0]
    enc = [[[pow(x, i, P) for i in range(m)], [pow(x, m - 1 - i, P) for i in range(m)]] for x in xs]
    return Scheme(P, [m, m], enc, [[((i, i), 1) for i in range(m)]], stragglers=s, name="md")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_verify_holds_and_fails(tmp_path, capsys):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    matdot(3, 7, 2).save(good)
    matdot(3, 7, 2, repeat_node=True).save(bad)
    code, out, _ = run(capsys, "verify", str(good), "--json")
    rep = json.loads(out)
    # MatDot with m = 3 needs 2m - 1 = 5 workers: all C(7, 5) = 21 subsets decode
    assert code == 0 and rep["holds"] is True and rep["checked"] == 21
    code, out, _ = run(capsys, "verify", str(bad), "--json", "--count-failures")
    rep = json.loads(out)
    # nodes 1 and 7 coincide: the 5-subsets holding both (C(5, 3) = 10 of them) fail
    assert code == 1 and rep["holds"] is False and rep["failed"] == 10
    assert {0, 6} <= set(rep["first_failure"])


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("not json", "not valid JSON"),
        ('{"format": "ffcc-scheme/1", "field": 12}', "not prime"),
        ('{"format": "other"}', "'format'"),
    ],
)
def test_malformed_file_one_line_exit_2(tmp_path, capsys, content, fragment):
    f = tmp_path / "x.json"
    f.write_text(content)
    code, out, err = run(capsys, "verify", str(f))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err


def test_inconsistent_file_names_position(tmp_path, capsys):
    d = matdot(2, 4, 1).to_dict()
    d["workers"][2][1] = [1, 2, 3]
    f = tmp_path / "x.json"
    f.write_text(json.dumps(d))
    code, _, err = run(capsys, "verify", str(f))
    assert code == 2 and "workers[2][1]" in err


def test_stragglers_not_below_workers(tmp_path, capsys):
    f = tmp_path / "x.json"
    matdot(2, 4, 1).save(f)
    code, _, err = run(capsys, "verify", str(f), "--stragglers", "4")
    assert code == 2 and "s + 2b" in err


def test_usage_error_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["verify", "--R"])  # a bare `ffcc verify` checks the catalog's matdot
    assert e.value.code == 2
    assert "expected one argument" in capsys.readouterr().err


def test_binary_file_is_refused_in_one_line(tmp_path, capsys):
    f = tmp_path / "x.npy"
    f.write_bytes(b"\x93NUMPY\x01\x00")
    code, out, err = run(capsys, "verify", str(f))
    assert code == 2 and "is not text" in err and err.count("\n") == 1


def test_version_prints_the_installed_version(capsys):
    from importlib.metadata import version

    from ffcc.cli import main

    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"ffcc {version('ffcc')}"
