import { clouds, instanceSizes } from "./cloud";
import { ResolvedServiceArgs } from "./args";

/**
 * The ranges the component holds its args to. The stack keys' ranges in stacks/schema.ts are built
 * from these, so each bound is written once.
 */
export const serviceLimits = {
  // Two, so losing one instance keeps serving.
  minInstances: { min: 2 },
  // At least 10 s: a load balancer that finds departures by probing (Azure probes every 5 s, two
  // failures) must stop sending before the instance stops serving. At most 105 s: Fargate kills a
  // container 120 s after SIGTERM, and the drain must finish before that.
  drainingTimeoutSeconds: { min: 10, max: 105 },
  rollingPercent: { min: 0, max: 100 },
  rollingMinReadySeconds: { min: 0, max: 3600 },
  // Retention values every cloud accepts.
  logRetentionDays: {
    oneOf: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653],
  },
} as const;

/**
 * Checks the resolved args before any child is registered. Returns every problem, each naming the
 * field, the value given and what would be accepted; an empty list means the args are valid.
 * Exported so tests can assert the exact messages.
 */
export function validateServiceArgs(args: ResolvedServiceArgs): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  expect(
    (clouds as readonly string[]).includes(args.cloud),
    `cloud: expected one of ${clouds.join(", ")}; got ${JSON.stringify(args.cloud)}`,
  );
  expect(
    args.zones.length >= 2,
    `zones: expected at least 2 zones for high availability; got ${args.zones.length}`,
  );
  expect(
    new Set(args.zones).size === args.zones.length,
    `zones: expected distinct zones; got ${JSON.stringify(args.zones)}`,
  );
  expect(
    Number.isInteger(args.minInstances) && args.minInstances >= serviceLimits.minInstances.min,
    `minInstances: expected a whole number of at least ${serviceLimits.minInstances.min}, so losing one instance keeps serving; got ${args.minInstances}`,
  );
  expect(
    args.minInstances <= args.desiredInstances && args.desiredInstances <= args.maxInstances,
    `desiredInstances: expected minInstances <= desiredInstances <= maxInstances; got ${args.minInstances} <= ${args.desiredInstances} <= ${args.maxInstances}`,
  );
  expect(
    (instanceSizes as readonly string[]).includes(args.instanceSize),
    `instanceSize: expected one of ${instanceSizes.join(", ")}; got ${JSON.stringify(args.instanceSize)}`,
  );
  expect(
    Number.isInteger(args.containerPort) &&
      args.containerPort >= 1024 &&
      args.containerPort <= 65535,
    `containerPort: expected an unprivileged port 1024-65535 (the image runs as non-root); got ${args.containerPort}`,
  );
  expect(
    /^\/[A-Za-z0-9._~/-]*$/.test(args.healthCheckPath),
    `healthCheckPath: expected an absolute URL path such as "/healthz"; got ${JSON.stringify(args.healthCheckPath)}`,
  );
  const drain = serviceLimits.drainingTimeoutSeconds;
  expect(
    Number.isInteger(args.drainingTimeoutSeconds) &&
      args.drainingTimeoutSeconds >= drain.min &&
      args.drainingTimeoutSeconds <= drain.max,
    `drainingTimeoutSeconds: expected a whole number ${drain.min}-${drain.max} (load balancers need 10 s to notice a departure; Fargate kills a container 120 s after SIGTERM, and the image needs 15 s after its drain); got ${args.drainingTimeoutSeconds}`,
  );
  const rolling = args.rollingUpdate;
  const { min: lowest, max: highest } = serviceLimits.rollingPercent;
  expect(
    rolling.maxSurgePercent >= lowest && rolling.maxSurgePercent <= highest,
    `rollingMaxSurgePercent (rollingUpdate.maxSurgePercent): expected ${lowest}-${highest}; got ${rolling.maxSurgePercent}`,
  );
  expect(
    rolling.maxUnavailablePercent >= lowest && rolling.maxUnavailablePercent <= highest,
    `rollingMaxUnavailablePercent (rollingUpdate.maxUnavailablePercent): expected ${lowest}-${highest}; got ${rolling.maxUnavailablePercent}`,
  );
  expect(
    rolling.maxSurgePercent > 0 || rolling.maxUnavailablePercent > 0,
    `rollingMaxSurgePercent, rollingMaxUnavailablePercent (rollingUpdate.maxSurgePercent, maxUnavailablePercent): expected one of them above 0, or no rollout can make progress; got both 0`,
  );
  const ready = serviceLimits.rollingMinReadySeconds;
  expect(
    rolling.minReadySeconds >= ready.min && rolling.minReadySeconds <= ready.max,
    `rollingMinReadySeconds (rollingUpdate.minReadySeconds): expected ${ready.min}-${ready.max}; got ${rolling.minReadySeconds}`,
  );
  const retention: readonly number[] = serviceLimits.logRetentionDays.oneOf;
  expect(
    retention.includes(args.logRetentionDays),
    `logRetentionDays: expected one of ${retention.join(", ")} (the values every cloud accepts); got ${args.logRetentionDays}`,
  );
  if (args.cloud === "gcp") {
    expect(
      !!args.gcpProject,
      `gcpProject: expected a GCP project id when cloud is gcp (set gcp:project); got nothing`,
    );
  }
  return problems;
}
