# ocrkit: two commands set everything up.
#   make lab    open the course in JupyterLab
#   make test   prove it works (unit tests + every notebook under nbval)
# Each target creates .venv and installs the kit with pinned versions on first use.

PYTHON ?= python3
VENV   := .venv
ifeq ($(OS),Windows_NT)
BIN    := $(VENV)/Scripts
else
BIN    := $(VENV)/bin
endif
STAMP  := $(VENV)/.ocrkit-installed
PORT   ?= 8888
# Extra options for `jupyter lab`, e.g. LAB_ARGS="--no-browser --ip=0.0.0.0" in a container.
LAB_ARGS ?=
# JupyterLab refuses to start as root (containers, cloud notebooks) without
# --allow-root; add it only then.  Evaluated when used, and empty where `id` is
# missing (Windows users take the README's conda route).
ALLOW_ROOT = $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

.PHONY: lab test demo bench notebooks browser-test lint clean help model

help:
	@echo "make lab           open the course in JupyterLab (LAB_ARGS=... for more options)"
	@echo "make test          unit tests and every notebook under nbval"
	@echo "make demo          read the bundled sample page into out/"
	@echo "make bench         full benchmark (QUICK=1 for small subsets)"
	@echo "make notebooks     re-execute every notebook in place (outputs and widget state)"
	@echo "make browser-test  check the widgets render in headless Chromium"
	@echo "make model         rebuild the shipped default model and report what changed"

# Reinstall only when the dependency list or the pins change.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[lab,test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ocrkit)" >/dev/null
	@touch $(STAMP)

# Rebuild the shipped default model (data/models/) and report whether its
# accuracy and bytes changed.
model: $(STAMP)
	$(BIN)/python -m ocrkit.models --rebuild

# The notebooks ship with their outputs and widget state (tools/execute_notebooks.py),
# but JupyterLab draws widgets (the explorers, tqdm's bars) only in a notebook it
# trusts; in any other it shows their text, `interactive(children=(Dropdown(...`.
# `jupyter trust` records the course notebooks as trusted in the user's Jupyter data
# folder.  It runs every time: a notebook that changed (git pull, `make notebooks`)
# needs it again.  Leave JupyterLab's "Save Widget State Automatically" off: it
# saves only widgets a running kernel holds, so saving a notebook not yet run
# would drop the shipped state.
lab: $(STAMP)
	@$(BIN)/jupyter trust notebooks/[0-9]*.ipynb >/dev/null
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.port=$(PORT) $(ALLOW_ROOT) $(LAB_ARGS)

# Matplotlib keeps a font list in the user's cache folder, built on first import
# with a note on stderr. A list built by another environment (a venv since deleted)
# names font files that are gone, and every figure then warns on stderr. Either
# note inside a notebook is an unexpected output, and strict nbval fails on it:
# the list is rebuilt here for this environment, before the notebooks run.
test: $(STAMP)
	$(BIN)/ruff check ocrkit tests benchmarks tools data/scripts
	@$(BIN)/python -c "import pathlib, matplotlib; 		[p.unlink() for p in pathlib.Path(matplotlib.get_cachedir()).glob('fontlist-*.json')]; 		import matplotlib.pyplot" 2>/dev/null
	$(BIN)/python -m pytest -q

demo: $(STAMP)
	$(BIN)/ocrkit read data/handwriting/writer_a_test_scan.jpg --out out --json

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(if $(QUICK),--quick,)

notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(or $(NB),notebooks)

# Playwright (the Python package, no browser download) drives Debian's chromium.
browser-test: $(STAMP)
	@$(BIN)/python -c "import playwright" 2>/dev/null || \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[lab,test,browser]'
	$(BIN)/python -m pytest -q -o addopts="" tests/browser

lint: $(STAMP)
	$(BIN)/ruff check ocrkit tests benchmarks tools data/scripts

clean:
	rm -rf out .pytest_cache
