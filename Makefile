# Two commands matter: `make run` (serve the site on http://127.0.0.1:5000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app qb
# Locked, hash-checked dependencies (docs/development.md, "Dependencies"): the site's own, and
# those plus the test tools. `make lock` writes them from pyproject.toml.
RUNTIME_LOCK := requirements/runtime.txt
DEV_LOCK := requirements/dev.txt
# The locks are for the production target, whatever machine runs `make lock`. Extra uv options
# go in LOCK_OPTIONS, e.g. `make lock LOCK_OPTIONS=--upgrade` or `--upgrade-package flask`.
LOCK := $(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" \
	$(LOCK_OPTIONS)

.PHONY: run test setup test-setup translations database lint format bench lock clean

run: setup
	$(FLASK) run --host 127.0.0.1 --port 5000

test: test-setup lint
	$(BIN)/pytest

setup: $(VENV)/.installed instance/config.py translations database

test-setup: $(VENV)/.installed-dev translations node_modules/.installed
	bash tools/install-system-deps.sh

# The dependencies come from the lock alone, checked against its hashes; the project itself is
# installed on top without looking at its declared dependencies again.
$(VENV)/.installed: pyproject.toml $(RUNTIME_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(RUNTIME_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed $(DEV_LOCK)
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	touch $@

# No install scripts: the Observatory's downloads lists from the network, and Java for the
# Nu Html Checker comes from apt (tools/install-system-deps.sh).
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

instance/config.py:
	$(BIN)/python tools/dev_config.py $@

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d translations

database: $(VENV)/.installed instance/config.py
	$(FLASK) db upgrade

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: test-setup
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/enquiries.py

# Rewrites the locks from pyproject.toml, keeping every pin that still fits; the development
# lock is held to the runtime pins, so both install the same versions.
lock: $(BIN)/uv
	$(LOCK) pyproject.toml --extra postgres -o $(RUNTIME_LOCK)
	$(LOCK) pyproject.toml --extra dev --extra postgres -c $(RUNTIME_LOCK) -o $(DEV_LOCK)
	$(LOCK) requirements/tools.in -o requirements/tools.txt

# uv writes the locks; it is installed only for that, from its own hash-checked lock.
$(BIN)/uv: requirements/tools.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/tools.txt
	touch $@

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
	find translations -name '*.mo' -delete
