import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = join(__dirname, "..", "..");

describe("npm run plan on gcp", () => {
  it("refuses a rolling policy that would take prod's whole fleet out, naming the stack key, exit 2", async () => {
    const error = await run(
      "npm",
      [
        "run",
        "--silent",
        "plan",
        "--",
        "--stack",
        "prod",
        "--cloud",
        "gcp",
        "-c",
        "rollingMaxUnavailablePercent=34",
      ],
      { cwd: root, timeout: 50_000 },
    ).then(
      () => assert.fail("the plan should have been refused"),
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(error.code, 2);
    assert.match(
      error.stderr,
      /^ {2}rollingMaxUnavailablePercent \(rollingUpdate\.maxUnavailablePercent\): expected 0 on gcp with 3 instances over 3 zones: .* so 1 would become 3, every instance; got 34$/m,
    );
  });

  it("plans prod offline and prints the JSON document", async () => {
    const { stdout } = await run(
      "npm",
      ["run", "--silent", "plan", "--", "--stack", "prod", "--cloud", "gcp", "--json"],
      { cwd: root, timeout: 50_000, maxBuffer: 16 * 1024 * 1024 },
    );
    const document = JSON.parse(stdout) as {
      stack: string;
      cloud: string;
      resources: { type: string; name: string }[];
    };
    assert.equal(document.stack, "prod");
    assert.equal(document.cloud, "gcp");
    const group = document.resources.filter(
      (r) => r.type === "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
    );
    assert.deepEqual(
      group.map((r) => r.name),
      ["web-mig"],
    );
  });
});
