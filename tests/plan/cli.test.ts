import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { main } from "../../tools/plan/cli";
import { repoRoot, runInProcess } from "../helpers/command";

/** Runs the plan command's main in this process, with its output captured. */
function plan(...args: string[]) {
  return runInProcess("plan", main, args);
}

describe("plan command", () => {
  it("prints a stable JSON document of every resource, grouped by parent", async () => {
    const { code, stdout, stderr } = await plan("--stack", "prod", "--json");
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as {
      stack: string;
      cloud: string;
      resources: Array<{ type: string; name: string; parent: string | null; inputs: object }>;
    };
    assert.deepEqual(Object.keys(doc), ["stack", "cloud", "resources", "expandedAtDeploy"]);
    assert.equal(doc.stack, "prod");
    assert.equal(doc.cloud, "aws");
    for (const r of doc.resources) {
      assert.deepEqual(Object.keys(r), ["type", "name", "parent", "inputs"]);
    }
    assert.equal(doc.resources[0].type, "haweb:index:HighlyAvailableWebService");
    assert.equal(doc.resources[0].parent, null);
    assert.ok(doc.resources.some((r) => r.type === "aws:ecs/service:Service"));
  });

  it("prints a readable tree by default", async () => {
    const { code, stdout } = await plan("--stack", "test");
    assert.equal(code, 0);
    const lines = stdout.split("\n");
    assert.match(
      lines[0],
      /^stack test on aws: \d+ resources, and \d+ that remote components create at deploy time \(marked \*\)$/,
    );
    assert.equal(lines[1], "└─ haweb:index:HighlyAvailableWebService  web");
    assert.ok(lines.includes("   ├─ aws:ecs/service:Service  web-service"), stdout);
  });

  it("applies -c overrides like pulumi preview -c", async () => {
    const { code, stdout } = await plan(
      "--stack",
      "test",
      "-c",
      "domain=www.example.com",
      "-c",
      "awsHostedZone=example.com",
      "--json",
    );
    assert.equal(code, 0);
    assert.ok(stdout.includes('"aws:acm/certificate:Certificate"'));
  });

  it("exits 2 with the validation message and no resources on bad configuration", async () => {
    const { code, stdout, stderr } = await plan("--stack", "test", "-c", "cloud=awz", "--json");
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      'invalid stack configuration:\n  ha-web-service:cloud: expected one of aws, gcp, azure; got "awz"\n',
    );
  });

  it("rejects an unknown --cloud before planning", async () => {
    const { code, stderr } = await plan("--stack", "test", "--cloud", "oracle");
    assert.equal(code, 2);
    assert.equal(
      stderr,
      'plan: --cloud: expected one of aws, gcp, azure; got "oracle" (see --help)\n',
    );
  });

  it("evaluates the policy pack with --policy and exits 4 on a mandatory violation", async () => {
    const clean = await plan("--stack", "prod", "--cloud", "azure", "--policy");
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /policy: \d+ policies on \d+ resources: 0 mandatory/);
    const broken = await plan(
      "--stack",
      "test",
      "-c",
      "rollingMaxUnavailablePercent=50",
      "--policy",
      "--json",
    );
    assert.equal(broken.code, 4);
    JSON.parse(broken.stdout); // the report goes to stderr, so stdout stays one document
    assert.match(
      broken.stderr,
      /mandatory +rolling-updates-keep-capacity +aws:ecs\/service:Service::web-service/,
    );
  });

  it("rejects a stack with no stack file", async () => {
    const { code, stderr } = await plan("--stack", "staging");
    assert.equal(code, 2);
    assert.match(stderr, /^stack: no Pulumi\.staging\.yaml in /);
  });

  // The tests above call main in-process; this one runs `npm run plan` as a user does, so the
  // script's wiring and the exit code of the real process (runMain) stay proven.
  it("as a process (npm run plan): exits 2 with the message on stderr and nothing on stdout", () => {
    const result = spawnSync(
      "npm",
      ["run", "--silent", "plan", "--", "--stack", "test", "-c", "cloud=awz", "--json"],
      { cwd: repoRoot, encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stdout, "");
    assert.equal(
      result.stderr,
      'invalid stack configuration:\n  ha-web-service:cloud: expected one of aws, gcp, azure; got "awz"\n',
    );
  });
});
