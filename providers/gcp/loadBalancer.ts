import * as gcp from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { GcpCompute } from "./compute";
import { GcpContext } from "./context";
import { gcpName } from "./names";

/**
 * TLS policy for HTTPS. MODERN with TLS 1.2 as the floor: TLS 1.0/1.1 and the weak suites are off,
 * and every client from the last decade still connects. RESTRICTED would also drop the remaining
 * non-AEAD suites, which mostly locks out older Android and embedded clients for no gain here.
 * https://cloud.google.com/load-balancing/docs/ssl-policies-concepts
 */
export const sslPolicy = { profile: "MODERN", minTlsVersion: "TLS_1_2" } as const;

/**
 * Share of requests the load balancer logs. Every request is not needed to debug or to see error
 * rates (those come from metrics), and logs are billed per GiB.
 */
export const requestLogSampleRate = 0.5;

/** Backend utilization the load balancer fills an instance to before it prefers another. */
export const backendMaxUtilization = 0.8;

/**
 * Seconds the global external Application Load Balancer keeps an idle connection to a backend
 * open. Fixed by Google, not configurable; backends must keep theirs open longer (nginx's
 * keepalive comes from `keepaliveAbove` in components/keepalive.ts).
 * https://cloud.google.com/load-balancing/docs/https#backend-keepalive-timeout
 * https://cloud.google.com/load-balancing/docs/https/request-distribution
 */
export const backendKeepaliveSeconds = 600;

/** Seconds the load balancer waits for a response; the app answers in milliseconds. */
export const backendTimeoutSec = 30;

/**
 * Cloud Armor's per-client rate limit: requests from one client IP per interval, beyond which it
 * answers 429. Generous (10 per second sustained), so it stops floods and scrapers, not users
 * behind a shared NAT. Always enforced.
 * https://cloud.google.com/armor/docs/rate-limiting-overview
 */
export const rateLimit = { count: 600, intervalSec: 60 } as const;

/**
 * Google's preconfigured WAF rules (ModSecurity CRS 3.3), at sensitivity 1, the level Google
 * recommends to start with because it has the fewest false positives. They run in preview (log
 * only) unless `gcpCloudArmorEnforce` is set, so a false positive is found in the logs before it
 * blocks a user. https://cloud.google.com/armor/docs/waf-rules
 */
export const preconfiguredWafRules = [
  "sqli-v33-stable",
  "xss-v33-stable",
  "lfi-v33-stable",
  "rfi-v33-stable",
  "rce-v33-stable",
  "methodenforcement-v33-stable",
  "scannerdetection-v33-stable",
  "protocolattack-v33-stable",
  "sessionfixation-v33-stable",
] as const;

/** Priority of Cloud Armor's default rule; the API requires one at exactly this priority. */
export const defaultRulePriority = 2147483647;

/**
 * HSTS for HTTPS stacks, added by the load balancer to every backend response (only HTTPS
 * reaches the backend; port 80 only redirects). One year, no preload: preloading is a
 * commitment for the whole registered domain that this stack cannot make for its owner.
 * https://cloud.google.com/load-balancing/docs/https/custom-headers
 */
export const hstsHeader = "Strict-Transport-Security: max-age=31536000; includeSubDomains";

/**
 * The security policy's rules, as the provider takes them. Rule descriptions are capped at 64
 * characters (https://cloud.google.com/armor/docs/best-practices#provide-rule-descriptions).
 */
export function securityPolicyRules(enforceWaf: boolean) {
  const everyone = { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } };
  return [
    {
      priority: 1000,
      description: `At most ${rateLimit.count} requests per ${rateLimit.intervalSec} s from one client IP; 429 beyond`,
      action: "throttle",
      preview: false,
      match: everyone,
      rateLimitOptions: {
        conformAction: "allow",
        exceedAction: "deny(429)",
        enforceOnKey: "IP",
        rateLimitThreshold: rateLimit,
      },
    },
    ...preconfiguredWafRules.map((rule, index) => ({
      priority: 2000 + index,
      description: `WAF ${rule}${enforceWaf ? "" : " (preview: logged only)"}`,
      action: "deny(403)",
      preview: !enforceWaf,
      match: { expr: { expression: `evaluatePreconfiguredWaf('${rule}', {'sensitivity': 1})` } },
    })),
    {
      priority: defaultRulePriority,
      description: "Default: allow what no rule above matched",
      action: "allow",
      preview: false,
      match: everyone,
    },
  ];
}

export interface GcpLoadBalancer {
  readonly address: gcp.compute.GlobalAddress;
  readonly armor: gcp.compute.SecurityPolicy;
  readonly backend: gcp.compute.BackendService;
  /** The URL map that routes to the backend (the HTTPS one when a domain is set). */
  readonly urlMap: gcp.compute.URLMap;
  readonly url: pulumi.Output<string>;
  /** Host the uptime check asks for: the domain, or the address. */
  readonly host: pulumi.Output<string>;
}

/**
 * A global external Application Load Balancer (EXTERNAL_MANAGED: the Envoy-based one Google
 * recommends over the classic EXTERNAL scheme for new deployments). One reserved address serves
 * HTTP and, with a domain, HTTPS.
 */
export function createLoadBalancer(ctx: GcpContext, compute: GcpCompute): GcpLoadBalancer {
  const { name, args, opts } = ctx;
  // GCP has no API-side deletion protection for load balancer parts; `deletionPolicy: PREVENT`
  // makes the provider refuse any delete (destroy or replacement) of what users reach: the
  // address their DNS points at and the rules that serve it.
  const protect = args.deletionProtection ? "PREVENT" : undefined;

  // Reserved, so the address (what DNS points at) survives any change to the rules using it.
  const address = new gcp.compute.GlobalAddress(
    gcpName(name, "ip"),
    {
      description: `${name}: public address of the load balancer`,
      addressType: "EXTERNAL",
      ipVersion: "IPV4",
      deletionPolicy: protect,
    },
    opts,
  );

  const armor = new gcp.compute.SecurityPolicy(
    gcpName(name, "armor"),
    {
      description: `${name}: rate limit and WAF in front of the backend`,
      type: "CLOUD_ARMOR",
      rules: securityPolicyRules(args.gcpCloudArmorEnforce),
    },
    opts,
  );

  const backend = new gcp.compute.BackendService(
    gcpName(name, "backend"),
    {
      description: `${name}: the instance group behind the load balancer`,
      loadBalancingScheme: "EXTERNAL_MANAGED",
      protocol: "HTTP",
      portName: "http",
      timeoutSec: backendTimeoutSec,
      healthChecks: compute.lbHealthCheck.id,
      // The load balancer keeps in-flight requests going this long when an instance leaves the
      // group (rollout, scale-in, autohealing) before the MIG deletes it.
      connectionDrainingTimeoutSec: args.drainingTimeoutSeconds,
      logConfig: { enable: true, sampleRate: requestLogSampleRate },
      securityPolicy: armor.selfLink,
      customResponseHeaders: args.domain ? [hstsHeader] : undefined,
      backends: [
        {
          group: compute.group.instanceGroup,
          balancingMode: "UTILIZATION",
          maxUtilization: backendMaxUtilization,
          capacityScaler: 1,
        },
      ],
    },
    opts,
  );

  const urlMap = new gcp.compute.URLMap(
    gcpName(name, "urlmap"),
    { description: `${name}: every path to the backend`, defaultService: backend.id },
    opts,
  );

  if (!args.domain) {
    const proxy = new gcp.compute.TargetHttpProxy(
      gcpName(name, "http"),
      { urlMap: urlMap.id },
      opts,
    );
    forwardingRule(ctx, "fr-http", address, proxy, "80", protect);
    return {
      address,
      armor,
      backend,
      urlMap,
      url: pulumi.interpolate`http://${address.address}`,
      host: address.address,
    };
  }

  // Auto-named (`<name>-cert-<random>`), so a new domain's certificate is created beside the old
  // one, the proxy moves to it, and only then is the old one deleted: no name collision and no
  // moment without a certificate. A Google-managed certificate only turns ACTIVE once the domain's
  // DNS points at the address, which can take up to an hour after that.
  const certificate = new gcp.compute.ManagedSslCertificate(
    gcpName(name, "cert"),
    {
      description: `${name}: Google-managed certificate for ${args.domain}`,
      type: "MANAGED",
      managed: { domains: [args.domain] },
    },
    opts,
  );
  const tls = new gcp.compute.SSLPolicy(
    gcpName(name, "tls"),
    { description: `${name}: TLS 1.2+ with modern ciphers`, ...sslPolicy },
    opts,
  );
  const httpsProxy = new gcp.compute.TargetHttpsProxy(
    gcpName(name, "https"),
    { urlMap: urlMap.id, sslCertificates: [certificate.id], sslPolicy: tls.id },
    opts,
  );
  forwardingRule(ctx, "fr-https", address, httpsProxy, "443", protect);

  // Port 80 only redirects, so no request is ever served in clear text.
  const redirect = new gcp.compute.URLMap(
    gcpName(name, "redirect"),
    {
      description: `${name}: HTTP to HTTPS`,
      defaultUrlRedirect: {
        httpsRedirect: true,
        redirectResponseCode: "MOVED_PERMANENTLY_DEFAULT",
        stripQuery: false,
      },
    },
    opts,
  );
  const httpProxy = new gcp.compute.TargetHttpProxy(
    gcpName(name, "http"),
    { urlMap: redirect.id },
    opts,
  );
  forwardingRule(ctx, "fr-http", address, httpProxy, "80", protect);

  return {
    address,
    armor,
    backend,
    urlMap,
    url: pulumi.output(`https://${args.domain}`),
    host: pulumi.output(args.domain),
  };
}

function forwardingRule(
  ctx: GcpContext,
  suffix: string,
  address: gcp.compute.GlobalAddress,
  target: gcp.compute.TargetHttpProxy | gcp.compute.TargetHttpsProxy,
  port: string,
  protect: "PREVENT" | undefined,
): gcp.compute.GlobalForwardingRule {
  return new gcp.compute.GlobalForwardingRule(
    gcpName(ctx.name, suffix),
    {
      description: `${ctx.name}: port ${port} of the public address`,
      loadBalancingScheme: "EXTERNAL_MANAGED",
      ipProtocol: "TCP",
      ipAddress: address.address,
      portRange: port,
      target: target.id,
      deletionPolicy: protect,
    },
    ctx.opts,
  );
}
