import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { awsLoadBalancerNameLimit, childName } from "../../components/naming";
import { AwsContext } from "./context";
import { AwsLogBucket, logPrefixes } from "./logs";
import { AwsNetwork } from "./network";

export interface AwsLoadBalancer {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  /**
   * A listener on a port no security group opens, forwarding to the target group. ECS refuses a
   * target group that no listener uses ("does not have an associated load balancer"; the AWS
   * provider retries CreateService on that message: hashicorp/terraform-provider-aws
   * internal/service/ecs/service.go), so this is what the service waits for; the public
   * listeners wait for the service instead.
   */
  readonly attachListener: aws.lb.Listener;
}

/**
 * AWS's current default for new HTTPS listeners in the console: TLS 1.3 and TLS 1.2, and for
 * TLS 1.2 only ECDHE key exchange with AES-GCM ("Res" = restricted: no CBC suites, no static-RSA
 * suites without forward secrecy), plus hybrid post-quantum key exchange for clients that offer it.
 * policy/hardening.ts accepts only such restricted policies.
 * `ELBSecurityPolicy-TLS13-1-2-2021-06`, used before, still offers CBC and non-forward-secret
 * suites for TLS 1.2 clients.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
export const tlsPolicy = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

/**
 * Seconds the ALB keeps an idle connection open, on both sides, before it closes it (AWS default
 * 60, stated here so the image's keepalive rule has a number to compare against). nginx behind it
 * must keep idle connections open longer, or the ALB may send a request on a connection nginx has
 * just closed and answer 502 (components/keepalive.ts).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout
 */
export const albIdleTimeoutSeconds = 60;

/**
 * The attach listener's port. The ALB security group admits only `listenerPorts`, so nothing
 * outside reaches it; it exists only so ECS accepts the target group (see `attachListener`).
 */
export const attachListenerPort = 8443;

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
 * `domain` must be `zone` or a name below it: Route 53 serves a record only from the zone that
 * holds it. Returns the problem, or undefined. Exported for tests.
 */
export function hostedZoneProblem(domain: string, zone: string | undefined): string | undefined {
  if (zone === undefined) {
    return `awsHostedZone: expected the name of the Route 53 public hosted zone that holds domain "${domain}", such as example.com for www.example.com (pulumi config set awsHostedZone <zone>); got nothing`;
  }
  if (domain !== zone && !domain.endsWith(`.${zone}`)) {
    return `awsHostedZone: expected a zone that holds domain "${domain}" (the domain itself or one of its parents); got ${JSON.stringify(zone)}`;
  }
  return undefined;
}

export function createLoadBalancer(
  ctx: AwsContext,
  network: AwsNetwork,
  logs: AwsLogBucket,
): AwsLoadBalancer {
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
      accessLogs: { bucket: logs.bucket.bucket, prefix: logPrefixes.alb, enabled: true },
    },
    // ELB writes a test object when logging is enabled and fails without the bucket policy.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
    { ...opts, dependsOn: logs.ready },
  );

  const targetGroup = new aws.lb.TargetGroup(
    childName(name, "tg", awsLoadBalancerNameLimit),
    {
      vpcId: network.vpcId,
      // Fargate tasks register by IP (awsvpc networking); there is no instance to target.
      targetType: "ip",
      port: args.containerPort,
      protocol: "HTTP",
      // 30 s instead of 300 s: ECS waits this long after deregistering an old task before it
      // stops it, in every batch of a rollout.
      deregistrationDelay: args.drainingTimeoutSeconds,
      healthCheck: {
        enabled: true,
        path: args.healthCheckPath,
        port: "traffic-port",
        protocol: "HTTP",
        ...targetHealthCheck,
      },
    },
    // A changed port, protocol or VPC replaces the group (ForceNew in hashicorp/terraform-provider-
    // aws internal/service/elbv2/target_group.go). The auto-name suffix lets the new group exist
    // beside the old one, and the service that uses it is then replaced too (compute.ts
    // `replaceOnChanges`), so traffic moves only once new tasks serve.
    // https://www.pulumi.com/docs/iac/concepts/options/deletebeforereplace/
    { ...opts, deleteBeforeReplace: false },
  );

  const attachListener = new aws.lb.Listener(
    `${name}-attach`,
    {
      loadBalancerArn: loadBalancer.arn,
      port: attachListenerPort,
      protocol: "HTTP",
      defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
    },
    opts,
  );

  return { loadBalancer, targetGroup, attachListener };
}

/**
 * The public listeners, created (and on a target-group replacement, moved) only after the ECS
 * service that fills the target group is steady: until then the old group keeps serving.
 */
export function createListeners(
  ctx: AwsContext,
  lb: AwsLoadBalancer,
  service: aws.ecs.Service,
): pulumi.Output<string> {
  const { name, args, opts } = ctx;
  const { loadBalancer, targetGroup } = lb;
  const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
  const afterService = { ...opts, dependsOn: [service] };

  if (!args.domain) {
    new aws.lb.Listener(
      `${name}-http`,
      { loadBalancerArn: loadBalancer.arn, port: 80, protocol: "HTTP", defaultActions: forward },
      afterService,
    );
    return pulumi.interpolate`http://${loadBalancer.dnsName}`;
  }

  const domain = args.domain;
  // providers/aws/index.ts `validate` guarantees the zone is set and holds the domain.
  const zone = aws.route53.getZoneOutput(
    { name: args.awsHostedZone ?? domain, privateZone: false },
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
    afterService,
  );
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
  return pulumi.output(`https://${domain}`);
}
