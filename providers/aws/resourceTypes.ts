/**
 * The Pulumi type tokens of what the AWS deploy registers, by role: the names the diagram,
 * the cost rules and the tests look resources up by.
 */
export const awsTypes = {
  vpc: "awsx:ec2:Vpc",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  tg: "aws:lb/targetGroup:TargetGroup",
  service: "aws:ecs/service:Service",
  task: "aws:ecs/taskDefinition:TaskDefinition",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  repo: "aws:ecr/repository:Repository",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  scaling: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  logBucket: "aws:s3/bucket:Bucket",
  logExpiry: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  flowLog: "aws:ec2/flowLog:FlowLog",
} as const;
