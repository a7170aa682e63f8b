import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { one } from "../helpers/plan";
import {
  isGoogleRegistry,
  registryHost,
  renderShutdownScript,
  renderStartupScript,
  shellQuote,
} from "../../providers/gcp/startup";
import { inputs, plan, T } from "./helpers";
import { matchSnapshot } from "./snapshot";

const shellcheck = "/usr/bin/shellcheck";

/** The scripts exactly as the instance template hands them to the metadata server. */
async function scripts(stack: "test" | "prod", overrides: Record<string, string> = {}) {
  const metadata = inputs(one(await plan(stack, overrides), T.template)).metadata;
  return {
    startup: metadata["startup-script"] as string,
    shutdown: metadata["shutdown-script"] as string,
  };
}

/** shellcheck's findings for a script, as bash; empty when clean. */
function lint(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), "gcp-startup-"));
  try {
    const file = join(dir, "script.sh");
    writeFileSync(file, script);
    const result = spawnSync(shellcheck, ["-s", "bash", "--severity=style", file], {
      encoding: "utf8",
      timeout: 20_000,
    });
    assert.equal(result.error, undefined, `could not run ${shellcheck}`);
    return result.stdout + result.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("registryHost and isGoogleRegistry", () => {
  const rows: [string, string, boolean][] = [
    ["us-central1-docker.pkg.dev/p/r/web:1.0.0", "us-central1-docker.pkg.dev", true],
    ["europe-docker.pkg.dev/p/r/web@sha256:" + "a".repeat(64), "europe-docker.pkg.dev", true],
    ["gcr.io/p/web:1", "gcr.io", true],
    ["eu.gcr.io/p/web:1", "eu.gcr.io", true],
    ["nginx:1.27", "docker.io", false],
    ["library/nginx", "docker.io", false],
    ["localhost/web:1", "localhost", false],
    ["registry.example.com:5000/web:1", "registry.example.com:5000", false],
    ["us-docker.pkg.dev.evil.com/web:1", "us-docker.pkg.dev.evil.com", false],
  ];
  for (const [image, host, google] of rows) {
    it(`${image} → ${host}${google ? " (Google)" : ""}`, () => {
      assert.equal(registryHost(image), host);
      assert.equal(isGoogleRegistry(host), google);
    });
  }
});

describe("shellQuote", () => {
  it("keeps a value intact inside single quotes, even one with quotes in it", () => {
    assert.equal(shellQuote("a b"), "'a b'");
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    const result = spawnSync(
      "bash",
      ["-c", `printf %s ${shellQuote("x'; rm -rf /; echo '$HOME")}`],
      {
        encoding: "utf8",
      },
    );
    assert.equal(result.stdout, "x'; rm -rf /; echo '$HOME");
  });
});

for (const stack of ["test", "prod"] as const) {
  describe(`gcp startup and shutdown scripts (${stack})`, () => {
    it("pass shellcheck as bash", async () => {
      const { startup, shutdown } = await scripts(stack);
      assert.equal(lint(startup), "");
      assert.equal(lint(shutdown), "");
    });
  });
}

describe("gcp startup script (test stack)", () => {
  // What must be in it, whatever else changes: the snapshot below catches everything else.
  it("runs the stack's image read-only on 8080 with the drain and the instance's identity", async () => {
    const { startup } = await scripts("test");
    const lines = startup.split("\n");
    const has = (line: string) => assert.ok(lines.includes(line), `missing: ${line}`);
    has("readonly IMAGE='us-central1-docker.pkg.dev/acme-ha-web-test/ha-web-service/web:1.0.0'");
    has("readonly PORT=8080");
    has("readonly DRAIN_SECONDS=30");
    has("readonly STOP_TIMEOUT=35");
    has("docker-credential-gcr configure-docker --registries='us-central1-docker.pkg.dev'");
    has("  --restart=always \\");
    has("  --read-only --tmpfs /tmp:rw,noexec,nosuid,size=64m \\");
    has('  --publish "$PORT:$PORT" \\');
    has('  --stop-timeout "$STOP_TIMEOUT" \\');
    has('  --env "INSTANCE_ID=$INSTANCE_ID" \\');
    has('  --env "ZONE=$ZONE" \\');
    has('  --env "DRAIN_SECONDS=$DRAIN_SECONDS" \\');
    assert.doesNotMatch(startup, /gce-container-declaration|konlet/);
  });

  it("matches its snapshot", async () => {
    matchSnapshot("startup-script.test.sh", (await scripts("test")).startup);
  });

  it("the shutdown script stops the container with drain + 5 s, and matches its snapshot", async () => {
    const { shutdown } = await scripts("test");
    assert.match(shutdown, /^docker stop --time 35 web \|\| true$/m);
    matchSnapshot("shutdown-script.test.sh", shutdown);
  });

  it("follows drainingTimeoutSeconds", async () => {
    const { startup, shutdown } = await scripts("test", { drainingTimeoutSeconds: "60" });
    assert.match(startup, /^readonly DRAIN_SECONDS=60$/m);
    assert.match(startup, /^readonly STOP_TIMEOUT=65$/m);
    assert.match(shutdown, /^docker stop --time 65 web \|\| true$/m);
  });
});

/**
 * Runs the rendered script with bash for real, with `curl` (the metadata server), `docker`,
 * `docker-credential-gcr`, `mkdir` and `sleep` replaced by stubs that log their arguments.
 */
function runWithStubs(script: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "gcp-stubs-"));
  const log = join(dir, "calls.log");
  const stub = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  try {
    stub(
      "curl",
      `case "\${*: -1}" in
  */instance/hostname) echo web-vm-x1z2.us-central1-b.c.acme-ha-web-test.internal ;;
  */instance/zone) echo projects/123456789012/zones/us-central1-b ;;
  *) exit 22 ;;
esac`,
    );
    stub(
      "docker",
      `echo "docker $*" >> "${log}"
if [ "$1" = pull ] && [ -n "\${FAIL_PULL:-}" ]; then exit 1; fi`,
    );
    stub("docker-credential-gcr", `echo "docker-credential-gcr $* HOME=$HOME" >> "${log}"`);
    stub("mkdir", `echo "mkdir $*" >> "${log}"`);
    stub("sleep", `echo "sleep $*" >> "${log}"`);
    writeFileSync(join(dir, "startup.sh"), script);
    const result = spawnSync("bash", [join(dir, "startup.sh")], {
      encoding: "utf8",
      timeout: 10_000,
      env: { PATH: `${dir}:/usr/bin:/bin`, ...env },
    });
    let calls: string[] = [];
    try {
      calls = readFileSync(log, "utf8").trim().split("\n");
    } catch {
      // nothing was called
    }
    return { status: result.status, stderr: result.stderr, calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("gcp startup script, run with stub commands", () => {
  const script = renderStartupScript({
    image: "us-central1-docker.pkg.dev/acme-ha-web-test/web-images/web:1.0.0",
    containerPort: 8080,
    drainSeconds: 30,
    keepaliveSeconds: 620,
  });

  it("configures credentials, pulls, replaces any old container and runs the new one", () => {
    const { status, stderr, calls } = runWithStubs(script);
    assert.equal(status, 0, stderr);
    const image = "us-central1-docker.pkg.dev/acme-ha-web-test/web-images/web:1.0.0";
    assert.deepEqual(calls, [
      "mkdir -p /home/web-service",
      "docker-credential-gcr configure-docker --registries=us-central1-docker.pkg.dev HOME=/home/web-service",
      `docker pull ${image}`,
      "docker rm --force web",
      [
        "docker run --detach --name web --restart=always",
        "--read-only --tmpfs /tmp:rw,noexec,nosuid,size=64m",
        "--cap-drop=ALL --security-opt=no-new-privileges",
        "--publish 8080:8080 --stop-timeout 35",
        "--log-driver=gcplogs --log-opt cache-max-size=10m --log-opt cache-max-file=5",
        "--env PORT=8080 --env INSTANCE_ID=web-vm-x1z2 --env ZONE=us-central1-b --env DRAIN_SECONDS=30",
        "--env NGINX_KEEPALIVE_TIMEOUT_SECONDS=620",
        image,
      ].join(" "),
    ]);
  });

  it("gives up after six failed pulls, without starting anything", () => {
    const { status, stderr, calls } = runWithStubs(script, { FAIL_PULL: "1" });
    assert.equal(status, 1);
    assert.match(stderr, /giving up on us-central1-docker\.pkg\.dev/);
    assert.equal(calls.filter((c) => c.startsWith("docker pull ")).length, 6);
    assert.deepEqual(
      calls.filter((c) => c.startsWith("sleep ")),
      ["sleep 5", "sleep 10", "sleep 15", "sleep 20", "sleep 25"],
    );
    assert.equal(
      calls.some((c) => c.startsWith("docker run")),
      false,
    );
  });

  it("the shutdown script stops the container even if it is already gone", () => {
    const { status, calls } = runWithStubs(renderShutdownScript(30));
    assert.equal(status, 0);
    assert.deepEqual(calls, ["docker stop --time 35 web"]);
  });
});
