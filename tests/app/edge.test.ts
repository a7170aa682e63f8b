/**
 * The edge limits of nginx.conf.template, with nginx running for real: the image's processes
 * (supervisor, app, nginx) for the shipped limits, and nginx alone in front of a recording stub
 * for the request rate, which no client on this machine could exceed at its shipped value.
 */
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { AddressInfo, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { defaultEdgeLimits, renderNginxConfig } from "../../app/nginx/render";
import {
  freePort,
  getStatus,
  Instance,
  nginxBin,
  startInstance,
  stopAllInstances,
  waitForHttp,
} from "../helpers/processes";
import { childPids } from "../../tools/rehearsal/procs";
import { sendRaw, statusOf } from "./hostileCorpus";

/**
 * Opens a connection, writes `chunks` one by one `everyMs` apart, and resolves with what came
 * back and how long after connecting the server closed the connection.
 */
function trickle(
  port: number,
  chunks: readonly string[],
  everyMs: number,
  limitMs = 15_000,
): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const received: Buffer[] = [];
    const socket = connect({ host: "127.0.0.1", port });
    let index = 0;
    const timer = setInterval(() => {
      if (index < chunks.length && !socket.destroyed) socket.write(chunks[index++]);
    }, everyMs);
    const done = () => {
      clearInterval(timer);
      clearTimeout(limit);
      socket.destroy();
      resolve({
        answer: Buffer.concat(received).toString("latin1"),
        closedAfterMs: Date.now() - started,
      });
    };
    const limit = setTimeout(done, limitMs);
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("close", done);
    socket.on("error", done);
  });
}

const request = (lines: readonly string[], body = "") =>
  Buffer.from([...lines, "Host: 127.0.0.1", "Connection: close", "", body].join("\r\n"), "latin1");

describe("nginx edge limits (the image's processes)", function () {
  this.timeout(60_000);
  let instance: Instance;

  before(async () => {
    instance = await startInstance({ version: "1.0.6", workerProcesses: 1 });
  });
  after(() => stopAllInstances());

  it("refuses other methods than GET and HEAD before the app sees them", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const answer = await sendRaw(
        instance.port,
        request([`${method} / HTTP/1.1`, "Content-Length: 5"], "hello"),
      );
      assert.equal(statusOf(answer), 403, `${method}: ${answer.slice(0, 80)}`);
    }
    const head = await sendRaw(instance.port, request(["HEAD / HTTP/1.1"]));
    assert.equal(statusOf(head), 200);
    assert.equal(await getStatus(`${instance.url}/version.txt`), 200);
  });

  it("refuses a body over 1 KiB, which no GET needs", async () => {
    const big = await sendRaw(
      instance.port,
      request(["GET / HTTP/1.1", "Content-Length: 2048"], "x".repeat(2048)),
    );
    assert.equal(statusOf(big), 413, big.slice(0, 80));
    const small = await sendRaw(
      instance.port,
      request(["GET / HTTP/1.1", "Content-Length: 4"], "body"),
    );
    assert.equal(statusOf(small), 200, small.slice(0, 80));
  });

  it("answers HTTP/0.9 with nothing rather than a bare body", async () => {
    assert.equal(await sendRaw(instance.port, Buffer.from("GET /\r\n", "latin1")), "");
    assert.equal(await sendRaw(instance.port, Buffer.from("GET /version.txt\r\n", "latin1")), "");
    // HTTP/1.0 still works.
    const old = await sendRaw(instance.port, Buffer.from("GET /version.txt HTTP/1.0\r\n\r\n"));
    assert.equal(statusOf(old), 200);
  });

  it("cuts an idle connection, a slow header and a slow body after the short timeouts", async () => {
    const timeoutMs = defaultEdgeLimits.clientTimeoutSeconds * 1000;
    const header = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    const [idle, slowHeader, slowBody] = await Promise.all([
      trickle(instance.port, [], 1_000),
      // A slowloris: one header byte a second, never finishing the header.
      trickle(instance.port, [...header, ..."abcdefghijklmnopqrstuvwxyz"], 1_000),
      // A body announced but sent a byte every 6 s, slower than client_body_timeout.
      trickle(
        instance.port,
        ["GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nx", "y", "z"],
        timeoutMs + 1_000,
      ),
    ]);
    for (const [what, result] of [
      ["idle", idle],
      ["slow header", slowHeader],
      ["slow body", slowBody],
    ] as const) {
      assert.ok(
        result.closedAfterMs >= timeoutMs - 500 && result.closedAfterMs < timeoutMs + 3_000,
        `${what}: closed after ${result.closedAfterMs} ms; expected about ${timeoutMs} ms`,
      );
      assert.notEqual(statusOf(result.answer), 200, `${what}: ${result.answer.slice(0, 80)}`);
    }
  });

  it("answers 503 beyond the requests in progress one instance takes, and still passes its health check", async () => {
    const limit = defaultEdgeLimits.maxConnections;
    const flood = Array.from({ length: limit + 44 }, () =>
      getStatus(`${instance.url}/sleep?ms=2000`, 10_000),
    );
    await sleep(500);
    // The balancer's check during the flood: exempt from the caps, so the instance stays in.
    assert.equal(await getStatus(`${instance.url}/healthz`), 200);
    assert.equal(await getStatus(`${instance.url}/version.txt`), 200);
    const statuses = await Promise.all(flood);
    const count = (status: number) => statuses.filter((s) => s === status).length;
    assert.equal(count(200) + count(503), statuses.length, JSON.stringify(statuses));
    assert.ok(count(200) <= limit, `${count(200)} served at once; the cap is ${limit}`);
    assert.ok(count(503) >= 44, `${count(503)} refused`);
    // And the instance serves normally once the flood is over.
    assert.equal(await getStatus(`${instance.url}/`), 200);
  });

  it("logs the path without its query string", async () => {
    await getStatus(`${instance.url}/log-marker-21?token=hunter2&email=a%40b.example`);
    let line: string | undefined;
    for (let i = 0; i < 50 && line === undefined; i += 1) {
      line = instance
        .output()
        .split("\n")
        .find((l) => l.includes("log-marker-21"));
      if (line === undefined) await sleep(20);
    }
    assert.ok(line !== undefined, instance.output().slice(-2000));
    assert.equal((JSON.parse(line) as { uri: string }).uri, "/log-marker-21");
    assert.doesNotMatch(instance.output(), /hunter2|a%40b/);
  });
});

describe("nginx edge limits (nginx alone, in front of a recording stub)", function () {
  this.timeout(30_000);
  let dir: string;
  let nginx: ChildProcess | undefined;
  let stub: http.Server;
  let port: number;
  const seen: http.IncomingHttpHeaders[] = [];

  before(async () => {
    stub = http.createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { "Content-Type": "text/plain" }).end("ok\n");
    });
    await new Promise<void>((done) => stub.listen(0, "127.0.0.1", done));
    dir = mkdtempSync(join(tmpdir(), "nginx-edge-"));
    port = await freePort();
    const config = renderNginxConfig({
      listenAddress: "127.0.0.1",
      listenPort: port,
      appPort: (stub.address() as AddressInfo).port,
      webRoot: dir,
      runtimeDir: dir,
      version: "1.0.6",
      accessLog: false,
      workerProcesses: 1,
      // Low enough for a test to exceed; the shipped value is asserted in render.test.ts.
      edgeLimits: { requestsPerSecond: 1, requestBurst: 2 },
    });
    writeFileSync(join(dir, "nginx.conf"), config);
    nginx = spawn(nginxBin, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", "stderr"], {
      stdio: "ignore",
    });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`);
  });
  after(async () => {
    // A SIGKILLed master leaves its workers running, holding the port (one leaked a run); TERM is
    // nginx's fast shutdown, in which the master stops its workers before it exits
    // (https://nginx.org/en/docs/control.html).
    let running: number[] = [];
    try {
      if (nginx?.pid !== undefined && nginx.exitCode === null) {
        const workers = childPids(nginx.pid);
        const exited = new Promise((done) => nginx?.once("exit", done));
        nginx.kill("SIGTERM");
        await exited;
        running = workers.filter((pid) => existsSync(`/proc/${pid}`));
        assert.deepEqual(running, [], "nginx workers still running after the master exited");
      }
    } finally {
      for (const pid of running) process.kill(pid, "SIGKILL");
      stub.closeAllConnections();
      await new Promise<void>((done) => stub.close(() => done()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("lets the burst through and refuses the rest with 503, never the health check", async () => {
    await sleep(3_000); // the health polls above used up the bucket; let it refill
    const statuses: (number | undefined)[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push(await getStatus(`http://127.0.0.1:${port}/`));
    assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
    assert.deepEqual(statuses.slice(3), [503, 503, 503]);
    for (let i = 0; i < 10; i += 1) {
      assert.equal(await getStatus(`http://127.0.0.1:${port}/healthz`), 200);
    }
  });

  it("passes no client-supplied X-Forwarded-For or X-Forwarded-Proto to the app", async () => {
    seen.length = 0;
    const answer = await sendRaw(
      port,
      request(["GET /healthz HTTP/1.1", "X-Forwarded-For: 6.6.6.6", "X-Forwarded-Proto: https"]),
    );
    assert.equal(statusOf(answer), 200);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]["x-forwarded-for"], undefined);
    assert.equal(seen[0]["x-forwarded-proto"], undefined);
    assert.equal(seen[0]["x-real-ip"], "127.0.0.1");
  });
});
