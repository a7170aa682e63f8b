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
              securityPolicy: `https://www.googleapis.com/compute/v1/projects/${want.project}/global/securityPolicies/${autoName(T.securityPolicy, "web-armor")}`,
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

/** Rule priorities and what each does, in a comparable shape. */
function ruleSummary(p: Resources) {
  return (inputs(one(p, T.securityPolicy)).rules as Record<string, unknown>[]).map((rule) => ({
    priority: rule.priority,
    action: rule.action,
    preview: rule.preview,
    expression: (rule.match as { expr?: { expression: string } }).expr?.expression ?? "*",
  }));
}

const waf = (rule: string, preview: boolean) => ({
  action: "deny(403)",
  preview,
  expression: `evaluatePreconfiguredWaf('${rule}', {'sensitivity': 1})`,
});
const wafRuleNames = [
  "sqli-v33-stable",
  "xss-v33-stable",
  "lfi-v33-stable",
  "rfi-v33-stable",
  "rce-v33-stable",
  "methodenforcement-v33-stable",
  "scannerdetection-v33-stable",
  "protocolattack-v33-stable",
  "sessionfixation-v33-stable",
];

// Cloud Armor on the backend service: https://cloud.google.com/armor/docs/security-policy-overview
// (rate limiting: .../armor/docs/rate-limiting-overview; WAF rules: .../armor/docs/waf-rules).
for (const stack of stacks) {
  describe(`gcp Cloud Armor (${stack})`, () => {
    guardedRules<Resources>(
      () => plan(stack),
      [
        {
          name: "a rate limit per client IP is enforced; Google's WAF rules run in preview; the rest is allowed",
          check: (p) => {
            assert.deepEqual(ruleSummary(p), [
              { priority: 1000, action: "throttle", preview: false, expression: "*" },
              ...wafRuleNames.map((rule, i) => ({ priority: 2000 + i, ...waf(rule, true) })),
              { priority: 2147483647, action: "allow", preview: false, expression: "*" },
            ]);
            const throttle = (
              inputs(one(p, T.securityPolicy)).rules as Record<string, unknown>[]
            )[0];
            assert.deepEqual(throttle.rateLimitOptions, {
              conformAction: "allow",
              exceedAction: "deny(429)",
              enforceOnKey: "IP",
              rateLimitThreshold: { count: 600, intervalSec: 60 },
            });
            assert.equal(inputs(one(p, T.securityPolicy)).type, "CLOUD_ARMOR");
            // Cloud Armor caps a rule's description at 64 characters.
            for (const rule of inputs(one(p, T.securityPolicy)).rules as {
              description: string;
            }[]) {
              assert.ok(rule.description.length <= 64, rule.description);
            }
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            inputs(one(broken, T.backend)).securityPolicy = undefined;
            (inputs(one(broken, T.securityPolicy)).rules as unknown[]).splice(0, 1);
            return broken;
          },
        },
      ],
    );

    it("gcpCloudArmorEnforce=true enforces the WAF rules", async () => {
      const rules = ruleSummary(await plan(stack, { gcpCloudArmorEnforce: "true" }));
      assert.deepEqual(
        rules.filter((r) => r.action === "deny(403)"),
        wafRuleNames.map((rule, i) => ({ priority: 2000 + i, ...waf(rule, false) })),
      );
    });

    it("HSTS only when HTTPS is served", async () => {
      assert.equal(inputs(one(await plan(stack), T.backend)).customResponseHeaders, undefined);
      assert.deepEqual(
        inputs(one(await plan(stack, everything), T.backend)).customResponseHeaders,
        ["Strict-Transport-Security: max-age=31536000; includeSubDomains"],
      );
    });
  });
}
