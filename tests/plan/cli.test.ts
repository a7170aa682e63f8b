import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

/** Runs `npm run plan` the way a user does, as a separate process. */
function plan(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["-r", "./scripts/register.js", "tools/plan/cli.ts", ...args],
    {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("plan command", () => {
  it("prints a stable JSON document of every resource, grouped by parent", () => {
    const { code, stdout, stderr } = plan("--stack", "prod", "--json");
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

  it("prints a readable tree by default", () => {
    const { code, stdout } = plan("--stack", "test");
    assert.equal(code, 0);
    const lines = stdout.split("\n");
    assert.match(
      lines[0],
      /^stack test on aws: \d+ resources, and \d+ that remote components create at deploy time \(marked \*\)$/,
    );
    assert.equal(lines[1], "└─ haweb:index:HighlyAvailableWebService  web");
    assert.ok(lines.includes("   ├─ aws:ecs/service:Service  web-service"), stdout);
  });

  it("applies -c overrides like pulumi preview -c", () => {
    const { code, stdout } = plan(
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

  it("exits 2 with the validation message and no resources on bad configuration", () => {
    const { code, stdout, stderr } = plan("--stack", "test", "-c", "cloud=awz", "--json");
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      'invalid stack configuration:\n  ha-web-service:cloud: expected one of aws, gcp, azure; got "awz"\n',
    );
  });

  it("rejects an unknown --cloud before planning", () => {
    const { code, stderr } = plan("--stack", "test", "--cloud", "oracle");
    assert.equal(code, 2);
    assert.equal(
      stderr,
      'plan: --cloud: expected one of aws, gcp, azure; got "oracle" (see --help)\n',
    );
  });

  it("evaluates the policy pack with --policy and exits 4 on a mandatory violation", () => {
    const clean = plan("--stack", "prod", "--cloud", "azure", "--policy");
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /policy: \d+ policies on \d+ resources: 0 mandatory/);
    const broken = plan(
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

  it("rejects a stack with no stack file", () => {
    const { code, stderr } = plan("--stack", "staging");
    assert.equal(code, 2);
    assert.match(stderr, /^stack: no Pulumi\.staging\.yaml in /);
  });
});
