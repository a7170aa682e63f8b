import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderNginxConfig } from "../../app/nginx/render";
import { readinessLine, writeBadReleaseWrapper } from "../../tools/rehearsal/badRelease";
import { launchInstance } from "../../tools/rehearsal/instance";
import { defaultNginxBin } from "../../tools/rehearsal/lb";

function run(file: string, args: string[]) {
  return new Promise<{ code: number; stderr: string }>((resolve) =>
    execFile(file, args, (error, _stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), stderr }),
    ),
  );
}

describe("bad release: an instance whose health check never passes", function () {
  this.timeout(20_000);
  let dir = "";
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "bad-release-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const appConfig = () =>
    renderNginxConfig({
      listenAddress: "127.0.0.1",
      listenPort: 18080,
      appPort: 13000,
      webRoot: "/srv/www",
      runtimeDir: "/tmp/runtime",
      version: "1.0.1",
    });

  it("the image's template still routes /healthz to the app's readiness with that exact line", () => {
    // If this fails, the template changed: update readinessLine, or the wrapper refuses to run.
    assert.equal(appConfig().split(readinessLine).length, 2);
  });

  it("rewrites only the readiness route to 503, then runs nginx with the same arguments", async () => {
    const conf = join(dir, "nginx.conf");
    writeFileSync(conf, appConfig());
    // /bin/true stands in for nginx: the wrapper execs it with the supervisor's arguments.
    const wrapper = writeBadReleaseWrapper(dir, "/bin/true");
    const result = await run(wrapper, ["-p", dir, "-c", conf, "-e", "stderr"]);
    assert.equal(result.code, 0, result.stderr);
    const rewritten = readFileSync(conf, "utf8");
    assert.equal(rewritten, appConfig().replace(readinessLine, "return 503;"));
  });

  it("refuses to start nginx when the readiness line is missing, so the release stays bad", async () => {
    const conf = join(dir, "nginx.conf");
    writeFileSync(conf, appConfig().replace(readinessLine, "proxy_pass http://app/health;"));
    const result = await run(writeBadReleaseWrapper(dir, "/bin/true"), ["-c", conf]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad-release wrapper: no 'proxy_pass http:\/\/app\/readyz;' in /);
  });

  it("a real instance launched with it serves its version but answers /healthz with 503", async () => {
    const instance = await launchInstance({
      id: "i-bad",
      version: "1.0.1-bad",
      zone: "zone-a",
      drainSeconds: 0,
      dir,
      nginxBin: writeBadReleaseWrapper(dir, defaultNginxBin),
    });
    try {
      let version: Response | undefined;
      for (let i = 0; i < 200 && version === undefined; i += 1) {
        version = await fetch(`http://127.0.0.1:${instance.port}/version.txt`).catch(
          () => undefined,
        );
        if (version === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(version !== undefined, `instance did not start:\n${instance.stderr()}`);
      assert.equal(await version.text(), "1.0.1-bad\n");
      const health = await fetch(`http://127.0.0.1:${instance.port}/healthz`);
      await health.arrayBuffer();
      assert.equal(health.status, 503);
      assert.equal(health.headers.get("x-app-version"), "1.0.1-bad");
      assert.equal(await instance.checkHealth(500), false);
      // The app itself is ready: only the route the load balancer checks is broken.
      const ready = await fetch(`http://127.0.0.1:${instance.appPort}/readyz`);
      assert.equal(ready.status, 200);
    } finally {
      instance.signal("SIGINT");
      await instance.exited;
      instance.signalGroup("SIGKILL");
    }
  });
});
