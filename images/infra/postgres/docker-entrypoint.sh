#!/bin/bash
# Entry point of localhost/shopwatch/postgres-test: the contract of the official postgres image
# (see images/infra/README.md), written for Debian's postgresql-15 package.
#   - POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER
#     (default postgres), POSTGRES_DB (default: the user), POSTGRES_INITDB_ARGS,
#     POSTGRES_HOST_AUTH_METHOD (default scram-sha-256);
#   - data in $PGDATA (/var/lib/postgresql/data), initialised on the first start only, running
#     /docker-entrypoint-initdb.d/*.sh and *.sql once;
#   - `docker run IMAGE -c name=value` passes server options; any other command runs as given.
set -Eeuo pipefail

# Started as root (the default): own the data directory, then continue as postgres.
if [[ "$(id -u)" == 0 && ("${1:-postgres}" == postgres || "${1:-}" == -*) ]]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi

if [[ $# -eq 0 || "$1" == -* ]]; then
  set -- postgres "$@"
fi
if [[ "$1" != postgres ]]; then
  exec "$@"
fi

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"

initialise() {
  if [[ -z "${POSTGRES_PASSWORD:-}" && "$POSTGRES_HOST_AUTH_METHOD" != trust ]]; then
    echo 'error: database is uninitialized and POSTGRES_PASSWORD is not set (set it, or POSTGRES_HOST_AUTH_METHOD=trust)' >&2
    exit 1
  fi
  local pwfile
  pwfile="$(mktemp)"
  printf '%s' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of flags, as in the official image
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD" ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA"
  rm -f "$pwfile"
  {
    echo "listen_addresses = '*'"
    echo "unix_socket_directories = '/var/run/postgresql'"
  } >>"$PGDATA/postgresql.conf"
  printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"

  # A server on the Unix socket only, so nothing can connect over TCP before the set-up is done.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  local psql=(psql -X -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --dbname postgres)
  if [[ "$POSTGRES_DB" != postgres ]]; then
    "${psql[@]}" --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  local file
  shopt -s nullglob
  for file in /docker-entrypoint-initdb.d/*; do
    case "$file" in
      *.sh) echo "running $file"; . "$file" ;;
      *.sql) echo "running $file"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$file" ;;
      *.sql.gz) echo "running $file"; gunzip -c "$file" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
      *) echo "ignoring $file" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo 'PostgreSQL init process complete; ready for start up.'
}

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  initialise
fi
exec "$@"
