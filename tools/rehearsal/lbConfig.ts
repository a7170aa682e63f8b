/**
 * The rehearsal's load balancer: a stock nginx whose configuration is rendered here, one
 * `server` line per instance in service. Pure, so the text is snapshot-tested and `nginx -t`
 * judges it (tests/rehearsal/lbConfig.test.ts).
 */

export interface LbServer {
  readonly id: string;
  readonly port: number;
  readonly zone: string;
}

/**
 * What the load balancer does, from a cloud mode (cloudModes.ts) with its durations scaled:
 * `lbBehaviour()` in timing.ts builds it.
 */
export interface LbBehaviour {
  /** 7: nginx's http proxy; 4: its stream (TCP) proxy, one backend connection per client one. */
  readonly layer: 4 | 7;
  /** Attempts per request, the first included; 1 turns retries off. Layer 7 only. */
  readonly attempts: number;
  /** Also retry after the request was sent (502/503/504, reset, timeout), not only on connect. */
  readonly retryGatewayErrors: boolean;
  /** Layer 7: idle connections to instances are kept this long for reuse. Layer 4: flow idle. */
  readonly idleTimeoutMs: number;
  /** Layer 7: an instance that has not answered within this gets the request a 504. */
  readonly requestTimeoutMs: number;
}

/** Debian's nginx-light builds the stream module as a separate package (libnginx-mod-stream). */
export const defaultStreamModule = "/usr/lib/nginx/modules/ngx_stream_module.so";

export interface LbConfigParams {
  readonly listenPort: number;
  readonly behaviour: LbBehaviour;
  /** @default defaultStreamModule; layer 4 only */
  readonly streamModule?: string;
  /** Pid file, logs and temp directories live here. */
  readonly runtimeDir: string;
  readonly servers: readonly LbServer[];
  /** Counts reloads; shown in a comment and at `/__lb/generation` for status and tests. */
  readonly generation: number;
  /** @default 1: 100 requests a second need a fraction of one core. */
  readonly workerProcesses?: number;
}

// Only characters nginx cannot read as syntax end up in the file.
const safePath = /^\/[A-Za-z0-9._/-]*$/;
const safeId = /^[A-Za-z0-9._-]+$/;

/** Every problem with `params`, one message per problem; empty when valid. */
export function validateLbConfigParams(params: LbConfigParams): string[] {
  const problems: string[] = [];
  const port = (what: string, value: number) => {
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      problems.push(`${what}: expected an integer from 1 to 65535; got ${JSON.stringify(value)}`);
    }
  };
  port("listenPort", params.listenPort);
  if (!safePath.test(params.runtimeDir)) {
    problems.push(
      `runtimeDir: expected an absolute path of letters, digits and ._/- only; got ${JSON.stringify(params.runtimeDir)}`,
    );
  }
  for (const server of params.servers) {
    port(`servers[${server.id}].port`, server.port);
    if (!safeId.test(server.id) || !safeId.test(server.zone)) {
      problems.push(
        `servers: expected ids and zones of letters, digits and ._- only; got ${JSON.stringify(server)}`,
      );
    }
  }
  const b = params.behaviour;
  if (!Number.isInteger(b.attempts) || b.attempts < 1 || b.attempts > 5) {
    problems.push(`behaviour.attempts: expected an integer from 1 to 5; got ${b.attempts}`);
  }
  if (!Number.isInteger(b.idleTimeoutMs) || b.idleTimeoutMs < 1) {
    problems.push(`behaviour.idleTimeoutMs: expected a whole number of ms; got ${b.idleTimeoutMs}`);
  }
  if (params.streamModule !== undefined && !safePath.test(params.streamModule)) {
    problems.push(
      `streamModule: expected an absolute path; got ${JSON.stringify(params.streamModule)}`,
    );
  }
  const ports = params.servers.map((s) => s.port);
  if (new Set(ports).size !== ports.length || ports.includes(params.listenPort)) {
    problems.push(
      `servers: expected distinct ports, none the listen port; got ${ports.join(", ")}`,
    );
  }
  return problems;
}

/**
 * Renders the configuration. The choices that make a reload drop nothing, and what follows the
 * cloud mode:
 *
 * - `keepalive_timeout 0` towards clients (layer 7). A reload makes the old workers close their
 *   idle client connections, and a client that sends its next request on one at that instant gets
 *   a reset; a cloud load balancer does not close client connections when its targets change, so
 *   keeping them here would measure an artefact of the emulation.
 * - Retries as the cloud does them: `proxy_next_upstream off` where it does not retry (AWS), or
 *   the cloud's attempts and conditions (GCP). Requests are GETs, so retrying is safe.
 * - `max_fails=0`: no cloud takes an instance out on failed requests by default, only on checks.
 * - Upstream keepalive with the cloud's idle timeout, so the instance's keepalive timeout meets
 *   the same peer it meets in the cloud.
 * - Layer 4 (Azure): the stream module forwards TCP. A reload leaves the old workers' flows to
 *   live on, as the Standard Load Balancer's flows do when the probe goes down.
 */
export function renderLbConfig(params: LbConfigParams): string {
  const problems = validateLbConfigParams(params);
  if (problems.length > 0) {
    throw new Error(`invalid load balancer parameters:\n  ${problems.join("\n  ")}`);
  }
  const dir = params.runtimeDir;
  const b = params.behaviour;
  const servers =
    params.servers.length === 0
      ? // An upstream needs a server; a `down` one is never contacted, so nginx answers 502.
        ["        server 127.0.0.1:9 down; # no instance in service"]
      : params.servers.map(
          (s) => `        server 127.0.0.1:${s.port} max_fails=0; # ${s.id} ${s.zone}`,
        );
  const head = `# Rendered by tools/rehearsal/lbConfig.ts, generation ${params.generation}: the rehearsal's
# load balancer (layer ${b.layer}). Reloaded (SIGHUP) whenever the instances in service change.
${b.layer === 4 ? `load_module ${params.streamModule ?? defaultStreamModule};\n` : ""}daemon off;
worker_processes ${params.workerProcesses ?? 1};
pid ${dir}/nginx.pid;
error_log stderr warn;
# Bounds how long the old workers of a reload may take to finish their requests${b.layer === 4 ? " (flows)" : ""}.
worker_shutdown_timeout ${b.layer === 4 ? Math.max(5_000, b.idleTimeoutMs) : 5_000}ms;

events {
    worker_connections 1024;
}
`;
  if (b.layer === 4) {
    return `${head}
stream {
    upstream service {
${servers.join("\n")}
    }

    server {
        listen 127.0.0.1:${params.listenPort};
        proxy_pass service;
        proxy_connect_timeout 500ms;
        # The flow idle timeout.
        proxy_timeout ${b.idleTimeoutMs}ms;
        # A flow goes to one instance; a TCP load balancer has nothing to retry.
        proxy_next_upstream off;
    }
}
`;
  }
  const retry =
    b.attempts === 1
      ? ["            proxy_next_upstream off;"]
      : [
          `            proxy_next_upstream error timeout${b.retryGatewayErrors ? " http_502 http_503 http_504" : ""};`,
          `            proxy_next_upstream_tries ${b.attempts};`,
          "            proxy_next_upstream_timeout 3s;",
        ];
  return `${head}
http {
    server_tokens off;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;

    log_format lb '$time_iso8601 $status $request_time "$request" '
        'upstream=$upstream_addr upstream_status=$upstream_status';
    access_log ${dir}/access.log lb;

    keepalive_timeout 0;

    upstream service {
${servers.join("\n")}
        keepalive 16;
        keepalive_timeout ${b.idleTimeoutMs}ms;
    }

    server {
        listen 127.0.0.1:${params.listenPort};

        location = /__lb/generation {
            default_type text/plain;
            return 200 "${params.generation}\\n";
        }

        location / {
            proxy_pass http://service;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_connect_timeout 500ms;
            proxy_read_timeout ${b.requestTimeoutMs}ms;
${retry.join("\n")}
        }
    }
}
`;
}
