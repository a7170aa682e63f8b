/**
 * How each cloud's load balancer behaves, as far as the rehearsal's nginx can act it out: one
 * table, each value with the page it rests on. tests/rehearsal/cloudModes.test.ts checks the
 * health-check and idle numbers against the provider modules (which load the cloud SDKs, so they
 * are repeated here rather than imported) and renders each mode to a configuration `nginx -t`
 * accepts; the drills and the keepalive test show each property's effect.
 */
import { Cloud, clouds } from "../../components/cloud";

/** A value and the documentation (or provider source) it comes from. */
export interface Cited<T> {
  readonly value: T;
  readonly source: string;
}

const cite = <T>(value: T, source: string): Cited<T> => ({ value, source });

/** When the load balancer sends a failed request to another instance. */
export interface RetryPolicy {
  /** Attempts in all, the first included: 1 means never retried. */
  readonly attempts: number;
  /**
   * What is retried: `connect-failure` (the instance refused or did not accept the connection),
   * `gateway-error` (502/503/504, a reset or a timeout after the request was sent).
   */
  readonly on: readonly ("connect-failure" | "gateway-error")[];
}

export interface HealthCheckNumbers {
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

export interface CloudMode {
  readonly cloud: Cloud;
  /** What is being imitated, for reports. */
  readonly loadBalancer: string;
  /**
   * 7: the load balancer ends the client's HTTP connection and sends requests over its own
   * connections to the instances; draining stops new requests and lets in-flight ones finish.
   * 4: it forwards TCP connections (flows); draining is the probe going down, after which new
   * connections go elsewhere while existing ones live on until closed or idle.
   */
  readonly layer: Cited<4 | 7>;
  readonly retry: Cited<RetryPolicy>;
  /**
   * Layer 7: how long the load balancer keeps an idle connection to an instance for reuse.
   * Layer 4: how long an idle flow lives.
   */
  readonly backendIdleTimeoutSeconds: Cited<number>;
  /**
   * Layer 7: how long the load balancer waits for an instance's response before answering 504
   * itself (then retrying, where it retries). Layer 4: unused; a flow has no request.
   */
  readonly requestTimeoutSeconds: Cited<number>;
  /** Whether the load balancer reuses its connections to an instance for later requests. */
  readonly connectionReuse: Cited<boolean>;
  /** The check that takes an instance out of (and puts it into) the load balancer. */
  readonly healthCheck: Cited<HealthCheckNumbers>;
  /**
   * Whether a replaced instance is first drained by the load balancer for the stack's
   * `drainingTimeoutSeconds` in full, and only then told to stop (SIGTERM, after which the image
   * drains again for its own DRAIN_SECONDS). False: SIGTERM as soon as it is out of the load
   * balancer, one drain.
   */
  readonly lbDrainsBeforeStop: Cited<boolean>;
  /**
   * How a rolling update proceeds: `surge`, as many new instances as the surge allows at once
   * (the rehearsal's default), or `batches`, Azure's rolling upgrade: `maxBatchInstancePercent`
   * of the group at a time, the next batch after the old ones are gone and
   * `pauseTimeBetweenBatches`, with no ready time before the new ones take traffic.
   */
  readonly rolling: Cited<"surge" | "batches">;
  /** What the rehearsal does not reproduce, said in every report of this mode. */
  readonly notMimicked: readonly string[];
}

const awsIdle =
  "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout";
const gcpConnections =
  "https://cloud.google.com/load-balancing/docs/https/request-distribution#how_connections_work";
const azureProbes =
  "https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview";

/** The one table. Scaled by `timeScale` (timing.ts) where the rehearsal uses a duration. */
export const cloudModes: Readonly<Record<Cloud, CloudMode>> = {
  aws: {
    cloud: "aws",
    loadBalancer: "Application Load Balancer (ECS Fargate targets)",
    layer: cite(
      7,
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/introduction.html",
    ),
    // The ALB answers 502 when a target fails a request it was sent, instead of trying another
    // target: the idle-timeout page describes exactly that for a reused connection.
    retry: cite({ attempts: 1, on: [] }, awsIdle),
    // providers/aws/loadBalancer.ts sets idleTimeout: 60 (the default); it applies to target
    // connections too.
    backendIdleTimeoutSeconds: cite(60, awsIdle),
    // A target that sends nothing for the idle timeout gets the request a 504.
    requestTimeoutSeconds: cite(60, awsIdle),
    connectionReuse: cite(true, awsIdle),
    // providers/aws/loadBalancer.ts targetHealthCheck.
    healthCheck: cite(
      { intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html",
    ),
    // ECS deregisters a task (the ALB drains the deregistration delay) and only then sends
    // SIGTERM; here the two drains are one, of the deregistration delay (see notMimicked).
    lbDrainsBeforeStop: cite(
      false,
      "https://docs.aws.amazon.com/AmazonECS/latest/bestpracticesguide/load-balancer-connection-draining.html",
    ),
    rolling: cite(
      "surge",
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html",
    ),
    notMimicked: [
      "ECS stops a replaced task after the ALB's deregistration delay, and the task then drains its own 5 s (ecsDrainSeconds); here the task drains the deregistration delay once, after leaving the load balancer",
      "ECS replaces a task the ALB marks unhealthy; here the same check both takes it out of the load balancer and replaces it",
      "the ALB fails open (routes to every target) when all are unhealthy; nginx answers 502",
      "health-check timeouts are not scaled below 500 ms, so a check fails later than the scaled cloud's would",
    ],
  },
  gcp: {
    cloud: "gcp",
    loadBalancer: "global external Application Load Balancer (EXTERNAL_MANAGED, regional MIG)",
    layer: cite(7, "https://cloud.google.com/load-balancing/docs/application-load-balancer"),
    // With no retryPolicy on the URL map, a request without a body that fails with a gateway
    // error or a connection failure is retried once (numRetries defaults to 1).
    retry: cite(
      { attempts: 2, on: ["connect-failure", "gateway-error"] },
      "https://cloud.google.com/load-balancing/docs/https#timeouts_and_retries",
    ),
    // Fixed at 600 s: the backend's keepalive must be longer, or the race below appears.
    backendIdleTimeoutSeconds: cite(600, gcpConnections),
    // providers/gcp/loadBalancer.ts backendTimeoutSec.
    requestTimeoutSeconds: cite(
      30,
      "https://cloud.google.com/load-balancing/docs/backend-service#timeout-setting",
    ),
    connectionReuse: cite(true, gcpConnections),
    // providers/gcp/compute.ts lbHealthCheck.
    healthCheck: cite(
      { intervalSeconds: 5, timeoutSeconds: 3, healthyThreshold: 2, unhealthyThreshold: 2 },
      "https://cloud.google.com/load-balancing/docs/health-check-concepts",
    ),
    // The MIG's updater removes the instance from the group: the backend service drains it for
    // connectionDrainingTimeoutSec, and deleting the instance waits at least that long. Only the
    // deletion runs the shutdown script (providers/gcp/startup.ts), whose `docker stop` sends
    // SIGTERM: the image drains a second time, for DRAIN_SECONDS (the same setting).
    lbDrainsBeforeStop: cite(
      true,
      "https://cloud.google.com/load-balancing/docs/enabling-connection-draining",
    ),
    rolling: cite(
      "surge",
      "https://cloud.google.com/compute/docs/instance-groups/rolling-out-updates-to-managed-instance-groups",
    ),
    notMimicked: [
      "the MIG patch to a new instance template (an API call) has no counterpart here",
      "autohealing has its own, slower check (3 failures 10 s apart) and a 180 s initial delay; here the load balancer's check also replaces the instance",
      "many Google Front Ends each probe and connect on their own; here there is one load balancer",
      "health-check timeouts are not scaled below 500 ms, so a check fails later than the scaled cloud's would",
    ],
  },
  azure: {
    cloud: "azure",
    loadBalancer: "Standard Load Balancer (VM scale set)",
    layer: cite(4, "https://learn.microsoft.com/azure/load-balancer/load-balancer-overview"),
    // It forwards TCP flows and never sees a request, so it cannot retry one.
    retry: cite(
      { attempts: 1, on: [] },
      "https://learn.microsoft.com/azure/load-balancer/load-balancer-overview",
    ),
    // providers/azure/loadBalancer.ts idleTimeoutMinutes: 4, the default.
    backendIdleTimeoutSeconds: cite(
      240,
      "https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-idle-timeout",
    ),
    // No request to time out: the client's own timeout applies; the flow idle timeout bounds it.
    requestTimeoutSeconds: cite(
      240,
      "https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-idle-timeout",
    ),
    // One client connection is one flow to one instance; the load balancer keeps no pool.
    connectionReuse: cite(
      false,
      "https://learn.microsoft.com/azure/load-balancer/load-balancer-overview",
    ),
    // providers/azure/loadBalancer.ts probeIntervalSeconds and probeThreshold. Azure has no probe
    // timeout setting; one interval is assumed.
    healthCheck: cite(
      { intervalSeconds: 5, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
      azureProbes,
    ),
    // Deleting a VM sends the Terminate scheduled event, on which web-drain drains the image; the
    // probe going down is the load balancer's only part (layer 4): one drain.
    lbDrainsBeforeStop: cite(
      false,
      "https://learn.microsoft.com/azure/virtual-machines/linux/scheduled-events",
    ),
    rolling: cite(
      "batches",
      "https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-configure-rolling-upgrades",
    ),
    notMimicked: [
      "web-drain polls Scheduled Events every 5 s before it drains; here the drain starts at once",
      "automatic repairs replace an unhealthy VM only after a 10 min grace period; here the probe's verdict replaces it at once",
      "a flow idle past the timeout is dropped silently in Azure (no TCP reset unless enabled); nginx's stream proxy closes it",
      "health-check timeouts are not scaled below 500 ms, so a check fails later than the scaled cloud's would",
    ],
  },
};

/** `--cloud`: one of the clouds, or a usage message naming the flag. */
export function parseCloudMode(text: string, flag = "cloud"): Cloud {
  if ((clouds as readonly string[]).includes(text)) return text as Cloud;
  throw new Error(`--${flag}: expected one of ${clouds.join(", ")}; got ${JSON.stringify(text)}`);
}
