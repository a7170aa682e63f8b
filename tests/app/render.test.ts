import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  NginxConfigParams,
  renderNginxConfig,
  templatePath,
  validateNginxConfigParams,
} from "../../app/nginx/render";
import { nginxBin } from "../helpers/processes";

const params: NginxConfigParams = {
  listenAddress: "127.0.0.1",
  listenPort: 18080,
  appPort: 13000,
  webRoot: "/srv/www",
  runtimeDir: "/tmp/runtime",
  version: "1.0.6",
  accessLog: "/tmp/runtime/access.log.fifo",
  workerProcesses: 2,
};

/** Runs `nginx -t` on `config`, in a scratch runtime dir; resolves with nginx's verdict. */
function nginxTest(config: string, dir: string): Promise<{ ok: boolean; stderr: string }> {
  const path = join(dir, "nginx.conf");
  writeFileSync(path, config);
  return new Promise((resolve) =>
    execFile(nginxBin, ["-t", "-p", dir, "-c", path, "-e", "stderr"], (error, _out, stderr) =>
      resolve({ ok: error === null, stderr }),
    ),
  );
}

describe("nginx configuration", () => {
  describe("validateNginxConfigParams", () => {
    const cases: [string, Partial<NginxConfigParams>, string][] = [
      ["port 0", { listenPort: 0 }, "listenPort: expected an integer from 1 to 65535; got 0"],
      [
        "the same port twice",
        { appPort: 18080 },
        "appPort: expected a port other than listenPort; got 18080",
      ],
      [
        "a host name to listen on",
        { listenAddress: "localhost" },
        'listenAddress: expected an IPv4 address such as 127.0.0.1; got "localhost"',
      ],
      [
        "a relative web root",
        { webRoot: "srv/www" },
        'webRoot: expected an absolute path of letters, digits and ._/- only; got "srv/www"',
      ],
      [
        "a path nginx would parse as two arguments",
        { runtimeDir: "/tmp/a b" },
        'runtimeDir: expected an absolute path of letters, digits and ._/- only; got "/tmp/a b"',
      ],
      [
        "a version that could break the header",
        { version: '1.0.6"; evil' },
        'version: expected a version such as 1.0.6 or 1.1.0-rc.1; got "1.0.6\\"; evil"',
      ],
      [
        "no in-progress requests at all",
        { edgeLimits: { maxConnections: 0 } },
        "edgeLimits.maxConnections: expected an integer from 1 to 100000; got 0",
      ],
      [
        "a fractional request rate",
        { edgeLimits: { requestsPerSecond: 0.5 } },
        "edgeLimits.requestsPerSecond: expected an integer from 1 to 1000000; got 0.5",
      ],
      [
        "no workers",
        { workerProcesses: 0 },
        "workerProcesses: expected an integer from 1 to 64; got 0",
      ],
    ];
    for (const [name, change, message] of cases) {
      it(`refuses ${name}`, () => {
        assert.deepEqual(validateNginxConfigParams({ ...params, ...change }), [message]);
        assert.throws(() => renderNginxConfig({ ...params, ...change }), {
          message: `invalid nginx parameters:\n  ${message}`,
        });
      });
    }

    it("accepts the parameters the supervisor passes", () => {
      assert.deepEqual(validateNginxConfigParams(params), []);
    });
  });

  describe("renderNginxConfig", () => {
    const config = renderNginxConfig(params);
    const lines = config.split("\n").map((line) => line.trim());
    const has = (line: string) =>
      assert.ok(lines.includes(line), `expected the line ${JSON.stringify(line)}`);

    it("matches the snapshot (regenerate with UPDATE_SNAPSHOTS=1 after reviewing the diff)", () => {
      const snapshot = join(__dirname, "__snapshots__", "nginx.conf");
      if (process.env.UPDATE_SNAPSHOTS === "1") {
        mkdirSync(join(__dirname, "__snapshots__"), { recursive: true });
        writeFileSync(snapshot, config);
      }
      assert.ok(existsSync(snapshot), `${snapshot} is missing; run with UPDATE_SNAPSHOTS=1`);
      assert.equal(config, readFileSync(snapshot, "utf8"));
    });

    // What in the snapshot is essential, and why.
    it("writes only under the runtime dir, so the root filesystem can be read-only", () => {
      for (const kind of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
        has(`${kind}_temp_path /tmp/runtime/${kind};`);
      }
      has("pid /tmp/runtime/nginx.pid;");
      has("access_log /tmp/runtime/access.log.fifo json;");
      has("error_log stderr warn;");
      // A `user` line would make a non-root master log a warning on every start.
      assert.equal(lines.filter((line) => line.startsWith("user ")).length, 0);
    });

    it("stays in the foreground, as the supervisor's child", () => {
      has("daemon off;");
    });

    it("serves version.txt from the web root and proxies everything else to the app", () => {
      has("listen 127.0.0.1:18080 default_server;");
      has("location = /version.txt {");
      has("root /srv/www;");
      has("location = /healthz {");
      has("proxy_pass http://app/readyz;");
      has("location / {");
      has("proxy_pass http://app;");
      has("server 127.0.0.1:13000;");
    });

    it("keeps connections to the app alive", () => {
      has("keepalive 32;");
      has("proxy_http_version 1.1;");
      has('proxy_set_header Connection "";');
    });

    it("hides its version, sends the security headers and the app version on every answer", () => {
      has("server_tokens off;");
      has('add_header X-App-Version "1.0.6" always;');
      has('add_header X-Content-Type-Options "nosniff" always;');
      has('add_header X-Frame-Options "DENY" always;');
      has('add_header Referrer-Policy "no-referrer" always;');
      has(
        "add_header Content-Security-Policy \"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'\" always;",
      );
      // add_header in a location silently drops the server-level ones there.
      const addHeaders = lines.filter((line) => line.startsWith("add_header"));
      assert.equal(addHeaders.length, 5);
    });

    it("refuses what a GET-only service never needs, at the edge (tests/app/edge.test.ts runs it)", () => {
      has("client_max_body_size 1k;");
      has("client_header_timeout 5s;");
      has("client_body_timeout 5s;");
      // Three locations that reach the app or the disk, each GET (and so HEAD) only.
      assert.equal(lines.filter((line) => line === "limit_except GET {").length, 3);
      // HTTP/0.9 has no status line: closed without an answer.
      has('if ($server_protocol = "") {');
      has("return 444;");
    });

    it("caps one instance, not one client address, with the sizes from the benchmark", () => {
      // Behind a balancer every connection comes from its addresses: a per-address key would
      // throttle every client and the health checks together.
      const directives = lines.filter((line) => !line.startsWith("#")).join("\n");
      assert.doesNotMatch(directives, /\$binary_remote_addr|\$remote_addr zone/);
      has("limit_conn_zone $server_name zone=instance_connections:1m;");
      has("limit_req_zone $server_name zone=instance_requests:1m rate=15000r/s;");
      has("limit_conn instance_connections 256;");
      has("limit_req zone=instance_requests burst=1500 nodelay;");
      has("limit_conn_status 503;");
      has("limit_req_status 503;");
      // Only in `location /`: the health checks stay exempt.
      const root = config.slice(config.indexOf("location / {"));
      assert.match(root, /limit_conn instance_connections/);
      assert.equal(directives.split("limit_req zone=").length - 1, 1);
    });

    it("passes no client-supplied forwarding header to the app and logs paths without queries", () => {
      has('proxy_set_header X-Forwarded-For "";');
      has('proxy_set_header X-Forwarded-Proto "";');
      const directives = lines.filter((line) => !line.startsWith("#")).join("\n");
      assert.doesNotMatch(directives, /\$proxy_add_x_forwarded_for|\$http_x_forwarded_proto/);
      assert.match(config, /"uri":"\$request_path"/);
      assert.doesNotMatch(config, /"uri":"\$request_uri"/);
    });

    it("logs requests as JSON", () => {
      assert.match(config, /log_format json escape=json '\{"time":"\$time_iso8601"/);
    });

    it("turns accessLog false into access_log off", () => {
      const quiet = renderNginxConfig({ ...params, accessLog: false }).split("\n");
      assert.ok(quiet.map((line) => line.trim()).includes("access_log off;"));
    });

    it("refuses a template with a placeholder it does not know", () => {
      assert.throws(() => renderNginxConfig(params, "listen {{listenPort}} {{typo}};"), {
        message: "nginx template: unknown placeholder(s) typo",
      });
    });
  });

  describe("nginx -t", () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "nginx-t-"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("accepts the rendered configuration", async () => {
      const config = renderNginxConfig({ ...params, runtimeDir: dir, accessLog: false });
      const result = await nginxTest(config, dir);
      assert.ok(result.ok, result.stderr);
      assert.match(result.stderr, /test is successful/);
    });

    it("rejects a broken one, so the test above can fail", async () => {
      const broken = readFileSync(templatePath, "utf8").replace("keepalive 32;", "keepalive;");
      const result = await nginxTest(
        renderNginxConfig({ ...params, runtimeDir: dir, accessLog: false }, broken),
        dir,
      );
      assert.equal(result.ok, false);
      assert.match(result.stderr, /invalid number of arguments in "keepalive" directive/);
    });
  });
});
