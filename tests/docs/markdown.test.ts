/**
 * The documentation's own checks: markdownlint with the repository's configuration, local links
 * (files and headings, across files) with remark-validate-links, and the README promises that
 * other pages and the lead rely on. The tools run as `npm run lint:docs` runs them; a failure
 * shows their output.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { documentRoots, fencedBlocks, repoRoot } from "./markdown";

const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);

/** remark-validate-links looks for a Git remote to resolve GitHub URLs; none is needed offline. */
const remarkArgs = [
  "--use",
  "remark-validate-links=repository:false",
  "--frail",
  "--quiet",
  "--no-stdout",
  "--no-color",
  ...documentRoots,
];

function run(file: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile(
      file,
      args,
      { cwd: repoRoot, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : -1,
          output: `${stdout}${stderr}`,
        }),
    ),
  );
}

const readme = () => readFileSync(join(repoRoot, "README.md"), "utf8");

describe("documentation", function () {
  this.timeout(60_000);
  this.slow(10_000);

  it("passes markdownlint (.markdownlint-cli2.jsonc)", async () => {
    const { code, output } = await run(bin("markdownlint-cli2"), []);
    assert.equal(code, 0, output);
  });

  it("has no broken local link: every linked file and heading exists", async () => {
    const { code, output } = await run(bin("remark"), remarkArgs);
    assert.equal(code, 0, output);
  });

  it("`npm run lint:docs` runs the same two checks over the same files", () => {
    const scripts = (
      JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    assert.equal(
      scripts["lint:docs"],
      `markdownlint-cli2 && remark ${remarkArgs.filter((arg) => arg !== "--no-color").join(" ")}`,
    );
  });

  it("the README's quick start keeps its two commands: `npm ci && npm start` and `npm test`", () => {
    const section = readme()
      .split(/^## /m)
      .find((part) => part.startsWith("Quick start"));
    assert.ok(section, "README.md has no ## Quick start section");
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    const commands = firstBlock
      .split("\n")
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter((line) => line !== "");
    assert.deepEqual(commands, ["npm ci && npm start", "npm test"]);
  });

  it("the README's production diagram is the generated one (docs/diagrams/aws-prod.md)", () => {
    const generated = join("docs", "diagrams", "aws-prod.md");
    assert.ok(existsSync(join(repoRoot, generated)), `${generated} is missing`);
    const mermaid = (file: string) =>
      fencedBlocks(file)
        .filter((block) => block.language === "mermaid")
        .map((block) => block.lines.join("\n"));
    const [diagram] = mermaid(generated);
    assert.ok(diagram, `${generated} has no mermaid block`);
    assert.ok(
      mermaid("README.md").includes(diagram),
      `README.md's mermaid block differs from ${generated}; copy the block from there (npm run diagram -- --docs regenerates it)`,
    );
  });
});
