/**
 * From a plan to the committed documents: the builder per cloud, the Markdown page with its
 * Mermaid block (GitHub renders it inline) and the SVG (Graphviz). Everything here is a pure
 * function of the plan, so the drift test can regenerate a document and compare it byte for byte.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import { format, resolveConfig } from "prettier";
import { PlannedService } from "../../components/cloudHome";
import { cloudHome } from "../../providers/registry";
import { projectRoot } from "../../stacks/stackFile";
import { toDot } from "./dot";
import { toMermaid } from "./mermaid";
import { Diagram } from "./model";
import { EnvironmentError, MissingToolError } from "../lib/errors";
import { installHint } from "../lib/exec";

type Plan = PlannedService;

/** The plan's picture, drawn by its cloud's home (`providers/<cloud>/diagram.ts`). */
export function diagramOf(plan: Plan): Diagram {
  return cloudHome(plan.cloud, "diagram").diagram(plan);
}

/** The stack whose diagrams are committed, and where. */
export const documentedStack = "prod";
export const diagramsDir = join(projectRoot, "docs", "diagrams");
export const regenerateCommand = "npm run diagram -- --docs";

export function documentPaths(cloud: string, stack = documentedStack) {
  const base = join(diagramsDir, `${cloud}-${stack}`);
  return { markdown: `${base}.md`, svg: `${base}.svg` };
}

/** Formats Markdown with the repository's Prettier settings, so `npm run lint` accepts it. */
export async function prettierMarkdown(text: string, path: string): Promise<string> {
  const options = (await resolveConfig(path)) ?? {};
  return format(text, { ...options, parser: "markdown", filepath: path });
}

/**
 * The Markdown page: what the picture shows, how to regenerate it, the Mermaid source. It links
 * the SVG of the same name beside it (`aws-prod.md` → `aws-prod.svg`).
 */
export async function markdownDocument(
  plan: Plan,
  diagram = diagramOf(plan),
  path = documentPaths(plan.cloud, plan.stack).markdown,
): Promise<string> {
  const svg = `${basename(path, ".md")}.svg`;
  const text = [
    `# Architecture: ${plan.cloud}, ${plan.stack} stack`,
    "",
    `<!-- Generated from the offline plan by \`${regenerateCommand}\`; do not edit. A test regenerates it and fails when it no longer matches. -->`,
    "",
    `Derived from the resources the \`${plan.stack}\` stack registers on ${plan.cloud} (${plan.resources.length} in the offline plan), not drawn by hand.`,
    "Solid arrows carry requests; dashed arrows are what an identity may do.",
    `The same graph laid out by Graphviz: [${svg}](${svg}).`,
    "",
    "```mermaid",
    toMermaid(diagram).trimEnd(),
    "```",
    "",
  ].join("\n");
  return prettierMarkdown(text, path);
}

export const sourceHash = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * The comment the SVG carries, naming the DOT source it was laid out from. XML forbids "--" in a
 * comment, so the command's flags are spelled out in words.
 */
export function sourceComment(dot: string): string {
  return `<!-- source sha256:${sourceHash(dot)}; regenerate with npm run diagram and the docs flag -->`;
}

/**
 * Lays the graph out with Graphviz `dot` (Debian package `graphviz`). Layout depends on the
 * Graphviz version, so the SVG carries the hash of its DOT source: the drift test compares that,
 * and needs no Graphviz.
 */
export function svgDocument(diagram: Diagram): string {
  const dot = toDot(diagram);
  const result = spawnSync("dot", ["-Tsvg"], { input: dot, encoding: "utf8" });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
    throw new MissingToolError("dot", installHint("dot"));
  }
  if (result.error !== undefined || result.status !== 0) {
    throw new EnvironmentError(`Graphviz dot failed: ${result.error?.message ?? result.stderr}`);
  }
  // The comment goes after the XML declaration, which must stay first.
  return result.stdout.replace(
    /^(<\?xml[^>]*>\n)?/,
    (declaration) => `${declaration}${sourceComment(dot)}\n`,
  );
}
