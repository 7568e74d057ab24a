#!/usr/bin/env bash
# Sets up everything Liaison needs on this machine, idempotently:
#   scripts/setup.sh          runtime (virtualenv, locked packages, front-end assets, translations)
#   scripts/setup.sh --test   the same plus test tools, Debian's chromium for browser tests and
#                             docker-compose to check the compose file
set -euo pipefail
cd "$(dirname "$0")/.."

with_test=0
[ "${1:-}" = "--test" ] && with_test=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

pick_python() {
  for candidate in "${LIAISON_PYTHON:-}" python3 python3.13 python3.12 python3.11; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

apt_install() {
  # Debian packages are installed only when missing; apt lists are refreshed once.
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

command -v msgfmt >/dev/null 2>&1 || apt_install gettext
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
if ! pick_python >/dev/null; then apt_install python3 python3-venv; fi
PY=$(pick_python) || { echo "Python 3.11 or newer is required" >&2; exit 1; }

lock=requirements/lock.txt
[ $with_test -eq 1 ] && lock=requirements/test-lock.txt
stamp=.venv/.installed-$(sha256sum "$lock" pyproject.toml | sha256sum | cut -c1-16)
if [ ! -x .venv/bin/python ]; then
  say "Creating the virtual environment (.venv) with $($PY --version)"
  "$PY" -m venv .venv
fi
if [ ! -f "$stamp" ]; then
  say "Installing locked Python packages ($lock)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --require-hashes -r "$lock"
  .venv/bin/python -m pip install -q --no-deps -e .
  rm -f .venv/.installed-*
  touch "$stamp"
fi

assets_stamp=node_modules/.liaison-$(sha256sum package-lock.json | cut -c1-16)
if [ ! -f "$assets_stamp" ]; then
  say "Installing front-end packages from the npm registry (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$assets_stamp"
fi
say "Building static assets"
node scripts/build-assets.mjs

say "Compiling translations"
(cd src/liaison && ../../.venv/bin/liaison compilemessages -v 0)

if [ $with_test -eq 1 ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
# The tests check deploy/compose.yaml with `docker compose config` when Docker's plugin is
# there, or with Debian's docker-compose (the release bookworm packages) otherwise.
if [ $with_test -eq 1 ] && ! docker compose version >/dev/null 2>&1 &&
   ! command -v docker-compose >/dev/null 2>&1; then
  apt_install docker-compose || echo "docker-compose unavailable: the compose check is skipped" >&2
fi
mkdir -p var
