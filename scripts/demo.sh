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
# The reminder job runs daily here as cron or a systemd timer runs it in production;
# it is safe to run at any time: a reminder already sent is never sent again.
( while true; do .venv/bin/liaison send-reminders || true; sleep 86400; done ) &
bind=${LIAISON_BIND:-127.0.0.1:8000}
say "Serving Liaison on http://$bind (Ctrl+C stops it)"
exec .venv/bin/gunicorn liaison.wsgi:application --bind "$bind" --workers "${LIAISON_WORKERS:-2}" \
  --access-logfile - --error-logfile -
