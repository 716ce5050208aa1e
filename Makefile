# Quick start: `make run` (set up, then run the main job) and `make test` (set up, then
# lint and run the whole test suite). Both create ./.venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run demo test lint bench clean fuzz

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

# Fuzz the command line with >= 300 malformed files and argument values (issue 10); prints
# "N cases, 0 tracebacks, 0 hangs, 0 changed inputs, 0 wrong exits". CI runs ~30 of them.
fuzz: $(BIN)/.installed
	FFCC_FUZZ_EXAMPLES=60 $(BIN)/python -m pytest tests/test_fuzz.py

bench: $(BIN)/.installed
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
