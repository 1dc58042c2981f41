# Sourced by the dev scripts (needs DATABASE_URL from .local/infra.env). Every service with
# migrations gets a database of its own, as in a cluster: no shared outbox or inbox tables, no
# table-name clashes, and each outbox relay publishes only its own service's events.
database_url() { echo "${DATABASE_URL%/*}/shopwatch_$1"; }
ensure_database() {
  local db="shopwatch_$1"
  if [[ -z "$(psql "$DATABASE_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
    psql "$DATABASE_URL" -qc "CREATE DATABASE $db" >/dev/null
  fi
}
