# make demo | make test | make bench — each sets up .venv from pyproject.toml first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("mirrorwatch needs Python >= 3.11") if sys.version_info < (3, 11) else None'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/mirrorwatch demo

test: $(STAMP)
	@# Headless Chromium for the HTML report test; without it that test skips (fails under CI=true).
	-@bash scripts/ensure-chromium.sh
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	@echo "== copy detection quality (generated pairs through the archive) =="
	$(PY) -m tests.bench.copies_eval
	@echo "== copy detection at scale (100,000 stored versions) =="
	$(PY) -m tests.bench.copies_scale
	@echo "== change classes on generated edits of real articles =="
	$(PY) -m tests.bench.changes_eval
	@echo "== corpus export memory (JSONL of 1,000 and 10,000 versions) =="
	$(PY) -m tests.bench.export_memory
	@echo "== WARC import throughput (181 real pages, 1 and 2 extraction workers) =="
	$(PY) -m tests.bench.warc_import

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
