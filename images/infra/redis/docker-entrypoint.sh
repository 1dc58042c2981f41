#!/bin/bash
# Entry point of localhost/shopwatch/redis-test: the official redis image's contract (see
# images/infra/README.md) for Debian's redis-server.
#   IMAGE                          redis-server with the defaults
#   IMAGE redis-server --opt v     the same with options (what testcontainers' RedisContainer runs)
#   IMAGE --opt v | IMAGE x.conf   options or a config file alone
#   IMAGE any-other-command        runs it
set -euo pipefail

if [[ "${1:-}" == -* || "${1:-}" == *.conf ]]; then
  set -- redis-server "$@"
fi
if [[ $# -eq 0 ]]; then
  set -- redis-server
fi
if [[ "$1" != redis-server ]]; then
  exec "$@"
fi
shift

# Started as root (the default): own the data directory, then run as redis.
if [[ "$(id -u)" == 0 ]]; then
  chown redis:redis /data 2>/dev/null || true
  exec setpriv --reuid=redis --regid=redis --init-groups "$BASH_SOURCE" redis-server "$@"
fi

# The container defaults first; a config file the caller names is included after them (so its
# settings win), then the command-line options (which win over both), as redis-server reads them.
args=(/etc/redis/container-defaults.conf)
if [[ "${1:-}" == *.conf ]]; then
  args+=(--include "$1")
  shift
fi
umask 0077
exec redis-server "${args[@]}" "$@"
