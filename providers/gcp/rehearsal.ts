/**
 * How the global external Application Load Balancer behaves, as far as the rehearsal's nginx can act it out; each value with the
 * page it rests on. tests/rehearsal/cloudModes.test.ts checks the health-check and idle numbers
 * against the deploy code (which loads the cloud SDK, so they are repeated here, not imported).
 */
import { cite, CloudMode } from "../../tools/rehearsal/cloudModes";

const gcpConnections =
  "https://cloud.google.com/load-balancing/docs/https/request-distribution#how_connections_work";

export const gcpMode: CloudMode = {
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
};
