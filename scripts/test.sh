#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: lint, then every test on SQLite and
# on PostgreSQL (the server on 127.0.0.1:5432, or a throwaway one started here), with
# Redis on 127.0.0.1:6379 (or a throwaway one) for the tests of several nodes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
export LIAISON_VAR_DIR=${LIAISON_VAR_DIR:-$PWD/var/test}
mkdir -p "$LIAISON_VAR_DIR"
workers=${LIAISON_TEST_WORKERS:-2}
# Tests open connections from several threads (the live server); none may linger.
export LIAISON_DB_CONN_MAX_AGE=0

# The same lint as `make lint`, from the one list in the Makefile.
say "Lint: ruff, import contracts, types"
make --no-print-directory lint

say "Migrations are complete"
.venv/bin/liaison makemigrations --check --dry-run >/dev/null

say "Static files collect as in production"
.venv/bin/liaison collectstatic --no-input -v 0

say "Tests on SQLite"
env -u DATABASE_URL .venv/bin/pytest -n "$workers" "$@"

say "Tests on PostgreSQL (and Redis for the tests of several nodes)"
pg_url=$(scripts/ensure-postgres.sh)
redis_url=$(scripts/ensure-redis.sh)
DATABASE_URL=$pg_url LIAISON_TEST_REDIS_URL=$redis_url .venv/bin/pytest -n "$workers" "$@"
