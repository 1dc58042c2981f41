#!/usr/bin/env bash
# skaffold's custom builder for the `local` profile of skaffold.yaml: builds one artifact with
# buildah, the way scripts/images/build.sh builds every image (same base, same build arguments, so
# both share buildah's layer cache).
#   scripts/images/skaffold-buildah.sh services/<name>/Dockerfile    (or operator/Dockerfile)
# The contract skaffold keeps with a custom build script (its environment):
#   IMAGE          the image to build and tag, e.g. localhost/shopwatch/psp:<tag>;
#   BUILD_CONTEXT  absolute path of the artifact's context (the repository root here);
#   PUSH_IMAGE     true: push $IMAGE to its registry; false: leave it where the local daemon sees it;
#   PLATFORMS      optional; one platform is passed to buildah, several are refused (no
#                  multi-arch manifests here).
# With PUSH_IMAGE=false the image also goes into the local node's containerd (when it runs), under
# $IMAGE and under <repository>:<image id>: after this script skaffold asks the Docker API (podman's
# here) for the image's ID and deploys that second name, the immutable tag it makes for images that
# are not pushed. Without the node the image stays in podman's storage only.
set -euo pipefail
die() { echo "skaffold-buildah: error: $*" >&2; exit 1; }

dockerfile="${1:-}"
[[ -n "$dockerfile" ]] || die "usage: $0 DOCKERFILE (relative to \$BUILD_CONTEXT)"
[[ -n "${IMAGE:-}" ]] || die "IMAGE is not set (skaffold sets it; run through skaffold or set it yourself)"
[[ -n "${BUILD_CONTEXT:-}" && -d "$BUILD_CONTEXT" ]] || die "BUILD_CONTEXT is not a directory: '${BUILD_CONTEXT:-}'"
# The node's containerd would read an unqualified shopwatch/x as docker.io/shopwatch/x, and
# podman stores it as localhost/shopwatch/x: only names with a registry mean the same to both.
first="${IMAGE%%/*}"
[[ "$IMAGE" == */* && ( "$first" == localhost || "$first" == *.* || "$first" == *:* ) ]] \
  || die "IMAGE must name its registry (e.g. localhost/shopwatch/psp:tag), not '$IMAGE'"
case "${PUSH_IMAGE:-false}" in true | false) ;; *) die "PUSH_IMAGE must be true or false, not '$PUSH_IMAGE'" ;; esac

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$BUILD_CONTEXT"
[[ -f "$dockerfile" ]] || die "no $dockerfile in $BUILD_CONTEXT"
. "$root/scripts/containers/env.sh"
. "$root/scripts/images/lib.sh"
export PATH="$("$root/scripts/toolchain.sh"):$PATH"

platform=()
if [[ -n "${PLATFORMS:-}" ]]; then
  [[ "$PLATFORMS" != *,* ]] || die "several platforms ($PLATFORMS): multi-arch builds are not supported by this builder"
  platform=(--platform "$PLATFORMS")
fi

base="$("$root/scripts/images/base.sh")"
build_args "$base"
started=$SECONDS
buildah bud "${BUILD_ARGS[@]}" "${platform[@]}" -f "$dockerfile" -t "$IMAGE" . >&2
echo "skaffold-buildah: built $IMAGE in $((SECONDS - started)) s" >&2

if [[ "$PUSH_IMAGE" == true ]]; then
  buildah push "$IMAGE" "docker://$IMAGE" >&2
  exit 0
fi

# The node runs only what its containerd holds (pull policy Never in values-local.yaml).
if (. "$root/scripts/cluster/lib.sh" && healthy containerd) >/dev/null 2>&1; then
  id="$(podman image inspect --format '{{.Id}}' "$IMAGE")"
  repository="${IMAGE%@*}"
  # Strip a tag, but not a registry port (localhost:5000/x has a colon before the last slash).
  [[ "${repository##*/}" == *:* ]] && repository="${repository%:*}"
  by_id="$repository:$id"
  podman tag "$IMAGE" "$by_id"
  "$root/scripts/node/load-images.sh" "$IMAGE" "$by_id" >&2
fi
