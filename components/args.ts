import * as pulumi from "@pulumi/pulumi";
import { Cloud, InstanceSize } from "./cloud";
import { defaultRollingUpdatePolicy, RollingUpdatePolicy } from "./rolling";

/**
 * The cloud-neutral contract of `HighlyAvailableWebService`. Every cloud reads the same fields;
 * the few that only one cloud understands are prefixed with its name.
 */
export interface HighlyAvailableWebServiceArgs {
  /** Which cloud implementation deploys the service. */
  readonly cloud: Cloud;
  /**
   * Pulumi project and stack of the service. Names that must differ between stacks of one account
   * (the ECS task family, the Azure DNS label and group, the GCP instance account) are built from
   * them, so no cloud module asks the engine.
   * @default the running program's project and stack
   */
  readonly project?: string;
  /** See `project`. @default the running program's stack */
  readonly stack?: string;
  /** Region (AWS, GCP) or location (Azure) the service runs in. */
  readonly region: string;
  /**
   * Zones the instances are spread over: AZ names on AWS (`us-east-1a`), zone names on GCP
   * (`europe-west1-b`), zone numbers on Azure (`1`). At least two.
   */
  readonly zones: readonly string[];
  /** The version the image serves at `/version.txt`; used for tags and checks. */
  readonly appVersion: string;
  /**
   * Container image to run.
   * @default the image tagged `appVersion` in the account's shared repository, which the bootstrap
   * program creates (`providers/<cloud>/registry.ts`); deploys pass `<repository>@sha256:<digest>`
   */
  readonly image?: pulumi.Input<string>;
  /**
   * Port nginx listens on inside the instance.
   * @default 8080, so the image can run as a non-root user
   */
  readonly containerPort?: number;
  /**
   * Path the load balancer and self-healing probe. It must fail while the instance drains.
   * @default "/healthz"
   */
  readonly healthCheckPath?: string;
  /** Minimum instances; autoscaling never goes below it. */
  readonly minInstances: number;
  /** Instances at deploy time. */
  readonly desiredInstances: number;
  /** Maximum instances autoscaling may reach. */
  readonly maxInstances: number;
  /**
   * Neutral instance size, mapped per cloud by `sizing.ts`.
   * @default "small"
   */
  readonly instanceSize?: InstanceSize;
  /**
   * How a new version replaces the old one.
   * @default surge 100 %, none unavailable, 10 s minimum ready time: capacity never drops
   */
  readonly rollingUpdate?: Partial<RollingUpdatePolicy>;
  /**
   * Seconds the load balancer keeps sending in-flight requests to an instance it is removing.
   * The image drains for the same time before it exits.
   * @default 30, instead of the clouds' 300 s defaults, so a rolling deploy is not held for minutes
   */
  readonly drainingTimeoutSeconds?: number;
  /**
   * Public DNS name. When set, HTTPS is served with a managed certificate and HTTP redirects to it
   * (AWS, GCP). Azure's Standard Load Balancer is layer 4, so Azure rejects a domain for now.
   * @default no domain: plain HTTP on the load balancer's own address
   */
  readonly domain?: string;
  /**
   * AWS only: the Route 53 public hosted zone that holds `domain` (`example.com` for
   * `www.example.com`; `example.co.uk` for `shop.example.co.uk`), as CDK's `domainZone`. A zone
   * cannot be derived from the name: which parent is delegated is the owner's choice.
   * @default none; required on AWS when `domain` is set
   */
  readonly awsHostedZone?: string;
  /**
   * Address that receives alarm notifications.
   * @default alarms are created with no subscriber
   */
  readonly alertEmail?: string;
  /**
   * Days logs are kept.
   * @default 14
   */
  readonly logRetentionDays?: number;
  /**
   * Protects the load balancer (and what the cloud allows) from deletion.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Egress for private instances on AWS: one NAT gateway for the whole service, or one per zone so
   * that losing a zone does not cut the others off. GCP's Cloud NAT and Azure's load-balancer
   * outbound rules are zone-redundant already, so they ignore it.
   * @default "single"
   */
  readonly natGateways?: "single" | "perZone";
  /**
   * Tags (AWS, Azure) or labels (GCP) applied to every resource that takes them.
   * @default no extra tags; the clouds still add `managed-by`
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * GCP project to deploy into. Required when `cloud` is `gcp`.
   * @default none
   */
  readonly gcpProject?: string;
  /**
   * Allow SSH to instances from Google's IAP range only (never the internet).
   * @default false: no SSH path at all
   */
  readonly gcpAllowIapSsh?: boolean;
  /**
   * Enforce Cloud Armor's preconfigured WAF rules on the load balancer. Off, they run in preview:
   * matches are logged, not blocked, so false positives can be found before they cost traffic.
   * The per-client rate limit is always enforced.
   * @default false: WAF rules in preview
   */
  readonly gcpCloudArmorEnforce?: boolean;
  /**
   * ARN of the permissions boundary every IAM role of the service carries: the most any of them
   * may do, whatever policy is attached. The pipeline bootstrap creates it and its deploy roles may
   * create roles only with it (bootstrap/awsPolicies.ts).
   * @default none: the roles have no boundary, and a bootstrap deploy role cannot create them
   */
  readonly awsPermissionsBoundary?: string;
  /**
   * Let a change of `zones` replace the deployed instance group. Off, a zone change is refused,
   * because replacing the group under the load balancer drops requests in flight; on only while
   * docs/runbooks/gcp-instance-group.md has a temporary group serving.
   * @default false: a deployed group's zones never change
   */
  readonly gcpReplaceInstanceGroup?: boolean;
  /**
   * OpenSSH public key for the Azure admin user. Password login is always disabled.
   * @default no key: no interactive login at all
   */
  readonly azureSshPublicKey?: string;
}

/** The args with every default applied: what the cloud implementations receive. */
export type ResolvedServiceArgs = Required<
  Omit<
    HighlyAvailableWebServiceArgs,
    | "image"
    | "domain"
    | "awsHostedZone"
    | "alertEmail"
    | "gcpProject"
    | "azureSshPublicKey"
    | "awsPermissionsBoundary"
    | "rollingUpdate"
  >
> &
  Pick<
    HighlyAvailableWebServiceArgs,
    | "image"
    | "domain"
    | "awsHostedZone"
    | "alertEmail"
    | "gcpProject"
    | "azureSshPublicKey"
    | "awsPermissionsBoundary"
  > & { readonly rollingUpdate: RollingUpdatePolicy };

export const serviceDefaults = {
  containerPort: 8080,
  healthCheckPath: "/healthz",
  instanceSize: "small",
  drainingTimeoutSeconds: 30,
  logRetentionDays: 14,
  deletionProtection: false,
  natGateways: "single",
  tags: {},
  gcpAllowIapSsh: false,
  gcpCloudArmorEnforce: false,
  gcpReplaceInstanceGroup: false,
} as const;

/** Applies defaults in one place. */
export function resolveServiceArgs(args: HighlyAvailableWebServiceArgs): ResolvedServiceArgs {
  return {
    ...serviceDefaults,
    project: args.project ?? pulumi.getProject(),
    stack: args.stack ?? pulumi.getStack(),
    ...dropUndefined(args),
    rollingUpdate: { ...defaultRollingUpdatePolicy, ...dropUndefined(args.rollingUpdate ?? {}) },
  };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
