#!/usr/bin/env bash
# bench images: the image build's targets, each printed as measured/target (≤ 1 meets it):
#   - a warm rebuild after touching one service's source (catalog): ≤ 30 s;
#   - each image's own layers above the shared base: ≤ 60 MB;
#   - the base image: ≤ 200 MB.
# The touch happens in a copy of catalog's build context under .local/images/bench-context (the
# working tree is never modified); the copy's content is the repository's, so buildah's layer
# cache (keyed by content) applies to it as to `make images`. Ends with one `bench images:` line.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. scripts/containers/env.sh
. scripts/images/lib.sh
export PATH="$(scripts/toolchain.sh):$PATH"

service=catalog
target_rebuild_s=30
target_own_mb=60
target_base_mb=200

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

echo "bench images: building every image (make images)"
scripts/images/build.sh
base="$(scripts/images/base.sh 2>/dev/null)"
build_args "$base"

# 1. Warm rebuild after touching one service.
ctx=.local/images/bench-context
rm -rf "$ctx"
mkdir -p "$ctx"
dockerfile="$(dockerfile_of "$service")"
copied_files "$dockerfile" | xargs -d "\n" cp --parents --preserve=mode,timestamps -t "$ctx" --
cp --parents --preserve=mode,timestamps -t "$ctx" -- "$dockerfile" .dockerignore
bench_image="localhost/shopwatch/$service:bench"
log=.local/images/logs/bench-$service.log

start="$(now)"
buildah bud "${BUILD_ARGS[@]}" -f "$ctx/$dockerfile" -t "$bench_image" "$ctx" > "$log" 2>&1
unchanged_s="$(since "$start")"
layers_before="$(podman image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$bench_image")"

echo "// bench images: touched at $(date -u +%FT%T.%NZ)" >> "$ctx/services/$service/src/server.ts"
start="$(now)"
buildah bud "${BUILD_ARGS[@]}" -f "$ctx/$dockerfile" -t "$bench_image" "$ctx" >> "$log" 2>&1
rebuild_s="$(since "$start")"
layers_after="$(podman image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$bench_image")"
# Layers of the rebuilt image that the previous build did not have: what a node pulls again.
new_layers="$(comm -13 <(sort <<<"$layers_before") <(sort <<<"$layers_after") | grep -c . || true)"
# Their size: history lists layers newest first, and metadata-only steps (ENV, USER) have none.
new_bytes="$(podman history --format json "$bench_image" | node -e '
  const layers = JSON.parse(require("node:fs").readFileSync(0, "utf8")).filter((l) => l.size > 0);
  process.stdout.write(String(layers.slice(0, Number(process.argv[1])).reduce((sum, l) => sum + l.size, 0)));' "$new_layers")"
podman rmi "$bench_image" > /dev/null
rm -rf "$ctx"
echo "warm rebuild of $service after touching its source: ${rebuild_s} s (target ${target_rebuild_s} s, ratio $(ratio "$rebuild_s" "$target_rebuild_s")); new layers: $new_layers, $(mb "$new_bytes") MB; same context untouched: ${unchanged_s} s"

# 2. Own layers of every image above the base, and the base.
base_bytes="$(podman image inspect --format '{{.Size}}' "$base")"
max_own=0
max_image=
while read -r name; do
  image="localhost/shopwatch/$name:${SHOPWATCH_IMAGE_TAG:-dev}"
  own=$(($(podman image inspect --format '{{.Size}}' "$image") - base_bytes))
  printf '  %-40s own layers %7s MB  ratio %s\n' "$image" "$(mb "$own")" "$(ratio "$(mb "$own")" "$target_own_mb")"
  if ((own > max_own)); then max_own=$own; max_image=$name; fi
done < <(all_names)
echo "largest own layers: $max_image $(mb "$max_own") MB (target ${target_own_mb} MB, ratio $(ratio "$(mb "$max_own")" "$target_own_mb"))"
echo "base $base: $(mb "$base_bytes") MB (target ${target_base_mb} MB, ratio $(ratio "$(mb "$base_bytes")" "$target_base_mb"))"

echo "bench images: warm_rebuild_s=$rebuild_s warm_rebuild_ratio=$(ratio "$rebuild_s" "$target_rebuild_s") new_layers=$new_layers new_layers_mb=$(mb "$new_bytes") unchanged_rebuild_s=$unchanged_s max_own_mb=$(mb "$max_own") max_own_image=$max_image own_ratio=$(ratio "$(mb "$max_own")" "$target_own_mb") base_mb=$(mb "$base_bytes") base_ratio=$(ratio "$(mb "$base_bytes")" "$target_base_mb")"
