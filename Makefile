# Pépites — run `make help` for the list of targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PEPITES := $(BIN)/pepites
HOST ?= 127.0.0.1
PORT ?= 8000
BENCH_SIZES ?= 10000 100000
export PYTHONDONTWRITEBYTECODE := 1

# The embedded instance's key: the one the commands created in var/ (unless SECRET_KEY or
# SECRET_KEY_FILE is set), passed explicitly, since a server refuses to start without one.
SERVE = SECRET_KEY_FILE="$${SECRET_KEY_FILE:-$${PEPITES_VAR_DIR:-$(CURDIR)/var}/secret_key}" \
	PEPITES_BIND=$(HOST):$(PORT) exec $(BIN)/python -m config.server

.DEFAULT_GOAL := help
.PHONY: help install install-dev lock lock-check lock-upgrade assets chromium setup run serve test quality check-deploy pytest e2e bench clean

help: ## List the targets, one line each
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Exactly the locked versions, each checked against its hash; then Pépites itself.
$(VENV)/.installed: requirements/base.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	@touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed ## Install the application (virtualenv + front-end packages and COG data from npm)

install-dev: $(VENV)/.installed-dev node_modules/.installed ## Install the application and the test tools

LOCK := $(BIN)/uv pip compile pyproject.toml --universal --generate-hashes --python-version 3.11 --quiet

# uv alone, at its locked version: the new pyproject.toml may name packages the venv lacks.
lock: | $(BIN)/python ## Renew requirements/*.txt after a change to pyproject.toml (keeps the other pins)
	$(BIN)/pip install --quiet --no-deps "$$(grep -oE '^uv==[^ ]+' requirements/dev.txt)"
	$(LOCK) $(LOCK_ARGS) --extra dev -o requirements/dev.txt
	$(LOCK) -c requirements/dev.txt -o requirements/base.txt

# The locks answer to pyproject.toml: resolving again into a copy must change nothing.
lock-check: | $(BIN)/python ## Fail when requirements/*.txt no longer match pyproject.toml
	$(BIN)/pip install --quiet --no-deps "$$(grep -oE '^uv==[^ ]+' requirements/dev.txt)"
	@tmp=$$(mktemp -d) && cp requirements/dev.txt requirements/base.txt $$tmp/ && \
	$(LOCK) --no-header --extra dev -o $$tmp/dev.txt && \
	$(LOCK) --no-header -c requirements/dev.txt -o $$tmp/base.txt && \
	for f in dev base; do \
		diff <(grep -v '^#' requirements/$$f.txt) <(grep -v '^#' $$tmp/$$f.txt) >/dev/null || \
		{ echo "requirements/$$f.txt ne correspond plus à pyproject.toml : lancez make lock."; exit 1; }; \
	done; rm -rf $$tmp; echo "Verrous à jour."

lock-upgrade: ## Move every locked dependency to its newest allowed version (then run make test)
	$(MAKE) lock LOCK_ARGS=--upgrade

assets: install ## Collect static files (precompressed, hashed names)
	$(PEPITES) collectstatic --noinput -v0

chromium: ## Install Debian's Chromium, poppler-utils (pdftoppm) and nginx for the browser, PDF and deployment tests (when root and missing)
	@missing=""; \
	[ -x /usr/bin/chromium ] || [ -n "$$CHROMIUM_PATH" ] || missing="chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "Absents :$$missing — installez-les (apt-get install$$missing) ou définissez CHROMIUM_PATH."; fi

setup: assets ## Migrate, load reference data, fetch the QPV outlines (demonstration ones offline); demo content if empty
	$(PEPITES) migrate --noinput -v0
	$(PEPITES) load_reference_data
	$(PEPITES) fetch_reference_geodata --if-missing
	$(PEPITES) import_qpv_indicators --demo
	$(PEPITES) demo --if-empty
	$(PEPITES) rebuild_search_index -v0

run: setup ## Install, prepare and serve the embedded instance on http://127.0.0.1:8000 (with its job-queue worker)
	@echo
	@echo "Pépites est servi sur http://$(HOST):$(PORT)/ (Ctrl-C pour arrêter)."
	@echo "Un worker exécute à côté les tâches en file (courriels, imports, tâches périodiques)."
	@echo "Pour créer un compte d'administration : $(PEPITES) createsuperuser"
	@echo "  puis ouvrez http://$(HOST):$(PORT)/admin/"
	@echo
	$(SERVE)

serve: ## Serve without reinstalling (after `make setup`)
	$(SERVE)

quality: install-dev lock-check ## Lock files in step with pyproject.toml, lint and format check, types (mypy), templates (djlint), JavaScript (eslint), layers (import-linter), Django checks, missing migrations
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/djlint pepites --lint
	node_modules/.bin/eslint pepites
	$(BIN)/lint-imports --no-cache
	$(PEPITES) check --fail-level WARNING
	$(MAKE) --no-print-directory check-deploy
	$(PEPITES) makemigrations --check --dry-run

check-deploy: install-dev ## Django's deployment checks with the production values of .env.production.example
	set -a && . ./.env.production.example && set +a && \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(PEPITES) check --deploy --fail-level WARNING

pytest: install-dev chromium ## Run the test suite only (unit, integration and browser tests)
	$(BIN)/pytest $(PYTEST_ARGS)

test: quality pytest ## Run everything: quality gate then the whole test suite

bench: install-dev ## Benchmarks (BENCH_SIZES="10000 100000"); figures go to docs/benchmarks.md
	$(BIN)/python -m bench --sizes $(BENCH_SIZES)

clean: ## Remove the virtualenv, node_modules and var/
	rm -rf $(VENV) node_modules var
