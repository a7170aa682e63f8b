import * as pulumi from "@pulumi/pulumi";
import { closest } from "fastest-levenshtein";
import { HighlyAvailableWebServiceArgs, resolveServiceArgs } from "../components/args";
import { Cloud } from "../components/cloud";
import { isPinnedByDigest } from "../components/image";
import { RollingUpdatePolicy } from "../components/rolling";
import {
  expectation,
  problem,
  ruleProblem,
  rulesFor,
  withinBounds,
} from "../components/validation";
import { defaultRegion, knownRegions, regionConfigKey, zonesOf } from "./regions";
import { configSchema, ConfigKey, ConfigValues, KeySpec } from "./schema";

/**
 * Typed, validated stack settings: the only view of configuration the program has. One field per
 * key of the settings table, except three that arrive combined: `zoneCount` as `zones` (with the
 * cloud's `region`), the `rolling*` keys as `rollingUpdate`, and `tags` always set.
 */
export type Settings = Omit<ConfigValues, Combined> & {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly zones: readonly string[];
  readonly rollingUpdate: RollingUpdatePolicy;
  /** User tags plus `project`, `stack` and `managed-by`, which always win. */
  readonly tags: Readonly<Record<string, string>>;
  readonly gcpProject?: string;
};

type Combined =
  | "zoneCount"
  | "rollingMaxSurgePercent"
  | "rollingMaxUnavailablePercent"
  | "rollingMinReadySeconds"
  | "tags";

/** Raised for bad configuration; `problems` holds one message per bad key. */
export class ConfigError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`invalid stack configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

// GCP labels are the strictest of the three clouds, so every tag is held to their rules.
const tagKeyPattern = /^[a-z][a-z0-9_-]{0,62}$/;
const tagValuePattern = /^[a-z0-9_-]{0,63}$/;

/**
 * Turns a stack's raw configuration (`namespace:key` → string, as `pulumi.runtime.allConfig()`
 * returns it) into settings. Every key is checked against its row in the settings table
 * (stacks/schema.ts), whose bounds are the component's rules where it has one; the component's
 * and the cloud's rules between keys (components/validation.ts) are checked on the result, named
 * by the stack keys. Pure: tests call it with plain objects.
 */
export function parseSettings(
  raw: Readonly<Record<string, string>>,
  project: string,
  stack: string,
): Settings {
  const problems: string[] = [];
  const ns = `${project}:`;
  const knownKeys = Object.keys(configSchema);
  for (const fullKey of Object.keys(raw)) {
    if (!fullKey.startsWith(ns)) continue;
    const key = fullKey.slice(ns.length);
    if (!knownKeys.includes(key)) {
      problems.push(
        `${fullKey}: unknown configuration key; did you mean "${ns}${closest(key, knownKeys)}"?`,
      );
    }
  }

  const qualified = (key: string) => (key.includes(":") ? key : ns + key);
  const fail = (key: string, expected: string, got: unknown) => {
    problems.push(problem(qualified(key), expected, JSON.stringify(got)));
  };
  // "" is how Pulumi.yaml declares an optional key (see KeySpec.optional): unset.
  const text = (key: ConfigKey): string | undefined => {
    const value = raw[ns + key];
    if (value !== undefined && value !== "") return value;
    const spec: KeySpec = configSchema[key];
    return spec.default === undefined ? undefined : String(spec.default);
  };
  const check = (key: ConfigKey, spec: KeySpec = configSchema[key]): unknown => {
    const value = text(key);
    if (spec.type === "object") {
      return parseTags(raw[ns + key], (expected, got) => fail(key, expected, got));
    }
    if (spec.type === "boolean") {
      if (value === "true" || value === "false") return value === "true";
      fail(key, "true or false", value);
      return false;
    }
    if (spec.oneOf !== undefined) {
      const index = spec.oneOf.map(String).indexOf(value ?? "");
      if (index < 0) fail(key, expectation(spec), value);
      return spec.oneOf[Math.max(index, 0)];
    }
    if (spec.type === "integer") {
      const given = value ?? "";
      const number = /^-?\d+$/.test(given) ? Number(given) : NaN;
      if (withinBounds(spec, number)) return number;
      fail(key, expectation(spec), given);
      return spec.min ?? 0;
    }
    if (value === undefined && spec.optional !== true) {
      fail(key, `${spec.expected} (set it with \`pulumi config set ${key} <value>\`)`, null);
    } else if (value !== undefined && spec.pattern !== undefined && !spec.pattern.test(value)) {
      fail(key, spec.expected ?? `a value matching ${spec.pattern}`, value);
      return undefined;
    }
    return value;
  };

  const cloud = check("cloud") as Cloud;
  const regionKey = regionConfigKey(cloud);
  const region = raw[regionKey] || defaultRegion(cloud);
  const regionZones = zonesOf(cloud, region);
  if (regionZones === undefined) {
    fail(
      regionKey,
      `a region this project knows (${knownRegions(cloud).join(", ")}); add it to providers/${cloud}/regions.ts`,
      region,
    );
  } else if (regionZones.length < 2) {
    fail(regionKey, `a region with availability zones; ${region} has none`, region);
  }
  const offered = regionZones && regionZones.length >= 2 ? regionZones.length : undefined;
  const zoneCount = check("zoneCount", { ...configSchema.zoneCount, max: offered ?? 3 }) as number;
  if (offered !== undefined && Number(text("zoneCount")) > offered) {
    // check() already reported the range; say why the range is what it is.
    problems[problems.length - 1] += ` (${region} offers ${offered} zones)`;
  }

  const values: Record<string, unknown> = { cloud };
  for (const key of Object.keys(configSchema) as ConfigKey[]) {
    if (key !== "zoneCount" && !(key in values)) values[key] = check(key);
  }
  const {
    rollingMaxSurgePercent,
    rollingMaxUnavailablePercent,
    rollingMinReadySeconds,
    tags,
    ...plain
  } = values as unknown as Omit<ConfigValues, "zoneCount">;

  // prod runs exactly the bytes test ran: a tag can name other bytes later (ACR tags are mutable),
  // a digest cannot. test may take a tag for a hand deploy (docs/runbooks/first-deploy.md).
  if (stack === "prod" && plain.image !== undefined && !isPinnedByDigest(plain.image)) {
    fail(
      "image",
      "an image pinned by digest on prod, <repository>@sha256:<64 hex digits>, the digest test ran",
      plain.image,
    );
  }

  const gcpProject = raw["gcp:project"] || undefined;
  const settings: Settings = {
    ...plain,
    project,
    stack,
    region,
    zones: (regionZones ?? []).slice(0, zoneCount),
    appVersion: plain.appVersion ?? "",
    rollingUpdate: {
      maxSurgePercent: rollingMaxSurgePercent,
      maxUnavailablePercent: rollingMaxUnavailablePercent,
      minReadySeconds: rollingMinReadySeconds,
    },
    tags: { ...tags, project, stack, "managed-by": "pulumi" },
    gcpProject,
  };
  // A rule with bounds was checked on its key's text above; the others hold between keys.
  const args = resolveServiceArgs(settings);
  for (const rule of rulesFor(cloud)) {
    if (rule.keys === undefined || rule.check === undefined) continue;
    const found = ruleProblem(rule, args, rule.keys.map(qualified).join(", "));
    if (found !== undefined) problems.push(found);
  }

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return settings;
}

function parseTags(
  text: string | undefined,
  fail: (expected: string, got: unknown) => void,
): Record<string, string> {
  if (text === undefined || text === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail("an object of tag names to strings", text);
    return {};
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail("an object of tag names to strings", value);
    return {};
  }
  const tags: Record<string, string> = {};
  for (const [key, tagValue] of Object.entries(value)) {
    if (
      !tagKeyPattern.test(key) ||
      typeof tagValue !== "string" ||
      !tagValuePattern.test(tagValue)
    ) {
      fail(
        "tags whose names and values are lower-case letters, digits, _ or -, up to 63 characters (GCP label rules)",
        { [key]: tagValue },
      );
      continue;
    }
    tags[key] = tagValue;
  }
  return tags;
}

/** Reads the running stack's configuration. The only place the program touches `pulumi.Config`. */
export function loadSettings(): Settings {
  return parseSettings(pulumi.runtime.allConfig(), pulumi.getProject(), pulumi.getStack());
}

/**
 * The component's args for these settings: the settings themselves, project and stack included,
 * so no cloud module asks the engine for them. Typed, so the compiler holds the settings table
 * and the component's args to the same names and types.
 */
export function toServiceArgs(settings: Settings): HighlyAvailableWebServiceArgs {
  return settings;
}
