import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const repoRoot = join(__dirname, "..", "..");

/**
 * The documentation the checks cover: the same set `.markdownlint-cli2.jsonc` lints and the
 * `lint:docs` script link-checks.
 */
export const documentRoots = ["README.md", "docs", "app/README.md", "bootstrap/README.md"];

/** Every Markdown file under `documentRoots`, as paths relative to the repository root. */
export function documentationFiles(): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    const full = join(repoRoot, path);
    if (path.endsWith(".md")) {
      files.push(path);
      return;
    }
    for (const entry of readdirSync(full, { withFileTypes: true })) {
      if (entry.isDirectory() || entry.name.endsWith(".md")) walk(join(path, entry.name));
    }
  };
  documentRoots.forEach(walk);
  return files.sort();
}

export interface FencedBlock {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The info string's first word: `sh`, `text`, `mermaid`, ... */
  readonly language: string;
  /** Content lines, with the fence's own indentation removed. */
  readonly lines: readonly string[];
  /** The HTML comment on the nearest non-blank line above the fence, without `<!--` and `-->`. */
  readonly marker?: string;
}

/**
 * Fenced code blocks of a Markdown file. A line scanner rather than a Markdown parser: only fences
 * and the comment right above them matter, fences in this repository are always backticks at the
 * start of a (possibly list-indented) line, and no parser is a direct dependency of the project.
 */
export function fencedBlocks(file: string, root = repoRoot): FencedBlock[] {
  const text = readFileSync(join(root, file), "utf8");
  const lines = text.split("\n");
  const blocks: FencedBlock[] = [];
  let previous = "";
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,})\s*([^`\s]*)/.exec(lines[i]);
    if (!open) {
      if (lines[i].trim() !== "") previous = lines[i].trim();
      continue;
    }
    const [, indent, fence, language] = open;
    const content: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^ *\`{${fence.length},}\\s*$`).exec(lines[j]);
      if (close) break;
      content.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trim());
    }
    const comment = /^<!--(.*)-->$/.exec(previous);
    blocks.push({
      file,
      line: i + 1,
      language,
      lines: content,
      marker: comment ? comment[1].trim() : undefined,
    });
    previous = "";
    i = j;
  }
  return blocks;
}

/**
 * Shell commands of a block: comment and blank lines dropped, lines ending in `\` or `|` joined
 * with the next, as the shell reads them.
 */
export function commandsOf(block: FencedBlock): { command: string; line: number }[] {
  const commands: { command: string; line: number }[] = [];
  let pending: { command: string; line: number } | undefined;
  block.lines.forEach((raw, index) => {
    const text = raw.trim();
    if (pending === undefined && (text === "" || text.startsWith("#"))) return;
    const line = block.line + 1 + index;
    pending =
      pending === undefined
        ? { command: text, line }
        : { command: `${pending.command} ${text}`, line: pending.line };
    if (text.endsWith("\\")) {
      pending = { ...pending, command: pending.command.slice(0, -1).trimEnd() };
    } else if (!text.endsWith("|")) {
      commands.push(pending);
      pending = undefined;
    }
  });
  if (pending !== undefined) commands.push(pending);
  return commands;
}

/** What an `<!-- offline ... -->` marker asks of its block. */
export interface OfflineMarker {
  /** Exit code every command of the block must end with. */
  readonly exit: number;
  /** When set, every line of the next fenced block must appear in the command's output. */
  readonly outputNext: boolean;
}

/**
 * Parses `offline`, `offline exit=2` or `offline exit=2 output=next`. Returns undefined for a
 * comment that is not about running the block, and throws for one that starts with `offline` but
 * says anything else, so a typo cannot quietly turn a check off.
 */
export function parseOfflineMarker(marker: string | undefined): OfflineMarker | undefined {
  if (marker === undefined) return undefined;
  const [head, ...options] = marker.split(/\s+/);
  if (head !== "offline") return undefined;
  let exit = 0;
  let outputNext = false;
  for (const option of options) {
    const exitMatch = /^exit=(\d+)$/.exec(option);
    if (exitMatch) exit = Number(exitMatch[1]);
    else if (option === "output=next") outputNext = true;
    else
      throw new Error(
        `marker "<!-- ${marker} -->": expected offline [exit=<code>] [output=next]; got "${option}"`,
      );
  }
  return { exit, outputNext };
}
