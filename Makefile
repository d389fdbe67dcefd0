# Pelican-style wrappers. Each target creates .venv and installs what it needs when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUTPUT ?= output
PORT ?= 8000

.PHONY: html serve test validate lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

html: $(STAMP)
	$(BIN)/jiebang build --output $(OUTPUT)

serve: $(STAMP)
	$(BIN)/jiebang serve --port $(PORT)

validate: $(STAMP)
	$(BIN)/jiebang validate

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(OUTPUT) .output.* cache
