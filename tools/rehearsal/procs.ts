/** Small process helpers the rehearsal needs and Node does not have. Linux only (/proc). */
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { AddressInfo, connect, createServer } from "node:net";
import { Readable } from "node:stream";

/**
 * Live children of `ppid`, from /proc: how the load balancer's reload is followed (nginx has no
 * API for "the new workers took over"). Zombies are left out: they serve nothing.
 */
export function childPids(ppid: number): number[] {
  return liveProcesses()
    .filter((p) => p.ppid === ppid)
    .map((p) => p.pid);
}

/** Every process in /proc that is not a zombie, with its parent and process group. */
function liveProcesses(): { pid: number; ppid: number; pgrp: number }[] {
  const found: { pid: number; ppid: number; pgrp: number }[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    throw new Error("/proc is not readable: the rehearsal needs Linux");
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // Exited while we looked.
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the
    // last ")". Zombies are left out: they serve nothing.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") continue;
    found.push({ pid: Number(entry), ppid: Number(fields[1]), pgrp: Number(fields[2]) });
  }
  return found;
}

/**
 * Whether any process of the group `pgid` is left running (a process-group id is its leader's
 * pid). Zombies do not count: `kill(-pgid, 0)` still succeeds for an exited process nobody has
 * reaped, and an orphan's zombie stays forever where PID 1 does not reap (as in the containers
 * this runs in), though it holds no port and runs nothing.
 */
export function groupAlive(pgid: number): boolean {
  return liveProcesses().some((p) => p.pgrp === pgid);
}

/**
 * Process groups the rehearsal started (the load balancer's, each instance's) and has not seen
 * exit: a process `exit` hook kills them if a caller forgot to stop them, or Ctrl-C came twice.
 */
export const startedGroups = new Set<number>();
process.once("exit", () => {
  for (const pgid of startedGroups) signalGroup(pgid, "SIGKILL");
});

/**
 * The last `limit` characters `streams` wrote, enough to explain a failure. Whole chunks are
 * kept and joined on demand: an instance under a benchmark writes megabytes of access log.
 */
export function keepTail(streams: readonly (Readable | null)[], limit: number): () => string {
  const chunks: string[] = [];
  let size = 0;
  for (const stream of streams) {
    stream?.on("data", (chunk: Buffer) => {
      chunks.push(chunk.toString("utf8"));
      size += chunk.length;
      while (size > limit && chunks.length > 1) size -= chunks.shift()?.length ?? 0;
    });
  }
  return () => chunks.join("").slice(-limit);
}

/** Sends `signal` to every process of the group; false if the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function portOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago. Another process may take it before the
 * caller binds it; the supervisor then sees the instance die and replaces it, as it would any
 * instance that fails to start.
 */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await once(server.close(), "close");
  return port;
}
