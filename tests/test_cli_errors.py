"""Issue 10, input half: every reproduction of a traceback, a silently accepted value or a
misleading message is a test here. Exit 2 = the input was wrong (one ``ffcc: error:``
line), 1 = a check failed, 3 = a bug in ffcc (one line, ``--debug`` for the traceback)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import run_cli

import ffcc.cli
import ffcc.cli.codes
from ffcc.codes import build
from ffcc.run import load_matrix, save_matrix

ROOT = Path(__file__).resolve().parents[1]
cli = run_cli  # (exit code, stdout, stderr) of ffcc argv


def refused(capsys, *argv, fragment=""):
    """Assert exit 2 with exactly one ``ffcc: error:`` line (holding ``fragment``)."""
    code, out, err = cli(capsys, *argv)
    assert code == 2, (code, err)
    assert "Traceback" not in err and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ffcc: error: "), err
    assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def scheme_file(tmp_path):
    f = tmp_path / "matdot.json"
    build("matdot", m=3, s=2).save(f)  # w = 7, R = 5: C(7, 5) = 21 subsets
    return f


@pytest.fixture
def ok_npy(tmp_path):
    f = tmp_path / "ok.npy"
    np.save(f, np.arange(16).reshape(4, 4))
    return f


# -- Tracebacks -------------------------------------------------------------------------
def _npy_header_only(path, shape, descr="<f8"):
    with open(path, "wb") as fh:
        np.lib.format.write_array_header_1_0(
            fh, {"descr": descr, "fortran_order": False, "shape": shape}
        )


def test_empty_npy(tmp_path, capsys):
    (tmp_path / "e.npy").write_bytes(b"")
    refused(capsys, "run", "--A", tmp_path / "e.npy", fragment="is empty")


def test_npy_declaring_1e9_by_1e9_refused_by_estimate(tmp_path, capsys):
    f = tmp_path / "huge.npy"
    _npy_header_only(f, (10**9, 10**9))
    # 10^18 float64 entries = 8e18 bytes, twice with the pipeline's copy: 13.9 EiB
    refused(capsys, "run", "--A", f, fragment="would need about 13.9 EiB")
    refused(capsys, "sketch", "--A", f, "--B", f, fragment="13.9 EiB")


def test_npy_truncated(tmp_path, capsys, monkeypatch):
    f = tmp_path / "short.npy"
    _npy_header_only(f, (100, 100))
    refused(capsys, "run", "--A", f, fragment="is truncated")


@pytest.mark.parametrize(
    "array, fragment",
    [
        (np.array([["a", "b"], ["c", "d"]]), "dtype <U1"),
        (np.ones((2, 2), complex), "dtype complex128"),
        (np.zeros((2, 2), dtype=[("x", "<i4")]), "dtype"),
        (np.ones((2, 2, 2)), "3-D array"),
        (np.ones((0, 3)), "empty matrix"),
        (np.array([[1.0, np.nan], [0, 1]]), "must be finite"),
    ],
)
def test_npy_bad_contents(tmp_path, capsys, array, fragment):
    f = tmp_path / "x.npy"
    np.save(f, array)
    refused(capsys, "run", "--A", f, fragment=fragment)


def test_npy_object_array(tmp_path, capsys):
    f = tmp_path / "o.npy"
    np.save(f, np.array([[1, None]], dtype=object), allow_pickle=True)
    refused(capsys, "run", "--A", f, fragment="object (pickled)")


def test_npz_renamed_to_npy(tmp_path, capsys):
    f = tmp_path / "z.npy"
    with open(f, "wb") as fh:
        np.savez(fh, a=np.ones((2, 2)))
    refused(capsys, "run", "--A", f, fragment="zip (.npz) archive")


def test_not_npy_at_all(tmp_path, capsys):
    f = tmp_path / "t.npy"
    f.write_text("1 2\n3 4\n")
    refused(capsys, "run", "--A", f, fragment="not a .npy file")


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "argv",
    [
        ["verify", "{f}"],
        ["run", "--random", "8", "--scheme", "{f}"],
        ["plan", "--samples", "{f}"],
        ["compare", "--samples", "{f}"],
    ],
)
def test_deeply_nested_json(tmp_path, capsys, argv):
    f = tmp_path / "deep.json"
    f.write_text(DEEP)
    refused(capsys, *[a.format(f=f) for a in argv], fragment="nested deeper than")


def test_random_1e6_refused_by_estimate(capsys):
    # three 10^6 x 10^6 int64 matrices: 2.4e13 bytes = 21.8 TiB
    refused(capsys, "run", "--random", "1000000", fragment="21.8 TiB")


def test_m_zero(capsys):
    refused(capsys, "run", "--random", "8", "--m", "0", fragment="argument --m: must be >= 1")


def test_m_beyond_inner_dimension(capsys):
    refused(capsys, "run", "--random", "8", "--m", "9", fragment="choose m <= 8")


def test_simulate_huge_config_refused_by_estimate(capsys):
    refused(capsys, "simulate", "--config", "a=1000000000000:1", fragment="of memory")


def test_simulate_many_workers_closed_form_does_not_overflow(capsys):
    # C(2000, 1000) overflows a float; the closed form is summed in log space
    code, out, err = cli(capsys, "simulate", "--config", "a=2000:1000", "--runs", "20", "--json")
    assert code == 0, err
    assert json.loads(out)["exact"]["a"]["p50"] > 0


# -- Accepted silently -----------------------------------------------------------------
@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--kill", "99"], "--kill 99: there are only 8 workers"),
        (["--corrupt", "5:1"], "--corrupt 5:1: the plan has 1 groups"),
        (["--model", "slow:@1"], "name the slow workers"),
        (["--model", "slow:40@1"], "--model slow 40"),
        (["--processes", "0"], "argument --processes: must be >= 1"),
        (["--dask-local", "0"], "argument --dask-local: must be >= 1"),
        (["--dask-local", "-1"], "argument --dask-local: must be >= 1"),
        (["--timeout", "nan"], "argument --timeout: must be a finite number > 0"),
        (["--timeout", "-3"], "argument --timeout"),
        (["--timeout", "inf"], "argument --timeout"),
        (["--freivalds", "-1"], "argument --freivalds"),
        (["--primes", "4,x"], "--primes"),
        (["--seed", "-1"], "argument --seed"),
        (["--grid", "0,2,2", "--sketch"], "--grid"),
    ],
)
def test_run_values_checked(capsys, argv, fragment):
    # --random 8 with the default MatDot m = 4, s = 1: w = 2m - 1 + s = 8 workers
    refused(capsys, "run", "--random", "8", *argv, fragment=fragment)


@pytest.mark.parametrize(
    "extra, fragment",
    [
        (["--sample", "-1"], "argument --sample: must be >= 1"),
        (["--shards", "0", "--dask-local", "2"], "argument --shards: must be >= 1"),
        (["--dask-local", "-1"], "argument --dask-local: must be >= 1"),
        (["--R", "0"], "argument --R"),
        (["--R", "8"], "--R 8: the scheme has only 7 workers"),
        (["--shard", "4/4"], "--shard"),
        (["-b", "-1"], "argument --byzantine/-b"),
    ],
)
def test_verify_values_checked(scheme_file, capsys, extra, fragment):
    refused(capsys, "verify", scheme_file, *extra, fragment=fragment)


@pytest.mark.parametrize("only", [",,", "", "C99", "C01,,nope"])
def test_claims_only_checked(capsys, only):
    refused(capsys, "claims", "--only", only, fragment="--only")


def test_duplicate_key_in_scheme_file(tmp_path, capsys):
    f = tmp_path / "dup.json"
    text = build("matdot", m=2, s=1).dumps()
    f.write_text(text.replace('"stragglers":1', '"stragglers":1,"stragglers":0'))
    refused(capsys, "verify", f, fragment="duplicate key 'stragglers'")


@pytest.mark.parametrize("name", [5, None, ["a"], {"x": 1}])
def test_scheme_name_must_be_a_string(tmp_path, capsys, name):
    d = build("matdot", m=2, s=1).to_dict()
    d["name"] = name
    f = tmp_path / "n.json"
    f.write_text(json.dumps(d))
    refused(capsys, "verify", f, fragment="'name' must be a string")


@pytest.mark.parametrize(
    "content, fragment",
    [
        ('[[0, 1], [1, 2], [2, "x", 3]]', "JSON list of [a, b] pairs"),
        ("[[0, 1], [true, 2]]", "JSON list of [a, b] pairs"),
        ("[[0, 1], [[1], 2]]", "JSON list of [a, b] pairs"),
        ("[[0, 1], [0, 1], ", "not valid JSON"),
        ('[[0, 1], [0, 2]] {"a": 1, "a": 2}', "not valid JSON"),
        ("[]", "holds no samples"),
        ("0 1\n2\n", "line 2"),
    ],
)
def test_samples_files_checked(tmp_path, capsys, content, fragment):
    f = tmp_path / "s.txt"
    f.write_text(content)
    refused(capsys, "compare", "--samples", f, fragment=fragment)


def test_samples_duplicate_key_refused(tmp_path, capsys):
    f = tmp_path / "s.json"
    f.write_text('[[0, 1], {"a": 1, "a": 2}]')
    refused(capsys, "plan", "--samples", f, fragment="duplicate key")


def test_demo_large_s_refused_up_front(capsys):
    refused(capsys, "demo", "-s", "100", fragment="choose -s <= 10")


def test_compare_random_bounded(capsys):
    refused(capsys, "compare", "--random", "1000000", fragment="argument --random: must be <=")


# -- Misleading ------------------------------------------------------------------------
def test_negative_b_names_b(capsys):
    line = refused(capsys, "run", "--random", "8", "-b", "-1")
    assert "byzantine" in line and "stragglers" not in line


def test_grid_error_reads_well():
    # the CLI pads to the grid (tests/test_cli_defaults.py); the library still refuses
    import numpy as np

    from ffcc.sketch import grid_crmm

    with pytest.raises(ValueError) as exc:
        grid_crmm(np.ones((6, 6)), np.ones((6, 6)), 2, 2, 4, 1, 0)
    line = str(exc.value)
    assert "(A's columns, B's rows), not divisible by q=4" in line and "is," not in line


@pytest.mark.parametrize("argv", [["run", "--bogus"], ["codes", "--bogus"], ["bogus"]])
def test_unknown_arguments_name_the_right_help(capsys, argv):
    line = refused(capsys, *argv)
    assert "ffcc ffcc" not in line
    assert f"(see ffcc {argv[0]} --help)" in line if argv[0] != "bogus" else "(see ffcc --help)"


@pytest.mark.parametrize(
    "pipe, lines",
    [
        ("codes | head -1", 1),  # the pipe closes while ffcc still prints
        ("codes --names | true", 0),  # closed before the final flush at exit
    ],
)
def test_broken_pipe_is_quiet(pipe, lines):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = f"{sys.executable} -m ffcc.cli {pipe}; exit ${{PIPESTATUS[0]}}"
    p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert p.stdout.count("\n") == lines


def test_product_beyond_int64_round_trips(tmp_path, capsys):
    rng = np.random.default_rng(1)
    A = rng.integers(-(2**40), 2**40, (6, 8))
    B = rng.integers(-(2**40), 2**40, (8, 5))
    A[0, 0], B[0, 0] = 2**62, -(2**62)  # entry (0, 0) is near -2^124
    np.save(tmp_path / "A.npy", A)
    np.save(tmp_path / "B.npy", B)
    out = tmp_path / "C.npy"
    argv = ["run", "--A", tmp_path / "A.npy", "--B", tmp_path / "B.npy", "--m", "2"]
    code, _, err = cli(capsys, *argv, "--executor", "inline", "-o", out)
    assert code == 0 and "ffcc-bigint/1" in err
    want = A.astype(object) @ B.astype(object)
    assert abs(want[0, 0]) > 2**123
    got = load_matrix(out)
    assert got.dtype == object and got.shape == (6, 5) and (got == want).all()
    with np.load(out) as z:  # readable without pickle, and without ffcc
        assert str(z["format"]) == "ffcc-bigint/1" and z["residues"].dtype == np.int64


def test_bigint_format_edges(tmp_path):
    C = np.array([[2**63, -(2**63), 0], [-1, 2**200, -(2**200) + 1]], dtype=object)
    f = tmp_path / "c.bin"
    assert save_matrix(f, C) == "ffcc-bigint/1"
    assert (load_matrix(f) == C).all()
    # tampered archives are refused, not misread
    with open(f, "wb") as fh:
        np.savez(fh, format=np.array("ffcc-bigint/1"), moduli=np.array([4, 9]),
                 residues=np.zeros((2, 1, 1), dtype=np.int64))  # fmt: skip
    with pytest.raises(ffcc.InputError, match="distinct primes"):
        load_matrix(f)


def test_output_must_not_overwrite_an_input(ok_npy, capsys):
    refused(capsys, "run", "--A", ok_npy, "-o", ok_npy, fragment="is also an input")


# -- exit codes, --debug, resource guards ----------------------------------------------
def test_internal_error_is_one_line_exit_3(capsys, monkeypatch):
    def boom(args):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(ffcc.cli.codes, "cmd_codes", boom)
    code, _, err = cli(capsys, "codes")
    assert code == 3 and "Traceback" not in err
    assert err.strip() == (
        "ffcc: internal error: RuntimeError: kaboom (rerun with --debug for the traceback)"
    )
    code, _, err = cli(capsys, "codes", "--debug")
    assert code == 3 and "Traceback" in err and "kaboom" in err


def test_value_error_from_a_bug_is_not_exit_2(capsys, monkeypatch):
    def bug(args):
        return int("not a number")  # a bug, not the user's input

    monkeypatch.setattr(ffcc.cli.codes, "cmd_codes", bug)
    code, _, err = cli(capsys, "codes")
    assert code == 3 and "ValueError" in err


def test_missing_file_is_exit_2(tmp_path, capsys):
    refused(capsys, "verify", tmp_path / "nope.json", fragment="No such file")
    refused(capsys, "run", "--A", tmp_path / "nope.npy", fragment="does not exist")


def test_verify_prints_estimate_and_refuses_past_budget(scheme_file, capsys):
    code, _, err = cli(capsys, "verify", scheme_file)
    assert code == 0 and err.startswith("verify: 21 subsets of size 5; estimated ")
    refused(capsys, "verify", scheme_file, "--budget", "1e-9", fragment="use --sample N")
    for extra in (["--force"], ["--sample", "5"], ["--shard", "0/2"]):
        code, out, _ = cli(capsys, "verify", scheme_file, "--budget", "1e-9", *extra)
        assert code == 0 and "ffcc: error" not in out


def test_verify_huge_subset_count_refused_quickly(tmp_path, capsys):
    f = tmp_path / "m50.json"
    build("matdot", m=50, s=100).save(f)  # w = 199, R = 99: C(199, 99) ~ 4.5e58 subsets
    # 45274257328051640582702088538742081937252294837706668420660 subsets
    refused(
        capsys, "verify", f, "--no-certificate", fragment="checking all 4.53e+58 subsets of size 99"
    )
    # an evaluation code needs no enumeration: the certificate proves it instead
    rc, out = cli(capsys, "verify", f)[:2]
    assert rc == 0 and "HOLDS (certificate)" in out


def test_verify_guard_applies_when_no_certificate_does(tmp_path, capsys):
    S = build("matdot", m=50, s=100)
    enc = [[c.copy() for c in wk] for wk in S.encoders]
    enc[-1] = [c.copy() for c in enc[0]]  # a repeated node: no certificate is issued
    from ffcc import Scheme

    f = tmp_path / "bad.json"
    Scheme(S.p, S.basis, enc, S.targets, stragglers=S.stragglers).save(f)
    refused(capsys, "verify", f, fragment="checking all 4.53e+58 subsets of size 99")


def test_memory_budget_guards_verify_and_export(tmp_path, capsys, monkeypatch):
    f = tmp_path / "m10.json"
    build("matdot", m=10, s=1).save(f)
    assert 16 * f.stat().st_size < 50_000  # parsing fits, the tensors do not:
    # worker tensors of w = 20 workers x m^2 = 100 coordinates, four int64 copies: 64000 B
    monkeypatch.setenv("FFCC_MEMORY_BUDGET", "50000")
    refused(capsys, "verify", f, fragment="would need about 62.5 KiB")
    refused(capsys, "run", "--random", "20", "--scheme", f, fragment="62.5 KiB")
    monkeypatch.setenv("FFCC_MEMORY_BUDGET", "64000")
    assert cli(capsys, "verify", f)[0] == 0
    monkeypatch.delenv("FFCC_MEMORY_BUDGET")
    refused(capsys, "--memory-budget", "1K", "verify", f, fragment="parsing the scheme file")
    refused(capsys, "--memory-budget", "lots", "codes", fragment="--memory-budget")
    # 2 * 10^5 workers: O(w^2) coefficients are refused before building
    refused(
        capsys, "export", "matdot", "--param", "m=100000", fragment="export matdot with 200,000"
    )


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["export", "nope"], "unknown construction"),
        (["export", "matdot", "--param", "q=3"], "takes --param"),
        (["export", "matdot", "--param", "m"], "key=value"),
        (["export", "matdot", "--param", "m=x"], "--param m=x: m takes an integer"),
        (["export", "matdot", "--param", "m=-2"], ""),
        (["show", "polynomial", "--param", "m=2.0"], "--param m=2.0: m takes an integer"),
        (["show", "gasp-r", "--param", "r=2.5"], "--param r=2.5: r takes an integer"),
        (["show", "batch-mds", "--param", "m=0"], "batch-mds: m must be a positive integer, got 0"),
        (["show", "lagrange", "--param", "systematic=2"], "lagrange: systematic must be true"),
        (["show", "locality-coordinates", "--param", "merge=2"], "merge must be true or false"),
    ],
)
def test_export_params_checked(capsys, argv, fragment):
    refused(capsys, *argv, fragment=fragment)


# -- found by the fuzz suite and by hand -------------------------------------------------
def test_sketched_run_bad_grid_is_input_error(capsys):
    # a grid that does not divide 34 is padded (tests/test_cli_defaults.py); a malformed one
    # is refused
    refused(capsys, "run", "--graph", "karate", "--sketch", "--grid", "2,2", fragment="M,N,Q")
    refused(capsys, "run", "--graph", "karate", "--sketch", "--grid", "2,0,3", fragment="M,N,Q")


def test_sketch_sample_count_bounded(capsys):
    # 2 x 2 output blocks (the default grid) x k = 10^8 samples each: 4e8 samples (used to
    # run without end)
    refused(capsys, "sketch", "--k", "100000000", fragment="400,000,000 samples")
    refused(capsys, "run", "--random", "8", "--sketch", "--k", "10000000", fragment="samples")


@pytest.mark.parametrize("argv", [["run", "--random", "8", "--m=--"], ["simulate", "--config=--"]])
def test_dash_dash_as_a_value(capsys, argv):
    # argparse hands the value [] to the command (was exit 3: list > int)
    refused(capsys, *argv, fragment="expected one value, got '--'")


def test_truncated_zip(tmp_path, capsys):
    (tmp_path / "z.npy").write_bytes(b"PK\x03\x04")
    refused(capsys, "run", "--A", tmp_path / "z.npy", fragment="cannot be read")


@pytest.mark.parametrize("item", ["=3", "a=0", "a=", "a=b"])
def test_compare_items_checked(capsys, item):
    refused(capsys, "run", "--random", "8", "--compare", item, fragment="NAME=WORKERS")


def test_output_directory_checked_before_the_run(tmp_path, capsys):
    missing = tmp_path / "no" / "C.npy"
    refused(capsys, "run", "--random", "8", "-o", missing, fragment="does not exist")
    refused(capsys, "run", "--random", "8", "--plot", missing, fragment="does not exist")
    refused(capsys, "sketch", "--draw", missing, fragment="does not exist")
    for argv in (["sketch", "--draw"], ["simulate", "--k", "4", "--plot"], ["run", "--random",
                 "8", "--plot"]):  # fmt: skip
        refused(capsys, *argv, tmp_path / "x.xyz", fragment="unknown picture format")


def test_simulate_slow_workers_are_slow_in_every_run(capsys):
    # worker 0 always takes 5 s, the others 0 s: waiting for all 3 takes 5 s in every run,
    # waiting for 2 of 3 takes 0 s (it was slow in the first run only)
    code, out, _ = cli(
        capsys, "simulate", "--model", "slow:0@5", "--config", "a=3:3", "--config", "b=3:2",
        "--runs", "50", "--json",
    )  # fmt: skip
    p = json.loads(out)["percentiles"]
    assert code == 0 and p["a"]["p50"] == 5.0 and p["b"]["p99"] == 0.0
    refused(capsys, "simulate", "--model", "slow:3@5", "--config", "a=3:3", fragment="only 3")


@pytest.mark.parametrize("addr", ["tcp://127.0.0.1:9", "127.0.0.1:x", "tcp://host"])
def test_scheduler_address_checked(scheme_file, capsys, addr):
    # port 9 (discard) has no listener here: refused at once (was 30 s, then exit 3)
    refused(capsys, "run", "--random", "8", "--scheduler", addr, fragment="--scheduler")
    refused(capsys, "verify", scheme_file, "--scheduler", addr, fragment="--scheduler")
