// The test run's static checks in one process: the type-check, ESLint and Prettier.
// The Pulumi SDKs' declarations are about 2.7 million lines, so building the TypeScript program is
// the whole cost of both `tsc` and type-aware linting. Run separately, `tsc --noEmit` and
// `eslint .` (its project service) each build that program: twice the time and, for ESLint, a
// 2.3 GB peak. Here the program is built once, its diagnostics are printed as tsc prints them, and
// ESLint lints with that same program (typescript-eslint's documented `parserOptions.programs`:
// https://typescript-eslint.io/packages/parser#programs). Prettier runs with its content cache
// (https://prettier.io/docs/cli#--cache), which is exact: a file is re-checked when it, the
// configuration or Prettier's version changes.
//
// When the type-check and ESLint last passed and none of their inputs has changed since, they are
// skipped, as `tsc --build` skips an up-to-date project: the inputs are every file the program
// read (the SDKs' declarations included) by path, size and modification time, the list of the
// project's .ts files (so an added or removed file counts), and the configuration and lock files.
//
//   node scripts/static-checks.mjs [--force]    exit 0 when all three pass, 1 otherwise
//
// `npm run typecheck` and `npm run lint` still run each tool on its own, as before.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const startedAt = Date.now();
let failed = false;

function timed(name, run) {
  const started = performance.now();
  const result = run();
  const report = () =>
    console.log(`   ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (result instanceof Promise) return result.finally(report);
  report();
  return result;
}

const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => report([d]) };
const config = ts.getParsedCommandLineOfConfigFile(
  join(root, "tsconfig.json"),
  { noEmit: true },
  host,
);
const stampFile = join(root, "node_modules", ".cache", "static-checks.json");
const configFiles = [
  "tsconfig.json",
  "eslint.config.mjs",
  "package-lock.json",
  "scripts/static-checks.mjs",
];

/**
 * One hash over what the type-check and ESLint read; undefined when a file has gone or changed
 * after this run started (what was read may then not be what is stamped).
 */
function inputsHash(programFiles) {
  const hash = createHash("sha256");
  hash.update(`${process.version}\n${config.fileNames.join("\n")}\n`);
  for (const file of configFiles) hash.update(readFileSync(join(root, file)));
  for (const file of programFiles) {
    try {
      const { size, mtimeMs } = statSync(file);
      if (mtimeMs >= startedAt) return undefined;
      hash.update(`${file} ${size} ${mtimeMs}\n`);
    } catch {
      return undefined;
    }
  }
  return hash.digest("hex");
}

function lastPass() {
  try {
    return JSON.parse(readFileSync(stampFile, "utf8"));
  } catch {
    return undefined;
  }
}

const previous = process.argv.includes("--force") ? undefined : lastPass();
if (previous !== undefined && inputsHash(previous.files) === previous.hash) {
  console.log("   type-check and eslint: unchanged since they last passed, skipped");
} else {
  await typeCheckAndLint();
}

async function typeCheckAndLint() {
  // 1. The type-check, as `tsc --noEmit -p tsconfig.json` does it.
  const program = timed("type-check", () => {
    const built = ts.createProgram({
      rootNames: config.fileNames,
      options: config.options,
      projectReferences: config.projectReferences,
      configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
    });
    report(ts.getPreEmitDiagnostics(built));
    return built;
  });
  const typeErrors = failed;

  // 2. ESLint with eslint.config.mjs, its type-aware rules reading the program built above.
  const lint = await timed("eslint", async () => {
    const eslint = new ESLint({
      cwd: root,
      overrideConfig: [
        {
          files: ["**/*.ts"],
          languageOptions: { parserOptions: { projectService: false, programs: [program] } },
        },
      ],
    });
    const results = await eslint.lintFiles(["."]);
    const text = (await eslint.loadFormatter("stylish")).format(results);
    if (text) console.log(text);
    return {
      errors: results.some((r) => r.errorCount > 0),
      warnings: results.some((r) => r.warningCount > 0),
    };
  });
  if (lint.errors) failed = true;
  const files = program.getSourceFiles().map((file) => file.fileName);
  const hash = inputsHash(files);
  // Warnings pass, as with `eslint .`, but are not stamped, so they are shown again next run.
  if (!typeErrors && !lint.errors && !lint.warnings && hash !== undefined) {
    mkdirSync(dirname(stampFile), { recursive: true });
    writeFileSync(stampFile, JSON.stringify({ hash, files }));
  }
}

function report(diagnostics) {
  if (diagnostics.length === 0) return;
  failed = true;
  const formatHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => "\n",
  };
  console.log(ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost));
  console.log(`Found ${diagnostics.length} TypeScript error(s).`);
}

// 3. Prettier, in its own process: it needs none of the above, and its CLI prints the file list.
timed("prettier", () => {
  const prettier = spawnSync(
    process.execPath,
    [
      join(root, "node_modules/prettier/bin/prettier.cjs"),
      "--check",
      "--cache",
      "--log-level",
      "warn",
      ".",
    ],
    { cwd: root, stdio: "inherit" },
  );
  if (prettier.status !== 0) failed = true;
});

process.exitCode = failed ? 1 : 0;
