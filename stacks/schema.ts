import { serviceDefaults } from "../components/args";
import { defaultRollingUpdatePolicy } from "../components/rolling";
import { Bounds, boundsOf, serviceRules } from "../components/validation";

/**
 * The settings table: every project configuration key, declared once with its type, default,
 * accepted values and description. Everything else is derived from it or checked against it:
 * the `Settings` type and the parser (stacks/settings.ts), `Pulumi.yaml`'s `config:` block and
 * the README's settings table (both rendered by stacks/render.ts, `npm run settings:render`;
 * tests/unit/settings.test.ts fails when either is stale). A key the component holds to a rule
 * takes the rule's bounds and reason from the component's table of rules (`serviceRules`), and
 * its default from `serviceDefaults`, so each is written once.
 */
export type KeyType = "string" | "integer" | "boolean" | "object";

export interface KeySpec extends Bounds {
  readonly type: KeyType;
  readonly description: string;
  readonly default?: string | number | boolean;
  /**
   * Optional with no value of its own: `Pulumi.yaml` declares it with an empty default ("" or
   * {}), which the settings read as unset. A key with no default at all is required by the
   * engine: a stack without it does not run (mergeConfig, pulumi/pulumi
   * sdk/go/common/workspace/config.go).
   */
  readonly optional?: true;
  /** A string must match it; `expected` says what is accepted, in the words of the error. */
  readonly pattern?: RegExp;
  readonly expected?: string;
}

// registry/path[:tag][@sha256:digest], lower-case path components as the OCI spec requires.
const imagePattern =
  /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const domainPattern = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const emailPattern =
  /^[^\s@]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const sshKeyPattern = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$/;
const policyArnPattern = /^arn:aws(-[a-z]+)*:iam::\d{12}:policy\/[\w+=,.@/-]{1,128}$/;
// Loose on purpose: semver core with an optional pre-release, as release tags are written.
export const versionPattern = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

const rule = serviceRules;

export const configSchema = {
  cloud: {
    type: "string",
    default: "aws",
    ...boundsOf(rule.cloud),
    description:
      "Cloud to deploy to, one of aws, gcp, azure. The region comes from aws:region, gcp:region or azure-native:location.",
  },
  zoneCount: {
    type: "integer",
    default: 2,
    // The most is the region's zone count (providers/<cloud>/regions.ts), checked by the parser.
    min: rule.zoneCount.min,
    description:
      "Zones the instances are spread over (at least 2, at most what the region offers).",
  },
  instanceSize: {
    type: "string",
    default: serviceDefaults.instanceSize,
    ...boundsOf(rule.instanceSize),
    description:
      "Neutral instance size, one of small, medium, large (mapped to Fargate CPU/memory, GCE machine types, Azure VM sizes).",
  },
  minInstances: {
    type: "integer",
    ...boundsOf(rule.minInstances),
    default: 2,
    description: "Fewest instances autoscaling keeps (at least 2).",
  },
  desiredInstances: {
    type: "integer",
    ...boundsOf(rule.desiredInstances),
    default: 2,
    description: "Instances at deploy time, between minInstances and maxInstances.",
  },
  maxInstances: {
    type: "integer",
    ...boundsOf(rule.maxInstances),
    default: 4,
    description: "Most instances autoscaling may add.",
  },
  appVersion: {
    type: "string",
    pattern: versionPattern,
    expected: "a version such as 1.0.6 or 1.1.0-rc.1",
    description: "Version the service image serves at /version.txt, such as 1.0.6. Required.",
  },
  image: {
    type: "string",
    optional: true,
    pattern: imagePattern,
    expected: "an image reference such as registry.example.com/team/app:1.0.6",
    description:
      "Container image to run, <repository>@sha256:<digest> (prod takes a digest only; the pipeline sets it). Defaults to the bootstrap's shared repository at appVersion.",
  },
  domain: {
    type: "string",
    optional: true,
    pattern: domainPattern,
    expected: "a lower-case DNS name such as www.example.com",
    description:
      "Public DNS name. When set, the service serves HTTPS with a managed certificate and redirects HTTP.",
  },
  awsHostedZone: {
    type: "string",
    optional: true,
    pattern: domainPattern,
    expected: "the name of a Route 53 public hosted zone, lower case, such as example.com",
    description:
      "AWS only. Route 53 public hosted zone that holds domain, such as example.com for www.example.com. Required on AWS when domain is set.",
  },
  alertEmail: {
    type: "string",
    optional: true,
    pattern: emailPattern,
    expected: "an email address such as oncall@example.com",
    description: "Email address subscribed to the service's alarms.",
  },
  logRetentionDays: {
    type: "integer",
    default: serviceDefaults.logRetentionDays,
    ...boundsOf(rule.logRetentionDays),
    description: "Days logs are kept (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...).",
  },
  deletionProtection: {
    type: "boolean",
    default: serviceDefaults.deletionProtection,
    description: "Protect the load balancer and what else the cloud allows from deletion.",
  },
  natGateways: {
    type: "string",
    default: serviceDefaults.natGateways,
    oneOf: ["single", "perZone"],
    description:
      "Egress NAT for private instances, single (one for the service) or perZone (survives a zone loss).",
  },
  drainingTimeoutSeconds: {
    type: "integer",
    default: serviceDefaults.drainingTimeoutSeconds,
    ...boundsOf(rule.drainingTimeoutSeconds),
    description:
      "Seconds the load balancer drains a departing instance; the image drains as long (10-105).",
  },
  rollingMaxSurgePercent: {
    type: "integer",
    ...boundsOf(rule.rollingMaxSurgePercent),
    default: defaultRollingUpdatePolicy.maxSurgePercent,
    description: "Extra instances a rollout may start, as a percentage of desiredInstances.",
  },
  rollingMaxUnavailablePercent: {
    type: "integer",
    ...boundsOf(rule.rollingMaxUnavailablePercent),
    default: defaultRollingUpdatePolicy.maxUnavailablePercent,
    description:
      "Instances a rollout may take out of service, as a percentage. 0 keeps full capacity.",
  },
  rollingMinReadySeconds: {
    type: "integer",
    default: defaultRollingUpdatePolicy.minReadySeconds,
    ...boundsOf(rule.rollingMinReadySeconds),
    description: "Seconds a new instance must stay healthy before the rollout moves on.",
  },
  tags: {
    type: "object",
    optional: true,
    description:
      'Extra tags or labels for every resource, as an object: {"team": "platform"}. Keys are lower-case.',
  },
  gcpAllowIapSsh: {
    type: "boolean",
    default: serviceDefaults.gcpAllowIapSsh,
    description:
      "GCP only. Allow SSH to instances from Google's IAP range (never from the internet).",
  },
  gcpCloudArmorEnforce: {
    type: "boolean",
    default: serviceDefaults.gcpCloudArmorEnforce,
    description:
      "GCP only. Enforce Cloud Armor's preconfigured WAF rules; false runs them in preview (logged, not blocked).",
  },
  gcpReplaceInstanceGroup: {
    type: "boolean",
    default: serviceDefaults.gcpReplaceInstanceGroup,
    description:
      "GCP only. Let a zoneCount change replace the instance group; only while following docs/runbooks/gcp-instance-group.md.",
  },
  awsPermissionsBoundary: {
    type: "string",
    optional: true,
    pattern: policyArnPattern,
    expected:
      "an IAM policy ARN such as arn:aws:iam::123456789012:policy/ha-web-service-workload-boundary",
    description:
      "AWS only. ARN of the permissions boundary on every IAM role of the service (the bootstrap's stackConfig output). The bootstrap's deploy roles can create roles only with it.",
  },
  azureSshPublicKey: {
    type: "string",
    optional: true,
    pattern: sshKeyPattern,
    expected: "an OpenSSH public key (ssh-ed25519 AAAA...)",
    description:
      "Azure only. OpenSSH public key for the admin user; password login is always disabled.",
  },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof configSchema;
type Schema = typeof configSchema;

/** The value a key's spec describes: its `oneOf` union, or the JSON type. */
type ValueOf<S> = S extends { readonly oneOf: readonly (infer T)[] }
  ? T
  : S extends { readonly type: "integer" }
    ? number
    : S extends { readonly type: "boolean" }
      ? boolean
      : S extends { readonly type: "object" }
        ? Readonly<Record<string, string>>
        : string;

/** One field per key: optional keys may be unset, the others always have a value. */
export type ConfigValues = {
  readonly [K in ConfigKey as Schema[K] extends { readonly optional: true } ? never : K]: ValueOf<
    Schema[K]
  >;
} & {
  readonly [K in ConfigKey as Schema[K] extends { readonly optional: true } ? K : never]?: ValueOf<
    Schema[K]
  >;
};
