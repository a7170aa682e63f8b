import assert from "node:assert/strict";
import { guardedRules, ofType, one } from "../helpers/plan";
import { autoName, everything, expected, inputs, plan, stacks, T, Resources } from "./helpers";

for (const stack of stacks) {
  const want = expected[stack];

  describe(`gcp monitoring (${stack})`, () => {
    guardedRules<Resources>(
      () => plan(stack, { alertEmail: "oncall@example.com" }),
      [
        {
          name: "an uptime check of /version.txt on the load balancer's address",
          check: (p) => {
            const uptime = inputs(one(p, T.uptime));
            assert.deepEqual(uptime.httpCheck, {
              path: "/version.txt",
              port: 80,
              useSsl: false,
              validateSsl: false,
              requestMethod: "GET",
              acceptedResponseStatusCodes: [{ statusClass: "STATUS_CLASS_2XX" }],
            });
            assert.deepEqual(uptime.monitoredResource, {
              type: "uptime_url",
              labels: { project_id: want.project, host: "203.0.113.10" },
            });
            assert.equal(uptime.period, "60s");
            assert.equal(uptime.timeout, "10s");
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            inputs(one(broken, T.uptime)).httpCheck.path = "/";
            return broken;
          },
        },
        {
          name: "both alert policies notify the on-call email",
          check: (p) => {
            const channel = one(p, T.channel);
            assert.deepEqual(inputs(channel).labels, { email_address: "oncall@example.com" });
            assert.equal(inputs(channel).type, "email");
            const channels = [`projects/${want.project}/notificationChannels/4004`];
            assert.deepEqual(
              ofType(p, T.alertPolicy)
                .map((r) => [r.name, inputs(r).notificationChannels])
                .sort(),
              [
                ["web-alert-5xx", channels],
                ["web-alert-uptime", channels],
              ],
            );
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            inputs(one(broken, T.alertPolicy, "web-alert-5xx")).notificationChannels = [];
            return broken;
          },
        },
        {
          name: "the uptime alert watches this check, the 5xx alert this load balancer's ratio",
          check: (p) => {
            const uptimeId = "web-uptime-5005";
            const [uptime] = inputs(one(p, T.alertPolicy, "web-alert-uptime")).conditions;
            assert.equal(
              uptime.conditionThreshold.filter,
              `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.label.check_id="${uptimeId}"`,
            );
            const [errors] = inputs(one(p, T.alertPolicy, "web-alert-5xx")).conditions;
            const requests = `metric.type="loadbalancing.googleapis.com/https/request_count" AND resource.type="https_lb_rule" AND resource.label.url_map_name="${autoName(T.urlMap, "web-urlmap")}"`;
            assert.equal(errors.conditionThreshold.denominatorFilter, requests);
            assert.equal(
              errors.conditionThreshold.filter,
              `${requests} AND metric.label.response_code_class=500`,
            );
            assert.equal(errors.conditionThreshold.comparison, "COMPARISON_GT");
            assert.equal(errors.conditionThreshold.thresholdValue, 0.05);
            assert.equal(errors.conditionThreshold.duration, "300s");
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            const [errors] = inputs(one(broken, T.alertPolicy, "web-alert-5xx")).conditions;
            errors.conditionThreshold.filter = errors.conditionThreshold.denominatorFilter;
            return broken;
          },
        },
      ],
    );

    it("without alertEmail, alerts still exist, with no subscriber", async () => {
      const p = await plan(stack, { alertEmail: "" });
      assert.deepEqual(ofType(p, T.channel), []);
      assert.deepEqual(
        ofType(p, T.alertPolicy).map((r) => inputs(r).notificationChannels),
        [[], []],
      );
    });

    it("with a domain, the uptime check uses HTTPS on the domain and validates the certificate", async () => {
      const uptime = inputs(one(await plan(stack, everything), T.uptime));
      assert.equal(uptime.httpCheck.port, 443);
      assert.equal(uptime.httpCheck.useSsl, true);
      assert.equal(uptime.httpCheck.validateSsl, true);
      assert.equal(uptime.monitoredResource.labels.host, "www.example.com");
    });
  });
}

for (const stack of stacks) {
  const want = expected[stack];

  describe(`gcp log storage (${stack})`, () => {
    const filter = `(logName="projects/${expected[stack].project}/logs/gcplogs-docker-driver" AND jsonPayload.instance.name=~"^web-vm-") OR (resource.type="http_load_balancer" AND resource.labels.backend_service_name="${autoName(T.backend, "web-backend")}")`;

    guardedRules<Resources>(
      () => plan(stack),
      [
        {
          name: "the service's logs go to its own bucket, kept for logRetentionDays",
          check: (p) => {
            assert.deepEqual(inputs(one(p, T.logBucket)), {
              project: want.project,
              location: "us-central1",
              bucketId: "web-logs",
              retentionDays: want.logRetentionDays,
              description: `web: instance and load balancer logs, kept ${want.logRetentionDays} days`,
            });
            const sink = inputs(one(p, T.logSink));
            assert.equal(
              sink.destination,
              `logging.googleapis.com/projects/${want.project}/locations/us-central1/buckets/web-logs`,
            );
            assert.equal(sink.filter, filter);
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            delete inputs(one(broken, T.logBucket)).retentionDays;
            return broken;
          },
        },
        {
          // Otherwise _Default keeps a second copy for its own 30 days, billed twice.
          name: "the same logs are excluded from the project's _Default bucket, and only those",
          check: (p) => {
            assert.equal(inputs(one(p, T.logExclusion)).filter, inputs(one(p, T.logSink)).filter);
            assert.equal(inputs(one(p, T.logExclusion)).filter, filter);
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            inputs(one(broken, T.logExclusion)).filter = 'resource.type="gce_instance"';
            return broken;
          },
        },
        {
          // The filter routes on what the instances' own docker run makes them write, not on a
          // label COS's agent is not documented to set (the old filter's
          // labels."compute.googleapis.com/resource_name").
          name: "the instances write what the filter routes: gcplogs, tagged with their name",
          check: (p) => {
            const script = String(inputs(one(p, T.template)).metadata["startup-script"]);
            const run = script.slice(script.indexOf("docker run"));
            assert.match(run, /--log-driver=gcplogs /);
            assert.equal((run.match(/--log-driver=/g) ?? []).length, 1);
            const sinkFilter = String(inputs(one(p, T.logSink)).filter);
            assert.ok(
              sinkFilter.includes(`logName="projects/${want.project}/logs/gcplogs-docker-driver"`),
            );
            assert.ok(sinkFilter.includes(`jsonPayload.instance.name=~"^web-vm-"`));
            assert.ok(!sinkFilter.includes("compute.googleapis.com/resource_name"));
            assert.equal(inputs(one(p, T.group)).baseInstanceName, "web-vm");
          },
          breakIt: (p) => {
            const broken = { resources: structuredClone(p.resources) };
            const metadata = inputs(one(broken, T.template)).metadata;
            metadata["startup-script"] = String(metadata["startup-script"]).replace(
              "--log-driver=gcplogs ",
              "",
            );
            return broken;
          },
        },
      ],
    );
  });
}
