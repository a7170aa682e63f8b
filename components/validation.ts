import { clouds, instanceSizes } from "./cloud";
import { ResolvedServiceArgs } from "./args";
import { cloudHome } from "../providers/registry";

/**
 * What a rule accepts, where bounds can say it. The settings table (stacks/schema.ts) takes a
 * rule's bounds for its key, so the stack's check, the README's "Accepted" column and the
 * component's check read the same numbers.
 */
export interface Bounds {
  /** Inclusive bounds of a whole number. */
  readonly min?: number;
  readonly max?: number;
  /** The only values accepted. */
  readonly oneOf?: readonly (string | number)[];
  /** Why the rule is what it is; messages say it after what is accepted. */
  readonly why?: string;
}

/**
 * One rule of the component's contract, checked once per layer from this one row: by the settings
 * on the stack key the user set (`ha-web-service:minInstances: ...`), and by the component on its
 * resolved arg (`minInstances: ...`). A rule is its bounds, or a `check` with the words `expected`
 * for what bounds cannot state (rules between keys).
 */
export interface ServiceRule extends Bounds {
  /** The component arg(s) its message names, as paths into the resolved args. */
  readonly fields: readonly string[];
  /**
   * The stack key(s) that set them, as the settings' message names them (`ns:key` for a key of
   * another namespace, such as `gcp:project`); none when no stack key does.
   */
  readonly keys?: readonly string[];
  readonly value: (args: ResolvedServiceArgs) => unknown;
  readonly check?: (value: unknown, args: ResolvedServiceArgs) => boolean;
  readonly expected?: (args: ResolvedServiceArgs) => string;
  /** How the value is shown after "got"; JSON by default. */
  readonly shown?: (value: unknown) => string;
}

/** The words for what bounds accept, with the reason when there is one. */
export function expectation(bounds: Bounds): string {
  const accepted =
    bounds.oneOf !== undefined
      ? `one of ${bounds.oneOf.join(", ")}`
      : bounds.max === undefined
        ? `a whole number of at least ${bounds.min ?? 0}`
        : `a whole number from ${bounds.min ?? 0} to ${bounds.max}`;
  return bounds.why === undefined ? accepted : `${accepted} (${bounds.why})`;
}

export function withinBounds(bounds: Bounds, value: unknown): boolean {
  if (bounds.oneOf !== undefined) return bounds.oneOf.includes(value as string | number);
  return (
    Number.isInteger(value) &&
    (value as number) >= (bounds.min ?? 0) &&
    (value as number) <= (bounds.max ?? Number.MAX_SAFE_INTEGER)
  );
}

/** Every message has this shape: the name, what is accepted, the value given. */
export function problem(name: string, expected: string, got: string): string {
  return `${name}: expected ${expected}; got ${got}`;
}

/** The rule's message for these args under `name`, or `undefined` when the args keep it. */
export function ruleProblem(
  rule: ServiceRule,
  args: ResolvedServiceArgs,
  name: string,
): string | undefined {
  const value = rule.value(args);
  if (rule.check === undefined ? withinBounds(rule, value) : rule.check(value, args)) {
    return undefined;
  }
  const expected = rule.expected?.(args) ?? expectation(rule);
  return problem(name, expected, (rule.shown ?? JSON.stringify)(value));
}

/** A rule on the arg that the stack key of the same name sets. */
const onArg = (field: keyof ResolvedServiceArgs, bounds: Bounds): ServiceRule => ({
  fields: [field],
  keys: [field],
  value: (args) => args[field],
  ...bounds,
});

const instances = { min: 2, max: 100 } as const;

/**
 * The component's rules, one row each. The cloud's own rules that need no SDK are its home's
 * `rules` (`CloudHome`), in the same form; the limits of a cloud's deploy code are its `validate`.
 */
export const serviceRules = {
  cloud: { fields: ["cloud"], keys: ["cloud"], value: (args) => args.cloud, oneOf: clouds },
  zoneCount: {
    fields: ["zones"],
    value: (args) => args.zones.length,
    min: 2,
    expected: () => "at least 2 zones for high availability",
  },
  distinctZones: {
    fields: ["zones"],
    value: (args) => args.zones,
    check: (zones) => new Set(zones as string[]).size === (zones as string[]).length,
    expected: () => "distinct zones",
  },
  instanceSize: {
    fields: ["instanceSize"],
    keys: ["instanceSize"],
    value: (args) => args.instanceSize,
    oneOf: instanceSizes,
  },
  minInstances: onArg("minInstances", {
    ...instances,
    why: "so losing one instance keeps serving",
  }),
  desiredInstances: onArg("desiredInstances", instances),
  maxInstances: onArg("maxInstances", instances),
  minAtMostMax: {
    fields: ["minInstances"],
    keys: ["minInstances"],
    value: (args) => args.minInstances,
    check: (min, args) => (min as number) <= args.maxInstances,
    expected: (args) => `at most maxInstances (${args.maxInstances})`,
  },
  // Reported only when min and max agree, so one mistake gives one message.
  desiredBetween: {
    fields: ["desiredInstances"],
    keys: ["desiredInstances"],
    value: (args) => args.desiredInstances,
    check: (desired, { minInstances: min, maxInstances: max }) =>
      min > max || (min <= (desired as number) && (desired as number) <= max),
    expected: (args) =>
      `between minInstances (${args.minInstances}) and maxInstances (${args.maxInstances})`,
  },
  containerPort: {
    fields: ["containerPort"],
    value: (args) => args.containerPort,
    min: 1024,
    max: 65535,
    why: "an unprivileged port: the image runs as non-root",
  },
  healthCheckPath: {
    fields: ["healthCheckPath"],
    value: (args) => args.healthCheckPath,
    check: (path) => /^\/[A-Za-z0-9._~/-]*$/.test(path as string),
    expected: () => 'an absolute URL path such as "/healthz"',
  },
  // At least 10 s: a load balancer that finds departures by probing (Azure probes every 5 s, two
  // failures: providers/azure/loadBalancer.ts) must stop sending before the instance stops
  // serving. At most 105 s: Fargate kills a container at most 120 s after SIGTERM (stopTimeout,
  // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html), and
  // the drain plus the image's 15 s must end before that (tests/aws/aws.test.ts holds the cap).
  drainingTimeoutSeconds: onArg("drainingTimeoutSeconds", {
    min: 10,
    max: 105,
    why: "load balancers need 10 s to notice a departure; Fargate kills a container 120 s after SIGTERM, and the image needs 15 s after its drain",
  }),
  rollingMaxSurgePercent: {
    fields: ["rollingUpdate.maxSurgePercent"],
    keys: ["rollingMaxSurgePercent"],
    value: (args) => args.rollingUpdate.maxSurgePercent,
    min: 0,
    max: 100,
  },
  rollingMaxUnavailablePercent: {
    fields: ["rollingUpdate.maxUnavailablePercent"],
    keys: ["rollingMaxUnavailablePercent"],
    value: (args) => args.rollingUpdate.maxUnavailablePercent,
    min: 0,
    max: 100,
  },
  rollingProgress: {
    fields: ["rollingUpdate.maxSurgePercent", "rollingUpdate.maxUnavailablePercent"],
    keys: ["rollingMaxSurgePercent", "rollingMaxUnavailablePercent"],
    value: (args) => args.rollingUpdate,
    check: (_value, { rollingUpdate: r }) => r.maxSurgePercent > 0 || r.maxUnavailablePercent > 0,
    expected: () => "one of them above 0, or no rollout can make progress",
    shown: () => "both 0",
  },
  rollingMinReadySeconds: {
    fields: ["rollingUpdate.minReadySeconds"],
    keys: ["rollingMinReadySeconds"],
    value: (args) => args.rollingUpdate.minReadySeconds,
    min: 0,
    max: 3600,
  },
  logRetentionDays: onArg("logRetentionDays", {
    oneOf: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653],
    why: "the values every cloud accepts",
  }),
} as const satisfies Record<string, ServiceRule>;

/** The bounds of a rule, for its key's row in the settings table (types kept, for `ConfigValues`). */
export function boundsOf<R extends Bounds>(rule: R): Pick<R, Extract<keyof R, keyof Bounds>> {
  const { min, max, oneOf, why } = rule;
  return Object.fromEntries(
    Object.entries({ min, max, oneOf, why }).filter(([, v]) => v !== undefined),
  ) as Pick<R, Extract<keyof R, keyof Bounds>>;
}

/** The rules that hold on `cloud`: the component's, then its home's. */
export function rulesFor(cloud: string): ServiceRule[] {
  const shared: ServiceRule[] = Object.values(serviceRules);
  return (clouds as readonly string[]).includes(cloud)
    ? [...shared, ...cloudHome(cloud).rules]
    : shared;
}

/**
 * Checks the resolved args before any child is registered. Returns every problem, each naming the
 * field, the value given and what would be accepted; an empty list means the args are valid.
 * Exported so tests can assert the exact messages.
 */
export function validateServiceArgs(args: ResolvedServiceArgs): string[] {
  return rulesFor(args.cloud).flatMap(
    (rule) => ruleProblem(rule, args, rule.fields.join(", ")) ?? [],
  );
}
