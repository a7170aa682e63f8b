import { ResolvedServiceArgs } from "../../components/args";
import { RolloutPhase, rolloutTime, RolloutTime } from "../../components/rolloutTime";
import { ecsDrainSeconds, stopTimeoutSeconds } from "./compute";
import { targetHealthCheck } from "./loadBalancer";

/**
 * Seconds from ECS placing a Fargate task to its container serving: capacity, the task's network
 * interface, the image pull (over the S3 gateway endpoint) and the supervisor's start. AWS
 * publishes no figure; this is an estimate, the one input here that is not a setting.
 */
export const fargateTaskStartSeconds = 60;

/**
 * How many tasks ECS replaces at once. With `minimumHealthyPercent` 100 it may start
 * `floor(desired × maximumPercent / 100) − desired` extra tasks (maximumPercent is rounded down),
 * and stop `desired − ceil(desired × minimumHealthyPercent / 100)` old ones (rounded up) first.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
 */
export function ecsBatchSize(args: ResolvedServiceArgs, desired: number): number {
  const { maxSurgePercent, maxUnavailablePercent } = args.rollingUpdate;
  const extra = Math.floor((desired * (100 + maxSurgePercent)) / 100) - desired;
  const stoppable = desired - Math.ceil((desired * (100 - maxUnavailablePercent)) / 100);
  // Never below one, so the estimate stays finite for a policy that rounds to no room at all.
  return Math.max(1, Math.min(desired, extra + stoppable));
}

/**
 * The expected duration of one ECS rolling deployment of `instances` tasks (default: the stack's
 * desired count). Each batch runs four phases in order: new tasks start; the ALB marks them healthy
 * after `healthyThreshold` checks `interval` seconds apart; ECS deregisters the old tasks and waits
 * the target group's deregistration delay; then it sends SIGTERM and the image drains
 * `ecsDrainSeconds` and exits (SIGKILL would come at the stop timeout). Deregistration comes
 * before SIGTERM, so the two drains add up rather than overlap:
 * https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/load-balancer-connection-draining.html
 *
 * Not included: the bake time ECS adds after the last batch while it keeps watching the rollback
 * alarms (computed by ECS from the alarms, not settable), during which the new version already
 * serves all traffic. https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html
 */
export function awsRolloutTime(args: ResolvedServiceArgs, instances?: number): RolloutTime {
  const desired = instances ?? args.desiredInstances;
  const batch = ecsBatchSize(args, desired);
  const batches = Math.ceil(desired / batch);
  const healthy = targetHealthCheck.healthyThreshold * targetHealthCheck.interval;
  const phases: RolloutPhase[] = [];
  for (let i = 1; i <= batches; i++) {
    const count = Math.min(batch, desired - (i - 1) * batch);
    const tasks = `${count} task${count === 1 ? "" : "s"}`;
    const of = `batch ${i} of ${batches}`;
    phases.push(
      {
        label: `${of}: ${tasks} start on Fargate (network interface, image pull, boot; an estimate)`,
        seconds: fargateTaskStartSeconds,
      },
      {
        label: `${of}: the ALB sees ${targetHealthCheck.healthyThreshold} passing health checks ${targetHealthCheck.interval} s apart`,
        seconds: healthy,
      },
      {
        label: `${of}: ${count} old ${count === 1 ? "task is" : "tasks are"} deregistered; the ALB drains for the deregistration delay`,
        seconds: args.drainingTimeoutSeconds,
      },
      {
        label: `${of}: SIGTERM; the image drains ${ecsDrainSeconds} s and exits (SIGKILL at ${stopTimeoutSeconds(ecsDrainSeconds)} s)`,
        seconds: ecsDrainSeconds,
      },
    );
  }
  return rolloutTime(desired, phases);
}
