import assert from "node:assert/strict";
import { guardedRules, ofType, one } from "../helpers/plan";
import { autoName, everything, expected, inputs, plan, stacks, T, Resources } from "./helpers";

/** The URL map a forwarding rule's proxy routes with, followed through the mocked ids. */
function urlMapOf(p: Resources, ruleName: string): string {
  const target = inputs(one(p, T.forwardingRule, ruleName)).target as string;
  const proxy = [...ofType(p, T.httpProxy), ...ofType(p, T.httpsProxy)].find(
    (r) => `${r.name}-id` === target,
  );
  assert.ok(proxy, `no proxy with id ${target}`);
  return inputs(proxy).urlMap;
}

for (const stack of stacks) {
  const want = expected[stack];

  describe(`gcp load balancer (${stack})`, () => {
    guardedRules<Resources>(
      () => plan(stack),
      [
        {
          name: "a global external Application LB backend that drains for drainingTimeoutSeconds",
          check: (p) => {
            const { backends, ...backend } = inputs(one(p, T.backend));
            assert.deepEqual(backend, {
              description: "web: the instance group behind the load balancer",
              loadBalancingScheme: "EXTERNAL_MANAGED",
              protocol: "HTTP",
              portName: "http",
              timeoutSec: 30,
              healthChecks: "web-hc-lb-id",
              connectionDrainingTimeoutSec: 30,
              logConfig: { enable: true, sampleRate: 0.5 },
            });
            assert.deepEqual(backends, [
              {
                // The MIG's instance group (not the manager's URL).
                group: `https://www.googleapis.com/compute/v1/projects/${want.project}/regions/us-central1/instanceGroups/${autoName(T.group, "web-mig")}`,
                balancingMode: "UTILIZATION",
                maxUtilization: 0.8,
                capacityScaler: 1,
              },
            ]);
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            inputs(one(broken, T.backend)).connectionDrainingTimeoutSec = 300;
            return broken;
          },
        },
        {
          name: "without a domain: plain HTTP on the reserved address, no certificate, no HTTPS proxy",
          check: (p) => {
            assert.deepEqual(ofType(p, T.certificate), []);
            assert.deepEqual(ofType(p, T.httpsProxy), []);
            assert.deepEqual(ofType(p, T.sslPolicy), []);
            assert.deepEqual(
              ofType(p, T.forwardingRule).map((r) => r.name),
              ["web-fr-http"],
            );
            const rule = inputs(one(p, T.forwardingRule, "web-fr-http"));
            assert.equal(rule.portRange, "80");
            assert.equal(rule.ipAddress, "203.0.113.10");
            assert.equal(rule.loadBalancingScheme, "EXTERNAL_MANAGED");
            assert.equal(urlMapOf(p, "web-fr-http"), "web-urlmap-id");
            assert.equal(inputs(one(p, T.urlMap, "web-urlmap")).defaultService, "web-backend-id");
          },
          breakIt: (p) => {
            const broken = { resources: [...p.resources] };
            broken.resources.push({ ...one(p, T.backend), type: T.certificate, name: "web-cert" });
            return broken;
          },
        },
        {
          name: "deletion protection guards the address, forwarding rules and repository only in prod",
          check: (p) => {
            for (const r of [one(p, T.address), ...ofType(p, T.forwardingRule)]) {
              assert.equal(inputs(r).deletionPolicy, want.deletionPolicy, r.name);
            }
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            inputs(one(broken, T.address)).deletionPolicy =
              want.deletionPolicy === "PREVENT" ? undefined : "PREVENT";
            return broken;
          },
        },
      ],
    );

    it("serves http://<reserved address>", async () => {
      const p = await plan(stack);
      assert.equal(p.outputs.url, "http://203.0.113.10");
      assert.equal(p.outputs.versionUrl, "http://203.0.113.10/version.txt");
      assert.deepEqual(inputs(one(p, T.address)), {
        description: "web: public address of the load balancer",
        addressType: "EXTERNAL",
        ipVersion: "IPV4",
        ...(want.deletionPolicy ? { deletionPolicy: want.deletionPolicy } : {}),
      });
    });
  });

  describe(`gcp load balancer with a domain (${stack})`, () => {
    const load = () => plan(stack, everything);

    guardedRules<Resources>(load, [
      {
        name: "HTTPS with a Google-managed certificate for the domain and a TLS 1.2+ policy",
        check: (p) => {
          const cert = inputs(one(p, T.certificate));
          assert.deepEqual(cert.managed, { domains: ["www.example.com"] });
          assert.equal(cert.type, "MANAGED");
          const tls = inputs(one(p, T.sslPolicy));
          assert.equal(tls.profile, "MODERN");
          assert.equal(tls.minTlsVersion, "TLS_1_2");
          const proxy = inputs(one(p, T.httpsProxy));
          assert.deepEqual(proxy, {
            urlMap: "web-urlmap-id",
            sslCertificates: ["web-cert-id"],
            sslPolicy: "web-tls-id",
          });
          const rule = inputs(one(p, T.forwardingRule, "web-fr-https"));
          assert.equal(rule.portRange, "443");
          assert.equal(rule.target, "web-https-id");
          // Both rules share the one reserved address DNS points at.
          assert.equal(rule.ipAddress, inputs(one(p, T.forwardingRule, "web-fr-http")).ipAddress);
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.sslPolicy)).minTlsVersion = "TLS_1_0";
          return broken;
        },
      },
      {
        // Pulumi auto-names it `web-cert-<random>`: a new domain's certificate is created beside
        // the old one, the proxy moves, then the old one goes. A fixed name would collide.
        name: "the certificate is auto-named, so replacing it for a new domain cannot collide",
        check: (p) => assert.equal(inputs(one(p, T.certificate)).name, undefined),
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.certificate)).name = "web-cert";
          return broken;
        },
      },
      {
        name: "port 80 only redirects to HTTPS, permanently, keeping the query",
        check: (p) => {
          assert.equal(urlMapOf(p, "web-fr-http"), "web-redirect-id");
          const redirect = inputs(one(p, T.urlMap, "web-redirect"));
          assert.deepEqual(redirect.defaultUrlRedirect, {
            httpsRedirect: true,
            redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT",
            stripQuery: false,
          });
          assert.equal(redirect.defaultService, undefined);
        },
        breakIt: (p) => {
          const broken = { resources: structuredClone(p.resources) };
          inputs(one(broken, T.httpProxy)).urlMap = "web-urlmap-id";
          return broken;
        },
      },
    ]);

    it("serves https://<domain>", async () => {
      const p = await load();
      assert.equal(p.outputs.url, "https://www.example.com");
      assert.equal(p.outputs.versionUrl, "https://www.example.com/version.txt");
    });
  });
}
