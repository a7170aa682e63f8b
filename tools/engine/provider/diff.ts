import { isDeepStrictEqual } from "node:util";
import { replaceProperties } from "./replacements";

export interface InputDiff {
  /** Top-level input properties whose value changed, was added or was removed. */
  readonly changed: string[];
  /** The changed ones the real provider cannot update in place. */
  readonly replaces: string[];
}

/**
 * Compares a resource's old and new inputs the way the real providers decide: any changed input is
 * an update, and a change to a property in the replacement table (replacements.ts) is a
 * replacement. An unknown new value (a preview of something computed) counts as a change, as the
 * bridge counts it. Properties are compared whole, so a change anywhere inside `sku` changes `sku`.
 */
export function diffInputs(
  type: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): InputDiff {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  const changed = [...keys].filter((key) => !isDeepStrictEqual(olds[key], news[key])).sort();
  const replaceOn = new Set(replaceProperties(type));
  return { changed, replaces: changed.filter((key) => replaceOn.has(key)) };
}

/**
 * The inputs a refresh records, as the providers compute them: the old inputs with each value that
 * changed in the cloud (old state to live state) carried over, so a drifted capacity becomes the
 * recorded input (pulumi/pulumi-azure-native provider/pkg/provider/provider.go Read: "Calculate the
 * difference between two projections ... Apply this difference to the actual inputs"; the bridge
 * does the same through ExtractInputsFromOutputs).
 */
export function refreshedInputs(
  inputs: Record<string, unknown>,
  oldState: Record<string, unknown>,
  liveState: Record<string, unknown>,
): Record<string, unknown> {
  const carry = (input: unknown, old: unknown, live: unknown): unknown => {
    if (isDeepStrictEqual(old, live)) return input;
    if (isRecord(input) && isRecord(old) && isRecord(live)) {
      return Object.fromEntries(
        Object.entries(input).map(([k, v]) => [k, carry(v, old[k], live[k])]),
      );
    }
    return live;
  };
  return Object.fromEntries(
    Object.entries(inputs).map(([key, value]) => [
      key,
      carry(value, oldState[key], liveState[key]),
    ]),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
