import * as aws from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "./identity";
import { AwsContext } from "./context";
import { AwsLoadBalancer } from "./loadBalancer";

/**
 * The alerts topic's key policy. The AWS-managed `alias/aws/sns` key cannot be used: its policy is
 * fixed and grants no service principal, so CloudWatch could not publish and every alarm email
 * would be dropped. A customer-managed key lets CloudWatch encrypt (GenerateDataKey*) and SNS
 * decrypt for delivery (Decrypt), only on behalf of this account's alarms.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
 */
export function alertsKeyPolicy(accountId: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // The account keeps control of its key, as in AWS's default key policy; without it the key
        // could become unmanageable. IAM policies decide who in the account may use it.
        // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
        Sid: "AccountAdministersTheKey",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        // Only on behalf of this account's alarms (the confused-deputy guard). No aws:SourceArn
        // pattern as well: a condition key the service does not send to KMS denies every publish.
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/**
 * The alarms that fail and roll back an ECS deployment (the service's `alarms` block): a release
 * that answers 5xx or whose tasks fail the ALB health check. The outage alarms (healthy hosts,
 * running tasks) are not among them: during a rollout old tasks keep them quiet, and after one they
 * must page a person, not undo a release that is not at fault.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
 */
export const deploymentRollbackAlarms = ["target-5xx", "unhealthy-hosts"] as const;

export interface AwsAlerting {
  readonly topic: aws.sns.Topic;
  /** Alarms that stop and roll back a deployment: a release that fails requests or health. */
  readonly deploymentAlarmNames: pulumi.Output<string>[];
}

/** The topic and the load-balancer alarms; the ECS CPU alarm comes later, once the service exists. */
export function createAlerting(ctx: AwsContext, lb: AwsLoadBalancer): AwsAlerting {
  const { name, args, opts } = ctx;
  const key = new aws.kms.Key(
    `${name}-alerts-key`,
    {
      description: "Encrypts the alerts topic; CloudWatch alarms may use it to publish",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: ctx.accountId.apply((id) => JSON.stringify(alertsKeyPolicy(id))),
    },
    opts,
  );
  const topic = new aws.sns.Topic(`${name}-alerts`, { kmsMasterKeyId: key.arn }, opts);
  if (args.alertEmail) {
    new aws.sns.TopicSubscription(
      `${name}-alerts-email`,
      { topic: topic.arn, protocol: "email", endpoint: args.alertEmail },
      opts,
    );
  }
  const lbDimension = { LoadBalancer: lb.loadBalancer.arnSuffix };
  const tgDimensions = {
    LoadBalancer: lb.loadBalancer.arnSuffix,
    TargetGroup: lb.targetGroup.arnSuffix,
  };
  const alarm = (
    suffix: string,
    alarmArgs: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions">,
  ) =>
    new aws.cloudwatch.MetricAlarm(
      `${name}-${suffix}`,
      {
        treatMissingData: "notBreaching",
        alarmActions: [topic.arn],
        okActions: [topic.arn],
        ...alarmArgs,
      },
      opts,
    );

  alarm("alb-5xx", {
    alarmDescription:
      "The load balancer answered 5xx itself (no healthy target, or a target failed)",
    namespace: "AWS/ApplicationELB",
    metricName: "HTTPCode_ELB_5XX_Count",
    dimensions: lbDimension,
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 2,
    threshold: 5,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
  });
  const target5xx = alarm("target-5xx", {
    alarmDescription: "Tasks answered 5xx; also rolls back a deployment in progress",
    namespace: "AWS/ApplicationELB",
    metricName: "HTTPCode_Target_5XX_Count",
    dimensions: tgDimensions,
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 2,
    threshold: 5,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
  });
  const unhealthy = alarm("unhealthy-hosts", {
    alarmDescription: "A registered task fails its health check; also rolls back a deployment",
    namespace: "AWS/ApplicationELB",
    metricName: "UnHealthyHostCount",
    dimensions: tgDimensions,
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 2,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
  });
  alarm("latency-p95", {
    alarmDescription: "95th percentile response time above 1 s",
    namespace: "AWS/ApplicationELB",
    metricName: "TargetResponseTime",
    dimensions: tgDimensions,
    extendedStatistic: "p95",
    period: 60,
    evaluationPeriods: 3,
    threshold: 1,
    comparisonOperator: "GreaterThanThreshold",
  });
  // A full outage: every target gone or failing. Missing data counts as breaching, because with no
  // registered targets the ALB may stop reporting the metric at all.
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data
  alarm("healthy-hosts", {
    alarmDescription: `Fewer healthy targets than minInstances (${args.minInstances}): capacity lost or a full outage`,
    namespace: "AWS/ApplicationELB",
    metricName: "HealthyHostCount",
    dimensions: tgDimensions,
    statistic: "Minimum",
    period: 60,
    evaluationPeriods: 2,
    threshold: args.minInstances,
    comparisonOperator: "LessThanThreshold",
    treatMissingData: "breaching",
  });
  const rollbackAlarms = { "target-5xx": target5xx, "unhealthy-hosts": unhealthy };
  return {
    topic,
    deploymentAlarmNames: deploymentRollbackAlarms.map((suffix) => rollbackAlarms[suffix].name),
  };
}

export function createServiceAlarms(
  ctx: AwsContext,
  alerting: AwsAlerting,
  service: { clusterName: pulumi.Output<string>; serviceName: pulumi.Output<string> },
): void {
  const { name, args, opts } = ctx;
  const dimensions = { ClusterName: service.clusterName, ServiceName: service.serviceName };
  // Container Insights (enabled on the cluster) publishes RunningTaskCount per service; AWS/ECS has
  // no task count. No data means no tasks report at all, so it counts as breaching.
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html
  new aws.cloudwatch.MetricAlarm(
    `${name}-running-tasks`,
    {
      alarmDescription: `Fewer running tasks than minInstances (${args.minInstances}): ECS cannot keep the service up`,
      namespace: "ECS/ContainerInsights",
      metricName: "RunningTaskCount",
      dimensions,
      statistic: "Minimum",
      period: 60,
      evaluationPeriods: 3,
      threshold: args.minInstances,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
      alarmActions: [alerting.topic.arn],
      okActions: [alerting.topic.arn],
    },
    opts,
  );
  new aws.cloudwatch.MetricAlarm(
    `${name}-cpu`,
    {
      alarmDescription: "Average task CPU above 80 % for 3 minutes: autoscaling is not keeping up",
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      dimensions,
      statistic: "Average",
      period: 60,
      evaluationPeriods: 3,
      threshold: 80,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [alerting.topic.arn],
      okActions: [alerting.topic.arn],
    },
    opts,
  );
}
