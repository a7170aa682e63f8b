/**
 * The doctor's deployment-branch check, on faked GitHub API answers shaped as the REST reference
 * documents them: it passes only when each environment lets exactly the branch main deploy.
 */
import assert from "node:assert/strict";
import { checkDeploymentBranches } from "../../tools/doctor/branches";
import { DoctorEnv, ExecResult } from "../../tools/doctor/checks";

const says = (body: unknown): ExecResult => ({
  code: 0,
  stdout: JSON.stringify(body),
  stderr: "",
  missing: false,
});
const mainOnly = { protected_branches: false, custom_branch_policies: true };
const rules = (...names: string[]) =>
  says({
    total_count: names.length,
    branch_policies: names.map((name, id) => ({ id, name, type: "branch" })),
  });

function github(answers: Record<string, ExecResult>): DoctorEnv {
  return {
    env: {},
    nodeVersion: "v20.18.1",
    readFile: () => undefined,
    exec: async (command, args) =>
      answers[[command, ...args].join(" ")] ?? {
        code: 1,
        stdout: "",
        stderr: "gh: Not Found (HTTP 404)",
        missing: false,
      },
  };
}

const repo = "acme/ha-web-service";
const env = (name: string) => `gh api repos/${repo}/environments/${name}`;
const list = (name: string) =>
  `gh api repos/${repo}/environments/${name}/deployment-branch-policies`;
const good = {
  [env("test")]: says({ name: "test", deployment_branch_policy: mainOnly }),
  [list("test")]: rules("main"),
  [env("prod")]: says({ name: "prod", deployment_branch_policy: mainOnly }),
  [list("prod")]: rules("main"),
};

describe("doctor: deployment branch rules", () => {
  it("passes when test and prod each let only main deploy", async () => {
    assert.deepEqual(await checkDeploymentBranches(github(good), repo, ["test", "prod"]), {
      check: "branch rules",
      status: "ok",
      message: "test, prod: main only (acme/ha-web-service)",
    });
  });

  const fix = (e: string) =>
    `in Settings → Environments → ${e} → Deployment branches and tags, choose "Selected branches and tags" with the one rule main`;
  const rows: [string, Record<string, ExecResult>, string][] = [
    [
      "test open to every branch (the fault: any branch could take the deploy identity)",
      { [env("test")]: says({ name: "test", deployment_branch_policy: null }) },
      `environment test: every branch may deploy; ${fix("test")}`,
    ],
    [
      "test open to every protected branch",
      {
        [env("test")]: says({
          name: "test",
          deployment_branch_policy: { protected_branches: true, custom_branch_policies: false },
        }),
      },
      `environment test: every protected branch may deploy, not main only; ${fix("test")}`,
    ],
    [
      "test with a wildcard rule",
      { [list("test")]: rules("*") },
      `environment test: deployment rules are ["branch:*"], expected ["branch:main"]; ${fix("test")}`,
    ],
    [
      "test with main and another branch",
      { [list("test")]: rules("main", "release") },
      `environment test: deployment rules are ["branch:main","branch:release"], expected ["branch:main"]; ${fix("test")}`,
    ],
  ];
  for (const [label, change, message] of rows) {
    it(`fails for ${label}`, async () => {
      const found = await checkDeploymentBranches(github({ ...good, ...change }), repo, [
        "test",
        "prod",
      ]);
      assert.deepEqual(found, { check: "branch rules", status: "problem", message });
    });
  }

  it("fails for an environment that does not exist", async () => {
    const found = await checkDeploymentBranches(github(good), repo, ["test", "staging"]);
    assert.equal(found.status, "problem");
    assert.match(
      found.message,
      /^environment staging of acme\/ha-web-service cannot be read \(gh: Not Found \(HTTP 404\)\)/,
    );
  });

  it("says how to get the GitHub CLI when it is missing", async () => {
    const missing: DoctorEnv = {
      ...github({}),
      exec: async () => ({ code: null, stdout: "", stderr: "", missing: true }),
    };
    assert.deepEqual(await checkDeploymentBranches(missing, repo, ["test"]), {
      check: "branch rules",
      status: "problem",
      message: "GitHub CLI not found: install gh and run `gh auth login`",
    });
  });
});
