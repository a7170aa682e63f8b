import assert from "node:assert/strict";
import { containerDefinitions } from "../../providers/aws/compute";
import { executionPolicy, PolicyDocument } from "../../providers/aws/identity";
import { tlsPolicy } from "../../providers/aws/loadBalancer";
import { mockAccount } from "../../tools/plan/mocks/types";
import { copyPlan, guardedRules, json, ofType, one, planStack, PlanResult } from "../helpers/plan";

type Plan = Pick<PlanResult, "resources">;

const account = mockAccount.awsAccountId;
const repoArn = `arn:aws:ecr:us-east-1:${account}:repository/web-repo`;
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
} as const;

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
        idleTimeout: 60,
      });
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
      const listeners = ofType(plan, T.listener).map((l) => l.inputs);
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
      assert.equal(container.image, `${account}.dkr.ecr.us-east-1.amazonaws.com/web-repo:1.0.0`);
      assert.equal(container.readonlyRootFilesystem, true);
      assert.deepEqual(container.environment, [
        { name: "DRAIN_SECONDS", value: "30" },
        { name: "NGINX_KEEPALIVE_TIMEOUT_SECONDS", value: "80" },
      ]);
      assert.equal(container.user, "1000:1000");
      assert.deepEqual(container.healthCheck.command, [
        "CMD",
        "node",
        "/app/dist/src/healthcheck.js",
      ]);
      // The drain (30 s) must end before ECS's SIGKILL.
      assert.equal(container.stopTimeout, 45);
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

    it("stores images in an immutable, scanned registry", async () => {
      const repo = one(await load(), T.repo).inputs;
      assert.equal(repo.imageTagMutability, "IMMUTABLE");
      assert.deepEqual(repo.imageScanningConfiguration, { scanOnPush: true });
      assert.equal(repo.forceDelete, !want.deletionProtection);
    });

    it("alarms on 5xx, unhealthy hosts, p95 latency and CPU, and rolls deploys back on two of them", async () => {
      const plan = await load();
      const alarms = ofType(plan, T.alarm).map(
        (a) => `${String(a.inputs.namespace)}/${String(a.inputs.metricName)}`,
      );
      assert.deepEqual(alarms.sort(), [
        "AWS/ApplicationELB/HTTPCode_ELB_5XX_Count",
        "AWS/ApplicationELB/HTTPCode_Target_5XX_Count",
        "AWS/ApplicationELB/TargetResponseTime",
        "AWS/ApplicationELB/UnHealthyHostCount",
        "AWS/ECS/CPUUtilization",
      ]);
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
          name: "the container stays up longer than the drain",
          check: (plan) => {
            const [c] = json<Array<{ stopTimeout: number }>>(
              one(plan, T.task).inputs.containerDefinitions,
            );
            assert.ok(
              c.stopTimeout > 30,
              `stopTimeout ${c.stopTimeout} must exceed the 30 s drain`,
            );
          },
          breakIt: (plan) =>
            setInputs(plan, T.task, (i) => {
              const defs = json<Array<{ stopTimeout: number }>>(i.containerDefinitions);
              defs[0].stopTimeout = 5;
              i.containerDefinitions = JSON.stringify(defs);
            }),
        },
      ]);
    });
  });
}

describe("AWS · HTTPS when a domain is set", () => {
  const load = () => planStack("prod", "aws", { domain: "www.example.com" });

  it("issues a DNS-validated certificate in the domain's hosted zone", async () => {
    const plan = await load();
    assert.deepEqual(one(plan, T.cert).inputs, {
      domainName: "www.example.com",
      validationMethod: "DNS",
    });
    const zoneLookup = plan.invokes.find((i) => i.token === "aws:route53/getZone:getZone");
    assert.deepEqual(zoneLookup?.inputs, { name: "example.com", privateZone: false });
  });

  it("serves HTTPS with a TLS 1.3-capable policy and redirects HTTP", async () => {
    const plan = await load();
    const byPort = Object.fromEntries(
      ofType(plan, T.listener).map((l) => [l.inputs.port, l.inputs]),
    );
    assert.deepEqual(Object.keys(byPort).sort(), ["443", "80"]);
    assert.equal(byPort[443].protocol, "HTTPS");
    assert.equal(byPort[443].sslPolicy, tlsPolicy);
    assert.equal(tlsPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
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
