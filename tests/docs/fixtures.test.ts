/**
 * The documentation checks can fail: each is run on a fixture broken on purpose, and must name
 * exactly what is broken. Without this, a misconfigured check (wrong globs, a plugin not loaded, a
 * marker never recognised) would pass everything.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commandsOf, fencedBlocks, parseOfflineMarker, repoRoot } from "./markdown";

function run(file: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile(file, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({
        code: error === null ? 0 : typeof error.code === "number" ? error.code : -1,
        output: `${stdout}${stderr}`,
      }),
    ),
  );
}

const fence = "```";

const broken = `# Title

### A skipped level

See [a missing file](./missing.md), [a missing heading](#no-such-heading) and
[a heading missing in another file](./other.md#nope).

${fence}
no language
${fence}
`;

const other = `# Other

## Present
`;

const commands = `# Commands

1. In a list:

   <!-- offline exit=2 output=next -->

   ${fence}sh
   # a comment line is not a command
   npm run plan -- --stack test \\
     -c minInstances=9
   echo one |
     cat
   ${fence}

   ${fence}text
     invalid stack configuration:
   ${fence}

<!-- offline exit=two -->

${fence}sh
npm start
${fence}

${fence}sh
pulumi up
${fence}
`;

describe("documentation checks on broken fixtures", function () {
  this.timeout(60_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "docs-fixtures-"));
    writeFileSync(join(dir, "broken.md"), broken);
    writeFileSync(join(dir, "other.md"), other);
    writeFileSync(join(dir, "commands.md"), commands);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("markdownlint, with the repository's configuration, reports each broken rule", async () => {
    const { code, output } = await run(
      join(repoRoot, "node_modules", ".bin", "markdownlint-cli2"),
      ["--config", join(repoRoot, ".markdownlint-cli2.jsonc"), "--no-globs", "broken.md"],
      dir,
    );
    assert.equal(code, 1, output);
    const rules = [...output.matchAll(/ error (MD\d+)\//g)].map((m) => m[1]).sort();
    assert.deepEqual(rules, ["MD001", "MD040", "MD051"], output);
  });

  it("remark-validate-links reports missing files and headings, in this file and in others", async () => {
    const { code, output } = await run(
      join(repoRoot, "node_modules", ".bin", "remark"),
      [
        // By path: the fixture lives outside the repository, where the package name cannot resolve.
        "--use",
        `${join(repoRoot, "node_modules", "remark-validate-links", "index.js")}=repository:false`,
        "--frail",
        "--quiet",
        "--no-stdout",
        "--no-color",
        "broken.md",
        "other.md",
      ],
      dir,
    );
    assert.equal(code, 1, output);
    const reasons = [...output.matchAll(/remark-validate-links:([\w-]+)/g)].map((m) => m[1]).sort();
    assert.deepEqual(
      reasons,
      ["missing-file", "missing-heading", "missing-heading-in-file"],
      output,
    );
  });

  it("commands are found in list items, with continuation lines joined and comments dropped", () => {
    const blocks = fencedBlocks("commands.md", dir);
    assert.deepEqual(
      blocks.map(({ line, language, marker }) => ({ line, language, marker })),
      [
        { line: 7, language: "sh", marker: "offline exit=2 output=next" },
        { line: 15, language: "text", marker: undefined },
        { line: 21, language: "sh", marker: "offline exit=two" },
        { line: 25, language: "sh", marker: undefined },
      ],
    );
    assert.deepEqual(commandsOf(blocks[0]), [
      { command: "npm run plan -- --stack test -c minInstances=9", line: 9 },
      { command: "echo one | cat", line: 11 },
    ]);
    assert.deepEqual(blocks[1].lines, ["  invalid stack configuration:"]);
  });

  it("markers: exit codes and output checks are read, and a malformed marker is an error", () => {
    assert.deepEqual(parseOfflineMarker("offline"), { exit: 0, outputNext: false });
    assert.deepEqual(parseOfflineMarker("offline exit=2 output=next"), {
      exit: 2,
      outputNext: true,
    });
    assert.equal(parseOfflineMarker("prettier-ignore"), undefined);
    assert.equal(parseOfflineMarker(undefined), undefined);
    assert.throws(
      () => parseOfflineMarker("offline exit=two"),
      /expected offline \[exit=<code>\] \[output=next\]; got "exit=two"/,
    );
  });
});
