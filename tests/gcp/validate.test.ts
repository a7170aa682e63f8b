import assert from "node:assert/strict";
import { HighlyAvailableWebServiceArgs, resolveServiceArgs } from "../../components/args";
import { validateServiceArgs } from "../../components/validation";
import { validate } from "../../providers/gcp";
import { ConfigError } from "../../stacks/settings";
import { RecordingMocks } from "../../tools/plan/recorder";
import { runPlan } from "../../tools/plan/run";

const valid: HighlyAvailableWebServiceArgs = {
  cloud: "gcp",
  region: "us-central1",
  zones: ["us-central1-a", "us-central1-b"],
  appVersion: "1.0.0",
  minInstances: 2,
  desiredInstances: 2,
  maxInstances: 4,
  gcpProject: "acme-ha-web-test",
  tags: { project: "ha-web-service", stack: "test", "managed-by": "pulumi" },
};

/** The component's and the home's rules, then the deploy code's limits: every check on gcp. */
const problems = (change: Partial<HighlyAvailableWebServiceArgs>) => {
  const args = resolveServiceArgs({ ...valid, ...change });
  return [...validateServiceArgs(args), ...validate(args)];
};

describe("gcp validate", () => {
  it("accepts the stack files' settings, including natGateways perZone (it has no GCP meaning)", () => {
    assert.deepEqual(problems({}), []);
    assert.deepEqual(problems({ natGateways: "perZone", drainingTimeoutSeconds: 85 }), []);
  });

  const rows: [string, Partial<HighlyAvailableWebServiceArgs>, string[]][] = [
    [
      "a missing project",
      { gcpProject: undefined },
      [
        "gcpProject: expected a GCP project id when cloud is gcp, 6-30 lower-case letters, digits or hyphens (pulumi config set gcp:project <id>); got nothing",
      ],
    ],
    [
      "a malformed project",
      { gcpProject: "Acme_Prod" },
      [
        'gcpProject: expected a GCP project id when cloud is gcp, 6-30 lower-case letters, digits or hyphens (pulumi config set gcp:project <id>); got "Acme_Prod"',
      ],
    ],
    [
      "a region that is not a GCP region",
      { region: "eastus" },
      ['region: expected a GCP region such as us-central1; got "eastus"'],
    ],
    [
      "zones of another region",
      { zones: ["us-central1-a", "us-east1-b"] },
      ['zones: expected zones of us-central1 such as us-central1-a; got "us-east1-b"'],
    ],
    [
      "AWS-style zones",
      { zones: ["us-central1a", "us-central1b"] },
      [
        'zones: expected zones of us-central1 such as us-central1-a; got "us-central1a", "us-central1b"',
      ],
    ],
    [
      "a drain longer than the shutdown window allows",
      { drainingTimeoutSeconds: 86 },
      [
        "drainingTimeoutSeconds: expected at most 85 on gcp, so the shutdown script's docker stop (drain + 5 s) ends within Compute Engine's 90 s shutdown window; got 86",
      ],
    ],
    [
      "a log retention beyond Cloud Logging's ten years",
      { logRetentionDays: 3653 },
      [
        "logRetentionDays: expected at most 3650 on gcp (Cloud Logging's longest retention); got 3653",
      ],
    ],
    [
      "tag values GCP labels reject",
      { tags: { owner: "Platform Team", team: "web" } },
      [
        'tags: expected GCP label values of at most 63 lower-case letters, digits, _ or -; got {"owner":"Platform Team"}',
      ],
    ],
    // A regional MIG takes 0 or at least one instance per zone; the test stack has 2 of 2.
    [
      "an unavailability a regional MIG would round up to the whole fleet",
      { rollingUpdate: { maxUnavailablePercent: 50 } },
      [
        "rollingMaxUnavailablePercent (rollingUpdate.maxUnavailablePercent): expected 0 on gcp with 2 instances over 2 zones: a regional MIG takes out 0 or at least one instance per zone (2), so 1 would become 2, every instance; got 50",
      ],
    ],
    [
      "an unavailability that is every instance",
      { rollingUpdate: { maxUnavailablePercent: 100 } },
      [
        "rollingMaxUnavailablePercent (rollingUpdate.maxUnavailablePercent): expected 0 on gcp with 2 instances over 2 zones: 2 is every instance; got 100",
      ],
    ],
    [
      "a surge a regional MIG would round up to the zone count",
      { rollingUpdate: { maxSurgePercent: 10 } },
      [
        "rollingMaxSurgePercent (rollingUpdate.maxSurgePercent): expected 0 or at least 51 on gcp with 2 instances over 2 zones: a regional MIG surges by 0 or at least one instance per zone (2), and 10 % is 1; got 10",
      ],
    ],
    [
      "a default surge with more zones than instances",
      { zones: ["us-central1-a", "us-central1-b", "us-central1-c"] },
      [
        "rollingMaxSurgePercent (rollingUpdate.maxSurgePercent): expected 0 on gcp with 2 instances over 3 zones (or set zoneCount to at most 2): a regional MIG surges by 0 or at least one instance per zone (3), and 100 % is 2; got 100",
      ],
    ],
  ];
  for (const [what, change, expected] of rows) {
    it(`rejects ${what}`, () => {
      assert.deepEqual(problems(change), expected);
    });
  }

  it("accepts an unavailability of at least one instance per zone that leaves some serving", () => {
    const six = { desiredInstances: 6, maxInstances: 6, zones: ["us-central1-a", "us-central1-b"] };
    assert.deepEqual(problems({ ...six, rollingUpdate: { maxUnavailablePercent: 34 } }), []);
  });

  it("reports every problem at once", () => {
    assert.equal(problems({ gcpProject: undefined, drainingTimeoutSeconds: 100 }).length, 2);
  });
});

/** Plans with overrides and returns the error and what was registered before it. */
async function failedPlan(overrides: Record<string, string>) {
  const mocks = new RecordingMocks();
  const error = await runPlan({ stack: "test", cloud: "gcp", overrides, mocks }).then(
    () => assert.fail("the plan should have been rejected"),
    (err: unknown) => err as Error,
  );
  return { error, registered: mocks.resources.length };
}

describe("gcp plans with bad configuration stop before registering anything", () => {
  const rows: [string, Record<string, string>, string, string][] = [
    [
      "an unknown region",
      { "gcp:region": "mars-east1" },
      "ConfigError",
      'gcp:region: expected a region this project knows (us-central1, us-east1, us-west1, europe-west1, europe-west2, europe-west4, asia-southeast1); add it to providers/gcp/regions.ts; got "mars-east1"',
    ],
    [
      "more zones than the region has",
      { zoneCount: "9" },
      "ConfigError",
      'ha-web-service:zoneCount: expected a whole number from 2 to 4; got "9" (us-central1 offers 4 zones)',
    ],
    [
      "no project",
      { "gcp:project": "" },
      "ConfigError",
      "gcp:project: expected a GCP project id when cloud is gcp, 6-30 lower-case letters, digits or hyphens (pulumi config set gcp:project <id>); got nothing",
    ],
    [
      "a drain the GCP shutdown window cannot honour",
      { drainingTimeoutSeconds: "100" },
      "Error",
      "invalid HighlyAvailableWebService \"web\":\n  drainingTimeoutSeconds: expected at most 85 on gcp, so the shutdown script's docker stop (drain + 5 s) ends within Compute Engine's 90 s shutdown window; got 100",
    ],
  ];
  for (const [what, overrides, kind, message] of rows) {
    it(what, async () => {
      const { error, registered } = await failedPlan(overrides);
      assert.equal(error.name, kind);
      if (kind === "ConfigError") {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems, [message]);
      } else {
        assert.equal(error.message, message);
      }
      assert.equal(registered, 0);
    });
  }
});
