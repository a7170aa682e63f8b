import assert from "node:assert/strict";
import {
  gcpDeployProjectRoles,
  gcpGrantableRoles,
  instanceAccountRoles,
  gcpModuleRoles,
  gcpPreviewProjectRoles,
  grantableRolesCondition,
} from "../../bootstrap/gcp";
import { checkGcpTrust, pipelineSubjects } from "../../bootstrap/trust";
import { planStack } from "../helpers/plan";
import {
  bootstrapConfig,
  BootstrapRun,
  named,
  ofType,
  PlannedResource,
  runBootstrap,
} from "./harness";

const repository = "acme/ha-web-service";
const environments = ["test", "prod"];
const repositoryId = "123456789";
const pool = "projects/123456789012/locations/global/workloadIdentityPools/github-actions";
const load = () => runBootstrap(bootstrapConfig.gcp);
const accountEmail = (role: string) =>
  `serviceAccount:ha-web-${role}@acme-ha-web-test.iam.gserviceaccount.com`;

/** The project roles granted to one account, unconditional ones only. */
function projectRolesOf(run: BootstrapRun, role: string): string[] {
  return ofType(run, "gcp:projects/iAMMember:IAMMember")
    .filter((r) => r.inputs.member === accountEmail(role) && r.inputs.condition === undefined)
    .map((r) => String(r.inputs.role))
    .sort();
}

describe("bootstrap on GCP", () => {
  it("keeps state in a versioned bucket with uniform access and public access prevention enforced", async () => {
    const bucket = named(await load(), "gcp:storage/bucket:Bucket", "pipeline-state").inputs;
    assert.deepEqual(bucket.versioning, { enabled: true });
    assert.equal(bucket.uniformBucketLevelAccess, true);
    assert.equal(bucket.publicAccessPrevention, "enforced");
    assert.equal(bucket.forceDestroy, false);
    assert.equal(bucket.location, "US-CENTRAL1");
  });

  it("accepts only this repository's exact subjects at the provider and on each account", async () => {
    const run = await load();
    const provider = named(
      run,
      "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      "pipeline-github",
    );
    assert.deepEqual(provider.inputs.oidc, {
      issuerUri: "https://token.actions.githubusercontent.com",
    });
    const members = ofType(run, "gcp:serviceaccount/iAMMember:IAMMember")
      .filter((r) => r.inputs.role === "roles/iam.workloadIdentityUser")
      .map((r) => String(r.inputs.member));
    assert.deepEqual(
      checkGcpTrust(String(provider.inputs.attributeCondition), members, {
        repository,
        repositoryId,
        environments,
      }),
      [],
    );
    assert.match(
      String(provider.inputs.attributeCondition),
      /^assertion\.repository_id == '123456789' && /,
    );
  });

  const trusted: [string, readonly string[]][] = [
    ["preview", pipelineSubjects(repository, environments).preview],
    ["deploy-test", ["repo:acme/ha-web-service:environment:test"]],
    ["deploy-prod", ["repo:acme/ha-web-service:environment:prod"]],
  ];
  for (const [role, subjects] of trusted) {
    it(`lets only ${subjects.join(" and ")} impersonate the ${role} account`, async () => {
      const run = await load();
      const bindings = ofType(run, "gcp:serviceaccount/iAMMember:IAMMember").filter((r) =>
        String(r.inputs.serviceAccountId).includes(`ha-web-${role}@`),
      );
      assert.deepEqual(
        bindings.map((r) => [r.inputs.role, r.inputs.member]),
        subjects.map((subject) => [
          "roles/iam.workloadIdentityUser",
          `principal://iam.googleapis.com/${pool}/subject/${subject}`,
        ]),
      );
    });
  }

  it("gives the preview account read-only project roles and state writes only under the lock prefix", async () => {
    const run = await load();
    assert.deepEqual(projectRolesOf(run, "preview"), [...gcpPreviewProjectRoles].sort());
    const lock = named(
      run,
      "gcp:storage/bucketIAMMember:BucketIAMMember",
      "pipeline-preview-state-locks",
    );
    const bucket = /^gs:\/\/(.+)$/.exec(String(run.outputs.backendUrl))?.[1];
    assert.deepEqual(lock.inputs.condition, {
      title: "pulumi-locks-only",
      description: "Only Pulumi's lock files",
      expression: `resource.name.startsWith("projects/_/buckets/${bucket}/objects/.pulumi/locks/")`,
    });
    assert.equal(
      named(run, "gcp:storage/bucketIAMMember:BucketIAMMember", "pipeline-preview-state").inputs
        .role,
      "roles/storage.objectViewer",
    );
    assert.equal(
      named(run, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "pipeline-preview-state-key")
        .inputs.role,
      "roles/cloudkms.cryptoKeyDecrypter",
    );
  });

  it("gives no account a service-account role on the project: that would act as, or set IAM on, every account", async () => {
    const run = await load();
    const projectWide = ofType(run, "gcp:projects/iAMMember:IAMMember")
      .filter((r) => String(r.inputs.role).startsWith("roles/iam.serviceAccount"))
      .filter((r) => r.inputs.role !== "roles/iam.serviceAccountViewer")
      .map((r) => `${r.name}: ${String(r.inputs.role)}`);
    assert.deepEqual(projectWide, []);
  });

  for (const environment of environments) {
    it(`lets deploy-${environment} act as ${environment}'s instance account and no other`, async () => {
      const run = await load();
      const actAs = ofType(run, "gcp:serviceaccount/iAMMember:IAMMember")
        .filter((r) => r.inputs.member === accountEmail(`deploy-${environment}`))
        .map((r) => [r.inputs.role, r.inputs.serviceAccountId]);
      assert.deepEqual(
        actAs,
        instanceAccountRoles.map((role) => [
          role,
          `projects/acme-ha-web-test/serviceAccounts/ha-web-${environment}-vm@acme-ha-web-test.iam.gserviceaccount.com`,
        ]),
      );
    });
  }

  it("limits each deploy account's state access to its own stack", async () => {
    const run = await load();
    const bucket = /^gs:\/\/(.+)$/.exec(String(run.outputs.backendUrl))?.[1];
    const grant = named(
      run,
      "gcp:storage/bucketIAMMember:BucketIAMMember",
      "pipeline-deploy-test-state",
    ).inputs;
    const objects = `projects/_/buckets/${bucket}/objects/.pulumi`;
    assert.deepEqual(grant.condition, {
      title: "stack-test-only",
      description: "Only the state of stack test",
      expression: [
        `resource.name.startsWith("${objects}/stacks/ha-web-service/test.json")`,
        `resource.name.startsWith("${objects}/history/ha-web-service/test/")`,
        `resource.name.startsWith("${objects}/backups/ha-web-service/test/")`,
        `resource.name.startsWith("${objects}/journal/ha-web-service/test/")`,
        `resource.name.startsWith("${objects}/locks/ha-web-service/test/")`,
        `resource.name == "${objects}/meta.yaml"`,
        `resource.type == "storage.googleapis.com/Bucket"`,
      ].join(" || "),
    });
  });

  it("gives each deploy account the listed roles, and may grant only the instances' roles", async () => {
    const run = await load();
    assert.deepEqual(projectRolesOf(run, "deploy-test"), Object.keys(gcpDeployProjectRoles).sort());
    const grant = named(
      run,
      "gcp:projects/iAMMember:IAMMember",
      "pipeline-deploy-test-grant-workload-roles",
    ).inputs;
    assert.equal(grant.role, "roles/resourcemanager.projectIamAdmin");
    assert.equal(
      (grant.condition as { expression: string }).expression,
      "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/logging.logWriter', 'roles/monitoring.metricWriter', 'roles/artifactregistry.reader'])",
    );
    // Owner, Editor or any admin role anywhere in the deploy grants would undo everything above.
    for (const role of Object.keys(gcpDeployProjectRoles)) {
      assert.doesNotMatch(
        role,
        /^roles\/(owner|editor|iam\.securityAdmin|resourcemanager\.projectIamAdmin)$/,
      );
    }
  });

  it("publishes the GitHub variables the workflows read", async () => {
    const run = await load();
    assert.deepEqual(run.outputs.githubVariables, {
      PULUMI_BACKEND_URL: run.outputs.backendUrl,
      PULUMI_SECRETS_PROVIDER:
        "gcpkms://projects/acme-ha-web-test/locations/us-central1/keyRings/ha-web-service/cryptoKeys/pulumi-state",
      GCP_WORKLOAD_IDENTITY_PROVIDER: `${pool}/providers/github`,
      GCP_PREVIEW_SERVICE_ACCOUNT: "ha-web-preview@acme-ha-web-test.iam.gserviceaccount.com",
    });
    const email = (id: string) => `${id}@acme-ha-web-test.iam.gserviceaccount.com`;
    assert.deepEqual(run.outputs.githubEnvironmentVariables, {
      test: {
        GCP_DEPLOY_SERVICE_ACCOUNT: email("ha-web-deploy-test"),
        GCP_INSTANCE_SERVICE_ACCOUNT: email("ha-web-test-vm"),
      },
      prod: {
        GCP_DEPLOY_SERVICE_ACCOUNT: email("ha-web-deploy-prod"),
        GCP_INSTANCE_SERVICE_ACCOUNT: email("ha-web-prod-vm"),
      },
    });
  });
});

/**
 * Fails unless every GCP resource in `resources` maps to a role the deploy account holds, and
 * every project role the program grants is one the deploy account may grant.
 */
function assertDeployCovers(resources: readonly PlannedResource[]): void {
  for (const resource of resources.filter((r) => r.custom && r.type.startsWith("gcp:"))) {
    const [module] = resource.type.slice("gcp:".length).split(":");
    const role = gcpModuleRoles[module] ?? gcpModuleRoles[module.split("/")[0]];
    assert.ok(
      role,
      `add the role that creates ${resource.type} to gcpModuleRoles/gcpDeployProjectRoles in bootstrap/gcp.ts`,
    );
    if (resource.type === "gcp:projects/iAMMember:IAMMember") {
      assert.ok(
        (gcpGrantableRoles as readonly string[]).includes(String(resource.inputs.role)),
        `the program grants ${String(resource.inputs.role)}; add it to gcpGrantableRoles in bootstrap/gcp.ts`,
      );
    } else {
      assert.ok(
        role in gcpDeployProjectRoles,
        `${resource.type} needs ${role}, which the deploy account lacks`,
      );
    }
  }
}

/** The project the planned stack deploys into (every grant names it). */
function planProject(plan: { resources: readonly PlannedResource[] }): string {
  const grant = plan.resources.find((r) => r.type === "gcp:projects/iAMMember:IAMMember");
  return String(grant?.inputs.project);
}

describe("the deploy roles cover what the main program registers on GCP", () => {
  for (const stack of ["test", "prod"]) {
    it(`${stack}: every GCP resource module maps to a granted role`, async () => {
      assertDeployCovers((await planStack(stack, "gcp")).resources);
    });

    // The deploy account may act as its environment's instance account only, and may not create
    // accounts: the program must run its instances as exactly the bootstrap's account.
    it(`${stack}: runs the instances as the bootstrap's ${stack} account, creates none, and grants only to it`, async () => {
      const [plan, run] = await Promise.all([planStack(stack, "gcp"), load()]);
      const bootstrapAccount = (
        run.outputs.githubEnvironmentVariables as Record<string, Record<string, string>>
      )[stack].GCP_INSTANCE_SERVICE_ACCOUNT;
      // The bootstrap fixture and the stack files name the same project.
      const email = bootstrapAccount.replace(
        /@.*/,
        `@${planProject(plan)}.iam.gserviceaccount.com`,
      );
      assert.equal(bootstrapAccount.split("@")[0], `ha-web-${stack}-vm`);
      assert.deepEqual(
        plan.resources.filter((r) => r.type === "gcp:serviceaccount/account:Account"),
        [],
      );
      const template = plan.resources.find(
        (r) => r.type === "gcp:compute/instanceTemplate:InstanceTemplate",
      );
      assert.equal(
        (template?.inputs.serviceAccount as { email: string } | undefined)?.email,
        email,
      );
      const members = plan.resources
        .filter((r) => /IAMMember|IamMember/.test(r.type))
        .map((r) => r.inputs.member);
      assert.ok(members.length > 0);
      assert.deepEqual([...new Set(members)], [`serviceAccount:${email}`]);
    });
  }

  it("fails for a service account the program creates (the check can fail)", () => {
    const account: PlannedResource = {
      type: "gcp:serviceaccount/account:Account",
      name: "web-vm",
      parent: null,
      inputs: {},
      custom: true,
      provider: null,
    };
    assert.throws(
      () => assertDeployCovers([account]),
      /add the role that creates gcp:serviceaccount/,
    );
  });

  it("fails for a role grant the condition does not allow (the check can fail)", () => {
    const grant: PlannedResource = {
      type: "gcp:projects/iAMMember:IAMMember",
      name: "owner",
      parent: null,
      inputs: { role: "roles/owner" },
      custom: true,
      provider: null,
    };
    assert.throws(() => assertDeployCovers([grant]), /the program grants roles\/owner/);
  });

  it("fails for a module no granted role covers (the check can fail)", () => {
    const sql: PlannedResource = {
      type: "gcp:sql/databaseInstance:DatabaseInstance",
      name: "db",
      parent: null,
      inputs: {},
      custom: true,
      provider: null,
    };
    assert.throws(() => assertDeployCovers([sql]), /add the role that creates gcp:sql/);
  });

  it("builds the grant condition from the list", () => {
    assert.equal(
      grantableRolesCondition(["roles/a"]),
      "api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/a'])",
    );
  });
});
