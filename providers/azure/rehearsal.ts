/**
 * How the Standard Load Balancer behaves, as far as the rehearsal's nginx can act it out; each value with the
 * page it rests on. tests/rehearsal/cloudModes.test.ts checks the health-check and idle numbers
 * against the deploy code (which loads the cloud SDK, so they are repeated here, not imported).
 */
import { cite, CloudMode } from "../../tools/rehearsal/cloudModes";

const azureProbes =
  "https://learn.microsoft.com/azure/load-balancer/load-balancer-custom-probe-overview";

export const azureMode: CloudMode = {
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
};
