# Pelican-style wrappers. Each target creates .venv and installs what it needs when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUTPUT ?= output
PORT ?= 8000
# The W3C Nu HTML Checker, from npm (vnu-jar), into a git-ignored folder; run with the machine's Java.
# --ignore-scripts: its postinstall would download a Java runtime, which the system Java makes unneeded.
VNU_VERSION := 26.9.27
VNU_DIR := $(VENV)/vnu
VNU_STAMP := $(VNU_DIR)/.installed-$(VNU_VERSION)
# axe-core, from npm, for the editor's accessibility tests (tests/test_editor_browser.py), likewise git-ignored.
AXE_VERSION := 4.14.1
AXE_DIR := $(VENV)/axe
AXE_STAMP := $(AXE_DIR)/.installed-$(AXE_VERSION)

.PHONY: html serve test validate lint clean vnu axe bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The pre-commit hook README promises (jiebang validate before each commit); never replaces another hook.
html: $(STAMP)
	$(BIN)/python -m jiebang.desk.githook
	$(BIN)/jiebang build --output $(OUTPUT)

serve: $(STAMP)
	$(BIN)/jiebang serve --port $(PORT)

validate: $(STAMP)
	$(BIN)/jiebang validate

vnu: $(VNU_STAMP)

$(VNU_STAMP):
	@if command -v npm >/dev/null 2>&1; then \
		echo "npm install vnu-jar@$(VNU_VERSION) → $(VNU_DIR)"; \
		npm install --silent --no-audit --no-fund --ignore-scripts --prefix $(VNU_DIR) vnu-jar@$(VNU_VERSION) \
			&& touch $@ || echo "npm install vnu-jar 失败：HTML 校验测试将跳过（CI 中失败）。"; \
	else \
		echo "npm 未安装：未安装 Nu HTML Checker（vnu.jar），HTML 校验测试将跳过（CI 中失败）。"; \
	fi

axe: $(AXE_STAMP)

$(AXE_STAMP):
	@if command -v npm >/dev/null 2>&1; then \
		echo "npm install axe-core@$(AXE_VERSION) → $(AXE_DIR)"; \
		npm install --silent --no-audit --no-fund --ignore-scripts --prefix $(AXE_DIR) axe-core@$(AXE_VERSION) \
			&& touch $@ || echo "npm install axe-core 失败：编辑器的无障碍测试将跳过（CI 中失败）。"; \
	else \
		echo "npm 未安装：未安装 axe-core，编辑器的无障碍测试将跳过（CI 中失败）。"; \
	fi

test: $(STAMP) $(VNU_STAMP) $(AXE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# The national-scale bench (issue 10): make bench N=20000, or N="2000 20000" for how each row grows. By hand: minutes.
N ?= 20000
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/scale_bench.py $(N)

clean:
	rm -rf $(OUTPUT) .output.* cache
