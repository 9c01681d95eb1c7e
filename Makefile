# Two commands: `make lab` opens JupyterLab on the chapters, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test venv clean

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab --ip=127.0.0.1 --no-browser --ServerApp.root_dir=chapters $(ALLOW_ROOT)

test: $(STAMP)
	$(BIN)/ruff check nnlib tests benchmarks tools
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV)
