"""Bug-finding power of ``ffcc.strategies``, against the same tests written with plain
``hypothesis.strategies`` and ``hypothesis.extra.numpy``.

Run as ``python benchmarks/bench_strategies.py`` (3-5 minutes on 2 shared cores;
``--seeds 5`` for a quick look). Five bugs are planted in small decoders and a verifier
written the way a user would write them (below, ``user_*``). Each has one property
test, written twice: with ``ffcc.strategies`` and with plain strategies (primes as
``nextprime`` of a drawn integer, elements as ``integers(0, p - 1)``, nodes as unique
lists, survivors as unique lists, arrays from ``hnp.arrays``, schemes from those).

For each bug and each way, 20 seeds (``@seed(i)``, no database, not derandomized): is
the bug found within 100 examples, and is the shrunk example the minimal one (the
smallest field, size and data that show the bug, stated per bug below)? Goals: found in
>= 90% of seeds, minimal in >= 80%. Both ways run interleaved, seed by seed.

Writes ``benchmarks/results_strategies.json``; ``--readme`` regenerates the README block
between ``<!-- strategies-bench:start -->`` and ``<!-- strategies-bench:end -->`` from it
(``make strategies-readme``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from itertools import combinations
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # pinned: only tiny matrices here
os.environ.setdefault("OMP_NUM_THREADS", "1")

import hypothesis  # noqa: E402
import numpy as np  # noqa: E402
import sympy  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import ffcc.strategies as fs  # noqa: E402
from ffcc._progress import Progress  # noqa: E402
from ffcc.field import MAX_PRIME, PrimeField  # noqa: E402
from ffcc.scheme import Scheme  # noqa: E402
from ffcc.verify import verify  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results_strategies.json"
README = ROOT / "README.md"
START, END = "<!-- strategies-bench:start -->", "<!-- strategies-bench:end -->"
MAX_EXAMPLES = 100
GOALS = {"found": 0.9, "minimal": 0.8}


# ----------------------------------------------------------------------------- helpers
def interpolate(p: int, xs: list[int], ys: list[int]) -> list[int]:
    """Coefficients (low degree first) of the polynomial of degree < n through n points."""
    return PrimeField(p).interpolate(xs, ys).tolist() if xs else []


def evaluate(p: int, coeffs: list[int], x: int) -> int:
    return sum(c * pow(x, k, p) for k, c in enumerate(coeffs)) % p


# ----------------------------------------------------------------------------- planted bugs
def user_decode_with_sentinel(p: int, xs: list[int], ys: list[int]) -> list[int]:
    """Polynomial decoding where a straggler's node is marked -1 (= p - 1)."""
    missing = p - 1  # BUG: p - 1 is also a perfectly good node
    pts = [(x, y) for x, y in zip(xs, ys, strict=True) if x != missing]
    if len(pts) < len(xs):
        raise ValueError("not enough results to decode")
    return interpolate(p, [x for x, _ in pts], [y for _, y in pts])


def user_decode_first_k(p: int, k: int, arrivals: list[tuple[int, int]]) -> list[int]:
    """Decode from the first k results; worker j evaluated the data polynomial at j."""
    first = arrivals[:k]
    workers = sorted(j for j, _ in first)  # BUG: the values stay in arrival order
    values = [v for _, v in first]
    return interpolate(p, workers, values)


def user_add_shares(p: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Add two vectors of shares mod p, vectorised."""
    return (a + b) % p  # BUG: a + b overflows int64 once p > 2^62


def user_matdot_decode(p: int, m: int, values: list[int]) -> int:
    """MatDot: worker at node j returns (sum_i A_i j^i)(sum_i B_i j^(m-1-i)); the answer
    sum_i A_i B_i is the coefficient of x^(m-1)."""
    R = 2 * m - 2  # BUG: the product has degree 2m - 2, so 2m - 1 points are needed
    return interpolate(p, list(range(R)), values[:R])[m - 1]


def user_verify(S: Scheme) -> bool:
    """Every R-subset of workers determines every target."""
    F, G, T = S.field, S.worker_tensors(), S.target_tensors()
    need = F.rank(T)
    for sub in combinations(range(S.w), S.R):
        if F.rank(G[list(sub)]) < need:  # BUG: compares dimensions, not span
            return False
    return True


# ----------------------------------------------------------------------------- properties
def prop_sentinel(case) -> bool:
    p, xs, coeffs = case
    ys = [evaluate(p, coeffs, x) for x in xs]
    return user_decode_with_sentinel(p, xs, ys) == coeffs


def prop_order(case) -> bool:
    p, k, order, coeffs = case
    arrivals = [(j, evaluate(p, coeffs, j)) for j in order]
    return user_decode_first_k(p, k, arrivals) == coeffs


def prop_overflow(case) -> bool:
    p, pairs = case
    a, b = (np.array(v, dtype=np.int64) for v in zip(*pairs, strict=True))
    want = [(int(x) + int(y)) % p for x, y in zip(a.tolist(), b.tolist(), strict=True)]
    return user_add_shares(p, a, b).tolist() == want


def prop_degree(case) -> bool:
    p, m, s, A, B = case
    w = 2 * m - 1 + s
    values = [
        evaluate(p, A, x) * evaluate(p, B[::-1], x) % p for x in range(w)
    ]  # B reversed: sum_i B_i x^(m-1-i)
    return user_matdot_decode(p, m, values) == sum(a * b for a, b in zip(A, B, strict=True)) % p


def prop_verifier(S) -> bool:
    return user_verify(S) == verify(S, progress=False).holds


# ----------------------------------------------------------------------------- the tests, ffcc
@st.composite
def ffcc_sentinel(draw):
    p = draw(fs.primes())
    xs = draw(fs.nodes(p, min_n=1, max_n=4)).tolist()
    return p, xs, draw(st.lists(fs.field_elements(p), min_size=len(xs), max_size=len(xs)))


@st.composite
def ffcc_order(draw):
    k, s = draw(st.integers(1, 4)), draw(st.integers(0, 3))
    p = draw(fs.primes(min_value=k + s))  # nodes 0..w-1 must be distinct
    arrival = draw(fs.arrival_orders(k + s, s))
    return p, k, arrival.order, draw(st.lists(fs.field_elements(p), min_size=k, max_size=k))


@st.composite
def ffcc_overflow(draw):
    p = draw(fs.primes())
    x = fs.field_elements(p)
    return p, draw(st.lists(st.tuples(x, x), min_size=1, max_size=4))


@st.composite
def ffcc_degree(draw):
    m, s = draw(st.integers(1, 4)), draw(st.integers(0, 2))
    p = draw(fs.primes(min_value=2 * m - 1 + s))
    A = draw(st.lists(fs.field_elements(p), min_size=m, max_size=m))
    return p, m, s, A, draw(st.lists(fs.field_elements(p), min_size=m, max_size=m))


def ffcc_verifier():
    return fs.schemes(max_workers=4)


# ----------------------------------------------------------------------------- the tests, plain
def plain_primes(lo: int = 2):
    return st.integers(lo, MAX_PRIME).map(lambda n: int(sympy.nextprime(n - 1)))


@st.composite
def plain_sentinel(draw):
    p = draw(plain_primes())
    n = draw(st.integers(1, min(p, 4)))
    xs = draw(st.lists(st.integers(0, p - 1), min_size=n, max_size=n, unique=True))
    return p, xs, draw(st.lists(st.integers(0, p - 1), min_size=n, max_size=n))


@st.composite
def plain_order(draw):
    k, s = draw(st.integers(1, 4)), draw(st.integers(0, 3))
    p = draw(plain_primes(k + s))
    order = draw(st.lists(st.integers(0, k + s - 1), min_size=k + s, max_size=k + s, unique=True))
    return p, k, order[s:], draw(st.lists(st.integers(0, p - 1), min_size=k, max_size=k))


@st.composite
def plain_overflow(draw):
    p = draw(plain_primes())
    x = st.integers(0, p - 1)
    return p, draw(st.lists(st.tuples(x, x), min_size=1, max_size=4))


@st.composite
def plain_degree(draw):
    m, s = draw(st.integers(1, 4)), draw(st.integers(0, 2))
    p = draw(plain_primes(2 * m - 1 + s))
    A = draw(st.lists(st.integers(0, p - 1), min_size=m, max_size=m))
    return p, m, s, A, draw(st.lists(st.integers(0, p - 1), min_size=m, max_size=m))


@st.composite
def plain_verifier(draw):
    p = draw(plain_primes())
    basis = draw(st.lists(st.integers(1, 3), min_size=2, max_size=2))
    w = draw(st.integers(1, 4))
    s = draw(st.integers(0, w - 1))
    E = [draw(hnp.arrays(np.int64, (w, lam), elements=st.integers(0, p - 1))) for lam in basis]
    index = st.tuples(*[st.integers(0, lam - 1) for lam in basis])
    term = st.tuples(index, st.integers(1, p - 1))
    targets = draw(st.lists(st.lists(term, min_size=1, max_size=3), min_size=1, max_size=3))
    encoders = [[E[0][j].tolist(), E[1][j].tolist()] for j in range(w)]
    return Scheme(PrimeField(p), basis, encoders, targets, stragglers=s)


# ----------------------------------------------------------------------------- minimal cases
def minimal_sentinel(case) -> bool:  # GF(2), one node: 1 = p - 1, the zero polynomial
    return case == (2, [1], [0])


def minimal_order(case) -> bool:  # GF(2), k = 2, nothing missing, one swap, f(x) = x
    return case == (2, 2, [1, 0], [0, 1])


def minimal_overflow(case) -> bool:  # the first prime above 2^62, one pair
    p, pairs = case
    return p == sympy.nextprime(2**62) and len(pairs) == 1


def minimal_degree(case) -> bool:  # m = 1 in GF(2), no straggler, zero data
    return case == (2, 1, 0, [0], [0])


def minimal_verifier(S) -> bool:  # one worker, basis of 2 tensors, one single-term target
    return (
        S.p == 2
        and S.w == 1
        and sorted(S.basis) == [1, 2]
        and len(S.targets) == 1
        and len(S.targets[0]) == 1
    )


BUGS = [  # name, property, minimal case, test with ffcc.strategies, test with plain ones
    ("node equal to p - 1 (sentinel)", prop_sentinel, minimal_sentinel),
    ("survivor order", prop_order, minimal_order),
    ("int64 overflow, p > 2^62", prop_overflow, minimal_overflow),
    ("MatDot degree off by one", prop_degree, minimal_degree),
    ("verifier: dimension, not span", prop_verifier, minimal_verifier),
]
BUGS = [
    (*bug, ffcc(), plain())
    for bug, ffcc, plain in zip(
        BUGS,
        [ffcc_sentinel, ffcc_order, ffcc_overflow, ffcc_degree, ffcc_verifier],
        [plain_sentinel, plain_order, plain_overflow, plain_degree, plain_verifier],
        strict=True,
    )
]


# ----------------------------------------------------------------------------- harness
def hunt(strategy, prop, s: int):
    """Run the property test with seed s; return (found, shrunk example or None, error)."""
    failing = []

    @seed(s)
    @settings(
        max_examples=MAX_EXAMPLES,
        database=None,
        derandomize=False,
        deadline=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(strategy)
    def test(case):
        try:
            ok = prop(case)
        except Exception:  # a crash is a found bug too
            ok = False
        if not ok:
            failing.append(case)
            raise AssertionError("bug found")

    try:
        test()
    except AssertionError:
        return True, failing[-1], None  # the shrunk example is replayed last
    except Exception as e:  # the strategy itself failed (health check, unsatisfiable)
        return False, None, f"{type(e).__name__}: {str(e).splitlines()[0][:80]}"
    return False, None, None


def describe(case) -> str:
    if isinstance(case, Scheme):
        return (
            f"GF({case.p}) basis {list(case.basis)} w={case.w} s={case.stragglers} "
            f"targets={[list(t) for t in case.targets]}"
        )
    return repr(tuple(c.tolist() if isinstance(c, np.ndarray) else c for c in case))[:120]


def run(seeds: int, only: str = "") -> dict:
    rows = []
    t0 = time.perf_counter()
    bugs = [b for b in BUGS if only in b[0]]
    with Progress(len(bugs) * seeds * 2, "bug hunt", enabled=None) as bar:
        for name, prop, is_minimal, ffcc_st, plain_st in bugs:
            tally = {
                way: {"found": 0, "minimal": 0, "errors": [], "shrunk": {}, "seconds": 0.0}
                for way in ("ffcc", "plain")
            }
            for s in range(seeds):
                for way, strategy in (("ffcc", ffcc_st), ("plain", plain_st)):  # interleaved
                    t = time.perf_counter()
                    found, case, error = hunt(strategy, prop, s)
                    r = tally[way]
                    r["seconds"] += time.perf_counter() - t
                    r["found"] += found
                    if found:
                        r["minimal"] += is_minimal(case)
                        key = describe(case)
                        r["shrunk"][key] = r["shrunk"].get(key, 0) + 1
                    if error:
                        r["errors"].append(error)
                    bar.update(1)
            for r in tally.values():
                r["seconds"] = round(r["seconds"], 1)
                r["shrunk"] = dict(sorted(r["shrunk"].items(), key=lambda kv: -kv[1])[:3])
            rows.append({"bug": name, **tally})
    return {
        "seeds": seeds,
        "max_examples": MAX_EXAMPLES,
        "hypothesis": hypothesis.__version__,
        "goals": GOALS,
        "seconds": round(time.perf_counter() - t0, 1),
        "bugs": rows,
    }


def table(res: dict) -> str:
    n = res["seeds"]
    lines = [
        "| planted bug | found, ffcc.strategies | found, plain | minimal shrink, ffcc | "
        "minimal shrink, plain |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in res["bugs"]:
        f, p = row["ffcc"], row["plain"]

        def mark(v, goal):
            return f"{v}/{n}" + (" ✔" if v >= goal * n else " ✘")

        lines.append(
            f"| {row['bug']} | {mark(f['found'], GOALS['found'])} | {p['found']}/{n} | "
            f"{mark(f['minimal'], GOALS['minimal'])} | {p['minimal']}/{n} |"
        )
    return "\n".join(lines)


def readme_block(res: dict) -> str:
    return (
        f"{START}\n"
        f"Planted bugs found by property tests within {res['max_examples']} examples, over "
        f"{res['seeds']} seeds, and how often the reported (shrunk) example was the minimal "
        f"one; the same tests written with plain `hypothesis.strategies` / "
        f"`hypothesis.extra.numpy` for comparison (`benchmarks/bench_strategies.py`, "
        f"hypothesis {res['hypothesis']}; goals: found in ≥ 90% of seeds, minimal in "
        f"≥ 80%).\n\n{table(res)}\n{END}"
    )


def update_readme(res: dict) -> None:
    text = README.read_text()
    if START not in text or END not in text:
        sys.exit(f"README.md has no {START} ... {END} block")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(head + readme_block(res) + tail)
    print(f"updated the strategies block of {README}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=20, help="seeds per bug and way (20)")
    ap.add_argument(
        "--readme", action="store_true", help="only rewrite the README block from the JSON"
    )
    ap.add_argument("--only", default="", help="run only the bugs whose name contains this")
    args = ap.parse_args(argv)
    if args.readme:
        update_readme(json.loads(RESULTS.read_text()))
        return
    res = run(args.seeds, args.only)
    print(table(res))
    for row in res["bugs"]:
        for way in ("ffcc", "plain"):
            r = row[way]
            print(f"  {row['bug']} [{way}] {r['seconds']} s; shrunk to: {r['shrunk']}")
            if r["errors"]:
                print(f"    errors: {sorted(set(r['errors']))}")
    print(f"{res['seconds']} s in all")
    if args.seeds == 20 and not args.only:
        RESULTS.write_text(json.dumps(res, indent=1) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
