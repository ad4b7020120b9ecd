#!/bin/sh
# The official image's start-up, in short: on an empty PGDATA create the cluster with superuser POSTGRES_USER
# (default postgres, password POSTGRES_PASSWORD, required) and the database POSTGRES_DB (default the user), then
# run the server in the foreground so a stop signal reaches it. Any other command runs as given (pg_isready...).
set -eu
if [ "${1:-postgres}" != "postgres" ]; then exec "$@"; fi
[ "$#" -gt 0 ] && shift
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required: set it to the superuser password}"
user="${POSTGRES_USER:-postgres}"
database="${POSTGRES_DB:-$user}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile="$(mktemp)"
  printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --no-instructions
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  if [ "$database" != "postgres" ]; then
    echo "CREATE DATABASE \"$database\"" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "$@"
