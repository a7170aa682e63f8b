import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Reads the upstream provider sources the replacement table cites, through the Go module proxy
 * (`go mod download -json`, cached in the Go module cache like any module).
 */
export function downloadModule(module: string, version: string): string {
  const out = execFileSync("go", ["mod", "download", "-json", `${module}@${version}`], {
    encoding: "utf8",
    cwd: path.resolve(__dirname),
    env: { ...process.env, GOFLAGS: "-mod=mod" },
    maxBuffer: 16 * 1024 * 1024,
  });
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${module}@${version}: ${info.Error ?? out}`);
  return info.Dir;
}

/** The text between the brace at `open` and its match. */
function block(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error("unbalanced braces");
}

/** `block` with every nested `{...}` removed: what is said at this level only. */
function topLevel(text: string): string {
  let out = "";
  let depth = 0;
  for (const ch of text) {
    if (ch === "{") depth++;
    else if (ch === "}") depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

/**
 * The top-level attributes of a terraform-plugin-sdk resource, each with whether its schema says
 * `ForceNew: true`. The resource schema is the map after `func <resourceFunc>()`; attribute keys are string literals or `names.AttrX` constants (resolved
 * through `constants`, the provider's names/attr_consts_gen.go).
 */
export function sdkResourceAttributes(
  source: string,
  resourceFunc: string,
  constants: ReadonlyMap<string, string> = new Map(),
): Map<string, boolean> {
  const start = source.search(new RegExp(`func ${resourceFunc}\\(\\) \\*schema\\.Resource`));
  if (start < 0) throw new Error(`no func ${resourceFunc}() *schema.Resource`);
  // The resource's own `Schema:` or `SchemaFunc:` field, one tab inside `return &schema.Resource{`;
  // an identity schema or a nested block's schema sits deeper.
  const field = /\n\t\t(?:Schema: |SchemaFunc: func\(\) )map\[string\]\*schema\.Schema/g;
  field.lastIndex = start;
  const found = field.exec(source);
  if (!found) throw new Error(`no schema in ${resourceFunc}`);
  const mapAt = source.indexOf("map[string]*schema.Schema{", found.index);
  const schema = block(source, mapAt + "map[string]*schema.Schema".length);
  const attributes = new Map<string, boolean>();
  const key = /(?:"([a-z0-9_]+)"|names\.(Attr[A-Za-z0-9]+)):\s*\{/g;
  let depth = 0;
  for (let i = 0; i < schema.length; i++) {
    if (schema[i] === "{") depth++;
    else if (schema[i] === "}") depth--;
    if (depth !== 0) continue;
    key.lastIndex = i;
    const match = key.exec(schema);
    if (!match || match.index !== i) continue;
    const name = match[1] ?? constants.get(match[2]) ?? match[2];
    const open = i + match[0].length - 1;
    attributes.set(name, /ForceNew:\s*true/.test(topLevel(block(schema, open))));
    i = open - 1;
  }
  return attributes;
}

/** `AttrName = "name"` pairs from terraform-provider-aws names/attr_consts_gen.go. */
export function attributeConstants(file: string): Map<string, string> {
  const constants = new Map<string, string>();
  for (const m of fs.readFileSync(file, "utf8").matchAll(/\b(Attr[A-Za-z0-9]+)\s*=\s*"([^"]+)"/g)) {
    constants.set(m[1], m[2]);
  }
  return constants;
}
