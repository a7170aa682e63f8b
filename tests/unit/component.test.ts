import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { HighlyAvailableWebServiceArgs, resolveServiceArgs } from "../../components/args";
import { HighlyAvailableWebService } from "../../components/webService";
import { validateServiceArgs } from "../../components/validation";
import { RecordingMocks } from "../../tools/plan/recorder";
import { waitForRegistrations } from "../../tools/plan/run";

const valid: HighlyAvailableWebServiceArgs = {
  cloud: "aws",
  region: "us-east-1",
  zones: ["us-east-1a", "us-east-1b"],
  appVersion: "1.0.0",
  minInstances: 2,
  desiredInstances: 2,
  maxInstances: 4,
};

async function withMocks<T>(build: () => T): Promise<{ value: T; mocks: RecordingMocks }> {
  pulumi.runtime.setAllConfig({});
  const mocks = new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, "ha-web-service", "unit", false);
  mocks.hookMonitor();
  const value = build();
  await waitForRegistrations();
  return { value, mocks };
}

describe("HighlyAvailableWebService", () => {
  describe("argument validation", () => {
    const rows: Array<[string, Partial<HighlyAvailableWebServiceArgs>, ...string[]]> = [
      [
        "an unknown cloud",
        { cloud: "awz" as never },
        'cloud: expected one of aws, gcp, azure; got "awz"',
      ],
      [
        "a single zone",
        { zones: ["us-east-1a"] },
        "zones: expected at least 2 zones for high availability; got 1",
      ],
      [
        "repeated zones",
        { zones: ["us-east-1a", "us-east-1a"] },
        'zones: expected distinct zones; got ["us-east-1a","us-east-1a"]',
      ],
      [
        "one instance",
        { minInstances: 1, desiredInstances: 1 },
        "minInstances: expected a whole number from 2 to 100 (so losing one instance keeps serving); got 1",
        "desiredInstances: expected a whole number from 2 to 100; got 1",
      ],
      [
        "desired above max",
        { desiredInstances: 5 },
        "desiredInstances: expected between minInstances (2) and maxInstances (4); got 5",
      ],
      [
        "a privileged port",
        { containerPort: 80 },
        "containerPort: expected a whole number from 1024 to 65535 (an unprivileged port: the image runs as non-root); got 80",
      ],
      [
        "a relative health path",
        { healthCheckPath: "healthz" },
        'healthCheckPath: expected an absolute URL path such as "/healthz"; got "healthz"',
      ],
      [
        "a drain longer than Fargate allows",
        { drainingTimeoutSeconds: 300 },
        "drainingTimeoutSeconds: expected a whole number from 10 to 105 (load balancers need 10 s to notice a departure; Fargate kills a container 120 s after SIGTERM, and the image needs 15 s after its drain); got 300",
      ],
      [
        "a rollout that cannot progress",
        { rollingUpdate: { maxSurgePercent: 0, maxUnavailablePercent: 0 } },
        "rollingUpdate.maxSurgePercent, rollingUpdate.maxUnavailablePercent: expected one of them above 0, or no rollout can make progress; got both 0",
      ],
      [
        "gcp without a project",
        { cloud: "gcp", region: "us-central1", zones: ["us-central1-a", "us-central1-b"] },
        "gcpProject: expected a GCP project id when cloud is gcp, 6-30 lower-case letters, digits or hyphens (pulumi config set gcp:project <id>); got nothing",
      ],
    ];
    for (const [what, patch, ...messages] of rows) {
      it(`rejects ${what}`, () => {
        assert.deepEqual(validateServiceArgs(resolveServiceArgs({ ...valid, ...patch })), messages);
      });
    }

    it("accepts the documented defaults", () => {
      assert.deepEqual(validateServiceArgs(resolveServiceArgs(valid)), []);
    });

    it("registers nothing, not even itself, when the args are invalid", async () => {
      const { value, mocks } = await withMocks(() => {
        try {
          new HighlyAvailableWebService("web", { ...valid, zones: ["us-east-1a"] });
          return "constructed";
        } catch (err) {
          return (err as Error).message;
        }
      });
      assert.equal(
        value,
        'invalid HighlyAvailableWebService "web":\n  zones: expected at least 2 zones for high availability; got 1',
      );
      assert.deepEqual(mocks.resources, []);
    });
  });

  it("can be used twice in one stack: every child name derives from the component's name", async () => {
    const { mocks } = await withMocks(() => {
      new HighlyAvailableWebService("blue", valid);
      new HighlyAvailableWebService("green", valid);
    });
    const keys = mocks.resources.map((r) => `${r.type}::${r.name}`);
    assert.equal(new Set(keys).size, keys.length, "duplicate type::name pairs would collide");
    const blue = mocks.resources.filter((r) => r.name.startsWith("blue"));
    const green = mocks.resources.filter((r) => r.name.startsWith("green"));
    assert.equal(blue.length, green.length);
    assert.equal(blue.length + green.length, mocks.resources.length);
    for (const r of mocks.resources) {
      if (r.type === HighlyAvailableWebService.token) {
        assert.equal(r.parent, null);
      } else {
        assert.match(
          r.parent ?? "",
          /^haweb:index:HighlyAvailableWebService::(blue|green)$/,
          r.name,
        );
      }
    }
  });
});
