# `make demo` and `make test` each create .venv and install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
STAMP  := $(VENV)/.stamp-install

.PHONY: demo test lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# torch is pinned to the CPU build this machine carries through constraints.txt, not in pyproject.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt examples/rewardkit-example/pyproject.toml
	$(PIP) install --quiet -c constraints.txt -e ".[train,dev]"
	$(PIP) install --quiet -c constraints.txt -e examples/rewardkit-example
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rewardkit demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

docs: $(STAMP)
	$(BIN)/python docs/gen_docs.py

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache .mypy_cache
