#!/usr/bin/env bash
# Makes sure the programs the tests drive are present: Debian's Chromium for the browser
# tests, Java for the Nu Html Checker, the PostgreSQL server for the database tests, Redis,
# and nginx with openssl for the test of the production front (deploy/).
# As root it installs what is missing with apt; otherwise it names what is missing and
# fails, so no test is ever silently skipped.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
# The database tests start a throwaway PostgreSQL cluster of their own.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1 \
  || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# nginx is installed but never started or enabled here (Debian starts it on install only
# where services may start); the front test runs its own, on loopback ports.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${QB_WITH_BENCH_TOOLS:-0}" = 1 ]; then
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} with apt-get"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
else
  echo "missing: ${missing[*]}. Install them first, e.g. sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
