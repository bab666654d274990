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

.PHONY: lab test demo bench notebooks browser-test lint clean help model

help:
	@echo "make lab           open the course in JupyterLab"
	@echo "make test          unit tests and every notebook under nbval"
	@echo "make demo          read the bundled sample page into out/"
	@echo "make bench         full benchmark (QUICK=1 for the one-minute subset)"
	@echo "make notebooks     re-execute every notebook in place with the pinned versions"
	@echo "make browser-test  check the widgets render in headless Chromium"

# Reinstall only when the dependency list or the pins change.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[lab,test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ocrkit)" >/dev/null
	@touch $(STAMP)

# The default model (HOG + SVM on all of MNIST) is trained once, about two
# minutes, and cached in the user's cache folder; later runs only load it.
model: $(STAMP)
	$(BIN)/python -m ocrkit.models

lab: model
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.port=$(PORT)

test: model
	$(BIN)/ruff check ocrkit tests benchmarks tools data/scripts
	$(BIN)/python -m pytest -q

demo: model
	$(BIN)/ocrkit read data/handwriting/writer_a_test_scan.jpg --out out --json

bench: model
	$(BIN)/python benchmarks/run.py $(if $(QUICK),--quick,)

notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(or $(NB),notebooks)

# Playwright (the Python package, no browser download) drives Debian's chromium.
browser-test: model
	@$(BIN)/python -c "import playwright" 2>/dev/null || \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[lab,test,browser]'
	$(BIN)/python -m pytest -q -o addopts="" tests/browser

lint: $(STAMP)
	$(BIN)/ruff check ocrkit tests benchmarks tools data/scripts

clean:
	rm -rf out .pytest_cache
