# Shared by scripts/infra/*.sh (sourced, not run): versions, ports, paths, and the small
# process helpers every program uses (start detached, health-wait, stop-and-wait).
# Everything listens on 127.0.0.1 only; data lives under .local/<program>/, logs under
# .local/logs/<program>.log and pid files under .local/run/<program>.pid.

INFRA_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$INFRA_SCRIPTS/../.." && pwd)"
# SHOPWATCH_LOCAL puts a second, throwaway copy's state (pid files, lock, configs, logs) elsewhere,
# together with the SHOPWATCH_*_PORT overrides below (test/infra/jaeger.int.test.ts does).
LOCAL="${SHOPWATCH_LOCAL:-$ROOT/.local}"
LOGS="$LOCAL/logs"
RUN="$LOCAL/run"

SHOPWATCH_CACHE="${SHOPWATCH_CACHE:-$HOME/.cache/shopwatch}"
# Kafka 4.x brokers run on Java 17, the JDK Debian 12 ships.
KAFKA_VERSION="${SHOPWATCH_KAFKA_VERSION:-4.3.1}"
KAFKA_HOME="$SHOPWATCH_CACHE/kafka-$KAFKA_VERSION"
# Broker JVM flags, chosen for a small idle footprint and a quick start on two cores: the
# serial collector and the C1 compiler only (plenty for test traffic). Overridable.
KAFKA_JVM_OPTS="${SHOPWATCH_KAFKA_JVM_OPTS:--Xms32m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=64m}"
# Jaeger v2 (the trace store), built from its Go module by scripts/infra/jaeger/install.sh.
JAEGER_VERSION="${SHOPWATCH_JAEGER_VERSION:-v1.75.0}"
JAEGER_DIR="$SHOPWATCH_CACHE/jaeger-$JAEGER_VERSION"
JAEGER_BIN="$JAEGER_DIR/jaeger"

# Fixed ports, overridable only to run a second, throwaway copy next to the usual one.
POSTGRES_PORT="${SHOPWATCH_POSTGRES_PORT:-55432}"
REDIS_PORT="${SHOPWATCH_REDIS_PORT:-56379}"
KAFKA_PORT="${SHOPWATCH_KAFKA_PORT:-59092}"
KAFKA_CONTROLLER_PORT="${SHOPWATCH_KAFKA_CONTROLLER_PORT:-59093}"
PROMETHEUS_PORT="${SHOPWATCH_PROMETHEUS_PORT:-59090}"
# Jaeger: OTLP receivers (gRPC, HTTP) and the query API (HTTP, gRPC).
JAEGER_OTLP_GRPC_PORT="${SHOPWATCH_JAEGER_OTLP_GRPC_PORT:-54317}"
JAEGER_OTLP_HTTP_PORT="${SHOPWATCH_JAEGER_OTLP_HTTP_PORT:-54318}"
JAEGER_QUERY_PORT="${SHOPWATCH_JAEGER_QUERY_PORT:-56686}"
JAEGER_QUERY_GRPC_PORT="${SHOPWATCH_JAEGER_QUERY_GRPC_PORT:-56685}"
# Traces Jaeger keeps in memory before dropping the oldest: a checkout trace is ~130 spans, so
# 2000 of them stay within a few hundred MB; at make dev's load (10 % sampled) about an hour.
JAEGER_MAX_TRACES="${SHOPWATCH_JAEGER_MAX_TRACES:-2000}"

PROGRAMS=(postgres redis kafka prometheus jaeger)
# Programs whose absence `status all` reports without failing: nothing needs them to work
# (traces are an aid, not a dependency), and callers use `status` to ask whether the shop's
# dependencies are up.
OPTIONAL_PROGRAMS=(jaeger)

# Seconds `start` waits for a program to become healthy. Kafka's JVM is the slow one,
# especially on a small machine that is busy with other work.
health_timeout() {
  case "$1" in
    kafka) echo "${SHOPWATCH_INFRA_TIMEOUT:-180}" ;;
    *) echo "${SHOPWATCH_INFRA_TIMEOUT:-60}" ;;
  esac
}

log() { echo "infra: $*"; }
die() { echo "infra: error: $*" >&2; exit 1; }

is_optional() {
  local p
  for p in "${OPTIONAL_PROGRAMS[@]}"; do [[ "$p" == "$1" ]] && return 0; done
  return 1
}

is_program() {
  local p
  for p in "${PROGRAMS[@]}"; do [[ "$p" == "$1" ]] && return 0; done
  return 1
}

pid_file() { echo "$RUN/$1.pid"; }
log_file() { echo "$LOGS/$1.log"; }

# A string that must appear in the program's command line; guards against signalling an
# unrelated process that happens to have reused a stale pid.
cmdline_marker() {
  case "$1" in
    postgres) echo "$PG_DATA" ;;  # set by ctl.sh (.local/postgres/data or its fallback)
    redis) echo ":$REDIS_PORT" ;;
    kafka) echo "$LOCAL/kafka/server.properties" ;;
    prometheus) echo "$LOCAL/prometheus/prometheus.yml" ;;
    jaeger) echo "$LOCAL/jaeger/config.yaml" ;;
  esac
}

# Prints the pid of our running instance of the program, or nothing.
running_pid() {
  local program="$1" file pid
  file="$(pid_file "$program")"
  [[ -f "$file" ]] || return 0
  pid="$(<"$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  [[ -r "/proc/$pid/cmdline" ]] || return 0
  if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$(cmdline_marker "$program")"; then
    echo "$pid"
  fi
}

# Runs "$@" detached from this shell (own session, stdin closed, output appended to the
# program's log) so it outlives the terminal or make recipe that started it.
start_detached() {
  local program="$1"; shift
  mkdir -p "$LOGS" "$RUN"
  echo "---- $(date -u +%FT%TZ) starting $program" >>"$(log_file "$program")"
  # setsid and nohup exec the command, so $! is the program's own pid.
  # fd 9 is ctl.sh's lock; the program must not keep it held.
  setsid nohup "$@" >>"$(log_file "$program")" 2>&1 </dev/null 9>&- &
  echo $! >"$(pid_file "$program")"
}

# The last lines the program wrote since start_detached's most recent "---- ... starting" line.
tail_current_run() {
  local file from
  file="$(log_file "$1")"
  [[ -f "$file" ]] || return 0
  from="$(grep -n '^---- ' "$file" | tail -n 1 | cut -d: -f1)"
  tail -n "+${from:-1}" "$file" | tail -n 15 | cut -c1-400
}

# Waits until `health_<program>` succeeds; fails early if the process dies.
wait_healthy() {
  local program="$1" timeout deadline pid
  timeout="$(health_timeout "$program")"
  deadline=$((SECONDS + timeout))
  until "health_$program" >/dev/null 2>&1; do
    # Right after start_detached the pid may still be the shell on its way to exec'ing the
    # program (its command line lacks the program's marker yet), so while starting, "alive"
    # means the pid exists; the marker check (pid reuse) matters only for long-lived pid files.
    pid="$(cat "$(pid_file "$program")" 2>/dev/null || true)"
    if [[ ! "$pid" =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null; then
      echo "infra: error: $program exited while starting; last lines of $(log_file "$program"):" >&2
      tail_current_run "$program" >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "infra: error: $program not healthy after ${timeout}s (pid $pid); last lines of $(log_file "$program"):" >&2
      tail_current_run "$program" >&2
      "health_$program" 2>&1 | sed 's/^/infra: health check says: /' >&2 || true
      return 1
    fi
    sleep 0.3
  done
}

# Sends SIGTERM (or the given signal), waits for the process to exit, and escalates to
# SIGKILL after the grace period so `down` always returns with nothing left running.
stop_pid() {
  local program="$1" pid="$2" signal="${3:-TERM}" grace="${4:-60}" deadline
  kill "-$signal" "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "infra: $program (pid $pid) still running after ${grace}s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$(pid_file "$program")"
}

# Fails with a clear message if something that is not ours already listens on the port.
require_free_port() {
  local program="$1" port="$2"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "$program: port $port on 127.0.0.1 is taken by another process (see: ss -ltnp 'sport = :$port')"
  fi
}

postgres_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -x "$dir/postgres" ]] || die "postgres: no server binaries under /usr/lib/postgresql/*/bin (run scripts/setup.sh)"
  echo "$dir"
}

# The node used by the Kafka health check: prefer the project's Node 24 when present.
node_bin() {
  local dir
  dir="$(ls -d "$SHOPWATCH_CACHE"/node-24*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [[ -x "$dir/node" ]]; then echo "$dir/node"; else command -v node || die "node not found"; fi
}
