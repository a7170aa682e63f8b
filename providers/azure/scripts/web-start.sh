#!/bin/bash
# Pulls the service image with the instance's managed identity and starts the one container.
# Run once by cloud-init; after a reboot Docker's restart policy brings the container back.
set -euo pipefail

# shellcheck source=/dev/null
. /etc/default/web

readonly imds="http://169.254.169.254/metadata"
readonly attempts=48

# ACR takes an Entra token only through its /oauth2/exchange endpoint, which returns a refresh
# token that docker can use as a password; no credential is stored on the instance.
# https://github.com/Azure/acr/blob/main/docs/AAD-OAuth.md
registry_login() {
  local aad_token refresh_token
  aad_token=$(curl -fsS -H Metadata:true \
    "${imds}/identity/oauth2/token?api-version=2018-02-01&resource=https://containerregistry.azure.net&client_id=${IDENTITY_CLIENT_ID}" |
    jq -er .access_token) || return 1
  # Sent on stdin so the token never shows in the process list.
  refresh_token=$(printf 'grant_type=access_token&service=%s&access_token=%s' "$REGISTRY" "$aad_token" |
    curl -fsS --data @- "https://${REGISTRY}/oauth2/exchange" |
    jq -er .refresh_token) || return 1
  printf '%s' "$refresh_token" |
    docker login --username 00000000-0000-0000-0000-000000000000 --password-stdin "$REGISTRY" >/dev/null
}

pull_image() {
  if [[ "$IMAGE" != "$REGISTRY"/* ]]; then
    docker pull --quiet "$IMAGE"
    return
  fi
  registry_login || return 1
  local status=0
  docker pull --quiet "$IMAGE" || status=$?
  # The refresh token is valid for hours: it must not stay in /root/.docker/config.json.
  docker logout "$REGISTRY" >/dev/null || true
  return "$status"
}

for attempt in $(seq 1 "$attempts"); do
  if pull_image; then
    break
  fi
  if ((attempt == attempts)); then
    echo "web-start: could not pull ${IMAGE}; giving up so that automatic repair replaces this instance" >&2
    exit 1
  fi
  # A new AcrPull role assignment can take minutes to reach the registry.
  echo "web-start: pulling ${IMAGE} failed (attempt ${attempt}/${attempts}); retrying in 10 s" >&2
  sleep 10
done

zone=$(curl -fsS -H Metadata:true "${imds}/instance/compute/zone?api-version=2021-02-01&format=text")

docker rm --force web >/dev/null 2>&1 || true
docker run --detach --name web \
  --restart=always \
  --pull=never \
  --read-only --tmpfs /tmp \
  --cap-drop=ALL --security-opt=no-new-privileges \
  --publish "${CONTAINER_PORT}:${CONTAINER_PORT}" \
  --stop-timeout "$STOP_TIMEOUT_SECONDS" \
  --log-driver journald \
  --env "PORT=${CONTAINER_PORT}" \
  --env "INSTANCE_ID=$(hostname)" \
  --env "ZONE=${zone}" \
  --env "DRAIN_SECONDS=${DRAIN_SECONDS}" \
  --env "NGINX_KEEPALIVE_TIMEOUT_SECONDS=${NGINX_KEEPALIVE_TIMEOUT_SECONDS}" \
  "$IMAGE"
