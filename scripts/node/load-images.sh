#!/usr/bin/env bash
# Copies images from podman storage into the local node's containerd (namespace k8s.io), where
# kubelet finds them: no registry involved. An image whose ID containerd already holds under
# that name is skipped.
#   scripts/node/load-images.sh localhost/shopwatch/catalog:dev [more images...]
set -euo pipefail
. "$(dirname "$0")/../cluster/lib.sh"
# shellcheck source=../containers/env.sh
. "$root/scripts/containers/env.sh"
(($#)) || die "usage: scripts/node/load-images.sh IMAGE..."
healthy containerd || die "the node's containerd is not running (make cluster-up)"

for image in "$@"; do
  id="$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null)" \
    || die "no image $image in podman storage (build it first, e.g. make images)"
  # The image ID is the digest of its config blob, the same in podman and in containerd.
  have="$(node_ctr images ls "name==$image" 2>/dev/null | awk 'NR > 1 { print $3 }')"
  if [[ -n "$have" ]] && node_ctr content get "$have" 2>/dev/null | grep -q "sha256:$id"; then
    log "$image: already on the node"
    continue
  fi
  t=$SECONDS
  # docker-archive keeps the name (RepoTags), which `ctr images import` takes over.
  podman save --format docker-archive "$image" 2>/dev/null | node_ctr images import - >/dev/null
  log "$image: loaded into the node (${id:0:12}, $((SECONDS - t)) s)"
done
