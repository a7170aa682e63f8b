import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/**
 * The one reader of `Pulumi.yaml` and `Pulumi.<stack>.yaml`, for the offline plan and every tool
 * that needs a stack's configuration without the Pulumi CLI (the pipeline needs the cloud before
 * it can log in anywhere; the doctor and the checker must work where the CLI is missing).
 */

/** Where `Pulumi.yaml` and the stack files of this checkout live. */
export const projectRoot = join(__dirname, "..");

/** Reads a file by its path relative to the project root; undefined when it does not exist. */
export type FileReader = (path: string) => string | undefined;

/** A reader of the files under `root` on disk. */
export function filesIn(root: string): FileReader {
  return (path) => {
    try {
      return readFileSync(join(root, path), "utf8");
    } catch {
      return undefined;
    }
  };
}

export interface ProjectFile {
  /** The project name, which namespaces its configuration keys (`<name>:cloud`). */
  readonly name: string;
  /** Pulumi.yaml's `config:` block: each key's declared default, when it has one. */
  readonly config: Readonly<Record<string, { readonly default?: unknown }>>;
}

/**
 * `Pulumi.yaml` as `read` sees it. A reader without one (a stack file checked on its own, a
 * test's files) gets this checkout's, so no tool writes the project name down.
 */
export function readProject(read: FileReader = filesIn(projectRoot)): ProjectFile {
  const text = read("Pulumi.yaml") ?? filesIn(projectRoot)("Pulumi.yaml") ?? "";
  const file = (parse(text) ?? {}) as Partial<ProjectFile>;
  if (typeof file.name !== "string") {
    throw new Error(`Pulumi.yaml: expected a project name (name: ...); got ${String(file.name)}`);
  }
  return { name: file.name, config: file.config ?? {} };
}

/** Why a stack file could not be read; each tool says what to do about it in its own words. */
export class StackFileError extends Error {
  constructor(
    readonly reason: "name" | "missing" | "yaml",
    message: string,
  ) {
    super(message);
    this.name = "StackFileError";
  }
}

export interface StackFile {
  readonly stack: string;
  /** `Pulumi.<stack>.yaml`, relative to the project root. */
  readonly path: string;
  /** The `config:` block as written: `namespace:key` → YAML value (`{ secure: ... }` for secrets). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly encryptionsalt?: string;
  readonly secretsprovider?: string;
}

/** Reads `Pulumi.<stack>.yaml`, refusing a name that is not a stack name (no paths). */
export function readStackFile(read: FileReader, stack: string): StackFile {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    throw new StackFileError(
      "name",
      `stack: expected a stack name such as test; got ${JSON.stringify(stack)}`,
    );
  }
  const path = `Pulumi.${stack}.yaml`;
  const text = read(path);
  if (text === undefined) {
    throw new StackFileError(
      "missing",
      `stack: no ${path} in the project; create it with pulumi stack init ${stack}`,
    );
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    const detail = (error as Error).message.split("\n")[0];
    throw new StackFileError("yaml", `${path} is not valid YAML: ${detail}`);
  }
  const file = (document ?? {}) as Omit<StackFile, "stack" | "path">;
  return { ...file, stack, path, config: file.config ?? {} };
}

/** `cloud` → `<project>:cloud`; a key with a namespace (`aws:region`) stays as it is. */
export function qualify(project: ProjectFile, key: string): string {
  return key.includes(":") ? key : `${project.name}:${key}`;
}

/** A key's value as the engine resolves it: the stack's own, else Pulumi.yaml's default. */
export function configValue(project: ProjectFile, file: StackFile, key: string): unknown {
  const own = file.config[qualify(project, key)];
  return own ?? (key.includes(":") ? undefined : project.config[key]?.default);
}

/** Stack configuration as the Pulumi engine hands it to a program: `namespace:key` → string. */
export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  readonly config: Record<string, string>;
  /** Keys whose values are secrets; the plan masks them. */
  readonly secretKeys: string[];
}

/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the CLI merges them: project defaults
 * first, then the stack's values, then `-c key=value` overrides (`pulumi preview -c` style).
 * Structured values become JSON text, as the engine passes them.
 */
export function loadStackConfig(
  stack: string,
  overrides: Readonly<Record<string, string>> = {},
  root: string = projectRoot,
): StackConfig {
  const read = filesIn(root);
  const project = readProject(read);
  const file = readStackFile(read, stack);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, spec] of Object.entries(project.config)) {
    if (spec && spec.default !== undefined) config[qualify(project, key)] = asText(spec.default);
  }
  for (const [key, value] of Object.entries(file.config)) {
    const secret = typeof value === "object" && value !== null && "secure" in value;
    config[qualify(project, key)] = secret ? "[secret]" : asText(value);
    if (secret) secretKeys.push(qualify(project, key));
  }
  for (const [key, value] of Object.entries(overrides)) {
    config[qualify(project, key)] = value;
  }
  return { project: project.name, stack, config, secretKeys };
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Parses `key=value` pairs from the command line. */
export function parseOverrides(pairs: readonly string[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      throw new Error(`-c: expected key=value; got ${JSON.stringify(pair)}`);
    }
    overrides[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return overrides;
}
