# The two commands a newcomer needs: `make demo` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench quality clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@command -v redis-server >/dev/null || sh scripts/install-redis.sh
	@sh scripts/install-browser.sh
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

test: $(STAMP)
	sh scripts/with-redis.sh $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check dedup crawler tests bench
	$(BIN)/mypy

bench: $(STAMP)
	sh scripts/with-redis.sh sh -c '$(BIN)/python -m bench.signature_speed && $(BIN)/python -m bench.index_vs_datasketch && $(BIN)/python -m bench.crawl_speed'

# The syndication benchmark (report and plot in bench/out/) and the extraction benchmark
quality: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	sh scripts/with-redis.sh sh -c '$(BIN)/python -m bench.syndication && $(BIN)/python -m bench.extraction'

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
