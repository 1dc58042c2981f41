#!/usr/bin/env bash
# Controls the local infrastructure programs one by one or all together:
#   scripts/infra/ctl.sh start|stop|restart|status [postgres|redis|kafka|prometheus|jaeger|all]
#   scripts/infra/ctl.sh up     # start everything, wait until healthy, write .local/infra.env
#   scripts/infra/ctl.sh down   # stop everything and wait until each has exited
# `start` leaves an already-healthy program alone and returns once it is healthy; `stop`
# returns once the process has exited. Data stays in .local/<program>/ across restarts.
# `status` exits 3 when a program it was asked about is not healthy; `status all` leaves Jaeger
# out of that verdict (it reports it, but the shop does not need it to work).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------- PostgreSQL
# initdb and the server refuse to run as root; as root we run them as the `postgres` system
# user that the Debian package creates. As any other user they run as that user.
PG_AS_USER=()
((EUID == 0)) && PG_AS_USER=(setpriv --reuid=postgres --regid=postgres --init-groups --)
as_pg_user() { "${PG_AS_USER[@]}" "$@"; }

# The cluster lives in .local/postgres — unless the checkout sits below a directory the postgres
# user cannot enter (a clone in a `mktemp -d` directory is mode 0700, root's home often too).
# Then it lives in /var/lib/shopwatch/postgres-<hash of this checkout's path>, still one per
# checkout and kept across restarts; `.local/postgres-location` names it.
PG_DIR="$LOCAL/postgres"
if ((EUID == 0)) && ! as_pg_user test -x "$ROOT" 2>/dev/null; then
  PG_DIR="/var/lib/shopwatch/postgres-$(printf '%s' "$ROOT" | sha256sum | cut -c1-16)"
  mkdir -p /var/lib/shopwatch "$LOCAL"
  chmod 0755 /var/lib/shopwatch
  echo "$PG_DIR" >"$LOCAL/postgres-location"
fi
PG_DATA="$PG_DIR/data"
PG_SOCKET_DIR="$PG_DIR/run"

health_postgres() {
  "$(postgres_bin)/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT" -d postgres -t 2
}

launch_postgres() {
  local bin major
  bin="$(postgres_bin)"
  major="$(basename "$(dirname "$bin")")"
  if ((EUID == 0)); then
    id postgres >/dev/null 2>&1 || die "postgres: the 'postgres' system user is missing (reinstall the postgresql package)"
  fi
  mkdir -p "$PG_DIR" "$LOGS"
  ((EUID == 0)) && chown postgres:postgres "$PG_DIR"
  as_pg_user test -w "$PG_DIR" ||
    die "postgres: user postgres cannot write $PG_DIR (every parent directory must be searchable by it)"
  if [[ -f "$PG_DATA/PG_VERSION" && "$(<"$PG_DATA/PG_VERSION")" != "$major" ]]; then
    die "postgres: $PG_DATA was created by PostgreSQL $(<"$PG_DATA/PG_VERSION"), installed is $major; remove $PG_DIR to start afresh"
  fi
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "postgres: initdb $PG_DATA (PostgreSQL $major)"
    # Local socket: trust, but the socket directory is private to the server's user.
    # TCP on loopback: passwords (scram-sha-256).
    as_pg_user "$bin/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 --no-instructions >>"$(log_file postgres)" 2>&1 ||
      die "postgres: initdb failed; see $(log_file postgres)"
  fi
  as_pg_user mkdir -p "$PG_SOCKET_DIR"
  chmod 0700 "$PG_SOCKET_DIR"
  # Settings live on the command line, so every start uses exactly what this script says.
  # fsync stays on (the outbox crash tests kill processes mid-write); synchronous_commit=off
  # only risks the last few hundred milliseconds of commits if the machine itself crashes.
  start_detached postgres "${PG_AS_USER[@]}" "$bin/postgres" -D "$PG_DATA" \
    -c port="$POSTGRES_PORT" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$PG_SOCKET_DIR" -c unix_socket_permissions=0700 \
    -c max_connections=300 -c shared_buffers=128MB \
    -c synchronous_commit=off -c timezone=UTC -c log_timezone=UTC \
    -c log_line_prefix='%m [%p] %q%u@%d ' -c logging_collector=off
}

# Creates role and database `shopwatch` (idempotent). Tests create their own databases,
# hence CREATEDB. Also drops test databases (createTestDatabase in @shopwatch/testkit marks
# them with a comment) that are over two hours old and unused: left by crashed test runs.
after_postgres() {
  if [[ ! -S "$PG_SOCKET_DIR/.s.PGSQL.$POSTGRES_PORT" ]]; then
    # Healthy, but not ours (another checkout started it): use it as it is.
    log "postgres on port $POSTGRES_PORT was not started from this checkout; leaving its roles alone"
    return 0
  fi
  "$(postgres_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$POSTGRES_PORT" -U postgres -d postgres <<'SQL' >/dev/null
SELECT 'CREATE ROLE shopwatch' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'shopwatch')
\gexec
ALTER ROLE shopwatch LOGIN CREATEDB PASSWORD 'shopwatch';
SELECT 'CREATE DATABASE shopwatch OWNER shopwatch' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'shopwatch')
\gexec
SELECT format('DROP DATABASE %I WITH (FORCE)', d.datname)
FROM pg_database d
JOIN pg_shdescription c ON c.objoid = d.oid AND c.classoid = 'pg_database'::regclass
WHERE c.description LIKE 'shopwatch test database, created %'
  AND substring(c.description FROM 'created (.*)$')::timestamptz < now() - interval '2 hours'
  AND NOT EXISTS (SELECT FROM pg_stat_activity a WHERE a.datid = d.oid)
\gexec
SQL
}

# SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
stop_signal_postgres() { echo INT; }

# ---------------------------------------------------------------- Redis
health_redis() {
  [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

launch_redis() {
  mkdir -p "$LOCAL/redis"
  sed -e "s|@PORT@|$REDIS_PORT|g" -e "s|@DATA_DIR@|$LOCAL/redis|g" \
    "$INFRA_SCRIPTS/redis/redis.conf.template" >"$LOCAL/redis/redis.conf"
  start_detached redis redis-server "$LOCAL/redis/redis.conf"
}

# ---------------------------------------------------------------- Kafka (KRaft)
KAFKA_CONF="$LOCAL/kafka/server.properties"
KAFKA_DATA="$LOCAL/kafka/data"

health_kafka() {
  "$(node_bin)" "$INFRA_SCRIPTS/kafka/health-probe.mjs" 127.0.0.1 "$KAFKA_PORT"
}

# shellcheck disable=SC2206 # KAFKA_JVM_OPTS is a list of flags
KAFKA_JAVA=(java $KAFKA_JVM_OPTS -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true -Dlog4j2.configurationFile="$INFRA_SCRIPTS/kafka/log4j2.properties"
  -cp "$KAFKA_HOME/libs/*")

launch_kafka() {
  [[ -f "$KAFKA_HOME/.complete" ]] || "$INFRA_SCRIPTS/install.sh"
  mkdir -p "$KAFKA_DATA" "$LOGS"
  sed -e "s|@PORT@|$KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@DATA_DIR@|$KAFKA_DATA|g" \
    "$INFRA_SCRIPTS/kafka/server.properties.template" >"$KAFKA_CONF"
  if [[ ! -f "$KAFKA_DATA/meta.properties" ]]; then
    # A KRaft log directory must be formatted once with a cluster id (16 random bytes,
    # URL-safe base64 without padding, as Kafka's own Uuid prints them).
    local cluster_id
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    log "kafka: formatting $KAFKA_DATA (cluster $cluster_id)"
    "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_CONF" >>"$(log_file kafka)" 2>&1 ||
      die "kafka: formatting storage failed; see $(log_file kafka)"
  fi
  start_detached kafka "${KAFKA_JAVA[@]}" kafka.Kafka "$KAFKA_CONF"
}

# ---------------------------------------------------------------- Prometheus
PROM_DIR="$LOCAL/prometheus"
PROM_CONF="$PROM_DIR/prometheus.yml"
PROM_TARGETS="$PROM_DIR/targets"

health_prometheus() {
  curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"
}

launch_prometheus() {
  mkdir -p "$PROM_DIR/data" "$PROM_TARGETS"
  sed -e "s|@PORT@|$PROMETHEUS_PORT|g" -e "s|@TARGETS_DIR@|$PROM_TARGETS|g" \
    "$INFRA_SCRIPTS/prometheus/prometheus.yml.template" >"$PROM_CONF"
  if command -v promtool >/dev/null; then
    promtool check config --syntax-only "$PROM_CONF" >/dev/null || die "prometheus: invalid $PROM_CONF"
  fi
  start_detached prometheus prometheus --config.file="$PROM_CONF" \
    --storage.tsdb.path="$PROM_DIR/data" --storage.tsdb.retention.time=2d \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --web.enable-lifecycle \
    --enable-feature=exemplar-storage
}

# ---------------------------------------------------------------- Jaeger (traces)
JAEGER_CONF="$LOCAL/jaeger/config.yaml"

# Healthy when both sides answer: the query API lists services, and the OTLP/HTTP receiver takes
# an (empty) export.
health_jaeger() {
  curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$JAEGER_QUERY_PORT/api/services" &&
    curl -fsS -m 2 -o /dev/null -H 'Content-Type: application/json' -d '{}' \
      "http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT/v1/traces"
}

jaeger_built() { [[ -x "$JAEGER_BIN" ]]; }

launch_jaeger() {
  # Asked for by name (`start jaeger`): build it if setup has not (minutes, once).
  jaeger_built || "$INFRA_SCRIPTS/jaeger/install.sh"
  mkdir -p "$LOCAL/jaeger"
  sed -e "s|@QUERY_PORT@|$JAEGER_QUERY_PORT|g" -e "s|@QUERY_GRPC_PORT@|$JAEGER_QUERY_GRPC_PORT|g" \
    -e "s|@OTLP_GRPC_PORT@|$JAEGER_OTLP_GRPC_PORT|g" -e "s|@OTLP_HTTP_PORT@|$JAEGER_OTLP_HTTP_PORT|g" \
    -e "s|@MAX_TRACES@|$JAEGER_MAX_TRACES|g" \
    "$INFRA_SCRIPTS/jaeger/config.yaml.template" >"$JAEGER_CONF"
  start_detached jaeger "$JAEGER_BIN" --config "$JAEGER_CONF"
}

# Ports besides port_of's that must be free before a start.
extra_ports() {
  case "$1" in
    kafka) echo "$KAFKA_CONTROLLER_PORT" ;;
    jaeger) echo "$JAEGER_OTLP_GRPC_PORT $JAEGER_OTLP_HTTP_PORT $JAEGER_QUERY_GRPC_PORT" ;;
  esac
}

# ---------------------------------------------------------------- generic
port_of() {
  case "$1" in
    postgres) echo "$POSTGRES_PORT" ;; redis) echo "$REDIS_PORT" ;;
    kafka) echo "$KAFKA_PORT" ;; prometheus) echo "$PROMETHEUS_PORT" ;;
    jaeger) echo "$JAEGER_QUERY_PORT" ;;
  esac
}

after_program() { if declare -F "after_$1" >/dev/null; then "after_$1"; fi; }

stop_signal() { if declare -F "stop_signal_$1" >/dev/null; then "stop_signal_$1"; else echo TERM; fi; }

# Starts the process unless it is already running or healthy; does not wait.
launch() {
  local program="$1"
  if [[ -n "$(running_pid "$program")" ]] || "health_$program" >/dev/null 2>&1; then
    return 0
  fi
  local port
  for port in $(extra_ports "$program"); do require_free_port "$program" "$port"; done
  require_free_port "$program" "$(port_of "$program")"
  "launch_$program"
}

# Starts (unless healthy) and waits. `launched` says up_all already launched it moments ago.
start_program() {
  local program="$1" launched="${2:-no}" started=$SECONDS
  if [[ "$launched" == no ]] && "health_$program" >/dev/null 2>&1; then
    after_program "$program"
    log "$program already healthy on 127.0.0.1:$(port_of "$program")"
    return 0
  fi
  launch "$program"
  wait_healthy "$program"
  after_program "$program"
  log "$program healthy on 127.0.0.1:$(port_of "$program") (waited $((SECONDS - started))s; log: ${LOGS#"$ROOT/"}/$program.log)"
}

stop_program() {
  local program="$1" pid
  pid="$(running_pid "$program")"
  if [[ -z "$pid" ]]; then
    rm -f "$(pid_file "$program")"
    log "$program not running"
    return 0
  fi
  stop_pid "$program" "$pid" "$(stop_signal "$program")" 60
  log "$program stopped"
}

status_program() {
  local program="$1" pid state
  pid="$(running_pid "$program")"
  if "health_$program" >/dev/null 2>&1; then
    state=healthy
  elif [[ -n "$pid" ]]; then
    state="running, not healthy"
  else
    state=stopped
  fi
  printf '%-11s %-21s pid %-8s 127.0.0.1:%-6s log %s\n' "$program" "$state" "${pid:--}" \
    "$(port_of "$program")" "${LOGS#"$ROOT/"}/$program.log"
  [[ "$state" == healthy ]]
}

write_env() {
  local tmp="$LOCAL/infra.env.tmp"
  cat >"$tmp" <<EOF
# Written by scripts/infra (make infra-up): how to reach the local infrastructure.
DATABASE_URL=postgres://shopwatch:shopwatch@127.0.0.1:$POSTGRES_PORT/shopwatch
KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
REDIS_URL=redis://127.0.0.1:$REDIS_PORT
PROMETHEUS_URL=http://127.0.0.1:$PROMETHEUS_PORT
PROMETHEUS_TARGETS_DIR=$PROM_TARGETS
EOF
  # Jaeger's addresses only when it runs. Deliberately not OTEL_EXPORTER_OTLP_ENDPOINT: every
  # process started with this file (tests, benches) would then trace; `make dev` opts in.
  if health_jaeger >/dev/null 2>&1; then
    cat >>"$tmp" <<EOF
JAEGER_OTLP_URL=http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT
JAEGER_QUERY_URL=http://127.0.0.1:$JAEGER_QUERY_PORT
EOF
  fi
  mv "$tmp" "$LOCAL/infra.env"
}

# Start all at once (Kafka's JVM dominates), then wait for each in turn. Jaeger is skipped, with
# a note, when it has not been built (scripts/setup.sh jaeger): building it takes minutes.
up_all() {
  local program started=$SECONDS programs=()
  local -A was_healthy=()
  for program in "${PROGRAMS[@]}"; do
    if [[ "$program" == jaeger ]] && ! jaeger_built && ! health_jaeger >/dev/null 2>&1; then
      log "jaeger not built, not started (scripts/setup.sh jaeger builds it; traces stay off)"
      continue
    fi
    programs+=("$program")
  done
  for program in "${programs[@]}"; do
    if "health_$program" >/dev/null 2>&1; then was_healthy[$program]=yes; else launch "$program"; fi
  done
  for program in "${programs[@]}"; do
    if [[ -n "${was_healthy[$program]:-}" ]]; then start_program "$program"; else start_program "$program" yes; fi
  done
  mkdir -p "$PROM_TARGETS"
  write_env
  log "all healthy after $((SECONDS - started))s; settings in ${LOCAL#"$ROOT/"}/infra.env"
}

down_all() {
  local program pids=()
  # Stop in parallel, each waiting for its own process to exit.
  for program in "${PROGRAMS[@]}"; do
    stop_program "$program" &
    pids+=($!)
  done
  local failed=0 pid
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return "$failed"
}

usage() {
  echo "usage: $0 start|stop|restart|status [${PROGRAMS[*]}|all]   or   $0 up|down" >&2
  exit 2
}

main() {
  local command="${1:-}" target="${2:-all}" programs program rc=0
  [[ -n "$command" ]] || usage
  if [[ "$target" == all ]]; then
    programs=("${PROGRAMS[@]}")
  else
    is_program "$target" || usage
    programs=("$target")
  fi
  mkdir -p "$RUN" "$LOGS"
  # One change at a time: concurrent `up`s (two test runs, make -j) must not both start a
  # program. Started programs must not inherit this descriptor (see start_detached).
  if [[ "$command" != status ]]; then
    exec 9>"$RUN/infra.lock"
    flock -w 600 9 || die "another scripts/infra command holds $RUN/infra.lock"
  fi
  case "$command" in
    up) up_all ;;
    down) down_all ;;
    start)
      for program in "${programs[@]}"; do start_program "$program"; done
      # Jaeger's addresses join .local/infra.env when it is started on its own after `up`.
      if [[ " ${programs[*]} " == *" jaeger "* && -f "$LOCAL/infra.env" ]]; then write_env; fi
      ;;
    stop) for program in "${programs[@]}"; do stop_program "$program"; done ;;
    restart) for program in "${programs[@]}"; do stop_program "$program"; start_program "$program"; done ;;
    status)
      for program in "${programs[@]}"; do
        if ! status_program "$program" && { [[ "$target" != all ]] || ! is_optional "$program"; }; then rc=3; fi
      done
      ;;
    *) usage ;;
  esac
  return "$rc"
}

main "$@"
