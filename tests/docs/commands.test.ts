/**
 * Runs the documented commands that need no cloud, so the docs cannot drift from the tools.
 *
 * A command runs only when its fenced `sh` block is marked, on the line above, with
 * `<!-- offline -->` (expect exit 0), `<!-- offline exit=N -->`, or
 * `<!-- offline exit=N output=next -->` (the next fenced block's lines must appear in the output).
 * Marking is explicit because whether a command needs a cloud cannot be guessed safely. Every
 * marked command becomes its own test, named by file and line; one whose tool is missing fails.
 * Unmarked blocks still have their `npm run` scripts checked against package.json.
 *
 * A plain `npm run <script> -- args` whose script is one TypeScript CLI (`node -r
 * ./scripts/register.js tools/X/cli.ts` or `tsx tools/X/cli.ts`) runs in-process: the same
 * `main` with the same arguments, without loading Node and the SDKs again per command. Any other
 * command (quotes, pipes, several commands, another script) runs in bash as before.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  commandsOf,
  documentationFiles,
  FencedBlock,
  fencedBlocks,
  OfflineMarker,
  parseOfflineMarker,
  repoRoot,
} from "./markdown";
import { packageScripts, runScriptInProcess, scriptCli } from "../helpers/command";

/** Each command's limit: an offline plan takes about 2 s, a CLI's --help about 1 s. */
const commandTimeoutMs = 30_000;

interface OfflineCommand {
  readonly where: string;
  readonly command: string;
  readonly marker: OfflineMarker;
  /** Lines the output must contain (from the block after an `output=next` block). */
  readonly expectedOutput: readonly string[];
}

function collect(): { offline: OfflineCommand[]; blocks: FencedBlock[]; problems: string[] } {
  const offline: OfflineCommand[] = [];
  const blocks: FencedBlock[] = [];
  const problems: string[] = [];
  for (const file of documentationFiles()) {
    const fileBlocks = fencedBlocks(file);
    blocks.push(...fileBlocks);
    fileBlocks.forEach((block, index) => {
      let marker: OfflineMarker | undefined;
      try {
        marker = parseOfflineMarker(block.marker);
      } catch (error) {
        problems.push(`${file}:${block.line}: ${(error as Error).message}`);
        return;
      }
      if (marker === undefined) return;
      if (block.language !== "sh") {
        problems.push(
          `${file}:${block.line}: an offline marker needs a sh block; got "${block.language}"`,
        );
        return;
      }
      const commands = commandsOf(block);
      if (commands.length === 0) {
        problems.push(`${file}:${block.line}: an offline block with no command`);
      }
      const next = fileBlocks[index + 1];
      if (marker.outputNext && next === undefined) {
        problems.push(`${file}:${block.line}: output=next, but no fenced block follows`);
      }
      const expectedOutput = marker.outputNext
        ? (next?.lines ?? []).map((line) => line.trim()).filter((line) => line !== "")
        : [];
      for (const { command, line } of commands) {
        offline.push({ where: `${file}:${line}`, command, marker, expectedOutput });
      }
    });
  }
  return { offline, blocks, problems };
}

function run(command: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      "bash",
      ["-o", "pipefail", "-c", command],
      {
        cwd: repoRoot,
        timeout: commandTimeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        const killed =
          error !== null && error.killed ? `\n(killed after ${commandTimeoutMs} ms)` : "";
        resolve({ code, output: `${stdout}${stderr}${killed}` });
      },
    );
  });
}

/** A word the shell passes on as it is: no quotes, expansions, globs or operators. */
const plainWord = /^[\w@%+=:,./-]+$/;

/**
 * `npm run <script> -- args [> /dev/null] [# comment]` with plain words only, as the script name
 * and the arguments npm passes to it; undefined for anything the shell would do more with.
 */
function plainNpmRun(
  command: string,
): { script: string; args: string[]; discardStdout: boolean } | undefined {
  const words = command
    .replace(/\s+#.*$/, "")
    .trim()
    .split(/\s+/);
  if (words[0] !== "npm" || words[1] !== "run") return undefined;
  let rest = words.slice(2);
  if (rest[0] === "--silent") rest = rest.slice(1);
  const [script, ...after] = rest;
  let args = after;
  const discardStdout = args.length >= 2 && args.at(-2) === ">" && args.at(-1) === "/dev/null";
  if (discardStdout) args = args.slice(0, -2);
  if (args.length > 0) {
    if (args[0] !== "--") return undefined;
    args = args.slice(1);
  }
  if (script === undefined || ![script, ...args].every((word) => plainWord.test(word))) {
    return undefined;
  }
  return { script, args, discardStdout };
}

/** Runs a documented command: in-process when it is a plain `npm run` of one CLI, else in bash. */
async function runDocumented(command: string): Promise<{ code: number; output: string }> {
  const npmRun = plainNpmRun(command);
  if (npmRun === undefined || scriptCli(packageScripts()[npmRun.script] ?? "") === undefined) {
    return run(command);
  }
  const { code, stdout, stderr } = await runScriptInProcess(npmRun.script, npmRun.args, {
    env: { ...process.env, CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" },
    cwd: repoRoot,
  });
  return { code, output: `${npmRun.discardStdout ? "" : stdout}${stderr}` };
}

const { offline, blocks, problems } = collect();

describe("documented commands", function () {
  this.timeout(commandTimeoutMs + 5_000);
  this.slow(5_000);

  it("every offline marker is well formed and sits on a sh block", () => {
    assert.deepEqual(problems, []);
  });

  it("at least the README's offline examples are marked (the extraction finds them)", () => {
    const inReadme = offline.filter(({ where }) => where.startsWith("README.md:"));
    assert.ok(inReadme.length >= 5, `found ${inReadme.length} offline commands in README.md`);
  });

  it("every `npm run <script>` in the docs names a script in package.json", () => {
    const scripts = Object.keys(
      (
        JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
          scripts: Record<string, string>;
        }
      ).scripts,
    );
    const unknown: string[] = [];
    for (const block of blocks.filter((b) => b.language === "sh")) {
      for (const { command, line } of commandsOf(block)) {
        for (const match of command.matchAll(/\bnpm run (?:--silent )?([\w:.-]+)/g)) {
          if (!scripts.includes(match[1])) unknown.push(`${block.file}:${line}: ${match[1]}`);
        }
      }
    }
    assert.deepEqual(unknown, []);
  });

  it("every script the offline commands run is one TypeScript CLI exporting main, so they run in-process", () => {
    const scripts = packageScripts();
    const notInProcess = offline
      .map(({ where, command }) => ({ where, npmRun: plainNpmRun(command) }))
      .filter(({ npmRun }) => npmRun !== undefined)
      .filter(({ npmRun }) => scriptCli(scripts[npmRun!.script] ?? "") === undefined)
      .map(({ where, npmRun }) => `${where}: ${npmRun!.script}: ${scripts[npmRun!.script]}`);
    assert.deepEqual(notInProcess, []);
  });

  it("a plain npm run is recognised; anything the shell would do more with is not", () => {
    assert.deepEqual(plainNpmRun("npm run plan -- --stack prod --json   # stable JSON"), {
      script: "plan",
      args: ["--stack", "prod", "--json"],
      discardStdout: false,
    });
    assert.deepEqual(plainNpmRun("npm run --silent check -- --help > /dev/null"), {
      script: "check",
      args: ["--help"],
      discardStdout: true,
    });
    for (const shell of [
      "npm run plan -- --stack prod | head",
      'npm run plan -- --stack "$STACK"',
      "npm run plan -- --stack prod && echo ok",
      "npm run plan --stack prod",
      "npm test",
      "FOO=1 npm run plan",
    ]) {
      assert.equal(plainNpmRun(shell), undefined, shell);
    }
    assert.equal(scriptCli("node -r ./scripts/register.js tools/plan/cli.ts"), "tools/plan/cli.ts");
    assert.equal(scriptCli("tsx tools/drill/cli.ts"), "tools/drill/cli.ts");
    assert.equal(scriptCli("tsx bench/app.ts"), undefined);
    assert.equal(scriptCli("bash scripts/test.sh --fast"), undefined);
  });

  for (const { where, command, marker, expectedOutput } of offline) {
    it(`${where}: ${command}`, async () => {
      const { code, output } = await runDocumented(command);
      assert.equal(
        code,
        marker.exit,
        `expected exit ${marker.exit}, got ${code}; output:\n${output.slice(-4000)}`,
      );
      const missing = expectedOutput.filter((line) => !output.includes(line));
      assert.deepEqual(
        missing,
        [],
        `documented output not printed; output:\n${output.slice(-4000)}`,
      );
    });
  }
});
