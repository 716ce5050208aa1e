"""Never an unchecked product presented as exact: spare results cross-check even with
b = 0, and the report (text and JSON) says whether and how the product was checked."""

import json

import numpy as np
import pytest

from ffcc.cli import main
from ffcc.run import Faults, InlineExecutor, TooManyFaults, run_matmul

RNG = np.random.default_rng(3)
A = RNG.integers(-9, 10, (8, 12))
B = RNG.integers(-9, 10, (12, 6))


class AllResults(InlineExecutor):
    """Waits for every result, so the run has w - R spare ones."""

    def run_group(self, job, enough, possible, progress=None, timeout=None):
        return super().run_group(job, lambda ok: len(ok) == job.w, possible, progress, timeout)


def _run(ex=None, **kw):
    kw.setdefault("m", 4)
    kw.setdefault("stragglers", 1)
    return run_matmul(A, B, executor=ex or "inline", progress=False, **kw)


def test_unchecked_run_says_so_and_is_never_labelled_exact():
    # the reproduction: b = 0, --corrupt 3, --freivalds 0; w = 8, R = 7
    C, rep = _run(faults=Faults(corrupt=[3]), freivalds=0)
    assert 3 in rep.groups[0].used and not (C == A @ B).all()  # the lie went in
    assert rep.checked is False and rep.checked_by == []
    text = rep.summary()
    assert "UNCHECKED" in text and "[exact]" not in text
    d = json.loads(rep.to_json())
    assert d["checked"] is False and d["checked_by"] == []


@pytest.mark.parametrize(
    "kw,how",
    [
        ({"freivalds": 3}, ["freivalds"]),
        ({"freivalds": 0, "byzantine": 1}, ["error-correcting decode"]),
    ],
)
def test_checked_runs_say_how(kw, how):
    C, rep = _run(**kw)
    assert (C == A @ B).all()
    assert rep.checked is True and rep.checked_by == how
    assert "[exact]" in rep.summary() and "UNCHECKED" not in rep.summary()
    assert json.loads(rep.to_json())["checked_by"] == how


def test_spare_result_detects_a_liar_with_b0():
    with pytest.raises(TooManyFaults, match="disagree"):
        _run(AllResults(), faults=Faults(corrupt=[3]), freivalds=0)
    # the liar among the spare ones (not decoded) is found too: worker 7 arrives last
    with pytest.raises(TooManyFaults, match="disagree"):
        _run(AllResults(), faults=Faults(corrupt=[7]), freivalds=0)
    C, rep = _run(AllResults(), freivalds=0)
    assert (C == A @ B).all()
    assert rep.checked and rep.checked_by == ["spare results"]
    assert rep.groups[0].checked_by == ["spare results (1)"]


def test_cli_unchecked_run(tmp_path, capsys):
    np.save(tmp_path / "A.npy", A)
    np.save(tmp_path / "B.npy", B)
    argv = ["run", "--A", str(tmp_path / "A.npy"), "--B", str(tmp_path / "B.npy"), "--m", "4"]
    argv += ["-s", "1", "-b", "0", "--corrupt", "3", "--freivalds", "0", "--executor", "inline"]
    assert main(argv + ["-o", str(tmp_path / "C.npy")]) == 0
    out = capsys.readouterr()
    assert "UNCHECKED" in out.out and "[exact]" not in out.out
    assert "UNCHECKED" in out.err
    assert main(argv + ["--json"]) == 0
    assert json.loads(capsys.readouterr().out)["checked"] is False


def test_cli_repro_on_local_workers(tmp_path, capsys):
    """The literal reproduction on worker processes: exit 1 (a spare result caught the
    liar) or exit 0 saying UNCHECKED; never exit 0 presenting the product as exact."""
    np.save(tmp_path / "A.npy", A)
    np.save(tmp_path / "B.npy", B)
    argv = ["run", "--A", str(tmp_path / "A.npy"), "--B", str(tmp_path / "B.npy"), "--m", "4"]
    argv += ["-s", "1", "-b", "0", "--corrupt", "3", "--freivalds", "0"]
    code = main(argv + ["-o", str(tmp_path / "C.npy")])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    if code == 0:
        assert "UNCHECKED" in out.out and "[exact]" not in out.out
    else:
        assert code == 1 and "disagree" in out.err and out.err.count("\n") == 1
