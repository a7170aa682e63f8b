/**
 * The hostile-request corpus (tests/app/hostileCorpus.ts) against the real image, run as ECS runs
 * it: no request may take the instance down (issue 21). Slow tier, with the other image tests.
 */
import assert from "node:assert/strict";
import { getStatus } from "../helpers/processes";
import { RunningContainer } from "./container";
import { imageRunnable, startImageInstance } from "./instance";
import { hostileRequests, sendRaw, statusOf } from "../app/hostileCorpus";

describe("the real image survives the hostile-request corpus", function () {
  this.timeout(30 * 60_000);
  let container: RunningContainer | undefined;

  before(async function () {
    const runnable = imageRunnable();
    if (!runnable.ok) {
      process.stdout.write(`      skipped: ${runnable.reason}\n`);
      this.skip();
    }
    container = await startImageInstance({ cloud: "aws" });
  });
  after(async () => container?.close());

  it("still serves from the same processes after every request, and never answers 502", async () => {
    assert.ok(container);
    const port = Number(new URL(container.baseUrl).port);
    const before = (await container.processes()).map((p) => p.pid).sort();
    let exited = false;
    void container.exited.then(() => (exited = true));
    const upstreamErrors: string[] = [];
    for (const request of hostileRequests) {
      const status = statusOf(await sendRaw(port, request.bytes));
      if (status === 502 || status === 504) upstreamErrors.push(`${request.name}: ${status}`);
      assert.equal(
        exited,
        false,
        `the container exited after ${request.name}:\n${container.output()}`,
      );
      assert.equal(
        await getStatus(`${container.baseUrl}/healthz`),
        200,
        `healthz after ${request.name}`,
      );
    }
    assert.deepEqual(upstreamErrors, []);
    // nginx may recycle nothing here: the same supervisor, app and nginx processes still run.
    const after = (await container.processes()).map((p) => p.pid).sort();
    assert.deepEqual(after, before);
  });
});
