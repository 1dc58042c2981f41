#!/usr/bin/env bash
# Builds the images the testkit's containers mode runs in CI (no registry is reachable here):
#   localhost/shopwatch/postgres-test:15, localhost/shopwatch/redis-test:7.0,
#   localhost/shopwatch/kafka-test:<the Kafka version scripts/infra uses>
#   scripts/containers/test-infra-images.sh [postgres|redis|kafka ...]   (default: all three)
#   scripts/containers/test-infra-images.sh env    print the testkit's image settings (eval-able)
#
# Each image is two steps, each skipped when its inputs are unchanged:
#   1. a Debian root filesystem made with mmdebstrap from Debian's packages, imported into
#      podman's storage as localhost/shopwatch/<name>-test-rootfs:<hash of packages + hooks>;
#   2. images/infra/<name>/Dockerfile built on it with buildah, labelled with the hash of every
#      input (rootfs, Dockerfile directory, this script, for Kafka the jars' names and sizes).
# The images honour the official images' contracts: images/infra/README.md.
set -euo pipefail
# Failures inside $(...) (ensure_rootfs runs in one) must stop the build too.
shopt -s inherit_errexit
SCRIPTS="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$SCRIPTS/../.." && pwd)"
# shellcheck source=env.sh
. "$SCRIPTS/env.sh"
# KAFKA_VERSION and KAFKA_HOME (the jars scripts/infra/install.sh fetches), SHOPWATCH_CACHE.
# shellcheck source=../infra/lib.sh
. "$ROOT/scripts/infra/lib.sh"

INPUT_LABEL=dev.shopwatch.inputs
STAGING="$ROOT/.local/containers/infra-build"

log() { echo "test-infra-images: $*"; }
die() { echo "test-infra-images: error: $*" >&2; exit 1; }

image_name() {
  case "$1" in
    postgres) echo localhost/shopwatch/postgres-test:15 ;;
    redis) echo localhost/shopwatch/redis-test:7.0 ;;
    kafka) echo "localhost/shopwatch/kafka-test:$KAFKA_VERSION" ;;
  esac
}

# Debian packages of each root filesystem (minbase: coreutils, bash, dash, grep, mawk, ... —
# testcontainers' port checks run /bin/sh, awk and grep inside the container).
packages() {
  case "$1" in
    postgres) echo postgresql-15 ;;
    redis) echo redis-server ;;
    kafka) echo openjdk-17-jre-headless ;;
  esac
}

# mmdebstrap --customize-hook commands ($1 is the root directory): trim what a test server never
# uses. postgres: the cluster Debian's postinst creates (ours is made at first start in $PGDATA)
# and the LLVM JIT (130 MB; PostgreSQL runs without JIT when llvmjit.so is absent).
customize_hooks() {
  case "$1" in
    postgres)
      echo 'rm -rf "$1"/etc/postgresql/15 "$1"/var/lib/postgresql/15 "$1"/usr/lib/postgresql/15/lib/llvmjit*'
      echo 'chroot "$1" dpkg --purge --force-depends libllvm14 libz3-4'
      ;;
    redis) echo 'rm -f "$1"/etc/redis/redis.conf' ;;
    kafka) echo 'true' ;;
  esac
}

# The host's own apt sources (whatever mirror this machine is configured with), for mmdebstrap.
apt_sources() {
  local file
  if [[ -s /etc/apt/sources.list ]] && grep -q '^deb ' /etc/apt/sources.list; then echo /etc/apt/sources.list; fi
  for file in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$file" ]] && echo "$file"
  done
}

suite() { . /etc/os-release && echo "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}"; }

hash_of() { sha256sum | cut -c1-16; }

rootfs_hash() {
  local name="$1"
  { suite; packages "$name"; customize_hooks "$name"; echo rootfs-v2; } | hash_of
}

image_label() {
  podman image inspect --format "{{index .Labels \"$INPUT_LABEL\"}}" "$1" 2>/dev/null || true
}

# Step 1: the root filesystem image, made once per package set.
ensure_rootfs() {
  local name="$1" hash rootfs started hooks=() sources=() hook
  hash="$(rootfs_hash "$name")"
  rootfs="localhost/shopwatch/$name-test-rootfs:$hash"
  if podman image exists "$rootfs"; then
    echo "$rootfs"
    return 0
  fi
  mapfile -t sources < <(apt_sources)
  ((${#sources[@]})) || die "no apt sources under /etc/apt for mmdebstrap"
  while IFS= read -r hook; do hooks+=("--customize-hook=$hook"); done < <(customize_hooks "$name")
  started=$SECONDS
  log "$name: making the root filesystem with mmdebstrap ($(packages "$name"))" >&2
  mkdir -p "$STAGING"
  # Documentation, manual pages and translations are never read in a test container.
  # (update-alternatives in OpenJDK's postinst still needs the man1 directory to exist.)
  mmdebstrap --quiet --variant=minbase --include="$(packages "$name")" \
    --essential-hook='mkdir -p "$1"/usr/share/man/man1' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    "${hooks[@]}" "$(suite)" "$STAGING/$name-rootfs.tar" "${sources[@]}" </dev/null >&2
  podman import --quiet "$STAGING/$name-rootfs.tar" "$rootfs" >/dev/null
  rm -f "$STAGING/$name-rootfs.tar"
  # Root filesystems of earlier package sets are never used again.
  local old
  for old in $(podman images --format '{{.Repository}}:{{.Tag}}' "localhost/shopwatch/$name-test-rootfs"); do
    [[ "$old" == "$rootfs" ]] || podman rmi --force "$old" >/dev/null 2>&1 || true
  done
  log "$name: root filesystem $rootfs in $((SECONDS - started))s" >&2
  echo "$rootfs"
}

# The build context: the image's directory, plus the Kafka jars for kafka (they live in the
# cache, outside the repository).
prepare_context() {
  local name="$1" context="$STAGING/$name-context"
  rm -rf "$context"
  mkdir -p "$context"
  cp -a "$ROOT/images/infra/$name/." "$context/"
  if [[ "$name" == kafka ]]; then
    [[ -f "$KAFKA_HOME/.complete" ]] || "$ROOT/scripts/infra/install.sh" >&2
    cp -a "$KAFKA_HOME/libs" "$context/libs"
  fi
  echo "$context"
}

inputs_hash() {
  local name="$1" rootfs="$2"
  {
    echo "$rootfs"
    cat "$0"
    (cd "$ROOT/images/infra/$name" && find . -type f | LC_ALL=C sort | xargs sha256sum)
    if [[ "$name" == kafka ]]; then echo "$KAFKA_VERSION"; fi
  } | hash_of
}

build() {
  local name="$1" image rootfs hash context started previous
  image="$(image_name "$name")"
  [[ -n "$image" ]] || die "unknown image '$name' (postgres, redis, kafka)"
  started=$SECONDS
  rootfs="$(ensure_rootfs "$name")"
  hash="$(inputs_hash "$name" "$rootfs")"
  if [[ "$(image_label "$image")" == "$hash" ]]; then
    log "$image up to date"
    return 0
  fi
  context="$(prepare_context "$name")"
  previous="$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
  log "$name: building $image"
  buildah bud --quiet --layers=false --build-arg "BASE_IMAGE=$rootfs" --build-arg "KAFKA_VERSION=$KAFKA_VERSION" \
    --label "$INPUT_LABEL=$hash" -t "$image" "$context" >/dev/null
  rm -rf "$context"
  # The image the tag pointed at before is now nameless; remove it unless a container uses it.
  if [[ -n "$previous" && "$previous" != "$(podman image inspect --format '{{.Id}}' "$image")" ]]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
  log "$image built in $((SECONDS - started))s ($(podman image inspect --format '{{.Size}}' "$image" | numfmt --to=iec-i --suffix=B))"
}

if [[ "${1:-}" == env ]]; then
  echo "export SHOPWATCH_POSTGRES_IMAGE=$(image_name postgres)"
  echo "export SHOPWATCH_REDIS_IMAGE=$(image_name redis)"
  echo "export SHOPWATCH_KAFKA_IMAGE=$(image_name kafka)"
  exit 0
fi

names=("$@")
((${#names[@]})) || names=(postgres redis kafka)
total=$SECONDS
for name in "${names[@]}"; do build "$name"; done
log "done in $((SECONDS - total))s"
