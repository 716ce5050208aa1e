# Quick start: `make run` (set up, then run the main job) and `make test` (set up, then
# lint and run the whole test suite). Both create ./.venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run demo test lint bench chaos clean optimize-table strategies-readme sabotage claims-table mutate fuzz verify-cluster verify-cluster-big

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,distributed,plot,graphs,notebooks]'
	touch $@

# The main job: sketch A·A (karate club adjacency, bundled with networkx) with Grid CR-MM,
# plan compression-informed codes, run them exactly on local worker processes with
# shifted-exponential stragglers, decode, check (Freivalds) and report.
run: $(BIN)/.installed
	$(BIN)/ffcc run --sketch --graph karate --grid 2,2,17 --k 8 -s 1 --model exp:0.02,50

demo: $(BIN)/.installed
	$(BIN)/ffcc demo

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

# chaos tests incl. a real external Dask cluster on loopback (about 1.5 min; CI runs the
# fast local subset only)
chaos: $(BIN)/.installed
	FFCC_SLOW=1 $(BIN)/python -m pytest tests/test_chaos.py tests/test_run_bounded.py

# Every benchmark records its numbers in benchmarks/results.json; report.py then rewrites
# the README's benchmark table from that file.
# every deliberate breakage of tests/test_sabotage.py (CI runs a core set of two per claim)
sabotage: $(BIN)/.installed
	FFCC_SLOW=1 $(BIN)/python -m pytest -q tests/test_sabotage.py

# mutation testing of the listed modules, each mutant with the tests that cover its line
# (hours at nice 19; not in CI); MODULES="ffcc/sketch.py ffcc/plan.py" picks some, JOBS
# mutants at once. Results: mutation-results.jsonl (table: tools/mutate.py --report FILE)
MODULES ?=
JOBS ?= 2
mutate: $(BIN)/.installed
	nice -n 19 $(BIN)/python tools/mutate.py --jobs $(JOBS) $(if $(MODULES),--modules $(MODULES),)

# the README's claims table, generated from `ffcc claims --full --json` (a few minutes)
claims-table: $(BIN)/.installed
	$(BIN)/ffcc claims --full --json > .claims.json || true
	$(BIN)/python -m proofs._readme README.md < .claims.json
	rm -f .claims.json

# Fuzz the command line with >= 300 malformed files and argument values (issue 10); prints
# "N cases, 0 tracebacks, 0 hangs, 0 changed inputs, 0 wrong exits". CI runs ~30 of them.
fuzz: $(BIN)/.installed
	FFCC_FUZZ_EXAMPLES=60 $(BIN)/python -m pytest tests/test_fuzz.py

bench: $(BIN)/.installed
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done
	$(BIN)/python benchmarks/report.py

# ffcc optimize --json on 200+ small sample structures -> README table, docs/optimize-table.json
optimize-table: $(BIN)/.installed
	$(BIN)/python scripts/optimize_table.py -s 1 --time-limit 2
	$(BIN)/python scripts/plan_savings.py --budget 10

# Sharded exhaustive verification on local Dask clusters of 1-4 workers: subsets/s per
# worker count, the figure docs/verify-cluster.png and the README's table (a few minutes).
verify-cluster: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_verify_cluster.py
	$(BIN)/python benchmarks/report.py

# The same at 1,391,975,640 subsets (w = 34) on 2 Dask workers, one round (tens of minutes).
verify-cluster-big: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_verify_cluster.py --w 34 --counts 2 --no-inline --reps 1 \
		--figure '' --section verify_cluster_big
	$(BIN)/python benchmarks/report.py

# The README's ffcc.strategies table, from benchmarks/results_strategies.json (written by
# benchmarks/bench_strategies.py).
strategies-readme: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_strategies.py --readme

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
