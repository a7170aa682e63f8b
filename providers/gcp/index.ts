import * as pulumi from "@pulumi/pulumi";
import { ResolvedServiceArgs } from "../../components/args";
import { migUpdateProblems } from "../../components/rolling";
import { CloudImplementation, InstanceGroupDescriptor } from "../types";
import { createCompute } from "./compute";
import { gcpContext } from "./context";
import { createFirewall } from "./firewall";
import { createIdentity } from "./identity";
import { createLoadBalancer } from "./loadBalancer";
import { createLogging, maxLogRetentionDays } from "./logging";
import { createMonitoring } from "./monitoring";
import { createNetwork } from "./network";
import { sharedRegistry } from "./registry";
import { shutdownScriptWindowSeconds, stopGraceSeconds } from "./startup";
import { gcpTopology } from "./topology";

const labelValuePattern = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

/** Longest drain whose `docker stop` still ends inside Compute Engine's shutdown-script window. */
export const maxDrainingTimeoutSeconds = shutdownScriptWindowSeconds - stopGraceSeconds;

/**
 * The limits GCP's deploy code sets, on top of the component's and the home's rules (rules.ts);
 * one message per problem.
 */
export function validate(args: ResolvedServiceArgs): string[] {
  const problems: string[] = [];
  if (args.drainingTimeoutSeconds > maxDrainingTimeoutSeconds) {
    problems.push(
      `drainingTimeoutSeconds: expected at most ${maxDrainingTimeoutSeconds} on gcp, so the shutdown script's docker stop (drain + ${stopGraceSeconds} s) ends within Compute Engine's ${shutdownScriptWindowSeconds} s shutdown window; got ${args.drainingTimeoutSeconds}`,
    );
  }
  if (args.logRetentionDays > maxLogRetentionDays) {
    problems.push(
      `logRetentionDays: expected at most ${maxLogRetentionDays} on gcp (Cloud Logging's longest retention); got ${args.logRetentionDays}`,
    );
  }
  problems.push(...migUpdateProblems(args.rollingUpdate, args.desiredInstances, args.zones.length));
  const badLabels = Object.entries(args.tags).filter(([, value]) => !labelValuePattern.test(value));
  if (badLabels.length > 0) {
    problems.push(
      `tags: expected GCP label values of at most 63 lower-case letters, digits, _ or -; got ${JSON.stringify(Object.fromEntries(badLabels))}`,
    );
  }
  return problems;
}

/**
 * A regional managed instance group of Container-Optimized OS VMs, each running the image with
 * docker, behind a global external Application Load Balancer.
 */
export const deploy: CloudImplementation = (name, args, parent) => {
  const ctx = gcpContext(name, args, parent);
  const network = createNetwork(ctx);
  const registry = sharedRegistry(ctx);
  const identity = createIdentity(ctx, registry);
  const firewall = createFirewall(ctx, network, identity);
  const compute = createCompute(ctx, { network, identity, firewall, registry });
  const lb = createLoadBalancer(ctx, compute);
  createMonitoring(ctx, lb);
  createLogging(ctx, lb);

  const instanceGroup: pulumi.Output<InstanceGroupDescriptor> = pulumi
    .all([compute.group.name, lb.backend.name])
    .apply(([group, backendService]) => ({
      kind: "gce-regional-mig" as const,
      project: ctx.project,
      region: ctx.region,
      group,
      backendService,
    }));
  return { url: lb.url, instanceGroup, topology: gcpTopology(args, identity.serviceAccount.email) };
};
