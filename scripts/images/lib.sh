# Sourced by scripts/images/build.sh and bench/images.sh (from the repository root): which images
# exist, which repository files each one's Dockerfile copies, and the hash of those inputs.

# The Dockerfile of an image name (a service, or "operator").
dockerfile_of() { if [[ "$1" == operator ]]; then echo operator/Dockerfile; else echo "services/$1/Dockerfile"; fi; }

# Every image name: each service with a Dockerfile, then the operator.
all_names() {
  local f
  for f in services/*/Dockerfile; do f="${f#services/}"; echo "${f%/Dockerfile}"; done
  echo operator
}

# Every repository path the Dockerfile copies (COPY without --from), as files, minus what
# .dockerignore keeps out anyway (node_modules, build output, tsc's .tsbuild, tests): the hash must
# not change when only a local type-check ran.
copied_files() {
  local dockerfile="$1"
  awk '$1 == "COPY" && $2 !~ /^--from=/ { for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }' "$dockerfile" |
    sort -u | while read -r path; do
      [[ -e "$path" ]] || continue
      find "$path" \( -name node_modules -o -name dist -o -name test -o -name .tsbuild \) -prune -o -type f ! -name '*.test.ts' -print
    done | sort -u
}

# A short hash of everything an image is built from: the base image's ID, the Dockerfile, the
# .dockerignore and every file copied. Equal hashes mean buildah would only hit its cache.
input_hash() {
  local dockerfile="$1" base_id="$2"
  {
    echo "base $base_id"
    sha256sum "$dockerfile" .dockerignore
    copied_files "$dockerfile" | tr '\n' '\0' | xargs -0 -r sha256sum
  } | sha256sum | cut -c1-32
}


# The buildah arguments every image build shares (build.sh and the bench, so both hit one cache):
#   --layers        every step is cached by its inputs;
#   --network host  RUN steps (npm ci) reach the registry as the host does, no CNI network per step;
#   the base image; and the CAs this host trusts, for npm in RUN steps only (never in an image):
#   NODE_EXTRA_CA_CERTS when set, else the system bundle. Where a TLS-inspecting proxy sits between
#   the host and the npm registry, its CA is there, and Node's built-in list alone would refuse it.
build_args() {
  local base="$1" ca="${NODE_EXTRA_CA_CERTS:-}"
  [[ -n "$ca" && -f "$ca" ]] || ca=/etc/ssl/certs/ca-certificates.crt
  BUILD_ARGS=(--layers --network host --build-arg NODE_IMAGE="$base")
  if [[ -f "$ca" ]]; then
    BUILD_ARGS+=(--volume "$ca:/run/shopwatch-build/ca.crt:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/shopwatch-build/ca.crt)
  fi
  return 0
}
