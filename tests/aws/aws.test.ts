import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveServiceArgs } from "../../components/args";
import { awsRestrictedTlsPolicies } from "../../policy/hardening";
import { validate } from "../../providers/aws";
import {
  containerDefinitions,
  imageUser,
  stopTimeoutSeconds,
  taskVolume,
} from "../../providers/aws/compute";
import { serviceRules } from "../../components/validation";
import { ecrRepositoryOf, executionPolicy, PolicyDocument } from "../../providers/aws/identity";
import {
  albIdleTimeoutSeconds,
  attachListenerPort,
  hostedZoneProblem,
  tlsPolicy,
} from "../../providers/aws/loadBalancer";
import { alertsKeyPolicy, deploymentRollbackAlarms } from "../../providers/aws/monitoring";
import { OptionRecordingMocks } from "../gcp/helpers";
import { main as planMain } from "../../tools/plan/cli";
import { runPlan } from "../../tools/plan/run";
import { mockAccount } from "../../tools/plan/mocks/types";
import { instructions } from "../app/dockerfileRules";
import { runInProcess } from "../helpers/command";
import { copyPlan, guardedRules, json, ofType, one, planStack, PlanResult } from "../helpers/plan";

type Plan = Pick<PlanResult, "resources">;

const account = mockAccount.awsAccountId;
// The account's shared repository (providers/aws/registry.ts); the stack creates none.
const repoArn = `arn:aws:ecr:us-east-1:${account}:repository/ha-web-service/web`;
const root = join(__dirname, "..", "..");
const logGroupArn = `arn:aws:logs:us-east-1:${account}:log-group:web-logs`;

/** What each stack file must produce on AWS. */
const expected = {
  test: {
    zones: ["us-east-1a", "us-east-1b"],
    nat: "Single",
    desired: 2,
    min: 2,
    max: 4,
    retention: 7,
    deletionProtection: false,
    cpu: "512",
    memory: "1024",
    environment: "test",
  },
  prod: {
    zones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    nat: "OnePerAz",
    desired: 3,
    min: 3,
    max: 12,
    retention: 90,
    deletionProtection: true,
    cpu: "1024",
    memory: "2048",
    environment: "prod",
  },
} as const;

const T = {
  vpc: "awsx:ec2:Vpc",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  tg: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  service: "aws:ecs/service:Service",
  task: "aws:ecs/taskDefinition:TaskDefinition",
  cluster: "aws:ecs/cluster:Cluster",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  scalingTarget: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  repo: "aws:ecr/repository:Repository",
  cert: "aws:acm/certificate:Certificate",
  provider: "pulumi:providers:aws",
  topic: "aws:sns/topic:Topic",
  key: "aws:kms/key:Key",
} as const;

/** The listeners the internet reaches: every one but the attach listener. */
function publicListeners(plan: Plan) {
  return ofType(plan, T.listener).filter((l) => l.inputs.port !== attachListenerPort);
}

async function planOptions(stack: string, overrides: Record<string, string> = {}) {
  // Registration options (dependencies, replacement) are not in the plan; this recorder keeps them.
  const mocks = new OptionRecordingMocks();
  await runPlan({ stack, cloud: "aws", overrides, mocks });
  return mocks.options;
}

/** Ingress and egress rules of a group, as `proto port source` lines, sorted. */
function rulesOf(plan: Plan, type: string, groupId: string): string[] {
  return ofType(plan, type)
    .filter((r) => r.inputs.securityGroupId === groupId)
    .map((r) => {
      const i = r.inputs;
      const peer = i.cidrIpv4 ?? i.referencedSecurityGroupId;
      return `${String(i.ipProtocol)} ${String(i.fromPort)}-${String(i.toPort)} ${String(peer)}`;
    })
    .sort();
}

function setInputs(
  plan: Plan,
  type: string,
  patch: (inputs: Record<string, unknown>) => void,
  name?: string,
): Plan {
  const copy = copyPlan(plan);
  for (const r of copy.resources) {
    if (r.type === type && (name === undefined || r.name === name)) patch(r.inputs);
  }
  return copy;
}

for (const stack of ["test", "prod"] as const) {
  const want = expected[stack];
  const load = () => planStack(stack, "aws");

  describe(`AWS · ${stack} stack`, () => {
    it("spreads public and private subnets over the configured zones with the stack's NAT layout", async () => {
      const vpc = one(await load(), T.vpc).inputs;
      assert.deepEqual(vpc, {
        availabilityZoneNames: want.zones,
        cidrBlock: "10.0.0.0/16",
        enableDnsHostnames: true,
        enableDnsSupport: true,
        natGateways: { strategy: want.nat },
        subnetSpecs: [
          { cidrMask: 24, type: "Public" },
          { cidrMask: 20, type: "Private" },
        ],
        subnetStrategy: "Auto",
        // The free S3 gateway endpoint: image layers come from S3 without NAT data charges.
        vpcEndpointSpecs: [
          { serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway" },
        ],
        vpcEndpointStrategy: "Auto",
      });
    });

    it("registers every resource under the component with the stack's explicit provider", async () => {
      const plan = await load();
      const provider = one(plan, T.provider).inputs;
      assert.equal(provider.region, "us-east-1");
      assert.deepEqual(json(provider.defaultTags), {
        tags: {
          environment: want.environment,
          owner: "platform",
          project: "ha-web-service",
          stack,
          "managed-by": "pulumi",
        },
      });
      for (const r of plan.resources) {
        if (r.type === "haweb:index:HighlyAvailableWebService") continue;
        assert.equal(r.parent, "haweb:index:HighlyAvailableWebService::web", `${r.name} parent`);
        if (r.custom && r.type !== T.provider && r.type !== T.vpc) {
          assert.equal(r.provider, "pulumi:providers:aws::web-aws", `${r.name} provider`);
        }
      }
    });

    it("puts tasks in private subnets, without public IPs, behind the task security group", async () => {
      const service = one(await load(), T.service).inputs;
      assert.deepEqual(service.networkConfiguration, {
        assignPublicIp: false,
        securityGroups: ["web-task-sg-id"],
        subnets: want.zones.map((z) => `subnet-private-${z}`),
      });
      assert.equal(service.desiredCount, want.desired);
      assert.equal(service.launchType, "FARGATE");
      assert.equal(service.availabilityZoneRebalancing, "ENABLED");
      assert.equal(service.waitForSteadyState, true);
      assert.equal(service.healthCheckGracePeriodSeconds, 60);
    });

    it("puts the internet-facing ALB in the public subnets with its deletion protection", async () => {
      const alb = one(await load(), T.alb).inputs;
      assert.deepEqual(alb, {
        internal: false,
        loadBalancerType: "application",
        securityGroups: ["web-alb-sg-id"],
        subnets: want.zones.map((z) => `subnet-public-${z}`),
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "strictest",
        enableDeletionProtection: want.deletionProtection,
        // Stated, not defaulted: nginx's keepalive must outlast it (components/keepalive.ts).
        idleTimeout: 60,
        // Access logs into the stack's log bucket (tests/aws/logs.test.ts).
        accessLogs: { bucket: "web-logs-a1b2c3d", prefix: "alb", enabled: true },
      });
      assert.equal(albIdleTimeoutSeconds, 60);
    });

    it("registers targets by IP with a fast health check and a 30 s drain", async () => {
      assert.deepEqual(one(await load(), T.tg).inputs, {
        deregistrationDelay: 30,
        healthCheck: {
          enabled: true,
          healthyThreshold: 2,
          interval: 10,
          matcher: "200",
          path: "/healthz",
          port: "traffic-port",
          protocol: "HTTP",
          timeout: 5,
          unhealthyThreshold: 2,
        },
        port: 8080,
        protocol: "HTTP",
        targetType: "ip",
        vpcId: "vpc-web-vpc",
      });
    });

    it("serves plain HTTP only, with no certificate, when no domain is set", async () => {
      const plan = await load();
      const listeners = publicListeners(plan).map((l) => l.inputs);
      assert.equal(listeners.length, 1);
      assert.equal(listeners[0].port, 80);
      assert.equal(listeners[0].protocol, "HTTP");
      assert.deepEqual(listeners[0].defaultActions, [
        {
          type: "forward",
          targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:${account}:targetgroup/web-tg/6d0ecf831eec9f09`,
        },
      ]);
      assert.deepEqual(ofType(plan, T.cert), []);
    });

    it("runs a non-root, read-only container that drains before it is stopped", async () => {
      const task = one(await load(), T.task).inputs;
      assert.equal(task.cpu, want.cpu);
      assert.equal(task.memory, want.memory);
      assert.equal(task.networkMode, "awsvpc");
      assert.equal(task.executionRoleArn, `arn:aws:iam::${account}:role/web-execution`);
      assert.equal(task.taskRoleArn, `arn:aws:iam::${account}:role/web-task`);
      const [container] = json<ReturnType<typeof containerDefinitions>>(task.containerDefinitions);
      assert.equal(
        container.image,
        `${account}.dkr.ecr.us-east-1.amazonaws.com/ha-web-service/web:1.0.0`,
      );
      assert.equal(container.readonlyRootFilesystem, true);
      // ECS drains at the ALB before SIGTERM, so the image's own drain is 5 s, not another 30 s.
      assert.deepEqual(container.environment, [
        { name: "DRAIN_SECONDS", value: "5" },
        { name: "NGINX_KEEPALIVE_TIMEOUT_SECONDS", value: "80" },
        { name: "RUNTIME_DIR", value: "/tmp/runtime" },
      ]);
      // The one writable path: a task volume at /tmp, seeded from the image's VOLUME /tmp.
      assert.deepEqual(task.volumes, [{ name: "tmp" }]);
      assert.deepEqual(container.mountPoints, [
        { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
      ]);
      assert.equal(container.user, "1000:1000");
      assert.deepEqual(container.healthCheck.command, [
        "CMD",
        "node",
        "/app/dist/src/healthcheck.js",
      ]);
      // The image's 5 s drain, then 15 s to finish and exit, before ECS's SIGKILL.
      assert.equal(container.stopTimeout, 20);
      assert.equal(container.logConfiguration.options["awslogs-group"], "web-logs-2c48567");
      assert.deepEqual(container.portMappings, [
        { containerPort: 8080, protocol: "tcp", name: "http" },
      ]);
    });

    it("keeps logs for the stack's retention", async () => {
      assert.deepEqual(one(await load(), T.logGroup).inputs, { retentionInDays: want.retention });
    });

    it("scales between the stack's min and max on CPU and requests per target", async () => {
      const plan = await load();
      const target = one(plan, T.scalingTarget).inputs;
      assert.equal(target.minCapacity, want.min);
      assert.equal(target.maxCapacity, want.max);
      assert.equal(target.resourceId, "service/web-cluster-b96cc8c/web-service-c22e73d");
      const policies = ofType(plan, T.scalingPolicy).map(
        (p) => p.inputs.targetTrackingScalingPolicyConfiguration,
      );
      assert.deepEqual(policies, [
        {
          targetValue: 60,
          predefinedMetricSpecification: {
            predefinedMetricType: "ECSServiceAverageCPUUtilization",
          },
          scaleOutCooldown: 60,
          scaleInCooldown: 300,
        },
        {
          targetValue: 1000,
          predefinedMetricSpecification: {
            predefinedMetricType: "ALBRequestCountPerTarget",
            resourceLabel: "app/web-alb/50dc6c495c0c9188/targetgroup/web-tg/6d0ecf831eec9f09",
          },
          scaleOutCooldown: 60,
          scaleInCooldown: 300,
        },
      ]);
    });

    it("creates no registry: tasks pull from the account's shared repository", async () => {
      // bootstrap/ owns the repository (providers/aws/registry.ts) and tests its settings.
      assert.deepEqual(ofType(await load(), T.repo), []);
    });

    it("alarms on 5xx, unhealthy and too few healthy hosts, running tasks, p95 latency and CPU, and rolls deploys back on two of them", async () => {
      const plan = await load();
      const alarms = ofType(plan, T.alarm).map(
        (a) =>
          `${String(a.inputs.namespace)}/${String(a.inputs.metricName)} missing=${String(a.inputs.treatMissingData)}`,
      );
      // Missing data breaches only where silence means an outage: no targets, no tasks.
      assert.deepEqual(alarms.sort(), [
        "AWS/ApplicationELB/HTTPCode_ELB_5XX_Count missing=notBreaching",
        "AWS/ApplicationELB/HTTPCode_Target_5XX_Count missing=notBreaching",
        "AWS/ApplicationELB/HealthyHostCount missing=breaching",
        "AWS/ApplicationELB/TargetResponseTime missing=notBreaching",
        "AWS/ApplicationELB/UnHealthyHostCount missing=notBreaching",
        "AWS/ECS/CPUUtilization missing=notBreaching",
        "ECS/ContainerInsights/RunningTaskCount missing=breaching",
      ]);
      const topicArn = `arn:aws:sns:us-east-1:${account}:web-alerts`;
      const { alarmDescription: healthyDescription, ...healthy } = one(
        plan,
        T.alarm,
        "web-healthy-hosts",
      ).inputs;
      assert.match(String(healthyDescription), new RegExp(`minInstances \\(${want.min}\\)`));
      assert.deepEqual(healthy, {
        namespace: "AWS/ApplicationELB",
        metricName: "HealthyHostCount",
        dimensions: {
          LoadBalancer: "app/web-alb/50dc6c495c0c9188",
          TargetGroup: "targetgroup/web-tg/6d0ecf831eec9f09",
        },
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 2,
        threshold: want.min,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
        alarmActions: [topicArn],
        okActions: [topicArn],
      });
      const { alarmDescription: runningDescription, ...running } = one(
        plan,
        T.alarm,
        "web-running-tasks",
      ).inputs;
      assert.match(String(runningDescription), new RegExp(`minInstances \\(${want.min}\\)`));
      assert.deepEqual(running, {
        namespace: "ECS/ContainerInsights",
        metricName: "RunningTaskCount",
        dimensions: { ClusterName: "web-cluster-b96cc8c", ServiceName: "web-service-c22e73d" },
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: 3,
        threshold: want.min,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
        alarmActions: [topicArn],
        okActions: [topicArn],
      });
      // RunningTaskCount exists only with Container Insights on.
      assert.deepEqual(one(plan, T.cluster).inputs.settings, [
        { name: "containerInsights", value: "enabled" },
      ]);
      assert.deepEqual(deploymentRollbackAlarms, ["target-5xx", "unhealthy-hosts"]);
      assert.equal(one(plan, T.alarm, "web-latency-p95").inputs.extendedStatistic, "p95");
      assert.deepEqual(one(plan, T.service).inputs.alarms, {
        alarmNames: ["web-target-5xx-80b6471", "web-unhealthy-hosts-f2257f0"],
        enable: true,
        rollback: true,
      });
      const subscriptions = ofType(plan, "aws:sns/topicSubscription:TopicSubscription");
      assert.deepEqual(
        subscriptions.map((s) => s.inputs.endpoint),
        stack === "prod" ? ["oncall@example.com"] : [],
      );
    });

    it("lets CloudWatch alarms of this account only use the alerts key", () => {
      // The exact statement AWS documents for CloudWatch publishing to an encrypted topic.
      assert.deepEqual(alertsKeyPolicy("111122223333").Statement[1], {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
      });
    });

    it("starts tasks only once they can pull, be reached and be registered", async () => {
      const options = await planOptions(stack);
      const service = options.get(`${T.service}::web-service`);
      // Explicit: the execution role's policy, every security group rule, the VPC (NAT routes and
      // the S3 endpoint) and the listener that makes ECS accept the target group.
      for (const needed of [
        `${T.rolePolicy}::web-execution`,
        `${T.ingress}::web-alb-in-80`,
        `${T.egress}::web-alb-out-task`,
        `${T.ingress}::web-task-in-alb`,
        `${T.egress}::web-task-out-https`,
        `${T.vpc}::web-vpc`,
        `${T.listener}::web-attach`,
      ]) {
        assert.ok(service?.dependencies.includes(needed), `the service must depend on ${needed}`);
      }
    });

    it("moves traffic to a replaced target group only after a new service fills it", async () => {
      const options = await planOptions(stack);
      // A target-group change replaces the service (create before delete) instead of updating it
      // in place, and the public listener waits for the service, so it moves last.
      assert.deepEqual(options.get(`${T.service}::web-service`)?.replaceOnChanges, [
        "loadBalancers",
      ]);
      assert.equal(options.get(`${T.service}::web-service`)?.deleteBeforeReplace, false);
      assert.equal(options.get(`${T.tg}::web-tg`)?.deleteBeforeReplace, false);
      assert.ok(
        options.get(`${T.listener}::web-http`)?.dependencies.includes(`${T.service}::web-service`),
        "the public listener must depend on the service",
      );
      assert.ok(
        !options.get(`${T.service}::web-service`)?.dependencies.includes(`${T.listener}::web-http`),
        "the service must not wait for the public listener",
      );
      // The attach listener is on a port no security group opens.
      const attach = one(await load(), T.listener, "web-attach").inputs;
      assert.equal(attach.port, attachListenerPort);
      assert.ok(
        !rulesOf(await load(), T.ingress, "web-alb-sg-id").some((r) =>
          r.includes(`${attachListenerPort}`),
        ),
      );
    });

    describe("guarded rules", () => {
      guardedRules<Plan>(load, [
        {
          name: "the ALB accepts only its listener ports from the internet and talks only to tasks",
          check: (plan) => {
            assert.deepEqual(rulesOf(plan, T.ingress, "web-alb-sg-id"), ["tcp 80-80 0.0.0.0/0"]);
            assert.deepEqual(rulesOf(plan, T.egress, "web-alb-sg-id"), [
              "tcp 8080-8080 web-task-sg-id",
            ]);
          },
          breakIt: (plan) =>
            setInputs(
              plan,
              T.ingress,
              (i) => ((i.fromPort = 0), (i.toPort = 65535)),
              "web-alb-in-80",
            ),
        },
        {
          name: "tasks accept the container port from the ALB only and send HTTPS only",
          check: (plan) => {
            assert.deepEqual(rulesOf(plan, T.ingress, "web-task-sg-id"), [
              "tcp 8080-8080 web-alb-sg-id",
            ]);
            assert.deepEqual(rulesOf(plan, T.egress, "web-task-sg-id"), ["tcp 443-443 0.0.0.0/0"]);
          },
          breakIt: (plan) =>
            setInputs(
              plan,
              T.ingress,
              (i) => {
                delete i.referencedSecurityGroupId;
                i.cidrIpv4 = "0.0.0.0/0";
              },
              "web-task-in-alb",
            ),
        },
        {
          name: "tasks never get a public IP",
          check: (plan) => {
            const network = one(plan, T.service).inputs.networkConfiguration as Record<
              string,
              unknown
            >;
            assert.equal(network.assignPublicIp, false);
          },
          breakIt: (plan) =>
            setInputs(
              plan,
              T.service,
              (i) => ((i.networkConfiguration as Record<string, unknown>).assignPublicIp = true),
            ),
        },
        {
          name: "rollouts keep 100 % healthy, surge to 200 % and roll back on failure",
          check: (plan) => {
            const s = one(plan, T.service).inputs;
            assert.equal(s.deploymentMinimumHealthyPercent, 100);
            assert.equal(s.deploymentMaximumPercent, 200);
            assert.deepEqual(s.deploymentCircuitBreaker, { enable: true, rollback: true });
          },
          breakIt: (plan) =>
            setInputs(plan, T.service, (i) => (i.deploymentMinimumHealthyPercent = 50)),
        },
        {
          name: "the execution role trusts only this account's ECS tasks",
          check: (plan) => {
            for (const role of ofType(plan, T.role)) {
              assert.deepEqual(json(role.inputs.assumeRolePolicy), {
                Version: "2012-10-17",
                Statement: [
                  {
                    Effect: "Allow",
                    Principal: { Service: "ecs-tasks.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:SourceAccount": account } },
                  },
                ],
              });
            }
          },
          breakIt: (plan) =>
            setInputs(
              plan,
              T.role,
              (i) => {
                const doc = json<PolicyDocument>(i.assumeRolePolicy);
                delete doc.Statement[0].Condition;
                i.assumeRolePolicy = JSON.stringify(doc);
              },
              "web-execution",
            ),
        },
        {
          name: "the execution role pulls only this repository and writes only this log group",
          check: (plan) => {
            const policies = ofType(plan, T.rolePolicy);
            assert.equal(
              policies.length,
              1,
              "only the execution role has a policy; the task role has none",
            );
            assert.equal(policies[0].inputs.role, "web-execution-id");
            assert.deepEqual(json(policies[0].inputs.policy), {
              Version: "2012-10-17",
              Statement: [
                {
                  Sid: "RegistryLogin",
                  Effect: "Allow",
                  Action: "ecr:GetAuthorizationToken",
                  Resource: "*",
                },
                {
                  Sid: "PullThisRepository",
                  Effect: "Allow",
                  Action: [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                  ],
                  Resource: repoArn,
                },
                {
                  Sid: "WriteThisLogGroup",
                  Effect: "Allow",
                  Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                  Resource: [logGroupArn, `${logGroupArn}:*`],
                },
              ],
            });
            assert.deepEqual(
              json(policies[0].inputs.policy),
              executionPolicy(repoArn, logGroupArn),
            );
          },
          breakIt: (plan) =>
            setInputs(plan, T.rolePolicy, (i) => {
              const doc = json<PolicyDocument>(i.policy);
              doc.Statement[1].Resource = "*";
              i.policy = JSON.stringify(doc);
            }),
        },
        {
          name: "no AWS-managed policy is attached anywhere",
          check: (plan) => {
            assert.deepEqual(ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"), []);
            for (const role of ofType(plan, T.role)) {
              assert.equal(role.inputs.managedPolicyArns, undefined);
            }
          },
          breakIt: (plan) =>
            setInputs(
              plan,
              T.role,
              (i) => (i.managedPolicyArns = ["arn:aws:iam::aws:policy/AdministratorAccess"]),
              "web-task",
            ),
        },
        {
          name: "logs are kept for a set number of days",
          check: (plan) =>
            assert.equal(one(plan, T.logGroup).inputs.retentionInDays, want.retention),
          breakIt: (plan) => setInputs(plan, T.logGroup, (i) => delete i.retentionInDays),
        },
        {
          name: "the container stays up 15 s longer than the image's drain",
          check: (plan) => {
            const [c] = json<ReturnType<typeof containerDefinitions>>(
              one(plan, T.task).inputs.containerDefinitions,
            );
            const drain = Number(c.environment.find((e) => e.name === "DRAIN_SECONDS")?.value);
            assert.ok(
              c.stopTimeout >= drain + 15,
              `stopTimeout ${c.stopTimeout} must leave 15 s after the ${drain} s drain`,
            );
          },
          breakIt: (plan) =>
            setInputs(plan, T.task, (i) => {
              const defs = json<Array<{ stopTimeout: number }>>(i.containerDefinitions);
              defs[0].stopTimeout = 5;
              i.containerDefinitions = JSON.stringify(defs);
            }),
        },
        {
          name: "the image drains briefly on ECS: the ALB has drained the task before SIGTERM",
          check: (plan) => {
            const [c] = json<ReturnType<typeof containerDefinitions>>(
              one(plan, T.task).inputs.containerDefinitions,
            );
            const drain = Number(c.environment.find((e) => e.name === "DRAIN_SECONDS")?.value);
            const delay = Number(one(plan, T.tg).inputs.deregistrationDelay);
            assert.ok(drain <= 5, `DRAIN_SECONDS ${drain} repeats the ALB's ${delay} s drain`);
          },
          breakIt: (plan) =>
            setInputs(plan, T.task, (i) => {
              const defs = json<ReturnType<typeof containerDefinitions>>(i.containerDefinitions);
              defs[0].environment[0].value = "30";
              i.containerDefinitions = JSON.stringify(defs);
            }),
        },
        {
          name: "the alerts topic is encrypted with a key CloudWatch may use, not alias/aws/sns",
          check: (plan) => {
            const key = one(plan, T.key);
            assert.equal(
              one(plan, T.topic).inputs.kmsMasterKeyId,
              `arn:aws:kms:us-east-1:${account}:key/web-alerts-key-0000-4000-8000-000000000000`,
            );
            assert.deepEqual(json(key.inputs.policy), alertsKeyPolicy(account));
            assert.equal(key.inputs.enableKeyRotation, true);
          },
          breakIt: (plan) => setInputs(plan, T.topic, (i) => (i.kmsMasterKeyId = "alias/aws/sns")),
        },
      ]);
    });
  });
}

describe("AWS · HTTPS when a domain is set", () => {
  const load = () =>
    planStack("prod", "aws", { domain: "www.example.com", awsHostedZone: "example.com" });

  it("issues a DNS-validated certificate in the domain's hosted zone", async () => {
    const plan = await load();
    assert.deepEqual(one(plan, T.cert).inputs, {
      domainName: "www.example.com",
      validationMethod: "DNS",
    });
    const zoneLookup = plan.invokes.find((i) => i.token === "aws:route53/getZone:getZone");
    assert.deepEqual(zoneLookup?.inputs, { name: "example.com", privateZone: false });
  });

  it("serves HTTPS with a restricted TLS 1.3 policy and redirects HTTP", async () => {
    const plan = await load();
    const byPort = Object.fromEntries(publicListeners(plan).map((l) => [l.inputs.port, l.inputs]));
    assert.deepEqual(Object.keys(byPort).sort(), ["443", "80"]);
    assert.equal(byPort[443].protocol, "HTTPS");
    assert.equal(byPort[443].sslPolicy, tlsPolicy);
    // AWS's console default: no CBC or non-forward-secret suites (the "-Res-" family), in the
    // list the tls-modern policy accepts. ELBSecurityPolicy-TLS13-1-2-2021-06 is not in it.
    assert.equal(tlsPolicy, "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
    assert.ok(awsRestrictedTlsPolicies.includes(tlsPolicy));
    assert.ok(!awsRestrictedTlsPolicies.includes("ELBSecurityPolicy-TLS13-1-2-2021-06"));
    assert.deepEqual(byPort[80].defaultActions, [
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
    ]);
    assert.deepEqual(rulesOf(plan, T.ingress, "web-alb-sg-id"), [
      "tcp 443-443 0.0.0.0/0",
      "tcp 80-80 0.0.0.0/0",
    ]);
  });

  it("publishes the https URL", async () => {
    const plan = await load();
    assert.equal(plan.outputs.url, "https://www.example.com");
    assert.equal(plan.outputs.versionUrl, "https://www.example.com/version.txt");
  });

  it("moves the HTTPS listener only after the service, while the redirect needs no service", async () => {
    const options = await planOptions("prod", {
      domain: "www.example.com",
      awsHostedZone: "example.com",
    });
    assert.ok(
      options.get(`${T.listener}::web-https`)?.dependencies.includes(`${T.service}::web-service`),
    );
    assert.ok(
      !options.get(`${T.listener}::web-http`)?.dependencies.includes(`${T.service}::web-service`),
    );
  });
});

describe("AWS · hosted zone from awsHostedZone", () => {
  const zoneOf = async (domain: string, zone: string) => {
    const plan = await planStack("test", "aws", { domain, awsHostedZone: zone });
    return plan.invokes.find((i) => i.token === "aws:route53/getZone:getZone")?.inputs;
  };

  // Dropping the first label used to look up co.uk and b.example.com.
  it("looks up the configured zone, not the domain minus its first label", async () => {
    assert.deepEqual(await zoneOf("shop.example.co.uk", "example.co.uk"), {
      name: "example.co.uk",
      privateZone: false,
    });
    assert.deepEqual(await zoneOf("a.b.example.com", "example.com"), {
      name: "example.com",
      privateZone: false,
    });
    assert.deepEqual(await zoneOf("example.com", "example.com"), {
      name: "example.com",
      privateZone: false,
    });
  });

  it("names the key, the value and what is accepted when the zone is missing or wrong", () => {
    assert.equal(
      hostedZoneProblem("www.example.com", undefined),
      'awsHostedZone: expected the name of the Route 53 public hosted zone that holds domain "www.example.com", such as example.com for www.example.com (pulumi config set awsHostedZone <zone>); got nothing',
    );
    assert.equal(
      hostedZoneProblem("www.example.com", "ample.com"),
      'awsHostedZone: expected a zone that holds domain "www.example.com" (the domain itself or one of its parents); got "ample.com"',
    );
    assert.equal(hostedZoneProblem("www.example.com", "example.com"), undefined);
  });

  it("exits 2 from the plan, naming awsHostedZone, for a domain without its zone", async () => {
    // The plan command's main, in-process (tests/plan/cli.test.ts also runs it as a process).
    const run = async (...overrides: string[]) => {
      const { code, stderr } = await runInProcess("plan", planMain, [
        "--stack",
        "test",
        ...overrides,
      ]);
      return { status: code, stderr };
    };
    const missing = await run("-c", "domain=www.example.com");
    assert.equal(missing.status, 2, missing.stderr);
    assert.match(
      missing.stderr,
      /awsHostedZone: expected the name of the Route 53 public hosted zone/,
    );
    const wrong = await run("-c", "domain=www.example.com", "-c", "awsHostedZone=example.org");
    assert.equal(wrong.status, 2, wrong.stderr);
    assert.match(
      wrong.stderr,
      /awsHostedZone: expected a zone that holds domain "www\.example\.com".*got "example\.org"/,
    );
    const malformed = await run("-c", "domain=www.example.com", "-c", "awsHostedZone=Example.COM");
    assert.equal(malformed.status, 2, malformed.stderr);
    assert.match(
      malformed.stderr,
      /ha-web-service:awsHostedZone: expected the name of a Route 53 public hosted zone/,
    );
  });
});

describe("AWS · images from ECR", () => {
  it("finds the repository of an ECR image in any account, or none for other registries", () => {
    const table: Array<[string, string | undefined]> = [
      [
        "210987654321.dkr.ecr.eu-west-1.amazonaws.com/team/web:1.0.6",
        "arn:aws:ecr:eu-west-1:210987654321:repository/team/web",
      ],
      [
        `210987654321.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${"a".repeat(64)}`,
        "arn:aws:ecr:us-east-1:210987654321:repository/web",
      ],
      [
        "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn/web:1.0.6",
        "arn:aws-cn:ecr:cn-north-1:210987654321:repository/web",
      ],
      ["registry.example.com/team/web:1.0.6", undefined],
      ["public.ecr.aws/team/web:1.0.6", undefined],
    ];
    for (const [image, arn] of table) {
      assert.equal(ecrRepositoryOf(image)?.arn, arn, image);
    }
  });

  it("refuses an ECR host with a malformed reference, naming the key", () => {
    const args = resolveServiceArgs({
      cloud: "aws",
      region: "us-east-1",
      zones: ["us-east-1a", "us-east-1b"],
      appVersion: "1.0.0",
      minInstances: 2,
      desiredInstances: 2,
      maxInstances: 4,
      image: "21098765.dkr.ecr.us-east-1.amazonaws.com/web:1.0.6",
    });
    assert.deepEqual(validate(args), [
      'image: expected an ECR image such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0.6; got "21098765.dkr.ecr.us-east-1.amazonaws.com/web:1.0.6"',
    ]);
  });

  it("lets the execution role pull another account's repository, and only that one", async () => {
    const plan = await planStack("test", "aws", {
      image: "210987654321.dkr.ecr.us-east-1.amazonaws.com/team/web:1.0.0",
    });
    const policy = json<PolicyDocument>(one(plan, T.rolePolicy).inputs.policy);
    assert.equal(
      policy.Statement.find((s) => s.Sid === "PullThisRepository")?.Resource,
      "arn:aws:ecr:us-east-1:210987654321:repository/team/web",
    );
  });
});

describe("AWS · the image meets the task definition's volume contract", () => {
  // Fargate seeds a bind-mount volume from the image only through a VOLUME at the mount path;
  // without it the volume is root's, 0755, and uid 1000 cannot create RUNTIME_DIR (EACCES).
  const dockerfile = instructions(readFileSync(join(root, "app", "Dockerfile"), "utf8"));
  const finalStage = dockerfile.slice(dockerfile.map((i) => i.keyword).lastIndexOf("FROM"));

  it("declares VOLUME at the task's mount path", () => {
    const volumes = finalStage
      .filter((i) => i.keyword === "VOLUME")
      .flatMap((i) => JSON.parse(i.args) as string[]);
    assert.deepEqual(volumes, [taskVolume.mountPath]);
  });

  it("creates RUNTIME_DIR inside it as the task's user, before the VOLUME line", () => {
    const volumeAt = finalStage.findIndex((i) => i.keyword === "VOLUME");
    const userAt = finalStage.findIndex((i) => i.keyword === "USER");
    assert.equal(finalStage[userAt].args, imageUser);
    const creates = finalStage.findIndex(
      (i, at) =>
        at > userAt &&
        at < volumeAt &&
        i.keyword === "RUN" &&
        i.args.includes(`mkdir`) &&
        i.args.includes(taskVolume.runtimeDir),
    );
    assert.ok(
      creates > 0,
      `a RUN after USER ${imageUser} and before VOLUME must mkdir ${taskVolume.runtimeDir}`,
    );
    assert.ok(taskVolume.runtimeDir.startsWith(`${taskVolume.mountPath}/`));
  });
});

describe("AWS · outputs", () => {
  it("describes the ECS service for drills", async () => {
    const plan = await planStack("test", "aws");
    assert.deepEqual(plan.outputs.instanceGroup, {
      kind: "ecs-service",
      region: "us-east-1",
      cluster: "web-cluster-b96cc8c",
      service: "web-service-c22e73d",
    });
    assert.equal(plan.outputs.url, "http://web-alb-1234567890.us-east-1.elb.amazonaws.com");
  });

  it("runs the configured image instead of the stack's registry when one is given", async () => {
    const plan = await planStack("test", "aws", { image: "registry.example.com/team/web:1.0.0" });
    const [c] = json<Array<{ image: string }>>(one(plan, T.task).inputs.containerDefinitions);
    assert.equal(c.image, "registry.example.com/team/web:1.0.0");
  });
});

describe("aws: Fargate's stop timeout", () => {
  // Fargate refuses a container stopTimeout above 120 s (API_ContainerDefinition, stopTimeout).
  it("stays within 120 s at every drain the rules accept, and reaches it at the longest", () => {
    const { min, max } = serviceRules.drainingTimeoutSeconds;
    assert.ok(min !== undefined && max !== undefined, "the drain rule has bounds");
    for (let drain = min; drain <= max; drain += 1) {
      assert.ok(stopTimeoutSeconds(drain) <= 120, `drain ${drain} s: ${stopTimeoutSeconds(drain)}`);
      assert.ok(stopTimeoutSeconds(drain) >= drain + 15, `drain ${drain} s leaves under 15 s`);
    }
    assert.equal(stopTimeoutSeconds(max), 120);
  });
});
