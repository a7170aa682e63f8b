import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./context";
import { AwsLoadBalancer } from "./loadBalancer";

export interface AwsAlerting {
  readonly topic: aws.sns.Topic;
  /** Alarms that stop and roll back a deployment: a release that fails requests or health. */
  readonly deploymentAlarmNames: pulumi.Output<string>[];
}

/** The topic and the load-balancer alarms; the ECS CPU alarm comes later, once the service exists. */
export function createAlerting(ctx: AwsContext, lb: AwsLoadBalancer): AwsAlerting {
  const { name, args, opts } = ctx;
  const topic = new aws.sns.Topic(`${name}-alerts`, { kmsMasterKeyId: "alias/aws/sns" }, opts);
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
  return { topic, deploymentAlarmNames: [target5xx.name, unhealthy.name] };
}

export function createServiceAlarms(
  ctx: AwsContext,
  alerting: AwsAlerting,
  service: { clusterName: pulumi.Output<string>; serviceName: pulumi.Output<string> },
): void {
  const { name, opts } = ctx;
  new aws.cloudwatch.MetricAlarm(
    `${name}-cpu`,
    {
      alarmDescription: "Average task CPU above 80 % for 3 minutes: autoscaling is not keeping up",
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      dimensions: { ClusterName: service.clusterName, ServiceName: service.serviceName },
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
