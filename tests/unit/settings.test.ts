import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { HighlyAvailableWebService } from "../../components/webService";
import { dnsLabel, workloadResourceGroup } from "../../providers/azure/naming";
import { instanceAccountEmail } from "../../providers/gcp/names";
import { ConfigError, parseSettings, Settings } from "../../stacks/settings";
import { configSchema } from "../../stacks/schema";
import { RecordingMocks } from "../../tools/plan/recorder";
import { runPlan, waitForRegistrations } from "../../tools/plan/run";
import { readmePath, renderedProjectFile, renderedReadme } from "../../stacks/render";
import { loadStackConfig } from "../../stacks/stackFile";
import { readExpectedVersion } from "../../tools/check/stack";
import { readStackTarget } from "../../tools/doctor/stackTarget";

const root = join(__dirname, "..", "..");
const base = { "ha-web-service:appVersion": "1.0.6" };

function settingsFor(raw: Record<string, string>): Settings {
  return parseSettings({ ...base, ...raw }, "ha-web-service", "test");
}

function problemsFor(raw: Record<string, string>): readonly string[] {
  try {
    settingsFor(raw);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail("expected the configuration to be rejected");
}

describe("stack settings", () => {
  it("applies the documented defaults", () => {
    const settings = settingsFor({});
    assert.deepEqual(settings, {
      project: "ha-web-service",
      stack: "test",
      cloud: "aws",
      region: "us-east-1",
      zones: ["us-east-1a", "us-east-1b"],
      instanceSize: "small",
      minInstances: 2,
      desiredInstances: 2,
      maxInstances: 4,
      appVersion: "1.0.6",
      image: undefined,
      domain: undefined,
      awsHostedZone: undefined,
      alertEmail: undefined,
      logRetentionDays: 14,
      deletionProtection: false,
      natGateways: "single",
      drainingTimeoutSeconds: 30,
      rollingUpdate: { maxSurgePercent: 100, maxUnavailablePercent: 0, minReadySeconds: 10 },
      tags: { project: "ha-web-service", stack: "test", "managed-by": "pulumi" },
      gcpProject: undefined,
      gcpAllowIapSsh: false,
      gcpCloudArmorEnforce: false,
      gcpReplaceInstanceGroup: false,
      awsPermissionsBoundary: undefined,
      azureSshPublicKey: undefined,
    });
  });

  it("reads the region from the selected cloud's own key", () => {
    const settings = settingsFor({
      "ha-web-service:cloud": "gcp",
      "gcp:project": "acme-web-1",
      "gcp:region": "europe-west1",
      "aws:region": "eu-west-1",
      "ha-web-service:zoneCount": "3",
    });
    assert.equal(settings.region, "europe-west1");
    assert.deepEqual(settings.zones, ["europe-west1-b", "europe-west1-c", "europe-west1-d"]);
  });

  it("keeps user tags but never lets them override project, stack or managed-by", () => {
    const settings = settingsFor({
      "ha-web-service:tags": JSON.stringify({ team: "platform", stack: "other" }),
    });
    assert.deepEqual(settings.tags, {
      team: "platform",
      stack: "test",
      project: "ha-web-service",
      "managed-by": "pulumi",
    });
  });

  describe("rejects bad input with the key, the value and what is accepted", () => {
    const rows: Array<[string, Record<string, string>, string[]]> = [
      [
        "an unknown cloud",
        { "ha-web-service:cloud": "awz" },
        ['ha-web-service:cloud: expected one of aws, gcp, azure; got "awz"'],
      ],
      [
        "a misspelled key",
        { "ha-web-service:desiredInstnces": "3" },
        [
          'ha-web-service:desiredInstnces: unknown configuration key; did you mean "ha-web-service:desiredInstances"?',
        ],
      ],
      [
        "a non-numeric count",
        { "ha-web-service:maxInstances": "lots" },
        ['ha-web-service:maxInstances: expected a whole number from 2 to 100; got "lots"'],
      ],
      [
        "an out-of-range count",
        { "ha-web-service:minInstances": "1" },
        [
          'ha-web-service:minInstances: expected a whole number from 2 to 100 (so losing one instance keeps serving); got "1"',
        ],
      ],
      [
        "min above max",
        { "ha-web-service:minInstances": "5", "ha-web-service:maxInstances": "3" },
        ["ha-web-service:minInstances: expected at most maxInstances (3); got 5"],
      ],
      [
        "desired outside min..max",
        { "ha-web-service:desiredInstances": "9" },
        [
          "ha-web-service:desiredInstances: expected between minInstances (2) and maxInstances (4); got 9",
        ],
      ],
      [
        "a drain Fargate would cut short",
        { "ha-web-service:drainingTimeoutSeconds": "300" },
        [
          'ha-web-service:drainingTimeoutSeconds: expected a whole number from 10 to 105 (load balancers need 10 s to notice a departure; Fargate kills a container 120 s after SIGTERM, and the image needs 15 s after its drain); got "300"',
        ],
      ],
      [
        "a rollout that cannot progress",
        {
          "ha-web-service:rollingMaxSurgePercent": "0",
          "ha-web-service:rollingMaxUnavailablePercent": "0",
        },
        [
          "ha-web-service:rollingMaxSurgePercent, ha-web-service:rollingMaxUnavailablePercent: expected one of them above 0, or no rollout can make progress; got both 0",
        ],
      ],
      [
        "more zones than the region offers",
        { "ha-web-service:zoneCount": "4", "aws:region": "eu-west-1" },
        [
          'ha-web-service:zoneCount: expected a whole number from 2 to 3; got "4" (eu-west-1 offers 3 zones)',
        ],
      ],
      [
        "an unknown region",
        { "aws:region": "us-mars-1" },
        [
          'aws:region: expected a region this project knows (us-east-1, us-east-2, us-west-2, eu-west-1, eu-west-2, eu-central-1, ap-southeast-2, ap-northeast-1); add it to providers/aws/regions.ts; got "us-mars-1"',
        ],
      ],
      [
        "a malformed version",
        { "ha-web-service:appVersion": "v1.0" },
        ['ha-web-service:appVersion: expected a version such as 1.0.6 or 1.1.0-rc.1; got "v1.0"'],
      ],
      [
        "a malformed image reference",
        { "ha-web-service:image": "Registry/App:latest!" },
        [
          'ha-web-service:image: expected an image reference such as registry.example.com/team/app:1.0.6; got "Registry/App:latest!"',
        ],
      ],
      [
        "a malformed domain",
        { "ha-web-service:domain": "https://www.example.com" },
        [
          'ha-web-service:domain: expected a lower-case DNS name such as www.example.com; got "https://www.example.com"',
        ],
      ],
      [
        "a malformed email",
        { "ha-web-service:alertEmail": "oncall@" },
        [
          'ha-web-service:alertEmail: expected an email address such as oncall@example.com; got "oncall@"',
        ],
      ],
      [
        "a log retention no cloud accepts",
        { "ha-web-service:logRetentionDays": "10" },
        [
          'ha-web-service:logRetentionDays: expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653 (the values every cloud accepts); got "10"',
        ],
      ],
      [
        "a boolean that is not one",
        { "ha-web-service:deletionProtection": "yes" },
        ['ha-web-service:deletionProtection: expected true or false; got "yes"'],
      ],
      [
        "a tag value GCP would reject",
        { "ha-web-service:tags": JSON.stringify({ team: "Platform Team" }) },
        [
          'ha-web-service:tags: expected tags whose names and values are lower-case letters, digits, _ or -, up to 63 characters (GCP label rules); got {"team":"Platform Team"}',
        ],
      ],
      [
        "tags that are not an object",
        { "ha-web-service:tags": "[1,2]" },
        ["ha-web-service:tags: expected an object of tag names to strings; got [1,2]"],
      ],
    ];
    for (const [what, raw, expected] of rows) {
      it(what, () => {
        assert.deepEqual(problemsFor(raw), expected);
      });
    }

    it("reports every problem at once", () => {
      assert.equal(
        problemsFor({ "ha-web-service:cloud": "awz", "ha-web-service:alertEmail": "x" }).length,
        2,
      );
    });
  });

  describe("the offline plan with bad configuration", () => {
    it("stops before registering any resource", async () => {
      const mocks = new RecordingMocks();
      await assert.rejects(
        runPlan({ stack: "test", overrides: { minInstances: "9", maxInstances: "3" }, mocks }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.problems.join("\n") ===
            "ha-web-service:minInstances: expected at most maxInstances (3); got 9",
      );
      assert.deepEqual(mocks.resources, []);
    });
  });

  describe("Pulumi.yaml", () => {
    const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as {
      config: Record<string, { type?: string; default?: unknown; description?: string }>;
    };

    it("is rendered from the settings table (npm run settings:render)", () => {
      assert.equal(readFileSync(join(root, "Pulumi.yaml"), "utf8"), renderedProjectFile());
    });

    it("declares exactly the keys the settings read, with the same types and defaults", () => {
      assert.deepEqual(Object.keys(project.config).sort(), Object.keys(configSchema).sort());
      for (const [key, spec] of Object.entries(configSchema)) {
        const declared = project.config[key];
        const { optional } = spec as { optional?: true };
        assert.equal(declared.type ?? "object", spec.type, `${key}: type`);
        if (optional === true) {
          assert.deepEqual(
            declared.default,
            spec.type === "object" ? {} : "",
            `${key}: empty default`,
          );
        } else {
          assert.equal(
            declared.default,
            (spec as { default?: unknown }).default,
            `${key}: default`,
          );
        }
        assert.ok(declared.description && declared.description.length > 20, `${key}: description`);
      }
    });

    // The real engine refuses a stack that lacks a project key declared without a default
    // (pulumi/pulumi sdk/go/common/workspace/config.go, mergeConfig): only the keys every stack
    // must set may have none.
    it("leaves only appVersion without a default, so a new stack with just it runs", () => {
      const required = Object.entries(project.config)
        .filter(([, declared]) => declared.default === undefined)
        .map(([key]) => key);
      assert.deepEqual(required, ["appVersion"]);
    });

    it("reads an optional key's empty default as unset", () => {
      const cfg = loadStackConfig("test", {}, root);
      const empty = Object.fromEntries(
        Object.entries(configSchema)
          .filter(([, spec]) => (spec as { optional?: true }).optional === true)
          .map(([key, spec]) => [`${cfg.project}:${key}`, spec.type === "object" ? "{}" : ""]),
      );
      const settings = parseSettings({ ...cfg.config, ...empty }, cfg.project, cfg.stack);
      assert.deepEqual(
        [settings.domain, settings.alertEmail, settings.image, settings.tags],
        // Tags: only the ones every resource gets anyway.
        [
          undefined,
          undefined,
          undefined,
          { "managed-by": "pulumi", project: cfg.project, stack: "test" },
        ],
      );
    });
  });

  it("the README's settings table is rendered from the table and the stack files", () => {
    assert.equal(readFileSync(readmePath, "utf8"), renderedReadme());
  });

  // Another project name than this checkout's: a tool that wrote the name down reads nothing.
  describe("every tool reads the stack file with the project name from Pulumi.yaml", () => {
    const files: Record<string, string> = {
      "Pulumi.yaml": "name: shop\nconfig:\n  cloud:\n    default: aws\n",
      "Pulumi.qa.yaml": 'config:\n  shop:cloud: gcp\n  shop:appVersion: "2.1.0"\n',
    };

    it("the plan's engine configuration", () => {
      const dir = mkdtempSync(join(tmpdir(), "settings-"));
      try {
        for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
        const cfg = loadStackConfig("qa", { zoneCount: "3" }, dir);
        assert.deepEqual(cfg, {
          project: "shop",
          stack: "qa",
          config: { "shop:cloud": "gcp", "shop:appVersion": "2.1.0", "shop:zoneCount": "3" },
          secretKeys: [],
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("the doctor's stack target", () => {
      const target = readStackTarget((path) => files[path], "qa");
      assert.deepEqual([target.cloud, target.appVersion], ["gcp", "2.1.0"]);
    });

    it("the checker's expected version", async () => {
      const dir = mkdtempSync(join(tmpdir(), "settings-"));
      try {
        for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
        assert.equal(await readExpectedVersion("qa", dir), "2.1.0");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("the stack files", () => {
    const load = (stack: string) => {
      const cfg = loadStackConfig(stack, {}, root);
      return parseSettings(cfg.config, cfg.project, cfg.stack);
    };

    it("test is small and cheap: 2 zones, 2 instances, one NAT, short logs, no protection", () => {
      const s = load("test");
      assert.deepEqual(
        [
          s.zones.length,
          s.minInstances,
          s.desiredInstances,
          s.maxInstances,
          s.natGateways,
          s.logRetentionDays,
          s.deletionProtection,
        ],
        [2, 2, 2, 4, "single", 7, false],
      );
    });

    it("prod spreads over 3 zones with at least 3 instances, more headroom, longer logs, protection", () => {
      const s = load("prod");
      assert.deepEqual(
        [
          s.zones.length,
          s.minInstances,
          s.desiredInstances,
          s.maxInstances,
          s.natGateways,
          s.logRetentionDays,
          s.deletionProtection,
        ],
        [3, 3, 3, 12, "perZone", 90, true],
      );
    });

    for (const stack of ["test", "prod"]) {
      for (const cloud of ["aws", "gcp", "azure"]) {
        it(`${stack} is valid on ${cloud}`, () => {
          const cfg = loadStackConfig(stack, { cloud }, root);
          assert.equal(parseSettings(cfg.config, cfg.project, cfg.stack).cloud, cloud);
        });
      }
    }
  });

  // The engine's stack and project are deliberately other names than the settings': every name
  // that tells two stacks apart must come from the args (stacks/settings.ts passes them in).
  describe("the stack and project reach the clouds through the args, not the engine", () => {
    const plan = async (cloud: "aws" | "gcp" | "azure", region: string, zones: string[]) => {
      pulumi.runtime.setAllConfig({});
      const mocks = new RecordingMocks();
      await pulumi.runtime.setMocks(mocks, "engineproject", "enginestack", false);
      mocks.hookMonitor();
      new HighlyAvailableWebService("web", {
        cloud,
        region,
        zones,
        appVersion: "1.0.0",
        minInstances: 2,
        desiredInstances: 2,
        maxInstances: 4,
        gcpProject: "acme-web-1",
        project: "acme",
        stack: "qa",
      });
      await waitForRegistrations();
      const inputs = JSON.stringify(mocks.resources.map((r) => r.inputs));
      assert.doesNotMatch(inputs, /engineproject|enginestack/);
      return mocks.resources;
    };

    it("aws: the task family is <project>-<stack>-<name>", async () => {
      const resources = await plan("aws", "us-east-1", ["us-east-1a", "us-east-1b"]);
      const task = resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
      assert.equal(task?.inputs.family, "acme-qa-web");
    });

    it("azure: the DNS label and the environment's resource group are the stack's", async () => {
      const resources = await plan("azure", "eastus", ["1", "2"]);
      const ip = resources.find((r) => r.type === "azure-native:network:PublicIPAddress");
      assert.deepEqual(
        [
          (ip?.inputs.dnsSettings as { domainNameLabel?: string }).domainNameLabel,
          ip?.inputs.resourceGroupName,
        ],
        [dnsLabel("web", "qa"), workloadResourceGroup("qa")],
      );
    });

    it("gcp: the instances run as the stack's own service account", async () => {
      const resources = await plan("gcp", "us-central1", ["us-central1-a", "us-central1-b"]);
      const members = resources
        .filter((r) => r.type === "gcp:projects/iAMMember:IAMMember")
        .map((r) => r.inputs.member);
      assert.ok(members.length > 0);
      const email = instanceAccountEmail("qa", "acme-web-1");
      assert.deepEqual(new Set(members), new Set([`serviceAccount:${email}`]));
    });
  });
});
