# The two commands a newcomer runs on a fresh machine: `make demo` and `make test`.
# Both bootstrap .venv with python3 -m venv and install every member editable.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MEMBERS := -e 'core[web,workers]' -e conformance -e plugins/exchange -e plugins/gmail -e plugins/graph -e plugins/salesforce
MANIFESTS := pyproject.toml core/pyproject.toml conformance/pyproject.toml \
	plugins/exchange/pyproject.toml plugins/gmail/pyproject.toml plugins/graph/pyproject.toml \
	plugins/salesforce/pyproject.toml
TOX_ENVS := core,conformance-exchange,conformance-gmail,conformance-graph,conformance-salesforce

.PHONY: setup demo test browser redis lint unit tox bench clean

$(STAMP): $(MANIFESTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --group dev $(MEMBERS)
	touch $@

setup: $(STAMP)

# The whole product on the embedded emulators, through real sockets (see docs/operating.md).
demo: setup
	$(BIN)/calsync demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy -p calsync
	$(BIN)/lint-imports

unit: setup
	$(BIN)/pytest -q -n 2

tox: setup
	$(BIN)/tox run-parallel --parallel 2 --parallel-no-spinner -e $(TOX_ENVS)

# The admin console's browser tests drive Debian's Chromium: installed here when missing (as root).
browser:
	sh tests/browser/install-chromium

# The workers' tests start Debian's redis-server: installed here when missing (as root).
redis:
	sh tests/workers/install-redis

test: browser redis lint unit tox

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .tox .mypy_cache .ruff_cache .pytest_cache
