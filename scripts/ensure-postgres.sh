#!/usr/bin/env bash
# Prints a DATABASE_URL for a PostgreSQL server the test suite may use:
# the one on 127.0.0.1:5432 (trust auth) when it answers, otherwise a throwaway cluster
# of our own under var/pgtest, installing Debian's postgresql first if needed.
set -euo pipefail
cd "$(dirname "$0")/.."

host=${LIAISON_TEST_PGHOST:-127.0.0.1}
port=${LIAISON_TEST_PGPORT:-5432}
user=${LIAISON_TEST_PGUSER:-postgres}

if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$host" -p "$port"; then
  echo "postgres://$user@$host:$port/liaison"
  exit 0
fi

echo "No PostgreSQL answers on $host:$port; starting a throwaway cluster." >&2
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

own_port=${LIAISON_OWN_PGPORT:-54329}
data=$PWD/var/pgtest
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root; the cluster belongs to the postgres system user.
  id postgres >/dev/null 2>&1 || useradd --system --home "$data" postgres
  run_as=(runuser -u postgres --)
fi
mkdir -p var
if [ ! -f "$data/PG_VERSION" ]; then
  rm -rf "$data"; mkdir -p "$data"
  [ ${#run_as[@]} -eq 0 ] || chown postgres "$data"
  "${run_as[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
fi
if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$own_port"; then
  [ ${#run_as[@]} -eq 0 ] || chown -R postgres "$data"
  "${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $own_port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >&2
fi
echo "postgres://postgres@127.0.0.1:$own_port/liaison"
