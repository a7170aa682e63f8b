import { randomBytes } from "node:crypto";
import http from "node:http";
import { AddressInfo } from "node:net";
import { AppConfig, appConfigFromEnv } from "./config";
import { log } from "./log";

export interface AppOptions {
  readonly version: string;
  /** Enables `/sleep?ms=N`, a slow request for drain tests. Never on in production. */
  readonly testRoutes?: boolean;
}

export interface App {
  readonly server: http.Server;
  /** True once `drain()` was called: `/readyz` answers 503, everything else still works. */
  readonly draining: boolean;
  /** Resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number>;
  drain(): void;
  /** Stops accepting connections, waits up to `graceMs` for open requests, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

/** Messages the supervisor sends over the IPC channel. */
export type SupervisorMessage = { readonly type: "drain" } | { readonly type: "stop" };
/** Messages the app sends back. */
export type AppMessage = { readonly type: "listening"; readonly port: number };

/** Longest `/sleep`, so even a test route cannot hold a connection for long. */
const maxSleepMs = 10_000;

/** The parts of a request target the routes look at. */
export interface RequestTarget {
  readonly path: string;
  readonly query: URLSearchParams;
}

/**
 * Splits an origin-form request target (RFC 9112 section 3.2.1: an absolute path, then an
 * optional query) without `new URL()`, which throws on targets such as `//`, `///` or `//@` that
 * it reads as a scheme-relative URL with a bad host. Returns null for anything else (the
 * asterisk and authority forms, an absolute URL, an empty target), which is answered with 400.
 * Written by hand because the split is two string operations; URLSearchParams never throws.
 */
export function parseTarget(target: string | undefined): RequestTarget | null {
  if (target === undefined || !target.startsWith("/")) return null;
  const hash = target.indexOf("#");
  const withoutFragment = hash === -1 ? target : target.slice(0, hash);
  const question = withoutFragment.indexOf("?");
  if (question === -1) return { path: withoutFragment, query: new URLSearchParams() };
  return {
    path: withoutFragment.slice(0, question),
    query: new URLSearchParams(withoutFragment.slice(question + 1)),
  };
}

export function createApp(options: AppOptions): App {
  const answeredBy = randomBytes(6).toString("hex");
  let draining = false;
  let closing = false;

  const send = (res: http.ServerResponse, status: number, body: unknown): void => {
    const text = `${JSON.stringify(body)}\n`;
    res.writeHead(status, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(text),
      // Every answer describes one instance at one moment; caching any of it would mislead.
      "Cache-Control": "no-store",
      // Once closing, a kept-alive connection would only hold close() up until the grace ends.
      ...(closing ? { Connection: "close" } : {}),
    });
    res.end(res.req.method === "HEAD" ? undefined : text);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      send(res, 405, { error: "method not allowed" });
      return;
    }
    const target = parseTarget(req.url);
    if (target === null) {
      send(res, 400, { error: "bad request target" });
      return;
    }
    switch (target.path) {
      case "/":
        // No instance id, host name or zone: they help an attacker map the fleet and pick
        // targets. `answeredBy` tells instances apart (drills, debugging) and means nothing
        // outside this process; the logs carry the real instance id.
        send(res, 200, { service: "ha-web-service", version: options.version, answeredBy });
        return;
      case "/readyz":
        send(res, draining ? 503 : 200, { status: draining ? "draining" : "ready" });
        return;
      case "/livez":
        send(res, 200, { status: "alive" });
        return;
      case "/sleep":
        if (options.testRoutes === true) {
          const ms = Math.min(maxSleepMs, Math.max(0, Number(target.query.get("ms")) || 0));
          const timer = setTimeout(
            () => send(res, 200, { slept: ms, version: options.version }),
            ms,
          );
          res.on("close", () => clearTimeout(timer));
          return;
        }
        break;
    }
    send(res, 404, { error: "not found" });
  };
  // No request may take the process down (the supervisor stops the whole instance when the app
  // exits): whatever a handler throws becomes a 500 for that request alone.
  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      log("app", "error", "request failed", { error: String(error) });
      if (!res.headersSent) send(res, 500, { error: "internal error" });
      else res.destroy();
    }
  });
  // Longer than nginx's upstream keepalive_timeout (60 s): nginx closes idle connections
  // first, so it never sends a request on a connection the app is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  return {
    server,
    get draining() {
      return draining;
    },
    listen: (port, host) =>
      new Promise<number>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    drain: () => {
      draining = true;
    },
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        closing = true;
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/**
 * Runs the app as a process. Under the supervisor (an IPC channel exists) it drains and stops
 * when told, because only the supervisor knows when nginx has finished with it. On its own it
 * handles SIGTERM itself: readiness fails at once, requests are served for DRAIN_SECONDS, then
 * it exits 0.
 */
export async function runApp(config: AppConfig): Promise<void> {
  const app = createApp(config);
  const port = await app.listen(config.port, config.host);
  // The instance's identity goes to the logs, never to clients.
  log("app", "info", "listening", {
    host: config.host,
    port,
    version: config.version,
    instanceId: config.instanceId,
    zone: config.zone,
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await app.close(5_000);
    log("app", "info", "stopped", { code });
    process.exit(code);
  };
  const drain = (reason: string) => {
    if (app.draining) return;
    app.drain();
    log("app", "info", "draining", { reason });
  };

  if (process.send !== undefined) {
    process.on("message", (message: SupervisorMessage) => {
      if (message.type === "drain") drain("supervisor");
      if (message.type === "stop") void stop(0);
    });
    // The supervisor is gone, so nobody will ever tell this process to stop.
    process.on("disconnect", () => void stop(1));
    // Ctrl-C reaches the whole process group; the supervisor decides what happens.
    process.on("SIGINT", () => undefined);
    const ready: AppMessage = { type: "listening", port };
    process.send(ready);
  }
  process.on("SIGTERM", () => {
    drain("SIGTERM");
    setTimeout(() => void stop(0), config.drainSeconds * 1000);
  });
}

if (require.main === module) {
  try {
    runApp(appConfigFromEnv(process.env)).catch((error: unknown) => {
      log("app", "error", "failed to start", { error: String(error) });
      process.exit(1);
    });
  } catch (error) {
    log("app", "error", "invalid configuration", { error: String(error) });
    process.exit(1);
  }
}
