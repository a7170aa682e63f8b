import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = join(__dirname, "..", "..");

describe("npm run plan on gcp", () => {
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
