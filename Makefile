# Liaison: `make demo` runs the product, `make test` runs every test. Both set up what they need.
.PHONY: demo test setup lint format clean

demo:
	scripts/demo.sh

test:
	scripts/test.sh

setup:
	scripts/setup.sh --test

# What CI checks before any test (scripts/test.sh runs this): style, the import contracts
# between the apps (.importlinter), and the types (mypy; the files are in pyproject.toml).
lint:
	.venv/bin/ruff check src
	.venv/bin/ruff format --check src
	.venv/bin/lint-imports --no-logo
	.venv/bin/mypy
	.venv/bin/bandit -q -c pyproject.toml -r src

format:
	.venv/bin/ruff format src && .venv/bin/ruff check --fix src

clean:
	rm -rf .venv node_modules var src/liaison/core/static/vendor
