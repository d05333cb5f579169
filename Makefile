# Every target creates .venv if it is missing and installs zhibiao into it.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SHARED  ?= ../shared

.PHONY: demo test accuracy bench install clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/zhibiao extract samples/001_9f860a2bdebb59a8.txt
	$(BIN)/zhibiao extract samples/*.txt --format jsonl -o workbooks/samples-facts.jsonl
	$(BIN)/zhibiao extract samples/pdf-2col/ --format jsonl -o workbooks/samples-2col-facts.jsonl
	$(BIN)/zhibiao build samples/*.txt -o workbooks/samples.xlsx
	$(BIN)/zhibiao validate workbooks/samples.xlsx

test: $(STAMP)
	$(BIN)/pytest

accuracy: $(STAMP)
	$(BIN)/python bench/accuracy.py --shared $(SHARED)

bench: $(STAMP)
	$(BIN)/python bench/bench_read.py --shared $(SHARED) --pages 400
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_workbook.py
	$(BIN)/python bench/bench_import.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
