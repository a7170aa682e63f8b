import * as pulumi from "@pulumi/pulumi";
import { closest } from "fastest-levenshtein";
import { HighlyAvailableWebServiceArgs } from "../components/args";
import { Cloud, clouds, InstanceSize, instanceSizes } from "../components/cloud";
import { isPinnedByDigest } from "../components/image";
import { RollingUpdatePolicy } from "../components/rolling";
import { defaultRegion, knownRegions, regionConfigKey, zonesOf } from "./regions";
import { configSchema, ConfigKey } from "./schema";

/** Typed, validated stack settings: the only view of configuration the program has. */
export interface Settings {
  readonly project: string;
  readonly stack: string;
  readonly cloud: Cloud;
  readonly region: string;
  readonly zones: readonly string[];
  readonly instanceSize: InstanceSize;
  readonly minInstances: number;
  readonly desiredInstances: number;
  readonly maxInstances: number;
  readonly appVersion: string;
  readonly image?: string;
  readonly domain?: string;
  readonly awsHostedZone?: string;
  readonly alertEmail?: string;
  readonly logRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly natGateways: "single" | "perZone";
  readonly drainingTimeoutSeconds: number;
  readonly rollingUpdate: RollingUpdatePolicy;
  /** User tags plus `project`, `stack` and `managed-by`, which always win. */
  readonly tags: Readonly<Record<string, string>>;
  readonly gcpProject?: string;
  readonly gcpAllowIapSsh: boolean;
  readonly gcpCloudArmorEnforce: boolean;
  readonly gcpReplaceInstanceGroup: boolean;
  readonly awsPermissionsBoundary?: string;
  readonly azureSshPublicKey?: string;
}

/** Raised for bad configuration; `problems` holds one message per bad key. */
export class ConfigError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`invalid stack configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

// Loose on purpose: semver core with an optional pre-release, as release tags are written.
const versionPattern = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
// registry/path[:tag][@sha256:digest], lower-case path components as the OCI spec requires.
const imagePattern =
  /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const domainPattern = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const emailPattern =
  /^[^\s@]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const sshKeyPattern = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$/;
// GCP labels are the strictest of the three clouds, so every tag is held to their rules.
const tagKeyPattern = /^[a-z][a-z0-9_-]{0,62}$/;
const tagValuePattern = /^[a-z0-9_-]{0,63}$/;
const gcpProjectPattern = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/**
 * Turns a stack's raw configuration (`namespace:key` → string, as `pulumi.runtime.allConfig()`
 * returns it) into settings. Pure: tests call it with plain objects.
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

  const read = (key: ConfigKey): string | undefined => raw[ns + key];
  const fail = (key: string, expected: string, got: unknown) => {
    problems.push(
      `${key.includes(":") ? key : ns + key}: expected ${expected}; got ${JSON.stringify(got)}`,
    );
  };
  const str = (key: ConfigKey): string | undefined => {
    const value = read(key);
    if (value !== undefined && value !== "") return value;
    const spec = configSchema[key] as { default?: unknown };
    return spec.default === undefined ? undefined : String(spec.default);
  };
  const int = (key: ConfigKey, min: number, max: number): number => {
    const text = str(key) ?? "";
    const value = Number(text);
    if (!/^-?\d+$/.test(text) || value < min || value > max) {
      fail(key, `a whole number from ${min} to ${max}`, text);
      return min;
    }
    return value;
  };
  const bool = (key: ConfigKey): boolean => {
    const text = str(key);
    if (text !== "true" && text !== "false") {
      fail(key, "true or false", text);
      return false;
    }
    return text === "true";
  };
  function oneOf<T extends string>(key: ConfigKey, allowed: readonly T[]): T {
    const text = str(key);
    if (!allowed.includes(text as T)) {
      fail(key, `one of ${allowed.join(", ")}`, text);
      return allowed[0];
    }
    return text as T;
  }
  const matching = (key: ConfigKey, pattern: RegExp, expected: string): string | undefined => {
    const text = str(key);
    if (text !== undefined && !pattern.test(text)) {
      fail(key, expected, text);
      return undefined;
    }
    return text;
  };

  const cloud = oneOf("cloud", clouds);
  const regionKey = regionConfigKey[cloud];
  const region = raw[regionKey] || defaultRegion[cloud];
  const regionZones = zonesOf(cloud, region);
  if (regionZones === undefined) {
    fail(
      regionKey,
      `a region this project knows (${knownRegions(cloud).join(", ")}); add it to stacks/regions.ts`,
      region,
    );
  } else if (regionZones.length < 2) {
    fail(regionKey, `a region with availability zones; ${region} has none`, region);
  }
  const maxZones = regionZones && regionZones.length >= 2 ? regionZones.length : 3;
  const zoneCount = int("zoneCount", 2, maxZones);
  if (regionZones && regionZones.length >= 2 && Number(str("zoneCount")) > regionZones.length) {
    // int() already reported the range; say why the range is what it is.
    problems[problems.length - 1] += ` (${region} offers ${regionZones.length} zones)`;
  }

  const minInstances = int("minInstances", 2, 100);
  const desiredInstances = int("desiredInstances", 2, 100);
  const maxInstances = int("maxInstances", 2, 100);
  if (minInstances > maxInstances) {
    fail("minInstances", `at most maxInstances (${maxInstances})`, minInstances);
  } else if (desiredInstances < minInstances || desiredInstances > maxInstances) {
    fail(
      "desiredInstances",
      `between minInstances (${minInstances}) and maxInstances (${maxInstances})`,
      desiredInstances,
    );
  }

  const appVersion = str("appVersion");
  if (appVersion === undefined) {
    fail(
      "appVersion",
      "a version such as 1.0.6 (set it with `pulumi config set appVersion 1.0.6`)",
      null,
    );
  } else if (!versionPattern.test(appVersion)) {
    fail("appVersion", "a version such as 1.0.6 or 1.1.0-rc.1", appVersion);
  }

  const tags = parseTags(read("tags"), (expected, got) => fail("tags", expected, got));

  const gcpProject = raw["gcp:project"] || undefined;
  if (cloud === "gcp") {
    if (gcpProject === undefined) {
      fail(
        "gcp:project",
        "a GCP project id when cloud is gcp (pulumi config set gcp:project <id>)",
        null,
      );
    } else if (!gcpProjectPattern.test(gcpProject)) {
      fail("gcp:project", "a project id: 6-30 lower-case letters, digits or hyphens", gcpProject);
    }
  }

  const settings: Settings = {
    project,
    stack,
    cloud,
    region,
    zones: (regionZones ?? []).slice(0, zoneCount),
    instanceSize: oneOf("instanceSize", instanceSizes),
    minInstances,
    desiredInstances,
    maxInstances,
    appVersion: appVersion ?? "",
    image: matching(
      "image",
      imagePattern,
      "an image reference such as registry.example.com/team/app:1.0.6",
    ),
    domain: matching("domain", domainPattern, "a lower-case DNS name such as www.example.com"),
    awsHostedZone: matching(
      "awsHostedZone",
      domainPattern,
      "the name of a Route 53 public hosted zone, lower case, such as example.com",
    ),
    alertEmail: matching("alertEmail", emailPattern, "an email address such as oncall@example.com"),
    logRetentionDays: oneOfNumbers(
      "logRetentionDays",
      [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653],
    ),
    deletionProtection: bool("deletionProtection"),
    natGateways: oneOf("natGateways", ["single", "perZone"] as const),
    drainingTimeoutSeconds: int("drainingTimeoutSeconds", 10, 105),
    rollingUpdate: {
      maxSurgePercent: int("rollingMaxSurgePercent", 0, 100),
      maxUnavailablePercent: int("rollingMaxUnavailablePercent", 0, 100),
      minReadySeconds: int("rollingMinReadySeconds", 0, 3600),
    },
    tags: { ...tags, project, stack, "managed-by": "pulumi" },
    gcpProject,
    gcpAllowIapSsh: bool("gcpAllowIapSsh"),
    gcpCloudArmorEnforce: bool("gcpCloudArmorEnforce"),
    gcpReplaceInstanceGroup: bool("gcpReplaceInstanceGroup"),
    awsPermissionsBoundary: matching(
      "awsPermissionsBoundary",
      /^arn:aws(-[a-z]+)*:iam::\d{12}:policy\/[\w+=,.@/-]{1,128}$/,
      "an IAM policy ARN such as arn:aws:iam::123456789012:policy/ha-web-service-workload-boundary",
    ),
    azureSshPublicKey: matching(
      "azureSshPublicKey",
      sshKeyPattern,
      "an OpenSSH public key (ssh-ed25519 AAAA...)",
    ),
  };

  // prod runs exactly the bytes test ran: a tag can name other bytes later (ACR tags are mutable),
  // a digest cannot. test may take a tag for a hand deploy (docs/runbooks/first-deploy.md).
  if (stack === "prod" && settings.image !== undefined && !isPinnedByDigest(settings.image)) {
    fail(
      "image",
      "an image pinned by digest on prod, <repository>@sha256:<64 hex digits>, the digest test ran",
      settings.image,
    );
  }

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return settings;

  function oneOfNumbers(key: ConfigKey, allowed: readonly number[]): number {
    const text = str(key);
    if (!allowed.map(String).includes(text ?? "")) {
      fail(key, `one of ${allowed.join(", ")}`, text);
      return allowed[0];
    }
    return Number(text);
  }
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

/** The component's args for these settings. */
export function toServiceArgs(settings: Settings): HighlyAvailableWebServiceArgs {
  return {
    cloud: settings.cloud,
    region: settings.region,
    zones: settings.zones,
    appVersion: settings.appVersion,
    image: settings.image,
    instanceSize: settings.instanceSize,
    minInstances: settings.minInstances,
    desiredInstances: settings.desiredInstances,
    maxInstances: settings.maxInstances,
    rollingUpdate: settings.rollingUpdate,
    drainingTimeoutSeconds: settings.drainingTimeoutSeconds,
    domain: settings.domain,
    awsHostedZone: settings.awsHostedZone,
    alertEmail: settings.alertEmail,
    logRetentionDays: settings.logRetentionDays,
    deletionProtection: settings.deletionProtection,
    natGateways: settings.natGateways,
    tags: settings.tags,
    gcpProject: settings.gcpProject,
    gcpAllowIapSsh: settings.gcpAllowIapSsh,
    gcpCloudArmorEnforce: settings.gcpCloudArmorEnforce,
    gcpReplaceInstanceGroup: settings.gcpReplaceInstanceGroup,
    awsPermissionsBoundary: settings.awsPermissionsBoundary,
    azureSshPublicKey: settings.azureSshPublicKey,
  };
}
