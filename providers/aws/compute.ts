import * as aws from "./sdk";
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
 * Where the task's one writable volume is mounted, and the image's RUNTIME_DIR inside it: the only
 * path the supervisor and nginx write (app/src/config.ts). Fargate does not support
 * `linuxParameters.tmpfs` ("If you're using tasks that use the Fargate launch type, the tmpfs
 * parameter isn't supported"), so this is a bind-mount volume on the task's ephemeral storage.
 * Fargate creates such a volume owned by root with mode 0755, where uid 1000 cannot create
 * RUNTIME_DIR, unless the image declares a `VOLUME` at exactly the mount path: then the image's
 * contents there, with their owners and modes, are copied into the volume. So the image declares
 * `VOLUME ["/tmp"]` and ships `/tmp/runtime` owned by `imageUser` (checked against app/Dockerfile
 * by tests/aws/aws.test.ts).
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinuxParameters.html (tmpfs)
 * https://github.com/aws/containers-roadmap/issues/938
 */
export const taskVolume = { name: "tmp", mountPath: "/tmp", runtimeDir: "/tmp/runtime" } as const;

/**
 * The image's drain on ECS. ECS deregisters a task from the target group and waits the
 * deregistration delay (the ALB's drain, `drainingTimeoutSeconds`) before it sends SIGTERM, so by
 * then the ALB has stopped sending requests and finished the in-flight ones. A second full drain in
 * the image would only add `drainingTimeoutSeconds` to every task's replacement. A few seconds
 * remain for a task stopped outside a deployment and for requests still being written out.
 * https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/load-balancer-connection-draining.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html
 */
export const ecsDrainSeconds = 5;

/**
 * Seconds ECS waits after SIGTERM before SIGKILL: the image's drain plus time to finish the last
 * requests and exit. Fargate allows at most 120:
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html (stopTimeout)
 */
export function stopTimeoutSeconds(drainingSeconds: number): number {
  return Math.min(120, drainingSeconds + 15);
}

/**
 * The task's one container. The image runs nginx in front of the app as a non-root user with a
 * read-only root filesystem; its only writable path is the task volume (`taskVolume`).
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
      // The version is baked into the image (app/Dockerfile). The drain is ECS's (`ecsDrainSeconds`).
      environment: [
        { name: "DRAIN_SECONDS", value: String(settings.drainingSeconds) },
        { name: keepaliveEnvVar, value: String(keepaliveAbove(albIdleTimeoutSeconds)) },
        // Stated so the supervisor always writes where the volume is mounted.
        { name: "RUNTIME_DIR", value: taskVolume.runtimeDir },
      ],
      // The image's own non-root user (the base image's `node`), stated so ECS enforces it even
      // if a future image forgets its USER line.
      user: imageUser,
      readonlyRootFilesystem: true,
      mountPoints: [
        { sourceVolume: taskVolume.name, containerPath: taskVolume.mountPath, readOnly: false },
      ],
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
      family: `${args.project}-${args.stack}-${name}`,
      cpu: String(size.cpu),
      memory: String(size.memory),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      executionRoleArn: deps.identity.executionRole.arn,
      taskRoleArn: deps.identity.taskRole.arn,
      volumes: [{ name: taskVolume.name }],
      containerDefinitions: pulumi
        .all([deps.image, deps.logGroup.name])
        .apply(([image, logGroup]) =>
          JSON.stringify(
            containerDefinitions({
              image,
              port: args.containerPort,
              drainingSeconds: ecsDrainSeconds,
              logGroup,
              region: args.region,
            }),
          ),
        ),
    },
    // Never protected: every rollout replaces the task definition with a new revision, which a
    // protected resource refuses. A destroy never reaches it before the protected service.
    { ...opts, protect: false },
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
    {
      ...opts,
      // No task may start before it can pull (execution role policy, NAT routes, endpoints), be
      // reached (security group rules) and be registered (a listener uses the target group):
      // otherwise its failure counts toward the circuit breaker and can roll a good release back.
      // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
      dependsOn: [
        deps.lb.attachListener,
        deps.identity.executionPolicy,
        ...deps.network.taskPrerequisites,
      ],
      // ECS cannot move a service to another target group in place without the public listener
      // pointing at a group that is still empty. A new service on the new group instead runs beside
      // the old one until it is steady; only then do the public listeners move (loadBalancer.ts
      // `createListeners`), and the old service and group are deleted last. Both are auto-named, so
      // the two exist side by side. https://www.pulumi.com/docs/iac/concepts/options/replaceonchanges/
      replaceOnChanges: ["loadBalancers"],
      deleteBeforeReplace: false,
      // Autoscaling owns the running count after the first deploy.
      ignoreChanges: ["desiredCount"],
    },
  );
  return { cluster, service };
}
