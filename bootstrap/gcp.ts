import * as pulumi from "@pulumi/pulumi";
import * as gcp from "../providers/gcp/sdk";
import { deploySubject, gcpAttributeCondition, githubIssuer, pipelineSubjects } from "./trust";
import { BootstrapImplementation, environmentVariables, subjectTag } from "./types";
import { instanceAccountId } from "../providers/gcp/names";

/**
 * Predefined roles the deploy service accounts hold on the project, each with the resources of
 * `providers/gcp` it is for. Broader than ideal: `compute.admin` covers every Compute Engine
 * resource in the project, not just this service's. A project per stack is the boundary that
 * keeps this contained.
 *
 * No service-account roles at project level: `iam.serviceAccountAdmin` there sets IAM on every
 * service account (the deploy account's own included) and `iam.serviceAccountUser` acts as any
 * of them, either of which takes over the project. Google's guidance is to grant them on the
 * one account concerned
 * (https://cloud.google.com/iam/docs/service-account-overview#service-account-permissions), so
 * the bootstrap creates each environment's instance account and grants `serviceAccountUser` on
 * that account alone (`instanceAccountRoles`).
 */
export const gcpDeployProjectRoles: Readonly<Record<string, string>> = {
  "roles/compute.admin":
    "networks, subnets, routers/NAT, firewall rules, instance templates, the regional MIG, health checks, the global load balancer and its certificate",
  "roles/monitoring.editor": "alert policies, uptime checks and notification channels",
  "roles/logging.configWriter": "the retention of the project's log bucket",
  // Also lets the pipeline push images. Broader than ideal: it may set IAM on any repository.
  "roles/artifactregistry.admin":
    "the instances' reader grant on the shared repository (bootstrap/registry.ts), image pushes",
  // The program enables the APIs it uses. Broader than ideal: it may enable any API.
  "roles/serviceusage.serviceUsageAdmin": "enabling the APIs the program uses",
};

/**
 * Roles the deploy account may grant on the project, and nothing else: the program gives its
 * instance account log and metric writing and image pulls. Expressed as an IAM condition on
 * `projectIamAdmin` (Google's "modifiedGrantsByRole"), which is what stops the deploy identity
 * from granting itself Owner.
 */
export const gcpGrantableRoles = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/artifactregistry.reader",
] as const;

export function grantableRolesCondition(roles: readonly string[]): string {
  return `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${roles.map((r) => `'${r}'`).join(", ")}])`;
}

/** Roles each deploy account holds on its environment's instance service account only. */
export const instanceAccountRoles = ["roles/iam.serviceAccountUser"] as const;

export { instanceAccountId };

/** Read-only roles for `pulumi preview`. */
export const gcpPreviewProjectRoles = [
  "roles/compute.viewer",
  "roles/iam.serviceAccountViewer",
  "roles/monitoring.viewer",
] as const;

/** The objects of one stack's state (layout: see `stackStateObjects` in awsPolicies.ts). */
export function stackStateExpression(
  bucket: pulumi.Input<string>,
  environment: string,
  projectName = "ha-web-service",
): pulumi.Output<string> {
  return pulumi.output(bucket).apply((b) => {
    const objects = `projects/_/buckets/${b}/objects/.pulumi`;
    const prefixes = [
      `${objects}/stacks/${projectName}/${environment}.json`,
      ...["history", "backups", "journal", "locks"].map(
        (dir) => `${objects}/${dir}/${projectName}/${environment}/`,
      ),
    ];
    return [
      ...prefixes.map((prefix) => `resource.name.startsWith("${prefix}")`),
      `resource.name == "${objects}/meta.yaml"`,
      // Listing the bucket is checked against the bucket itself, not an object.
      `resource.type == "storage.googleapis.com/Bucket"`,
    ].join(" || ");
  });
}

/** APIs the pipeline and the program call; enabling is idempotent and never disabled on destroy. */
const services = [
  "iam.googleapis.com",
  "iamcredentials.googleapis.com",
  "sts.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "cloudkms.googleapis.com",
  "artifactregistry.googleapis.com",
  "storage.googleapis.com",
  "compute.googleapis.com",
  "monitoring.googleapis.com",
  "logging.googleapis.com",
];

/**
 * GCP: a GCS state bucket, a KMS key for stack secrets, a workload identity pool whose GitHub provider only accepts this repository's tokens, and a
 * read-only and a deploy service account that only the listed subjects can impersonate.
 *
 * Pulumi's GCS backend locks a stack with a lock object in the bucket; nothing else is needed.
 */
export const deployGcp: BootstrapImplementation = (name, settings, parent) => {
  const project = settings.gcpProject as string;
  const provider = new gcp.Provider(
    `${name}-gcp`,
    { project, region: settings.region, defaultLabels: settings.tags },
    { parent },
  );
  const opts = { parent, provider };
  const apis = services.map(
    (service) =>
      new gcp.projects.Service(
        `${name}-${service.split(".")[0]}`,
        { project, service, disableOnDestroy: false },
        opts,
      ),
  );
  const afterApis = { ...opts, dependsOn: apis };

  const bucket = new gcp.storage.Bucket(
    `${name}-state`,
    {
      location: settings.region.toUpperCase(),
      versioning: { enabled: true },
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      forceDestroy: false,
      lifecycleRules: [
        {
          action: { type: "Delete" },
          condition: { withState: "ARCHIVED", daysSinceNoncurrentTime: 90 },
        },
      ],
    },
    afterApis,
  );

  // Key rings and keys cannot be deleted in GCP, only their versions destroyed; protect them so a
  // `pulumi destroy` does not leave a dangling, unrecreatable name behind.
  const keyRing = new gcp.kms.KeyRing(
    `${name}-keys`,
    { name: "ha-web-service", location: settings.region },
    { ...afterApis, protect: true },
  );
  const key = new gcp.kms.CryptoKey(
    `${name}-state-key`,
    {
      name: "pulumi-state",
      keyRing: keyRing.id,
      purpose: "ENCRYPT_DECRYPT",
      rotationPeriod: "7776000s",
    },
    { ...opts, protect: true },
  );

  const pool = new gcp.iam.WorkloadIdentityPool(
    `${name}-pool`,
    {
      // Fixed ids: a deleted pool or provider keeps its id for 30 days, so a random one would
      // only hide that; recreate within 30 days by undeleting instead.
      workloadIdentityPoolId: "github-actions",
      displayName: "GitHub Actions",
      description: `Workflows of ${settings.githubRepository}`,
    },
    afterApis,
  );
  const subjects = pipelineSubjects(settings.githubRepository, settings.environments);
  new gcp.iam.WorkloadIdentityPoolProvider(
    `${name}-github`,
    {
      workloadIdentityPoolId: pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: "github",
      displayName: "GitHub",
      attributeMapping: {
        "google.subject": "assertion.sub",
        "attribute.repository": "assertion.repository",
        "attribute.repository_id": "assertion.repository_id",
      },
      attributeCondition: gcpAttributeCondition(settings.githubRepositoryId, [
        ...subjects.preview,
        ...subjects.deploy,
      ]),
      // No allowedAudiences: the default is the provider's own resource name, which is what
      // google-github-actions/auth requests.
      oidc: { issuerUri: githubIssuer },
    },
    opts,
  );

  /** A service account that exactly the `trusted` subjects may impersonate. */
  const federatedAccount = (label: string, accountId: string, trusted: readonly string[]) => {
    const account = new gcp.serviceaccount.Account(
      `${name}-${label}`,
      { accountId, displayName: `GitHub Actions ${label} for ${settings.githubRepository}` },
      afterApis,
    );
    // One binding per exact subject rather than principalSet://.../attribute.repository/...:
    // the repository's other workflows (any branch, any event) cannot use the account.
    for (const subject of trusted) {
      new gcp.serviceaccount.IAMMember(
        `${name}-${label}-${subjectTag(subject)}`,
        {
          serviceAccountId: account.name,
          role: "roles/iam.workloadIdentityUser",
          member: pulumi.interpolate`principal://iam.googleapis.com/${pool.name}/subject/${subject}`,
        },
        opts,
      );
    }
    return account;
  };
  const grantOnProject = (
    label: string,
    roles: readonly string[],
    member: pulumi.Output<string>,
  ) => {
    for (const projectRole of roles) {
      new gcp.projects.IAMMember(
        `${name}-${label}-${projectRole.replace("roles/", "").replace(/\./g, "-")}`,
        { project, role: projectRole, member },
        opts,
      );
    }
  };

  const preview = federatedAccount("preview", "ha-web-preview", subjects.preview);
  const previewMember = pulumi.interpolate`serviceAccount:${preview.email}`;
  new gcp.kms.CryptoKeyIAMMember(
    `${name}-preview-state-key`,
    { cryptoKeyId: key.id, role: "roles/cloudkms.cryptoKeyDecrypter", member: previewMember },
    opts,
  );
  new gcp.storage.BucketIAMMember(
    `${name}-preview-state`,
    { bucket: bucket.name, role: "roles/storage.objectViewer", member: previewMember },
    opts,
  );
  grantOnProject("preview", gcpPreviewProjectRoles, previewMember);
  // A preview takes the stack lock (an object under .pulumi/locks/), so the read-only account may
  // write there and only there. IAM conditions on object names need uniform bucket-level access.
  new gcp.storage.BucketIAMMember(
    `${name}-preview-state-locks`,
    {
      bucket: bucket.name,
      role: "roles/storage.objectUser",
      member: previewMember,
      condition: {
        title: "pulumi-locks-only",
        description: "Only Pulumi's lock files",
        expression: pulumi.interpolate`resource.name.startsWith("projects/_/buckets/${bucket.name}/objects/.pulumi/locks/")`,
      },
    },
    opts,
  );

  // One deploy account per environment, trusted only by that environment's subject.
  const deployAccounts = Object.fromEntries(
    settings.environments.map((environment) => {
      const label = `deploy-${environment}`;
      const account = federatedAccount(label, `ha-web-deploy-${environment}`, [
        deploySubject(settings.githubRepository, environment),
      ]);
      const member = pulumi.interpolate`serviceAccount:${account.email}`;
      new gcp.kms.CryptoKeyIAMMember(
        `${name}-${label}-state-key`,
        { cryptoKeyId: key.id, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member },
        opts,
      );
      new gcp.storage.BucketIAMMember(
        `${name}-${label}-state`,
        {
          bucket: bucket.name,
          role: "roles/storage.objectUser",
          member,
          condition: {
            title: `stack-${environment}-only`,
            description: `Only the state of stack ${environment}`,
            expression: stackStateExpression(bucket.name, environment),
          },
        },
        opts,
      );
      grantOnProject(label, Object.keys(gcpDeployProjectRoles), member);
      new gcp.projects.IAMMember(
        `${name}-${label}-grant-workload-roles`,
        {
          project,
          role: "roles/resourcemanager.projectIamAdmin",
          member,
          condition: {
            title: "workload-roles-only",
            description: "May grant only the roles the service's instances need",
            expression: grantableRolesCondition(gcpGrantableRoles),
          },
        },
        opts,
      );
      // The instances' service account, made here so the deploy account can be granted
      // actAs on it alone rather than on every account of the project.
      const instances = new gcp.serviceaccount.Account(
        `${name}-instances-${environment}`,
        {
          accountId: instanceAccountId(environment),
          displayName: `ha-web-service ${environment} instances`,
          description: "Runs the web service VMs: pulls its image, writes logs and metrics",
        },
        afterApis,
      );
      for (const role of instanceAccountRoles) {
        new gcp.serviceaccount.IAMMember(
          `${name}-${label}-acts-as-instances`,
          { serviceAccountId: instances.name, role, member },
          opts,
        );
      }
      return [environment, { account, instances }];
    }),
  );

  const backendUrl = pulumi.interpolate`gs://${bucket.name}`;
  const secretsProvider = pulumi.interpolate`gcpkms://${key.id}`;
  const workloadIdentityProvider = pulumi.interpolate`${pool.name}/providers/github`;
  return {
    backendUrl,
    secretsProvider,
    githubVariables: pulumi
      .all([backendUrl, secretsProvider, workloadIdentityProvider, preview.email])
      .apply(([backend, secrets, wip, previewEmail]): Record<string, string> => ({
        PULUMI_BACKEND_URL: backend,
        PULUMI_SECRETS_PROVIDER: secrets,
        GCP_WORKLOAD_IDENTITY_PROVIDER: wip,
        GCP_PREVIEW_SERVICE_ACCOUNT: previewEmail,
      })),
    githubEnvironmentVariables: environmentVariables(settings.environments, (environment) =>
      pulumi
        .all([
          deployAccounts[environment].account.email,
          deployAccounts[environment].instances.email,
        ])
        .apply(([deployEmail, instancesEmail]): Record<string, string> => ({
          GCP_DEPLOY_SERVICE_ACCOUNT: deployEmail,
          GCP_INSTANCE_SERVICE_ACCOUNT: instancesEmail,
        })),
    ),
    stackConfig: pulumi.output<Record<string, string>>({}),
  };
};

/**
 * The project role each resource module of `providers/gcp` needs, so a test can hold the deploy
 * roles to what the program really registers. A module missing here fails the test.
 */
export const gcpModuleRoles: Readonly<Record<string, string>> = {
  compute: "roles/compute.admin",
  monitoring: "roles/monitoring.editor",
  logging: "roles/logging.configWriter",
  artifactregistry: "roles/artifactregistry.admin",
  "projects/service": "roles/serviceusage.serviceUsageAdmin",
  // Checked role by role against gcpGrantableRoles.
  "projects/iAMMember": "roles/resourcemanager.projectIamAdmin",
};
