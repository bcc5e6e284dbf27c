# MedPool developer commands. `make run` and `make test` work from a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP_FLAGS := --disable-pip-version-check -q

.PHONY: run test bench fuzz deps check-tools clean-data openapi screenshots chromium

run: deps miniprogram/node_modules/.installed  ## start DynamoDB Local, demo data, the WeChat stand-in and the API on :8000
	$(PY) -m local.run

test: deps miniprogram/node_modules/.installed  ## every test: Python (unit on moto, integration on DynamoDB Local, end-to-end HTTP), then the mini program's
	$(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)
	cd miniprogram && npm test

# Examples per operation and caller: the pytest part (MEDPOOL_FUZZ_EXAMPLES) and the `st run` part (ST_EXAMPLES,
# whose phases multiply them: 10 took 18 minutes for seven callers, so 200 would take about 6 hours);
# `MEDPOOL_FUZZ_EXAMPLES=10 make fuzz` is a quick end-to-end run. Checks the CLI run leaves out: none.
MEDPOOL_FUZZ_EXAMPLES ?= 200
ST_EXAMPLES ?= 20
FUZZ_EXCLUDE_CHECKS ?=
fuzz: deps  ## schema fuzzing: every operation as six kinds of caller (200 examples each) and stateful runs, then `st run` per caller
	MEDPOOL_FUZZ_EXAMPLES=$(MEDPOOL_FUZZ_EXAMPLES) MEDPOOL_FUZZ_STATEFUL_EXAMPLES=50 MEDPOOL_FUZZ_STATEFUL_STEPS=20 $(PY) -m pytest -p no:cacheprovider -q tests/e2e/test_fuzz_schema.py
	MEDPOOL_FUZZ_EXAMPLES=$(ST_EXAMPLES) MEDPOOL_FUZZ_EXCLUDE_CHECKS=$(FUZZ_EXCLUDE_CHECKS) $(PY) -m local.fuzz

bench: deps miniprogram/node_modules/.installed  ## print the benchmark figures
	$(PY) -m bench

deps: check-tools $(VENV)/.installed node_modules/.installed

check-tools:
	@test -n "$(PYTHON)" || { echo "Python 3.11 is required: install python3.11"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python >= 3.11 is required (found $$($(PYTHON) --version))"; exit 1; }
	@command -v node >/dev/null || { echo "Node.js 20 is required: install nodejs (with npm)"; exit 1; }
	@command -v npm >/dev/null || { echo "npm is required: install npm"; exit 1; }
	@command -v java >/dev/null || { echo "Java 17 is required for DynamoDB Local: install openjdk-17-jre"; exit 1; }

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) -r requirements-dev.txt
	$(PY) -m pip install $(PIP_FLAGS) --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

openapi: deps  ## regenerate the API document served at /openapi.json
	$(PY) -m medpool.api.openapi functions/login/openapi.json

miniprogram/node_modules/.installed: miniprogram/package.json miniprogram/package-lock.json
	cd miniprogram && npm ci --no-audit --no-fund --loglevel=error && npm run build:npm
	touch $@

# Pictures for a reviewer (not a test, not in `make test`): every page in its main states at 375x812 and a contact
# sheet, in build/screenshots/. Needs Debian's chromium and a CJK font: installed here with apt-get when run as root,
# otherwise install them first (`sudo apt-get install -y chromium fonts-wqy-microhei`) or set CHROMIUM_PATH.
screenshots: chromium miniprogram/node_modules/.installed  ## render every mini program page to PNG (build/screenshots/contact-sheet.png)
	cd miniprogram && node scripts/screenshots/index.js $(SCREENS)

chromium:
	@test -n "$$CHROMIUM_PATH" || command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y --no-install-recommends chromium fonts-wqy-microhei; \
	  else echo "headless Chromium is required: sudo apt-get install -y chromium fonts-wqy-microhei (or set CHROMIUM_PATH)"; exit 1; fi; }
	@fc-list :lang=zh | grep -q . || { [ "$$(id -u)" = 0 ] && apt-get install -y --no-install-recommends fonts-wqy-microhei || echo "warning: no CJK font (fonts-wqy-microhei): Chinese text will not render"; }

clean-data:  ## forget the local database
	rm -rf .data

# ops on the AWS SAM CLI: deploy, rollback, logs, sync (after the default goal `run`); see infra/README.md
include infra/deploy.mk
