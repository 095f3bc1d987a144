# Interview Buddy: local development and CI entry points. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV       := .venv
VENV_PY    := $(VENV)/bin/python
IB         := $(VENV)/bin/ib
VENV_STAMP := $(VENV)/.installed-from-pyproject
# Python 3.11 (via pyenv on these machines); override with `make PYTHON=/path/to/python3.11`.
PYTHON     ?= $(shell command -v python3.11 || command -v python3)
SAMPLE     := .run/samples/sample_interview.wav
GATEWAY_URL ?= http://127.0.0.1:8000
PYTEST_ARGS ?=
# The Compose specification's JSON schema, as the docker-compose wheel on PyPI ships it;
# tests/unit/test_compose.py validates compose.yaml against it.
COMPOSE_SCHEMA := .cache/compose-spec/compose_spec.json
# kustomize renders deploy/'s overlays for tests/unit/test_deploy.py (built from the Go module proxy).
KUSTOMIZE_VERSION := v5.8.1
KUSTOMIZE := .cache/bin/kustomize
GO ?= $(shell command -v go || echo /usr/local/go/bin/go)

# Debian packages the project needs: speech synthesis for samples, audio tools, the database,
# the font the PDF exports are set in, and the headless browser the web app's tests drive
# (tests/e2e/web/).
APT_PACKAGES := espeak-ng sox postgresql fonts-dejavu-core chromium
# Commands the stack and the install need (gcc: setup.py compiles the speech metrics), and
# the package that brings each when it is missing.
APT_COMMANDS := java:default-jre-headless mvn:maven runuser:util-linux gcc:gcc

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1
export DEBIAN_FRONTEND := noninteractive

# The web app (web/): built again when a source, the lock file or the build config changes.
WEB_STAMP   := web/dist/.built-from-sources
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/package.json \
               web/package-lock.json web/tsconfig.json web/vite.config.ts
DEMO_USER  := demo

.PHONY: help web venv system-deps demo test coverage test-unit lint format clean distclean stack-up stack-down stack-status

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# The modules setup.py compiles with mypyc: an edit to one of them reinstalls, which recompiles.
NATIVE_SOURCES := analysis/speech/metrics.py analysis/speech/fillers.py analysis/speech/filler_context.py

venv: $(VENV_STAMP) ## Create .venv and install the project with its test tools (again when pyproject.toml, setup.py or a compiled module changes)

$(VENV_STAMP): pyproject.toml setup.py analysis/speech/native_modules.py $(NATIVE_SOURCES)
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed: install python3.11 or pass PYTHON=..." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)' \
	  || { echo "$(PYTHON) is older than Python 3.11; pass PYTHON=/path/to/python3.11" >&2; exit 1; }
	@test -x $(VENV_PY) || $(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install --quiet --upgrade pip
	$(VENV_PY) -m pip install --quiet -e '.[test,azure]'
	@touch $@

web: $(WEB_STAMP) ## Build the web app into web/dist (npm ci + type check + vite build; again when web/ changes)

$(WEB_STAMP): $(WEB_SOURCES)
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20.19+ (with npm)" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build
	@touch $@

system-deps: ## apt-get install the system packages that are missing (espeak-ng, sox, postgresql, fonts-dejavu-core, chromium, java, maven, gcc)
	@missing=""; \
	for package in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$package" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	for pair in $(APT_COMMANDS); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -z "$$missing" ]; then \
	  echo "system-deps: all present"; \
	else \
	  command -v apt-get >/dev/null || { echo "system-deps: missing$$missing, and no apt-get here: install them by hand" >&2; exit 1; }; \
	  echo "system-deps: installing$$missing"; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

stack-up: venv ## ib stack up (Kafka, PostgreSQL, worker, gateway)
	$(IB) stack up

stack-down: ## ib stack down
	@if [ -x $(IB) ]; then $(IB) stack down; else echo "no .venv: nothing was started"; fi

stack-status: venv ## ib stack status
	$(IB) stack status

demo: system-deps venv web ## Start the whole stack, analyse a synthetic interview, print the web app's URL and user (the stack keeps running)
	$(IB) stack up
	$(VENV_PY) -m dev.synthesize sample --out $(SAMPLE)
	IB_USER=$(DEMO_USER) $(IB) analyze $(SAMPLE)
	@echo
	@echo "Open the web app at $(GATEWAY_URL)/ and sign in as: $(DEMO_USER)"
	@echo "(the API is at the same address, documented at $(GATEWAY_URL)/docs; the stack keeps running; stop it with: $(IB) stack down)"

$(COMPOSE_SCHEMA):
	@mkdir -p $(dir $@)
	$(VENV_PY) -m pip download --quiet --no-deps --dest $(dir $@) docker-compose==1.29.2
	cd $(dir $@) && $(abspath $(VENV_PY)) -c 'import zipfile; zipfile.ZipFile("docker_compose-1.29.2-py2.py3-none-any.whl").extract("compose/config/compose_spec.json", ".")'
	mv $(dir $@)compose/config/compose_spec.json $@

$(KUSTOMIZE):
	@mkdir -p $(dir $@)
	GOBIN=$(abspath $(dir $@)) GOTOOLCHAIN=local $(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

test: system-deps venv web $(COMPOSE_SCHEMA) $(KUSTOMIZE) ## Start Kafka, PostgreSQL, a schema registry, Azurite, the Firebase Auth emulator and an SMTP server, then run every test
	$(IB) stack up --services-only
	dev/registry/run.sh start
	dev/azurite/run.sh start
	dev/firebase/run.sh start
	dev/smtp/run.sh start
	$(MAKE) --no-print-directory coverage
	$(VENV_PY) -m pytest $(PYTEST_ARGS)

# The compiled speech modules hide their lines from coverage: the unit tests run here on the
# .py sources (IB_PURE_PYTHON=1), and again on the compiled ones in make test's main run.
coverage: venv web $(COMPOSE_SCHEMA) $(KUSTOMIZE) ## Branch coverage of analysis/ by the unit tests; fails below 85 % (pyproject.toml)
	IB_PURE_PYTHON=1 $(VENV_PY) -m pytest tests/unit -q -p no:cacheprovider --cov --cov-report=term-missing:skip-covered

test-unit: venv web $(COMPOSE_SCHEMA) $(KUSTOMIZE) ## Only the unit tests (no services needed)
	$(VENV_PY) -m pytest tests/unit $(PYTEST_ARGS)

lint: venv web ## ruff, and the web app's type check (tsc --noEmit)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	cd web && npm run --silent lint

format: venv ## ruff format and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## Stop the stack and remove what runs and tests leave behind (.run, caches); keeps .venv and .cache
	@if [ -x $(IB) ]; then $(IB) stack down || true; fi
	dev/registry/run.sh stop || true
	dev/azurite/run.sh stop || true
	dev/firebase/run.sh stop || true
	dev/smtp/run.sh stop || true
	rm -rf .run .pytest_cache .ruff_cache .mypy_cache build dist tests/data/generated bench/out web/dist
	find . -path ./.venv -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
	rm -rf *.egg-info

distclean: clean ## clean, and also remove .venv and the downloaded jars (.cache)
	rm -rf $(VENV) .cache
