import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..", "..");

describe("azure: npm run plan", () => {
  it("plans the prod stack on azure as JSON in a child process", function () {
    this.timeout(60_000);
    const result = spawnSync(
      "npm",
      ["run", "plan", "--", "--stack", "prod", "--cloud", "azure", "--json"],
      { cwd: root, encoding: "utf8", timeout: 55_000 },
    );
    assert.equal(result.status, 0, result.stderr);
    // npm prints its own "> ha-web-service@... plan" banner first; the document follows it.
    const document = JSON.parse(result.stdout.slice(result.stdout.indexOf("\n{") + 1)) as {
      stack: string;
      cloud: string;
      resources: { type: string; name: string }[];
    };
    assert.equal(document.stack, "prod");
    assert.equal(document.cloud, "azure");
    assert.deepEqual(
      document.resources
        .filter((r) => r.type === "azure-native:compute:VirtualMachineScaleSet")
        .map((r) => r.name),
      ["web-vmss"],
    );
  });
});
