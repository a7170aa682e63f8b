/**
 * The three drills, written once against `DrillTarget`: the same steps and the same checks for
 * the local rehearsal and for a deployed stack. A probe (tools/probe) sends requests at a fixed
 * rate through the front door for the whole drill; the drill acts, waits for the target to
 * settle, and reads what the clients saw from the probe's report.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { until } from "../lib/wait";
import { runProbe } from "../probe/probe";
import { ProbeReport } from "../probe/stats";
import { DrillTarget, FaultDrill, faultDrills, TargetInstance } from "./target";
import { isLoopback, runWitness, WitnessReport } from "./witness";

export const drillKinds = ["self-heal", "rollout", "bad-release", ...faultDrills] as const;
export type DrillKind = (typeof drillKinds)[number];

const isFault = (kind: DrillKind): kind is FaultDrill =>
  (faultDrills as readonly string[]).includes(kind);

export interface DrillOptions {
  readonly kind: DrillKind;
  /** Probe requests per second. */
  readonly rate: number;
  /** Probing before the drill acts, so the report shows the steady state. @default 1000 */
  readonly warmupMs?: number;
  /**
   * Probing after the target settled, so the report shows it stayed settled (and, locally, the
   * old instances finishing their drain). @default 2000
   */
  readonly cooldownMs?: number;
  /** Failed requests allowed. @default 0 */
  readonly tolerance?: number;
  /**
   * rollout: the version to roll to. @default the current one with its patch number + 1
   * bad-release: the bad version. @default `<patch + 1>-bad`: the rehearsal makes its health
   * check fail; on a stack it is a tag nobody pushed, so its instances never start
   */
  readonly version?: string;
  /** @default the target's limit (5 s locally) */
  readonly maxMttrMs?: number;
  /** One line per step, as it happens. */
  readonly onProgress?: (line: string) => void;
  /** slow: the latency added to the app (for 2.5 s). @default 300 */
  readonly slowMs?: number;
  /** Longest wait for the target to settle. @default the target's limit */
  readonly settleMs?: number;
  /**
   * Run seed 000's downtime check (witness.ts) next to the probe. @default true where the URL is
   * on 127.0.0.0/8, false elsewhere
   */
  readonly witness?: boolean;
}

export interface DrillCheck {
  readonly name: string;
  readonly expected: string;
  readonly actual: string;
  readonly pass: boolean;
}

/** A moment of the drill, in ms from the start of the probe. */
export interface DrillMark {
  readonly atMs: number;
  /** `drill`: a step of the drill; `target`: what the target recorded (the rehearsal's events). */
  readonly by: "drill" | "target";
  readonly what: string;
}

export interface DrillFigures {
  readonly requests: number;
  readonly failedRequests: number;
  readonly longestOutageMs: number;
  /** self-heal: from the removal until the group was whole again. */
  readonly mttrMs?: number;
  /** self-heal: from the removal until the target no longer counted the instance. */
  readonly detectedAfterMs?: number;
  /** rollout, bad-release: from the start of the rollout until it ended. */
  readonly rolloutMs?: number;
  /** rollout: when the new version answered first, from the start of the rollout. */
  readonly newFirstSeenMs?: number;
  /** rollout: when the old version answered last, from the start of the rollout. */
  readonly oldLastSeenMs?: number;
  /** bad-release: when the health gate halted the rollout, from its start. */
  readonly haltedAfterMs?: number;
  /**
   * Fault drills: healthy instances in the load balancer from the fault until the group was
   * whole again (or the fault ended), as a share of the group size: the lowest and the mean.
   */
  readonly capacity?: {
    readonly minPct: number;
    readonly meanPct: number;
    readonly samples: number;
  };
  /** slow: the probe's p99 latency over successful requests. */
  readonly p99LatencyMs?: number;
}

export interface DrillReport {
  readonly drill: DrillKind;
  readonly target: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly pass: boolean;
  readonly rate: number;
  readonly tolerance: number;
  readonly versions: { readonly from: string; readonly to?: string };
  readonly checks: readonly DrillCheck[];
  readonly figures: DrillFigures;
  readonly marks: readonly DrillMark[];
  readonly probe: ProbeReport;
  /** Seed 000's check, run alongside the probe; absent when not run. */
  readonly witness?: WitnessReport;
  /** The cloud the target imitates, and what it does not reproduce. */
  readonly cloudMode?: DrillTarget["cloudMode"];
}

/** 1.0.6 → 1.0.7, 1.1.0-rc.1 → 1.1.1: a version the group does not run yet. */
export function nextVersion(version: string): string {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null)
    throw new Error(`version: expected such as 1.0.6; got ${JSON.stringify(version)}`);
  return `${match[1]}.${match[2]}.${Number(match[3]) + 1}`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function runDrill(target: DrillTarget, options: DrillOptions): Promise<DrillReport> {
  const tolerance = options.tolerance ?? 0;
  const warmupMs = options.warmupMs ?? 1_000;
  const cooldownMs = options.cooldownMs ?? 2_000;
  const progress = options.onProgress ?? (() => undefined);
  const { pollMs } = target;
  const limits = {
    ...target.limits,
    ...(options.settleMs === undefined ? {} : { settleMs: options.settleMs }),
  };

  const size = await target.expectedSize();
  const groupWhole = async () => (await target.instances()).filter((i) => i.healthy).length >= size;
  const steady = await until(groupWhole, limits.settleMs, pollMs);
  if (steady === undefined) {
    throw new Error(`the target never had ${size} healthy instances; not drilling a broken group`);
  }
  const from = await target.currentVersion();
  const to =
    options.kind === "self-heal" || isFault(options.kind)
      ? undefined
      : (options.version ??
        (options.kind === "rollout" ? nextVersion(from) : `${nextVersion(from)}-bad`));
  if (to === from) throw new Error(`version: the target already runs ${from}`);

  const url = await target.url();
  const controller = new AbortController();
  const epochMarks: { at: number; what: string }[] = [];
  const mark = (what: string) => {
    epochMarks.push({ at: Date.now(), what });
    progress(what);
  };
  const probeDone = runProbe(
    {
      url,
      rate: options.rate,
      durationMs: warmupMs + limits.settleMs * 2 + cooldownMs,
      timeoutMs: 1_000,
    },
    {
      signal: controller.signal,
      tickMs: 1_000,
      onTick: (s) =>
        progress(
          `probe: ${s.sent} sent, ${s.failed} failed, versions ${Object.keys(s.recentVersions).join(", ") || "none"}`,
        ),
    },
  );
  mark(`probe started: ${url} at ${options.rate}/s`);
  const witnessDone =
    (options.witness ?? isLoopback(url))
      ? runWitness({ url, signal: controller.signal })
      : undefined;

  const checks: DrillCheck[] = [];
  const check = (name: string, expected: string, actual: string, pass: boolean) =>
    checks.push({ name, expected, actual, pass });
  type Figures = Omit<DrillFigures, "requests" | "failedRequests" | "longestOutageMs">;
  let figures: Figures = {};
  let rolloutWindow: { start: number; end: number } | undefined;
  let probe: ProbeReport;

  /**
   * Self-heal and the fault drills, one loop: take instances away (or slow one down), sample the
   * capacity left, and time how long the target takes to notice and to be whole again.
   */
  const lose = async (kind: "self-heal" | FaultDrill): Promise<Figures> => {
    const start = Date.now();
    let victims: readonly string[];
    let zone: string | undefined;
    if (kind === "self-heal") {
      const removed = await target.removeOneInstance();
      mark(`removed ${removed.id}: ${removed.detail}`);
      victims = [removed.id];
    } else {
      if (target.injectFault === undefined) {
        throw new Error(`${kind}: this target cannot be given faults (the local rehearsal can)`);
      }
      const injected = await target.injectFault(kind, { slowMs: options.slowMs ?? 300 });
      mark(`fault ${kind}: ${injected.detail}`);
      ({ victims, zone } = injected);
    }
    const named = victims.join(", ");
    const healthy = (list: readonly TargetInstance[]) => list.filter((i) => i.healthy);
    const inService = (list: readonly TargetInstance[]) =>
      victims.filter((id) => list.some((i) => i.id === id && i.healthy)).length;
    const samples: number[] = [];
    let detected: number | undefined;
    let whole: number | undefined;
    const end = start + (kind === "slow" ? 2_500 : limits.settleMs);
    while (whole === undefined && Date.now() < end) {
      const list = await target.instances();
      samples.push(healthy(list).length);
      // Self-heal: a target may stop counting the instance, or count one healthy instance less.
      const gone = inService(list) === 0 || (kind === "self-heal" && healthy(list).length < size);
      if (kind !== "slow" && detected === undefined && gone) {
        detected = Date.now();
        mark(
          `${named} ${kind === "self-heal" ? "no longer counted healthy" : "no longer in service"}`,
        );
      }
      if (detected !== undefined && healthy(list).length >= size) {
        whole = Date.now();
        mark(`${size} healthy instances again`);
      } else await sleep(pollMs);
    }
    if (kind === "slow") {
      await target.endFaults?.();
      mark("slow app back to normal");
      const kept = inService(await target.instances()) === victims.length;
      check(
        "slow instance kept (not mistaken for a dead one)",
        `${named} healthy and in service`,
        kept ? "kept" : "taken out or replaced",
        kept,
      );
    } else {
      const list = await target.instances();
      const after = `after ${seconds(limits.settleMs)}`;
      if (kind === "self-heal") {
        check(
          "group whole again",
          `${size} healthy instances`,
          whole === undefined
            ? `${healthy(list).length} ${after}`
            : `${size} after ${seconds(whole - start)}`,
          whole !== undefined,
        );
      } else {
        check(
          "fault detected",
          `${named} out of service`,
          detected === undefined
            ? `still in service ${after}`
            : `after ${seconds(detected - start)}`,
          detected !== undefined,
        );
      }
      const budget = options.maxMttrMs ?? limits.mttrMs;
      check(
        `time to ${kind === "self-heal" ? "recover" : "replace"} (MTTR)`,
        `≤ ${seconds(budget)}`,
        whole === undefined ? "never" : seconds(whole - start),
        whole !== undefined && whole - start <= budget,
      );
      if (kind === "zone-loss") {
        const zones = [...new Set(healthy(list).map((i) => i.zone))].sort();
        check(
          "group refilled in the remaining zones",
          `${size} healthy, none in ${zone}`,
          `${healthy(list).length} healthy in ${zones.join(", ") || "no zone"}`,
          whole !== undefined && !zones.includes(zone),
        );
      }
    }
    const detectedAfterMs = detected === undefined ? undefined : detected - start;
    const mttrMs = whole === undefined ? undefined : whole - start;
    if (kind === "self-heal") return { mttrMs, detectedAfterMs };
    await target.endFaults?.();
    const sum = samples.reduce((a, b) => a + b, 0);
    const capacity = {
      minPct: Math.round(samples.length === 0 ? 0 : (Math.min(...samples) / size) * 100),
      meanPct: Math.round(samples.length === 0 ? 0 : (sum / samples.length / size) * 100),
      samples: samples.length,
    };
    return kind === "slow" ? { capacity } : { detectedAfterMs, mttrMs, capacity };
  };

  try {
    await sleep(warmupMs);
    if (options.kind === "rollout" || options.kind === "bad-release") {
      const version = to as string;
      const faulty = options.kind === "bad-release";
      const start = Date.now();
      mark(
        `rollout ${from} → ${version} started${faulty ? " (a release whose health check fails)" : ""}`,
      );
      const result = await target.rollout(version, { faulty });
      const end = Date.now();
      mark(`rollout ${result.outcome} after ${seconds(end - start)}: ${result.detail}`);
      rolloutWindow = { start, end };
      figures = {
        rolloutMs: end - start,
        ...(result.haltedAfterMs === undefined ? {} : { haltedAfterMs: result.haltedAfterMs }),
      };
      const expected = faulty ? "rolled-back" : "completed";
      check(
        faulty ? "rollout halted and rolled back" : "rollout completed",
        expected,
        `${result.outcome}: ${result.detail}`,
        result.outcome === expected,
      );
      if (faulty && result.outcome === "completed") {
        // The bad release got through; put the previous version back before anything else.
        mark(`the bad release was not stopped; rolling back to ${from}`);
        const back = await target.rollout(from, { faulty: false });
        mark(`rollback to ${from}: ${back.outcome}`);
      }
    } else {
      figures = await lose(options.kind);
    }
    await sleep(cooldownMs);
  } finally {
    controller.abort();
    probe = await probeDone;
    mark("probe stopped");
  }
  const witness = await witnessDone;
  if (witness !== undefined) {
    check(
      "seed 000 downtime check (curl -m 1 every 0.5 s)",
      "never down",
      witness.verdict === "up"
        ? `up for ${witness.checks} checks`
        : `down at check ${witness.checks} (curl exit ${witness.firstFailure?.exitCode})`,
      witness.verdict === "up",
    );
  }

  const probeStart = Date.parse(probe.startedAt);
  const offset = (epochMs: number) => Math.round(epochMs - probeStart);
  const seen = (version: string) => probe.versions.find((v) => v.version === version);

  const errors = Object.entries(probe.errors).map(([k, n]) => `${k}: ${n}`);
  check(
    "failed requests",
    `≤ ${tolerance}`,
    `${probe.failed} of ${probe.total}${errors.length === 0 ? "" : ` (${errors.join(", ")})`}`,
    probe.failed <= tolerance,
  );

  const current = await target.currentVersion();
  if (options.kind === "rollout" && to !== undefined && rolloutWindow !== undefined) {
    const startOffset = offset(rolloutWindow.start);
    const endOffset = offset(rolloutWindow.end);
    const fresh = seen(to);
    const old = seen(from);
    figures = {
      ...figures,
      newFirstSeenMs: fresh === undefined ? undefined : Math.round(fresh.firstSeenMs - startOffset),
      oldLastSeenMs: old === undefined ? undefined : Math.round(old.lastSeenMs - startOffset),
    };
    check(
      "new version served",
      `${to} answers`,
      fresh === undefined
        ? "never seen"
        : `first seen ${seconds(fresh.firstSeenMs - startOffset)} into the rollout`,
      fresh !== undefined,
    );
    // Layer 4: a TCP load balancer sends new connections to the new instances, but a client's
    // open connection stays on its old instance until that instance closes it at the end of its
    // drain (the Standard Load Balancer's flows live on): the old version may answer until then.
    // Layer 7: a request due after the rollout ended cannot meet an old instance: the load
    // balancer no longer routes to any.
    const drainMs = target.cloudMode?.layer === 4 ? target.cloudMode.drainMs : undefined;
    const limit = drainMs === undefined ? endOffset : endOffset + drainMs + 1_000;
    check(
      drainMs === undefined
        ? "old version gone when the rollout ended"
        : "old version gone once the old instances drained (layer 4: open connections stay)",
      `${from} last seen ≤ ${seconds(limit - startOffset)}`,
      old === undefined ? "never seen" : `last seen ${seconds(old.lastSeenMs - startOffset)}`,
      old === undefined || old.lastSeenMs <= limit,
    );
    check("version after the drill", to, current, current === to);
  }
  if (options.kind === "slow") {
    figures = { ...figures, p99LatencyMs: probe.latencyMs.p99 };
    const p99 = probe.latencyMs.p99 ?? 0;
    check(
      "the fault took effect (p99 latency)",
      `≥ ${Math.round((options.slowMs ?? 300) / 3)} ms`,
      `${Math.round(p99)} ms`,
      p99 >= (options.slowMs ?? 300) / 3,
    );
  }
  if (options.kind === "bad-release" && to !== undefined) {
    const versions = probe.versions.map((v) => `${v.version} ×${v.count}`);
    check(
      "only the old version served",
      `${from} only`,
      versions.join(", ") || "nothing served",
      probe.versions.length === 1 && probe.versions[0]?.version === from,
    );
    check("version after the drill", from, current, current === from);
  }

  const marks: DrillMark[] = [
    ...epochMarks.map((m) => ({ atMs: offset(m.at), by: "drill" as const, what: m.what })),
    ...target
      .events()
      .filter((e) => e.atEpochMs >= probeStart)
      .map((e) => ({ atMs: offset(e.atEpochMs), by: "target" as const, what: e.what })),
  ].sort((a, b) => a.atMs - b.atMs);

  return {
    drill: options.kind,
    target: target.description,
    startedAt: probe.startedAt,
    durationMs: Math.round(probe.durationMs),
    pass: checks.every((c) => c.pass),
    rate: options.rate,
    tolerance,
    versions: { from, ...(to === undefined ? {} : { to }) },
    checks,
    figures: {
      requests: probe.total,
      failedRequests: probe.failed,
      longestOutageMs: probe.longestOutage?.durationMs ?? 0,
      ...figures,
    },
    marks,
    probe,
    ...(witness === undefined ? {} : { witness }),
    ...(target.cloudMode === undefined ? {} : { cloudMode: target.cloudMode }),
  };
}
