#!/usr/bin/env bash
# Run a command against a local PostgreSQL server: installs Debian's PostgreSQL when it is
# missing, starts it on loopback, creates a role that may create (test) databases, and
# runs the command with DATABASE_URL pointing at it.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
  $SUDO pg_createcluster "$version" main >/dev/null
fi
$SUDO pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 30); do
  if $SUDO -u postgres psql -qtAc "SELECT 1" >/dev/null 2>&1 || su postgres -c "psql -qtAc 'SELECT 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done

as_postgres() { if [ -n "$SUDO" ]; then sudo -u postgres "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi; }
as_postgres psql -qtAc "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rjarchive') THEN CREATE ROLE rjarchive LOGIN PASSWORD 'rjarchive' CREATEDB; END IF; END \$\$;"
if ! as_postgres psql -qtAc "SELECT 1 FROM pg_database WHERE datname = 'rjarchive'" | grep -q 1; then
  as_postgres createdb -O rjarchive rjarchive
fi

export DATABASE_URL="postgres://rjarchive:rjarchive@127.0.0.1:5432/rjarchive"
exec "$@"
