# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; try 'make PYTHON=python3 ...'"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: start the whole platform (embedded Redis + SQLite unless configured); Ctrl-C stops it
run: $(STAMP)
	$(BIN)/coprocure dev

## test: run the whole suite (unit, integration, e2e, security, reliability)
# Three pytest workers (pytest-xdist), a test file at a time: most of the suite waits on real
# processes and deadlines, so a third worker still finds idle CPU on two cores (10:02 against
# about 12:30 with two; tests/support/parallel.py). Files go out in testpaths order, slowest
# folders first (xdist would otherwise reorder them by test count, leaving the long
# single-test files for last).
PYTEST_WORKERS ?= 3
test: $(STAMP)
	@sh tests/browser/install_chromium.sh || echo "chromium not installed: browser tests will skip"
	$(BIN)/ruff check .
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=30

lint: $(STAMP)
	$(BIN)/ruff check .

## bench: benchmarks that print figures (see docs/performance.md); `make bench BENCH_ARGS=--full`
BENCH_ARGS ?=
bench: $(STAMP)
	@sh bench/install_tools.sh || echo "wrk not installed: the gateway bench uses httpx"
	$(BIN)/python -m bench.run_all $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
