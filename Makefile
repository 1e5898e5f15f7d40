# Two commands matter: `make run` (serve the site on http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app qb

.PHONY: run test setup test-setup translations database lint format bench clean

run: setup
	$(FLASK) run --host 127.0.0.1 --port 5000

test: test-setup lint
	$(BIN)/pytest

setup: $(VENV)/.installed instance/config.py translations database

test-setup: $(VENV)/.installed translations node_modules/.installed
	bash tools/install-system-deps.sh

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

instance/config.py:
	$(BIN)/python tools/dev_config.py $@

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d translations

database: $(VENV)/.installed instance/config.py
	$(FLASK) db upgrade

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: test-setup
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/enquiries.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
	find translations -name '*.mo' -delete
