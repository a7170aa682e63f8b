/** The AWS plan (ECS on Fargate behind an ALB) as an architecture diagram. */
import { PlannedService } from "../../components/cloudHome";
import { listenerText, topologyOf } from "../../tools/plan/topology";
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

/**
 * Zones, counts, task size, listeners, health check and scaling range come from the neutral
 * topology; the network layout, stores and grants from the resources, which the topology does not
 * describe (subnet masks, NAT placement, the policy documents naming the repository and log group).
 */
export function awsDiagram(plan: PlannedService): Diagram {
  const r = plan.resources;
  const t = topologyOf(plan);
  const vpc = first(r, T.vpc)?.inputs ?? {};
  const zones = t.zones;
  const perZoneNat = at(vpc, "natGateways", "strategy") === "OnePerAz";
  const subnetMask = (type: string) =>
    num(
      list(vpc.subnetSpecs)
        .map((s) => s as Record<string, unknown>)
        .find((s) => s.type === type)?.cidrMask,
    );

  const alb = first(r, T.alb);
  // The topology's listeners are the public ones: not the attach listener, a port no rule opens,
  // which exists only so ECS accepts the target group (providers/aws/loadBalancer.ts).
  const counts = spreadOverZones(t.instances.desired, zones);
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
    `listeners ${t.loadBalancer.listeners.map(listenerText).join(", ")}`,
    `health check ${t.healthCheck.path} every ${t.healthCheck.intervalSeconds} s`,
  );
  const natZones = new Set(perZoneNat ? zones : zones.slice(0, 1));
  const zoneGroups: Group[] = zones.map((zone, index) =>
    group(nodeId("zone", zone), zone, [
      node(
        nodeId("task", zone),
        "rect",
        `Fargate task ×${counts[index]}`,
        `private subnet /${String(subnetMask("Private"))}`,
        `${t.instances.machineType} · :${t.instances.containerPort}`,
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
      `Application Auto Scaling ${t.instances.min}–${t.instances.max} tasks`,
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
    ...t.loadBalancer.listeners.map((l): Edge => ({
      from: "internet",
      to: albId,
      label: listenerText(l),
      kind: "traffic",
    })),
    ...zones.map((zone): Edge => ({
      from: albId,
      to: nodeId("task", zone),
      label: `${String(first(r, T.tg)?.inputs.protocol)} :${t.instances.containerPort}`,
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
