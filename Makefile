# The two commands a newcomer needs: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check soak lint bench bench-crawl bench-scale quality screenshots clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@command -v redis-server >/dev/null || sh scripts/install-redis.sh
	@sh scripts/install-browser.sh
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

# the import contracts, then every tier (tests/unit, tests/redis, tests/e2e) but the soak runs
test: $(STAMP)
	@$(BIN)/lint-imports --no-cache > .lint-imports.log || { cat .lint-imports.log; exit 1; }
	@tail -n 1 .lint-imports.log && rm -f .lint-imports.log
	sh scripts/with-redis.sh $(BIN)/python -m pytest -q -m "not soak" --durations=10

# the fast tiers: pure unit tests and the engine and CLI against a real Redis
check: $(STAMP)
	sh scripts/with-redis.sh $(BIN)/python -m pytest -q -m "not soak and not e2e" tests/unit tests/redis

# long load and fault runs (exit 5, no test collected, is not a failure)
soak: $(STAMP)
	sh scripts/with-redis.sh $(BIN)/python -m pytest -q -m soak || test $$? -eq 5

lint: $(STAMP)
	$(BIN)/ruff check dedup crawler wiretrace wiretrace_testing tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

bench: $(STAMP)
	sh scripts/with-redis.sh sh -c '$(BIN)/python -m bench.signature_speed && $(BIN)/python -m bench.index_vs_datasketch && $(BIN)/python -m bench.crawl_speed && $(BIN)/python -m bench.healthz'

# The crawl benchmark alone, at low priority (its last line: RATIO ...x, target, met/missed)
bench-crawl: $(STAMP)
	sh scripts/with-redis.sh nice $(BIN)/python -m bench.crawl_speed

# The index at scale vs datasketch on a realistic corpus (not in CI; its own redis-server;
# report in bench/out/index_scale.md): 10k and 20k both systems, 100k and 1M wiretrace alone
# (datasketch by its measured slope). The 1M corpus (4.5 GB, ~6 min to make on 2 busy cores)
# is kept in bench/out/; Redis needs ~6 GB; 1M ingests in ~2-2.5 h at load 7-18 on 2 cores.
BENCH_SCALE_ARGS ?= --sizes 10000,20000,100000,1000000 --reps 3,3,1,1 --ds-max 20000 \
	--corpus bench/out/newslike-corpus.jsonl
bench-scale: $(STAMP)
	$(BIN)/python -m bench.index_scale $(BENCH_SCALE_ARGS)

# The syndication benchmark (report and plot in bench/out/), generated webs on tuned and
# held-out seeds (bench/out/heldout.md), the extraction benchmark and its cross-validation
quality: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	sh scripts/with-redis.sh sh -c '$(BIN)/python -m bench.syndication && $(BIN)/python -m bench.heldout && $(BIN)/python -m bench.extraction && $(BIN)/python -m bench.extraction_cv'

# the browser tests (headless Chromium) write their screenshots to tests/out/; the README
# shows the copies in docs/screenshots/ (committed)
screenshots: $(STAMP)
	sh scripts/with-redis.sh $(BIN)/python -m pytest -q tests/e2e/test_browser.py tests/e2e/test_site_page.py
	mkdir -p docs/screenshots
	cp tests/out/*.png docs/screenshots/

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
