import assert from "node:assert/strict";
import { guardedRules, ofType, one } from "../helpers/plan";
import { evaluatePolicies } from "../../tools/verify/policy";
import {
  autoName,
  everything,
  expected,
  inputs,
  label,
  plan,
  planWithOptions,
  PlanWithOptions,
  stacks,
  T,
  Resources,
} from "./helpers";

const baseApis = [
  "compute.googleapis.com",
  "iam.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "artifactregistry.googleapis.com",
  "logging.googleapis.com",
  "monitoring.googleapis.com",
];

/** Monitoring resources carry labels as `userLabels`, which `defaultLabels` does not fill. */
const userLabelled: string[] = [T.uptime, T.alertPolicy, T.channel];

for (const stack of stacks) {
  const want = expected[stack];

  describe(`gcp provider, labels and APIs (${stack})`, () => {
    guardedRules<Resources>(
      () => plan(stack, everything),
      [
        {
          name: "one explicit provider pins the stack's project and region and labels everything",
          check: (p) => {
            const provider = one(p, T.provider);
            assert.equal(provider.name, "web-gcp");
            assert.equal(provider.parent, "haweb:index:HighlyAvailableWebService::web");
            assert.equal(inputs(provider).project, want.project);
            assert.equal(inputs(provider).region, "us-central1");
            // Provider inputs that are objects reach the engine as JSON text.
            assert.deepEqual(JSON.parse(inputs(provider).defaultLabels), want.labels);
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            inputs(one(broken, T.provider)).defaultLabels = JSON.stringify({ stack });
            return broken;
          },
        },
        {
          name: "every gcp resource is a child of the component and uses that provider",
          check: (p) => {
            const gcpResources = p.resources.filter((r) => r.type.startsWith("gcp:"));
            assert.ok(gcpResources.length > 20);
            for (const r of gcpResources) {
              assert.equal(r.provider, "pulumi:providers:gcp::web-gcp", label(r));
              assert.equal(r.parent, "haweb:index:HighlyAvailableWebService::web", label(r));
            }
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            (one(broken, T.template) as { provider: string | null }).provider = null;
            return broken;
          },
        },
        {
          name: "monitoring resources carry the same labels as userLabels, and nothing overrides them",
          check: (p) => {
            for (const r of p.resources.filter((r) => userLabelled.includes(r.type))) {
              assert.deepEqual(inputs(r).userLabels, want.labels, label(r));
            }
            // A resource's own `labels` would replace the provider's defaults key by key.
            const relabelled = p.resources.filter(
              (r) => r.type.startsWith("gcp:") && r.type !== T.channel && inputs(r).labels,
            );
            assert.deepEqual(relabelled, []);
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            delete inputs(one(broken, T.uptime)).userLabels;
            return broken;
          },
        },
        {
          name: "the APIs the stack uses are enabled, and never disabled on destroy",
          check: (p) => {
            const services = ofType(p, T.service).map((r) => inputs(r));
            assert.deepEqual(
              services.map((s) => s.service),
              [...baseApis, "iap.googleapis.com", "oslogin.googleapis.com"],
            );
            for (const s of services) {
              assert.equal(s.project, want.project);
              assert.equal(s.disableOnDestroy, false);
            }
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            delete inputs(ofType(broken, T.service)[0]).disableOnDestroy;
            return broken;
          },
        },
      ],
    );

    it("without IAP SSH, neither IAP nor OS Login is enabled", async () => {
      assert.deepEqual(
        ofType(await plan(stack), T.service).map((r) => inputs(r).service),
        baseApis,
      );
    });

    for (const [what, overrides] of [
      ["as configured", {}],
      ["with every option on", everything],
    ] as const) {
      // Without a domain, prod serves plain HTTP: the pack's advisory says so, and nothing else.
      const expected =
        stack === "prod" && what === "as configured" ? ["production-serves-https"] : [];
      it(`passes the project's policy pack with no finding but ${JSON.stringify(expected)}, ${what}`, async () => {
        const evaluation = await evaluatePolicies(await plan(stack, overrides));
        assert.deepEqual(
          evaluation.violations.map((v) => `${v.policy} ${v.enforcementLevel}`),
          expected.map((p) => `${p} advisory`),
        );
      });
    }

    it("reports the regional MIG for drills", async () => {
      assert.deepEqual((await plan(stack)).outputs.instanceGroup, {
        kind: "gce-regional-mig",
        project: want.project,
        region: "us-central1",
        group: autoName(T.group, "web-mig"),
        // The drills read each VM's health in the load balancer from this backend service.
        backendService: autoName(T.backend, "web-backend"),
      });
    });
  });

  describe(`gcp API dependencies (${stack})`, () => {
    /** Every gcp resource except the API enablements waits for every API. */
    function checkApiDependencies(p: PlanWithOptions) {
      const apis = ofType(p, T.service).map(label);
      assert.equal(apis.length, baseApis.length + 2);
      for (const r of p.resources.filter(
        (r) => r.type.startsWith("gcp:") && r.type !== T.service,
      )) {
        const deps = p.options.get(label(r))?.dependencies ?? [];
        assert.deepEqual(
          apis.filter((api) => !deps.includes(api)),
          [],
          `${label(r)} does not wait for every API`,
        );
      }
    }

    guardedRules(
      () => planWithOptions(stack, everything),
      [
        {
          name: "no resource is created before the APIs it calls are enabled",
          check: checkApiDependencies,
          breakIt: (p) => {
            const options = new Map(p.options);
            const key = label(one(p, T.group));
            const own = options.get(key);
            assert.ok(own);
            options.set(key, {
              ...own,
              dependencies: own.dependencies.filter((d) => !d.endsWith("::web-api-compute")),
            });
            return { resources: p.resources, options };
          },
        },
      ],
    );
  });
}
