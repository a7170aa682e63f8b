import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { guardedRules, ofType, one, PlannedResource } from "../helpers/plan";
import { needsInternetEgress } from "../../providers/gcp/network";
import { autoName, everything, inputs, plan, stacks, T, Resources } from "./helpers";

const googleFrontEnds = ["130.211.0.0/22", "35.191.0.0/16"];

/** Allow rules by name: what they open, to whom, from where. */
function allows(resources: readonly PlannedResource[]) {
  return Object.fromEntries(
    resources
      .filter((r) => r.type === T.firewall && inputs(r).allows)
      .map((r) => [
        r.name,
        {
          ports: inputs(r).allows,
          from: inputs(r).sourceRanges,
          to: inputs(r).targetServiceAccounts,
        },
      ]),
  );
}

describe("needsInternetEgress", () => {
  const rows: [string, pulumi.Input<string> | undefined, boolean][] = [
    ["the default image (this stack's Artifact Registry)", undefined, false],
    ["another Artifact Registry image", "europe-west1-docker.pkg.dev/p/r/web:1.0.0", false],
    ["a Container Registry image", "gcr.io/p/web:1.0.0", false],
    ["a regional Container Registry image", "eu.gcr.io/p/web:1.0.0", false],
    ["a Docker Hub image", "nginx:1.27", true],
    ["a Docker Hub image with a path", "library/nginx:1.27", true],
    ["a GHCR image", "ghcr.io/acme/web:1.0.0", true],
    ["a look-alike host", "evil-docker.pkg.dev.example.com/web:1", true],
    ["an image only known at deploy time", pulumi.output("gcr.io/p/web:1.0.0"), true],
  ];
  for (const [what, image, nat] of rows) {
    it(`${what} → ${nat ? "NAT" : "no NAT"}`, () => {
      assert.equal(needsInternetEgress(image), nat);
    });
  }
});

for (const stack of stacks) {
  describe(`gcp network and firewall (${stack})`, () => {
    const load = () => plan(stack);

    guardedRules<Resources>(load, [
      {
        name: "a custom-mode VPC with one private subnet that reaches Google APIs privately",
        check: (p) => {
          assert.equal(inputs(one(p, T.network)).autoCreateSubnetworks, false);
          const subnet = inputs(one(p, T.subnet));
          assert.equal(subnet.network, "web-vpc-id");
          assert.equal(subnet.region, "us-central1");
          assert.equal(subnet.ipCidrRange, "10.20.0.0/22");
          assert.equal(subnet.privateIpGoogleAccess, true);
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.subnet)).privateIpGoogleAccess = false;
          return broken;
        },
      },
      {
        // The default image comes through Private Google Access; prod's natGateways=perZone has
        // no GCP counterpart (Cloud NAT is regional), and no NAT is needed at all.
        name: "no Cloud Router or NAT: nothing on the instances needs the internet",
        check: (p) => {
          assert.deepEqual(ofType(p, T.router), []);
          assert.deepEqual(ofType(p, T.nat), []);
        },
        breakIt: (p) => {
          const broken = { resources: [...p.resources] };
          broken.resources.push({ ...one(p, T.network), type: T.nat, name: "web-nat" });
          return broken;
        },
      },
      {
        name: "only the load balancer's ranges reach the serving port, and only the instances' service account",
        check: (p) => {
          const email = inputs(one(p, T.template)).serviceAccount.email;
          assert.deepEqual(allows(p.resources), {
            "web-allow-lb": {
              ports: [{ protocol: "tcp", ports: ["8080"] }],
              from: googleFrontEnds,
              to: [email],
            },
          });
          const rule = inputs(one(p, T.firewall, "web-allow-lb"));
          assert.equal(rule.direction, "INGRESS");
          assert.equal(rule.network, "web-vpc-id");
          assert.equal(rule.targetTags, undefined);
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.firewall, "web-allow-lb")).sourceRanges.push("0.0.0.0/0");
          return broken;
        },
      },
      {
        name: "no rule targets the whole network except the logged deny-all",
        check: (p) => {
          const untargeted = ofType(p, T.firewall).filter((r) => !inputs(r).targetServiceAccounts);
          assert.deepEqual(
            untargeted.map((r) => [r.name, inputs(r)]),
            [
              [
                "web-deny-all-in",
                {
                  network: "web-vpc-id",
                  description: "Everything not allowed above",
                  direction: "INGRESS",
                  priority: 65534,
                  sourceRanges: ["0.0.0.0/0"],
                  denies: [{ protocol: "all" }],
                  logConfig: { metadata: "EXCLUDE_ALL_METADATA" },
                },
              ],
            ],
          );
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          delete inputs(one(broken, T.firewall, "web-allow-lb")).targetServiceAccounts;
          return broken;
        },
      },
    ]);
  });

  describe(`gcp IAP SSH (${stack})`, () => {
    guardedRules<Resources>(
      () => plan(stack, everything),
      [
        {
          name: "with gcpAllowIapSsh, SSH is open to IAP's range only, on the instances only",
          check: (p) => {
            const email = inputs(one(p, T.template)).serviceAccount.email;
            const ssh = Object.entries(allows(p.resources)).filter(([, rule]) =>
              rule.ports.some((a: { ports?: string[] }) => a.ports?.includes("22")),
            );
            assert.deepEqual(ssh, [
              [
                "web-allow-iap-ssh",
                {
                  ports: [{ protocol: "tcp", ports: ["22"] }],
                  from: ["35.235.240.0/20"],
                  to: [email],
                },
              ],
            ]);
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            inputs(one(broken, T.firewall, "web-allow-iap-ssh")).sourceRanges = ["0.0.0.0/0"];
            return broken;
          },
        },
      ],
    );

    it("without gcpAllowIapSsh, no rule opens port 22 and IAP is not enabled", async () => {
      const p = await plan(stack);
      const ssh = ofType(p, T.firewall).filter((r) =>
        (inputs(r).allows ?? []).some((a: { ports?: string[] }) => a.ports?.includes("22")),
      );
      assert.deepEqual(ssh, []);
      assert.equal(
        ofType(p, T.service).some((r) => inputs(r).service === "iap.googleapis.com"),
        false,
      );
    });
  });
}

describe("gcp network with an image from outside Google", () => {
  const image = "docker.io/library/nginx:1.27";
  // perZone on purpose: Cloud NAT is regional and zone-redundant, so it still means one NAT.
  const load = () => plan("test", { image, natGateways: "perZone" });

  it("gets one regional Cloud NAT for the subnet, whatever natGateways says", async () => {
    const p = await load();
    assert.deepEqual(inputs(one(p, T.router)), { network: "web-vpc-id", region: "us-central1" });
    assert.deepEqual(inputs(one(p, T.nat)), {
      router: autoName(T.router, "web-router"),
      region: "us-central1",
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
      subnetworks: [{ name: "web-subnet-id", sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    });
  });

  it("pulls it anonymously: no docker-credential-gcr for a registry it cannot serve", async () => {
    const script = inputs(one(await load(), T.template)).metadata["startup-script"] as string;
    assert.match(script, /^readonly IMAGE='docker\.io\/library\/nginx:1\.27'$/m);
    assert.doesNotMatch(script, /docker-credential-gcr/);
  });
});
