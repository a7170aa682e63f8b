import * as gcp from "./sdk";
import * as pulumi from "@pulumi/pulumi";
import { GcpContext } from "./context";
import { GcpLoadBalancer } from "./loadBalancer";
import { gcpName } from "./names";

/** What the uptime check reads: served by nginx from the image, so it proves the whole path. */
export const uptimePath = "/version.txt";

export const uptimeCheck = { period: "60s", timeout: "10s" } as const;

/** Share of requests answered 5xx, over five minutes, that pages someone. */
export const errorRatioThreshold = 0.05;

/**
 * What the uptime page says. With HTTPS it also says what to expect right after a first deploy
 * (or a domain change): Google provisions a managed certificate only once DNS points at the
 * address, which can take an hour or more, and until it is ACTIVE every HTTPS check fails.
 * https://cloud.google.com/load-balancing/docs/ssl-certificates/google-managed-certs
 */
export function uptimeAlertDocumentation(https: boolean): string {
  const always = `The uptime check of ${uptimePath} fails from more than one location. Check the load balancer's backend health and the instance group's instances (docs/runbooks/unhealthy-targets.md).`;
  if (!https) return always;
  return `${always}\n\nRight after the first deploy with a domain, or a domain change, this fires until the Google-managed certificate is ACTIVE: Google provisions it only once the domain's DNS points at the load balancer's address, which can take an hour or more. Check with \`gcloud compute ssl-certificates list --global --project <project>\`; PROVISIONING is expected, FAILED_NOT_VISIBLE means DNS is not pointing at the address yet (docs/runbooks/gcp-instance-group.md, "The first certificate").`;
}

export interface GcpMonitoring {
  readonly uptime: gcp.monitoring.UptimeCheckConfig;
  readonly policies: gcp.monitoring.AlertPolicy[];
  readonly channel?: gcp.monitoring.NotificationChannel;
}

/**
 * An external uptime check of the public URL and two alert policies: the check failing, and the
 * load balancer answering too many 5xx (which includes its own 502/503 when no backend is
 * healthy). Monitoring resources take `userLabels`, which the provider's `defaultLabels` do not
 * fill, so the tags are set on them here.
 */
export function createMonitoring(ctx: GcpContext, lb: GcpLoadBalancer): GcpMonitoring {
  const { name, args, project, opts } = ctx;
  const labels = { ...args.tags };
  const https = args.domain !== undefined;

  const channel = args.alertEmail
    ? new gcp.monitoring.NotificationChannel(
        gcpName(name, "email"),
        {
          displayName: `${name} on-call (${args.alertEmail})`,
          type: "email",
          labels: { email_address: args.alertEmail },
          userLabels: labels,
        },
        opts,
      )
    : undefined;
  const notificationChannels = channel ? [channel.name] : [];

  const uptime = new gcp.monitoring.UptimeCheckConfig(
    gcpName(name, "uptime"),
    {
      displayName: pulumi.interpolate`${name} ${lb.host}${uptimePath}`,
      ...uptimeCheck,
      httpCheck: {
        path: uptimePath,
        port: https ? 443 : 80,
        useSsl: https,
        validateSsl: https,
        requestMethod: "GET",
        acceptedResponseStatusCodes: [{ statusClass: "STATUS_CLASS_2XX" }],
      },
      monitoredResource: { type: "uptime_url", labels: { project_id: project, host: lb.host } },
      userLabels: labels,
    },
    opts,
  );

  const common = {
    combiner: "OR",
    notificationChannels,
    alertStrategy: { autoClose: "1800s" },
    userLabels: labels,
  };
  const uptimeFailing = new gcp.monitoring.AlertPolicy(
    gcpName(name, "alert-uptime"),
    {
      ...common,
      displayName: `${name}: ${uptimePath} unreachable`,
      severity: "CRITICAL",
      documentation: {
        mimeType: "text/markdown",
        content: uptimeAlertDocumentation(https),
      },
      conditions: [
        {
          displayName: "Uptime check failing",
          // The form Google's console creates: more than one checker location failing over the
          // last two checks, which rides out a single location's network blip.
          conditionThreshold: {
            filter: pulumi.interpolate`metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.label.check_id="${uptime.uptimeCheckId}"`,
            aggregations: [
              {
                alignmentPeriod: "120s",
                perSeriesAligner: "ALIGN_NEXT_OLDER",
                crossSeriesReducer: "REDUCE_COUNT_FALSE",
                groupByFields: ["resource.label.*"],
              },
            ],
            comparison: "COMPARISON_GT",
            thresholdValue: 1,
            duration: "120s",
            trigger: { count: 1 },
          },
        },
      ],
    },
    opts,
  );

  const requests = pulumi.interpolate`metric.type="loadbalancing.googleapis.com/https/request_count" AND resource.type="https_lb_rule" AND resource.label.url_map_name="${lb.urlMap.name}"`;
  const rate = [
    {
      alignmentPeriod: "60s",
      perSeriesAligner: "ALIGN_RATE",
      crossSeriesReducer: "REDUCE_SUM",
      groupByFields: ["resource.label.url_map_name"],
    },
  ];
  const errorRatio = new gcp.monitoring.AlertPolicy(
    gcpName(name, "alert-5xx"),
    {
      ...common,
      displayName: `${name}: more than ${errorRatioThreshold * 100}% of requests fail with 5xx`,
      severity: "ERROR",
      documentation: {
        mimeType: "text/markdown",
        content:
          "The load balancer answers 5xx to more than 5% of requests. 502/503 with healthy backends point at the app; without healthy backends, at the instances.",
      },
      conditions: [
        {
          displayName: "5xx ratio",
          conditionThreshold: {
            filter: pulumi.interpolate`${requests} AND metric.label.response_code_class=500`,
            aggregations: rate,
            denominatorFilter: requests,
            denominatorAggregations: rate,
            comparison: "COMPARISON_GT",
            thresholdValue: errorRatioThreshold,
            duration: "300s",
            trigger: { count: 1 },
            // No traffic is not an error; the uptime check covers "nothing answers".
            evaluationMissingData: "EVALUATION_MISSING_DATA_INACTIVE",
          },
        },
      ],
    },
    opts,
  );

  return { uptime, policies: [uptimeFailing, errorRatio], channel };
}
