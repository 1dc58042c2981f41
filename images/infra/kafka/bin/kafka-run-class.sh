#!/bin/bash
# Runs a Kafka class on the image's jars, as the distribution's script of this name does
# (localhost/shopwatch/kafka-test carries the jars, not the distribution's bin/ directory).
set -euo pipefail
# shellcheck disable=SC2206 # a list of flags
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} -XX:TieredStopAtLevel=1 \
  -Dlog4j2.configurationFile=/etc/kafka/docker/log4j2.properties -cp '/opt/kafka/libs/*' "$@"
