#!/usr/bin/env bash
# Sets everything up and runs Liaison on its embedded SQLite database with demo data,
# serving http://127.0.0.1:8000 with gunicorn. A second run reuses var/ and loses nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
say "Migrating the database (var/liaison.sqlite3)"
.venv/bin/liaison migrate --no-input -v 0
say "Collecting static files"
.venv/bin/liaison collectstatic --no-input -v 0
say "Loading demo data"
.venv/bin/liaison demo-data
# Every gunicorn process counts its requests for /metrics in this directory (emptied here).
export PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-$PWD/var/metrics}
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
# The worker does the background jobs (large imports and exports, key rotation, recounts)
# and schedules the periodic ones (the daily reminders); its queue is var/queue.sqlite3.
say "Starting the worker (background jobs and the scheduler)"
.venv/bin/liaison worker --workers 2 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
bind=${LIAISON_BIND:-127.0.0.1:8000}
say "Serving Liaison on http://$bind (Ctrl+C stops it)"
.venv/bin/gunicorn liaison.wsgi:application --bind "$bind" --workers "${LIAISON_WORKERS:-2}" \
  --error-logfile -
