/**
 * The local rehearsal: a load balancer and a managed group of instances on 127.0.0.1, driven by
 * a stack's own settings (size, version, rolling policy, drain), with the clouds' timings divided
 * by `timeScale`.
 *
 *   const rehearsal = await startRehearsal({ stack: "test", instances: 3 });
 *   await fetch(rehearsal.url);
 *   await rehearsal.rollout("1.0.1");
 *   await rehearsal.stop();
 *
 * The supervisor is a loop: observe (health checks, process exits), decide (decide.ts, pure),
 * act. Acting always changes the load balancer first and waits for the reload to finish before
 * stopping anything, and stops with SIGTERM so the instance drains.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Cloud } from "../../components/cloud";
import { RollingUpdatePolicy } from "../../components/rolling";
import { parseSettings } from "../../stacks/settings";
import { loadStackConfig } from "../../stacks/stackFile";
import { until } from "../lib/wait";
import { writeBadReleaseWrapper } from "./badRelease";
import { cloudMode } from "./cloudModes";
import { hang, slow, unhealthy } from "./faults";
import {
  decide,
  Decision,
  GroupSpec,
  HealthRecord,
  initialHealth,
  MemberState,
  MemberView,
  observeHealth,
  pickZone,
  RetireReason,
  RolloutProgress,
  rolloutVerdict,
  serversAfter,
  zoneNames,
} from "./decide";
import { InstanceProcess, launchInstance } from "./instance";
import { groupAlive } from "./procs";
import { defaultNginxBin, LoadBalancer } from "./lb";
import {
  cloudRollout,
  lbBehaviour,
  RehearsalRollout,
  rehearsalTiming,
  RehearsalTiming,
  shippedKeepaliveSeconds,
  timeScale,
} from "./timing";

export interface RehearsalOptions {
  /** Stack whose settings drive the rehearsal (`Pulumi.<stack>.yaml`). @default "test" */
  readonly stack?: string;
  /** Whose load balancer to behave like (cloudModes.ts). @default the stack's cloud */
  readonly cloud?: Cloud;
  /** @default the stack's desiredInstances */
  readonly instances?: number;
  /** @default the stack's appVersion */
  readonly version?: string;
  /** @default the stack's rolling policy */
  readonly policy?: RollingUpdatePolicy;
  /** Overrides of the scaled timings (tests shorten the boot deadline). */
  readonly timing?: Partial<RehearsalTiming>;
  /** @default the stack's zoneCount */
  readonly zones?: number;
  /** @default a free port */
  readonly lbPort?: number;
  /** Called for every event, as it happens (the CLI prints them). */
  readonly onEvent?: (event: RehearsalEvent) => void;
}

export type RehearsalEventKind =
  | "started"
  | "launched"
  | "launch-failed"
  | "healthy"
  | "unhealthy"
  | "lb-reloaded"
  | "admitted"
  | "retired"
  | "exited"
  | "stopped"
  | "killed"
  | "rollout-started"
  | "rollout-halted"
  | "rollout-completed"
  | "rollout-rolled-back"
  | "fault"
  | "zone-lost";

export interface RehearsalEvent {
  /** Milliseconds since the rehearsal started. */
  readonly atMs: number;
  readonly at: string;
  readonly kind: RehearsalEventKind;
  readonly id?: string;
  readonly version?: string;
  readonly detail?: string;
}

export interface InstanceStatus {
  readonly id: string;
  readonly version: string;
  readonly zone: string;
  readonly state: MemberState;
  readonly inLb: boolean;
  /** Launched with a health check that never passes (a bad release). */
  readonly faulty: boolean;
  readonly port?: number;
  readonly appPort?: number;
  readonly pid?: number;
  readonly ageMs: number;
}

export type RolloutNumbers = RehearsalRollout;

export interface RehearsalStatus {
  readonly url: string;
  readonly stack: string;
  /** The cloud mode: whose load balancer the rehearsal behaves like. */
  readonly cloud: Cloud;
  /** Zones lost (`loseZone`): nothing is launched there any more. */
  readonly lostZones: readonly string[];
  readonly desired: number;
  /** The version the group converges to. */
  readonly version: string;
  readonly policy: RolloutNumbers;
  readonly timing: RehearsalTiming;
  readonly timeScale: number;
  readonly rollout?: { readonly from: string; readonly to: string; readonly halted: boolean };
  readonly lb: {
    readonly pid: number;
    readonly port: number;
    readonly generation: number;
    readonly servers: readonly string[];
  };
  /** Instances not yet forgotten (exited ones until the supervisor has cleaned up after them). */
  readonly instances: readonly InstanceStatus[];
  /** Healthy instances in the load balancer. */
  readonly inService: number;
}

export interface RolloutOptions {
  /** This rollout's policy; the rehearsal's own is kept for later rollouts. */
  readonly policy?: RollingUpdatePolicy;
  /** Launch `version` as a bad release: its /healthz answers 503 (badRelease.ts). */
  readonly faulty?: boolean;
}

export interface RolloutResult {
  /** `rolled-back`: the health gate halted it and the group is back on `from`. */
  readonly outcome: "completed" | "rolled-back";
  readonly from: string;
  readonly to: string;
  readonly startedAt: string;
  /** Rehearsal clock. */
  readonly startedAtMs: number;
  /** Until `to` serves alone (or `from` again after a rollback) with `desired` instances. */
  readonly durationMs: number;
  /** When the health gate fired, from the start. */
  readonly haltedAfterMs?: number;
  readonly reason?: string;
  /** Instances of `to` launched and admitted to the load balancer. */
  readonly launched: number;
  readonly admitted: number;
  readonly policy: RolloutNumbers;
}

/** Faults an instance can be given (faults.ts); `kill` is SIGKILL to its process group. */
export const faultKinds = ["kill", "hang", "slow", "unhealthy"] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface FaultOptions {
  /** slow: the latency added to the app. @default 300 */
  readonly addedMs?: number;
}

export interface FaultResult {
  readonly id: string;
  readonly zone: string;
  readonly pid: number;
  readonly fault: FaultKind;
  readonly atMs: number;
  readonly detail: string;
}

export interface KillResult {
  readonly id: string;
  readonly pid: number;
  readonly signal: NodeJS.Signals;
  readonly atMs: number;
}

/** What a rehearsal started, for teardown checks: every process group and every port. */
export interface Footprint {
  readonly processGroups: readonly number[];
  readonly ports: readonly number[];
  /** Holds the load balancer's and the instances' files; removed by stop(). */
  readonly directory: string;
}

export interface Rehearsal {
  /** The load balancer: `http://127.0.0.1:<port>`. */
  readonly url: string;
  status(): RehearsalStatus;
  events(): readonly RehearsalEvent[];
  /** Milliseconds on the rehearsal clock (the one events use). */
  now(): number;
  rollout(version: string, options?: RolloutOptions): Promise<RolloutResult>;
  /**
   * SIGKILL kills the instance's whole process group (nginx and app: a crashed instance);
   * any other signal goes to its supervisor alone, as a container runtime sends it.
   */
  kill(instanceId: string, signal?: NodeJS.Signals): KillResult;
  /** Gives a running instance a fault; `end()` lifts a slow or unhealthy one. */
  fault(instanceId: string, kind: FaultKind, options?: FaultOptions): FaultResult;
  /** Lifts the fault of an instance still running (slow, unhealthy); no-op otherwise. */
  endFault(instanceId: string): void;
  /**
   * Every instance of `zone` killed at once, and no launch there any more: the group must refill
   * in the remaining zones.
   */
  loseZone(zone: string): FaultResult[];
  /**
   * From now on, a new instance not healthy this long after launch has failed: what changing the
   * autohealing initial delay (or the boot allowance) on a running group does.
   */
  setBootDeadline(ms: number): void;
  /** Resolves with the milliseconds waited once `n` healthy instances are in service. */
  waitForHealthy(n: number, timeoutMs: number): Promise<number>;
  footprint(): Footprint;
  /** Tears everything down; resolves when no process is left. Idempotent. */
  stop(): Promise<void>;
}

interface Member {
  readonly id: string;
  readonly version: string;
  readonly zone: string;
  readonly faulty: boolean;
  readonly launchedAtMs: number;
  process?: InstanceProcess;
  health: HealthRecord;
  inLb: boolean;
  phase: "live" | "draining" | "exited";
  checking: boolean;
  /** Set while a fault runs: lifts it. */
  endFault?: () => void;
  /** SIGSTOPped: cannot drain, so it is killed when retired. */
  hung?: boolean;
}

interface ActiveRollout extends RolloutProgress {
  readonly startedAt: string;
  readonly previousSpec: GroupSpec;
  readonly policy: RolloutNumbers;
  lastProgressAtMs: number;
  launched: number;
  admitted: number;
  halted?: { readonly atMs: number; readonly reason: string };
  readonly resolve: (result: RolloutResult) => void;
  readonly reject: (error: Error) => void;
}

/** Starts the load balancer and the group, and resolves once `desired` instances serve. */
export async function startRehearsal(options: RehearsalOptions = {}): Promise<Rehearsal> {
  const stack = options.stack ?? "test";
  const config = loadStackConfig(stack);
  const settings = parseSettings(config.config, config.project, config.stack);
  const desired = options.instances ?? settings.desiredInstances;
  if (!Number.isInteger(desired) || desired < 1 || desired > 20) {
    throw new Error(`instances: expected an integer from 1 to 20; got ${desired}`);
  }
  const policy = options.policy ?? settings.rollingUpdate;
  const cloud = options.cloud ?? settings.cloud;
  const mode = cloudMode(cloud);
  const rollout = cloudRollout(mode, policy, desired);
  const timing = {
    ...rehearsalTiming(settings.drainingTimeoutSeconds, rollout, mode),
    ...options.timing,
  };
  const group = new Group({
    stack,
    cloud,
    zones: zoneNames(options.zones ?? settings.zones.length),
    timing,
    spec: {
      desired,
      version: options.version ?? settings.appVersion,
      surge: rollout.surge,
      maxUnavailable: rollout.maxUnavailable,
      minReadyMs: timing.minReadyMs,
      bootDeadlineMs: timing.bootDeadlineMs,
      ...(rollout.batch === undefined ? {} : { batch: rollout.batch }),
    },
    onEvent: options.onEvent,
  });
  try {
    await group.start(options.lbPort);
    await group.waitForHealthy(desired, 20_000);
  } catch (error) {
    await group.stop();
    throw error;
  }
  return group;
}

const numbersOf = ({ surge, maxUnavailable, minReadyMs }: GroupSpec): RolloutNumbers => ({
  surge,
  maxUnavailable,
  minReadyMs,
});

/** Directories of rehearsals not stopped yet; removed if the process leaves without stop(). */
const liveDirs = new Set<string>();
process.once("exit", () => {
  // Runs after the exit hook of procs.ts has killed the processes (registered first, when
  // instance.ts is imported), so nothing is still writing here.
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

interface GroupOptions {
  readonly stack: string;
  readonly cloud: Cloud;
  readonly zones: readonly string[];
  readonly timing: RehearsalTiming;
  readonly spec: GroupSpec;
  readonly onEvent?: (event: RehearsalEvent) => void;
}

class Group implements Rehearsal {
  private readonly t0 = performance.now();
  private readonly dir = mkdtempSync(join(tmpdir(), "rehearsal-"));
  private readonly members = new Map<string, Member>();
  private readonly history: Member[] = [];
  private readonly log: RehearsalEvent[] = [];
  private readonly background = new Set<Promise<unknown>>();
  private readonly faultyVersions = new Set<string>();
  private readonly portsInUse = new Set<number>();
  private readonly lostZones = new Set<string>();
  private spec: GroupSpec;
  private lb?: LoadBalancer;
  private badNginx?: string;
  private counter = 0;
  /** When a retired instance last stopped: batch mode's pause counts from there. */
  private lastStoppedAtMs?: number;
  private stopping = false;
  private stopped?: Promise<void>;
  private loopDone: Promise<void> = Promise.resolve();
  private healthTimer?: NodeJS.Timeout;
  private active?: ActiveRollout;
  private wakeUp: () => void = () => undefined;
  private woken = false;
  /** Set when the load balancer dies on its own: nothing can be served any more. */
  private fatal?: Error;

  constructor(private readonly options: GroupOptions) {
    this.spec = options.spec;
    // mkdtemp makes it private; nginx workers (another user when run as root) must traverse it.
    chmodSync(this.dir, 0o755);
    liveDirs.add(this.dir);
  }

  get url(): string {
    if (this.lb === undefined) throw new Error("rehearsal not started");
    return this.lb.url;
  }

  now(): number {
    return performance.now() - this.t0;
  }

  async start(lbPort?: number): Promise<void> {
    this.lb = await LoadBalancer.start({
      dir: join(this.dir, "lb"),
      nginxBin: defaultNginxBin,
      port: lbPort,
      behaviour: lbBehaviour(cloudMode(this.options.cloud)),
    });
    this.portsInUse.add(this.lb.port);
    this.emit("started", {
      detail: `load balancer ${this.lb.url} (pid ${this.lb.pid}, ${this.options.cloud} mode); ${this.spec.desired} x ${this.spec.version}`,
    });
    const lb = this.lb;
    void lb.exited.then((code) => {
      if (!this.stopping) this.fatal = new Error(`load balancer exited (${code}):\n${lb.stderr()}`);
    });
    this.healthTimer = setInterval(() => this.checkAll(), this.options.timing.healthIntervalMs);
    this.loopDone = this.loop();
  }

  private emit(
    kind: RehearsalEventKind,
    fields: { id?: string; version?: string; detail?: string } = {},
  ): void {
    const atMs = Math.round(this.now());
    const event: RehearsalEvent = { atMs, at: new Date(Date.now()).toISOString(), kind, ...fields };
    this.log.push(event);
    this.options.onEvent?.(event);
  }

  /** Asks for a round now: a health check changed state, a process exited, a rollout began. */
  private wake(): void {
    this.woken = true;
    this.wakeUp();
  }

  private view(member: Member): MemberView {
    return {
      id: member.id,
      version: member.version,
      state: member.phase === "live" ? member.health.state : member.phase,
      launchedAtMs: member.launchedAtMs,
      healthySinceMs: member.health.healthySinceMs,
      inLb: member.inLb,
    };
  }

  private views(): MemberView[] {
    return [...this.members.values()].map((m) => this.view(m));
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.woken = false;
      let acted = false;
      try {
        acted = await this.tick();
      } catch (error) {
        // A failed reload leaves the load balancer as it was; the next round tries again.
        const message = error instanceof Error ? error.message : String(error);
        this.emit("lb-reloaded", { detail: `failed: ${message.split("\n")[0]}` });
        await sleep(500);
      }
      // A wake-up that came during the round would otherwise wait for the next timer.
      if (acted || this.stopping || this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = () => undefined;
    }
  }

  /** One round; true if it changed anything (so the next round runs at once). */
  private async tick(): Promise<boolean> {
    this.judgeRollout();
    const now = this.now();
    const views = this.views();
    const decision = decide(views, this.spec, now, this.lastStoppedAtMs);
    const acted = await this.act(views, decision);
    this.judgeRollout();
    return acted;
  }

  private judgeRollout(): void {
    const rollout = this.active;
    if (rollout === undefined) return;
    const now = this.now();
    const verdict = rolloutVerdict(this.views(), this.spec, rollout, now);
    if (verdict.kind === "complete") {
      this.finishRollout(rollout, now);
    } else if (verdict.kind === "stalled" && rollout.halted === undefined) {
      rollout.halted = { atMs: now, reason: verdict.reason };
      this.emit("rollout-halted", { version: rollout.to, detail: verdict.reason });
      // Rolling back is rolling forward to the previous version: the same decisions stop the
      // new instances (they never took traffic) and keep or restore the old ones.
      this.spec = { ...rollout.previousSpec };
    }
  }

  private finishRollout(rollout: ActiveRollout, now: number): void {
    this.active = undefined;
    const completed = rollout.halted === undefined;
    const result: RolloutResult = {
      outcome: completed ? "completed" : "rolled-back",
      from: rollout.from,
      to: rollout.to,
      startedAt: rollout.startedAt,
      startedAtMs: Math.round(rollout.startedAtMs),
      durationMs: Math.round(now - rollout.startedAtMs),
      ...(rollout.halted && {
        haltedAfterMs: Math.round(rollout.halted.atMs - rollout.startedAtMs),
        reason: rollout.halted.reason,
      }),
      launched: rollout.launched,
      admitted: rollout.admitted,
      policy: rollout.policy,
    };
    // The rollout's own policy applied to this rollout only.
    this.spec = { ...rollout.previousSpec, version: completed ? rollout.to : rollout.from };
    this.emit(completed ? "rollout-completed" : "rollout-rolled-back", {
      version: completed ? rollout.to : rollout.from,
      detail: `${result.durationMs} ms`,
    });
    rollout.resolve(result);
  }

  private async act(views: readonly MemberView[], decision: Decision): Promise<boolean> {
    const lb = this.lb;
    if (lb === undefined) return false;
    let acted = false;
    // Launch first: a new instance takes no traffic until admitted, and booting it while the
    // reload below runs takes the reload off the time to recover.
    for (let i = 0; i < decision.launch; i += 1) {
      this.launch(this.spec.version);
      acted = true;
    }
    const servers = serversAfter(views, decision);
    const before = views.filter((v) => v.inLb).map((v) => v.id);
    const changed = servers.length !== before.length || servers.some((id, i) => before[i] !== id);
    if (changed) {
      await lb.apply(
        servers.map((id) => {
          const member = this.members.get(id);
          const port = member?.process?.port;
          if (member === undefined || port === undefined) {
            throw new Error(`${id}: no port to route to`);
          }
          return { id, port, zone: member.zone };
        }),
      );
      const inLb = new Set(servers);
      for (const member of this.members.values()) member.inLb = inLb.has(member.id);
      this.emit("lb-reloaded", {
        detail: `generation ${lb.generation}: ${servers.length === 0 ? "no instance" : servers.join(", ")}`,
      });
      for (const id of decision.admit) {
        const member = this.members.get(id);
        this.emit("admitted", { id, version: member?.version });
        if (this.active !== undefined && member?.version === this.active.to) {
          this.active.admitted += 1;
          this.active.lastProgressAtMs = this.now();
        }
      }
      acted = true;
    }
    for (const { id, reason } of decision.retire) {
      const member = this.members.get(id);
      if (member === undefined || member.phase !== "live") continue;
      this.retire(member, reason);
      acted = true;
    }
    for (const id of decision.forget) {
      const member = this.members.get(id);
      if (member === undefined) continue;
      this.members.delete(id);
      member.process?.signalGroup("SIGKILL");
      member.process?.removeFiles();
      acted = true;
    }
    return acted;
  }

  private track<T>(promise: Promise<T>): void {
    this.background.add(promise);
    void promise.finally(() => this.background.delete(promise));
  }

  private launch(version: string): void {
    this.counter += 1;
    const id = `i-${this.counter}`;
    const faulty = this.faultyVersions.has(version);
    const open = this.options.zones.filter((z) => !this.lostZones.has(z));
    const zone = pickZone(
      open.length === 0 ? this.options.zones : open,
      [...this.members.values()].filter((m) => m.phase === "live").map((m) => m.zone),
    );
    const member: Member = {
      id,
      version,
      zone,
      faulty,
      launchedAtMs: this.now(),
      health: initialHealth,
      inLb: false,
      phase: "live",
      checking: false,
    };
    this.members.set(id, member);
    this.history.push(member);
    if (this.active !== undefined && version === this.active.to) this.active.launched += 1;

    const nginxBin = faulty ? this.badReleaseNginx() : defaultNginxBin;
    const launched = launchInstance({
      id,
      version,
      zone,
      drainSeconds: this.options.timing.drainSeconds,
      keepaliveTimeoutSeconds: shippedKeepaliveSeconds(cloudMode(this.options.cloud)),
      dir: join(this.dir, "instances"),
      nginxBin,
      portsInUse: this.portsInUse,
    }).then(
      (instance) => {
        member.process = instance;
        this.emit("launched", {
          id,
          version,
          detail: `${zone}, port ${instance.port}, pid ${instance.pid}${faulty ? ", bad release" : ""}`,
        });
        void instance.exited.then((exit) => {
          this.portsInUse.delete(instance.port);
          this.portsInUse.delete(instance.appPort);
          if (member.phase === "live") {
            member.phase = "exited";
            this.emit("exited", {
              id,
              version,
              detail: exit.signal === null ? `code ${exit.code}` : `signal ${exit.signal}`,
            });
            this.wake();
          }
        });
        // Retired (or the rehearsal stopped) while it was being launched.
        if (member.phase === "draining") this.track(this.drain(member));
      },
      (error: unknown) => {
        member.phase = "exited";
        this.emit("launch-failed", { id, version, detail: String(error) });
        this.wake();
      },
    );
    this.track(launched);
  }

  private badReleaseNginx(): string {
    this.badNginx ??= writeBadReleaseWrapper(this.dir, defaultNginxBin);
    return this.badNginx;
  }

  private retire(member: Member, reason: RetireReason): void {
    member.phase = "draining";
    member.endFault?.();
    this.emit("retired", { id: member.id, version: member.version, detail: reason });
    if (member.process !== undefined) this.track(this.drain(member));
  }

  /** SIGTERM (the image drains for DRAIN_SECONDS), then waits; kills what is left after that. */
  private async drain(member: Member): Promise<void> {
    const instance = member.process;
    if (instance === undefined) return;
    // A hung instance cannot drain; the cloud's stop timeout would kill it in the end.
    if (member.hung === true) instance.signalGroup("SIGKILL");
    // Layer 7: no request may still be on its way to it through an old worker of the load
    // balancer. Layer 4 stops new flows only; the open ones are the drain's to finish.
    else if (!this.stopping && cloudMode(this.options.cloud).layer.value === 7) {
      await this.lb?.oldWorkersGone();
      // GCP: the backend service's connection draining runs in full before the MIG deletes the
      // instance, whose shutdown script then stops the container (cloudModes.ts).
      if (this.options.timing.lbDrainMs > 0) {
        await sleep(this.options.timing.lbDrainMs, undefined, { ref: false });
      }
    }
    instance.signal(this.stopping ? "SIGINT" : "SIGTERM");
    const limitMs = this.options.timing.drainSeconds * 1000 + 15_000;
    const exit = await Promise.race([instance.exited, sleep(limitMs, undefined, { ref: false })]);
    instance.signalGroup("SIGKILL");
    await instance.exited;
    // The supervisor's children outlive it for a moment when the group is killed at once; they
    // are gone (reaped) shortly after.
    for (let i = 0; i < 100 && groupAlive(instance.pid); i += 1) await sleep(20);
    instance.removeFiles();
    this.members.delete(member.id);
    this.lastStoppedAtMs = this.now();
    this.emit("stopped", {
      id: member.id,
      version: member.version,
      detail:
        exit === undefined
          ? `killed after ${limitMs} ms`
          : exit.signal === null
            ? `exit code ${exit.code}`
            : `signal ${exit.signal}`,
    });
  }

  private checkAll(): void {
    for (const member of this.members.values()) {
      const instance = member.process;
      if (instance === undefined || member.phase !== "live" || member.checking) continue;
      member.checking = true;
      void instance.checkHealth(this.options.timing.healthTimeoutMs).then((ok) => {
        member.checking = false;
        if (member.phase !== "live") return;
        const before = member.health.state;
        member.health = observeHealth(member.health, ok, this.now(), this.options.timing);
        if (member.health.state !== before) {
          this.emit(member.health.state === "healthy" ? "healthy" : "unhealthy", {
            id: member.id,
            version: member.version,
          });
          this.wake();
        }
      });
    }
  }

  status(): RehearsalStatus {
    const { lb, active } = this;
    if (lb === undefined) throw new Error("rehearsal not started");
    const now = this.now();
    const instances = [...this.members.values()].map((m): InstanceStatus => {
      const view = this.view(m);
      return {
        id: m.id,
        version: m.version,
        zone: m.zone,
        state: view.state,
        inLb: m.inLb,
        faulty: m.faulty,
        port: m.process?.port,
        appPort: m.process?.appPort,
        pid: m.process?.pid,
        ageMs: Math.round(now - m.launchedAtMs),
      };
    });
    return {
      url: lb.url,
      stack: this.options.stack,
      cloud: this.options.cloud,
      lostZones: [...this.lostZones],
      desired: this.spec.desired,
      version: this.spec.version,
      policy: numbersOf(this.spec),
      timing: this.options.timing,
      timeScale,
      ...(active && {
        rollout: { from: active.from, to: active.to, halted: active.halted !== undefined },
      }),
      lb: {
        pid: lb.pid,
        port: lb.port,
        generation: lb.generation,
        servers: lb.servers.map((s) => s.id),
      },
      instances,
      inService: instances.filter((i) => i.inLb && i.state === "healthy").length,
    };
  }

  events(): readonly RehearsalEvent[] {
    return [...this.log];
  }

  rollout(version: string, options: RolloutOptions = {}): Promise<RolloutResult> {
    if (this.stopping) return Promise.reject(new Error("rehearsal is stopping"));
    if (this.active !== undefined) {
      return Promise.reject(
        new Error(`a rollout to ${this.active.to} is in progress; wait for it to finish`),
      );
    }
    if (version === this.spec.version) {
      return Promise.reject(new Error(`version: the group already runs ${version}`));
    }
    if (options.faulty === true) this.faultyVersions.add(version);
    else this.faultyVersions.delete(version);
    const previousSpec = this.spec;
    const numbers =
      options.policy === undefined
        ? undefined
        : cloudRollout(cloudMode(this.options.cloud), options.policy, previousSpec.desired);
    const startedAtMs = this.now();
    const spec: GroupSpec = {
      ...previousSpec,
      version,
      ...(numbers && {
        ...numbers,
        batch: numbers.batch,
        minReadyMs: numbers.minReadyMs / timeScale,
      }),
    };
    return new Promise<RolloutResult>((resolve, reject) => {
      this.active = {
        from: previousSpec.version,
        to: version,
        startedAt: new Date().toISOString(),
        startedAtMs,
        lastProgressAtMs: startedAtMs,
        previousSpec,
        policy: numbersOf(spec),
        launched: 0,
        admitted: 0,
        resolve,
        reject,
      };
      this.spec = spec;
      this.emit("rollout-started", {
        version,
        detail:
          `from ${previousSpec.version}: surge ${this.spec.surge}, max unavailable ` +
          `${this.spec.maxUnavailable}, min ready ${this.spec.minReadyMs} ms` +
          (options.faulty === true ? ", bad release" : ""),
      });
      this.wake();
    });
  }

  kill(instanceId: string, signal: NodeJS.Signals = "SIGKILL"): KillResult {
    // A draining instance still runs: it may be killed, not given a fault.
    const { member, instance } = this.running(instanceId, "kill", ["live", "draining"]);
    const atMs = Math.round(this.now());
    if (signal === "SIGKILL") instance.signalGroup("SIGKILL");
    else instance.signal(signal);
    this.emit("killed", { id: member.id, version: member.version, detail: signal });
    return { id: member.id, pid: instance.pid, signal, atMs };
  }

  private running(
    instanceId: string,
    what: string,
    phases: readonly Member["phase"][] = ["live"],
  ): { member: Member; instance: InstanceProcess } {
    const runs = (m: Member) => m.process !== undefined && phases.includes(m.phase);
    const member = this.members.get(instanceId);
    const instance = member?.process;
    if (member === undefined || instance === undefined || !runs(member)) {
      const known = [...this.members.values()].filter(runs).map((m) => m.id);
      throw new Error(
        `${what}: no running instance ${JSON.stringify(instanceId)}; running: ${known.join(", ") || "none"}`,
      );
    }
    return { member, instance };
  }

  setBootDeadline(ms: number): void {
    this.spec = { ...this.spec, bootDeadlineMs: ms };
  }

  fault(instanceId: string, kind: FaultKind, options: FaultOptions = {}): FaultResult {
    const { member, instance } = this.running(instanceId, "fault");
    const atMs = Math.round(this.now());
    let detail: string;
    switch (kind) {
      case "kill":
        instance.signalGroup("SIGKILL");
        detail = `SIGKILL to the process group of ${member.id} (pid ${instance.pid}: supervisor, app and nginx)`;
        break;
      case "hang":
        member.endFault = hang(instance);
        member.hung = true;
        detail = `SIGSTOP to the process group of ${member.id} (pid ${instance.pid}): connections are accepted, nothing answers`;
        break;
      case "slow": {
        const addedMs = options.addedMs ?? 300;
        member.endFault = slow(instance, addedMs);
        detail = `the app of ${member.id} is stopped ${addedMs} ms out of every ${addedMs + 20} ms: up to ${addedMs} ms added to each request`;
        break;
      }
      case "unhealthy":
        member.endFault = unhealthy(instance);
        detail = `/healthz of ${member.id} answers 503 while / still serves`;
        break;
      default: {
        const unknown: never = kind;
        throw new Error(`fault: unknown kind ${String(unknown)}`);
      }
    }
    this.emit("fault", { id: member.id, version: member.version, detail: `${kind}: ${detail}` });
    return { id: member.id, zone: member.zone, pid: instance.pid, fault: kind, atMs, detail };
  }

  endFault(instanceId: string): void {
    const member = this.members.get(instanceId);
    if (member?.endFault === undefined || member.hung === true) return;
    member.endFault();
    member.endFault = undefined;
  }

  loseZone(zone: string): FaultResult[] {
    if (!this.options.zones.includes(zone)) {
      throw new Error(
        `zone: expected one of ${this.options.zones.join(", ")}; got ${JSON.stringify(zone)}`,
      );
    }
    this.lostZones.add(zone);
    this.emit("zone-lost", { detail: `${zone}: nothing is launched there any more` });
    return [...this.members.values()]
      .filter((m) => m.zone === zone && m.phase === "live" && m.process !== undefined)
      .map((m) => this.fault(m.id, "kill"));
  }

  async waitForHealthy(n: number, timeoutMs: number): Promise<number> {
    const start = this.now();
    const served = () => {
      if (this.fatal !== undefined) throw this.fatal;
      return this.status().inService >= n;
    };
    if ((await until(served, timeoutMs, 20)) !== undefined) return Math.round(this.now() - start);
    const status = this.status();
    const states = status.instances.map((i) => `${i.id} ${i.state}${i.inLb ? " (in lb)" : ""}`);
    throw new Error(
      `waitForHealthy: ${status.inService} of ${n} in service after ${timeoutMs} ms: ${states.join(", ")}`,
    );
  }

  footprint(): Footprint {
    const lb = this.lb === undefined ? [] : [this.lb];
    const launched = this.history.flatMap((m) => (m.process === undefined ? [] : [m.process]));
    return {
      processGroups: [...lb, ...launched].map((p) => p.pid),
      ports: [...lb.map((l) => l.port), ...launched.flatMap((p) => [p.port, p.appPort])],
      directory: this.dir,
    };
  }

  stop(): Promise<void> {
    this.stopped ??= this.teardown();
    return this.stopped;
  }

  private async teardown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.healthTimer);
    this.wake();
    await this.loopDone;
    this.active?.reject(new Error("rehearsal stopped during the rollout"));
    this.active = undefined;
    // The load balancer first, so no request meets an instance that is stopping.
    await this.lb?.stop();
    // Every instance stops without draining (nothing routes to it any more). Launches still in
    // flight end with a process, which is then stopped too, or with a failure: hence the loop.
    do {
      for (const member of this.members.values()) {
        if (member.phase === "live") {
          member.phase = "draining";
          if (member.process !== undefined) this.track(this.drain(member));
        } else if (member.phase === "draining") {
          // SIGINT skips what is left of a drain already under way.
          member.process?.signal("SIGINT");
        } else if (member.process !== undefined) {
          // Exited but not yet cleaned up by the loop.
          this.track(this.drain(member));
        }
      }
      await Promise.allSettled([...this.background]);
    } while (this.background.size > 0);
    rmSync(this.dir, { recursive: true, force: true });
    liveDirs.delete(this.dir);
  }
}
