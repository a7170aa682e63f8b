import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** Stack configuration as the Pulumi engine hands it to a program: `namespace:key` → string. */
export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  readonly config: Record<string, string>;
  /** Keys whose values are secrets; the plan masks them. */
  readonly secretKeys: string[];
}

export const projectRoot = join(__dirname, "..", "..");

interface ProjectFile {
  name: string;
  config?: Record<string, { default?: unknown }>;
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
  const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as ProjectFile;
  let stackText: string;
  try {
    stackText = readFileSync(join(root, `Pulumi.${stack}.yaml`), "utf8");
  } catch {
    throw new Error(`stack: no Pulumi.${stack}.yaml in ${root}`);
  }
  const stackFile = (parse(stackText) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);

  for (const [key, spec] of Object.entries(project.config ?? {})) {
    if (spec && spec.default !== undefined) config[qualify(key)] = asConfigText(spec.default);
  }
  for (const [key, value] of Object.entries(stackFile.config ?? {})) {
    if (isSecure(value)) {
      config[qualify(key)] = "[secret]";
      secretKeys.push(qualify(key));
    } else {
      config[qualify(key)] = asConfigText(value);
    }
  }
  for (const [key, value] of Object.entries(overrides)) {
    config[qualify(key)] = value;
  }
  return { project: project.name, stack, config, secretKeys };
}

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && "secure" in value;
}

function asConfigText(value: unknown): string {
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
