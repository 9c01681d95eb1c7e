# Two commands: `make lab` opens JupyterLab on the chapters, `make test` runs every check.
# `make lab` works on a copy of the chapters in my-chapters/ (not tracked by git), so your
# edits and saved outputs never collide with `git pull`; `make edit` opens chapters/ itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab edit fresh test venv clean site

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@echo "Setting up $(VENV): installing the pinned packages (about a minute the first time)..."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --progress-bar on -r requirements.txt
	touch $(STAMP)
	@echo "$(VENV) is ready."

# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

WORK := my-chapters
LAB := $(BIN)/jupyter lab --ip=127.0.0.1 --no-browser $(ALLOW_ROOT)

# Your working copy: made from chapters/ the first time, then left alone.
$(WORK):
	cp -R chapters $(WORK)
	@echo "Made $(WORK)/, your own copy of the chapters (git ignores it)."

lab: $(STAMP) $(WORK)
	@echo "Opening JupyterLab on $(WORK)/. To start again from the published chapters: make fresh"
	$(LAB) --ServerApp.root_dir=$(WORK)

# Put your copy aside (my-chapters.old-<time>/) and take a new one from chapters/.
fresh:
	test ! -d $(WORK) || mv $(WORK) $(WORK).old-$$(date +%Y%m%d-%H%M%S)
	$(MAKE) $(WORK)

# For contributors: open the tracked chapters themselves.
edit: $(STAMP)
	$(LAB) --ServerApp.root_dir=chapters

# Lint (ruff), types (mypy, settings in pyproject.toml [tool.mypy]), then every test.
test: $(STAMP)
	$(BIN)/ruff check nnlib tests benchmarks tools
	$(BIN)/mypy nnlib
	$(BIN)/python -m pytest

# The browser edition (JupyterLite + Pyodide) in _site/: see tools/build_site.py.
site: $(STAMP)
	$(BIN)/python tools/build_site.py --check

clean:
	rm -rf $(VENV) build _site
