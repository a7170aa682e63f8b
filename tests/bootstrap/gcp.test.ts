import assert from "node:assert/strict";
import {
  gcpDeployProjectRoles,
  gcpGrantableRoles,
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
    const members = ofType(run, "gcp:serviceaccount/iAMMember:IAMMember").map((r) =>
      String(r.inputs.member),
    );
    assert.deepEqual(
      checkGcpTrust(String(provider.inputs.attributeCondition), members, {
        repository,
        environments,
      }),
      [],
    );
  });

  for (const role of ["preview", "deploy"] as const) {
    it(`lets only the ${role} subjects impersonate the ${role} account`, async () => {
      const run = await load();
      const bindings = ofType(run, "gcp:serviceaccount/iAMMember:IAMMember").filter((r) =>
        String(r.inputs.serviceAccountId).includes(`ha-web-${role}@`),
      );
      assert.deepEqual(
        bindings.map((r) => [r.inputs.role, r.inputs.member]),
        pipelineSubjects(repository, environments)[role].map((subject) => [
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

  it("gives the deploy account the listed roles, and may grant only the instances' roles", async () => {
    const run = await load();
    assert.deepEqual(projectRolesOf(run, "deploy"), Object.keys(gcpDeployProjectRoles).sort());
    const grant = named(
      run,
      "gcp:projects/iAMMember:IAMMember",
      "pipeline-deploy-grant-workload-roles",
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
      GCP_DEPLOY_SERVICE_ACCOUNT: "ha-web-deploy@acme-ha-web-test.iam.gserviceaccount.com",
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

describe("the deploy roles cover what the main program registers on GCP", () => {
  for (const stack of ["test", "prod"]) {
    it(`${stack}: every GCP resource module maps to a granted role`, async () => {
      assertDeployCovers((await planStack(stack, "gcp")).resources);
    });
  }

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
