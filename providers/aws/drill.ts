/**
 * An ECS service seen through the AWS CLI, for the drills: the instances with their load balancer's verdict, the live size, and
 * removing one so the group must replace it. Why these signals: tools/drill/clouds.ts.
 */
import { InstanceGroupDescriptor } from "../../components/cloudHome";
import { CloudGroup, Exec, lastSegment, ofKind, parseJson } from "../../tools/drill/clouds";

interface EcsTask {
  readonly taskArn: string;
  readonly lastStatus?: string;
  readonly healthStatus?: string;
  readonly availabilityZone?: string;
  readonly containers?: readonly { readonly image?: string }[];
  readonly attachments?: readonly {
    readonly type?: string;
    readonly details?: readonly { readonly name?: string; readonly value?: string }[];
  }[];
}

interface EcsService {
  readonly desiredCount?: number;
  readonly loadBalancers?: readonly { readonly targetGroupArn?: string }[];
}

interface TargetHealthDescription {
  readonly Target?: { readonly Id?: string; readonly Port?: number };
  readonly TargetHealth?: { readonly State?: string; readonly Reason?: string };
}

/** The task's address in its awsvpc interface: what the ALB registers as the target's id. */
function taskIp(task: EcsTask): string | undefined {
  const eni = task.attachments?.find((a) => a.type === "ElasticNetworkInterface");
  return eni?.details?.find((d) => d.name === "privateIPv4Address")?.value;
}

export function ecsGroup(descriptor: InstanceGroupDescriptor, exec: Exec): CloudGroup {
  const group = ofKind(descriptor, "ecs-service");
  const where = ["--region", group.region, "--cluster", group.cluster];
  const arns = new Map<string, string>();
  const describeService = async (): Promise<EcsService> => {
    const described = parseJson<{ services?: EcsService[] }>(
      await exec("aws", [
        "ecs",
        "describe-services",
        ...where,
        "--services",
        group.service,
        "--output",
        "json",
      ]),
      "aws ecs describe-services",
    );
    const service = described.services?.[0];
    if (service === undefined)
      throw new Error(`aws ecs describe-services: no service ${group.service}`);
    return service;
  };
  const targetHealth = async (targetGroupArn: string): Promise<Map<string, string>> => {
    const answer = parseJson<{ TargetHealthDescriptions?: TargetHealthDescription[] }>(
      await exec("aws", [
        "elbv2",
        "describe-target-health",
        "--region",
        group.region,
        "--target-group-arn",
        targetGroupArn,
        "--output",
        "json",
      ]),
      "aws elbv2 describe-target-health",
    );
    return new Map(
      (answer.TargetHealthDescriptions ?? []).map((d) => [
        d.Target?.Id ?? "",
        d.TargetHealth?.State ?? "?",
      ]),
    );
  };
  return {
    description: `ECS service ${group.service} in cluster ${group.cluster} (${group.region})`,
    healthSignal: "the task is RUNNING and its IP is `healthy` in the ALB target group",
    async list() {
      const listed = parseJson<{ taskArns?: string[] }>(
        await exec("aws", [
          "ecs",
          "list-tasks",
          ...where,
          "--service-name",
          group.service,
          "--desired-status",
          "RUNNING",
          "--output",
          "json",
        ]),
        "aws ecs list-tasks",
      );
      const taskArns = listed.taskArns ?? [];
      if (taskArns.length === 0) return [];
      // describe-tasks takes at most 100 tasks; a service this project deploys has at most 100.
      const described = parseJson<{ tasks?: EcsTask[] }>(
        await exec("aws", [
          "ecs",
          "describe-tasks",
          ...where,
          "--tasks",
          ...taskArns.slice(0, 100),
          "--output",
          "json",
        ]),
        "aws ecs describe-tasks",
      );
      const targetGroupArn = (await describeService()).loadBalancers?.[0]?.targetGroupArn;
      if (targetGroupArn === undefined) {
        throw new Error(`aws ecs describe-services: ${group.service} has no target group`);
      }
      const inAlb = await targetHealth(targetGroupArn);
      return (described.tasks ?? []).map((task) => {
        const id = lastSegment(task.taskArn);
        arns.set(id, task.taskArn);
        const image = task.containers?.[0]?.image;
        const tag = image?.includes(":") ? image.slice(image.lastIndexOf(":") + 1) : undefined;
        const ip = taskIp(task);
        const alb = ip === undefined ? "not registered" : (inAlb.get(ip) ?? "not registered");
        return {
          id,
          healthy: task.lastStatus === "RUNNING" && alb === "healthy",
          zone: task.availabilityZone,
          version: tag,
          detail: `${task.lastStatus ?? "?"}/${task.healthStatus ?? "?"}/alb ${alb}`,
        };
      });
    },
    async desiredSize() {
      const desired = (await describeService()).desiredCount;
      if (typeof desired !== "number")
        throw new Error("aws ecs describe-services: no desiredCount");
      return desired;
    },
    async remove(instance) {
      const arn = arns.get(instance.id) ?? instance.id;
      await exec("aws", [
        "ecs",
        "stop-task",
        ...where,
        "--task",
        arn,
        "--reason",
        "drill: self-heal (npm run drill)",
        "--output",
        "json",
      ]);
      return `aws ecs stop-task ${instance.id}: the service starts a replacement`;
    },
  };
}
