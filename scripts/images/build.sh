#!/usr/bin/env bash
# Builds every service image and the operator image with buildah, from the repository root (npm
# workspaces), on the local base image (scripts/images/base.sh), and tags each
# localhost/shopwatch/<name>:dev. Then prints a table (image, size, own layers above the base, the
# app layer, build time) and, when the local node runs, loads the images into its containerd.
#   scripts/images/build.sh             every image
#   scripts/images/build.sh catalog ... only these (service names, or "operator")
# Environment: SHOPWATCH_IMAGE_TAG (default dev), SHOPWATCH_IMAGES_RESULTS (also write the
# table's rows as TSV there: name, image, seconds, status), SHOPWATCH_IMAGES_FORCE=1 (build even
# when the inputs are unchanged; buildah's layer cache still applies).
# An image is skipped when its inputs (its Dockerfile, every path the Dockerfile copies from the
# repository, and the base image) hash to the value in the existing image's label; otherwise
# buildah rebuilds only the layers whose inputs changed (--layers). Sequential on purpose: two
# cores are shared with everything else, and buildah's commits are the slow part.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. scripts/containers/env.sh
export PATH="$(scripts/toolchain.sh):$PATH"

tag="${SHOPWATCH_IMAGE_TAG:-dev}"
label=dev.shopwatch.image.input
logs=.local/images/logs
mkdir -p "$logs"

dockerfile_of() { if [[ "$1" == operator ]]; then echo operator/Dockerfile; else echo "services/$1/Dockerfile"; fi; }

all_names() {
  local f
  for f in services/*/Dockerfile; do f="${f#services/}"; echo "${f%/Dockerfile}"; done
  echo operator
}

# Every repository path the Dockerfile copies (COPY without --from), as files, minus what
# .dockerignore keeps out anyway (node_modules, build output, tests).
copied_files() {
  local dockerfile="$1"
  awk '$1 == "COPY" && $2 !~ /^--from=/ { for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }' "$dockerfile" |
    sort -u | while read -r path; do
      [[ -e "$path" ]] || continue
      find "$path" \( -name node_modules -o -name dist -o -name test \) -prune -o -type f ! -name '*.test.ts' -print
    done | sort -u
}

input_hash() {
  local dockerfile="$1" base_id="$2"
  {
    echo "base $base_id"
    sha256sum "$dockerfile" .dockerignore
    copied_files "$dockerfile" | tr '\n' '\0' | xargs -0 -r sha256sum
  } | sha256sum | cut -c1-32
}

names=("$@")
((${#names[@]})) || mapfile -t names < <(all_names)
for name in "${names[@]}"; do
  [[ -f "$(dockerfile_of "$name")" ]] || { echo "images: no Dockerfile for '$name' (one of: $(all_names | tr '\n' ' '))" >&2; exit 2; }
done

base="$(scripts/images/base.sh)"
base_id="$(podman image inspect --format '{{.Id}}' "$base")"

# npm inside the build reaches the registry through the same TLS-inspecting proxy as npm on this
# host, if there is one: its CA bundle is mounted for RUN steps only (never in an image).
ca_args=()
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -f "${NODE_EXTRA_CA_CERTS}" ]]; then
  ca_args=(--volume "$NODE_EXTRA_CA_CERTS:/run/shopwatch-build/ca.crt:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/shopwatch-build/ca.crt)
fi

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
built=()
failed=()
for name in "${names[@]}"; do
  image="localhost/shopwatch/$name:$tag"
  dockerfile="$(dockerfile_of "$name")"
  input="$(input_hash "$dockerfile" "$base_id")"
  have="$(podman image inspect --format "{{ index .Labels \"$label\" }}" "$image" 2>/dev/null || true)"
  if [[ "$have" == "$input" && "${SHOPWATCH_IMAGES_FORCE:-}" != 1 ]]; then
    printf '%s\t%s\t%s\t%s\n' "$name" "$image" 0 unchanged >> "$results"
    built+=("$image")
    continue
  fi
  echo "images: building $image" >&2
  started=$SECONDS
  # --network host: RUN steps (npm ci) reach the registry as the host does, without a CNI
  # network per step. --layers: every step is cached by its inputs.
  if buildah bud --layers --network host "${ca_args[@]}" \
    --build-arg NODE_IMAGE="$base" --label "$label=$input" \
    -f "$dockerfile" -t "$image" . > "$logs/$name.log" 2>&1; then
    printf '%s\t%s\t%s\t%s\n' "$name" "$image" "$((SECONDS - started))" built >> "$results"
    built+=("$image")
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
if ((${#built[@]})) && [[ -x scripts/node/load-images.sh ]] && (. scripts/cluster/lib.sh && healthy containerd) >/dev/null 2>&1; then
  scripts/node/load-images.sh "${built[@]}"
fi
