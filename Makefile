# Patients' Union — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-fast lint format bench schemas dashboards lock clean venv rebuild

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e . 2>/dev/null || \
	  $(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)  ## the whole platform with demo data (GATEWAY_PORT, DATA_DIR, DATABASE_URL, NATS_URL)
	$(BIN)/python -m stack.run

test: $(STAMP)  ## every test, against NATS and Postgres the suite starts itself (the 30 slowest listed)
	$(BIN)/python -m pytest -q --durations=30

test-fast: $(STAMP)  ## the unit tier only: no servers
	$(BIN)/python -m pytest -q -m "not integration"

lint: $(STAMP)  ## ruff, mypy and the import contracts
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .

bench: $(STAMP)  ## throughput against raw baselines measured in the same run
	$(BIN)/python -m bench

schemas: $(STAMP)  ## regenerate contracts/schemas from the event classes
	$(BIN)/python -m contracts.schemagen && $(BIN)/python -m stack.schemas

dashboards: $(STAMP)  ## regenerate deploy/grafana/*.json and the PrometheusRule from deploy/dashboards.py
	$(BIN)/python deploy/dashboards.py

lock:  ## re-resolve the pinned dependencies into requirements.lock
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q '.[dev]'
	.lock-venv/bin/pip freeze --exclude patients-union > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .data .mypy_cache .ruff_cache

rebuild: $(STAMP)  ## make rebuild SERVICE=feed-worker PROJECTION=timeline (NATS_URL of the running platform)
	$(BIN)/python -m stack.rebuild $(SERVICE) $(PROJECTION)
