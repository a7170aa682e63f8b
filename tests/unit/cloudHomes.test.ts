/**
 * The registry of cloud homes (providers/registry.ts): the one place a cloud is chosen. What it
 * must guarantee: an unknown cloud is refused with the accepted ones named, every home answers
 * for its own cloud only, and looking at the homes loads no cloud SDK, which the plan, diagram
 * and cost commands' speed depends on (the three SDKs together take seconds to load).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { clouds } from "../../components/cloud";
import { allCloudHomes, cloudHome } from "../../providers/registry";
import { cloudGroup } from "../../tools/drill/clouds";

const root = join(__dirname, "..", "..");

describe("cloud homes", () => {
  it("the registry lists the clouds the settings accept, in message order", () => {
    assert.deepEqual(clouds, ["aws", "gcp", "azure"]);
    assert.deepEqual(
      allCloudHomes().map((home) => home.cloud),
      clouds,
    );
    // The headings of docs/change-impact.md, which tools/engine/impact.ts takes from the homes.
    assert.deepEqual(
      allCloudHomes().map((home) => home.title),
      ["AWS", "GCP", "Azure"],
    );
  });

  it("refuses a cloud it has no home for, naming the key and what is accepted", () => {
    assert.throws(() => cloudHome("awz"), {
      message: 'cloud: expected one of aws, gcp, azure; got "awz"',
    });
    assert.throws(() => cloudHome("toString", "diagram"), {
      message: 'diagram: expected one of aws, gcp, azure; got "toString"',
    });
  });

  it("each home's drill adapter takes its own instance group only", () => {
    const kinds = allCloudHomes().map((home) => home.instanceGroupKind);
    assert.deepEqual(kinds, ["ecs-service", "gce-regional-mig", "azure-vmss"]);
    const exec = () => Promise.reject(new Error("no CLI in this test"));
    const ecs = { kind: "ecs-service", region: "r", cluster: "c", service: "s" } as const;
    assert.equal(
      cloudGroup(ecs, exec).healthSignal,
      cloudHome("aws").drill(ecs, exec).healthSignal,
    );
    assert.throws(() => cloudHome("gcp").drill(ecs, exec), {
      message: 'instanceGroup: expected kind gce-regional-mig; got "ecs-service"',
    });
  });

  it("loading every home, the diagram and the cost estimate loads no cloud SDK", () => {
    const script = `
      require("./providers/registry").allCloudHomes();
      require("./tools/diagram/render");
      require("./tools/cost/estimate");
      const sdks = ["@pulumi/aws", "@pulumi/awsx", "@pulumi/gcp", "@pulumi/azure-native"];
      const loaded = sdks.filter((sdk) =>
        Object.keys(require.cache).some((path) => path.includes("/node_modules/" + sdk + "/")));
      process.stdout.write(JSON.stringify(loaded));`;
    const result = spawnSync(process.execPath, ["-r", "./scripts/register.js", "-e", script], {
      cwd: root,
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), []);
  });

  it("deploying loads the chosen cloud's SDK only when its deploy code is asked for", () => {
    const script = `
      const { cloudHome } = require("./providers/registry");
      const home = cloudHome("gcp");
      const has = (sdk) => Object.keys(require.cache).some((p) => p.includes("/node_modules/" + sdk + "/"));
      const before = has("@pulumi/gcp");
      home.loadDeploy();
      process.stdout.write(JSON.stringify([before, has("@pulumi/gcp"), has("@pulumi/aws"), has("@pulumi/azure-native")]));`;
    const result = spawnSync(process.execPath, ["-r", "./scripts/register.js", "-e", script], {
      cwd: root,
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [false, true, false, false]);
  });
});
