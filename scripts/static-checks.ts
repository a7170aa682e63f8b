// The test run's static checks: the type-check, ESLint and Prettier.
// The cloud SDKs' declarations are most of what the type-check reads (1.9 million lines even with
// each cloud's code importing SDK submodules, not the roots: providers/*/sdk.ts), so building the
// TypeScript program is the cost of both `tsc` and type-aware linting, and one program holding
// every SDK, type-checked and then linted, peaked at 1.9 GB. So the project's files are split by
// which SDKs their imports reach (aws, gcp, azure, several, none: `partitions`), and each partition
// runs in a child process of its own, one after another: its program is built from its files (so
// each file is checked against its own import closure, as in the whole program; files declaring
// globals are roots of every partition), its files' diagnostics are printed as tsc prints them, and
// ESLint lints them with that same program (typescript-eslint's documented
// `parserOptions.programs`: https://typescript-eslint.io/packages/parser#programs). The peak is
// then the largest partition's, about 1.3 GB. Prettier runs with its content cache
// (https://prettier.io/docs/cli#--cache), which is exact: a file is re-checked when it, the
// configuration or Prettier's version changes.
//
// When the type-check and ESLint last passed and none of their inputs has changed since, they are
// skipped, as `tsc --build` skips an up-to-date project: the inputs are every file a partition's
// program read (the SDKs' declarations included) by path, size and modification time, the list of
// the project's .ts files (so an added or removed file counts), and the configuration and lock
// files.
// tests/tools/staticChecks.test.ts checks what invalidates the stamp.
//
//   node -r ./scripts/register.js scripts/static-checks.ts [--force]   exit 0 when all pass
//
// `npm run lint` runs this script; `npm run typecheck` runs plain `tsc` (one program, about 1.1 GB).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
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

/**
 * The cloud SDKs, whose declarations are most of the program. Each program holds only the SDKs
 * its files reach, so no process holds all three: one program of every file peaked at 1.9 GB.
 */
const sdkPackages: readonly (readonly [string, RegExp])[] = [
  ["aws", /[\\/]node_modules[\\/]@pulumi[\\/](aws|awsx)[\\/]/],
  ["gcp", /[\\/]node_modules[\\/]@pulumi[\\/]gcp[\\/]/],
  ["azure", /[\\/]node_modules[\\/]@pulumi[\\/]azure-native[\\/]/],
];

/** The modules a file names, as the compiler resolves them: imports, re-exports and `import()`. */
export function moduleSpecifiers(file: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isExternalModuleReference(node) && ts.isStringLiteral(node.expression)) {
      found.push(node.expression.text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length > 0 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** A file whose declarations reach other files without an import: a script or `declare global`. */
function declaresGlobals(file: ts.SourceFile): boolean {
  return (
    !ts.isExternalModule(file) ||
    file.referencedFiles.length > 0 ||
    file.typeReferenceDirectives.length > 0 ||
    file.statements.some(
      (s) =>
        ts.isModuleDeclaration(s) &&
        // `declare module "x"` or `declare global`
        (!ts.isIdentifier(s.name) || (s.flags & ts.NodeFlags.GlobalAugmentation) !== 0),
    )
  );
}

export interface Partition {
  /** The SDKs its files reach, joined by "+", or "rest". */
  readonly name: string;
  /** The files it type-checks and lints: each project file is in exactly one partition. */
  readonly files: readonly string[];
  /** Its program's root names: its files and every file that declares globals. */
  readonly rootNames: readonly string[];
}

/**
 * The project's files grouped by which cloud SDKs their import closure reaches. A file is checked
 * in a program of its own closure, as in the whole program, because each partition's program
 * resolves its files' imports; files that declare globals are roots of every partition, so what a
 * file sees is what it would see with every file a root.
 */
export function partitions(
  fileNames: readonly string[],
  options: ts.CompilerOptions,
  host: ts.ModuleResolutionHost = ts.sys,
): Partition[] {
  const project = new Set(fileNames);
  const imports = new Map<string, string[]>();
  const reaches = new Map<string, Set<string>>();
  const globals: string[] = [];
  for (const fileName of fileNames) {
    const text = host.readFile(fileName) ?? "";
    const file = ts.createSourceFile(fileName, text, options.target ?? ts.ScriptTarget.ES2022);
    if (declaresGlobals(file)) globals.push(fileName);
    const local: string[] = [];
    const sdks = new Set<string>();
    for (const specifier of moduleSpecifiers(file)) {
      const resolved = ts.resolveModuleName(specifier, fileName, options, host).resolvedModule;
      if (resolved === undefined) continue;
      if (project.has(resolved.resolvedFileName)) local.push(resolved.resolvedFileName);
      for (const [sdk, path] of sdkPackages)
        if (path.test(resolved.resolvedFileName)) sdks.add(sdk);
    }
    imports.set(fileName, local);
    reaches.set(fileName, sdks);
  }
  const groups = new Map<string, string[]>();
  for (const fileName of fileNames) {
    const sdks = new Set<string>();
    const seen = new Set<string>();
    const next = [fileName];
    for (let file = next.pop(); file !== undefined; file = next.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      for (const sdk of reaches.get(file) ?? []) sdks.add(sdk);
      next.push(...(imports.get(file) ?? []));
    }
    const name =
      sdkPackages
        .filter(([sdk]) => sdks.has(sdk))
        .map(([sdk]) => sdk)
        .join("+") || "rest";
    groups.set(name, [...(groups.get(name) ?? []), fileName]);
  }
  return [...groups].map(([name, files]) => ({
    name,
    files,
    rootNames: [...new Set([...files, ...globals])],
  }));
}

interface PartitionResult {
  readonly typeErrors: boolean;
  readonly lintErrors: boolean;
  readonly lintWarnings: boolean;
  readonly programFiles: readonly string[];
  readonly typeCheckSeconds: number;
  readonly eslintSeconds: number;
  /** The partition process's peak resident set, in MB. */
  readonly peakMegabytes: number;
}

/**
 * One partition, in its own process: the type-check of its files, as `tsc --noEmit -p
 * tsconfig.json` checks them, then ESLint on them with the same program. ESLint is asked for "."
 * in the "rest" partition with the other partitions' files ignored, so a .ts file that no program
 * holds is still linted (and fails, being in no program) rather than skipped.
 */
async function checkPartition(
  config: ts.ParsedCommandLine,
  partition: Partition,
  others: readonly string[],
): Promise<PartitionResult> {
  let started = performance.now();
  const program = ts.createProgram({
    rootNames: partition.rootNames,
    options: config.options,
    projectReferences: config.projectReferences,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
  });
  // What ts.getPreEmitDiagnostics reports, for this partition's files only.
  const diagnostics: ts.Diagnostic[] = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
  ];
  for (const fileName of partition.files) {
    const file = program.getSourceFile(fileName);
    diagnostics.push(
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    );
  }
  const typeErrors = printDiagnostics(ts.sortAndDeduplicateDiagnostics(diagnostics));
  const typeCheckSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: [
      { ignores: others.map((file) => relative(root, file)) },
      {
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: false, programs: [program] } },
      },
    ],
  });
  const results = await eslint.lintFiles(partition.name === "rest" ? ["."] : [...partition.files]);
  const text = await (await eslint.loadFormatter("stylish")).format(results);
  if (text) console.log(text);
  return {
    typeErrors,
    lintErrors: results.some((r) => r.errorCount > 0),
    lintWarnings: results.some((r) => r.warningCount > 0),
    programFiles: program.getSourceFiles().map((file) => file.fileName),
    typeCheckSeconds,
    eslintSeconds: (performance.now() - started) / 1000,
    peakMegabytes: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/**
 * Every partition, one child process after another, so the peak is the largest partition's, then
 * one stamp over every file any of them read.
 */
async function typeCheckAndLint(config: ts.ParsedCommandLine, startedAt: number): Promise<boolean> {
  const scratch = mkdtempSync(join(tmpdir(), "static-checks-"));
  const results: PartitionResult[] = [];
  let crashed = false;
  try {
    for (const partition of partitions(config.fileNames, config.options)) {
      const resultFile = join(scratch, `${partition.name}.json`);
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, __filename, "--partition", partition.name, resultFile],
        { cwd: root, stdio: "inherit" },
      );
      if (child.status !== 0) {
        console.log(`   partition ${partition.name}: exited with ${child.status ?? child.signal}`);
        crashed = true;
        continue;
      }
      const result = JSON.parse(readFileSync(resultFile, "utf8")) as PartitionResult;
      console.log(
        `   partition ${partition.name}: ${partition.files.length} files, ` +
          `${result.programFiles.length} read, type-check ${result.typeCheckSeconds.toFixed(1)} s, ` +
          `eslint ${result.eslintSeconds.toFixed(1)} s, peak ${result.peakMegabytes} MB`,
      );
      results.push(result);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const total = (key: "typeCheckSeconds" | "eslintSeconds") =>
    results.reduce((sum, result) => sum + result[key], 0).toFixed(1);
  console.log(`   type-check: ${total("typeCheckSeconds")} s`);
  console.log(`   eslint: ${total("eslintSeconds")} s`);

  const failed = crashed || results.some((r) => r.typeErrors || r.lintErrors);
  const programFiles = [...new Set(results.flatMap((r) => r.programFiles))];
  const hash = inputsHash({ startedAt, rootNames: config.fileNames, configFiles, programFiles });
  // Warnings pass, as with `eslint .`, but are not stamped, so they are shown again next run.
  if (!failed && !results.some((r) => r.lintWarnings) && hash !== undefined) {
    mkdirSync(dirname(stampFile), { recursive: true });
    writeFileSync(stampFile, JSON.stringify({ hash, programFiles }));
  }
  return !failed;
}

function lastPass(): { hash: string; programFiles: string[] } | undefined {
  try {
    return JSON.parse(readFileSync(stampFile, "utf8")) as { hash: string; programFiles: string[] };
  } catch {
    return undefined;
  }
}

function parseConfig(): ts.ParsedCommandLine | undefined {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => printDiagnostics([d]),
  };
  return ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), { noEmit: true }, host);
}

/** The child's side: `--partition <name> <result file>`. */
async function partitionMain(name: string, resultFile: string): Promise<void> {
  const config = parseConfig();
  if (config === undefined) {
    process.exitCode = 1;
    return;
  }
  const all = partitions(config.fileNames, config.options);
  const partition = all.find((p) => p.name === name);
  if (partition === undefined) throw new Error(`no partition named ${name}`);
  const others = all.filter((p) => p !== partition).flatMap((p) => p.files);
  writeFileSync(resultFile, JSON.stringify(await checkPartition(config, partition, others)));
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const config = parseConfig();
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

if (require.main === module) {
  const at = process.argv.indexOf("--partition");
  void (at >= 0 ? partitionMain(process.argv[at + 1], process.argv[at + 2]) : main());
}
