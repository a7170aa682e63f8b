/**
 * Which part of the project may import which (docs/architecture.md): the product and the tools
 * never depend on tests, and everything outside a cloud's home reaches it through the registry
 * (providers/registry.ts) or the contract's types (providers/types.ts), so the registry stays the
 * one place a cloud is chosen. Read from the import statements of every .ts file.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

const repoRoot = join(__dirname, "..", "..");

/** Where each project file's relative imports lead, as repository paths without an extension. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(repoRoot, file), "utf8");
  const specifiers = [...text.matchAll(/(?:from|import|require\()\s*["'](\.{1,2}\/[^"']+)["']/g)];
  return specifiers.map((m) => normalize(join(dirname(file), m[1] ?? "")).replace(/\.ts$/, ""));
}

function projectFiles(): string[] {
  const listed = spawnSync("git", ["ls-files", "*.ts"], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(listed.status, 0, listed.stderr);
  return listed.stdout.split("\n").filter((file) => file !== "");
}

/** Files that are neither tests nor benchmarks: what ships and the commands people run. */
const shipped = (file: string) => !/^(tests|bench)\//.test(file);

/**
 * Imports into one home from outside it, other than through the registry or the contract:
 * `policy/` takes the homes' type tokens (plain data; policy/README.md), `bootstrap/` is a program
 * of its own that shares the homes' SDK entry points and naming, and the tests look inside.
 */
const homeReachers = (file: string) => !/^(providers|policy|bootstrap|tests)\//.test(file);
const throughRegistry = new Set(["providers/registry", "providers/types"]);

describe("layers: who may import what", () => {
  const files = projectFiles();

  it("reads the project's files and their imports", () => {
    assert.ok(files.includes("components/webService.ts") && files.includes("tools/plan/cli.ts"));
    assert.ok(importsOf("components/webService.ts").includes("providers/registry"));
  });

  it("nothing that ships or runs as a command imports tests/ or bench/", () => {
    const found = files.filter(shipped).flatMap((file) =>
      importsOf(file)
        .filter((target) => /^(tests|bench)\//.test(target))
        .map((target) => `${file} → ${target}`),
    );
    assert.deepEqual(found, []);
  });

  it("outside the homes, a cloud is reached through providers/registry.ts only", () => {
    const found = files.filter(homeReachers).flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith("providers/") && !throughRegistry.has(target))
        .map((target) => `${file} → ${target}`),
    );
    assert.deepEqual(found, []);
  });
});
