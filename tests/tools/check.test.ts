import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkVersion } from "../../tools/check/check";
import { checkExitCodes } from "../../tools/check/codes";
import { runCheckCli, usage } from "../../tools/check/main";
import { readExpectedVersion } from "../../tools/check/stack";
import { Lookup } from "../../tools/lib/net";
import { main } from "../../tools/check/cli";
import { runInProcess } from "../helpers/command";
import { freePort, repoRoot } from "../helpers/processes";
import { LocalServer, serve, text } from "./servers";

const cli = join(repoRoot, "tools", "check", "cli.ts");
const tsx = require.resolve("tsx/cjs");

/** Runs the real CLI as a child process, for the real process's exit code. */
function runCliProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ["--require", tsx, cli, ...args],
      {
        env: options.env ?? { PATH: process.env.PATH },
        cwd: options.cwd ?? repoRoot,
        timeout: 30_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    ),
  );
}

/** The CLI's main (tools/check/cli.ts) in this process, with the io a child process would get. */
function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runInProcess("check", main, args, {
    env: options.env ?? { PATH: process.env.PATH },
    cwd: options.cwd ?? repoRoot,
  });
}

/** Drops the leading ISO timestamp of a text line. */
const untimed = (line: string) => line.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, "");

describe("version checker", function () {
  this.timeout(30_000);
  const servers: LocalServer[] = [];
  const dirs: string[] = [];
  const start = async (handler: Parameters<typeof serve>[0]) => {
    const server = await serve(handler);
    servers.push(server);
    return server;
  };
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "check-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  describe("checkVersion against local servers", () => {
    const once = { attempts: 1, timeoutMs: 300 };

    it("passes when the served version equals the expected one", async () => {
      const server = await start(text("1.0.6\n"));
      const result = await checkVersion({ url: server.url(), expected: "1.0.6", ...once });
      assert.equal(result.exitCode, 0);
      assert.equal(result.message, `version 1.0.6 served by ${server.url()}`);
      assert.equal(result.served, "1.0.6");
    });

    it("fails on a wrong version, showing both", async () => {
      const server = await start(text("1.0.5\n"));
      const result = await checkVersion({ url: server.url(), expected: "1.0.6", ...once });
      assert.equal(result.exitCode, checkExitCodes.wrongVersion.code);
      assert.equal(result.message, `wrong version: served 1.0.5, expected 1.0.6 (${server.url()})`);
    });

    it("only trims the one trailing newline: stray whitespace is a wrong version", async () => {
      const server = await start(text("1.0.6 \n"));
      const result = await checkVersion({ url: server.url(), expected: "1.0.6", ...once });
      assert.equal(
        result.message,
        `wrong version: served "1.0.6 ", expected 1.0.6 (${server.url()})`,
      );
    });

    it("fails on an HTTP error status", async () => {
      const server = await start(text("boom", 500));
      const result = await checkVersion({ url: server.url(), expected: "1.0.6", ...once });
      assert.equal(result.exitCode, checkExitCodes.httpStatus.code);
      assert.equal(
        result.message,
        `HTTP 500 from ${server.url()} (expected 200 with version 1.0.6)`,
      );
    });

    it("fails with a timeout on a server that never answers, in bounded time", async () => {
      const server = await start(() => undefined);
      const started = Date.now();
      const result = await checkVersion({ url: server.url(), expected: "1.0.6", ...once });
      assert.equal(result.exitCode, checkExitCodes.timeout.code);
      assert.equal(
        result.message,
        `timeout: no complete answer from ${server.url()} within 300 ms`,
      );
      assert.ok(Date.now() - started < 1_500);
    });

    it("fails with connection refused on a closed port", async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/version.txt`;
      const result = await checkVersion({ url, expected: "1.0.6", ...once });
      assert.equal(result.exitCode, checkExitCodes.connectionRefused.code);
      assert.equal(
        result.message,
        `connection refused: nothing listening at 127.0.0.1:${port} (${url})`,
      );
    });

    it("fails with a DNS error, through an injected resolver that sends nothing", async () => {
      const asked: string[] = [];
      const failing: Lookup = (hostname, _options, callback) => {
        asked.push(hostname);
        callback(
          Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }),
          "",
        );
      };
      const result = await checkVersion({
        url: "http://web.example.invalid/version.txt",
        expected: "1.0.6",
        lookup: failing,
        ...once,
      });
      assert.deepEqual(asked, ["web.example.invalid"]);
      assert.equal(result.exitCode, checkExitCodes.dns.code);
      assert.equal(result.message, "DNS failure: cannot resolve web.example.invalid (ENOTFOUND)");
    });

    it("fails with a TLS error when https:// meets a plain-HTTP port", async () => {
      const server = await start(text("1.0.6\n"));
      const url = `https://127.0.0.1:${server.port}/version.txt`;
      const result = await checkVersion({ url, expected: "1.0.6", ...once });
      assert.equal(result.exitCode, checkExitCodes.tls.code);
      // The code is OpenSSL's (ERR_SSL_WRONG_VERSION_NUMBER with OpenSSL 3.0), so only its
      // family is pinned here.
      assert.match(
        result.message,
        new RegExp(`^TLS error with 127\\.0\\.0\\.1:${server.port}: ERR_SSL_[A-Z_]+$`),
      );
    });

    it("retries with exponential backoff and passes once the right answer comes", async () => {
      let calls = 0;
      const server = await start((_req, res) => {
        calls += 1;
        res.writeHead(calls < 3 ? 503 : 200);
        res.end(calls < 3 ? "" : "1.0.6\n");
      });
      const started = Date.now();
      const result = await checkVersion({
        url: server.url(),
        expected: "1.0.6",
        attempts: 3,
        backoffMs: 100,
      });
      assert.equal(result.exitCode, 0);
      assert.equal(result.attempts, 3);
      // 100 ms, then 200 ms.
      assert.ok(Date.now() - started >= 300);
    });

    it("gives up after the attempts allowed, and says how many", async () => {
      const server = await start(text("1.0.5\n"));
      const result = await checkVersion({
        url: server.url(),
        expected: "1.0.6",
        attempts: 3,
        backoffMs: 10,
      });
      assert.equal(result.attempts, 3);
      assert.equal(
        result.message,
        `wrong version: served 1.0.5, expected 1.0.6 (${server.url()}) after 3 attempts`,
      );
    });

    it("does not retry a client error, which another try would not change", async () => {
      const server = await start(text("", 404));
      const result = await checkVersion({
        url: server.url(),
        expected: "1.0.6",
        attempts: 3,
        backoffMs: 10,
      });
      assert.equal(result.attempts, 1);
      assert.equal(result.exitCode, checkExitCodes.httpStatus.code);
    });
  });

  describe("the expected version from Pulumi.<stack>.yaml", () => {
    it("reads ha-web-service:appVersion", async () => {
      const dir = tempDir();
      writeFileSync(
        join(dir, "Pulumi.test.yaml"),
        'config:\n  ha-web-service:appVersion: "1.0.0"\n',
      );
      assert.equal(await readExpectedVersion("test", dir), "1.0.0");
    });

    it("refuses an unquoted version that YAML turned into a number", async () => {
      const dir = tempDir();
      writeFileSync(join(dir, "Pulumi.prod.yaml"), "config:\n  ha-web-service:appVersion: 1.10\n");
      await assert.rejects(readExpectedVersion("prod", dir), {
        message: `${join(dir, "Pulumi.prod.yaml")}: expected config.ha-web-service:appVersion to be a quoted version such as "1.0.6"; got 1.1`,
      });
    });

    it("says which file is missing", async () => {
      const dir = tempDir();
      await assert.rejects(readExpectedVersion("nope", dir), {
        message: `cannot read ${join(dir, "Pulumi.nope.yaml")}; pass --expect <version> or --stack <name>`,
      });
    });
  });

  // The first test runs the CLI as a child process (the real exit code); the rest call its main.
  describe("the CLI, as a child process", () => {
    it("exits 1 with one line showing both versions", async () => {
      const server = await start(text("1.0.5\n"));
      const result = await runCliProcess([
        "--url",
        server.url(),
        "--expect",
        "1.0.6",
        "--attempts",
        "1",
      ]);
      assert.equal(result.code, 1);
      assert.deepEqual(result.stdout.trimEnd().split("\n").map(untimed), [
        `FAIL wrong version: served 1.0.5, expected 1.0.6 (${server.url()})`,
      ]);
    });

    it("exits 5 on a closed port", async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/version.txt`;
      const result = await runCli(["--url", url, "--expect", "1.0.6", "--attempts", "1"]);
      assert.equal(result.code, 5);
      assert.equal(
        untimed(result.stdout.trimEnd()),
        `FAIL connection refused: nothing listening at 127.0.0.1:${port} (${url})`,
      );
    });

    it("exits 6 for a name under .invalid, answered locally (RFC 6761)", async () => {
      const result = await runCli([
        "--url",
        "http://web.invalid/version.txt",
        "--expect",
        "1.0.6",
        "--attempts",
        "1",
      ]);
      assert.equal(result.code, 6);
      assert.equal(
        untimed(result.stdout.trimEnd()),
        "FAIL DNS failure: cannot resolve web.invalid (ENOTFOUND)",
      );
    });

    it("exits 9 with one line when --stack needs pulumi and PATH has none", async () => {
      const result = await runCli(["--stack", "test", "--expect", "1.0.6"], { env: { PATH: "" } });
      assert.equal(result.code, 9);
      assert.equal(result.stdout, "");
      assert.equal(
        result.stderr,
        "check: pulumi CLI not found on PATH; install it, or pass --url instead of --stack\n",
      );
    });

    it("takes the URL from pulumi and the version from the stack file", async () => {
      const server = await start(text("2.3.4\n"));
      const dir = tempDir();
      const bin = join(dir, "bin");
      mkdirSync(bin);
      // Stands in for the pulumi CLI: prints the output asked for, as the real one does.
      writeFileSync(
        join(bin, "pulumi"),
        `#!/bin/sh\n[ "$*" = "stack output versionUrl --stack staging" ] || exit 3\necho ${server.url()}\n`,
      );
      chmodSync(join(bin, "pulumi"), 0o755);
      writeFileSync(
        join(dir, "Pulumi.staging.yaml"),
        'config:\n  ha-web-service:appVersion: "2.3.4"\n',
      );
      const result = await runCli(["--stack", "staging", "--json"], {
        env: { PATH: bin },
        cwd: dir,
      });
      assert.equal(result.code, 0, result.stderr);
      const line = JSON.parse(result.stdout) as Record<string, unknown>;
      assert.equal(line.ok, true);
      assert.equal(line.url, server.url());
      assert.equal(line.expected, "2.3.4");
      assert.equal(line.served, "2.3.4");
    });

    it("exits 2 on a bad flag, with one line", async () => {
      const result = await runCli(["--url", "http://127.0.0.1:1/", "--every", "30"]);
      assert.equal(result.code, 2);
      assert.equal(
        result.stderr,
        'check: --every: expected a duration such as 500ms, 30s, 2m or 1h; got "30" (see --help)\n',
      );
    });
  });

  describe("the CLI, in process", () => {
    const capture = () => {
      let text = "";
      return { out: { write: (t: string) => (text += t) }, text: () => text };
    };

    /**
     * Three checks 50 ms apart against a server whose second answer is the wrong version, with
     * `extra` flags; stdout and stderr together.
     */
    const threeChecksSecondWrong = async (extra: string[], env: NodeJS.ProcessEnv = {}) => {
      let calls = 0;
      const server = await start((_req, res) => {
        calls += 1;
        res.end(calls === 2 ? "1.0.5\n" : "1.0.6\n");
      });
      const output = capture();
      const code = await runCheckCli(
        [
          "--url",
          server.url(),
          "--expect",
          "1.0.6",
          "--every",
          "50ms",
          "--times",
          "3",
          "--attempts",
          "1",
          ...extra,
        ],
        { stdout: output.out, stderr: output.out, env, cwd: repoRoot },
      );
      return { code, text: output.text(), url: server.url() };
    };

    it("checks periodically with --every and --times, one JSON line per check", async () => {
      const { code, text } = await threeChecksSecondWrong(["--json"]);
      const lines = text
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as { ok: boolean; outcome: string });
      assert.deepEqual(
        lines.map((l) => [l.ok, l.outcome]),
        [
          [true, "ok"],
          [false, "wrongVersion"],
          [true, "ok"],
        ],
      );
      // A failure in the middle is not forgotten by the final exit code.
      assert.equal(code, 1);
    });

    it("appends /version.txt to a URL with no path, and says so", async () => {
      const paths: string[] = [];
      const server = await start((req, res) => {
        paths.push(req.url ?? "");
        res.end(req.url === "/version.txt" ? "1.0.6\n" : "<!DOCTYPE HTML>\n");
      });
      for (const base of [`http://127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port}/`]) {
        const stdout = capture();
        const stderr = capture();
        const code = await runCheckCli(["--url", base, "--expect", "1.0.6", "--attempts", "1"], {
          stdout: stdout.out,
          stderr: stderr.out,
          env: {},
          cwd: repoRoot,
        });
        assert.equal(code, 0, stdout.text());
        assert.equal(
          stderr.text(),
          `check: --url has no path; checking http://127.0.0.1:${server.port}/version.txt\n`,
        );
      }
      assert.deepEqual(paths, ["/version.txt", "/version.txt"]);
    });

    it("runs --on-failure after each failed check only, with the check's result in its environment", async () => {
      const { code, text, url } = await threeChecksSecondWrong(
        ["--on-failure", 'echo "hook $CHECK_OUTCOME $CHECK_EXPECTED $CHECK_URL"; exit 3'],
        { PATH: process.env.PATH },
      );
      const hookLines = text
        .split("\n")
        .filter((line) => line.startsWith("hook ") || line.startsWith("check: --on-failure"));
      assert.deepEqual(hookLines, [
        `hook wrongVersion 1.0.6 ${url}`,
        "check: --on-failure exited 3",
      ]);
      // The hook's own exit code does not change the check's.
      assert.equal(code, 1);
    });

    it("prints every exit code in --help", async () => {
      const stdout = capture();
      assert.equal(
        await runCheckCli(["--help"], {
          stdout: stdout.out,
          stderr: stdout.out,
          env: {},
          cwd: repoRoot,
        }),
        0,
      );
      assert.equal(stdout.text(), `${usage}\n`);
      for (const { code, meaning } of Object.values(checkExitCodes)) {
        assert.ok(stdout.text().includes(`${String(code).padStart(2)}  ${meaning}`), meaning);
      }
    });

    it("keeps every exit code distinct", () => {
      const codes = Object.values(checkExitCodes).map((c) => c.code);
      assert.equal(new Set(codes).size, codes.length);
    });
  });
});
