import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { targetedActionSteps, targetedUpdates } from "./rules";

const root = join(__dirname, "..", "..");

/** Every file of the repository but dependencies, git's own files and binaries. */
function repositoryFiles(dir = root): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === "node_modules" || entry === ".git") return [];
    const path = join(dir, entry);
    const stat = statSync(path);
    if (stat.isDirectory()) return repositoryFiles(path);
    return stat.size < 2_000_000 ? [path] : [];
  });
}

// Built from parts so this file does not trip its own scan.
const up = ["pulumi", "up"].join(" ");
const update = ["pulumi", "update"].join(" ");
const automationUp = [".up", "({"].join("");

describe("no targeted pulumi up anywhere (workflows, docs, scripts, code)", () => {
  it("scans the whole repository", () => {
    const found = repositoryFiles().flatMap((path) => {
      const text = readFileSync(path, "utf8");
      if (text.includes("\u0000")) return [];
      return targetedUpdates(text).map((line) => `${relative(root, path)}: ${line}`);
    });
    assert.deepEqual(found, []);
  });

  it("no workflow passes target to pulumi/actions with command: up", () => {
    const dir = join(root, ".github", "workflows");
    const files = Object.fromEntries(
      readdirSync(dir).map((f) => [`.github/workflows/${f}`, readFileSync(join(dir, f), "utf8")]),
    );
    assert.deepEqual(targetedActionSteps(files), []);
  });

  // The scan must find what the old README, runbook and workflow ran.
  const caught: [string, string][] = [
    ["a flag after the command", `${up} --yes --target "$urn"`],
    ["the short flag", `${up} -t urn:pulumi:test::p::t::n`],
    ["an = form", `${up} --target=urn:pulumi:x`],
    ["a continued line", `${up} --yes --skip-preview --stack test \\\n  --target "$urn"`],
    ["the update alias", `${update} --target "$urn"`],
    ["the Automation API", `await stack${automationUp} onOutput: log, target: [urn] })`],
  ];
  for (const [label, text] of caught) {
    it(`catches ${label}`, () => assert.equal(targetedUpdates(text).length, 1, text));
  }
  const fine: [string, string][] = [
    ["a plain up", `${up} --yes --stack prod`],
    ["a drill's own --target flag", "npm run drill -- self-heal --target local"],
    ["a preview with a target", `pulumi preview --target "$urn"`],
    ["up, then another command with a target", `${up} --yes; npm run drill -- --target x`],
  ];
  for (const [label, text] of fine) {
    it(`leaves ${label} alone`, () => assert.deepEqual(targetedUpdates(text), []));
  }
});
