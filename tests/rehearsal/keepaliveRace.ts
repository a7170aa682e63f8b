/**
 * The keepalive race, measured against a real instance. A cloud load balancer keeps idle
 * connections to an instance for its idle timeout and reuses them; if the instance closed one
 * first, the request sent on it fails (a 502 to the client; AWS, Google and Microsoft each warn
 * about it, see components/keepalive.ts). nginx as the rehearsal's load balancer watches its idle
 * upstream connections and drops the ones an instance closed, so it hides the race: at the exact
 * boundary it lost about 2 requests in 1,300 here. This pool does what a busy cloud proxy can
 * do at worst: it reuses any connection younger than its idle timeout without looking at it
 * first. A request fails exactly when the instance's idle timeout is the shorter one.
 *
 * Raw sockets rather than an HTTP client: every client library checks a pooled socket before
 * reusing it, which is the very check that must not happen here.
 */
import { connect, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface RaceResult {
  readonly requests: number;
  readonly failures: number;
  /** Requests sent on a reused connection (the only ones that can meet the race). */
  readonly reused: number;
  /** Per request: the idle gap before it, whether the connection was reused, the outcome. */
  readonly log: readonly { gapMs: number; reused: boolean; ok: boolean; error?: string }[];
}

/** One GET / on `socket`; resolves with an error text or undefined for a complete 200. */
function request(socket: Socket, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    let done = false;
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("close", onClose);
      resolve(error);
    };
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString("latin1");
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? "0");
      if (buffer.length - end - 4 < length) return;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? "0");
      finish(status === 200 ? undefined : `http ${status}`);
    };
    const onError = (error: Error) =>
      finish((error as NodeJS.ErrnoException).code ?? error.message);
    const onClose = () => finish("closed before the response");
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
    if (socket.destroyed) {
      finish("closed before the request (the instance closed it first)");
      return;
    }
    socket.write("GET / HTTP/1.1\r\nHost: rehearsal\r\n\r\n");
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => resolve(socket));
    socket.once("error", reject);
  });
}

/**
 * Sends one request after each gap in `gapsMs`, through a one-connection pool that keeps its
 * connection for `lbIdleMs` of idleness, like the cloud's load balancer.
 */
export async function measureKeepaliveRace(options: {
  readonly port: number;
  readonly lbIdleMs: number;
  readonly gapsMs: readonly number[];
  readonly timeoutMs?: number;
}): Promise<RaceResult> {
  const log: RaceResult["log"][number][] = [];
  let socket: Socket | undefined;
  let idleSince = 0;
  try {
    for (const gapMs of options.gapsMs) {
      await sleep(gapMs);
      const reuse = socket !== undefined && Date.now() - idleSince < options.lbIdleMs;
      if (!reuse) {
        // The load balancer closed it at its own idle timeout, so nothing can race.
        socket?.destroy();
        socket = await open(options.port);
      }
      const current = socket as Socket;
      const error = await request(current, options.timeoutMs ?? 1_000);
      log.push({
        gapMs,
        reused: reuse,
        ok: error === undefined,
        ...(error === undefined ? {} : { error }),
      });
      if (error !== undefined) {
        current.destroy();
        socket = undefined;
      }
      idleSince = Date.now();
    }
  } finally {
    socket?.destroy();
  }
  return {
    requests: log.length,
    failures: log.filter((r) => !r.ok).length,
    reused: log.filter((r) => r.reused).length,
    log,
  };
}
