#!/bin/sh
# The distribution's kafka-server-start.sh, on the image's jars.
exec /opt/kafka/bin/kafka-run-class.sh kafka.Kafka "$@"
