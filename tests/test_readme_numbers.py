"""Every number in the README comes from somewhere (issue 11 item 7; docs/readme-numbers.md).

* Generated blocks must be exactly what their generator renders from its stored source:
  the benchmark table from ``benchmarks/results.json``, the strategies table from
  ``benchmarks/results_strategies.json``, the optimize table from
  ``docs/optimize-table.json``; the claims table's static columns from the claim registry
  (its verdicts are checked by ``tests/test_claims.py``); the plan-savings table (whose
  source is not stored) must at least be consistent with its own formulas.
* Hand-written numbers are checked against the constant, file or test they come from.

Nothing here re-runs a benchmark or a claim: every check reads stored data (< 1 s).
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def block(name: str) -> str:
    """The text between ``<!-- name:start -->`` and ``<!-- name:end -->``, stripped."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    assert README.count(start) == 1 and README.count(end) == 1, f"README lost its {name} block"
    return README.split(start, 1)[1].split(end, 1)[0].strip()


def _import(directory: str, module: str):
    # a benchmark module pins thread counts in os.environ when imported (NUMBA_NUM_THREADS
    # among them): restored, else numba's next config reload in this process fails
    sys.path.insert(0, str(ROOT / directory))
    env = dict(os.environ)
    try:
        return __import__(module)
    finally:
        sys.path.pop(0)
        os.environ.clear()
        os.environ.update(env)


def _unwrap(text: str) -> str:
    """README prose with line breaks as spaces (numbers may sit across a wrap)."""
    return re.sub(r"\s+", " ", text)


PROSE = _unwrap(README)


# -- generated blocks ---------------------------------------------------------------------
def test_bench_block_is_rendered_from_results_json():
    report = _import("benchmarks", "report")
    res = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    assert block("bench") == report.table(res).strip(), "run `python benchmarks/report.py`"


def test_strategies_block_is_rendered_from_its_results():
    bench = _import("benchmarks", "bench_strategies")
    res = json.loads((ROOT / "benchmarks" / "results_strategies.json").read_text())
    rendered = bench.readme_block(res)
    inner = rendered.split(bench.START, 1)[1].split(bench.END, 1)[0].strip()
    assert block("strategies-bench") == inner, "run `make strategies-readme`"


def test_optimize_block_is_rendered_from_optimize_table_json():
    table = _import("scripts", "optimize_table")
    data = json.loads((ROOT / "docs" / "optimize-table.json").read_text())
    rendered = table.markdown(data["rows"], data["stragglers"], data["seconds"])
    assert block("optimize") == rendered.strip(), "run `make optimize-table`"


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]


def test_claims_block_columns_match_the_claim_registry():
    """Title, place in the paper, method, what is symbolic and the full-mode parameters
    come from each claim's definition; a claim edited without `make claims-table` fails."""
    import proofs
    from proofs._readme import _cell

    rows = [line for line in block("claims").splitlines() if line.startswith("| C")]
    assert [_cells(r)[0].split()[0] for r in rows] == proofs.claim_ids()
    for mod, row in zip(proofs.CLAIMS, rows, strict=True):
        c = mod.CLAIM
        want = [f"{c.id} {c.title}", c.where, c.method, c.symbolic, c.params_full]
        assert _cells(row)[:5] == [_cell(x) for x in want], c.id
    n = len(proofs.CLAIMS)
    assert f"{n} claims, full mode" in block("claims")


def test_plan_savings_block_is_consistent():
    """scripts/plan_savings.py stores no data; its table must obey its own formulas: MatDot
    needs 2k - 1 + s workers for k products, the savings are differences and rounded
    percentages of the chosen count, optimizing never loses to the planner alone."""
    rows = [_cells(line) for line in block("plan-optimize").splitlines()[2:]]
    assert len(rows) == 8
    for sketch, *cells in rows:
        s, k, matdot, paper, planner, per_group, shared = map(int, cells[:7])
        chosen, vs_paper, vs_md = int(cells[7].strip("*")), cells[8], cells[9]
        assert matdot == 2 * k - 1 + s, sketch
        assert chosen <= min(planner, per_group, shared), sketch
        assert vs_paper == f"{paper - chosen} ({100 * (paper - chosen) / paper:.0f}%)", sketch
        assert vs_md == f"{matdot - chosen} ({100 * (matdot - chosen) / matdot:.0f}%)", sketch


# -- numbers in the prose -------------------------------------------------------------------
def test_python_version():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["requires-python"] == ">=3.11" and "Python ≥ 3.11" in PROSE


def test_main_job_target():
    bench = _import("benchmarks", "bench_main_job")
    assert bench.TARGET_WARM == 1.5 and "against its 1.5 s target" in PROSE


def test_notebook_count_and_budget():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) == 8 and "Eight notebooks" in PROSE
    for i, nb in enumerate(notebooks, 1):
        assert f"{i}. `{nb.stem}`" in README
    src = (ROOT / "tests" / "test_notebooks.py").read_text()
    assert re.search(r"^BUDGET = 120\b", src, re.M) and "under 2 minutes" in PROSE


def _is_8_cycle(pairs) -> bool:
    """Eight distinct samples, 4 + 4 blocks each in two of them, connected."""
    pairs = [tuple(x) for x in pairs]
    if len(pairs) != 8 or len(set(pairs)) != 8:
        return False
    lefts, rights = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    if sorted(lefts.values()) != [2] * 4 or sorted(rights.values()) != [2] * 4:
        return False
    reached, todo = set(), [("A", pairs[0][0])]
    while todo:
        v = todo.pop()
        if v not in reached:
            reached.add(v)
            side, i = v
            todo += [("B", b) for a, b in pairs if side == "A" and a == i]
            todo += [("A", a) for a, b in pairs if side == "B" and b == i]
    return len(reached) == 8


def test_optimize_numbers_in_the_prose():
    rows = json.loads((ROOT / "docs" / "optimize-table.json").read_text())["rows"]
    assert f"the {len(rows)}-class table" in PROSE
    # Figure 2's sample graph: an 8-cycle on 4 + 4 blocks (stored in a canonical labelling)
    (row,) = [r for r in rows if _is_8_cycle(r["samples_with_repeats"])]
    assert (row["workers"], row["lower_bound"]) == (9, 9)
    assert row["theorem1"]["bound_workers"] == 14  # 13 + s, Figure 2 (claim C05)
    assert "Figure 2 with 9 workers for s = 1 (not 14)" in PROSE
    assert "it finds 9 workers (Theorem 1: 14), which is optimal" in PROSE


def test_claim_c18_range():
    import proofs

    (c18,) = [m.CLAIM for m in proofs.CLAIMS if m.CLAIM.id == "C18"]
    assert "s=0..5" in c18.params_full and "claim C18 checks s = 0..5" in PROSE


def test_verify_refusal_and_timeout_defaults():
    import inspect

    from ffcc.run import DaskExecutor

    # wherever the CLI keeps it (ffcc/cli.py or the ffcc/cli/ package)
    src = "\n".join(f.read_text() for f in (ROOT / "ffcc").rglob("*.py"))
    assert re.search(r"^VERIFY_BUDGET_S = 600(\.0)?\b", src, re.M)
    assert "past 10 minutes" in PROSE
    timeout = inspect.signature(DaskExecutor).parameters["timeout"].default
    assert timeout == 30 and "(30 if not given)" in PROSE


def test_mutation_point_count():
    """``about N mutation points``: what tools/mutate.py counts in the modules it mutates,
    within 10% (other modules change; the sentence says "about")."""
    mutate = _import("tools", "mutate")
    total = sum(
        len(mutate.mutation_points(ast.parse((ROOT / module).read_text())))
        for module in mutate.TESTS
    )
    m = re.search(r"about ([\d,]+) mutation points", PROSE)
    assert m, "the README lost its mutation-point count"
    said = int(m.group(1).replace(",", ""))
    assert abs(said - total) <= 0.1 * total, (said, total)
    # the per-mutant costs are what docs/mutation.md records: the old runner's in its speed
    # table, the new one's as the per-module means of its results table (tools/mutate.py)
    doc = _unwrap((ROOT / "docs" / "mutation.md").read_text())
    assert "| 35.3 s / 3.08 s |" in doc
    assert "about 3 s of CPU and 35 s of wall time before" in PROSE
    raw = (ROOT / "docs" / "mutation.md").read_text()
    table = raw.split("<!-- mutate:table -->", 1)[1].split("<!-- /mutate:table -->", 1)[0]
    means = [float(row.rsplit("|", 2)[1]) for row in table.splitlines()
             if row.startswith("| `ffcc/") and row.rsplit("|", 2)[1].strip() != "-"]  # fmt: skip
    m = re.search(r"between ([\d.]+) and ([\d.]+) CPU seconds per mutant", PROSE)
    assert m and means, "the README lost its per-mutant cost"
    assert float(m.group(1)) <= min(means) and max(means) <= float(m.group(2)), means
    # "took about N CPU hours": the total line under the table, within a quarter
    m = re.search(r"took about ([\d.]+) CPU hours", PROSE)
    total = re.search(r"recorded mutant runs took ([\d.]+) CPU hours", table)
    assert m and total, "the README or docs/mutation.md lost the recorded CPU hours"
    assert abs(float(m.group(1)) - float(total.group(1))) <= 0.25 * float(total.group(1))
    # "it is, in all N listed modules": every row of the table says met, and no survivor
    # is left without a test or an argument
    m = re.search(r"it is, in all (\d+) listed\s+modules", PROSE)
    rows = [row for row in table.splitlines() if row.startswith("| `ffcc/")]
    assert m and int(m.group(1)) == len(rows) == len(mutate.TESTS), (m, len(rows))
    assert all("| **met** |" in row for row in rows)
    assert "needs a test" not in table and "uncovered" not in table.split("Survivors:")[-1]


def test_k33_nodes_are_the_tested_ones():
    nodes = "4734, 9114, 40516, 40485, 29172, 8323, 8686, 136, 44609"
    src = (ROOT / "tests" / "test_claims.py").read_text()
    assert f"bad = [{nodes}]" in src and "good = list(range(1000, 1009))" in src
    assert f"nodes {nodes} of GF(65537) give worker tensors of rank 8" in PROSE
    assert "degree bound 13, span dimension 9" in PROSE and "the nodes 1000..1008 can" in PROSE


def test_exactness_limits():
    from ffcc.field import FAST_LIMIT, MAX_PRIME

    assert FAST_LIMIT == 2**31 and MAX_PRIME < 2**63 < MAX_PRIME + 100
    assert "exact for every prime p < 2^63" in PROSE and "(p < 2^31)" in PROSE


def test_api_tour_prints_what_its_comment_says(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    (code,) = [b for b in blocks if "rep.recovery_threshold" in b]  # the API tour
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert "print(rep.holds, rep.recovery_threshold)     # True 3" in code
    assert out.getvalue().split() == ["True", "3"]


@pytest.mark.parametrize(
    "phrase, title",
    [("w_{k,s} = 2k − 1 + s", "2k-1+s"), ("w_{k,s} + 2 − u₁ − u₂", "w_{k,s}+2-u1-u2"),
     ("Figure 2's 13 + s", "13+s")],
)  # fmt: skip
def test_formulas_are_claims(phrase, title):
    """Formulas from the paper, each checked by a claim (C02, C04, C05)."""
    import proofs

    assert phrase in PROSE
    assert any(title in m.CLAIM.title for m in proofs.CLAIMS)
