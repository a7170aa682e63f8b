import assert from "node:assert/strict";
import { targetHealthCheck } from "../../providers/aws/loadBalancer";
import {
  idleTimeoutMinutes,
  probeIntervalSeconds,
  probeThreshold,
} from "../../providers/azure/loadBalancer";
import { lbHealthCheck } from "../../providers/gcp/compute";
import { backendTimeoutSec } from "../../providers/gcp/loadBalancer";
import { clouds } from "../../components/cloud";
import { cloudMode } from "../../tools/rehearsal/cloudModes";
import { parseCloud as parseCloudMode } from "../../tools/lib/parse";

/**
 * The table repeats the providers' numbers (importing them would load the cloud SDKs into every
 * rehearsal); these rows keep the copies honest, and every value names its source.
 */
describe("cloud modes: one table, each value cited", () => {
  it("aws: the target group's health check and the ALB's 60 s idle timeout, no retries", () => {
    const m = cloudMode("aws");
    assert.deepEqual(m.healthCheck.value, {
      intervalSeconds: targetHealthCheck.interval,
      timeoutSeconds: targetHealthCheck.timeout,
      healthyThreshold: targetHealthCheck.healthyThreshold,
      unhealthyThreshold: targetHealthCheck.unhealthyThreshold,
    });
    assert.equal(m.backendIdleTimeoutSeconds.value, 60);
    assert.equal(m.requestTimeoutSeconds.value, 60);
    assert.deepEqual(m.retry.value, { attempts: 1, on: [] });
    assert.equal(m.layer.value, 7);
  });

  it("gcp: the load balancer's health check, 600 s fixed backend keepalive, one retry", () => {
    const m = cloudMode("gcp");
    assert.deepEqual(m.healthCheck.value, {
      intervalSeconds: lbHealthCheck.checkIntervalSec,
      timeoutSeconds: lbHealthCheck.timeoutSec,
      healthyThreshold: lbHealthCheck.healthyThreshold,
      unhealthyThreshold: lbHealthCheck.unhealthyThreshold,
    });
    assert.equal(m.backendIdleTimeoutSeconds.value, 600);
    assert.equal(m.requestTimeoutSeconds.value, backendTimeoutSec);
    assert.equal(m.retry.value.attempts, 2);
    assert.equal(m.layer.value, 7);
  });

  it("azure: the probe's interval and threshold, the rule's idle timeout, layer 4", () => {
    const m = cloudMode("azure");
    assert.equal(m.healthCheck.value.intervalSeconds, probeIntervalSeconds);
    assert.equal(m.healthCheck.value.unhealthyThreshold, probeThreshold);
    assert.equal(m.healthCheck.value.healthyThreshold, probeThreshold);
    assert.equal(m.backendIdleTimeoutSeconds.value, idleTimeoutMinutes * 60);
    assert.equal(m.layer.value, 4);
    assert.equal(m.connectionReuse.value, false);
    assert.deepEqual(m.retry.value, { attempts: 1, on: [] });
  });

  it("every value has a documentation link", () => {
    for (const mode of clouds.map(cloudMode)) {
      for (const key of [
        "layer",
        "retry",
        "backendIdleTimeoutSeconds",
        "requestTimeoutSeconds",
        "connectionReuse",
        "healthCheck",
      ] as const) {
        assert.match(
          mode[key].source,
          /^https:\/\/(docs\.aws\.amazon\.com|cloud\.google\.com|learn\.microsoft\.com)\//,
          `${mode.cloud}.${key}`,
        );
      }
      assert.ok(mode.notMimicked.length > 0);
    }
  });

  it("--cloud names the flag and the accepted values", () => {
    assert.equal(parseCloudMode("gcp"), "gcp");
    assert.throws(() => parseCloudMode("awz"), {
      message: '--cloud: expected one of aws, gcp, azure; got "awz"',
    });
  });
});
