import assert from "node:assert/strict";
import { hostname } from "node:os";
import { App, createApp } from "../../app/src/server";

async function get(
  port: number,
  path: string,
  method = "GET",
): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

describe("app (node:http, in process)", () => {
  let app: App;
  let port: number;

  beforeEach(async () => {
    app = createApp({ version: "1.0.6", testRoutes: true });
    port = await app.listen(0, "127.0.0.1");
  });
  afterEach(async () => {
    await app.close(0);
  });

  it("answers / with its version and an opaque id, never the host, instance id or zone, never cached", async () => {
    const response = await get(port, "/");
    assert.equal(response.status, 200);
    const body = JSON.parse(response.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ["service", "version", "answeredBy"]);
    assert.deepEqual([body.service, body.version], ["ha-web-service", "1.0.6"]);
    // 12 random hex digits: tells instances apart, says nothing about where they run.
    assert.match(String(body.answeredBy), /^[0-9a-f]{12}$/);
    assert.ok(!response.body.includes(hostname()));
    const other = createApp({ version: "1.0.6" });
    const otherPort = await other.listen(0, "127.0.0.1");
    try {
      const again = JSON.parse((await get(otherPort, "/")).body) as Record<string, unknown>;
      assert.notEqual(again.answeredBy, body.answeredBy);
    } finally {
      await other.close(0);
    }
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(response.headers.get("cache-control"), "no-store");
  });

  it("fails readiness once draining, while it keeps serving and stays alive", async () => {
    assert.equal((await get(port, "/readyz")).status, 200);
    app.drain();
    const ready = await get(port, "/readyz");
    assert.equal(ready.status, 503);
    assert.deepEqual(JSON.parse(ready.body), { status: "draining" });
    assert.equal((await get(port, "/")).status, 200);
    assert.equal((await get(port, "/livez")).status, 200);
  });

  it("answers HEAD without a body, other methods with 405, unknown paths with 404", async () => {
    const head = await get(port, "/", "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.body, "");
    const post = await get(port, "/", "POST");
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
    assert.equal((await get(port, "/nope")).status, 404);
  });

  it("serves /sleep only when test routes are on", async () => {
    const started = Date.now();
    const slow = await get(port, "/sleep?ms=200");
    assert.equal(slow.status, 200);
    assert.ok(Date.now() - started >= 190);
    const production = createApp({ version: "1.0.6" });
    const productionPort = await production.listen(0, "127.0.0.1");
    try {
      assert.equal((await get(productionPort, "/sleep?ms=1")).status, 404);
    } finally {
      await production.close(0);
    }
  });

  it("lets a request in flight finish when closed, within the grace period", async () => {
    const slow = get(port, "/sleep?ms=300");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = app.close(5_000);
    assert.equal((await slow).status, 200);
    await closed;
  });
});
