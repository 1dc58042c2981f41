#!/usr/bin/env bash
# Builds every service image and the operator image with buildah, from the repository root (npm
# workspaces), on the local base image (scripts/images/base.sh), and tags each
# localhost/shopwatch/<name>:dev. Then prints a table (image, size, own layers above the base, the
# app layer, build time) and, when the local node runs, loads the images into its containerd.
#   scripts/images/build.sh             every image
#   scripts/images/build.sh catalog ... only these (service names, or "operator")
# Environment: SHOPWATCH_IMAGE_TAG (default dev), SHOPWATCH_IMAGES_RESULTS (also write the
# table's rows as TSV there: name, image, seconds, status), SHOPWATCH_IMAGES_FORCE=1 (build even
# when the inputs are unchanged; buildah's layer cache still applies), SHOPWATCH_IMAGES_NO_CACHE=1
# (also rebuild every layer: a cold build but for the npm cache and the base).
# An image is skipped when its inputs (its Dockerfile, every path the Dockerfile copies from the
# repository, and the base image) hash to the value in the existing image's label; otherwise
# buildah rebuilds only the layers whose inputs changed. Sequential on purpose: two
# cores are shared with everything else, and buildah's commits are the slow part.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. scripts/containers/env.sh
. scripts/images/lib.sh
export PATH="$(scripts/toolchain.sh):$PATH"

tag="${SHOPWATCH_IMAGE_TAG:-dev}"
label=dev.shopwatch.image.input
logs=.local/images/logs
mkdir -p "$logs"

names=("$@")
((${#names[@]})) || mapfile -t names < <(all_names)
for name in "${names[@]}"; do
  [[ -f "$(dockerfile_of "$name")" ]] || { echo "images: no Dockerfile for '$name' (one of: $(all_names | tr '\n' ' '))" >&2; exit 2; }
done

base="$(scripts/images/base.sh)"
base_id="$(podman image inspect --format '{{.Id}}' "$base")"

build_args "$base"
[[ "${SHOPWATCH_IMAGES_NO_CACHE:-}" == 1 ]] && BUILD_ARGS+=(--no-cache)

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
ready=()
failed=()
for name in "${names[@]}"; do
  image="localhost/shopwatch/$name:$tag"
  dockerfile="$(dockerfile_of "$name")"
  input="$(input_hash "$dockerfile" "$base_id")"
  have="$(podman image inspect --format "{{ index .Labels \"$label\" }}" "$image" 2>/dev/null || true)"
  if [[ "$have" == "$input" && "${SHOPWATCH_IMAGES_FORCE:-}" != 1 && "${SHOPWATCH_IMAGES_NO_CACHE:-}" != 1 ]]; then
    printf '%s\t%s\t%s\t%s\n' "$name" "$image" 0 unchanged >> "$results"
    ready+=("$image")
    continue
  fi
  echo "images: building $image" >&2
  started=$SECONDS
  if buildah bud "${BUILD_ARGS[@]}" \
    --label "$label=$input" \
    -f "$dockerfile" -t "$image" . > "$logs/$name.log" 2>&1; then
    printf '%s\t%s\t%s\t%s\n' "$name" "$image" "$((SECONDS - started))" built >> "$results"
    ready+=("$image")
  else
    printf '%s\t%s\t%s\t%s\n' "$name" "$image" "$((SECONDS - started))" FAILED >> "$results"
    failed+=("$name")
    echo "images: $image failed; last lines of $logs/$name.log:" >&2
    tail -n 25 "$logs/$name.log" >&2
  fi
done

node scripts/images/table.ts "$base" "$results"
[[ -n "${SHOPWATCH_IMAGES_RESULTS:-}" ]] && cp "$results" "$SHOPWATCH_IMAGES_RESULTS"
((${#failed[@]} == 0)) || { echo "images: failed: ${failed[*]}" >&2; exit 1; }

# The local node (scripts/node, started by make cluster-up) runs pods from its containerd's own
# store: copy the images there. Nothing to do when the node is not running.
if ((${#ready[@]})) && [[ -x scripts/node/load-images.sh ]] && (. scripts/cluster/lib.sh && healthy containerd) >/dev/null 2>&1; then
  scripts/node/load-images.sh "${ready[@]}"
fi
