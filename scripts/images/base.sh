#!/usr/bin/env bash
# Builds the local Node base image, localhost/shopwatch/node:<node version>, without any registry:
# a Debian bookworm root filesystem extracted from Debian's packages (mmdebstrap) plus the Node 24
# binary the toolchain already fetched from the npm registry, and npm (for the images' build stages).
# Prints the image name on stdout (progress goes to stderr).
#
# What is in it, and why:
#   libc6, libstdc++6, libgcc-s1   what the official Node binary links against;
#   tzdata                         time zones for Intl/Date (Node's ICU reads the system zone files);
#   ca-certificates                the system CA bundle (for NODE_USE_SYSTEM_CA / --use-openssl-ca);
#                                  "extract" runs no maintainer scripts, so the bundle that
#                                  update-ca-certificates would write is assembled here;
#   /etc/passwd, /etc/group        root and the unprivileged "app" user, uid/gid 10001, that every
#                                  service image runs as;
#   no shell, no package manager   nothing a compromised process could use; the Dockerfiles use
#                                  exec-form RUN (node and npm only).
# The build is skipped when its inputs (this script, the Node binary, the npm version, the Debian
# sources) hash to the value in the existing image's label.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
. scripts/containers/env.sh

node_bin="$(scripts/toolchain.sh)/node"
node_version="$("$node_bin" -p process.versions.node)"
npm_version="${SHOPWATCH_NPM_VERSION:-11.21.3}"
image="localhost/shopwatch/node:$node_version"
cache="${SHOPWATCH_CACHE:-$HOME/.cache/shopwatch}"
# The host's Debian sources (same mirror, updates and security) when it has them; mmdebstrap's
# defaults otherwise.
sources=()
[[ -f /etc/apt/sources.list.d/debian.sources ]] && sources=(/etc/apt/sources.list.d/debian.sources)
packages=libc6,libstdc++6,libgcc-s1,tzdata,ca-certificates
app_uid=10001

input="$( {
  cat "$0"
  sha256sum "$node_bin" | cut -d' ' -f1
  echo "npm $npm_version packages $packages"
  ((${#sources[@]})) && cat "${sources[@]}"
} | sha256sum | cut -c1-32)"
label=dev.shopwatch.base.input

if [[ "$(podman image inspect --format "{{ index .Labels \"$label\" }}" "$image" 2>/dev/null || true)" == "$input" ]]; then
  echo "base: $image is up to date (inputs $input)" >&2
  echo "$image"
  exit 0
fi

started=$SECONDS
work="$(mktemp -d "${TMPDIR:-/tmp}/shopwatch-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

echo "base: extracting Debian bookworm ($packages)" >&2
# Documentation, manuals and translations are dropped as dpkg unpacks (nothing reads them here).
mmdebstrap --quiet --variant=extract --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
  --dpkgopt='path-exclude=/usr/share/bash-completion/*' \
  bookworm "$rootfs" "${sources[@]}" >&2

# The runtime bind-mounts these; the build host's copies must not leak into the image.
rm -f "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname"
rm -rf "$rootfs/var/cache/apt" "$rootfs/var/lib/apt/lists" "$rootfs/var/log"/*

# The CA bundle update-ca-certificates would generate: every Mozilla certificate, in name order.
mkdir -p "$rootfs/etc/ssl/certs"
find "$rootfs/usr/share/ca-certificates/mozilla" -name '*.crt' -print0 | sort -z | xargs -0 cat \
  > "$rootfs/etc/ssl/certs/ca-certificates.crt"
grep -q 'BEGIN CERTIFICATE' "$rootfs/etc/ssl/certs/ca-certificates.crt" || { echo "base: empty CA bundle" >&2; exit 1; }

cat > "$rootfs/etc/passwd" <<EOF
root:x:0:0:root:/root:/usr/sbin/nologin
app:x:$app_uid:$app_uid:shopwatch service:/home/app:/usr/sbin/nologin
EOF
cat > "$rootfs/etc/group" <<EOF
root:x:0:
app:x:$app_uid:
EOF
# Files before DNS, so /etc/hosts (which the runtime writes) answers localhost.
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
mkdir -p "$rootfs/root" "$rootfs/home/app" "$rootfs/tmp"
chown "$app_uid:$app_uid" "$rootfs/home/app"
chmod 1777 "$rootfs/tmp"

echo "base: adding node $node_version and npm $npm_version" >&2
install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
npm_tgz="$cache/npm-$npm_version.tgz"
if [[ ! -f "$npm_tgz" ]]; then
  mkdir -p "$cache"
  (cd "$work" && PATH="$(dirname "$node_bin"):$PATH" npm pack --silent "npm@$npm_version" >/dev/null)
  mv "$work/npm-$npm_version.tgz" "$npm_tgz"
fi
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$npm_tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner
# The official image's layout, so `npm` resolves the same way where a shell exists.
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

tar -C "$rootfs" --numeric-owner -cf "$work/rootfs.tar" .
ctr="$(buildah from --quiet scratch)"
trap 'buildah rm "$ctr" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
buildah add --quiet "$ctr" "$work/rootfs.tar" / >/dev/null
buildah config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$node_version" \
  --cmd '["node"]' \
  --label "$label=$input" \
  --label org.opencontainers.image.title="Shopwatch Node $node_version base" \
  --label org.opencontainers.image.description="Debian bookworm (libc, libstdc++, tzdata, CA certificates) + Node $node_version + npm $npm_version; no shell" \
  --label org.opencontainers.image.version="$node_version" \
  "$ctr"
buildah commit --quiet --rm "$ctr" "$image" >/dev/null
echo "base: built $image in $((SECONDS - started)) s ($(podman image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}'))" >&2
echo "$image"
