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

export interface LbConfigParams {
  readonly listenPort: number;
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
  const ports = params.servers.map((s) => s.port);
  if (new Set(ports).size !== ports.length || ports.includes(params.listenPort)) {
    problems.push(
      `servers: expected distinct ports, none the listen port; got ${ports.join(", ")}`,
    );
  }
  return problems;
}

/**
 * Renders the configuration. The choices that make a reload drop nothing:
 *
 * - `keepalive_timeout 0` towards clients. A reload makes the old workers close their idle
 *   client connections, and a client that sends its next request on one at that instant gets a
 *   reset; browsers retry that, the probe (undici) reports it. A cloud load balancer does not
 *   close client connections when its targets change, so keeping them here would measure an
 *   artefact of the emulation. One connection per request costs nothing on loopback.
 * - `proxy_next_upstream error timeout http_502 http_503` with a few tries: a request that meets
 *   a dead or stopping instance is sent to the next one (GETs only, so retrying is safe).
 * - `max_fails=1 fail_timeout=1s`: after one failure nginx stops choosing that server for a
 *   second, so a killed instance costs one retry, not one per request, until the supervisor has
 *   taken it out.
 * - Short connect timeout: a refused connection fails at once; this bounds a black-holed one.
 * - Upstream keepalive, so the load balancer does not open a connection per request either.
 */
export function renderLbConfig(params: LbConfigParams): string {
  const problems = validateLbConfigParams(params);
  if (problems.length > 0) {
    throw new Error(`invalid load balancer parameters:\n  ${problems.join("\n  ")}`);
  }
  const dir = params.runtimeDir;
  const servers =
    params.servers.length === 0
      ? // An upstream needs a server; a `down` one is never contacted, so nginx answers 502.
        ["        server 127.0.0.1:9 down; # no instance in service"]
      : params.servers.map(
          (s) =>
            `        server 127.0.0.1:${s.port} max_fails=1 fail_timeout=1s; # ${s.id} ${s.zone}`,
        );
  return `# Rendered by tools/rehearsal/lbConfig.ts, generation ${params.generation}: the rehearsal's
# load balancer. Reloaded (SIGHUP) whenever the instances in service change.
daemon off;
worker_processes ${params.workerProcesses ?? 1};
pid ${dir}/nginx.pid;
error_log stderr warn;
# Bounds how long the old workers of a reload may take to finish their requests.
worker_shutdown_timeout 5s;

events {
    worker_connections 1024;
}

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
            proxy_read_timeout 10s;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 3;
            proxy_next_upstream_timeout 3s;
        }
    }
}
`;
}
