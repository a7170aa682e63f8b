import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LbConfigParams,
  renderLbConfig,
  validateLbConfigParams,
} from "../../tools/rehearsal/lbConfig";
import { defaultNginxBin } from "../../tools/rehearsal/lb";

const params: LbConfigParams = {
  listenPort: 18000,
  runtimeDir: "/tmp/rehearsal/lb",
  generation: 3,
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
  const snapshot = join(__dirname, "__snapshots__", "lb.conf");

  it("renders the snapshot (update it deliberately when the configuration changes)", () => {
    assert.equal(renderLbConfig(params), readFileSync(snapshot, "utf8"));
  });

  it("carries what makes failover and reloads lossless", () => {
    const text = renderLbConfig(params);
    // Each instance as a server, marked down for a second after one failure.
    assert.match(text, /server 127\.0\.0\.1:18001 max_fails=1 fail_timeout=1s; # i-1 zone-a\n/);
    assert.match(text, /server 127\.0\.0\.1:18002 max_fails=1 fail_timeout=1s; # i-2 zone-b\n/);
    // A request that meets a dead or stopping instance goes to the next one.
    assert.match(text, /proxy_next_upstream error timeout http_502 http_503;/);
    assert.match(text, /proxy_next_upstream_tries 3;/);
    // No client keepalive: a reload closes idle client connections, which would be a failure.
    assert.match(text, /\n {4}keepalive_timeout 0;/);
    // Upstream keepalive needs HTTP/1.1 and an empty Connection header.
    assert.match(text, /keepalive 16;/);
    assert.match(text, /proxy_http_version 1\.1;\s+proxy_set_header Connection "";/);
    assert.match(text, /proxy_connect_timeout 500ms;/);
    assert.match(text, /listen 127\.0\.0\.1:18000;/);
    assert.match(text, /daemon off;/);
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
    for (const [name, servers] of [
      ["two servers", params.servers],
      ["no server", []],
    ] as const) {
      it(name, async () => {
        const result = await nginxTest(
          renderLbConfig({ ...params, runtimeDir: dir, servers }),
          dir,
        );
        assert.ok(result.ok, result.stderr);
      });
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
