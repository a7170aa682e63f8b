/**
 * The instances' startup and shutdown scripts, rendered as pure functions so tests can lint them
 * with shellcheck and snapshot them. The deprecated konlet agent (`gce-container-declaration`
 * metadata) is not used: it is being removed from COS, and it cannot set `--read-only` or a stop
 * timeout. https://cloud.google.com/compute/docs/containers/migrate-containers
 */

import { keepaliveEnvVar } from "../../components/keepalive";

/**
 * The container's logs go to Cloud Logging through docker's own `gcplogs` driver, which writes
 * to the log `gcplogs-docker-driver` with the instance's name from the metadata server in
 * `jsonPayload.instance.name` (moby/moby daemon/logger/gcplogs/gcplogging.go). That is a field
 * the service controls, so the log bucket routes on it; no Google document says which labels
 * COS's own logging agent puts on container logs. `docker logs` keeps working from docker's
 * local cache ("dual logging", Docker 20.10+): https://docs.docker.com/engine/logging/dual-logging/
 * https://docs.docker.com/engine/logging/drivers/gcplogs/
 */
export const containerLogName = "gcplogs-docker-driver";

/** Name of the one container the instance runs. */
export const containerName = "web";

/**
 * Seconds `docker stop` waits beyond the drain before it kills the container: time for nginx to
 * finish the last in-flight responses and the process to exit after the drain ends.
 */
export const stopGraceSeconds = 5;

/**
 * Compute Engine gives a shutdown script about 90 s on stop or delete, then powers the VM off.
 * https://cloud.google.com/compute/docs/shutdownscript#limitations
 */
export const shutdownScriptWindowSeconds = 90;

/**
 * COS keeps its root file system read-only, so `docker-credential-gcr` cannot write under `/root`;
 * `/home` is writable (but noexec, which a config file does not mind).
 */
export const dockerHome = "/home/web-service";

export interface StartupScriptInput {
  readonly image: string;
  readonly containerPort: number;
  readonly drainSeconds: number;
  /** nginx's idle keep-alive (the image's NGINX_KEEPALIVE_TIMEOUT_SECONDS). */
  readonly keepaliveSeconds: number;
}

/** `docker stop` timeout: the drain plus the grace above. */
export function stopTimeoutSeconds(drainSeconds: number): number {
  return drainSeconds + stopGraceSeconds;
}

/** Registry host of an image reference, as docker resolves it (`docker.io` when none is named). */
export function registryHost(image: string): string {
  const slash = image.indexOf("/");
  if (slash < 0) return "docker.io";
  const first = image.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost" ? first : "docker.io";
}

/**
 * Artifact Registry (`<location>-docker.pkg.dev`) and Container Registry (`gcr.io`, `*.gcr.io`):
 * reachable through Private Google Access and served credentials by `docker-credential-gcr`.
 */
export function isGoogleRegistry(host: string): boolean {
  return /^[a-z0-9-]+-docker\.pkg\.dev$/.test(host) || /^([a-z]+\.)?gcr\.io$/.test(host);
}

/** Quotes a value for bash, so an image reference can never break out of the script. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs on every boot (COS runs `startup-script` from the metadata server each time), so each step
 * is idempotent: the container is replaced, never duplicated.
 */
export function renderStartupScript(input: StartupScriptInput): string {
  const host = registryHost(input.image);
  const credentials = isGoogleRegistry(host)
    ? [
        "# COS's root file system is read-only; docker-credential-gcr writes $HOME/.docker/config.json,",
        "# and hands docker short-lived tokens of the instance's service account from the metadata server.",
        `export HOME=${dockerHome}`,
        'mkdir -p "$HOME"',
        `docker-credential-gcr configure-docker --registries=${shellQuote(host)}`,
      ]
    : [`# ${host} is not a Google registry: the image is pulled anonymously.`];
  return `#!/bin/bash
# Startup script rendered by providers/gcp/startup.ts. Container-Optimized OS runs it as root on
# every boot, so each step is idempotent.
set -euo pipefail

readonly IMAGE=${shellQuote(input.image)}
readonly PORT=${input.containerPort}
readonly DRAIN_SECONDS=${input.drainSeconds}
readonly STOP_TIMEOUT=${stopTimeoutSeconds(input.drainSeconds)}
readonly KEEPALIVE_SECONDS=${input.keepaliveSeconds}
readonly CONTAINER=${containerName}

metadata() {
  curl --fail --silent --show-error --retry 10 --retry-connrefused \\
    --header 'Metadata-Flavor: Google' \\
    "http://metadata.google.internal/computeMetadata/v1/instance/$1"
}

# The hostname is <instance>.<zone>.c.<project>.internal: its first label is the instance name.
FQDN="$(metadata hostname)"
readonly INSTANCE_ID="\${FQDN%%.*}"
# The zone comes back as projects/<number>/zones/<zone>.
ZONE_PATH="$(metadata zone)"
readonly ZONE="\${ZONE_PATH##*/}"

${credentials.join("\n")}

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
docker run --detach --name "$CONTAINER" \\
  --restart=always \\
  --read-only --tmpfs /tmp:rw,noexec,nosuid,size=64m \\
  --cap-drop=ALL --security-opt=no-new-privileges \\
  --publish "$PORT:$PORT" \\
  --stop-timeout "$STOP_TIMEOUT" \\
  --log-driver=gcplogs --log-opt cache-max-size=10m --log-opt cache-max-file=5 \\
  --env "PORT=$PORT" \\
  --env "INSTANCE_ID=$INSTANCE_ID" \\
  --env "ZONE=$ZONE" \\
  --env "DRAIN_SECONDS=$DRAIN_SECONDS" \\
  --env "${keepaliveEnvVar}=$KEEPALIVE_SECONDS" \\
  "$IMAGE"
`;
}

/**
 * Runs when the MIG deletes or replaces the instance. The load balancer has already drained it
 * by then (the backend's connection draining), but the app does not know that: SIGTERM starts its
 * own drain (readiness fails, in-flight requests finish) and `docker stop` waits for it. Without
 * this script the VM powers off with the container still serving.
 */
export function renderShutdownScript(drainSeconds: number): string {
  return `#!/bin/bash
# Shutdown script rendered by providers/gcp/startup.ts.
docker stop --time ${stopTimeoutSeconds(drainSeconds)} ${containerName} || true
`;
}
