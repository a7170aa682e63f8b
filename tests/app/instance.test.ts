import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";
import {
  getStatus,
  Instance,
  nginxBin,
  repoRoot,
  startInstance,
  stopAllInstances,
} from "../helpers/processes";

/** Whether any process is left in the instance's process group (nginx workers included). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function run(file: string, args: string[], env?: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(file, args, { env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    ),
  );
}

describe("the image's processes: supervisor, nginx and app on 127.0.0.1", function () {
  this.timeout(30_000);
  after(stopAllInstances);

  describe("serving", () => {
    let instance: Instance;
    before(async () => {
      instance = await startInstance({ version: "1.0.6", id: "i-serve", zone: "zone-b" });
    });

    it("serves /version.txt as exactly the version and one newline, with no caching", async () => {
      const response = await fetch(`${instance.url}/version.txt`);
      assert.equal(response.status, 200);
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), Buffer.from("1.0.6\n", "utf8"));
      assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
      assert.equal(response.headers.get("cache-control"), "no-cache");
    });

    it("proxies / to the app on its own port: the answer is the app's", async () => {
      assert.notEqual(instance.appPort, instance.port);
      const viaNginx = await fetch(`${instance.url}/`);
      assert.equal(viaNginx.status, 200);
      const body = (await viaNginx.json()) as Record<string, unknown>;
      assert.deepEqual(body, {
        service: "ha-web-service",
        version: "1.0.6",
        answeredBy: body.answeredBy,
      });
      // The instance id and zone reach the logs, not clients.
      assert.ok(
        !JSON.stringify(body).includes("i-serve") && !JSON.stringify(body).includes("zone-b"),
      );
      // Same answer straight from the app's port: it is the app, not nginx, that produced it.
      const direct = await fetch(`http://127.0.0.1:${instance.appPort}/`);
      assert.deepEqual(await direct.json(), body);
      assert.equal(direct.headers.get("x-app-version"), null, "the app itself sets no header");
    });

    it("answers /healthz from the app's readiness", async () => {
      const response = await fetch(`${instance.url}/healthz`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: "ready" });
    });

    it("adds X-App-Version and the security headers to static, proxied and error answers", async () => {
      for (const path of ["/version.txt", "/", "/healthz", "/no-such-path"]) {
        const response = await fetch(`${instance.url}${path}`);
        await response.arrayBuffer();
        const h = response.headers;
        assert.equal(h.get("x-app-version"), "1.0.6", path);
        assert.equal(h.get("x-content-type-options"), "nosniff", path);
        assert.equal(h.get("x-frame-options"), "DENY", path);
        assert.equal(h.get("referrer-policy"), "no-referrer", path);
        assert.match(h.get("content-security-policy") ?? "", /^default-src 'none';/, path);
        assert.equal(h.get("server"), "nginx", `${path}: server_tokens off hides the version`);
      }
    });

    it("logs each request as one JSON line naming the upstream's answer", async () => {
      await fetch(`${instance.url}/?log-marker=1`, {
        headers: { "User-Agent": "log-marker-1" },
      }).then((r) => r.arrayBuffer());
      let line: string | undefined;
      for (let i = 0; i < 50 && line === undefined; i += 1) {
        line = instance
          .output()
          .split("\n")
          .find((l) => l.includes("log-marker-1"));
        if (line === undefined) await sleep(20);
      }
      assert.ok(line !== undefined, instance.output());
      const entry = JSON.parse(line) as Record<string, unknown>;
      assert.equal(entry.component, "nginx");
      assert.equal(entry.status, 200);
      assert.equal(entry.upstream_status, "200");
      // The path only: query strings carry tokens and personal data (tests/app/edge.test.ts).
      assert.equal(entry.uri, "/");
    });

    it("runs with a configuration nginx -t accepts: the one it actually loaded", async () => {
      const conf = join(instance.dir, "run", "nginx.conf");
      assert.match(readFileSync(conf, "utf8"), /add_header X-App-Version "1\.0\.6" always;/);
      const result = await run(nginxBin, [
        "-t",
        "-p",
        join(instance.dir, "run"),
        "-c",
        conf,
        "-e",
        "stderr",
      ]);
      assert.equal(result.code, 0, result.stderr);
    });
  });

  describe("SIGTERM under a steady stream of requests", () => {
    const drainSeconds = 1.5;
    interface Sample {
      readonly path: string;
      readonly start: number;
      readonly end: number;
      readonly status?: number;
      readonly error?: string;
    }

    it("fails /healthz at once, completes every request, and exits 0 after DRAIN_SECONDS", async () => {
      const instance = await startInstance({ version: "2.0.0", drainSeconds });
      // Keep-alive connections, as a load balancer holds them.
      const pool = new Pool(instance.url, { connections: 4 });
      const samples: Sample[] = [];
      const pending: Promise<void>[] = [];
      const request = (path: string) => {
        const start = performance.now();
        pending.push(
          pool
            .request({ path, method: "GET" })
            .then(async (r) => {
              await r.body.dump();
              samples.push({ path, start, end: performance.now(), status: r.statusCode });
            })
            .catch((error: Error) => {
              samples.push({ path, start, end: performance.now(), error: error.message });
            }),
        );
      };

      let streaming = true;
      const stream = (async () => {
        while (streaming) {
          request("/");
          await sleep(20);
        }
      })();
      const health: { at: number; status?: number }[] = [];
      let polling = true;
      const poll = (async () => {
        while (polling) {
          // Stamped when the answer arrives: a check sent just before SIGTERM may be answered
          // after it, and its 503 then belongs after the signal.
          const status = await getStatus(`${instance.url}/healthz`, 500);
          health.push({ at: performance.now(), status });
          await sleep(25);
        }
      })();

      await sleep(400);
      const sigtermAt = performance.now();
      instance.kill("SIGTERM");
      // Slow requests that are still running when nginx is told to quit, ~500 ms from now.
      await sleep(drainSeconds * 1000 - 500);
      for (let i = 0; i < 3; i += 1) request("/sleep?ms=1000");

      const exit = await instance.exited;
      const exitAt = performance.now();
      streaming = false;
      polling = false;
      await Promise.all([stream, poll]);
      await Promise.all(pending);
      await pool.destroy();

      assert.deepEqual(exit, { code: 0, signal: null }, instance.output());
      const elapsed = exitAt - sigtermAt;
      assert.ok(elapsed >= drainSeconds * 1000, `exited ${Math.round(elapsed)} ms after SIGTERM`);
      // Drain, then the slow requests' last ~500 ms, then a margin for a busy machine.
      assert.ok(
        elapsed <= drainSeconds * 1000 + 3_000,
        `exited ${Math.round(elapsed)} ms after SIGTERM`,
      );

      const before = health.filter((h) => h.at < sigtermAt);
      assert.ok(before.length > 0 && before.every((h) => h.status === 200), JSON.stringify(health));
      const firstFailing = health.find((h) => h.at >= sigtermAt && h.status === 503);
      assert.ok(firstFailing !== undefined, JSON.stringify(health));
      const flip = firstFailing.at - sigtermAt;
      assert.ok(flip < 500, `readiness flipped ${Math.round(flip)} ms after SIGTERM`);
      assert.ok(firstFailing.at < exitAt, "readiness flips before the process exits");

      // Every request sent before the drain ended got a real answer from the app. The 300 ms
      // margin covers a request issued just before the end that reaches nginx just after.
      const drainEnd = sigtermAt + drainSeconds * 1000;
      const beforeDrainEnd = samples.filter((s) => s.path === "/" && s.start < drainEnd - 300);
      assert.ok(
        beforeDrainEnd.length >= 50,
        `only ${beforeDrainEnd.length} requests in the window`,
      );
      const failures = beforeDrainEnd.filter((s) => s.status !== 200);
      assert.deepEqual(failures, [], instance.output().slice(-4_000));

      // The slow ones were in flight when nginx got SIGQUIT and still completed.
      const slowOnes = samples.filter((s) => s.path.startsWith("/sleep"));
      assert.deepEqual(
        slowOnes.map((s) => [s.status, s.end > drainEnd]),
        [
          [200, true],
          [200, true],
          [200, true],
        ],
        JSON.stringify(slowOnes),
      );

      assert.equal(groupAlive(instance.pid), false, "no nginx process outlives the supervisor");
      instance.cleanup();
    });
  });

  describe("failure of a child", () => {
    it("stops nginx and exits 1 when the app dies, so the instance gets replaced", async () => {
      const instance = await startInstance({ version: "1.0.0" });
      process.kill(instance.appPid, "SIGKILL");
      const exit = await Promise.race([
        instance.exited,
        sleep(15_000, "hung" as const, { ref: false }),
      ]);
      assert.deepEqual(exit, { code: 1, signal: null }, instance.output());
      assert.match(instance.output(), /"msg":"app exited unexpectedly"/);
      assert.equal(await getStatus(`${instance.url}/healthz`, 500), undefined);
      assert.equal(groupAlive(instance.pid), false);
      instance.cleanup();
    });

    it("refuses to start on a malformed version.txt", async () => {
      await assert.rejects(
        startInstance({ version: "latest" }),
        /expected a version such as 1\.0\.6/,
      );
    });
  });

  describe("compiled, as the Dockerfile builds it, run as a non-root user", () => {
    let build: string;
    before(async function () {
      this.timeout(60_000);
      build = mkdtempSync(join(tmpdir(), "app-build-"));
      chmodSync(build, 0o755);
      const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
      const result = await run(process.execPath, [
        tsc,
        "-p",
        join(repoRoot, "app", "tsconfig.json"),
        "--outDir",
        join(build, "dist"),
      ]);
      assert.equal(result.code, 0, result.stdout);
      // The Dockerfile's `cp nginx/nginx.conf.template dist/nginx/`.
      copyFileSync(
        join(repoRoot, "app", "nginx", "nginx.conf.template"),
        join(build, "dist", "nginx", "nginx.conf.template"),
      );
    });
    after(() => rmSync(build, { recursive: true, force: true }));

    it("serves the version with every process running as that user", async () => {
      const asRoot = process.getuid?.() === 0;
      const user = asRoot ? { uid: 65534, gid: 65534 } : undefined;
      const instance = await startInstance({
        version: "3.1.4",
        entry: join(build, "dist", "src", "supervisor.js"),
        user,
      });
      const response = await fetch(`${instance.url}/version.txt`);
      assert.equal(await response.text(), "3.1.4\n");
      const uid = (pid: number) =>
        /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      const expected = String(user?.uid ?? process.getuid?.());
      for (const pid of [instance.pid, instance.appPid, instance.nginxPid]) {
        assert.equal(uid(pid), expected, `pid ${pid}`);
      }
      assert.equal((await instance.stop()).code, 0);
    });

    it("passes the build's --check-config step", async () => {
      const dir = mkdtempSync(join(tmpdir(), "check-config-"));
      try {
        const www = join(dir, "www");
        await run("mkdir", [www]);
        await run("sh", ["-c", `printf '1.0.6\\n' > ${www}/version.txt`]);
        const env = {
          PATH: process.env.PATH,
          WEB_ROOT: www,
          RUNTIME_DIR: join(dir, "run"),
          NGINX_BIN: nginxBin,
        };
        const supervisor = join(build, "dist", "src", "supervisor.js");
        const ok = await run(process.execPath, [supervisor, "--check-config"], env);
        assert.equal(ok.code, 0, ok.stderr);
        await run("sh", ["-c", `printf 'latest\\n' > ${www}/version.txt`]);
        const bad = await run(process.execPath, [supervisor, "--check-config"], env);
        assert.equal(bad.code, 1);
        assert.match(
          bad.stderr,
          /expected a version such as 1\.0\.6 or 1\.1\.0-rc\.1; got \\"latest\\"/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
