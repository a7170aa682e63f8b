import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exitCodes } from "../../tools/lib/errors";
import { installHint, run, runText } from "../../tools/lib/exec";
import { repoRoot } from "../helpers/processes";

/**
 * A command run by the toolkit's runMain as a real process: `body` is the command's main,
 * `(argv, io) => Promise<number>`, with `lib` (tools/lib/cli, errors and exec) in scope.
 */
function command(body: string, options: { interruptible?: boolean } = {}): ChildProcess {
  const script = `
    const lib = { ...require("./tools/lib/cli"), ...require("./tools/lib/errors"), ...require("./tools/lib/exec") };
    lib.runMain("demo", ${body}, ${JSON.stringify(options)});
  `;
  return spawn(process.execPath, ["-r", require.resolve("tsx/cjs"), "-e", script], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

interface Ended {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects a child's output; with `readAfterMs`, stdout is read only that long after start. */
function ended(child: ChildProcess, readAfterMs = 0): Promise<Ended> {
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.pause();
  setTimeout(() => {
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdout?.resume();
  }, readAfterMs);
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

/** Waits until the child has printed `text` on stderr (its sign that handlers are installed). */
async function printed(child: ChildProcess, text: string): Promise<void> {
  let seen = "";
  await new Promise<void>((resolve) =>
    child.stderr?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) resolve();
    }),
  );
}

describe("tools toolkit (tools/lib)", function () {
  this.timeout(60_000);

  describe("runMain: one exit-code scheme for every command", () => {
    it("documents each code once, in docs/lifecycle.md as in tools/lib/errors.ts", () => {
      assert.deepEqual(
        Object.values(exitCodes).map((c) => c.code),
        [0, 1, 2, 3, 4, 70, 130],
      );
      const doc = readFileSync(join(repoRoot, "docs", "lifecycle.md"), "utf8");
      const section = doc.slice(doc.indexOf("### Exit codes of the tools"));
      const table = section.slice(0, section.indexOf("\n#"));
      const rows = [...table.matchAll(/^\| (\d+) +\| (.+?) +\|$/gm)].map((m) => ({
        code: Number(m[1]),
        meaning: m[2],
      }));
      assert.deepEqual(rows, Object.values(exitCodes));
    });

    it("exits with main's code only after a slow reader has taken all of stdout", async () => {
      // 1 MiB is far more than a pipe holds (64 KiB on Linux): process.exit() right after the
      // write drops the rest, as plan, cost, diagram and doctor did before the toolkit.
      const child = command(
        `async (_argv, io) => { io.stdout.write("x".repeat(1 << 20)); return 1; }`,
      );
      const result = await ended(child, 1_500);
      assert.equal(result.stdout.length, 1 << 20);
      assert.equal(result.code, 1, result.stderr);
    });

    const errors: Array<[string, string, number, string | RegExp]> = [
      [
        "a usage error: exit 2, pointing at --help",
        `async () => { throw new lib.UsageError("--rate: expected a rate; got \\"x\\""); }`,
        2,
        'demo: --rate: expected a rate; got "x" (see --help)\n',
      ],
      [
        "invalid configuration: exit 2, printed as it is",
        `async () => { throw new lib.ConfigurationError("invalid stack configuration:\\n  ha-web-service:minInstances: expected at most 4; got 9"); }`,
        2,
        "invalid stack configuration:\n  ha-web-service:minInstances: expected at most 4; got 9\n",
      ],
      [
        "a missing program: exit 3, saying how to install it",
        `async () => { await lib.runText("pulumi-not-installed-here", ["version"]); return 0; }`,
        3,
        "demo: pulumi-not-installed-here not found on PATH: install pulumi-not-installed-here and put it on PATH\n",
      ],
      [
        "a program that fails: exit 3, with its stderr",
        `async () => { await lib.runText("sh", ["-c", "echo broken >&2; exit 5"]); return 0; }`,
        3,
        "demo: sh -c echo broken >&2; exit 5 failed (exit 5):\nbroken\n",
      ],
      [
        "a bug: exit 70 with the stack",
        `async () => { throw new TypeError("boom"); }`,
        70,
        /^demo: unexpected error: TypeError: boom\n {4}at /,
      ],
    ];
    for (const [what, body, code, stderr] of errors) {
      it(what, async () => {
        const result = await ended(command(body));
        assert.equal(result.code, code, result.stderr);
        if (typeof stderr === "string") assert.equal(result.stderr, stderr);
        else assert.match(result.stderr, stderr);
        assert.equal(result.stdout, "");
      });
    }
  });

  describe("runMain: Ctrl-C", () => {
    // A pending promise does not keep Node running, and neither does a signal listener, so the
    // command holds the event loop as a real one does with its servers and timers; without the
    // interval the child could leave with 0 before the test's signal arrives.
    const waitsForAbort = `async (_argv, io) => {
      const busy = setInterval(() => undefined, 1000);
      process.stderr.write("ready\\n");
      await new Promise((resolve) => io.signal.addEventListener("abort", resolve));
      clearInterval(busy);
      process.stderr.write("cleaning up\\n");
      await new Promise((resolve) => setTimeout(resolve, 300));
      return 0;
    }`;

    it("interruptible: the first SIGINT aborts io.signal, and main's code is the exit code", async () => {
      const child = command(waitsForAbort, { interruptible: true });
      const result = ended(child);
      await printed(child, "ready");
      child.kill("SIGINT");
      const { code, stderr } = await result;
      assert.equal(code, 0, stderr);
      assert.equal(stderr, "ready\ncleaning up\n");
    });

    it("interruptible: a second SIGINT (or SIGTERM) leaves at once with 130", async () => {
      const child = command(waitsForAbort, { interruptible: true });
      const result = ended(child);
      await printed(child, "ready");
      child.kill("SIGTERM");
      await printed(child, "cleaning up");
      child.kill("SIGINT");
      const { code, stderr } = await result;
      assert.equal(code, exitCodes.interrupted.code, stderr);
    });

    it("not interruptible: the first SIGINT leaves at once with 130", async () => {
      const child = command(waitsForAbort);
      const result = ended(child);
      await printed(child, "ready");
      child.kill("SIGINT");
      const { code, stderr } = await result;
      assert.equal(code, exitCodes.interrupted.code);
      assert.equal(stderr, "ready\n");
    });
  });

  describe("run and runText: the one execFile wrapper", () => {
    it("reports a missing program as missing, never as a failed one", async () => {
      const result = await run("no-such-program-here", []);
      assert.deepEqual(
        { missing: result.missing, code: result.code },
        { missing: true, code: null },
      );
    });

    it("reports the exit code, stdout and stderr of a program that ran", async () => {
      const result = await run("sh", ["-c", "echo out; echo err >&2; exit 3"]);
      assert.deepEqual(result, {
        code: 3,
        stdout: "out\n",
        stderr: "err\n",
        missing: false,
        timedOut: false,
      });
    });

    it("kills a program at its timeout and says so", async () => {
      const started = performance.now();
      const result = await run("sleep", ["10"], { timeoutMs: 200 });
      assert.ok(performance.now() - started < 5_000);
      assert.equal(result.timedOut, true);
      assert.equal(result.code, null);
      await assert.rejects(runText("sleep", ["10"], { timeoutMs: 200 }), {
        name: "EnvironmentError",
        message: "sleep 10 failed (timed out):\n",
      });
    });

    it("names how to install the programs the tools run", () => {
      assert.equal(installHint("/usr/sbin/nginx"), installHint("nginx"));
      assert.match(installHint("nginx"), /apt-get install nginx-light/);
      assert.match(installHint("dot"), /graphviz/);
    });
  });
});
