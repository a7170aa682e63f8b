/**
 * GCP IAM from the plan's grants, decided over Google's documented role contents and resource
 * hierarchy (tools/verify/gcpIam.ts): the instances' service account can pull its image and write
 * logs and metrics, and nothing else.
 */
import assert from "node:assert/strict";
import { decideGcp, GcpDecision, GcpGrant, gcpGrantsOf, scopesAdmit } from "./gcpIam";
import { copyPlan, one, planStack, PlanResult } from "../helpers/plan";

const projects = { test: "acme-ha-web-test", prod: "acme-ha-web-prod" } as const;

function tables(project: string) {
  const root = `projects/${project}`;
  const repo = `${root}/locations/us-central1/repositories/ha-web-service`;
  const tag = `${repo}/packages/web/tags/1.0.0`;
  const mustAllow: Array<[string, string, string]> = [
    ["pull the image", "artifactregistry.repositories.downloadArtifacts", repo],
    ["resolve the version tag", "artifactregistry.tags.get", tag],
    ["write log entries", "logging.logEntries.create", root],
    ["write metrics", "monitoring.timeSeries.create", root],
  ];
  const mustDeny: Array<[string, string, string]> = [
    [
      "pull from another repository of the project",
      "artifactregistry.repositories.downloadArtifacts",
      `${root}/locations/us-central1/repositories/other`,
    ],
    [
      "pull from the same repository name in another project",
      "artifactregistry.repositories.downloadArtifacts",
      "projects/other-project/locations/us-central1/repositories/ha-web-service",
    ],
    ["push to its own repository", "artifactregistry.repositories.uploadArtifacts", repo],
    ["move a released tag", "artifactregistry.tags.update", tag],
    ["delete images", "artifactregistry.versions.delete", `${repo}/packages/web/versions/sha256:0`],
    ["read any storage object", "storage.objects.get", "projects/_/buckets/any/objects/key"],
    ["read the logs", "logging.logEntries.list", root],
    [
      "act as another service account",
      "iam.serviceAccounts.actAs",
      `${root}/serviceAccounts/other@${project}.iam.gserviceaccount.com`,
    ],
    ["create instances", "compute.instances.create", `${root}/zones/us-central1-a`],
    ["change the project's IAM policy", "resourcemanager.projects.setIamPolicy", root],
  ];
  return { root, repo, mustAllow, mustDeny };
}

function mismatches(
  grants: readonly GcpGrant[],
  member: string,
  table: Array<[string, string, string]>,
  expected: GcpDecision,
): string[] {
  return table
    .map(([what, permission, resource]) => [what, decideGcp(grants, member, permission, resource)])
    .filter(([, decision]) => decision !== expected)
    .map(([what, decision]) => `${what}: ${decision}, expected ${expected}`);
}

/** The member the instances run as: the template's service account. */
function instanceMember(plan: Pick<PlanResult, "resources">): string {
  const template = one(plan, "gcp:compute/instanceTemplate:InstanceTemplate").inputs;
  return `serviceAccount:${(template.serviceAccount as { email: string }).email}`;
}

for (const stack of ["test", "prod"] as const) {
  const project = projects[stack];
  const { root, repo, mustAllow, mustDeny } = tables(project);
  const load = () => planStack(stack, "gcp");

  describe(`GCP IAM · ${stack} stack`, () => {
    it("grants the instance account exactly two project roles and read on its own repository", async () => {
      const plan = await load();
      const member = instanceMember(plan);
      // The bootstrap's account for this environment (bootstrap/gcp.ts), which the deploy
      // account may act as; the program creates none.
      assert.equal(member, `serviceAccount:ha-web-${stack}-vm@${project}.iam.gserviceaccount.com`);
      const grants = gcpGrantsOf(plan).map(({ member: m, role, resource }) => [m, role, resource]);
      assert.deepEqual(grants, [
        [member, "roles/logging.logWriter", root],
        [member, "roles/monitoring.metricWriter", root],
        [member, "roles/artifactregistry.reader", repo],
      ]);
    });

    it("the instances' token carries a scope that leaves the decision to IAM", async () => {
      const template = one(await load(), "gcp:compute/instanceTemplate:InstanceTemplate").inputs;
      const account = template.serviceAccount as { email: string; scopes: string[] };
      assert.deepEqual(account.scopes, ["https://www.googleapis.com/auth/cloud-platform"]);
      for (const [what, permission] of mustAllow) {
        assert.ok(scopesAdmit(account.scopes, permission), what);
      }
    });

    it("the instance account can pull its image and write logs and metrics", async () => {
      const plan = await load();
      assert.deepEqual(
        mismatches(gcpGrantsOf(plan), instanceMember(plan), mustAllow, "Allowed"),
        [],
      );
    });

    it("the instance account can do nothing else", async () => {
      const plan = await load();
      assert.deepEqual(mismatches(gcpGrantsOf(plan), instanceMember(plan), mustDeny, "Denied"), []);
    });
  });
}

describe("GCP IAM · the tables notice a broken plan", () => {
  const project = projects.prod;
  const { mustDeny } = tables(project);
  const load = () => planStack("prod", "gcp");

  it("another repository becomes readable when the reader role moves to the project", async () => {
    const copy = copyPlan(await load());
    const member = instanceMember(copy);
    const index = copy.resources.findIndex((r) => r.name === "web-vm-images-reader");
    copy.resources[index] = {
      ...copy.resources[index],
      type: "gcp:projects/iAMMember:IAMMember",
      inputs: { project, role: "roles/artifactregistry.reader", member },
    };
    assert.deepEqual(mismatches(gcpGrantsOf(copy), member, mustDeny, "Denied"), [
      "pull from another repository of the project: Allowed, expected Denied",
    ]);
  });

  it("a role with no recorded permissions is refused rather than guessed", async () => {
    const copy = copyPlan(await load());
    const member = instanceMember(copy);
    copy.resources.find((r) => r.name === "web-vm-logging")!.inputs.role = "roles/storage.admin";
    assert.throws(
      () => decideGcp(gcpGrantsOf(copy), member, "storage.objects.get", "projects/_/buckets/b"),
      /gcp:projects\/iAMMember:IAMMember::web-vm-logging: roles\/storage.admin is not in gcpRolePermissions; record it/,
    );
  });

  it("a grant type it cannot place in the hierarchy is refused", () => {
    assert.throws(
      () =>
        gcpGrantsOf({
          resources: [
            {
              type: "gcp:storage/bucketIAMMember:BucketIAMMember",
              name: "b",
              parent: null,
              inputs: { bucket: "b", role: "roles/storage.objectViewer", member: "user:a@b.c" },
              custom: true,
              provider: null,
            },
          ],
        }),
      /no model of where this grant type applies/,
    );
  });

  it("narrow scopes block an API even where IAM allows it", () => {
    const scopes = ["https://www.googleapis.com/auth/logging.write"];
    assert.equal(scopesAdmit(scopes, "logging.logEntries.create"), true);
    assert.equal(scopesAdmit(scopes, "monitoring.timeSeries.create"), false);
  });
});
