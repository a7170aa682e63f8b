import assert from "node:assert/strict";
import { App, createApp, parseTarget } from "../../app/src/server";
import { getStatus, Instance, startInstance, stopAllInstances } from "../helpers/processes";
import { hostileRequests, hostileTargets, sendRaw, statusOf } from "./hostileCorpus";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("hostile requests", function () {
  this.timeout(120_000);

  describe("parseTarget", () => {
    const rows: [string | undefined, string | null, Record<string, string>][] = [
      ["/", "/", {}],
      ["//", "//", {}],
      ["///", "///", {}],
      ["//@", "//@", {}],
      ["/\\", "/\\", {}],
      ["/sleep?ms=20", "/sleep", { ms: "20" }],
      ["/?%", "/", { "%": "" }],
      ["/a#b?c", "/a", {}],
      ["http://127.0.0.1/", null, {}],
      ["*", null, {}],
      ["127.0.0.1:3000", null, {}],
      ["", null, {}],
      [undefined, null, {}],
    ];
    for (const [target, path, query] of rows) {
      it(`${JSON.stringify(target)} → ${JSON.stringify(path)}`, () => {
        const parsed = parseTarget(target);
        assert.equal(parsed?.path ?? null, path);
        if (parsed !== null) assert.deepEqual(Object.fromEntries(parsed.query), query);
      });
    }
  });

  describe("the app on its own", () => {
    let app: App;
    let port: number;
    before(async () => {
      app = createApp({ version: "1.0.6", testRoutes: true });
      port = await app.listen(0, "127.0.0.1");
    });
    after(() => app.close(0));

    // The targets `new URL()` threw on (the fault) are plain paths: not found, not a crash.
    for (const target of ["//", "///", "//@", "/\\"]) {
      it(`answers GET ${target} with 404 and keeps serving`, async () => {
        const answer = await sendRaw(
          port,
          Buffer.from(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, "latin1"),
        );
        assert.equal(statusOf(answer), 404, answer);
        assert.equal(await getStatus(`http://127.0.0.1:${port}/readyz`), 200);
      });
    }

    it("answers a target that is not an absolute path with 400", async () => {
      const answer = await sendRaw(
        port,
        Buffer.from(
          "GET http://127.0.0.1/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          "latin1",
        ),
      );
      assert.equal(statusOf(answer), 400, answer);
    });

    it("survives the whole corpus, answering each request with a status below 500", async () => {
      for (const request of hostileRequests) {
        const status = statusOf(await sendRaw(port, request.bytes));
        assert.ok(status === undefined || status < 500, `${request.name}: ${status}`);
        assert.equal(await getStatus(`http://127.0.0.1:${port}/`), 200, request.name);
      }
    });
  });

  describe("the app behind nginx, under the supervisor", () => {
    let instance: Instance;
    before(async () => {
      instance = await startInstance({ version: "1.0.6", id: "i-hostile", testRoutes: false });
    });
    after(stopAllInstances);

    it("still serves with the same processes after every request of the corpus", async () => {
      const { appPid, nginxPid } = instance;
      let exited = false;
      void instance.exited.then(() => (exited = true));
      const statuses: Record<string, number | undefined> = {};
      for (const request of hostileRequests) {
        statuses[request.name] = statusOf(await sendRaw(instance.port, request.bytes));
        assert.equal(exited, false, `instance exited after ${request.name}:\n${instance.output()}`);
        assert.equal(
          await getStatus(`${instance.url}/healthz`),
          200,
          `healthz after ${request.name}`,
        );
        assert.equal(await getStatus(`${instance.url}/`), 200, `/ after ${request.name}`);
      }
      assert.ok(alive(appPid) && alive(nginxPid), "the app and nginx are the ones that started");
      // The requests that crashed the app now reach it and are answered, not 502.
      for (const target of ["//", "///", "//@", "/\\"]) {
        assert.equal(statuses[`GET ${target}`], 404, `GET ${target}`);
      }
      // Not one answer of the corpus is a 502/504: the upstream never went away.
      const upstreamErrors = Object.entries(statuses).filter(([, s]) => s === 502 || s === 504);
      assert.deepEqual(upstreamErrors, []);
      assert.ok(hostileTargets.length > 10);
    });
  });
});
