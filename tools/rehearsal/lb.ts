/**
 * The load balancer process: Debian's nginx, run in the foreground with its own prefix and
 * configuration, changed only by reloads. A reload is complete when every worker of the previous
 * configuration has exited, so by then no request can reach an instance taken out of it; only
 * after that may an instance be stopped.
 */
import { ChildProcess, spawn } from "node:child_process";
import { run } from "../lib/exec";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { until } from "../lib/wait";
import { LbBehaviour, LbServer, renderLbConfig } from "./lbConfig";
import { childPids, freePort, keepTail, portOpen, signalGroup, startedGroups } from "./procs";

export interface LoadBalancerOptions {
  /** Holds the configuration, pid file, access log and temp directories. */
  readonly dir: string;
  readonly nginxBin: string;
  /** How it balances: the cloud mode's (timing.ts `lbBehaviour`). */
  readonly behaviour: LbBehaviour;
  /** @default a free port */
  readonly port?: number;
}

/** One worker: 100 requests a second need a fraction of one core. */
const workers = 1;

/** Debian's nginx-light, or $NGINX_BIN. */
export const defaultNginxBin = process.env.NGINX_BIN ?? "/usr/sbin/nginx";

const config = (
  options: LoadBalancerOptions,
  listenPort: number,
  servers: readonly LbServer[],
  generation: number,
) =>
  renderLbConfig({
    listenPort,
    runtimeDir: options.dir,
    servers,
    generation,
    workerProcesses: workers,
    behaviour: options.behaviour,
  });

export class LoadBalancer {
  private generationCount = 1;
  private current: readonly LbServer[] = [];
  private lingering: Promise<void> = Promise.resolve();
  private readonly exitedPromise: Promise<number | null>;
  private hasExited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
    readonly port: number,
    private readonly confPath: string,
    private readonly options: LoadBalancerOptions,
    readonly stderr: () => string,
  ) {
    this.exitedPromise = new Promise((resolve) =>
      child.once("exit", (code) => {
        this.hasExited = true;
        startedGroups.delete(pid);
        resolve(code);
      }),
    );
  }

  static async start(options: LoadBalancerOptions): Promise<LoadBalancer> {
    mkdirSync(options.dir, { recursive: true });
    // A port picked free can be taken before nginx binds it; try another a few times.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await LoadBalancer.startOnce(options, options.port ?? (await freePort()));
      } catch (error) {
        if (options.port !== undefined || attempt >= 3) throw error;
      }
    }
  }

  private static async startOnce(options: LoadBalancerOptions, port: number) {
    const confPath = join(options.dir, "nginx.conf");
    writeFileSync(confPath, config(options, port, [], 1));
    const child = spawn(options.nginxBin, ["-p", options.dir, "-c", confPath, "-e", "stderr"], {
      // Its own process group: Ctrl-C in the terminal must not reach it before the rehearsal has
      // stopped the instances behind it, and teardown can kill the workers with the master.
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
    });
    if (child.pid === undefined) throw new Error(`could not start ${options.nginxBin}`);
    startedGroups.add(child.pid);
    const stderr = keepTail([child.stderr], 65_536);
    const lb = new LoadBalancer(child, child.pid, port, confPath, options, stderr);
    const serving = async () => (await portOpen(port)) && childPids(lb.pid).length >= workers;
    if ((await until(serving, 10_000, 20, () => lb.hasExited)) !== undefined) return lb;
    signalGroup(lb.pid, "SIGKILL");
    throw new Error(`load balancer did not start on port ${port}:\n${lb.stderr()}`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get generation(): number {
    return this.generationCount;
  }

  get servers(): readonly LbServer[] {
    return this.current;
  }

  get exited(): Promise<number | null> {
    return this.exitedPromise;
  }

  /**
   * Serves exactly `servers` from now on. At layer 7, resolves once the old workers are gone:
   * from then on no request reaches a server that is not in the list. At layer 4, once the new
   * workers are up: new connections go to the list, while the old workers' flows live on until
   * they close, as a TCP load balancer's do. Rejects, leaving the running configuration as it
   * was, if nginx refuses the new one.
   */
  async apply(servers: readonly LbServer[], timeoutMs = 10_000): Promise<void> {
    if (this.hasExited) throw new Error(`load balancer exited:\n${this.stderr()}`);
    const generation = this.generationCount + 1;
    const text = config(this.options, this.port, servers, generation);
    const candidate = `${this.confPath}.next`;
    writeFileSync(candidate, text);
    await this.test(candidate);
    writeFileSync(this.confPath, text);

    const before = new Set(childPids(this.pid));
    process.kill(this.pid, "SIGHUP");
    const deadline = Date.now() + timeoutMs;
    let freshSince: number | undefined;
    for (;;) {
      const now = childPids(this.pid);
      const fresh = now.filter((pid) => !before.has(pid)).length;
      const allFresh = now.length >= workers && fresh === now.length;
      if (fresh >= workers) freshSince ??= Date.now();
      // The old workers stop accepting when they read the master's QUIT; until then a new
      // connection can still meet the old configuration (measured at layer 4: a few resets right
      // after the first reload), so at least 200 ms pass. At layer 4 their flows then live on. At
      // layer 7 their requests usually end within milliseconds; one stuck on a hung instance
      // could hold them for the request timeout, and a cloud does not hold back the next change
      // for it, so after 500 ms the rest is left to `oldWorkersGone()`, which a drain awaits.
      const waited = freshSince === undefined ? 0 : Date.now() - freshSince;
      const done = allFresh || waited >= (this.options.behaviour.layer === 4 ? 200 : 500);
      if (done) break;
      if (Date.now() > deadline || this.hasExited) {
        throw new Error(
          `load balancer reload to generation ${generation} did not finish in ${timeoutMs} ms:\n${this.stderr()}`,
        );
      }
      await sleep(10);
    }
    this.generationCount = generation;
    this.current = [...servers];
    const lingering = [...before];
    const previous = this.lingering;
    this.lingering = (async () => {
      await previous;
      while (lingering.some((pid) => childPids(this.pid).includes(pid)) && !this.hasExited) {
        await sleep(20);
      }
    })();
  }

  /**
   * Resolves when no worker of an earlier configuration is left: from then on no request can
   * reach a server taken out before. What must hold before an instance is stopped.
   */
  oldWorkersGone(): Promise<void> {
    return this.lingering;
  }

  private async test(path: string): Promise<void> {
    const { nginxBin, dir } = this.options;
    const result = await run(nginxBin, ["-t", "-q", "-p", dir, "-c", path, "-e", "stderr"]);
    if (result.code !== 0) throw new Error(`nginx -t refused ${path}:\n${result.stderr}`);
  }

  /** Graceful quit (in-flight requests finish), then whatever is left of the group is killed. */
  async stop(timeoutMs = 6_000): Promise<void> {
    if (!this.hasExited) {
      this.child.kill("SIGQUIT");
      await Promise.race([this.exitedPromise, sleep(timeoutMs, undefined, { ref: false })]);
    }
    signalGroup(this.pid, "SIGKILL");
    await this.exitedPromise;
    startedGroups.delete(this.pid);
  }
}
