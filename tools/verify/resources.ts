/**
 * Small readers over a plan's resources, shared by the diagram and cost tools. Inputs are plain
 * JSON (the recorder masks secrets), so a few typed accessors are all that is needed.
 */
import { PlannedResource } from "../plan/recorder";

export type Resources = readonly PlannedResource[];

export function ofType(resources: Resources, ...types: readonly string[]): PlannedResource[] {
  return resources.filter((r) => types.includes(r.type));
}

/** The first resource of a type, or undefined. */
export function first(
  resources: Resources,
  ...types: readonly string[]
): PlannedResource | undefined {
  return resources.find((r) => types.includes(r.type));
}

/** Follows keys and indexes through inputs; undefined when any step is missing. */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function num(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) {
    return Number(value);
  }
  return undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function strings(value: unknown): string[] {
  return list(value).filter((v): v is string => typeof v === "string");
}

/** A JSON document input (IAM policy, provider tags), parsed; undefined when unreadable. */
export function json(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}
