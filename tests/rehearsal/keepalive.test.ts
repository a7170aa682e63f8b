import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clouds } from "../../components/cloud";
import { cloudMode } from "../../tools/rehearsal/cloudModes";
import { InstanceProcess, launchInstance } from "../../tools/rehearsal/instance";
import { measureKeepaliveRace } from "./keepaliveRace";
import { defaultNginxBin } from "../../tools/rehearsal/lb";
import { lbBehaviour, shippedKeepaliveSeconds } from "../../tools/rehearsal/timing";

/**
 * The keepalive race against a real instance (supervisor, nginx, app) at the rehearsal's time
 * scale, in GCP mode: the load balancer keeps idle connections 600 s / 20 = 30 s. An instance
 * that closes them after 1 s loses the requests sent on them; the shipped setting (620 s / 20,
 * rounded up) loses none. About 12 s.
 */
async function instanceWith(
  keepaliveTimeoutSeconds: number,
  dir: string,
): Promise<InstanceProcess> {
  const instance = await launchInstance({
    id: `ka-${keepaliveTimeoutSeconds}`,
    version: "1.0.0",
    zone: "zone-a",
    drainSeconds: 0,
    keepaliveTimeoutSeconds,
    dir,
    nginxBin: defaultNginxBin,
  });
  const deadline = Date.now() + 15_000;
  while (!(await instance.checkHealth(500))) {
    if (Date.now() > deadline) throw new Error(`instance did not start:\n${instance.stderr()}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
  return instance;
}

describe("keepalive race: the instance must keep idle connections longer than the load balancer", function () {
  this.timeout(60_000);
  const gcpIdleMs = lbBehaviour(cloudMode("gcp")).idleTimeoutMs;
  // Reuse after 0.2 s (both keep the connection) and after 1.3 s (past a 1 s instance timeout).
  const gapsMs = [200, 1_300, 200, 1_300, 200, 1_300];
  let dir = "";
  const started: InstanceProcess[] = [];
  before(() => (dir = mkdtempSync(join(tmpdir(), "keepalive-"))));
  after(async () => {
    for (const instance of started) {
      instance.signalGroup("SIGKILL");
      await instance.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("every cloud ships an instance keepalive above its load balancer's idle timeout, scaled too", () => {
    for (const cloud of clouds) {
      const mode = cloudMode(cloud);
      assert.ok(
        shippedKeepaliveSeconds(mode) * 1000 > lbBehaviour(mode).idleTimeoutMs,
        `${cloud}: ${shippedKeepaliveSeconds(mode)} s against ${lbBehaviour(mode).idleTimeoutMs} ms`,
      );
    }
    assert.equal(shippedKeepaliveSeconds(cloudMode("gcp")), 31);
  });

  it("an instance idle timeout (1 s) shorter than the load balancer's (30 s): each reuse after it fails", async () => {
    const instance = await instanceWith(1, dir);
    started.push(instance);
    const result = await measureKeepaliveRace({ port: instance.port, lbIdleMs: gcpIdleMs, gapsMs });
    // The three requests after 1.3 s of idleness met a connection the instance had closed.
    assert.equal(result.failures, 3, JSON.stringify(result.log));
    assert.deepEqual(
      result.log.filter((r) => !r.ok).map((r) => r.gapMs),
      [1_300, 1_300, 1_300],
    );
  });

  it("the shipped setting (31 s): no request fails", async () => {
    const instance = await instanceWith(shippedKeepaliveSeconds(cloudMode("gcp")), dir);
    started.push(instance);
    const result = await measureKeepaliveRace({ port: instance.port, lbIdleMs: gcpIdleMs, gapsMs });
    assert.equal(result.failures, 0, JSON.stringify(result.log));
    // The connection was reused throughout: the race had every chance to appear.
    assert.equal(result.reused, gapsMs.length - 1);
  });
});
