#!/bin/sh
# The distribution's kafka-storage.sh, on the image's jars.
exec /opt/kafka/bin/kafka-run-class.sh kafka.tools.StorageTool "$@"
