#!/usr/bin/env bash
# Prints a redis:// URL for a Redis server the tests of several nodes may use: the one on
# 127.0.0.1:6379 when it answers, otherwise a throwaway server of our own on another port
# (Debian's redis-server, installed first if needed), keeping nothing on disk.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${LIAISON_TEST_REDIS_PORT:-6379}
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null; }

if answers "$port"; then
  echo "redis://127.0.0.1:$port/0"
  exit 0
fi
echo "No Redis answers on 127.0.0.1:$port; starting a throwaway server." >&2
if ! command -v redis-server >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >&2
fi
own_port=${LIAISON_OWN_REDIS_PORT:-63799}
if ! answers "$own_port"; then
  mkdir -p var
  redis-server --port "$own_port" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --logfile "$PWD/var/redis-test.log" --pidfile "$PWD/var/redis-test.pid" >&2
  for _ in $(seq 50); do answers "$own_port" && break; sleep 0.1; done
fi
echo "redis://127.0.0.1:$own_port/0"
