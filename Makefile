# The README's two commands: `make build` (every locale to HTML and PDF under output/) and `make test`.
# Both set up what they need: the system libraries (when missing, as root), a virtual environment,
# and the project installed into it.

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
# Pango renders the text; HarfBuzz's subsetter embeds only the glyphs used; msgfmt referees catalogs;
# Noto Sans CJK (SC, JP, KR) and Noto Sans Devanagari set the scripts that Lato lacks; fontconfig's
# fc-match finds their files for the web pages' subsets.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext fonts-noto-cjk fonts-noto-core \
	fontconfig

.PHONY: build test system clean

build: $(VENV)/.installed
	$(BIN)/brochure build
	@echo "Room for longer languages: the en-XA pseudo-locale (40 percent longer), never published:"
	$(BIN)/brochure build -l en-XA --to pdf --out .pseudo-output

test: $(VENV)/.installed-test
	@status=0; $(BIN)/python -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

$(VENV)/.installed: pyproject.toml | system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

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
	rm -rf output $(VENV) .pytest_cache
