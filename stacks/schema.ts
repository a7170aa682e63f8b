/**
 * Every project configuration key, with its type and default. `Pulumi.yaml` declares the same
 * keys for `pulumi config` users; tests/unit/settings.test.ts fails if the two ever differ.
 */
export type KeyType = "string" | "integer" | "boolean" | "object";

export interface KeySpec {
  readonly type: KeyType;
  readonly default?: string | number | boolean;
}

export const configSchema = {
  cloud: { type: "string", default: "aws" },
  zoneCount: { type: "integer", default: 2 },
  instanceSize: { type: "string", default: "small" },
  minInstances: { type: "integer", default: 2 },
  desiredInstances: { type: "integer", default: 2 },
  maxInstances: { type: "integer", default: 4 },
  appVersion: { type: "string" },
  image: { type: "string" },
  domain: { type: "string" },
  awsHostedZone: { type: "string" },
  alertEmail: { type: "string" },
  logRetentionDays: { type: "integer", default: 14 },
  deletionProtection: { type: "boolean", default: false },
  natGateways: { type: "string", default: "single" },
  drainingTimeoutSeconds: { type: "integer", default: 30 },
  rollingMaxSurgePercent: { type: "integer", default: 100 },
  rollingMaxUnavailablePercent: { type: "integer", default: 0 },
  rollingMinReadySeconds: { type: "integer", default: 10 },
  tags: { type: "object" },
  gcpAllowIapSsh: { type: "boolean", default: false },
  gcpCloudArmorEnforce: { type: "boolean", default: false },
  gcpReplaceInstanceGroup: { type: "boolean", default: false },
  awsPermissionsBoundary: { type: "string" },
  azureSshPublicKey: { type: "string" },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof configSchema;
