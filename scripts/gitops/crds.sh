#!/usr/bin/env bash
# The custom resource definitions the GitOps manifests in k8s/gitops/ are written against, from
# the projects' own Go modules (the Go module proxy), cached under ~/.cache/shopwatch/crds:
#   Argo CD        Application                  github.com/argoproj/argo-cd/v3   manifests/crds/
#   Flux source    GitRepository                github.com/fluxcd/source-controller  config/crd/bases/
#   Flux helm      HelmRelease                  github.com/fluxcd/helm-controller    config/crd/bases/
# Prints the path of each CRD file, one per line (apply them with kubectl apply --server-side:
# Argo CD's Application CRD is too large for client-side apply's annotation).
# Versions: Argo CD v3.5 and Flux 2.7's controllers, the newest whose modules this Go toolchain
# (1.26) extracts; the APIs used (argoproj.io/v1alpha1, source.toolkit.fluxcd.io/v1,
# helm.toolkit.fluxcd.io/v2) are the current ones.
set -euo pipefail
ARGOCD_VERSION="${SHOPWATCH_ARGOCD_VERSION:-v3.5.8}"
FLUX_SOURCE_VERSION="${SHOPWATCH_FLUX_SOURCE_VERSION:-v1.7.3}"
FLUX_HELM_VERSION="${SHOPWATCH_FLUX_HELM_VERSION:-v1.4.0}"
cache="${SHOPWATCH_CACHE:-$HOME/.cache/shopwatch}/crds"
die() { echo "crds: error: $*" >&2; exit 1; }

# fetch MODULE VERSION FILE...: copies FILE (paths inside the module) into the cache once, prints
# the cached paths.
fetch() {
  local module="$1" version="$2" dir name file src
  shift 2
  name="${module##*/}"
  [[ "$name" =~ ^v[0-9]+$ ]] && name="$(basename "$(dirname "$module")")"
  dir="$cache/$name-$version"
  for file in "$@"; do
    if [[ ! -s "$dir/${file##*/}" ]]; then
      if [[ -z "${src:-}" ]]; then
        command -v go >/dev/null || die "go is not installed (scripts/setup.sh installs it)"
        src="$(go mod download -json "$module@$version" | sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p')"
        [[ -d "$src" ]] || die "could not download $module@$version from the Go module proxy"
      fi
      [[ -f "$src/$file" ]] || die "$module@$version has no $file"
      mkdir -p "$dir"
      cp "$src/$file" "$dir/${file##*/}.tmp"
      chmod u+w "$dir/${file##*/}.tmp"
      mv "$dir/${file##*/}.tmp" "$dir/${file##*/}"
    fi
    echo "$dir/${file##*/}"
  done
}

fetch github.com/argoproj/argo-cd/v3 "$ARGOCD_VERSION" manifests/crds/application-crd.yaml
fetch github.com/fluxcd/source-controller "$FLUX_SOURCE_VERSION" config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml
fetch github.com/fluxcd/helm-controller "$FLUX_HELM_VERSION" config/crd/bases/helm.toolkit.fluxcd.io_helmreleases.yaml
