/**
 * Every project configuration key, with its type and default. `Pulumi.yaml` declares the same
 * keys for `pulumi config` users; tests/unit/settings.test.ts fails if the two ever differ.
 */
export type KeyType = "string" | "integer" | "boolean" | "object";

export interface KeySpec {
  readonly type: KeyType;
  readonly default?: string | number | boolean;
  /**
   * Optional with no value of its own: `Pulumi.yaml` declares it with an empty default ("" or
   * {}), which the settings read as unset. A key with no default at all is required by the
   * engine: a stack without it does not run (mergeConfig, pulumi/pulumi
   * sdk/go/common/workspace/config.go).
   */
  readonly optional?: true;
}

export const configSchema = {
  cloud: { type: "string", default: "aws" },
  zoneCount: { type: "integer", default: 2 },
  instanceSize: { type: "string", default: "small" },
  minInstances: { type: "integer", default: 2 },
  desiredInstances: { type: "integer", default: 2 },
  maxInstances: { type: "integer", default: 4 },
  appVersion: { type: "string" },
  image: { type: "string", optional: true },
  domain: { type: "string", optional: true },
  awsHostedZone: { type: "string", optional: true },
  alertEmail: { type: "string", optional: true },
  logRetentionDays: { type: "integer", default: 14 },
  deletionProtection: { type: "boolean", default: false },
  natGateways: { type: "string", default: "single" },
  drainingTimeoutSeconds: { type: "integer", default: 30 },
  rollingMaxSurgePercent: { type: "integer", default: 100 },
  rollingMaxUnavailablePercent: { type: "integer", default: 0 },
  rollingMinReadySeconds: { type: "integer", default: 10 },
  tags: { type: "object", optional: true },
  gcpAllowIapSsh: { type: "boolean", default: false },
  gcpCloudArmorEnforce: { type: "boolean", default: false },
  gcpReplaceInstanceGroup: { type: "boolean", default: false },
  awsPermissionsBoundary: { type: "string", optional: true },
  azureSshPublicKey: { type: "string", optional: true },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof configSchema;
