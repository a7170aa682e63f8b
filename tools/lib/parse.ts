import { Cloud, clouds } from "../../components/cloud";
import { UsageError } from "./errors";

/** The error for a flag whose value is not what it accepts. */
function refuse(flag: string, expected: string, text: string): never {
  throw new UsageError(`--${flag}: expected ${expected}; got ${JSON.stringify(text)}`);
}

/** `parse(text)` for a flag that was given; `undefined` for one that was not. */
export function ifGiven<T>(text: string | undefined, parse: (text: string) => T): T | undefined {
  return text === undefined ? undefined : parse(text);
}

/** `--cloud`: one of the clouds the component deploys to. */
export function parseCloud(text: string, flag = "cloud"): Cloud {
  if ((clouds as readonly string[]).includes(text)) return text as Cloud;
  return refuse(flag, `one of ${clouds.join(", ")}`, text);
}

const durationUnits: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** "500ms", "1.5s", "2m", "1h" → milliseconds. A bare number is refused: 30 what? */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  const value = match === null ? NaN : Number(match[1]) * (durationUnits[match[2] ?? ""] ?? NaN);
  if (!Number.isFinite(value) || value <= 0) {
    refuse(flag, "a duration such as 500ms, 30s, 2m or 1h", text);
  }
  return Math.round(value);
}

const rateUnits: Readonly<Record<string, number>> = { s: 1, m: 1 / 60, h: 1 / 3600 };

/** Requests per second from "2/s", "120/m", "50" (per second), or "max" (as fast as possible). */
export function parseRate(text: string, flag: string): number | "max" {
  const trimmed = text.trim();
  if (trimmed === "max") return "max";
  const match = /^(\d+(?:\.\d+)?)(?:\/(s|m|h))?$/.exec(trimmed);
  const value = match === null ? NaN : Number(match[1]) * (rateUnits[match[2] ?? "s"] ?? NaN);
  if (!Number.isFinite(value) || value <= 0) {
    refuse(flag, "a rate such as 2/s, 120/m, 50 (per second) or max", text);
  }
  return value;
}

/** An http:// or https:// URL, for --url. */
export function parseHttpUrl(text: string, flag: string): URL {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || !["http:", "https:"].includes(url.protocol)) {
    refuse(flag, "an http:// or https:// URL", text);
  }
  return url;
}

export function parsePositiveInt(
  text: string,
  flag: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    refuse(flag, `an integer from 1 to ${max}`, text);
  }
  return value;
}

/** How many failed requests a run may have and still pass. */
export type Tolerance =
  | { readonly kind: "count"; readonly value: number }
  | { readonly kind: "percent"; readonly value: number };

/** "3" (failed requests) or "0.5%" (of all requests). */
export function parseTolerance(text: string, flag: string): Tolerance {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const value = match === null ? NaN : Number(match[1]);
  const percent = match?.[2] === "%";
  if (!Number.isFinite(value) || (percent ? value > 100 : !Number.isInteger(value))) {
    refuse(flag, "a number of failed requests such as 3, or a share such as 0.5%", text);
  }
  return percent ? { kind: "percent", value } : { kind: "count", value };
}

/** Whether `failed` of `total` requests is within `tolerance`. */
export function withinTolerance(failed: number, total: number, tolerance: Tolerance): boolean {
  if (tolerance.kind === "count") return failed <= tolerance.value;
  return total === 0 ? failed === 0 : (failed / total) * 100 <= tolerance.value;
}

/** 950 → "950 ms", 1500 → "1.5 s", 90000 → "1m30s": for humans, never parsed back. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m${Math.round((ms - minutes * 60_000) / 1_000)}s`;
}
