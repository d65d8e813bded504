# Reproduction kit for England's national analyses of Serious Case Reviews.
# `make help` lists the targets. Each target sets up .venv on first use (and again when
# pyproject.toml changes), so on a fresh machine `make reproduce` and `make test` just work.
# Every target calls `python -m analysis ...`, so the same works without make.

SHELL := /bin/bash
# a failing command inside a pipe (pip | grep) fails its recipe
.SHELLFLAGS := -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
# JupyterLab refuses to start as root (containers, trusted research environments) unless told
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DATA ?=

.DEFAULT_GOAL := help
.PHONY: help setup lock reproduce test sweep lint format validate codebook template agreement lab teach report clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo "  Own data: make reproduce DATA=path/to/file.csv   (also .xlsx, .sav, .dta)"
	@echo "            NAME=... names it on the outputs; ALLOW_OVERLAP=run, FILE_HASH=1: docs/disclosure.md"
	@echo "            RECODE=file combines categories (age bands, statuses) so more can be published"
	@echo "  A workbook with several sheets of cases: add SHEET=NAME, or SHEET=all"

# A .venv made with another Python (3.12, say) is rebuilt, not reused: the kit needs 3.11. Only
# for targets that use the .venv (never for help or clean), and only when $(PYTHON) is 3.11.
IS_311 = $(shell $(1) -c 'import sys; print(sys.version_info[:2] == (3, 11))' 2>/dev/null)
ifneq ($(filter-out help clean,$(or $(MAKECMDGOALS),help)),)
ifneq ($(wildcard $(PY)),)
ifneq ($(call IS_311,$(PY)),True)
ifneq ($(call IS_311,$(PYTHON)),True)
$(error $(VENV) needs Python 3.11 and $(PYTHON) is not it: install Python 3.11, or run make PYTHON=/path/to/python3.11)
endif
$(info $(VENV) was made with another Python version; rebuilding it with $(PYTHON).)
$(shell rm -rf $(VENV))
endif
endif
endif

$(STAMP): pyproject.toml requirements.lock
	@[ "$(call IS_311,$(PYTHON))" = True ] || { echo "The kit needs Python 3.11; $(PYTHON) is not it. Install Python 3.11, or run make PYTHON=/path/to/python3.11." >&2; exit 1; }
	@echo "Setting up $(VENV) with $(PYTHON) from requirements.lock (first use only)..."
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar on --no-warn-script-location -r requirements.lock \
		| { grep -E '^(Collecting|Successfully)' || true; } | sed -E 's/^Collecting ([^ ]+).*/  \1/'
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

lock: ## Refresh requirements.lock from pyproject.toml's ranges (then run make test, commit)
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e ".[dev]"
	{ grep '^#' requirements.lock; .lock-venv/bin/pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

setup: $(STAMP) ## Create .venv and install the package with its dev extras

# FILE and DATA reach Python through the environment, never the shell's command line, so no
# file name can run a command or be mangled ($(value ...) stops make expanding it too).
reproduce report lab: export SCR_DATA = $(value DATA)
reproduce report lab: export SCR_DATA_BASE = $(CURDIR)
validate: export SCR_FILE = $(value FILE)
# SHEET=NAME (or all) chooses the sheet(s) of a workbook named by DATA or FILE
reproduce report lab validate: export SCR_SHEET = $(value SHEET)
# Own data: NAME= names the dataset on the outputs; ALLOW_OVERLAP=run releases although the
# cases differ from that earlier run's by few cases; FILE_HASH=1 records the file's SHA-256
reproduce report: export SCR_DATASET_NAME = $(value NAME)
reproduce: export SCR_ALLOW_OVERLAP = $(value ALLOW_OVERLAP)
reproduce: export SCR_RECORD_FILE_HASH = $(value FILE_HASH)
# RECODE=file combines categories before disclosure control (default: <data>.recode.yaml beside it)
reproduce: export SCR_RECODE_FILE = $(value RECODE)

reproduce: $(STAMP) ## Rebuild the analysis on the shipped data (or DATA=file) and print the scorecard
	$(PY) -m analysis reproduce $(if $(FORCE),--force) $(if $(FRESH),--fresh-kernels)

report: $(STAMP) ## Build the HTML report of the last reproduce (report/index.html; DATA=file for own data)
	$(PY) -m analysis report

test: $(STAMP) ## Run lint and the whole test suite, notebooks included
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -n 2

# SHAPES generated own files (tests/own_files.py), each run end to end through reproduce into a
# folder of its own; SEED=n draws another sweep. The summary (shape, outcome, time) is written
# to SUMMARY (runs/ is ignored by git); a failing shape's files stay in pytest's temporary folder.
sweep: export SCR_SWEEP_SHAPES = $(or $(SHAPES),60)
sweep: export SCR_SWEEP_SEED = $(or $(SEED),21)
sweep: export SCR_SWEEP_SUMMARY = $(abspath $(or $(SUMMARY),runs/sweep_summary.md))
sweep: $(STAMP) ## Run many generated own files end to end, before a release (SHAPES=60, about 1 min each)
	$(PY) -m pytest -m sweep tests/test_own_files.py
	@echo "Summary: $$SCR_SWEEP_SUMMARY"

lint: $(STAMP) ## Check code style with ruff
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP) ## Format code and notebooks with ruff
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

validate: $(STAMP) ## Check a case file against the codebook: make validate FILE=path (ALL=1: every problem and note)
	$(PY) -m analysis validate $(if $(ALL),--all)

lab: $(STAMP) ## Open the notebooks in JupyterLab (DATA=file to use your own data)
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/

teach: $(STAMP) ## Open the teaching exercises in JupyterLab (synthetic data only; docs/teaching.md)
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/teaching/

codebook: $(STAMP) ## Regenerate docs/codebook.md from the codebook
	$(PY) -m analysis codebook --write

# PERIOD, FORMAT, OUT, A and B reach Python through the environment too, quoted in the recipe, so
# no value can run a command (see FILE and DATA above); --out=VALUE and -- keep a name that
# starts with a dash from being read as an option.
template: export SCR_PERIOD = $(value PERIOD)
template: export SCR_FORMAT = $(value FORMAT)
template agreement: export SCR_OUT = $(value OUT)
template: $(STAMP) ## Write a blank coding workbook in coding/ (PERIOD=2014-17, FORMAT=sps|do, OUT=file)
	$(PY) -m analysis template --period="$${SCR_PERIOD:-2011-14}" $${SCR_FORMAT:+--format="$$SCR_FORMAT"} \
		$${SCR_OUT:+--out="$$SCR_OUT"} $(if $(FORCE),--force)

agreement: export SCR_CODER_A = $(value A)
agreement: export SCR_CODER_B = $(value B)
agreement: $(STAMP) ## Agreement between two coders of the same reviews: make agreement A=file B=file
	$(PY) -m analysis agreement $${SCR_OUT:+--out="$$SCR_OUT"} $(if $(FORCE),--force) -- "$$SCR_CODER_A" "$$SCR_CODER_B"

clean: ## Remove generated figures, outputs and caches (keeps .venv)
	rm -rf figures/*.png figures/*.svg figures/*.csv figures/*.txt report .pytest_cache .ruff_cache
	find outputs -mindepth 1 ! -name README.md -exec rm -rf {} +
