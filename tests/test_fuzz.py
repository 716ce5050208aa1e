"""Fuzz the command line (issue 10): malformed files and argument values for every command.

Every case is wrong on purpose, so every case must end with exit 2 and exactly one line
``ffcc: error: ...`` on stderr: no traceback, no hang, nothing on stdout, and every input
file byte-for-byte unchanged. Cases run in-process through ``ffcc.cli.main(argv)`` (fast);
a few run as real subprocesses with a timeout, to prove that nothing hangs.

CI runs a fast subset (``FFCC_FUZZ_EXAMPLES`` unset: 4 examples per generator, about 30
cases). ``make fuzz`` runs at least 300 cases and prints
``N cases, 0 tracebacks, 0 hangs, 0 changed inputs, 0 wrong exits``.
"""

import contextlib
import hashlib
import io
import json
import os
import string
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ffcc.cli import main
from ffcc.codes import build

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("FFCC_FUZZ_EXAMPLES", "4"))
FULL = "FFCC_FUZZ_EXAMPLES" in os.environ
STATS = Counter()
WORK = Path(tempfile.mkdtemp(prefix="ffcc-fuzz-"))
fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module", autouse=True)
def summary(request):
    yield
    line = (
        f"fuzz: {STATS['cases']} cases, {STATS['tracebacks']} tracebacks, {STATS['hangs']} "
        f"hangs, {STATS['changed']} changed inputs, {STATS['wrong']} wrong exits"
    )
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\n{line}")


def _write(data: bytes, suffix: str) -> Path:
    STATS["files"] += 1
    f = WORK / f"case{STATS['files']:05d}{suffix}"
    f.write_bytes(data)
    return f


def _hashes(argv) -> dict:
    out = {}
    for a in argv:
        for part in str(a).split("=", 1)[-1:] + [str(a)]:
            p = Path(part)
            if p.is_file():
                out[p] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _record(code, out, err, before, after) -> None:
    STATS["cases"] += 1
    lines = err.splitlines()
    tb = "Traceback" in err
    STATS["tracebacks"] += tb
    STATS["changed"] += before != after
    wrong = code != 2 or out != "" or len(lines) != 1 or not lines[0].startswith("ffcc: error: ")
    STATS["wrong"] += wrong and not tb
    assert not tb, err
    assert before == after, "an input file changed"
    assert not wrong, (code, out[:300], err[:600])


def expect_refused(argv) -> None:
    """Run ``ffcc argv`` in-process; assert one ``ffcc: error:`` line and exit 2."""
    argv = [str(a) for a in argv]
    before = _hashes(argv)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:
            code = e.code
    _record(code, out.getvalue(), err.getvalue(), before, _hashes(argv))


def expect_refused_subprocess(argv, timeout=120) -> None:
    """The same through a real ``python -m ffcc.cli`` process that must end in time."""
    argv = [str(a) for a in argv]
    before = _hashes(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        p = subprocess.run(
            [sys.executable, "-m", "ffcc.cli", *argv],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        STATS["cases"] += 1
        STATS["hangs"] += 1
        raise AssertionError(f"ffcc {' '.join(argv)} did not end within {timeout} s") from None
    _record(p.returncode, p.stdout, p.stderr, before, _hashes(argv))


# -- valid material the malformed cases start from --------------------------------------
SCHEME = build("matdot", m=2, s=1)  # w = 4, R = 3, basis (2, 2), GF(65537)
SCHEME_DICT = SCHEME.to_dict()
OK_NPY = WORK / "ok.npy"
np.save(OK_NPY, np.arange(64).reshape(8, 8) % 7)
OK_SCHEME = WORK / "ok.json"
SCHEME.save(OK_SCHEME)

# -- malformed files --------------------------------------------------------------------
_DESCRS = ["<f8", "<i8", "<u2", "|i1", "<f4", ">f8"]
_BAD_DESCRS = ["|O", "<U3", "<c16", "|V4", "|S2", "<M8[s]", "<m8[s]", "|b1", "<f2", "<c8"]


@st.composite
def npy_files(draw) -> bytes:
    kind = draw(st.sampled_from(["bytes", "magic", "header", "npz", "pickle", "dims"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "magic":
        return b"\x93NUMPY" + draw(st.binary(max_size=200))
    if kind == "npz":
        buf = io.BytesIO()
        names = draw(st.lists(st.sampled_from(["a", "format", "moduli", "residues"]), max_size=3))
        np.savez(buf, **{n: np.arange(draw(st.integers(0, 6))) for n in names})
        return buf.getvalue()
    if kind == "pickle":
        buf = io.BytesIO()
        np.save(buf, np.array([[1, None], [2, "x"]], dtype=object), allow_pickle=True)
        return buf.getvalue()
    if kind == "dims":  # complete files that are not 2-D numeric matrices
        arr = draw(
            st.sampled_from(
                [np.ones(3), np.ones((2, 2, 2)), np.ones((0, 4)), np.ones((3, 0)),
                 np.array(5.0), np.array([[1.0, np.nan]]), np.array([[np.inf, 1.0]]),
                 np.ones((2, 2), complex), np.array([["a", "b"]]), np.zeros(2, "V3")]
            )
        )  # fmt: skip
        buf = io.BytesIO()
        np.save(buf, arr)
        return buf.getvalue()
    # a well-formed header whose dtype or shape is wrong, or whose data is short
    bad_dtype = draw(st.booleans())
    descr = draw(st.sampled_from(_BAD_DESCRS if bad_dtype else _DESCRS))
    shape = tuple(
        draw(st.lists(st.one_of(st.integers(0, 8), st.integers(10**6, 10**12)), max_size=4))
    )
    buf = io.BytesIO()
    try:
        np.lib.format.write_array_header_1_0(
            buf, {"descr": descr, "fortran_order": draw(st.booleans()), "shape": shape}
        )
    except ValueError:
        return b"\x93NUMPY\x01\x00" + draw(st.binary(max_size=50))
    nbytes = int(np.prod(shape, dtype=object)) * np.dtype(descr).itemsize if shape else 8
    short = draw(st.integers(0, max(0, min(nbytes - 1, 64))))  # always fewer than declared
    return buf.getvalue() + draw(st.binary(min_size=short, max_size=short))


def _json_values():
    leaves = st.one_of(
        st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False),
        st.text(max_size=8),
    )  # fmt: skip
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=12,
    )


_OPTIONAL_KEYS = ("stragglers", "byzantine")  # docs/scheme-format.md
_SCHEME_KEYS = ["format", "field", "stragglers", "byzantine", "basis", "workers", "targets"]
_WRONG_TYPES = {  # a value of the wrong type for each key: always refused
    "format": st.one_of(st.integers(), st.sampled_from(["ffcc-scheme/3", "", "FFCC-SCHEME/1"])),
    "name": st.one_of(st.integers(), st.lists(st.integers(), max_size=2), st.booleans()),
    "field": st.one_of(st.sampled_from([0, 1, 4, 65536, 2**64 + 13, -65537]), st.text(max_size=4)),
    "stragglers": st.one_of(st.integers(max_value=-1), st.just(4), st.text(max_size=3)),
    "byzantine": st.one_of(st.integers(max_value=-1), st.just(2), st.just(True), st.floats()),
    "basis": st.one_of(st.just([]), st.just([0, 2]), st.just([2]), st.text(max_size=3)),
    "workers": st.one_of(st.just([]), st.just([[[1, 2]]]), st.integers(), st.just([[1, 2], [3]])),
    "targets": st.one_of(st.just([[[0, 0]]]), st.just([[[0, 0, "x"]]]), st.integers()),
    "params": st.one_of(st.integers(), st.lists(st.integers(), max_size=2), st.text(max_size=3)),
}


@st.composite
def scheme_texts(draw) -> bytes:
    kind = draw(st.sampled_from(["text", "json", "wrong", "drop", "coeff", "dup", "cut", "deep"]))
    if kind == "text":
        text = draw(st.text(max_size=200))
        if text.lstrip().startswith(("{", "[")):
            text = "x" + text
        return text.encode("utf-8", "surrogatepass")
    if kind == "json":  # valid JSON that is no scheme (no "format": "ffcc-scheme/1")
        return json.dumps(draw(_json_values())).encode()
    d = json.loads(json.dumps(SCHEME_DICT))
    if kind == "wrong":
        key = draw(st.sampled_from(sorted(_WRONG_TYPES)))
        d[key] = draw(_WRONG_TYPES[key])
    elif kind == "drop":
        # only required keys: stragglers and byzantine are optional in ffcc-scheme/2 (default 0)
        del d[draw(st.sampled_from([k for k in _SCHEME_KEYS if k not in _OPTIONAL_KEYS]))]
    elif kind == "coeff":
        j, c, l = draw(st.integers(0, 3)), draw(st.integers(0, 1)), draw(st.integers(0, 1))
        # ffcc-scheme/2 reduces integers of any sign and "a/b" strings mod p: these are not
        bad = [1.5, None, True, [1], "x", "1/65537", "1/0", {}]
        d["workers"][j][c][l] = draw(st.sampled_from(bad))
    text = json.dumps(d)
    if kind == "dup":
        key = draw(st.sampled_from(_SCHEME_KEYS))
        text = text.replace(f'"{key}":', f'"{key}": 0, "{key}":', 1)
    elif kind == "cut":
        text = text[: draw(st.integers(0, len(text) - 1))]
    elif kind == "deep":
        n = draw(st.integers(65, 5000))
        text = text[:-1] + ', "x": ' + "[" * n + "]" * n + "}"
    return text.encode()


@st.composite
def samples_texts(draw) -> bytes:
    kind = draw(st.sampled_from(["badpair", "lines", "empty", "deep", "dup", "binary", "cut"]))
    if kind == "badpair":
        good = draw(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=3))
        bad = draw(
            st.sampled_from([[1], [1, 2, 3], [[1], 2], [True, 1], [1.5, 2], [None, 1], {}, "ab"])
        )
        data = [list(p) for p in good] + [bad]
        return json.dumps(draw(st.permutations(data))).encode()
    if kind == "lines":  # a line with one token or three
        ids = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=4)
        toks = draw(st.lists(ids, min_size=3, max_size=5)) if draw(st.booleans()) else [draw(ids)]
        return ("0 1\n" + " ".join(toks) + "\n").encode()
    if kind == "empty":
        return draw(st.sampled_from([b"", b"\n\n", b"# only a comment\n", b"[]", b"  []  "]))
    if kind == "deep":
        n = draw(st.integers(65, 20000))
        return b"[" * n + b"]" * n
    if kind == "dup":
        return b'[[0, 1], {"a": 1, "a": 2}]'
    if kind == "binary":
        return b"\xff\xfe" + draw(st.binary(max_size=100))
    text = "[[0, 1], [1, 2], [2, 3]]"
    return text[: draw(st.integers(1, len(text) - 1))].encode()


# -- malformed argument values ----------------------------------------------------------
def _not_int():
    return st.one_of(
        st.sampled_from(["", "x", "1.5", "1e3", "0x10", "nan", "--", "١٢x", "2**3", "one"]),
        st.text(alphabet=string.ascii_letters + ".,;:/ ", min_size=1, max_size=6),
    )


def _ints_below(lo: int):
    return st.one_of(st.integers(max_value=lo - 1).map(str), _not_int())


def _bad_floats():
    return st.one_of(
        st.sampled_from(["nan", "inf", "-inf", "0", "-1", "-0.0", "1e999", "x", ""]),
        st.floats(max_value=0).map(repr),
    )


def _bad_models():
    nums = st.sampled_from(["nan", "-1", "x", "inf", ""])
    return st.one_of(
        st.builds("exp:{},{}".format, nums, nums),
        st.builds("pareto:{},{}".format, nums, st.sampled_from(["0", "-2", "nan"])),
        st.sampled_from(["slow:@1", "slow:1,2", "slow:x@1", "slow:-1@1", "slow:1@-3",
                         "slow:99@1", "slow:1@nan", "trace:", "trace:/no/such/file", "exp:1",
                         "uniform:0,1", "pareto:1,2,3", "exp:1;2"]),
    )  # fmt: skip


def _bad_fault_lists():
    return st.one_of(
        st.integers(8, 10**6).map(str),
        st.sampled_from(["x", "1,,y", "1:2:3", "0:99", "5:0", "-1", "0:-1", "a:b", "1.5"]),
    )


def _bad_configs():
    return st.sampled_from(
        ["a=0:1", "a=1:2", "a=x:y", "a=3", "uncoded:0", "uncoded:x", "uncoded:2x0", "a=3:2:1",
         "a=1000000000000:1", "a=2:1+", "=", "a=-3:1", "a=3:0", "uncoded:10000000000000x9"]
    )  # fmt: skip


# (command prefix, flag, strategy of wrong values); each case sets one flag wrong
ARG_CASES = [
    (["run", "--random", "8"], "--m", _ints_below(1)),
    (["run", "--random", "8"], "--m", st.integers(9, 10**6).map(str)),  # m > inner dimension
    (["run", "--random", "8"], "--stragglers", _ints_below(0)),
    (["run", "--random", "8"], "--byzantine", _ints_below(0)),
    (["run", "--random", "8"], "--processes", _ints_below(1)),
    (["run", "--random", "8"], "--dask-local", _ints_below(1)),
    (["run", "--random", "8"], "--timeout", _bad_floats()),
    (["run", "--random", "8"], "--freivalds", st.one_of(_ints_below(0), st.just("65"))),
    (["run", "--random", "8"], "--frac-bits", st.one_of(_ints_below(0), st.just("63"))),
    (["run", "--random", "8"], "--seed", _ints_below(0)),
    (["run", "--random", "8"], "--model", _bad_models()),
    (["run", "--random", "8"], "--kill", _bad_fault_lists()),
    (["run", "--random", "8"], "--raise", _bad_fault_lists()),
    (["run", "--random", "8"], "--corrupt", _bad_fault_lists()),
    (["run", "--random", "8"], "--primes", st.sampled_from(["x", "1", "0", "2**61", "7,", "-5"])),
    (["run", "--random", "8"], "--compare", st.sampled_from(["x", "a=", "a=b", "=3", "a=0"])),
    (["run", "--random", "8"], "-o", st.sampled_from(["/no/such/dir/C.npy", str(OK_NPY.parent)])),
    (["run", "--random", "8", "--sketch"], "--grid", st.sampled_from(["2,2", "0,1,1", "a,b,c"])),
    (["run", "--random", "8", "--sketch"], "--k", _ints_below(1)),
    (["run"], "--random", st.one_of(_ints_below(1), st.integers(10**6, 10**12).map(str))),
    (["run"], "--graph", st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=6)),
    (["simulate", "--k", "4"], "--runs", _ints_below(1)),
    (["simulate", "--k", "4"], "--model", _bad_models()),
    (["simulate"], "--config", _bad_configs()),
    (["simulate"], "--plan", _bad_configs()),
    (["simulate"], "--k", _ints_below(1)),
    (["verify", OK_SCHEME], "--R", st.one_of(_ints_below(1), st.integers(5, 10**9).map(str))),
    (["verify", OK_SCHEME], "--sample", _ints_below(1)),
    (["verify", OK_SCHEME], "--shard", st.sampled_from(["1/1", "x", "3/2", "-1/2", "0/0", "1"])),
    (["verify", OK_SCHEME, "--dask-local", "1"], "--shards", _ints_below(1)),
    (["verify", OK_SCHEME], "--dask-local", _ints_below(1)),
    (["verify", OK_SCHEME], "--stragglers", st.one_of(_ints_below(0), st.just("4"))),
    (["verify", OK_SCHEME], "--byzantine", st.one_of(_ints_below(0), st.just("2"))),
    (["verify", OK_SCHEME], "--budget", _bad_floats()),
    (["verify", OK_SCHEME], "--seed", _ints_below(0)),
    (["claims"], "--only", st.sampled_from([",,", "", " ", "C0", "C99,C01", "x", "C01,,?"])),
    (["demo"], "--stragglers", st.one_of(_ints_below(0), st.integers(11, 10**9).map(str))),
    (["demo"], "--seed", _ints_below(0)),
    (["compare"], "--random", st.one_of(_ints_below(1), st.integers(513, 10**9).map(str))),
    (["compare", "--random", "4"], "--blocks", _ints_below(1)),
    (["compare", "--random", "4"], "--stragglers", _ints_below(0)),
    (["sketch"], "--random", st.one_of(_ints_below(1), st.integers(10**6, 10**9).map(str))),
    (["sketch"], "--grid", st.sampled_from(["0,2,2", "2,2,-1", "2,2", "x", "2,2,2,2", ""])),
    # 2 x 2 grid: more than 250,000 samples per block is over the bound
    (["sketch"], "--k", st.one_of(_ints_below(1), st.integers(250001, 10**12).map(str))),
    (["plan"], "--byzantine", _ints_below(0)),
    (["export", "matdot"], "--param", st.sampled_from(["m", "q=1", "m=x", "m=-1", "m=10**6"])),
    ([], "--memory-budget", st.sampled_from(["x", "0", "-1G", "nan", "1Q", ""])),
]


@fuzz
@given(case=st.sampled_from(ARG_CASES), data=st.data())
def test_wrong_argument_values(case, data):
    prefix, flag, values = case
    value = data.draw(values)
    if flag == "--memory-budget":
        expect_refused([f"{flag}={value}", "codes"])
    else:
        expect_refused([*prefix, f"{flag}={value}"])


@fuzz
@given(
    content=npy_files(),
    where=st.sampled_from(
        [
            ["run", "--A", "{f}"],
            ["run", "--A", OK_NPY, "--B", "{f}"],
            ["sketch", "--A", "{f}", "--B", OK_NPY],
            ["plan", "--A", OK_NPY, "--B", "{f}", "--grid", "2,2,2"],
        ]
    ),  # fmt: skip
)
def test_malformed_matrix_files(content, where):
    f = _write(content, ".npy")
    expect_refused([str(a).format(f=f) for a in where])


@fuzz
@given(
    content=scheme_texts(),
    where=st.sampled_from([["verify", "{f}"], ["run", "--random", "8", "--scheme", "{f}"]]),
)
def test_malformed_scheme_files(content, where):
    f = _write(content, ".json")
    expect_refused([a.format(f=f) for a in where])


@fuzz
@given(content=samples_texts(), cmd=st.sampled_from(["plan", "compare"]))
def test_malformed_samples_files(content, cmd):
    f = _write(content, ".txt")
    expect_refused([cmd, "--samples", f])


@fuzz
@given(name=st.text(min_size=1, max_size=12).filter(lambda s: not s.startswith("-")))
def test_unknown_names(name):
    from ffcc.codes import CATALOG

    if name in CATALOG:
        name += "?"
    expect_refused(["export", name])


@fuzz
@given(word=st.text(alphabet=string.ascii_letters + "-", min_size=1, max_size=10))
def test_unknown_options(word):
    cmd = ["codes", "verify", "run", "demo", "claims", "simulate"][len(word) % 6]
    expect_refused([cmd, f"--zz{word}"])


SUBPROCESS_CASES = [
    ["verify", OK_SCHEME, "--dask-local", "-1"],  # used to hang
    ["run", "--random", "8", "--dask-local=-1"],  # used to hang
    ["demo", "-s", "100"],  # used to run for minutes
    ["run", "--random", "1000000"],  # used to die allocating 7 TiB
    ["verify", "{big}", "--no-certificate"],  # C(199, 99) subsets: refused by the estimate
    ["run", "--random", "8", "--timeout", "nan"],
]


@pytest.mark.parametrize(
    "argv", SUBPROCESS_CASES if FULL else SUBPROCESS_CASES[:2], ids=lambda a: " ".join(map(str, a))
)
def test_no_hang_in_a_real_process(argv, tmp_path):
    big = tmp_path / "big.json"
    if "{big}" in argv:
        build("matdot", m=50, s=100).save(big)  # w = 199, R = 99
    expect_refused_subprocess([str(a).format(big=big) for a in argv])
