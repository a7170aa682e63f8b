/**
 * Hardening policies: no password logins, logs kept for a set time, registries that never
 * overwrite a released image and scan what is pushed, and modern TLS wherever HTTPS is served.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { asBoolean, asNumber, asString, at, forTypes, present, resourcePolicy } from "./lib";
import { aws, azure, gcp } from "./types";

export const azureNoPasswordAuth = resourcePolicy(
  {
    name: "azure-no-password-auth",
    description:
      "Azure VMs accept SSH keys only: password authentication is disabled and no admin password is set.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  {
    [azure.vmss]: (props, report) => {
      const os = at(props, "virtualMachineProfile", "osProfile");
      if (at(os, "windowsConfiguration") !== undefined) {
        report("the scale set runs Windows, which has no key-only login; use a Linux image");
      }
      if (asBoolean(at(os, "linuxConfiguration", "disablePasswordAuthentication")) !== true) {
        report(
          "osProfile.linuxConfiguration.disablePasswordAuthentication is not true: password logins are possible",
        );
      }
      if (at(os, "adminPassword") !== undefined) {
        report("osProfile.adminPassword is set; remove it");
      }
    },
  },
);

export const logRetentionSet = resourcePolicy(
  {
    name: "log-retention-set",
    description:
      "Every log store keeps logs for a set number of days: never forever (cost, personal data) and never the provider's silent default.",
    enforcementLevel: "mandatory",
    severity: "medium",
  },
  {
    [aws.logGroup]: (props, report) => {
      const days = asNumber(props.retentionInDays);
      if (days === undefined || days <= 0) {
        report("retentionInDays is unset: CloudWatch keeps the logs forever");
      }
    },
    [gcp.logBucket]: (props, report) => {
      if (asNumber(props.retentionDays) === undefined) {
        report("retentionDays is unset: the bucket keeps Cloud Logging's default of 30 days");
      }
    },
    [azure.workspace]: (props, report) => {
      if (asNumber(props.retentionInDays) === undefined) {
        report("retentionInDays is unset: the workspace keeps its pricing tier's default");
      }
    },
  },
);

const cloudOf = (type: string) =>
  type.startsWith("aws:")
    ? "aws"
    : type.startsWith("gcp:")
      ? "gcp"
      : type.startsWith("azure-native:")
        ? "azure"
        : undefined;

/**
 * Resource-level checks only see log stores that exist. On GCP the instances' logs land in the
 * project's `_Default` bucket unless the stack configures one, and its 30-day retention is then
 * nobody's decision, so the stack as a whole is checked for a configured store. Advisory: the
 * default is safe, only unchosen.
 */
export const logRetentionConfigured: StackValidationPolicy = {
  name: "log-retention-configured",
  description:
    "Each cloud the stack deploys to has a log store whose retention the stack sets (AWS log group, GCP log bucket, Azure Log Analytics workspace).",
  enforcementLevel: "advisory",
  severity: "low",
  validateStack: (args, report) => {
    const clouds = new Set(args.resources.map((r) => cloudOf(r.type)));
    const stores: Record<string, readonly string[]> = {
      aws: [aws.logGroup],
      gcp: [gcp.logBucket],
      azure: [azure.workspace],
    };
    for (const [cloud, types] of Object.entries(stores)) {
      if (!clouds.has(cloud as "aws" | "gcp" | "azure")) continue;
      if (!args.resources.some((r) => types.includes(r.type))) {
        report(
          `the stack deploys to ${cloud} but configures no log store (${types.join(" or ")}), so log retention is the provider's default rather than the stack's logRetentionDays`,
        );
      }
    }
  },
};

export const registryImmutableAndScanned = resourcePolicy(
  {
    name: "registry-immutable-and-scanned",
    description:
      "Image registries never let a pushed tag be overwritten and scan images where the registry offers it: ECR immutable tags and scan on push, Artifact Registry immutable tags. Azure Container Registry has no tag-immutability or scanning property (tags are locked per image, scanning is Defender for Containers), so only its admin user is checked.",
    enforcementLevel: "mandatory",
    severity: "medium",
  },
  {
    [aws.repo]: (props, report) => {
      const mutability = asString(props.imageTagMutability) ?? "MUTABLE";
      if (!mutability.startsWith("IMMUTABLE")) {
        report(`imageTagMutability is ${mutability}: a pushed version can be overwritten`);
      }
      if (asBoolean(at(props, "imageScanningConfiguration", "scanOnPush")) !== true) {
        report("imageScanningConfiguration.scanOnPush is not true: pushed images are not scanned");
      }
    },
    [gcp.repo]: (props, report) => {
      if ((asString(props.format) ?? "").toUpperCase() !== "DOCKER") return;
      if (asBoolean(at(props, "dockerConfig", "immutableTags")) !== true) {
        report("dockerConfig.immutableTags is not true: a pushed version can be overwritten");
      }
    },
    [azure.registry]: (props, report) => {
      if (asBoolean(props.adminUserEnabled) === true) {
        report(
          "adminUserEnabled is true: a shared admin password can push and overwrite images; pull with a managed identity",
        );
      }
    },
  },
);

/**
 * The ALB security policies whose every suite is AEAD with forward secrecy: the restricted ("Res")
 * TLS 1.3 + 1.2 policies and the TLS 1.3-only ones. The plain `ELBSecurityPolicy-TLS13-1-2-*`
 * policies still offer CBC and static-RSA suites to TLS 1.2 clients. Names from AWS's list:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
export const awsRestrictedTlsPolicies = [
  "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
];
const modernGcpProfiles = ["MODERN", "RESTRICTED"];
const modernTlsVersions = ["TLS_1_2", "TLS_1_3"];

export const tlsModern = resourcePolicy(
  {
    name: "tls-modern",
    description:
      "HTTPS listeners use a modern TLS policy: a restricted ELB TLS13 policy on AWS (forward-secret AEAD suites only), a MODERN or RESTRICTED SSL policy with TLS 1.2 or later on GCP. (Azure's Standard Load Balancer works at layer 4, so TLS is not its concern.)",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  {
    ...forTypes([aws.listener, aws.listenerAlias], (props, report) => {
      const protocol = asString(props.protocol) ?? "";
      if (protocol !== "HTTPS" && protocol !== "TLS") return;
      const policy = asString(props.sslPolicy);
      if (policy === undefined || !awsRestrictedTlsPolicies.includes(policy)) {
        report(
          `sslPolicy is ${JSON.stringify(policy)}; use a restricted TLS 1.3 policy such as ${awsRestrictedTlsPolicies[0]} (no CBC or non-forward-secret suites; unset means ELBSecurityPolicy-2016-08, which allows TLS 1.0)`,
        );
      }
    }),
    [gcp.httpsProxy]: (props, report) => {
      if (!present(props, "sslPolicy")) {
        report(
          "sslPolicy is unset: the proxy uses the COMPATIBLE profile, which allows TLS 1.0; attach a MODERN or RESTRICTED policy",
        );
      }
    },
    ...forTypes([gcp.sslPolicy, gcp.regionSslPolicy], (props, report) => {
      const profile = asString(props.profile) ?? "COMPATIBLE";
      const minimum = asString(props.minTlsVersion) ?? "TLS_1_0";
      if (!modernGcpProfiles.includes(profile)) {
        report(`profile is ${profile}; use MODERN or RESTRICTED`);
      }
      if (!modernTlsVersions.includes(minimum)) {
        report(`minTlsVersion is ${minimum}; use TLS_1_2 or later`);
      }
    }),
  },
);

/**
 * Every AWS Application Load Balancer writes access logs: without them a request that hurt the
 * service cannot be traced to its client afterwards (issue 21). The bucket's encryption and
 * policy are tested with the program (tests/aws/logs.test.ts).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export const awsAlbAccessLogs = resourcePolicy(
  {
    name: "aws-alb-access-logs",
    description:
      "Application Load Balancers write access logs to S3 (accessLogs.enabled with a bucket).",
    enforcementLevel: "mandatory",
    severity: "medium",
  },
  forTypes([aws.alb, aws.albAlias], (props, report) => {
    if ((asString(props.loadBalancerType) ?? "application") !== "application") return;
    const enabled = asBoolean(at(props, "accessLogs", "enabled"));
    const bucket = asString(at(props, "accessLogs", "bucket"));
    if (enabled !== true || !bucket) {
      report(
        `accessLogs is ${JSON.stringify(props.accessLogs)}; enable access logs into a bucket the Region's ELB log delivery may write (providers/aws/logs.ts)`,
      );
    }
  }),
);

export const hardeningPolicies = [
  azureNoPasswordAuth,
  awsAlbAccessLogs,
  logRetentionSet,
  logRetentionConfigured,
  registryImmutableAndScanned,
  tlsModern,
];
