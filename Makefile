# Talentgraph: `make run` serves the API, `make test` runs the tests.
# Both create .venv with the locked dependencies on first use (Python 3.11+ and make only).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
GRAPHIQL_DIR := .graphiql
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run worker test lint format schema graphiql http-audit bench-nested bench-upsert bench-cv bench-eval clean help

help:
	@echo "make run     start the server (SQLite, demo data, GraphiQL at http://$(HOST):$(PORT)/graphql)"
	@echo "             PORT=9000 make run  to listen elsewhere; installs no dev tools"
	@echo "make worker  run background job workers (BROKER_URL must point at Redis or RabbitMQ)"
	@echo "make test    run the test suite (PostgreSQL too when TEST_DATABASE_URL is set)"
	@echo "make lint    ruff check, ruff format --check, mypy --strict"
	@echo "make schema  rewrite schema/schema.graphql from the code"

# .venv/.runtime: the locked runtime dependencies (what `make run` needs); .venv/.synced: those
# and the dev tools (tests, lint). `--inexact` keeps dev tools already installed.
$(VENV)/.uv:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@touch $@

$(VENV)/.runtime: pyproject.toml uv.lock | $(VENV)/.uv
	$(UV) sync --locked --no-dev --inexact --python $(PY)
	@touch $@

$(VENV)/.synced: pyproject.toml uv.lock | $(VENV)/.uv
	$(UV) sync --locked --python $(PY)
	@touch $@ $(VENV)/.runtime

# GraphiQL's assets, pinned to the versions strawberry's page expects, from the npm registry.
# Without npm the page falls back to the CDN (and says so in the log).
$(GRAPHIQL_DIR)/.complete:
	@if command -v npm >/dev/null 2>&1; then \
	  set -e; rm -rf $(GRAPHIQL_DIR)/pack; mkdir -p $(GRAPHIQL_DIR)/pack; \
	  cd $(GRAPHIQL_DIR)/pack; \
	  npm pack --silent react@18.2.0 react-dom@18.2.0 js-cookie@3.0.5 graphiql@3.8.3 \
	    @graphiql/plugin-explorer@1.0.2 >/dev/null; \
	  for t in *.tgz; do mkdir "$${t%.tgz}"; tar xzf "$$t" -C "$${t%.tgz}"; done; \
	  cp react-18.2.0/package/umd/react.production.min.js ..; \
	  cp react-dom-18.2.0/package/umd/react-dom.production.min.js ..; \
	  cp js-cookie-3.0.5/package/dist/js.cookie.min.js ..; \
	  cp graphiql-3.8.3/package/graphiql.min.css graphiql-3.8.3/package/graphiql.min.js ..; \
	  cp graphiql-plugin-explorer-1.0.2/package/dist/style.css ../plugin-explorer.css; \
	  cp graphiql-plugin-explorer-1.0.2/package/dist/index.umd.js ../plugin-explorer.umd.js; \
	  cd .. && rm -rf pack && touch .complete; \
	else echo "npm not found: GraphiQL will load its assets from the CDN"; fi

graphiql: $(GRAPHIQL_DIR)/.complete

# graphql-http, pinned by tests/http_audit/package-lock.json, for the GraphQL-over-HTTP audit
# test; without npm that test is skipped (and says so).
HTTP_AUDIT_DIR := tests/http_audit
$(HTTP_AUDIT_DIR)/node_modules/.installed: $(HTTP_AUDIT_DIR)/package.json $(HTTP_AUDIT_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(HTTP_AUDIT_DIR) && npm ci --no-audit --no-fund --silent && touch node_modules/.installed; \
	else echo "npm not found: the graphql-http audit test will be skipped"; fi

http-audit: $(HTTP_AUDIT_DIR)/node_modules/.installed

run: $(VENV)/.runtime graphiql
	$(PY) server.py serve --host $(HOST) --port $(PORT)

worker: $(VENV)/.runtime
	$(PY) server.py worker

test: $(VENV)/.synced graphiql http-audit
	$(PY) -m pytest

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

schema: $(VENV)/.synced
	$(PY) -c 'import pathlib; from schema.api import schema; pathlib.Path("schema/schema.graphql").write_text(str(schema) + "\n")'

bench-nested: $(VENV)/.synced
	$(PY) bench/nested_query.py

bench-upsert: $(VENV)/.synced
	$(PY) bench/upsert.py

bench-cv: $(VENV)/.synced
	$(PY) bench/cv/quality.py

bench-eval: $(VENV)/.synced
	$(PY) bench/evaluations/ranking.py
	$(PY) bench/evaluations/throughput.py

clean:
	rm -rf $(VENV) $(GRAPHIQL_DIR)
