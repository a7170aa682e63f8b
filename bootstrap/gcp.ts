import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import {
  gcpAttributeCondition,
  githubIssuer,
  pipelineRoles,
  PipelineRole,
  pipelineSubjects,
} from "./trust";
import { BootstrapImplementation, subjectTag } from "./types";

/**
 * Predefined roles the deploy service account holds on the project, each with the resources of
 * `providers/gcp` it is for. Broader than ideal: `compute.admin` covers every Compute Engine
 * resource in the project, not just this service's, and `iam.serviceAccountUser` lets the
 * account act as any service account in the project (it must attach one the program creates, and
 * a grant cannot name an account that does not exist yet). A project per stack is the boundary
 * that keeps this contained.
 */
export const gcpDeployProjectRoles: Readonly<Record<string, string>> = {
  "roles/compute.admin":
    "networks, subnets, routers/NAT, firewall rules, instance templates, the regional MIG, health checks, the global load balancer and its certificate",
  "roles/iam.serviceAccountAdmin": "the instances' service account",
  "roles/iam.serviceAccountUser": "attaching that service account to the instances",
  "roles/monitoring.editor": "alert policies, uptime checks and notification channels",
  "roles/logging.configWriter": "the retention of the project's log bucket",
  // Also lets the pipeline push images. Broader than ideal: it may set IAM on any repository.
  "roles/artifactregistry.admin": "the stack's image repository, its reader grant, image pushes",
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

/** Read-only roles for `pulumi preview`. */
export const gcpPreviewProjectRoles = [
  "roles/compute.viewer",
  "roles/iam.serviceAccountViewer",
  "roles/monitoring.viewer",
] as const;

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
      },
      attributeCondition: gcpAttributeCondition(settings.githubRepository, [
        ...subjects.preview,
        ...subjects.deploy,
      ]),
      // No allowedAudiences: the default is the provider's own resource name, which is what
      // google-github-actions/auth requests.
      oidc: { issuerUri: githubIssuer },
    },
    opts,
  );

  const accountIds: Record<PipelineRole, string> = {
    preview: "ha-web-preview",
    deploy: "ha-web-deploy",
  };
  const accounts = {} as Record<PipelineRole, gcp.serviceaccount.Account>;
  for (const role of pipelineRoles) {
    const account = new gcp.serviceaccount.Account(
      `${name}-${role}`,
      {
        accountId: accountIds[role],
        displayName: `GitHub Actions ${role} for ${settings.githubRepository}`,
      },
      afterApis,
    );
    accounts[role] = account;
    const member = pulumi.interpolate`serviceAccount:${account.email}`;
    // One binding per exact subject rather than principalSet://.../attribute.repository/...:
    // the repository's other workflows (any branch, any event) cannot use the account.
    for (const subject of subjects[role]) {
      new gcp.serviceaccount.IAMMember(
        `${name}-${role}-${subjectTag(subject)}`,
        {
          serviceAccountId: account.name,
          role: "roles/iam.workloadIdentityUser",
          member: pulumi.interpolate`principal://iam.googleapis.com/${pool.name}/subject/${subject}`,
        },
        opts,
      );
    }

    new gcp.kms.CryptoKeyIAMMember(
      `${name}-${role}-state-key`,
      {
        cryptoKeyId: key.id,
        role:
          role === "deploy"
            ? "roles/cloudkms.cryptoKeyEncrypterDecrypter"
            : "roles/cloudkms.cryptoKeyDecrypter",
        member,
      },
      opts,
    );
    new gcp.storage.BucketIAMMember(
      `${name}-${role}-state`,
      {
        bucket: bucket.name,
        role: role === "deploy" ? "roles/storage.objectUser" : "roles/storage.objectViewer",
        member,
      },
      opts,
    );
    const projectRoles =
      role === "deploy" ? Object.keys(gcpDeployProjectRoles) : gcpPreviewProjectRoles;
    for (const projectRole of projectRoles) {
      new gcp.projects.IAMMember(
        `${name}-${role}-${projectRole.replace("roles/", "").replace(/\./g, "-")}`,
        { project, role: projectRole, member },
        opts,
      );
    }
  }

  // A preview takes the stack lock (an object under .pulumi/locks/), so the read-only account may
  // write there and only there. IAM conditions on object names need uniform bucket-level access.
  new gcp.storage.BucketIAMMember(
    `${name}-preview-state-locks`,
    {
      bucket: bucket.name,
      role: "roles/storage.objectUser",
      member: pulumi.interpolate`serviceAccount:${accounts.preview.email}`,
      condition: {
        title: "pulumi-locks-only",
        description: "Only Pulumi's lock files",
        expression: pulumi.interpolate`resource.name.startsWith("projects/_/buckets/${bucket.name}/objects/.pulumi/locks/")`,
      },
    },
    opts,
  );
  new gcp.projects.IAMMember(
    `${name}-deploy-grant-workload-roles`,
    {
      project,
      role: "roles/resourcemanager.projectIamAdmin",
      member: pulumi.interpolate`serviceAccount:${accounts.deploy.email}`,
      condition: {
        title: "workload-roles-only",
        description: "May grant only the roles the service's instances need",
        expression: grantableRolesCondition(gcpGrantableRoles),
      },
    },
    opts,
  );
  const backendUrl = pulumi.interpolate`gs://${bucket.name}`;
  const secretsProvider = pulumi.interpolate`gcpkms://${key.id}`;
  const workloadIdentityProvider = pulumi.interpolate`${pool.name}/providers/github`;
  return {
    backendUrl,
    secretsProvider,
    githubVariables: pulumi
      .all([
        backendUrl,
        secretsProvider,
        workloadIdentityProvider,
        accounts.preview.email,
        accounts.deploy.email,
      ])
      .apply(([backend, secrets, wip, previewEmail, deployEmail]): Record<string, string> => ({
        PULUMI_BACKEND_URL: backend,
        PULUMI_SECRETS_PROVIDER: secrets,
        GCP_WORKLOAD_IDENTITY_PROVIDER: wip,
        GCP_PREVIEW_SERVICE_ACCOUNT: previewEmail,
        GCP_DEPLOY_SERVICE_ACCOUNT: deployEmail,
      })),
  };
};

/**
 * The project role each resource module of `providers/gcp` needs, so a test can hold the deploy
 * roles to what the program really registers. A module missing here fails the test.
 */
export const gcpModuleRoles: Readonly<Record<string, string>> = {
  compute: "roles/compute.admin",
  serviceaccount: "roles/iam.serviceAccountAdmin",
  monitoring: "roles/monitoring.editor",
  logging: "roles/logging.configWriter",
  artifactregistry: "roles/artifactregistry.admin",
  "projects/service": "roles/serviceusage.serviceUsageAdmin",
  // Checked role by role against gcpGrantableRoles.
  "projects/iAMMember": "roles/resourcemanager.projectIamAdmin",
};
