/**
 * Helpers the policies share. The pack imports nothing but @pulumi/policy and these files, so it
 * runs as is under `pulumi preview --policy-pack policy` (which type-checks it with ts-node) and can
 * be published on its own.
 *
 * Properties arrive loosely typed: the engine hands policies the provider-checked inputs, where a
 * JSON document (an IAM policy, a provider's `defaultTags`) is a string, numbers set from config
 * can be strings, and anything unset is absent. The readers below accept each of those shapes, so
 * the same policy works on the engine's props and on the offline plan's recorded inputs.
 */
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

export type Props = Readonly<Record<string, unknown>>;

export function asObject(value: unknown): Props | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Props)
    : undefined;
}

/** An array, a single value as a one-element array, or nothing as an empty one. */
export function asArray(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function asStrings(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === "string");
}

/** Numbers, and numeric strings as Azure and provider config carry them. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) {
    return Number(value);
  }
  return undefined;
}

export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}

/** A JSON document given either as text (how Pulumi passes IAM policies) or already parsed. */
export function jsonDocument(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** Follows a path of keys and array indexes; `undefined` as soon as one is missing. */
export function at(value: unknown, ...path: readonly (string | number)[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (typeof key === "number") {
      if (!Array.isArray(current)) return undefined;
      current = current[key];
    } else {
      const record = asObject(current);
      if (record === undefined) return undefined;
      current = record[key];
    }
  }
  return current;
}

/**
 * Whether a property is set, without reading its value. During a preview the engine hands over
 * ids of resources not yet created as unknowns, and reading one makes the policy SDK skip the
 * policy with a "can't run during preview" notice; `in` does not read, so a check that only needs
 * to know a health check or SSL policy is attached still runs.
 */
export function present(value: unknown, ...path: readonly string[]): boolean {
  const parents = path.slice(0, -1);
  const parent = asObject(at(value, ...parents));
  return parent !== undefined && path[path.length - 1] in parent;
}

// ---------------------------------------------------------------------------------------------
// Addresses and ports

/** Inclusive port range. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export const allPorts: PortRange = { from: 0, to: 65535 };

/** `"80"`, `"8000-8080"`, `"*"`; anything unreadable is taken as every port, to fail safe. */
export function parsePortRange(text: string): PortRange {
  const trimmed = text.trim();
  if (trimmed === "*" || trimmed === "") return allPorts;
  const match = /^(\d+)(?:-(\d+))?$/.exec(trimmed);
  if (!match) return allPorts;
  const from = Number(match[1]);
  return { from, to: match[2] === undefined ? from : Number(match[2]) };
}

export function rangeIncludes(range: PortRange, port: number): boolean {
  return range.from <= port && port <= range.to;
}

/** Whether every port of `range` is one of `allowed`. */
export function rangeWithin(range: PortRange, allowed: readonly number[]): boolean {
  if (range.to - range.from > 65535) return false;
  for (let port = range.from; port <= range.to; port++) {
    if (!allowed.includes(port)) return false;
  }
  return true;
}

export function describeRange(range: PortRange): string {
  if (range.from === 0 && range.to === 65535) return "every port";
  return range.from === range.to ? `port ${range.from}` : `ports ${range.from}-${range.to}`;
}

/** Ports that must never be reachable from the internet: SSH and RDP. */
export const adminPorts = [22, 3389] as const;

function ipv4ToNumber(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** `[first, last]` address of an IPv4 CIDR (a bare address is a /32); undefined if not IPv4. */
export function ipv4Range(cidr: string): [number, number] | undefined {
  const [address, bits = "32"] = cidr.trim().split("/");
  const start = ipv4ToNumber(address);
  const prefix = Number(bits);
  if (start === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
    return undefined;
  }
  const size = 2 ** (32 - prefix);
  const first = Math.floor(start / size) * size;
  return [first, first + size - 1];
}

/** Whether every address of `inner` lies inside `outer` (both IPv4 CIDRs). */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = ipv4Range(inner);
  const b = ipv4Range(outer);
  return a !== undefined && b !== undefined && b[0] <= a[0] && a[1] <= b[1];
}

/** RFC 1918 and RFC 6598 (carrier-grade NAT) space: not reachable from the internet. */
const privateIpv4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

/**
 * Whether a source address range includes addresses on the internet. Any range not wholly private
 * counts, not only 0.0.0.0/0: `0.0.0.0/1` plus `128.0.0.0/1` is the whole internet too, and a
 * single public /32 is still a path from the internet. Azure's service tags `Internet`, `*` and
 * `Any` count as well; unreadable text counts, to fail safe.
 */
export function isPublicSource(source: string): boolean {
  const text = source.trim();
  if (["*", "internet", "any"].includes(text.toLowerCase())) return true;
  if (text.includes(":")) {
    // IPv6: unique-local (fc00::/7) and link-local (fe80::/10) are private; everything else is not.
    return !/^(f[cd][0-9a-f]{0,2}|fe[89ab][0-9a-f]?):/i.test(text);
  }
  if (ipv4Range(text) === undefined) {
    // Azure's other service tags (VirtualNetwork, AzureLoadBalancer, ...) name Azure's own address
    // space, not internet clients. Anything else unreadable counts as public.
    return !/^[A-Za-z][A-Za-z0-9.]*$/.test(text);
  }
  return !privateIpv4.some((range) => cidrWithin(text, range));
}

// ---------------------------------------------------------------------------------------------
// Policy construction

/** Checks one resource's properties; `report` records a violation against it. */
export type ResourceCheck = (
  props: Props,
  report: (message: string) => void,
  args: ResourceValidationArgs,
) => void;

/**
 * A resource policy defined as a table from type token to check, so that covering another cloud
 * or resource type is one more entry. Types are matched by token rather than with
 * `validateResourceOfType(aws.ecs.Service, ...)`: that would load all three provider SDKs (seconds
 * of start-up) into a pack that only reads properties, and the engine sends the token anyway.
 * `patterns` serve type families too many to list (GCP has one IAM member type per resource kind).
 */
export function resourcePolicy(
  meta: Omit<ResourceValidationPolicy, "validateResource" | "remediateResource">,
  checks: Readonly<Record<string, ResourceCheck>>,
  patterns: readonly (readonly [RegExp, ResourceCheck])[] = [],
): ResourceValidationPolicy {
  return {
    ...meta,
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      const check = checks[args.type] ?? patterns.find(([pattern]) => pattern.test(args.type))?.[1];
      if (check) check(args.props, (message) => reportViolation(message), args);
    },
  };
}

/** The same check for several types. */
export function forTypes(
  types: readonly string[],
  check: ResourceCheck,
): Record<string, ResourceCheck> {
  return Object.fromEntries(types.map((type) => [type, check]));
}
