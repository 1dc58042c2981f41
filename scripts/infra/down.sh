#!/usr/bin/env bash
# make infra-down: stop every local infrastructure program and wait until each has exited.
# Data stays under .local/ for the next `make infra-up`.
set -euo pipefail
exec "$(dirname "$0")/ctl.sh" down
