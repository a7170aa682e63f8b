import assert from "node:assert/strict";
import { main } from "../../tools/plan/cli";
import { runInProcess } from "../helpers/command";

// `npm run plan`'s main, run in-process; tests/plan/cli.test.ts and tests/azure/cli.test.ts run
// the script as a real process.
describe("npm run plan on gcp", () => {
  it("refuses a rolling policy that would take prod's whole fleet out, naming the stack key, exit 2", async () => {
    const result = await runInProcess("plan", main, [
      "--stack",
      "prod",
      "--cloud",
      "gcp",
      "-c",
      "rollingMaxUnavailablePercent=34",
    ]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^ {2}rollingMaxUnavailablePercent \(rollingUpdate\.maxUnavailablePercent\): expected 0 on gcp with 3 instances over 3 zones: .* so 1 would become 3, every instance; got 34$/m,
    );
  });

  it("plans prod offline and prints the JSON document", async () => {
    const { code, stdout, stderr } = await runInProcess("plan", main, [
      "--stack",
      "prod",
      "--cloud",
      "gcp",
      "--json",
    ]);
    assert.equal(code, 0, stderr);
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
