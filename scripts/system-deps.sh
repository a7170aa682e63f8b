#!/usr/bin/env bash
# Installs the system tools the tests run for real, when any is missing: nginx (the image's front
# end and the rehearsal's load balancer), shellcheck (startup scripts, workflow steps), cloud-init
# (the Azure cloud-config schema), Graphviz (the diagrams' SVG layout), curl (the drills' independent
# downtime witness), and buildah, podman and mmdebstrap (the image tier). Needs root or sudo.
set -euo pipefail

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
# The rehearsal's Azure mode forwards TCP with nginx's stream module, a separate Debian package.
[ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || missing+=(libnginx-mod-stream)
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v cloud-init >/dev/null 2>&1 || missing+=(cloud-init)
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# The image tier builds app/Dockerfile with buildah on a stand-in base assembled by mmdebstrap,
# and mounts the built image with podman (tests/image).
command -v buildah >/dev/null 2>&1 || missing+=(buildah)
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  # macOS and other systems without apt: say what to install, with Homebrew's names, and stop.
  # cloud-init has no Homebrew formula: it installs from its source with pip (the Azure schema
  # test needs only its Python package); the image tier needs Docker there, not buildah.
  declare -A brew=(
    [nginx-light]="brew install nginx"
    [libnginx-mod-stream]="brew install nginx (includes the stream module)"
    [shellcheck]="brew install shellcheck"
    [cloud-init]="pip3 install 'cloud-init @ git+https://github.com/canonical/cloud-init'"
    [graphviz]="brew install graphviz"
    [curl]="brew install curl"
    [buildah]="Docker Desktop (the image tier uses docker build where an engine runs)"
    [podman]="Docker Desktop (as for buildah)"
    [mmdebstrap]="not needed with Docker (it builds the stand-in base only without Docker)"
  )
  echo "missing system tools, and no apt-get to install them:" >&2
  for tool in "${missing[@]}"; do echo "  $tool: ${brew[$tool]}" >&2; done
  echo "install them, then run npm test again (npm run test:fast needs only the first six)" >&2
  exit 1
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
# Keep the package's post-install from starting a system nginx on port 80.
printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
$sudo chmod +x /usr/sbin/policy-rc.d
trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
