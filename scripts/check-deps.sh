#!/usr/bin/env bash
# Every make target that needs the npm workspaces depends on this check, never on `npm ci` itself:
# re-installing under a running suite or dev shop pulls node_modules away from live processes.
#   - no install yet (a fresh clone): install now, nothing can be using node_modules;
#   - a package.json or the lock file changed since the last install: say so and stop, so the
#     person runs `make install` when nothing else is running.
set -euo pipefail
cd "$(dirname "$0")/.."
marker=node_modules/.installed
if [[ ! -e "$marker" ]]; then
  echo "deps: first install of the npm workspaces"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$marker"
  exit 0
fi
# Tracked manifests only: node_modules holds thousands of package.json files of its own.
mapfile -t manifests < <(git ls-files 'package.json' '*/package.json' 'package-lock.json' 2>/dev/null || echo package.json)
changed="$(find "${manifests[@]}" -maxdepth 0 -newer "$marker" 2>/dev/null || true)"
if [[ -n "$changed" ]]; then
  echo "deps: dependencies changed since the last install: $(echo "$changed" | paste -sd, -)" >&2
  echo "deps: run 'make install' (stop running services and tests first)" >&2
  exit 1
fi
