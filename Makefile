# The README's two commands: `make build` (every locale to HTML and PDF under output/) and `make test`.
# Both set up what they need: the system libraries (when missing, as root), a virtual environment,
# and exactly the locked Python packages, hash-checked, with the project installed into it.
# `make lock` resolves pyproject.toml's ranges again; `make test-latest` tries the newest releases.

VENV ?= .venv
LATEST_VENV ?= .venv-latest
PYTHON ?= python3
BIN := $(VENV)/bin
# What `make build` needs, and what the tests and the linters add to it; the second is resolved
# with the first as constraints, so both install the same version of every shared package.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
# Pango renders the text; HarfBuzz's subsetter embeds only the glyphs used; GNU gettext merges,
# writes and referees the catalogs; Noto Sans CJK (SC, JP, KR) and Noto Sans Devanagari set the
# scripts that Lato lacks; fontconfig's fc-match finds their files for the web pages' subsets;
# libgs-common has the CMYK profile that is the print edition's output intent; poppler's
# pdftotext is what the tests read the text layer with.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-noto-cjk fonts-noto-core \
  fontconfig libgs-common poppler-utils
# The build backend joins the lock, so that installing the project needs nothing unpinned.
LOCK_OPTIONS := --quiet --generate-hashes --python-version 3.11 --custom-compile-command 'make lock'

# The suite on two workers (pytest-xdist), one per core; each test module runs whole in one
# worker, so that what a module sets up once (its fixtures of module scope) is made once, and
# the modules are handed out in the order tests/conftest.py gives them, the longest first.
XDIST ?= -n 2 --dist loadfile --no-loadscope-reorder

.PHONY: build test test-latest coverage lint lock system clean

build: $(VENV)/.installed
	$(BIN)/brochure build
	@echo "Room for longer languages: the en-XA pseudo-locale (40 percent longer), never published:"
	$(BIN)/brochure build -l en-XA --to pdf --out .pseudo-output

test: $(VENV)/.installed-test
	@$(MAKE) --no-print-directory pytest PYTEST=$(BIN)/python

test-latest: | system
	rm -rf $(LATEST_VENV)
	$(PYTHON) -m venv $(LATEST_VENV)
	$(LATEST_VENV)/bin/pip install --quiet --upgrade pip
	$(LATEST_VENV)/bin/pip install --quiet --upgrade --upgrade-strategy eager -e '.[test]'
	$(LATEST_VENV)/bin/pip list --format=freeze | grep -i -E '^(babel|weasyprint|pydyf|fonttools|markdown-it-py|jinja2|polib|pypdfium2)=='
	@$(MAKE) --no-print-directory pytest PYTEST=$(LATEST_VENV)/bin/python

# pytest's exit 5 (no test collected) is a failure here, never a quiet success.
pytest:
	@status=0; $(PYTEST) -m pytest $(XDIST) $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

# Line coverage of pipeline/ by the suite, the commands it runs in processes of their own
# included ([tool.coverage.run]); the data is left in .coverage for `coverage html` and the like.
# Its absolute path keeps the data of a command run inside a test's project out of that project.
coverage: $(VENV)/.installed-test
	rm -f .coverage .coverage.*
	@COVERAGE_FILE=$(CURDIR)/.coverage $(MAKE) --no-print-directory pytest PYTEST="$(BIN)/coverage run" \
	  PYTEST_ARGS="$(PYTEST_ARGS)"
	$(BIN)/coverage combine --quiet
	$(BIN)/coverage report

$(VENV)/.installed: $(LOCK) pyproject.toml | system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed $(DEV_LOCK)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(DEV_LOCK)
	touch $@

# ruff and mypy --strict over the pipeline, the benchmarks and the tests' helpers: what review expects.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check pipeline bench tests
	$(BIN)/ruff format --check pipeline bench tests
	$(BIN)/mypy --strict pipeline bench

# Resolves again from pyproject.toml, keeping the versions locked so far where the ranges allow;
# `make lock UPGRADE=--upgrade` takes the newest releases instead.
lock:
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet uv; }
	printf 'setuptools>=68\n' | $(BIN)/uv pip compile $(LOCK_OPTIONS) $(UPGRADE) \
	  pyproject.toml - -o $(LOCK)
	printf 'setuptools>=68\n' | $(BIN)/uv pip compile $(LOCK_OPTIONS) $(UPGRADE) \
	  --extra test --extra dev -c $(LOCK) pyproject.toml - -o $(DEV_LOCK)

system:
	@missing=""; \
	for package in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing (install them with apt-get as root)" >&2; \
	  fi; \
	fi

clean:
	rm -rf output $(VENV) $(LATEST_VENV) .pytest_cache
