import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { keepaliveAbove, keepaliveEnvVar } from "../../components/keepalive";
import { toEcsDeployment } from "../../components/rolling";
import { fargateSize } from "../../components/sizing";
import { AwsContext } from "./context";
import { AwsIdentity } from "./identity";
import { albIdleTimeoutSeconds, AwsLoadBalancer } from "./loadBalancer";
import { AwsNetwork } from "./network";

/** The container's name in the task; the load balancer and logs refer to it. */
export const containerName = "web";

/** uid:gid the image runs as (app/Dockerfile `USER`). */
export const imageUser = "1000:1000";

/**
 * Seconds ECS waits after SIGTERM before SIGKILL: the image's drain plus time to finish the last
 * requests and exit. Fargate allows at most 120.
 */
export function stopTimeoutSeconds(drainingSeconds: number): number {
  return Math.min(120, drainingSeconds + 15);
}

/**
 * The task's one container. The image runs nginx in front of the app as a non-root user with a
 * read-only root filesystem; Fargate has no tmpfs, so nginx's temp paths live on a task-local
 * volume mounted at /tmp.
 */
export function containerDefinitions(settings: {
  image: string;
  port: number;
  drainingSeconds: number;
  logGroup: string;
  region: string;
}) {
  return [
    {
      name: containerName,
      image: settings.image,
      essential: true,
      portMappings: [{ containerPort: settings.port, protocol: "tcp", name: "http" }],
      // The version is baked into the image (app/Dockerfile); only the drain is set per stack.
      environment: [
        { name: "DRAIN_SECONDS", value: String(settings.drainingSeconds) },
        { name: keepaliveEnvVar, value: String(keepaliveAbove(albIdleTimeoutSeconds)) },
      ],
      // The image's own non-root user (the base image's `node`), stated so ECS enforces it even
      // if a future image forgets its USER line.
      user: imageUser,
      readonlyRootFilesystem: true,
      mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
      stopTimeout: stopTimeoutSeconds(settings.drainingSeconds),
      healthCheck: {
        // The image's HEALTHCHECK program: the slim image has no curl or wget.
        command: ["CMD", "node", "/app/dist/src/healthcheck.js"],
        interval: 10,
        timeout: 5,
        retries: 3,
        startPeriod: 15,
      },
      linuxParameters: { initProcessEnabled: true },
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": settings.logGroup,
          "awslogs-region": settings.region,
          "awslogs-stream-prefix": containerName,
          // A slow CloudWatch must never block the application's stdout.
          mode: "non-blocking",
          "max-buffer-size": "4m",
        },
      },
    },
  ];
}

export interface AwsCompute {
  readonly cluster: aws.ecs.Cluster;
  readonly service: aws.ecs.Service;
}

export function createCompute(
  ctx: AwsContext,
  deps: {
    network: AwsNetwork;
    lb: AwsLoadBalancer;
    identity: AwsIdentity;
    logGroup: aws.cloudwatch.LogGroup;
    image: pulumi.Output<string>;
    deploymentAlarmNames: pulumi.Output<string>[];
  },
): AwsCompute {
  const { name, args, opts } = ctx;
  const cluster = new aws.ecs.Cluster(
    `${name}-cluster`,
    { settings: [{ name: "containerInsights", value: "enabled" }] },
    opts,
  );
  const size = fargateSize(args.instanceSize);
  const taskDefinition = new aws.ecs.TaskDefinition(
    `${name}-task`,
    {
      // Families are account-wide; the project and stack keep two stacks' revisions apart.
      family: `${pulumi.getProject()}-${pulumi.getStack()}-${name}`,
      cpu: String(size.cpu),
      memory: String(size.memory),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: deps.identity.executionRole.arn,
      taskRoleArn: deps.identity.taskRole.arn,
      volumes: [{ name: "tmp" }],
      containerDefinitions: pulumi
        .all([deps.image, deps.logGroup.name])
        .apply(([image, logGroup]) =>
          JSON.stringify(
            containerDefinitions({
              image,
              port: args.containerPort,
              drainingSeconds: args.drainingTimeoutSeconds,
              logGroup,
              region: args.region,
            }),
          ),
        ),
    },
    opts,
  );

  const rollout = toEcsDeployment(args.rollingUpdate);
  const service = new aws.ecs.Service(
    `${name}-service`,
    {
      cluster: cluster.arn,
      taskDefinition: taskDefinition.arn,
      desiredCount: args.desiredInstances,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      networkConfiguration: {
        subnets: deps.network.privateSubnetIds,
        securityGroups: [deps.network.taskSecurityGroup.id],
        assignPublicIp: false,
      },
      loadBalancers: [
        {
          targetGroupArn: deps.lb.targetGroup.arn,
          containerName,
          containerPort: args.containerPort,
        },
      ],
      // New tasks start before old ones stop and the service never drops below desired capacity.
      deploymentMinimumHealthyPercent: rollout.deploymentMinimumHealthyPercent,
      deploymentMaximumPercent: rollout.deploymentMaximumPercent,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      alarms: { alarmNames: deps.deploymentAlarmNames, enable: true, rollback: true },
      // Time for a new task to boot and pass its first health checks before the ALB's verdict counts.
      healthCheckGracePeriodSeconds: 60,
      // ECS moves tasks back into a zone that recovered instead of leaving the service lopsided.
      availabilityZoneRebalancing: "ENABLED",
      waitForSteadyState: true,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
    },
    // Autoscaling owns the running count after the first deploy.
    { ...opts, dependsOn: deps.lb.listeners, ignoreChanges: ["desiredCount"] },
  );
  return { cluster, service };
}
