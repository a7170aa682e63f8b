import assert from "node:assert/strict";
import http from "node:http";
import { healthExtension } from "../../providers/azure/compute";
import { getStatus, Instance, startInstance, stopAllInstances } from "../helpers/processes";

/** One GET: status, content type and body. */
function get(url: string): Promise<{ status?: number; type?: string; body: string }> {
  return new Promise((done) => {
    const request = http.get(url, { agent: false, timeout: 2_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () =>
        done({ status: res.statusCode, type: res.headers["content-type"], body }),
      );
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => done({ body: "" }));
  });
}

/**
 * The image's answer to Azure's Application Health extension 2.0, run for real (nginx and the
 * app). Rich health states read a 2xx body `{"ApplicationHealthState": "Healthy"|"Unhealthy"}`;
 * any other answer (a plain 200 included) reads Unknown, which rolling upgrades count as
 * unhealthy. https://learn.microsoft.com/azure/virtual-machine-scale-sets/virtual-machine-scale-sets-health-extension#rich-health-states
 */
describe("azure: the image answers the Application Health extension's rich-health probe", function () {
  this.timeout(30_000);
  after(stopAllInstances);

  let instance: Instance;
  const probe = () => get(`http://127.0.0.1:${instance.port}${healthExtension.requestPath}`);

  it("the scale set probes the path nginx serves", () => {
    assert.equal(healthExtension.typeHandlerVersion, "2.0");
    assert.equal(healthExtension.requestPath, "/health/azure");
  });

  it("Healthy while the app is ready; the load balancer's /healthz is unchanged", async () => {
    instance = await startInstance({ drainSeconds: 3 });
    const answer = await probe();
    assert.equal(answer.status, 200);
    assert.match(answer.type ?? "", /^application\/json/);
    assert.deepEqual(JSON.parse(answer.body), { ApplicationHealthState: "Healthy" });
    assert.equal(await getStatus(`http://127.0.0.1:${instance.port}/healthz`), 200);
  });

  it("Unhealthy (still 200, so not Unknown) once the instance drains", async () => {
    instance.kill("SIGTERM");
    let answer = await probe();
    for (let i = 0; i < 40 && answer.body.includes('"Healthy"'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      answer = await probe();
    }
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), { ApplicationHealthState: "Unhealthy" });
    assert.equal(await getStatus(`http://127.0.0.1:${instance.port}/healthz`), 503);
  });

  it("Unhealthy when the app behind nginx is gone", async () => {
    const other = await startInstance();
    // The supervisor stops nginx soon after the app dies, so how long nginx is left to answer is
    // a race; the supervisor is held (SIGSTOP) while the app is gone so that what nginx answers
    // without its app is what is observed, then let go to stop the instance as it would.
    process.kill(other.pid, "SIGSTOP");
    try {
      process.kill(other.appPid, "SIGKILL");
      const url = `http://127.0.0.1:${other.port}${healthExtension.requestPath}`;
      let answer = await get(url);
      for (let i = 0; i < 40 && answer.body.includes('"Healthy"'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        answer = await get(url);
      }
      assert.equal(answer.status, 200);
      assert.deepEqual(JSON.parse(answer.body), { ApplicationHealthState: "Unhealthy" });
    } finally {
      process.kill(other.pid, "SIGCONT");
    }
  });
});
