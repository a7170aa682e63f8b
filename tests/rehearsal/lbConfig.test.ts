import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clouds } from "../../components/cloud";
import { cloudMode } from "../../tools/rehearsal/cloudModes";
import {
  LbConfigParams,
  renderLbConfig,
  validateLbConfigParams,
} from "../../tools/rehearsal/lbConfig";
import { defaultNginxBin } from "../../tools/rehearsal/lb";
import { lbBehaviour } from "../../tools/rehearsal/timing";

const params: LbConfigParams = {
  listenPort: 18000,
  runtimeDir: "/tmp/rehearsal/lb",
  generation: 3,
  behaviour: lbBehaviour(cloudMode("aws")),
  servers: [
    { id: "i-1", port: 18001, zone: "zone-a" },
    { id: "i-2", port: 18002, zone: "zone-b" },
  ],
};

function nginxTest(config: string, dir: string): Promise<{ ok: boolean; stderr: string }> {
  const path = join(dir, "nginx.conf");
  writeFileSync(path, config);
  return new Promise((resolve) =>
    execFile(defaultNginxBin, ["-t", "-p", dir, "-c", path, "-e", "stderr"], (error, _o, stderr) =>
      resolve({ ok: error === null, stderr }),
    ),
  );
}

describe("rehearsal load balancer configuration", () => {
  for (const cloud of clouds) {
    it(`renders the ${cloud} snapshot (update it deliberately when the configuration changes)`, () => {
      const text = renderLbConfig({ ...params, behaviour: lbBehaviour(cloudMode(cloud)) });
      assert.equal(
        text,
        readFileSync(join(__dirname, "__snapshots__", `lb.${cloud}.conf`), "utf8"),
      );
    });
  }

  it("aws: layer 7, never retries (the ALB answers 502), keeps target connections 60 s / 20", () => {
    const text = renderLbConfig(params);
    // No passive ejection: the ALB takes a target out on its health checks only.
    assert.match(text, /server 127\.0\.0\.1:18001 max_fails=0; # i-1 zone-a\n/);
    assert.match(text, /server 127\.0\.0\.1:18002 max_fails=0; # i-2 zone-b\n/);
    assert.match(text, /proxy_next_upstream off;/);
    assert.doesNotMatch(text, /proxy_next_upstream_tries/);
    assert.match(text, /keepalive 16;\n\s+keepalive_timeout 3000ms;/);
    // The ALB answers 504 when a target sends nothing for its idle timeout (60 s / 20).
    assert.match(text, /proxy_read_timeout 3000ms;/);
    // No client keepalive: a reload closes idle client connections, which would be a failure.
    assert.match(text, /\n {4}keepalive_timeout 0;/);
    // Upstream keepalive needs HTTP/1.1 and an empty Connection header.
    assert.match(text, /proxy_http_version 1\.1;\s+proxy_set_header Connection "";/);
    assert.match(text, /proxy_connect_timeout 500ms;/);
    assert.match(text, /listen 127\.0\.0\.1:18000;/);
    assert.match(text, /daemon off;/);
  });

  it("gcp: layer 7, one retry on connection failures and gateway errors, 600 s / 20 idle", () => {
    const text = renderLbConfig({ ...params, behaviour: lbBehaviour(cloudMode("gcp")) });
    assert.match(text, /proxy_next_upstream error timeout http_502 http_503 http_504;/);
    assert.match(text, /proxy_next_upstream_tries 2;/);
    assert.match(text, /keepalive_timeout 30000ms;/);
    // The backend service timeout, 30 s / 20.
    assert.match(text, /proxy_read_timeout 1500ms;/);
  });

  it("azure: layer 4, the stream module forwards TCP, flows idle 240 s / 20, nothing retried", () => {
    const text = renderLbConfig({ ...params, behaviour: lbBehaviour(cloudMode("azure")) });
    assert.match(text, /^load_module \/usr\/lib\/nginx\/modules\/ngx_stream_module\.so;/m);
    assert.match(text, /\nstream \{/);
    assert.doesNotMatch(text, /\nhttp \{/);
    assert.match(text, /proxy_timeout 12000ms;/);
    assert.match(text, /proxy_next_upstream off;/);
    // Old workers keep their flows at least as long as a flow may idle.
    assert.match(text, /worker_shutdown_timeout 12000ms;/);
  });

  it("with no instance in service, keeps a valid upstream that is never contacted", () => {
    const text = renderLbConfig({ ...params, servers: [] });
    assert.match(text, /server 127\.0\.0\.1:9 down; # no instance in service/);
    assert.doesNotMatch(text, /max_fails/);
  });

  describe("nginx -t accepts what is rendered", () => {
    let dir = "";
    before(() => (dir = mkdtempSync(join(tmpdir(), "lbconf-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));
    for (const cloud of clouds) {
      for (const [name, servers] of [
        ["two servers", params.servers],
        ["no server", []],
      ] as const) {
        it(`${cloud}: ${name}`, async () => {
          const behaviour = lbBehaviour(cloudMode(cloud));
          const result = await nginxTest(
            renderLbConfig({ ...params, runtimeDir: dir, servers, behaviour }),
            dir,
          );
          assert.ok(result.ok, result.stderr);
        });
      }
    }
  });

  describe("validation", () => {
    const rows: Array<[string, Partial<LbConfigParams>, string]> = [
      ["port 0", { listenPort: 0 }, "listenPort: expected an integer from 1 to 65535; got 0"],
      [
        "a relative runtime dir",
        { runtimeDir: "tmp/lb" },
        'runtimeDir: expected an absolute path of letters, digits and ._/- only; got "tmp/lb"',
      ],
      [
        "an id nginx would parse",
        { servers: [{ id: "i-1;", port: 18001, zone: "zone-a" }] },
        'servers: expected ids and zones of letters, digits and ._- only; got {"id":"i-1;","port":18001,"zone":"zone-a"}',
      ],
      [
        "two servers on one port",
        {
          servers: [
            { id: "i-1", port: 18001, zone: "zone-a" },
            { id: "i-2", port: 18001, zone: "zone-b" },
          ],
        },
        "servers: expected distinct ports, none the listen port; got 18001, 18001",
      ],
      [
        "no attempt at all",
        { behaviour: { ...lbBehaviour(cloudMode("aws")), attempts: 0 } },
        "behaviour.attempts: expected an integer from 1 to 5; got 0",
      ],
    ];
    for (const [name, change, message] of rows) {
      it(`refuses ${name}`, () => {
        assert.deepEqual(validateLbConfigParams({ ...params, ...change }), [message]);
        assert.throws(() => renderLbConfig({ ...params, ...change }), {
          message: new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
        });
      });
    }
  });
});
