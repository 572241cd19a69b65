# kg's two commands.
#   make        set up .venv, build the graph of seeds/ and print a sample query's answer
#   make test   set up .venv (and Debian's chromium for the browser tests), run the whole suite
#   make check  the fast tier for every edit: lint, types and the tests not marked slow
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test check chromium clean news-model docs
demo: $(VENV)/.installed
	$(BIN)/kg build seeds/ --out output
	$(BIN)/kg query output/graph.ttl --example who-meets-whom

test: $(VENV)/.installed chromium node_modules/.installed
	$(BIN)/ruff check kg tests bench
	$(BIN)/mypy kg
	$(BIN)/lint-imports
	npx --no-install eslint kg/templates
	$(BIN)/python -m pytest

# The fast tier, for every edit: lint, types and the tests not marked slow (no browser, training,
# Dask cluster, whole corpora or killed builds; see CONTRIBUTING.md). `make test` runs them all.
CHECK_MARKERS := not slow
check: $(VENV)/.installed node_modules/.installed
	$(BIN)/ruff check kg tests bench
	$(BIN)/mypy kg
	npx --no-install eslint kg/templates
	$(BIN)/python -m pytest -q -m "$(CHECK_MARKERS)"

# Quiet on success: pip's warnings and errors go to $(VENV)/install.log, printed in full if the
# install fails (make then stops with pip's exit code).
$(VENV)/.installed: pyproject.toml
	@echo "setting up $(VENV): kg and its dependencies (minutes the first time; pip's log: $(VENV)/install.log)"
	@$(PYTHON) -m venv $(VENV)
	@{ $(BIN)/python -m pip install --quiet --upgrade pip && $(BIN)/python -m pip install --quiet -e '.[test]'; } \
	  >$(VENV)/install.log 2>&1 || { status=$$?; cat $(VENV)/install.log >&2; \
	  echo "make: installing kg failed (pip's output above, also in $(VENV)/install.log)" >&2; exit $$status; }
	@touch $@

# The news model kg ships (kg/data/models/news): trained on the 96 annotated Wikinews articles of
# ../shared/eval/news-facts/train, settings chosen by 5-fold cross-validation over them, never losing
# to the rules alone on the 30 dev articles (../shared/eval/news-facts), seed 0.
news-model: $(VENV)/.installed
	$(BIN)/kg train --data ../shared/eval/news-facts/train --dev ../shared/eval/news-facts --out kg/data/models/news \
	  --seed 0

# The documentation site (docs/*.md, mkdocs.yml) into site/, offline; --strict turns any warning into
# a failure. NO_MKDOCS_2_WARNING silences mkdocs-material's notice about MkDocs 2, which is no warning
# about these docs.
docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# A program make test needs: when it is missing, Debian's package if make runs as root with apt-get,
# else a line saying how to install it. $(call debian_program,COMMAND,PACKAGE,WHAT FOR)
debian_program = command -v $(1) >/dev/null 2>&1 || { \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
  else \
    echo "make test needs $(3) (Debian/Ubuntu: sudo apt-get install $(2))" >&2; exit 1; \
  fi; }

# eslint for the pages' JavaScript (kg/templates/*.js), from npm at the versions package-lock.json pins;
# Debian's npm if the machine has none.
node_modules/.installed: package.json package-lock.json
	@$(call debian_program,npm,npm,npm to lint the page's JavaScript)
	npm ci --no-audit --no-fund --silent
	touch $@

# The browser tests drive Debian's Chromium (never a downloaded browser).
chromium:
	@$(call debian_program,chromium,chromium,Chromium for the browser tests)

clean:
	rm -rf $(VENV) output/graph.* build *.egg-info site
