# make demo | make test | make test-fast | make bench — each sets up .venv from pyproject.toml first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast bench clean venv

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
	@# Headless Chromium + chromedriver for the browser tests; without them those skip (fail under CI=true).
	-@bash scripts/ensure-chromium.sh
	@# Three workers on two cores: most slow tests wait on sleeps, servers and subprocesses.
	@# --dist loadfile keeps a file on one worker, so a module's fixture (one crawl) is built once.
	$(PY) -m pytest -q -n 3 --dist loadfile $(PYTEST_ARGS)

# make test-fast: the tests that start no crawl or scheduler and take under ~2 s each.
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS)

# make bench: crawl speed, re-crawls, memory, extraction quality, database growth and copy
# matching at scale, printed as one table (BENCH_ARGS=--quick for a short development run).
bench: $(STAMP)
	$(PY) -m tests.bench.suite $(BENCH_ARGS)
	@echo "== copy detection quality (generated pairs through the archive) =="
	$(PY) -m tests.bench.copies_eval
	@echo "== copy relations on real pages (copies made under foreign blog templates, through the archive) =="
	$(PY) -m tests.bench.copies_real
	@echo "== change classes on generated edits of real articles =="
	$(PY) -m tests.bench.changes_eval
	@echo "== corpus export memory (JSONL of 1,000 and 10,000 versions) =="
	$(PY) -m tests.bench.export_memory
	@echo "== WARC import throughput (181 real pages, 1 and 2 extraction workers) =="
	$(PY) -m tests.bench.warc_import
	@echo "== dashboard pages on 100,000 stored versions (each < 200 ms) =="
	$(PY) -m tests.bench.dashboard
	@echo "== extraction options side by side (181 article pages and the wcxb-dev articles) =="
	$(PY) -m tests.bench.extract_options
	@echo "== rendered crawl (headless chromium) of 200 local pages vs plain HTTP =="
	$(PY) -m tests.bench.render_speed --pages 200
	@echo "== scan of a 20,000-page WARC for copies of a 10,000-version archive vs full extraction (#17) =="
	$(PY) -m tests.bench.scan_speed
	@echo "== crawl memory: a 10,000- against a 100,000-URL sitemap, each stopped after 2,000 stored articles =="
	$(PY) -m tests.bench.crawl_memory
	@echo "== re-checks of 1,000 unchanged pages and of one page: mirrorwatch against urlwatch (venv under build/) =="
	$(PY) -m tests.bench.recheck_vs_urlwatch

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
