import * as aws from "./sdk";
import { AwsContext } from "./context";
import { AwsLoadBalancer } from "./loadBalancer";

/**
 * The per-client rate rule: at most `limit` requests from one client address in any
 * `windowSeconds`, then blocked (403) until the rate falls. WAF on an ALB sees the client's own
 * address (`IP` aggregation uses the request's origin, not X-Forwarded-For, which a client can
 * forge), which nginx behind the ALB cannot (docs/decisions.md, "Edge limits"). Windows of 60,
 * 120, 300 or 600 s; WAF re-evaluates about every 10 s
 * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html).
 * 1,200 a minute is 20 req/s sustained from one address: far above what a person or a polling
 * client sends, and about 1/600 of one instance's measured ceiling (12,352 req/s, `bench:app`), so
 * one client cannot take a noticeable share of the fleet.
 */
export const perClientRateRule = {
  limit: 1_200,
  windowSeconds: 60,
} as const;

/**
 * A regional web ACL on the ALB with the per-client rate rule. Everything else is allowed: the
 * nginx edge limits and the app's own checks decide the rest.
 */
export function createWaf(ctx: AwsContext, lb: AwsLoadBalancer): aws.wafv2.WebAcl {
  const { name, opts } = ctx;
  const visibility = (metricName: string) => ({
    cloudwatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName,
  });
  const acl = new aws.wafv2.WebAcl(
    `${name}-waf`,
    {
      scope: "REGIONAL",
      description: "Per-client request rate limit in front of the service's ALB",
      defaultAction: { allow: {} },
      rules: [
        {
          name: "per-client-rate",
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: "IP",
              limit: perClientRateRule.limit,
              evaluationWindowSec: perClientRateRule.windowSeconds,
            },
          },
          visibilityConfig: visibility(`${name}-per-client-rate`),
        },
      ],
      visibilityConfig: visibility(`${name}-waf`),
    },
    opts,
  );
  new aws.wafv2.WebAclAssociation(
    `${name}-waf`,
    { resourceArn: lb.loadBalancer.arn, webAclArn: acl.arn },
    opts,
  );
  return acl;
}
