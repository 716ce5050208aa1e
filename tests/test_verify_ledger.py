"""verify_resumable: a killed sharded verification resumes from its ledger."""

import json

import pytest

from ffcc._errors import InputError
from ffcc.codes.matdot import matdot
from ffcc.scheme import Scheme
from ffcc.verify import verify, verify_resumable


class Killed(Exception):
    pass


def _dies_after(k):
    def mapper(fn, items):
        for n, item in enumerate(items):
            if n == k:
                raise Killed
            yield fn(item)

    return mapper


def test_a_killed_run_resumes_and_matches_one_run(tmp_path):
    S = matdot(3, s=3)  # C(8, 5) = 56 subsets
    led = tmp_path / "ledger.jsonl"
    with pytest.raises(Killed):
        verify_resumable(S, led, shards=7, mapper=_dies_after(3))
    assert len(led.read_text().splitlines()) == 1 + 3  # header + three finished shards
    calls = []

    def counting(fn, items):
        items = list(items)
        calls.append(len(items))
        return map(fn, items)

    rep = verify_resumable(S, led, shards=7, mapper=counting)
    assert calls == [4]  # only the four missing shards ran
    one = verify(S)
    assert (rep.holds, rep.checked, rep.total) == (True, one.checked, one.total)


def test_a_line_cut_by_the_kill_is_run_again(tmp_path):
    S = matdot(2, s=2)
    led = tmp_path / "ledger.jsonl"
    verify_resumable(S, led, shards=3)
    lines = led.read_text().splitlines()
    led.write_text("\n".join(lines[:-1] + [lines[-1][:20]]) + "\n")
    rep = verify_resumable(S, led, shards=3)
    assert rep.holds is True and rep.checked == rep.total


def test_failures_match_the_plain_walk(tmp_path):
    S0 = matdot(3, s=2)
    enc = [[S0.E[c][j].tolist() for c in range(2)] for j in range(S0.w)]
    enc[-1] = enc[0]  # a repeated node
    S = Scheme(S0.p, S0.basis, enc, S0.targets, stragglers=2)
    rep = verify_resumable(S, tmp_path / "l.jsonl", shards=5)
    one = verify(S)
    assert rep.holds is False and rep.first_failure == one.first_failure


def test_a_ledger_for_another_scheme_is_refused(tmp_path):
    led = tmp_path / "l.jsonl"
    verify_resumable(matdot(2, s=1), led, shards=2)
    with pytest.raises(InputError, match="another scheme"):
        verify_resumable(matdot(2, s=2), led, shards=2)
    assert json.loads(led.read_text().splitlines()[0])["format"] == "ffcc-verify-ledger/1"


def test_cli_ledger(tmp_path, capsys):
    from ffcc.cli import main

    f = tmp_path / "s.json"
    matdot(3, s=2).save(f)
    args = ["verify", str(f), "--ledger", str(tmp_path / "l.jsonl"), "--shards", "4"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "HOLDS" in out and "4 of 4 shards done" in out
