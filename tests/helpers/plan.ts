import assert from "node:assert/strict";
import { Cloud } from "../../components/cloud";
import { PlannedResource } from "../../tools/plan/recorder";
import { PlanResult, runPlan } from "../../tools/plan/run";

export type { PlannedResource, PlanResult };

/**
 * Plans a stack file under mocks, as `npm run plan` does. Results are cached per argument set
 * (per mocha worker) because planning is the slow part; a cached plan is deep-frozen, so a test
 * that mutated it, and so changed what later tests see, fails with a TypeError instead.
 */
const cache = new Map<string, Promise<PlanResult>>();

export function planStack(
  stack: string,
  cloud?: Cloud,
  overrides: Readonly<Record<string, string>> = {},
): Promise<PlanResult> {
  const key = JSON.stringify([stack, cloud, overrides]);
  let plan = cache.get(key);
  if (!plan) {
    plan = exclusively(() => runPlan({ stack, cloud, overrides })).then(deepFreeze);
    cache.set(key, plan);
  }
  return plan;
}

/** Freezes `value` and every plain object and array under it (test modules run in strict mode). */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}

/**
 * Runs `work` after everything queued before it has settled. Plans must not interleave: each
 * installs its own global mocks and configuration (so does a plan command run in-process).
 */
export function exclusively<T>(work: () => Promise<T>): Promise<T> {
  const result = queue.then(work);
  queue = result.then(
    () => undefined,
    () => undefined,
  );
  return result;
}
let queue: Promise<unknown> = Promise.resolve();

/** Every resource of a type, in registration order. */
export function ofType(plan: Pick<PlanResult, "resources">, type: string): PlannedResource[] {
  return plan.resources.filter((resource) => resource.type === type);
}

/** The single resource of a type (and name, when given); fails when there is not exactly one. */
export function one(
  plan: Pick<PlanResult, "resources">,
  type: string,
  name?: string,
): PlannedResource {
  const found = ofType(plan, type).filter((r) => name === undefined || r.name === name);
  assert.equal(
    found.length,
    1,
    `expected exactly one ${type}${name ? ` named ${name}` : ""}; found ${found.map((r) => r.name).join(", ") || "none"}`,
  );
  return found[0];
}

/** A deep copy of a plan whose resources a test may break on purpose. */
export function copyPlan(plan: Pick<PlanResult, "resources">): { resources: PlannedResource[] } {
  return { resources: structuredClone(plan.resources) as PlannedResource[] };
}

/** Parses a JSON document input (IAM policies, container definitions) the way the cloud would. */
export function json<T = unknown>(value: unknown): T {
  assert.equal(typeof value, "string", "expected a JSON document string");
  return JSON.parse(value as string) as T;
}

/**
 * A rule the tests guard, checked against a plan. `breakIt` returns a copy of the plan with the
 * rule violated; `guardedRule` proves the check passes on the real plan and fails on the broken
 * one, so a check that can never fail is caught.
 */
export interface GuardedRule<P extends Pick<PlanResult, "resources">> {
  readonly name: string;
  readonly check: (plan: P) => void;
  readonly breakIt: (plan: P) => P;
}

export function guardedRules<P extends Pick<PlanResult, "resources">>(
  load: () => Promise<P>,
  rules: readonly GuardedRule<P>[],
): void {
  for (const rule of rules) {
    it(`${rule.name}`, async () => {
      rule.check(await load());
    });
    it(`${rule.name} — fails when broken`, async () => {
      const broken = rule.breakIt(await load());
      assert.throws(() => rule.check(broken), assert.AssertionError);
    });
  }
}
