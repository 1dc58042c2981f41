#!/usr/bin/env bash
# Fetches what the Debian packages do not provide: the Apache Kafka broker jars, resolved from
# Maven Central by scripts/infra/kafka/pom.xml into ~/.cache/shopwatch/kafka-<version>/libs.
# Idempotent: does nothing when the jars are already there. PostgreSQL, Redis and Prometheus
# come from apt (scripts/setup.sh installs them); this only checks they are present, and
# installs Java and Maven from apt when they are missing and we are root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Maven and a Java runtime are only needed for Kafka; a fresh Debian machine lacks both.
if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  if ((EUID == 0)) && command -v apt-get >/dev/null; then
    log "installing Debian packages: default-jre-headless maven"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends default-jre-headless maven >/dev/null
  fi
fi

missing=()
for cmd in java mvn redis-server redis-cli prometheus; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
ls -d /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
((${#missing[@]} == 0)) || die "missing programs: ${missing[*]} (run scripts/setup.sh)"

java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
((java_major >= 17)) || die "kafka $KAFKA_VERSION needs Java 17 or newer, found $java_major"

if [[ -f "$KAFKA_HOME/.complete" ]]; then
  log "kafka $KAFKA_VERSION jars already in $KAFKA_HOME/libs"
  exit 0
fi

log "fetching kafka $KAFKA_VERSION jars into $KAFKA_HOME/libs"
mkdir -p "$SHOPWATCH_CACHE"
# Resolve into a temporary directory and rename at the end, so an interrupted run never
# leaves a half-filled libs directory that looks complete.
tmp="$(mktemp -d "$SHOPWATCH_CACHE/.kafka.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mvn -B -q -f "$INFRA_SCRIPTS/kafka/pom.xml" \
  -Dstyle.color=never -Dmaven.repo.local="$SHOPWATCH_CACHE/m2" \
  -Dkafka.version="$KAFKA_VERSION" \
  dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$tmp/libs" 2>&1 |
  sed 's/\x1b\[[0-9;]*m//g' # Maven's console library prints colour resets even with -B
ls "$tmp"/libs/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null || die "kafka_2.13-$KAFKA_VERSION.jar was not resolved"
touch "$tmp/.complete"
rm -rf "$KAFKA_HOME"
mv "$tmp" "$KAFKA_HOME"
trap - EXIT
log "kafka $KAFKA_VERSION: $(ls "$KAFKA_HOME/libs" | wc -l) jars, $(du -sh "$KAFKA_HOME/libs" | cut -f1)"
