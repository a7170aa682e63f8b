/**
 * How each cloud's load balancer behaves, as far as the rehearsal's nginx can act it out: one
 * table, each value with the page it rests on. tests/rehearsal/cloudModes.test.ts checks the
 * health-check and idle numbers against the provider modules (which load the cloud SDKs, so they
 * are repeated here rather than imported) and renders each mode to a configuration `nginx -t`
 * accepts; the drills and the keepalive test show each property's effect.
 */
import { Cloud } from "../../components/cloud";
import { cloudHome } from "../../providers/registry";

/** A value and the documentation (or provider source) it comes from. */
export interface Cited<T> {
  readonly value: T;
  readonly source: string;
}

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

/** A value with its source; each cloud's mode (`providers/<cloud>/rehearsal.ts`) cites every one. */
export const cite = <T>(value: T, source: string): Cited<T> => ({ value, source });

/** The cloud's mode, from its home. Scaled by `timeScale` (timing.ts) where the rehearsal uses a duration. */
export function cloudMode(cloud: Cloud): CloudMode {
  return cloudHome(cloud).rehearsal;
}
