/**
 * The image itself, built from app/Dockerfile and run as each cloud runs it (slow tier:
 * `npm run image:test`). The flags and environment come from the offline plan's task
 * definition, startup script and cloud-init (tools/image/arrangements.ts); the runner is
 * container.ts beside this file. Each cloud's stop test waits out its real drain (30 s).
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { ImageCloud } from "../../tools/image/arrangements";
import { userProblems, writeProblems } from "./checks";
import { RunningContainer, httpGet, runContainer } from "./container";
import { BuiltImage, detectEngine } from "./engine";
import { cloudArrangement, imageFor, imageRunnable, testVersion } from "./instance";

const log = (line: string) => process.stdout.write(`      ${line}\n`);

describe("the service image, built and run as each cloud runs it", function () {
  this.timeout(30 * 60_000);
  let image: BuiltImage;

  before(async function () {
    const runnable = imageRunnable();
    if (!runnable.ok) {
      log(`skipped: ${runnable.reason}`);
      this.skip();
    }
    if (detectEngine() === "podman")
      log("docker is not available: stand-in base and chroot runner");
    image = await imageFor({ log });
  });

  it("has the HEALTHCHECK, non-root USER, STOPSIGNAL and /tmp VOLUME in its configuration", () => {
    assert.deepEqual(image.config.healthcheck, ["CMD", "node", "/app/dist/src/healthcheck.js"]);
    assert.equal(image.config.user, "1000:1000");
    assert.equal(image.config.stopSignal, "SIGTERM");
    // The Fargate /tmp fix: without it ECS mounts a root-owned 0755 /tmp (see below).
    assert.deepEqual(image.config.volumes, ["/tmp"]);
    assert.deepEqual(image.config.entrypoint, [
      "/usr/bin/tini",
      "--",
      "node",
      "/app/dist/src/supervisor.js",
    ]);
  });

  for (const cloud of ["aws", "gcp", "azure"] as const satisfies readonly ImageCloud[]) {
    describe(`as ${cloud} runs it`, () => {
      let container: RunningContainer | undefined;
      const running = () => {
        assert.ok(container, "the container did not start");
        return container;
      };

      before(async () => {
        const arrangement = cloudArrangement(cloud);
        log(
          `${arrangement.source}: ${JSON.stringify({ ...arrangement, env: undefined, source: undefined })}`,
        );
        const started = Date.now();
        container = await runContainer({ image, arrangement });
        log(`healthy ${Date.now() - started} ms after start`);
      });
      after(async () => container?.close());

      it("starts and answers: /version.txt is the build arg, /healthz 200, / from the app", async () => {
        const c = running();
        assert.deepEqual(await httpGet(`${c.baseUrl}/version.txt`), {
          status: 200,
          body: `${testVersion}\n`,
        });
        assert.equal((await httpGet(`${c.baseUrl}/healthz`))?.status, 200);
        const root = await httpGet(`${c.baseUrl}/`);
        assert.equal(root?.status, 200);
        const body = JSON.parse(root?.body ?? "{}") as Record<string, unknown>;
        // Only the app answers JSON with these fields; the instance's identity stays in the logs.
        assert.equal(body.service, "ha-web-service");
        assert.equal(body.version, testVersion);
        assert.match(String(body.answeredBy), /^[0-9a-f]{12}$/);
        assert.equal(body.instanceId, undefined);
        assert.equal(body.zone, undefined);
        // The identity the cloud sets (INSTANCE_ID, ZONE) reaches the app, which logs it.
        const listening = c
          .output()
          .split("\n")
          .filter((line) => line.startsWith("{") && line.endsWith("}"))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find((entry) => entry.component === "app" && entry.msg === "listening");
        assert.equal(listening?.instanceId, c.env.INSTANCE_ID ?? c.env.HOSTNAME);
        assert.equal(listening?.zone, c.env.ZONE ?? null);
      });

      it("runs every process as uid 1000 with no capabilities", async () => {
        const c = running();
        assert.equal(c.uid, 1000);
        const processes = await c.processes();
        // tini (twice under ECS's init), the supervisor, the app, the nginx master and workers.
        assert.ok(processes.length >= 5, processes.map((p) => p.command).join("\n"));
        assert.deepEqual(
          userProblems(processes, {
            uid: 1000,
            gid: 1000,
            noNewPrivileges: c.arrangement.noNewPrivileges,
          }),
          [],
        );
      });

      it("has a read-only root and writes nothing outside its runtime directory", async () => {
        const c = running();
        assert.match(await c.rootMountOptions(), /^ro,/);
        // Some traffic first, so nginx has used its temp and log paths.
        for (const path of ["/", "/version.txt", "/healthz", "/nope"])
          await httpGet(`${c.baseUrl}${path}`);
        const written = await c.writtenPaths();
        assert.ok(written.includes(`${c.env.RUNTIME_DIR}/nginx.conf`), written.join("\n"));
        assert.deepEqual(writeProblems(written, c.env.RUNTIME_DIR ?? ""), []);
      });

      it("passes the image's HEALTHCHECK inside the container (and ECS's own health check)", async () => {
        const c = running();
        const [kind, ...command] = image.config.healthcheck ?? [];
        assert.equal(kind, "CMD");
        assert.deepEqual(await c.exec(command), { code: 0, output: "" });
        const ecs = c.arrangement.healthCheck;
        if (ecs !== undefined) {
          assert.equal(ecs[0], "CMD");
          assert.deepEqual(await c.exec(ecs.slice(1)), { code: 0, output: "" });
        }
      });

      it("on SIGTERM: /healthz 503 and the health check fails, /version.txt answers for the drain, then exit 0 within the stop timeout", async () => {
        const c = running();
        const drainMs = Number(c.env.DRAIN_SECONDS) * 1000;
        const stopMs = c.arrangement.stopTimeoutSeconds * 1000;
        const stopped = Date.now();
        c.signal("SIGTERM");

        let healthz: number | undefined;
        while (Date.now() - stopped < 3_000) {
          healthz = (await httpGet(`${c.baseUrl}/healthz`, 1_000))?.status;
          if (healthz === 503) break;
          await sleep(100);
        }
        assert.equal(healthz, 503, "/healthz within 3 s of SIGTERM");
        const [, ...command] = image.config.healthcheck ?? [];
        assert.equal((await c.exec(command)).code, 1, "HEALTHCHECK while draining");

        // /version.txt keeps answering until just before the drain ends.
        let answered = 0;
        while (Date.now() - stopped < drainMs - 1_500) {
          const version = await httpGet(`${c.baseUrl}/version.txt`, 1_000);
          assert.deepEqual(
            version,
            { status: 200, body: `${testVersion}\n` },
            `${Date.now() - stopped} ms after SIGTERM`,
          );
          answered += 1;
          await sleep(1_000);
        }
        assert.ok(
          answered >= Math.floor(drainMs / 1000) - 3,
          `${answered} answers during the drain`,
        );

        const exit = await Promise.race([c.exited, sleep(stopMs + 5_000, undefined)]);
        const elapsed = Date.now() - stopped;
        assert.deepEqual(exit, { code: 0, signal: null }, c.output().slice(-2000));
        assert.ok(
          elapsed >= drainMs - 500,
          `exited after ${elapsed} ms, before the ${drainMs} ms drain`,
        );
        assert.ok(elapsed < stopMs, `exited after ${elapsed} ms; the cloud kills at ${stopMs} ms`);
        log(`SIGTERM to exit 0: ${elapsed} ms (drain ${drainMs} ms, stop timeout ${stopMs} ms)`);
      });
    });
  }

  describe("the runner catches a broken arrangement", () => {
    let broken: BuiltImage;
    before(async () => {
      broken = await imageFor({ variant: "broken", log });
    });

    it("ECS: the image without the VOLUME gets a root-owned 0755 /tmp and cannot start", async () => {
      assert.deepEqual(broken.config.volumes, []);
      await assert.rejects(
        runContainer({
          image: broken,
          arrangement: cloudArrangement("aws"),
          startTimeoutMs: 20_000,
        }),
        (error: Error) => {
          assert.match(error.message, /the container exited before it was healthy/);
          assert.match(error.message, /EACCES: permission denied, mkdir '\/tmp\/runtime'/);
          return true;
        },
      );
    });

    it("GCE: the same image starts, because --tmpfs /tmp is world-writable (so the fault is ECS's alone)", async () => {
      const c = await runContainer({ image: broken, arrangement: cloudArrangement("gcp") });
      try {
        assert.equal((await httpGet(`${c.baseUrl}/healthz`))?.status, 200);
      } finally {
        await c.close();
      }
    });
  });
});
