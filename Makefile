# `make demo` and `make test` each create .venv and install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
STAMP  := $(VENV)/.stamp-install

.PHONY: demo test test-lowest lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# torch is pinned to the CPU build this machine carries through constraints.txt, not in pyproject.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt examples/rewardkit-example/pyproject.toml
	$(PIP) install --quiet -c constraints.txt -e ".[train,dev,ray]"
	$(PIP) install --quiet -c constraints.txt -e examples/rewardkit-example
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rewardkit demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

# The training tests again, against the LOWEST versions pyproject's `train` extra declares
# (trl, transformers, peft, accelerate, datasets, tokenizers at their floors; torch as in constraints.txt).
LOW     := .venv-lowest
LOWSTAMP := $(LOW)/.stamp-install
$(LOWSTAMP): pyproject.toml constraints.txt .ci/lowest_constraints.py
	rm -rf $(LOW)
	$(PYTHON) -m venv $(LOW)
	$(LOW)/bin/python -m pip install --quiet --upgrade pip
	$(LOW)/bin/python .ci/lowest_constraints.py > $(LOW)/constraints-lowest.txt
	$(LOW)/bin/python -m pip install --quiet -c constraints.txt -c $(LOW)/constraints-lowest.txt -e ".[train,dev]"
	touch $(LOWSTAMP)

test-lowest: $(LOWSTAMP)
	$(LOW)/bin/python -m pip list 2>/dev/null | grep -iE '^(trl|transformers|peft|accelerate|datasets|tokenizers|torch) '
	$(LOW)/bin/python -m pytest -q -n 2 --dist loadgroup -p no:cacheprovider tests/train

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

docs: $(STAMP)
	$(BIN)/python docs/gen_docs.py

clean:
	rm -rf $(VENV) .venv-lowest runs .pytest_cache .ruff_cache .mypy_cache
