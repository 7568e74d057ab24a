# Liaison: `make demo` runs the product, `make test` runs every test. Both set up what they need.
.PHONY: demo test setup lint format clean

demo:
	scripts/demo.sh

test:
	scripts/test.sh

setup:
	scripts/setup.sh --test

lint:
	.venv/bin/ruff check src && .venv/bin/ruff format --check src

format:
	.venv/bin/ruff format src && .venv/bin/ruff check --fix src

clean:
	rm -rf .venv node_modules var src/liaison/core/static/vendor
