#!/bin/bash
# Startup script rendered by providers/gcp/startup.ts. Container-Optimized OS runs it as root on
# every boot, so each step is idempotent.
set -euo pipefail

readonly IMAGE='us-central1-docker.pkg.dev/acme-ha-web-test/ha-web-service/web:1.0.0'
readonly PORT=8080
readonly DRAIN_SECONDS=30
readonly STOP_TIMEOUT=35
readonly KEEPALIVE_SECONDS=620
readonly CONTAINER=web

metadata() {
  curl --fail --silent --show-error --retry 10 --retry-connrefused \
    --header 'Metadata-Flavor: Google' \
    "http://metadata.google.internal/computeMetadata/v1/instance/$1"
}

# The hostname is <instance>.<zone>.c.<project>.internal: its first label is the instance name.
FQDN="$(metadata hostname)"
readonly INSTANCE_ID="${FQDN%%.*}"
# The zone comes back as projects/<number>/zones/<zone>.
ZONE_PATH="$(metadata zone)"
readonly ZONE="${ZONE_PATH##*/}"

# COS's root file system is read-only; docker-credential-gcr writes $HOME/.docker/config.json,
# and hands docker short-lived tokens of the instance's service account from the metadata server.
export HOME=/home/web-service
mkdir -p "$HOME"
docker-credential-gcr configure-docker --registries='us-central1-docker.pkg.dev'

# Retried: at boot the network or the registry can take a moment. If every attempt fails the
# script exits, the health check never passes and autohealing replaces the instance.
pulled=false
for attempt in 1 2 3 4 5 6; do
  if docker pull "$IMAGE"; then
    pulled=true
    break
  fi
  echo "docker pull $IMAGE failed (attempt $attempt)" >&2
  if [ "$attempt" -lt 6 ]; then
    sleep $((attempt * 5))
  fi
done
if [ "$pulled" != true ]; then
  echo "giving up on $IMAGE" >&2
  exit 1
fi

# A reboot re-runs this script while the old container still exists.
docker rm --force "$CONTAINER" >/dev/null 2>&1 || true
# Read-only root with a tmpfs /tmp (the image's only writable path), no capabilities (it runs as
# a non-root user on an unprivileged port), restarted by docker if it exits, and given the drain
# plus a grace period to stop. Logs go straight to Cloud Logging through docker's gcplogs driver,
# tagged with this instance's name (the log bucket routes on it); docker logs still reads a local
# cache (dual logging).
docker run --detach --name "$CONTAINER" \
  --restart=always \
  --read-only --tmpfs /tmp:rw,noexec,nosuid,size=64m \
  --cap-drop=ALL --security-opt=no-new-privileges \
  --publish "$PORT:$PORT" \
  --stop-timeout "$STOP_TIMEOUT" \
  --log-driver=gcplogs --log-opt cache-max-size=10m --log-opt cache-max-file=5 \
  --env "PORT=$PORT" \
  --env "INSTANCE_ID=$INSTANCE_ID" \
  --env "ZONE=$ZONE" \
  --env "DRAIN_SECONDS=$DRAIN_SECONDS" \
  --env "NGINX_KEEPALIVE_TIMEOUT_SECONDS=$KEEPALIVE_SECONDS" \
  "$IMAGE"
