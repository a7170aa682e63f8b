import * as gcp from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { GcpContext } from "./context";
import { GcpLoadBalancer } from "./loadBalancer";
import { baseInstanceName, gcpName } from "./names";
import { containerLogName } from "./startup";

/** Cloud Logging keeps a custom bucket's logs for 1 to 3650 days. */
export const maxLogRetentionDays = 3650;

export interface GcpLogging {
  readonly bucket: gcp.logging.ProjectBucketConfig;
  readonly sink: gcp.logging.ProjectSink;
  readonly exclusion: gcp.logging.ProjectExclusion;
}

/**
 * The service's logs: its containers' (docker's gcplogs driver writes `gcplogs-docker-driver`
 * entries carrying the instance name in `jsonPayload.instance.name`, and every instance name
 * starts with the MIG's base instance name; see startup.ts) and its load balancer's request logs.
 * The instances' system logs (boot, startup script) stay in `_Default`: which labels COS's agent
 * sets on them is not documented, so they are not routed on a guess.
 * https://cloud.google.com/logging/docs/view/logging-query-language
 */
export function serviceLogFilter(
  project: string,
  instanceNamePrefix: string,
  backendName: pulumi.Input<string>,
): pulumi.Output<string> {
  // No resource.type: older drivers wrote these under "global", newer ones under gce_instance.
  return pulumi.interpolate`(logName="projects/${project}/logs/${containerLogName}" AND jsonPayload.instance.name=~"^${instanceNamePrefix}-") OR (resource.type="http_load_balancer" AND resource.labels.backend_service_name="${backendName}")`;
}

/**
 * A log bucket that keeps the service's logs for `logRetentionDays`, a sink that routes them
 * there, and an exclusion that keeps them out of the project's `_Default` bucket, whose 30 days
 * would otherwise apply to a second copy (and be billed twice). The `_Default` bucket itself is
 * left alone: it is a project-wide setting that other workloads rely on.
 *
 * Pitfall: a deleted bucket stays reserved for 7 days (`DELETE_REQUESTED`), so re-creating the
 * stack within a week of destroying it fails on the bucket id; undelete it with
 * `gcloud logging buckets undelete` and `pulumi import` it instead.
 * https://cloud.google.com/logging/docs/buckets#delete-bucket
 */
export function createLogging(ctx: GcpContext, lb: GcpLoadBalancer): GcpLogging {
  const { name, args, project, region, opts } = ctx;
  const bucketId = gcpName(name, "logs");
  const bucket = new gcp.logging.ProjectBucketConfig(
    gcpName(name, "logs"),
    {
      project,
      // In the service's region: the logs stay where the service runs.
      location: region,
      bucketId,
      retentionDays: args.logRetentionDays,
      description: `${name}: instance and load balancer logs, kept ${args.logRetentionDays} days`,
    },
    opts,
  );
  const filter = serviceLogFilter(project, baseInstanceName(name), lb.backend.name);
  // A sink into a log bucket of its own project needs no IAM grant for its writer identity.
  const sink = new gcp.logging.ProjectSink(
    gcpName(name, "logs-sink"),
    {
      project,
      description: `${name}: the service's logs to its own bucket`,
      destination: pulumi.interpolate`logging.googleapis.com/projects/${project}/locations/${region}/buckets/${bucket.bucketId}`,
      filter,
    },
    opts,
  );
  // Exclusions made through this (legacy) API apply to the _Default sink only, not to ours.
  const exclusion = new gcp.logging.ProjectExclusion(
    gcpName(name, "logs-default-excl"),
    {
      project,
      description: `${name}: stored in ${bucketId} instead`,
      filter,
    },
    opts,
  );
  return { bucket, sink, exclusion };
}
