# xinbao — the two commands the README promises, and the ones developers use.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HASH := $(shell sha1sum pyproject.toml | cut -c1-10)
STAMP := $(VENV)/.installed-$(HASH)

.PHONY: run pair test lint typecheck pytest bench bench-1m messages venv clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py reindex --if-needed
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo
	@echo "  xinbao (信报) is running at http://127.0.0.1:$(PORT)/   (Ctrl-C stops it)"
	@echo
	PORT=$(PORT) exec $(BIN)/python manage.py serve

# The demo pair (issue 15): the demo city on PORT (8000) and its province on PAIR_PORT (8001),
# each with its own database under var/, both workers, linked both ways with one shared secret.
PAIR_PORT ?= 8001
PAIR_CITY := XINBAO_VAR_DIR=$(CURDIR)/var/pair-city
PAIR_PROVINCE := XINBAO_VAR_DIR=$(CURDIR)/var/pair-province
pair: venv
	$(PAIR_CITY) $(BIN)/python manage.py migrate --noinput -v0
	$(PAIR_CITY) $(BIN)/python manage.py reindex --if-needed
	$(PAIR_CITY) $(BIN)/python manage.py seed_demo
	$(PAIR_CITY) $(BIN)/python manage.py collectstatic --noinput -v0
	$(PAIR_PROVINCE) $(BIN)/python manage.py migrate --noinput -v0
	$(PAIR_PROVINCE) $(BIN)/python manage.py seed_demo --level province
	$(PAIR_PROVINCE) $(BIN)/python manage.py collectstatic --noinput -v0
	$(PAIR_CITY) $(BIN)/python manage.py demo_pair --side city --peer http://127.0.0.1:$(PAIR_PORT) --secret-file var/pair-secret
	$(PAIR_PROVINCE) $(BIN)/python manage.py demo_pair --side province --peer http://127.0.0.1:$(PORT) --secret-file var/pair-secret
	@echo
	@echo "  city:     http://127.0.0.1:$(PORT)/   (the demo city's logins)"
	@echo "  province: http://127.0.0.1:$(PAIR_PORT)/   (sheng_bianji editor / sheng_chuzhang chief / sheng_zhiban duty /"
	@echo "            sheng_sysadmin system admin, 江城市 jc_xxy / jc_ld; the demo password; all listed above)"
	@echo "  Forward an incident in the city (突发事件 → 上报); it appears on the province's board."
	@echo
	$(PAIR_PROVINCE) PORT=$(PAIR_PORT) $(BIN)/python manage.py serve & province=$$!; \
	$(PAIR_CITY) PORT=$(PORT) $(BIN)/python manage.py serve; \
	kill $$province 2>/dev/null; wait

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: venv
	$(BIN)/mypy .

pytest: venv
	XINBAO_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run
	XINBAO_TESTING=1 $(BIN)/pytest $(PYTEST_ARGS)
	# The archive suite again on SQLite's other index, FTS5 (recall and consistency included).
	# Both serve the SQLite store, so this pass is skipped on PostgreSQL.
	if [ -z "$$DATABASE_URL" ]; then \
	  XINBAO_TESTING=1 XINBAO_SEARCH_INDEX=fts5 $(BIN)/pytest -q tests/archive; \
	fi

test: lint typecheck pytest

# Refused from a tree with uncommitted changes; BENCH_ALLOW_DIRTY=1 writes them marked so.
bench: venv
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev,bench]'
	$(BIN)/python -m bench

# The search benchmark at 1,000,000 documents (about half an hour), quoted by `make bench`.
bench-1m: venv
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev,bench]'
	$(BIN)/python -m bench._search_1m

# Developers: extract new UI strings and compile the translations.
messages: venv
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
