/**
 * How the Application Load Balancer behaves, as far as the rehearsal's nginx can act it out; each value with the
 * page it rests on. tests/rehearsal/cloudModes.test.ts checks the health-check and idle numbers
 * against the deploy code (which loads the cloud SDK, so they are repeated here, not imported).
 */
import { cite, CloudMode } from "../../tools/rehearsal/cloudModes";

const awsIdle =
  "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout";

export const awsMode: CloudMode = {
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
};
