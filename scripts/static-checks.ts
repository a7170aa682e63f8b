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
// tests/tools/staticChecks.test.ts checks what invalidates the stamp.
//
//   node -r ./scripts/register.js scripts/static-checks.ts [--force]   exit 0 when all pass
//
// `npm run typecheck` and `npm run lint` still run each tool on its own, as before.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ESLint } from "eslint";
import ts from "typescript";

const root = join(__dirname, "..");
const stampFile = join(root, "node_modules", ".cache", "static-checks.json");
const configFiles = [
  "tsconfig.json",
  "eslint.config.mjs",
  "package-lock.json",
  "scripts/static-checks.ts",
].map((file) => join(root, file));

export interface StampInputs {
  /** When this run started: a file changed since may not be what was read. */
  readonly startedAt: number;
  /** The project's own .ts files, as tsconfig.json's include finds them. */
  readonly rootNames: readonly string[];
  /** Hashed by content. */
  readonly configFiles: readonly string[];
  /** Every file the program read, hashed by path, size and modification time. */
  readonly programFiles: readonly string[];
}

/**
 * One hash over what the type-check and ESLint read; undefined when a file has gone or changed
 * after the run started (what was read may then not be what is stamped).
 */
export function inputsHash(inputs: StampInputs): string | undefined {
  const hash = createHash("sha256");
  hash.update(`${process.version}\n${inputs.rootNames.join("\n")}\n`);
  try {
    for (const file of inputs.configFiles) hash.update(readFileSync(file));
    for (const file of inputs.programFiles) {
      const { size, mtimeMs } = statSync(file);
      if (mtimeMs >= inputs.startedAt) return undefined;
      hash.update(`${file} ${size} ${mtimeMs}\n`);
    }
  } catch {
    return undefined;
  }
  return hash.digest("hex");
}

function timed<T>(name: string, run: () => T): T {
  const started = performance.now();
  const report = () =>
    console.log(`   ${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const result = run();
  if (result instanceof Promise) return result.finally(report) as T;
  report();
  return result;
}

function printDiagnostics(diagnostics: readonly ts.Diagnostic[]): boolean {
  if (diagnostics.length === 0) return false;
  const formatHost: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => "\n",
  };
  console.log(ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost));
  console.log(`Found ${diagnostics.length} TypeScript error(s).`);
  return true;
}

/** The type-check, as `tsc --noEmit -p tsconfig.json`, then ESLint on the same program. */
async function typeCheckAndLint(config: ts.ParsedCommandLine, startedAt: number): Promise<boolean> {
  const { program, typeErrors } = timed("type-check", () => {
    const built = ts.createProgram({
      rootNames: config.fileNames,
      options: config.options,
      projectReferences: config.projectReferences,
      configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
    });
    return { program: built, typeErrors: printDiagnostics(ts.getPreEmitDiagnostics(built)) };
  });

  // ESLint with eslint.config.mjs, its type-aware rules reading the program built above.
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
    const text = await (await eslint.loadFormatter("stylish")).format(results);
    if (text) console.log(text);
    return {
      errors: results.some((r) => r.errorCount > 0),
      warnings: results.some((r) => r.warningCount > 0),
    };
  });

  const programFiles = program.getSourceFiles().map((file) => file.fileName);
  const hash = inputsHash({ startedAt, rootNames: config.fileNames, configFiles, programFiles });
  // Warnings pass, as with `eslint .`, but are not stamped, so they are shown again next run.
  if (!typeErrors && !lint.errors && !lint.warnings && hash !== undefined) {
    mkdirSync(dirname(stampFile), { recursive: true });
    writeFileSync(stampFile, JSON.stringify({ hash, programFiles }));
  }
  return !typeErrors && !lint.errors;
}

function lastPass(): { hash: string; programFiles: string[] } | undefined {
  try {
    return JSON.parse(readFileSync(stampFile, "utf8")) as { hash: string; programFiles: string[] };
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => printDiagnostics([d]),
  };
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    { noEmit: true },
    host,
  );
  if (config === undefined) {
    process.exitCode = 1;
    return;
  }
  let ok = true;
  const previous = process.argv.includes("--force") ? undefined : lastPass();
  const unchanged =
    previous !== undefined &&
    inputsHash({
      startedAt,
      rootNames: config.fileNames,
      configFiles,
      programFiles: previous.programFiles,
    }) === previous.hash;
  if (unchanged) {
    console.log("   type-check and eslint: unchanged since they last passed, skipped");
  } else {
    ok = await typeCheckAndLint(config, startedAt);
  }

  // Prettier in its own process: it needs none of the above, and its CLI prints the file list.
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
    if (prettier.status !== 0) ok = false;
  });
  process.exitCode = ok ? 0 : 1;
}

if (require.main === module) void main();
