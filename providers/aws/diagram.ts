/** The AWS plan (ECS on Fargate behind an ALB) as an architecture diagram. */
import { PlanResult } from "../../tools/plan/run";
import {
  at,
  first,
  json,
  list,
  num,
  ofType,
  Resources,
  str,
  strings,
} from "../../tools/verify/resources";
import {
  Diagram,
  Edge,
  group,
  Group,
  node,
  Node,
  nodeId,
  shortName,
  spreadOverZones,
} from "../../tools/diagram/model";
import { awsTypes as T } from "./resourceTypes";

/** Verbs for the actions the program grants; anything else is shown by its action name. */
const verbs: Record<string, string> = {
  "ecr:GetAuthorizationToken": "log in",
  "ecr:BatchGetImage": "pull",
  "ecr:GetDownloadUrlForLayer": "pull",
  "ecr:BatchCheckLayerAvailability": "pull",
  "logs:CreateLogStream": "write",
  "logs:PutLogEvents": "write",
};

function listenerLabel(listener: Record<string, unknown>): string {
  const action = str(at(listener, "defaultActions", 0, "type"));
  const base = `${String(listener.protocol)} :${String(listener.port)}`;
  return action === "redirect" ? `${base} → redirect` : base;
}

/** What a role may do, per target node: "log in, pull web-repo". */
function grantsOf(
  resources: Resources,
  role: { name: string },
  targets: Record<string, string>,
): Edge[] {
  const byTarget = new Map<string, Set<string>>();
  for (const policy of ofType(resources, T.rolePolicy)) {
    if (policy.inputs.role !== `${role.name}-id` && policy.inputs.role !== role.name) continue;
    for (const statement of list(at(json(policy.inputs.policy), "Statement"))) {
      if (at(statement, "Effect") !== "Allow") continue;
      const actions = strings(at(statement, "Action")).concat(str(at(statement, "Action")) ?? []);
      const resourcesOf = strings(at(statement, "Resource")).concat(
        str(at(statement, "Resource")) ?? [],
      );
      for (const action of actions) {
        const service = action.split(":")[0];
        const target = targets[service];
        if (target === undefined) continue;
        const names = [...new Set(resourcesOf.filter((r) => r !== "*").map(shortName))];
        const verb = verbs[action] ?? action;
        const text = names.length > 0 ? `${verb} ${names[0]}` : verb;
        byTarget.set(target, (byTarget.get(target) ?? new Set()).add(text));
      }
    }
  }
  return [...byTarget].map(([to, labels]) => ({
    from: nodeId("role", role.name),
    to,
    label: [...labels].join(", "),
    kind: "permission",
  }));
}

export function awsDiagram(plan: Pick<PlanResult, "stack" | "resources">): Diagram {
  const r = plan.resources;
  const vpc = first(r, T.vpc)?.inputs ?? {};
  const zones = strings(vpc.availabilityZoneNames);
  const perZoneNat = at(vpc, "natGateways", "strategy") === "OnePerAz";
  const subnetMask = (type: string) =>
    num(
      list(vpc.subnetSpecs)
        .map((s) => s as Record<string, unknown>)
        .find((s) => s.type === type)?.cidrMask,
    );

  const alb = first(r, T.alb);
  const tg = first(r, T.tg)?.inputs ?? {};
  // Only listeners on a port the internet may reach: the attach listener (a port no rule opens)
  // exists only so ECS accepts the target group (providers/aws/loadBalancer.ts).
  const openPorts = new Set(
    ofType(r, T.ingress)
      .filter((i) => i.inputs.cidrIpv4 === "0.0.0.0/0")
      .map((i) => num(i.inputs.fromPort)),
  );
  const listeners = ofType(r, T.listener)
    .map((l) => l.inputs)
    .filter((l) => openPorts.has(num(l.port)));
  const service = first(r, T.service);
  const task = first(r, T.task)?.inputs ?? {};
  const desired = num(service?.inputs.desiredCount) ?? 0;
  const counts = spreadOverZones(desired, zones);
  const vcpu = (num(task.cpu) ?? 0) / 1024;
  const memoryGb = (num(task.memory) ?? 0) / 1024;
  const egressPorts = ofType(r, T.egress)
    .filter((e) => e.inputs.cidrIpv4 === "0.0.0.0/0")
    .map((e) => `:${String(e.inputs.fromPort)}`);

  // The ALB spans the public subnet of every zone, so it sits in the VPC beside the zones. Each
  // zone shows its private subnet (tasks) and, with a NAT per zone, its own NAT gateway; a single
  // NAT sits in the first zone, and the other zones' egress crosses to it.
  const albId = nodeId("lb", alb?.name ?? "alb");
  const albNode = node(
    albId,
    "stadium",
    `Application Load Balancer ${alb?.name ?? ""}`.trim(),
    `listeners ${listeners.map(listenerLabel).join(", ")}`,
    `health check ${String(at(tg, "healthCheck", "path"))} every ${String(at(tg, "healthCheck", "interval"))} s`,
  );
  const natZones = new Set(perZoneNat ? zones : zones.slice(0, 1));
  const zoneGroups: Group[] = zones.map((zone, index) =>
    group(nodeId("zone", zone), zone, [
      node(
        nodeId("task", zone),
        "rect",
        `Fargate task ×${counts[index]}`,
        `private subnet /${String(subnetMask("Private"))}`,
        `${vcpu} vCPU · ${memoryGb} GB · :${String(tg.port)}`,
      ),
      ...(natZones.has(zone)
        ? [
            node(
              nodeId("nat", zone),
              "rect",
              "NAT gateway",
              `public subnet /${String(subnetMask("Public"))}`,
            ),
          ]
        : []),
    ]),
  );
  const network = group(
    "vpc",
    `VPC ${String(vpc.cidrBlock)} · ${zones.length} zones`,
    [],
    [
      group("public_subnets", `public subnets /${String(subnetMask("Public"))}`, [albNode]),
      ...zoneGroups,
    ],
  );

  const repo = first(r, T.repo);
  const logGroup = first(r, T.logGroup);
  const alarms = ofType(r, T.alarm);
  const topic = first(r, T.topic);
  const emails = ofType(r, T.subscription).map((s) => String(s.inputs.endpoint));
  const scaling = first(r, T.scaling)?.inputs ?? {};
  const scalingMetrics = ofType(r, T.scalingPolicy).map((p) =>
    String(
      at(
        p.inputs,
        "targetTrackingScalingPolicyConfiguration",
        "predefinedMetricSpecification",
        "predefinedMetricType",
      ),
    ),
  );
  const ids = {
    ecr: "registry",
    logs: "logs",
    alarms: "alarms",
    scaling: "autoscaling",
    logBucket: "log_bucket",
  };
  const logBucket = first(r, T.logBucket);
  const logExpiryDays = at(first(r, T.logExpiry)?.inputs, "rules", 0, "expiration", "days");
  const flowLog = first(r, T.flowLog);
  const services = group("regional_services", "regional services", [
    repo
      ? node(
          ids.ecr,
          "cylinder",
          `ECR ${repo.name}`,
          [
            repo.inputs.imageTagMutability === "IMMUTABLE" ? "immutable tags" : "mutable tags",
            at(repo.inputs, "imageScanningConfiguration", "scanOnPush") === true
              ? "scan on push"
              : "",
          ]
            .filter(Boolean)
            .join(" · "),
        )
      : // The account's shared repository: bootstrap/ creates it, the stack only pulls from it.
        node(
          ids.ecr,
          "cylinder",
          "ECR shared repository",
          "created by the bootstrap, not the stack",
        ),
    node(
      ids.logs,
      "cylinder",
      `CloudWatch Logs ${logGroup?.name ?? ""}`,
      `kept ${String(logGroup?.inputs.retentionInDays)} days`,
    ),
    ...(logBucket
      ? [
          node(
            ids.logBucket,
            "cylinder",
            `S3 ${logBucket.name}`,
            `ALB access logs${flowLog ? ", VPC flow logs" : ""}`,
            `kept ${String(logExpiryDays)} days`,
          ),
        ]
      : []),
    node(
      ids.alarms,
      "subroutine",
      `CloudWatch alarms ×${alarms.length}`,
      `→ SNS ${topic?.name ?? ""}${emails.length > 0 ? ` → ${emails.join(", ")}` : " (no subscriber)"}`,
    ),
    node(
      ids.scaling,
      "subroutine",
      `Application Auto Scaling ${String(scaling.minCapacity)}–${String(scaling.maxCapacity)} tasks`,
      `on ${scalingMetrics.join(", ")}`,
    ),
  ]);

  const taskDefinition = first(r, T.task)?.inputs ?? {};
  const roles = ofType(r, T.role);
  const trustedBy = [
    ...new Set(
      roles.flatMap((role) =>
        list(at(json(role.inputs.assumeRolePolicy), "Statement")).map((s) =>
          String(at(s, "Principal", "Service")),
        ),
      ),
    ),
  ];
  const roleNodes: Node[] = roles.map((role) => {
    const arnSuffix = `:role/${role.name}`;
    const use = String(taskDefinition.executionRoleArn).endsWith(arnSuffix)
      ? "execution role: the ECS agent"
      : String(taskDefinition.taskRoleArn).endsWith(arnSuffix)
        ? "task role: the application"
        : "unused by the task";
    const hasPolicy = ofType(r, T.rolePolicy).some((p) => p.inputs.role === `${role.name}-id`);
    return node(
      nodeId("role", role.name),
      "hexagon",
      `role ${role.name}`,
      use,
      ...(hasPolicy ? [] : ["no permissions"]),
    );
  });
  const thisAccountOnly = roles.every((role) =>
    list(at(json(role.inputs.assumeRolePolicy), "Statement")).every(
      (s) => at(s, "Condition", "StringEquals", "aws:SourceAccount") !== undefined,
    ),
  );
  const identity = group(
    "iam",
    `IAM · roles assumable by ${trustedBy.join(", ")}${thisAccountOnly ? " of this account only" : ""}`,
    roleNodes,
  );

  const targets = { ecr: ids.ecr, logs: ids.logs };
  const edges: Edge[] = [
    ...listeners.map((l): Edge => ({
      from: "internet",
      to: albId,
      label: listenerLabel(l),
      kind: "traffic",
    })),
    ...zones.map((zone): Edge => ({
      from: albId,
      to: nodeId("task", zone),
      label: `${String(tg.protocol)} :${String(tg.port)}`,
      kind: "traffic",
    })),
    ...zones.map((zone): Edge => ({
      from: nodeId("task", zone),
      to: nodeId("nat", perZoneNat ? zone : zones[0]),
      label: `egress ${egressPorts.join(", ")}`,
      kind: "traffic",
    })),
    ...roles.flatMap((role) => grantsOf(r, role, targets)),
    ...(logBucket && alb?.inputs.accessLogs
      ? [{ from: albId, to: ids.logBucket, label: "access logs", kind: "control" } as Edge]
      : []),
  ];

  return {
    title: `aws · ${plan.stack}`,
    nodes: [node("internet", "circle", "Internet")],
    groups: [network, services, identity],
    edges,
  };
}
