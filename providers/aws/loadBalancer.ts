import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsLoadBalancerNameLimit, childName } from "../../components/naming";
import { AwsContext } from "./context";
import { AwsNetwork } from "./network";

export interface AwsLoadBalancer {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  /** Listeners the service must wait for: ECS rejects a target group no listener uses. */
  readonly listeners: aws.lb.Listener[];
  readonly url: pulumi.Output<string>;
}

/** TLS 1.3 with TLS 1.2 fallback and no CBC ciphers; AWS's recommended policy for new listeners. */
export const tlsPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Listener ports the load balancer opens: 80 only, or 80 (redirect) and 443 with a domain. */
export function listenerPorts(domain: string | undefined): number[] {
  return domain ? [80, 443] : [80];
}

/**
 * Health-check numbers. An instance is taken out after 2 failures 10 s apart (about 20 s) and put
 * in after 2 successes, so a new task starts serving about 20 s after it is ready.
 */
export const targetHealthCheck = {
  interval: 10,
  timeout: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
  matcher: "200",
} as const;

/**
 * Seconds the ALB keeps an idle client or target connection (ELB's default, set explicitly).
 * The targets' keep-alive must be longer, or the ALB can send a request on a connection nginx is
 * closing and answer 502 (components/keepalive.ts).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout
 */
export const albIdleTimeoutSeconds = 60;

/** Route 53 zone that holds `domain`: its parent for `www.example.com`, itself for an apex. */
export function hostedZoneName(domain: string): string {
  const labels = domain.split(".");
  return labels.length > 2 ? labels.slice(1).join(".") : domain;
}

export function createLoadBalancer(ctx: AwsContext, network: AwsNetwork): AwsLoadBalancer {
  const { name, args, opts } = ctx;
  const loadBalancer = new aws.lb.LoadBalancer(
    childName(name, "alb", awsLoadBalancerNameLimit),
    {
      internal: false,
      loadBalancerType: "application",
      securityGroups: [network.albSecurityGroup.id],
      subnets: network.publicSubnetIds,
      // Requests with malformed headers are dropped at the edge instead of reaching nginx.
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "strictest",
      enableDeletionProtection: args.deletionProtection,
      idleTimeout: albIdleTimeoutSeconds,
    },
    opts,
  );

  const targetGroup = new aws.lb.TargetGroup(
    childName(name, "tg", awsLoadBalancerNameLimit),
    {
      vpcId: network.vpcId,
      // Fargate tasks register by IP (awsvpc networking); there is no instance to target.
      targetType: "ip",
      port: args.containerPort,
      protocol: "HTTP",
      // 30 s instead of 300 s: each batch of a rolling deploy waits this long for old tasks to
      // drain, so a two-batch rollout takes about a minute of draining instead of ten.
      deregistrationDelay: args.drainingTimeoutSeconds,
      healthCheck: {
        enabled: true,
        path: args.healthCheckPath,
        port: "traffic-port",
        protocol: "HTTP",
        ...targetHealthCheck,
      },
    },
    // A changed port or protocol replaces the group; the new one must exist before listeners move.
    { ...opts, deleteBeforeReplace: false },
  );

  const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
  const listeners: aws.lb.Listener[] = [];
  let url: pulumi.Output<string>;

  if (args.domain) {
    const domain = args.domain;
    const zone = aws.route53.getZoneOutput(
      { name: hostedZoneName(domain), privateZone: false },
      opts,
    );
    const certificate = new aws.acm.Certificate(
      `${name}-cert`,
      { domainName: domain, validationMethod: "DNS" },
      // A new certificate must be issued before the listener lets go of the old one.
      { ...opts, deleteBeforeReplace: false },
    );
    const validationOption = certificate.domainValidationOptions[0];
    const validationRecord = new aws.route53.Record(
      `${name}-cert-validation`,
      {
        zoneId: zone.zoneId,
        name: validationOption.resourceRecordName,
        type: validationOption.resourceRecordType,
        records: [validationOption.resourceRecordValue],
        ttl: 60,
        allowOverwrite: true,
      },
      opts,
    );
    const validation = new aws.acm.CertificateValidation(
      `${name}-cert-validated`,
      { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
      opts,
    );
    listeners.push(
      new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: loadBalancer.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: tlsPolicy,
          certificateArn: validation.certificateArn,
          defaultActions: forward,
        },
        opts,
      ),
      new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: loadBalancer.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [
            {
              type: "redirect",
              redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
            },
          ],
        },
        opts,
      ),
    );
    new aws.route53.Record(
      `${name}-dns`,
      {
        zoneId: zone.zoneId,
        name: domain,
        type: "A",
        aliases: [
          {
            name: loadBalancer.dnsName,
            zoneId: loadBalancer.zoneId,
            evaluateTargetHealth: true,
          },
        ],
      },
      opts,
    );
    url = pulumi.output(`https://${domain}`);
  } else {
    listeners.push(
      new aws.lb.Listener(
        `${name}-http`,
        { loadBalancerArn: loadBalancer.arn, port: 80, protocol: "HTTP", defaultActions: forward },
        opts,
      ),
    );
    url = pulumi.interpolate`http://${loadBalancer.dnsName}`;
  }

  return { loadBalancer, targetGroup, listeners, url };
}
